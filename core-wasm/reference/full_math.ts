/**
 * FullMath: `floor(a*b/d)` and `ceil(a*b/d)` over uint256 with an exact
 * (512-bit in Solidity, unbounded here) intermediate product. The result must
 * fit in uint256 and the denominator must be non-zero, or the contract
 * reverts; so do these functions.
 *
 * Also home to the fixed-point constants and the integer-type range checks
 * shared by the rest of the reference implementation.
 *
 * @module
 */
import { V3MathError } from "../errors.ts";

/** 2^96, the Q64.96 unit (FixedPoint96.Q96). */
export const Q96: bigint = 1n << 96n;
/** 2^128, the Q128.128 unit (FixedPoint128.Q128). */
export const Q128: bigint = 1n << 128n;
/** type(uint128).max */
export const MAX_UINT128: bigint = (1n << 128n) - 1n;
/** type(uint160).max */
export const MAX_UINT160: bigint = (1n << 160n) - 1n;
/** type(uint256).max */
export const MAX_UINT256: bigint = (1n << 256n) - 1n;
/** type(int128).max */
export const MAX_INT128: bigint = (1n << 127n) - 1n;
/** type(int128).min */
export const MIN_INT128: bigint = -(1n << 127n);
/** type(int256).max */
export const MAX_INT256: bigint = (1n << 255n) - 1n;
/** type(int256).min */
export const MIN_INT256: bigint = -(1n << 255n);

/**
 * Throws `V3MathError("OVERFLOW")` unless `value` is an integer in `[min, max]`
 * (the range of a Solidity integer type, e.g. `[0, MAX_UINT128]`).
 *
 * @example
 * ```ts
 * import { checkRange, MAX_UINT128 } from "./full_math.ts";
 * checkRange(5n, 0n, MAX_UINT128, "mint", "amount", "uint128"); // ok
 * ```
 */
export function checkRange(
  value: bigint,
  min: bigint,
  max: bigint,
  fn: string,
  name: string,
  type: string,
): void {
  if (typeof value !== "bigint") {
    throw new TypeError(`${fn}: ${name} must be a bigint, got ${typeof value}`);
  }
  if (value < min || value > max) {
    throw new V3MathError("OVERFLOW", fn, `${name} ${value} does not fit ${type}`);
  }
}

/** Range check for a uint256 argument. */
function checkU256(value: bigint, fn: string, name: string): void {
  checkRange(value, 0n, MAX_UINT256, fn, name, "uint256");
}

/**
 * FullMath.mulDiv: `floor(a * b / denominator)`. Throws "DIV_ZERO" when the
 * denominator is 0 and "OVERFLOW" when the result exceeds uint256.
 *
 * @example
 * ```ts
 * import { mulDiv, Q128 } from "./full_math.ts";
 * mulDiv(Q128, 1000n * Q128, 3000n * Q128); // floor(Q128 / 3)
 * ```
 */
export function mulDiv(a: bigint, b: bigint, denominator: bigint): bigint {
  checkU256(a, "mulDiv", "a");
  checkU256(b, "mulDiv", "b");
  checkU256(denominator, "mulDiv", "denominator");
  return mulDivUnchecked(a, b, denominator, "mulDiv");
}

/**
 * FullMath.mulDivRoundingUp: `ceil(a * b / denominator)`; the same reverts as
 * `mulDiv`, plus "OVERFLOW" when rounding up would pass uint256.
 *
 * @example
 * ```ts
 * import { mulDivRoundingUp, Q128 } from "./full_math.ts";
 * mulDivRoundingUp(Q128, 1000n * Q128, 3000n * Q128); // floor(Q128 / 3) + 1
 * ```
 */
export function mulDivRoundingUp(a: bigint, b: bigint, denominator: bigint): bigint {
  checkU256(a, "mulDivRoundingUp", "a");
  checkU256(b, "mulDivRoundingUp", "b");
  checkU256(denominator, "mulDivRoundingUp", "denominator");
  return mulDivRoundingUpUnchecked(a, b, denominator, "mulDivRoundingUp");
}

/**
 * `mulDiv` for arguments already known to be uint256 (used internally on hot
 * paths). Still rejects a zero denominator and an overflowing result.
 *
 * @example
 * ```ts
 * import { mulDivUnchecked } from "./full_math.ts";
 * mulDivUnchecked(7n, 3n, 2n, "example"); // 10n
 * ```
 */
export function mulDivUnchecked(a: bigint, b: bigint, denominator: bigint, fn: string): bigint {
  if (denominator === 0n) {
    throw new V3MathError("DIV_ZERO", fn, "denominator is 0");
  }
  const result = (a * b) / denominator;
  if (result > MAX_UINT256) {
    throw new V3MathError(
      "OVERFLOW",
      fn,
      `${a} * ${b} / ${denominator} = ${result} does not fit uint256`,
    );
  }
  return result;
}

/**
 * `mulDivRoundingUp` for arguments already known to be uint256.
 *
 * @example
 * ```ts
 * import { mulDivRoundingUpUnchecked } from "./full_math.ts";
 * mulDivRoundingUpUnchecked(7n, 3n, 2n, "example"); // 11n
 * ```
 */
export function mulDivRoundingUpUnchecked(
  a: bigint,
  b: bigint,
  denominator: bigint,
  fn: string,
): bigint {
  if (denominator === 0n) {
    throw new V3MathError("DIV_ZERO", fn, "denominator is 0");
  }
  const product = a * b;
  let result = product / denominator;
  if (product % denominator !== 0n) result += 1n;
  if (result > MAX_UINT256) {
    throw new V3MathError(
      "OVERFLOW",
      fn,
      `ceil(${a} * ${b} / ${denominator}) = ${result} does not fit uint256`,
    );
  }
  return result;
}

/**
 * UnsafeMath.divRoundingUp: `ceil(x / y)`; like the EVM's `div`, a zero divisor gives 0.
 *
 * @example
 * ```ts
 * import { divRoundingUp } from "./full_math.ts";
 * divRoundingUp(7n, 2n); // 4n
 * ```
 */
export function divRoundingUp(x: bigint, y: bigint): bigint {
  if (y === 0n) return 0n;
  const q = x / y;
  return x % y === 0n ? q : q + 1n;
}
