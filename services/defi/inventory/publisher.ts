/**
 * Inventory deltas for the CeFi trader: our token exposure in one pool
 * (wallet + every position's principal + uncollected fees, exact raw units)
 * is compared with the last exposure we published; the difference goes out
 * as an `InventoryDelta` on the `inventory_deltas` topic (the bus stamps the
 * per-stream sequence number). Summing every delta of a stream gives the
 * current exposure; the last published exposure is persisted by the caller
 * (see {@link InventoryPublisher.lastExposure}) so a restart publishes only
 * the difference, as a RECONCILIATION delta.
 *
 * @module
 */
import { formatUnits } from "viem";
import type { Publisher } from "../../common/bus/publisher.ts";
import { nowNs } from "../../common/clock.ts";
import { InventoryReason } from "../../../proto/types.ts";

/** Static facts of the stream. */
export interface InventoryMeta {
  chain: string;
  chainId: number;
  pool: string;
  fee: number;
  token0: string;
  token1: string;
  symbol0: string;
  symbol1: string;
  decimals0: number;
  decimals1: number;
  /** Which token is the quote (value unit). */
  quoteToken: 0 | 1;
}

/** Context of one update. */
export interface DeltaContext {
  reason: InventoryReason;
  blockNumber: bigint;
  /** Base price in quote units, to value the delta. */
  price: number;
  positionId?: bigint;
  txHash?: string;
  logIndex?: number;
  /** Publish even when the delta is zero (position changes). */
  force?: boolean;
}

/** One published delta (for logs and tests). */
export interface PublishedDelta {
  sequence: bigint;
  amount0: bigint;
  amount1: bigint;
  reason: InventoryReason;
}

/** See the module doc. */
export class InventoryPublisher {
  readonly meta: InventoryMeta;
  readonly #pub: Publisher<"inventory_deltas"> | null;
  /** Exposure as of the last published delta (raw units). */
  lastExposure: [bigint, bigint];
  /** Every delta published in this process. */
  readonly published: PublishedDelta[] = [];

  constructor(
    pub: Publisher<"inventory_deltas"> | null,
    meta: InventoryMeta,
    lastExposure: [bigint, bigint] = [0n, 0n],
  ) {
    this.#pub = pub;
    this.meta = meta;
    this.lastExposure = lastExposure;
  }

  /** The delta `exposure − lastExposure` (not yet published). */
  delta(exposure: [bigint, bigint]): [bigint, bigint] {
    return [exposure[0] - this.lastExposure[0], exposure[1] - this.lastExposure[1]];
  }

  /**
   * Publishes the change to `exposure` (when non-zero or `force`); returns it,
   * or null when nothing was sent. Call {@link commit} semantics: the caller
   * persists `lastExposure` before calling (at-most-once across crashes).
   */
  publish(exposure: [bigint, bigint], ctx: DeltaContext): PublishedDelta | null {
    const [d0, d1] = this.delta(exposure);
    if (d0 === 0n && d1 === 0n && !ctx.force) return null;
    this.lastExposure = [exposure[0], exposure[1]];
    const m = this.meta;
    const h0 = Number(formatUnits(d0, m.decimals0));
    const h1 = Number(formatUnits(d1, m.decimals1));
    const value = m.quoteToken === 0 ? h0 + h1 * ctx.price : h0 * ctx.price + h1;
    const now = nowNs();
    let seq = 0n;
    if (this.#pub) {
      seq = this.#pub.publish("InventoryDelta", {
        header: {
          venue: `uniswap_v3:${m.chain}`,
          symbol: m.pool.toLowerCase(),
          exchangeTsNs: 0n,
          receiveTsNs: now,
        },
        chainId: BigInt(m.chainId),
        chain: m.chain,
        pool: m.pool.toLowerCase(),
        feeTier: m.fee,
        positionId: ctx.positionId ?? 0n,
        token0: m.token0.toLowerCase(),
        token1: m.token1.toLowerCase(),
        token0Symbol: m.symbol0,
        token1Symbol: m.symbol1,
        amount0: formatUnits(d0, m.decimals0),
        amount1: formatUnits(d1, m.decimals1),
        value: decimalString(value),
        valueAsset: m.quoteToken === 0 ? m.symbol0 : m.symbol1,
        reason: ctx.reason,
        blockNumber: ctx.blockNumber,
        txHash: ctx.txHash ?? "",
        logIndex: ctx.logIndex ?? 0,
      });
    }
    const out = { sequence: seq, amount0: d0, amount1: d1, reason: ctx.reason };
    this.published.push(out);
    return out;
  }
}

/** A finite number as a plain decimal string (no exponent), 8 significant decimals. */
export function decimalString(x: number): string {
  if (!Number.isFinite(x)) return "0";
  const s = x.toFixed(8).replace(/\.?0+$/, "");
  return s === "-0" || s === "" ? "0" : s;
}

export { InventoryReason };
