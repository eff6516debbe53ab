/**
 * The range-model contract: a model turns the market and our inventory into
 * a two-sided quote (in ticks) and the quote into Uniswap V3 ranges aligned to
 * the pool's tick spacing. Models are pure: they never read files, sockets or
 * clocks; the numeric cores (A–S spread, GLFT coefficients) run in core.wasm.
 *
 * Units: prices are *base* prices in *quote* units; depths and widths are in
 * ticks (one tick ≈ 1 bp of price); inventory `q` is the deviation of the
 * base token's value share from its target, in percentage points
 * (`q = 100·(ratio − target)`, > 0 when long the base token); σ is the
 * rolling volatility converted to ticks per √day; model time is in days.
 *
 * @module
 */

/** What a model sees. */
export interface ModelState {
  /** Current pool tick. */
  tick: number;
  /** Pool tick spacing. */
  tickSpacing: number;
  /** Share of our value held in the base token (0..1). */
  baseRatio: number;
  /** Target share of the base token (0..1). */
  targetRatio: number;
  /** Realized volatility, log units per √day. */
  sigmaPerSqrtDay: number;
  /** Which token is the base (priced) token. */
  baseToken: 0 | 1;
}

/** A model's two-sided quote around the current price, in ticks of base price. */
export interface RangeQuote {
  /** Inventory deviation in percentage points (> 0: long base). */
  q: number;
  /** σ in ticks per √day used for the quote. */
  sigmaTicks: number;
  /** Reservation (centre of the two quotes) minus mid, in ticks (< 0 when long base). */
  reservationShiftTicks: number;
  /** Distance below the price at which the model buys base, in ticks. */
  bidDepthTicks: number;
  /** Distance above the price at which the model sells base, in ticks. */
  askDepthTicks: number;
  /** The side the model refuses to quote at its inventory bound, if any. */
  withheld: "none" | "bid" | "ask";
}

/** One Uniswap V3 range to hold. */
export interface PlannedRange {
  tickLower: number;
  tickUpper: number;
}

/** What {@link RangeModel.calculateRanges} returns. */
export interface RangePlan {
  /** The model quote the ranges were derived from. */
  quote: RangeQuote;
  /** The token we hold too much of (its value share above target; the base when q = 0). */
  excessToken: 0 | 1;
  /** Width of the excess token's side, ticks (multiple of the spacing). */
  excessWidthTicks: number;
  /** Width of the deficit token's side, ticks (multiple of the spacing). */
  deficitWidthTicks: number;
  /**
   * The main range: contains the current tick, extends `excessWidthTicks` on
   * the excess token's side and `deficitWidthTicks` on the other.
   */
  main: PlannedRange;
  /** Single-sided range above the price (holds token0 only) for leftover token0, or null. */
  limit0: PlannedRange | null;
  /** Single-sided range below the price (holds token1 only) for leftover token1, or null. */
  limit1: PlannedRange | null;
  /** True when the inventory is at the model's bound (GLFT max position): reduce it. */
  mustReduce: boolean;
}

/** Shape parameters shared by every model. */
export interface LayoutParams {
  /**
   * Range width per tick of quote depth (default 2: a range from the price out
   * to 2δ has its liquidity-weighted mid-fill about δ away, the model's quote).
   */
  widthScale: number;
  /** Narrowest side, ticks (rounded up to the spacing; at least one spacing). */
  minWidthTicks: number;
  /** Widest side, ticks. */
  maxWidthTicks: number;
}

/** The one interface every range model implements. */
export interface RangeModel {
  /** Short name, e.g. "as" or "glft". */
  readonly name: string;
  /** The model's quote for this state. */
  quote(state: ModelState): RangeQuote;
  /** Ranges for this state (see {@link RangePlan}). */
  calculateRanges(state: ModelState): RangePlan;
}
