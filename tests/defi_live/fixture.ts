/**
 * The live-path fixture: anvil with the real Uniswap V3 contracts from npm
 * (WETH9 from canonical-weth, two ERC20 test tokens, the Factory, a pool per
 * fee tier, NonfungiblePositionManager, SwapRouter, QuoterV2), seeded
 * liquidity, an LP wallet funded with both tokens (its key is an anvil dev
 * key, handed to code under test as it would get it: a 0x string), and a
 * seeded trader that swaps and records what it did.
 *
 * @module
 */
import { type Address, bytesToHex, type Hex, numberToHex } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { SeededRandom } from "../../services/common/random.ts";
import {
  ANVIL_MNEMONIC,
  type AnvilInstance,
  deployUniswapV3,
  type PoolHandle,
  startAnvil,
  type StartAnvilOptions,
  type SwapEventResult,
  type UniswapV3Deployment,
} from "../support/anvil.ts";
import { ChainClient } from "../../services/defi/chain/client.ts";
import type { ChainInfo } from "../../services/defi/chain/chains.ts";

/** Fee tiers and spacings the fixture creates pools for. */
export const FEE_TIERS: Array<[number, number]> = [[100, 1], [500, 10], [3000, 60], [10000, 200]];

/** A swap the trader made, with its block's timestamp. */
export interface TraderSwap extends SwapEventResult {
  timestamp: number;
}

/** What {@link startFixture} returns. */
export interface LiveFixture {
  anvil: AnvilInstance;
  uni: UniswapV3Deployment;
  pools: Map<number, PoolHandle>;
  chain: ChainInfo;
  /** The LP wallet's private key (anvil dev account 1) and address. */
  lpKey: Hex;
  lpAddress: Address;
  /** A chain client with the LP key against `rpcUrl` (default anvil's). */
  client(rpcUrl?: string, o?: Partial<ConstructorParameters<typeof ChainClient>[0]>): ChainClient;
  /** Sets the timestamp of the next block (seconds). */
  setNextTimestamp(t: number): Promise<void>;
  /** Runs `n` seeded swaps on `pool` (amounts a fraction of its liquidity), `dt` seconds apart. */
  trade(pool: PoolHandle, n: number, o?: TradeOptions): Promise<TraderSwap[]>;
  stop(): Promise<void>;
}

/** Options of {@link LiveFixture.trade}. */
export interface TradeOptions {
  seed?: number;
  /** Seconds between swaps (uniform in [1, dtMax]); default 7. */
  dtMax?: number;
  /** Swap size as a fraction of 1e18 raw units (log-uniform in [1e-4, sizeMax]); default 0.2. */
  sizeMax?: number;
  /** Probability of a zeroForOne swap; default 0.5. */
  pZeroForOne?: number;
}

/** Starts anvil, deploys, creates the pools, seeds liquidity and funds the LP wallet. */
export async function startFixture(
  o: { anvil?: StartAnvilOptions; lpFunds?: bigint; tiers?: Array<[number, number]> } = {},
): Promise<LiveFixture> {
  const anvil = await startAnvil(o.anvil);
  try {
    const uni = await deployUniswapV3(anvil, { callers: 2 });
    const pools = new Map<number, PoolHandle>();
    for (const [fee, spacing] of o.tiers ?? FEE_TIERS) {
      if (fee === 100) await uni.enableFeeAmount(100, 1);
      const pool = await uni.createPool(fee, 1n << 96n);
      const wide = Math.floor(887272 / spacing) * spacing;
      await pool.mintPosition({ tickLower: -wide, tickUpper: wide, liquidity: 10n ** 21n });
      const near = Math.ceil(2000 / spacing) * spacing;
      await pool.mintPosition({ tickLower: -near, tickUpper: near, liquidity: 10n ** 22n });
      pools.set(fee, pool);
    }
    const lp = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 1 });
    const lpKey = bytesToHex(lp.getHdKey().privateKey!);
    await uni.fund(lp.address, o.lpFunds ?? 10n ** 21n);
    const chain: ChainInfo = {
      name: "local",
      id: anvil.chain.id,
      nativeSymbol: "ETH",
      factory: uni.factory,
      positionManager: uni.positionManager,
      swapRouter: uni.swapRouter,
      routerKind: "swap_router",
      quoterV2: uni.quoterV2,
    };
    let clock = 0;
    const setNextTimestamp = async (t: number) => {
      await anvil.rpc("evm_setNextBlockTimestamp", [numberToHex(t)]);
      clock = t;
    };
    const fixture: LiveFixture = {
      anvil,
      uni,
      pools,
      chain,
      lpKey,
      lpAddress: lp.address,
      client: (rpcUrl, extra) =>
        new ChainClient({
          rpcUrl: rpcUrl ?? anvil.rpcUrl,
          chain,
          privateKey: lpKey,
          pollMs: 20,
          retry: { retries: 3, baseMs: 20, maxMs: 200 },
          ...extra,
        }),
      setNextTimestamp,
      trade: async (pool, n, t = {}) => {
        const rng = new SeededRandom(t.seed ?? 1);
        const out: TraderSwap[] = [];
        if (clock === 0) {
          const b = await anvil.publicClient.getBlock();
          clock = Number(b.timestamp);
        }
        for (let i = 0; i < n; i++) {
          const ts = clock + 1 + Math.floor(rng.next() * (t.dtMax ?? 7));
          await setNextTimestamp(ts);
          const zeroForOne = rng.next() < (t.pZeroForOne ?? 0.5);
          const lo = Math.log(1e-4);
          const hi = Math.log(t.sizeMax ?? 0.2);
          const frac = Math.exp(lo + rng.next() * (hi - lo));
          const amount = BigInt(Math.floor(frac * 1e18)) + BigInt(rng.int(0, 999_999));
          const r = await pool.swapExactInput(zeroForOne, amount);
          out.push({ ...r, timestamp: ts });
        }
        return out;
      },
      stop: () => anvil.stop(),
    };
    return fixture;
  } catch (e) {
    await anvil.stop();
    throw e;
  }
}
