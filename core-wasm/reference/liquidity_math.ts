/**
 * LiquidityMath: applying a signed liquidity change to a uint128 liquidity.
 *
 * @module
 */
import { V3MathError } from "../errors.ts";
import { checkRange, MAX_INT128, MAX_UINT128, MIN_INT128 } from "./full_math.ts";

/**
 * LiquidityMath.addDelta: `x + y` for uint128 `x` and int128 `y`. Throws
 * `V3MathError("LS")` when the result would go below 0 and `"LA"` when it
 * would pass type(uint128).max.
 *
 * @example
 * ```ts
 * import { addDelta } from "./liquidity_math.ts";
 * addDelta(10n, -3n); // 7n
 * ```
 */
export function addDelta(x: bigint, y: bigint): bigint {
  checkRange(x, 0n, MAX_UINT128, "addDelta", "x", "uint128");
  checkRange(y, MIN_INT128, MAX_INT128, "addDelta", "y", "int128");
  return addDeltaUnchecked(x, y);
}

/**
 * `addDelta` for arguments already known to be uint128 / int128 (hot path).
 *
 * @example
 * ```ts
 * import { addDeltaUnchecked } from "./liquidity_math.ts";
 * addDeltaUnchecked(10n, 5n); // 15n
 * ```
 */
export function addDeltaUnchecked(x: bigint, y: bigint): bigint {
  const z = x + y;
  if (z < 0n) {
    throw new V3MathError("LS", "addDelta", `liquidity ${x} minus ${-y} would be negative`);
  }
  if (z > MAX_UINT128) {
    throw new V3MathError("LA", "addDelta", `liquidity ${x} plus ${y} exceeds uint128`);
  }
  return z;
}
