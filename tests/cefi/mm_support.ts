/**
 * Test harness for the GLFT market maker in its container: a tiny scripted
 * venue (the test decides what it answers), book helpers, and request
 * bookkeeping.
 */
import { loadCore, type WasmCore } from "../../core-wasm/mod.ts";
import { StrategyContainer } from "../../services/cefi/trader/container.ts";
import { instrument, type InstrumentSpec } from "../../services/cefi/trader/instrument.ts";
import { MiniOMS } from "../../services/cefi/trader/mini_oms.ts";
import { MiniPMS } from "../../services/cefi/trader/mini_pms.ts";
import {
  GlftMarketMaker,
  type GlftMarketMakerConfig,
} from "../../services/cefi/trader/strategies/glft_market_maker.ts";
import type { OrderRequest } from "../../services/cefi/trader/types.ts";

export const V = "sim";
export const S = "ETHUSDT";
export const T0 = 1_700_000_000_000_000_000n;
export const SEC = 1_000_000_000n;

let corePromise: Promise<WasmCore> | undefined;
export function core(): Promise<WasmCore> {
  return (corePromise ??= loadCore());
}

export function spec(): InstrumentSpec {
  return instrument({
    symbol: S,
    baseAsset: "ETH",
    quoteAsset: "USDT",
    tickSize: "0.5",
    lotSize: "0.01",
    kind: "linear",
  });
}

export type MmOverrides = Partial<Omit<GlftMarketMakerConfig, "name" | "venue" | "symbol">>;

/** Default test config: fixed σ, A, k (no calibration), 1-lot quotes. */
export function mmConfig(o: MmOverrides = {}): GlftMarketMakerConfig {
  return {
    name: "mm",
    venue: V,
    symbol: S,
    instrument: spec(),
    orderLots: 1n,
    maxPositionLots: 10n,
    gamma: 0.1,
    initial: { sigma: 2, A: 1, k: 0.5 },
    calibration: false,
    requoteThresholdTicks: 1,
    staleBookNs: SEC,
    ...o,
  };
}

export interface Harness {
  mm: GlftMarketMaker;
  c: StrategyContainer;
  oms: MiniOMS;
  pms: MiniPMS;
  sent: OrderRequest[];
  seq: bigint;
  /** Snapshot with best bid `bid`, best ask `ask`, 5 levels of 10 lots each side. */
  snapshot(ts: bigint, bid: number, ask: number): void;
  /** Contiguous update (or with `skip` sequence numbers missing). */
  update(ts: bigint, bids: number[], asks: number[], o?: { skip?: number; exch?: bigint }): void;
  /** ACKs every NEW/REPLACE and CANCELLED every CANCEL not answered yet. */
  answer(ts: bigint): void;
  /** Fills `lots` of an order at its price. */
  fill(clientOrderId: string, lots: bigint, ts: bigint, priceTicks?: bigint): void;
  /** Requests sent since the last call. */
  take(): OrderRequest[];
  /** Open orders of the OMS by side. */
  open(): { bids: bigint[]; asks: bigint[] };
}

export async function harness(o: MmOverrides = {}, omsLimits = {}): Promise<Harness> {
  const cr = await core();
  const pms = new MiniPMS();
  pms.addInstrument(V, spec());
  const oms = new MiniOMS({ venues: { [V]: { nativeAmend: true } }, risk: pms, limits: omsLimits });
  const mm = new GlftMarketMaker(mmConfig(o), cr);
  const sent: OrderRequest[] = [];
  const c = new StrategyContainer({ strategy: mm, oms, pms, sink: (r) => sent.push(r) });
  let answered = 0;
  let taken = 0;
  let fills = 0;
  const h: Harness = {
    mm,
    c,
    oms,
    pms,
    sent,
    seq: 100n,
    snapshot(ts, bid, ask) {
      const bids: number[] = [];
      const asks: number[] = [];
      for (let i = 0; i < 5; i++) bids.push(bid - i, 10), asks.push(ask + i, 10);
      c.onMarketData({
        kind: "book_snapshot",
        venue: V,
        symbol: S,
        tsNs: ts,
        exchangeTsNs: ts,
        bids,
        asks,
        venueSequence: h.seq,
      });
    },
    update(ts, bids, asks, u = {}) {
      const first = h.seq + 1n + BigInt(u.skip ?? 0);
      h.seq = first;
      c.onMarketData({
        kind: "book_update",
        venue: V,
        symbol: S,
        tsNs: ts,
        exchangeTsNs: u.exch ?? ts,
        bids,
        asks,
        firstVenueSequence: first,
        lastVenueSequence: first,
      });
    },
    answer(ts) {
      while (answered < sent.length) {
        const r = sent[answered++];
        if (r.action === "CANCEL") {
          c.onOrderEvent({ clientOrderId: r.clientOrderId, status: "CANCELLED", tsNs: ts });
        } else if (r.type === "MARKET" || r.timeInForce === "IOC") {
          c.onOrderEvent({ clientOrderId: r.clientOrderId, status: "ACK", tsNs: ts });
        } else {
          c.onOrderEvent({
            clientOrderId: r.clientOrderId,
            status: "ACK",
            priceTicks: r.priceTicks,
            lots: r.lots,
            tsNs: ts,
          });
        }
      }
    },
    fill(id, lots, ts, price) {
      const ord = oms.order(id)!;
      const cum = ord.filledLots + lots;
      c.onOrderEvent({
        clientOrderId: ord.clientOrderId,
        status: cum === ord.lots ? "FILLED" : "PARTIALLY_FILLED",
        lastFillLots: lots,
        lastFillPriceTicks: price ?? ord.priceTicks!,
        tradeId: `t${++fills}`,
        tsNs: ts,
      });
    },
    take() {
      const out = sent.slice(taken);
      taken = sent.length;
      return out;
    },
    open() {
      const os = oms.openOrders({ venue: V, symbol: S });
      return {
        bids: os.filter((x) => x.side === "BUY").map((x) => x.priceTicks!),
        asks: os.filter((x) => x.side === "SELL").map((x) => x.priceTicks!),
      };
    },
  };
  c.start(T0);
  return h;
}

/** GLFT quote in ticks from the formulas, plain JS Math (Δ = 1, tick = 1). */
export function glftByHand(
  p: { gamma: number; xi?: number; sigma: number; A: number; k: number; fee?: number },
  mid: number,
  q: number,
): { bidDepth: number; askDepth: number; bidTick: number; askTick: number } {
  const xi = p.xi ?? p.gamma;
  const d = 1;
  const c1 = xi === 0 ? 1 / p.k : (1 / (xi * d)) * Math.log(1 + (xi * d) / p.k);
  const power = xi === 0 ? Math.E : Math.pow(1 + (xi * d) / p.k, p.k / (xi * d) + 1);
  const c2 = Math.sqrt(((p.gamma * p.sigma * p.sigma) / (2 * p.A * d * p.k)) * power);
  const bidDepth = c1 + ((2 * q + d) / 2) * c2 + (p.fee ?? 0);
  const askDepth = c1 - ((2 * q - d) / 2) * c2 + (p.fee ?? 0);
  const bidTick = Math.floor(mid - bidDepth + 1e-9);
  let askTick = Math.ceil(mid + askDepth - 1e-9);
  if (askTick < bidTick + 1) askTick = bidTick + 1;
  return { bidDepth, askDepth, bidTick, askTick };
}
