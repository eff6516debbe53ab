/**
 * Shared types of the backtest: the pool/token description, gas and hedge
 * settings, the market events the swap-level engine replays.
 *
 * @module
 */

/** A pool and its tokens. Amounts in data files are raw units; decimals come from here. */
export interface PoolConfig {
  /** Fee in hundredths of a bip (500 = 0.05%). */
  fee: number;
  tickSpacing: number;
  symbol0: string;
  symbol1: string;
  decimals0: number;
  decimals1: number;
  /** The token whose price is quoted (e.g. 1 for WETH in USDC/WETH). */
  baseToken: 0 | 1;
  /** Chain's native (gas) token if it is one of the pool's tokens (WETH for ETH), else null. */
  nativeToken: 0 | 1 | null;
  /** Native token price in quote units when `nativeToken` is null (e.g. MATIC in USDC). */
  nativePriceQuote: number;
  /** Name of the native token, for reports. */
  nativeSymbol: string;
}

/** The synthetic market's default pool: USDC (token0, 6) / WETH (token1, 18), 0.05%. */
export const USDC_WETH_005: PoolConfig = {
  fee: 500,
  tickSpacing: 10,
  symbol0: "USDC",
  symbol1: "WETH",
  decimals0: 6,
  decimals1: 18,
  baseToken: 1,
  nativeToken: 1,
  nativePriceQuote: 0,
  nativeSymbol: "ETH",
};

/** Gas units per operation and the gas price. */
export interface GasConfig {
  /** Gas units of one mint (NonfungiblePositionManager.mint, incl. a new tick). */
  mint: number;
  /** Gas units of one burn (decreaseLiquidity). */
  burn: number;
  /** Gas units of one collect. */
  collect: number;
  /** Gas units of one swap through the router. */
  swap: number;
  /** Constant gas price in gwei, used when no series is given or before it starts. */
  gwei: number;
  /** Optional gas price series (gwei) by time, ascending: a step function. */
  series?: { t: Float64Array; gwei: Float64Array };
}

/** Typical mainnet gas units (periphery calls). */
export const DEFAULT_GAS: GasConfig = {
  mint: 400_000,
  burn: 160_000,
  collect: 120_000,
  swap: 130_000,
  gwei: 20,
};

/** Gas price in gwei at time `t` (step function over the series, else the constant). */
export function gasPriceAt(g: GasConfig, t: number, cursor = { i: 0 }): number {
  const s = g.series;
  if (!s || s.t.length === 0 || t < s.t[0]) return g.gwei;
  let i = cursor.i;
  if (i >= s.t.length || s.t[i] > t) i = 0;
  while (i + 1 < s.t.length && s.t[i + 1] <= t) i++;
  cursor.i = i;
  return s.gwei[i];
}

/** Optional perp hedge of the LP's inventory deltas. */
export interface HedgeConfig {
  /** Fraction of the base delta (vs the initial base holding) hedged, 0..1. */
  ratio: number;
  /** Re-hedge when the hedge is off target by this many base units' value, as a fraction of capital. */
  thresholdFraction: number;
  /** Taker fee per unit of notional traded (e.g. 0.0005). */
  feeRate: number;
  /** Funding rate per year paid by longs to shorts (e.g. 0.1 = 10%/year). */
  fundingPerYear: number;
}

/** Default hedge settings (used when the hedge is switched on). */
export const DEFAULT_HEDGE: HedgeConfig = {
  ratio: 1,
  thresholdFraction: 0.02,
  feeRate: 0.0005,
  fundingPerYear: 0.1,
};

/** One market event for the swap-level engine. Times are unix seconds. */
export type MarketEvent =
  | {
    kind: "swap";
    t: number;
    zeroForOne: boolean;
    /** > 0 exact input, < 0 exact output (raw units). */
    amount: bigint;
    /** Optional price limit (Q64.96); default: no limit. */
    limit?: bigint;
    /** Recorded post-swap tick (real data), for drift diagnostics. */
    recordedTick?: number;
  }
  | {
    /** An arbitrageur who trades the pool to the fair price less the fee band. */
    kind: "arb";
    t: number;
    /** Fair (external) base price in quote units. */
    fairPrice: number;
  }
  | {
    kind: "mint" | "burn";
    t: number;
    owner: string;
    tickLower: number;
    tickUpper: number;
    liquidity: bigint;
  };
