/**
 * Tick ranges aligned to a pool's tick spacing.
 *
 * @example
 * ```ts
 * import { calculateTickRange } from "./range.ts";
 * calculateTickRange({ tick: 1234, tickSpacing: 60, below: 300, above: 100 });
 * // { tickLower: 900, tickUpper: 1320 }
 * ```
 * @module
 */
import { ceilTick, floorTick, tickBounds } from "../ticks.ts";

/** Input of {@link calculateTickRange}. */
export interface TickRangeRequest {
  /** Current (or centre) tick. */
  tick: number;
  tickSpacing: number;
  /** Ticks below the spacing-aligned base (rounded up to the spacing). */
  below: number;
  /** Ticks above the spacing-aligned base (rounded up to the spacing). */
  above: number;
}

/**
 * `[b − below, b + above]` with `b` the spacing multiple at or below `tick`,
 * each side rounded up to a multiple of the spacing (at least one spacing in
 * total) and clamped to the usable tick bounds. The result always satisfies
 * the contracts' checks (lower < upper, both multiples of the spacing).
 */
export function calculateTickRange(r: TickRangeRequest): { tickLower: number; tickUpper: number } {
  const s = r.tickSpacing;
  if (!Number.isInteger(s) || s <= 0) {
    throw new RangeError(`Cannot calculate a tick range: tickSpacing ${s} must be an integer > 0`);
  }
  if (!Number.isFinite(r.tick)) {
    throw new RangeError(`Cannot calculate a tick range: tick ${r.tick} is not finite`);
  }
  if (!(r.below >= 0) || !(r.above >= 0)) {
    throw new RangeError(
      `Cannot calculate a tick range: widths below ${r.below} / above ${r.above} must be >= 0`,
    );
  }
  const { min, max } = tickBounds(s);
  const b = floorTick(Math.trunc(r.tick), s);
  let lower = Math.max(min, b - ceilTick(r.below, s));
  let upper = Math.min(max, b + ceilTick(r.above, s));
  if (upper <= lower) {
    if (upper + s <= max) upper = lower + s;
    else lower = upper - s;
  }
  return { tickLower: lower + 0, tickUpper: upper + 0 }; // + 0 turns -0 into 0
}
