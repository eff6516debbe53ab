/**
 * From a model quote to ranges (shared by every model).
 *
 * The asymmetric layout: the side of the price that holds the *excess* token
 * is wide, the deficit token's side narrow. The model's larger depth sets the
 * excess side, its smaller depth the deficit side (so inventory skew, which
 * pushes the two depths apart, only ever widens the excess side); each is
 * `widthScale × depth`, clamped to [minWidth, maxWidth] and rounded up to the
 * tick spacing. Token0 is what a range above the price holds (it is sold as
 * the tick rises) and token1 below, so excess token0 means "wide above".
 *
 * The main range straddles the price ([b − down, b + up] with b the spacing
 * multiple at or below the tick, so it is always active); whatever the main
 * range cannot absorb goes to a single-sided limit range on the same side as
 * that token ([b + s, b + up] for token0, [b − down, b] for token1), which is
 * why every run is a multi-range strategy.
 *
 * A note for quants: A–S itself would *tighten* the quote on the side it
 * wants to sell. The wide-excess layout follows the project's strategy
 * definition (spread the excess over a wide band so it keeps selling while
 * the price trends that way; keep the scarce token concentrated near the
 * price); the raw quote is in `RangePlan.quote` for other layouts.
 *
 * @module
 */
import { ceilTick, floorTick, LN_TICK, tickBounds } from "../ticks.ts";
import type { LayoutParams, ModelState, RangePlan, RangeQuote } from "./types.ts";

/** Default layout parameters. */
export const DEFAULT_LAYOUT: LayoutParams = {
  widthScale: 2,
  minWidthTicks: 20,
  maxWidthTicks: 20000,
};

/** Checks layout parameters; throws a RangeError naming the bad one. */
export function checkLayout(p: LayoutParams): LayoutParams {
  if (!(p.widthScale > 0) || !Number.isFinite(p.widthScale)) {
    throw new RangeError(`widthScale ${p.widthScale} must be a finite number > 0`);
  }
  if (!(p.minWidthTicks >= 1)) {
    throw new RangeError(`minWidthTicks ${p.minWidthTicks} must be >= 1`);
  }
  if (!(p.maxWidthTicks >= p.minWidthTicks)) {
    throw new RangeError(
      `maxWidthTicks ${p.maxWidthTicks} must be >= minWidthTicks ${p.minWidthTicks}`,
    );
  }
  return p;
}

/** Inventory deviation in percentage points. */
export function inventoryQ(state: ModelState): number {
  return 100 * (state.baseRatio - state.targetRatio);
}

/** σ in ticks per √day. */
export function sigmaTicks(state: ModelState): number {
  return state.sigmaPerSqrtDay / LN_TICK;
}

function width(depth: number, p: LayoutParams, spacing: number): number {
  const w = Math.min(p.maxWidthTicks, Math.max(p.minWidthTicks, p.widthScale * depth));
  return Math.max(spacing, ceilTick(Number.isFinite(w) ? w : p.maxWidthTicks, spacing));
}

/** Ranges for a quote; see the module doc. */
export function layoutRanges(state: ModelState, quote: RangeQuote, p: LayoutParams): RangePlan {
  const s = state.tickSpacing;
  const longBase = quote.q >= 0;
  const excessToken: 0 | 1 = longBase ? state.baseToken : (1 - state.baseToken) as 0 | 1;
  const far = Math.max(quote.bidDepthTicks, quote.askDepthTicks);
  const near = Math.min(quote.bidDepthTicks, quote.askDepthTicks);
  const excessWidth = width(far, p, s);
  const withheld = quote.withheld !== "none";
  const deficitWidth = withheld ? width(0, p, s) : width(near, p, s);
  const up = excessToken === 0 ? excessWidth : deficitWidth;
  const down = excessToken === 0 ? deficitWidth : excessWidth;
  const { min, max } = tickBounds(s);
  const b = floorTick(state.tick, s);
  const lower = Math.max(min, b - down);
  const upper = Math.min(max, b + up);
  return {
    quote,
    excessToken,
    excessWidthTicks: excessWidth,
    deficitWidthTicks: deficitWidth,
    main: { tickLower: lower, tickUpper: upper },
    limit0: upper > b + s ? { tickLower: b + s, tickUpper: upper } : null,
    limit1: lower < b ? { tickLower: lower, tickUpper: b } : null,
    mustReduce: withheld,
  };
}
