/**
 * TickMath: the map between ticks and Q64.96 sqrt prices,
 * `sqrtPriceX96(tick) ≈ sqrt(1.0001^tick) * 2^96`, computed exactly as the
 * contract does (so every value is bit-identical to the chain), and its
 * inverse, the greatest tick whose sqrt price is at or below a given price.
 *
 * @module
 */
import { V3MathError } from "../errors.ts";
import { MAX_UINT256, Q128 } from "./full_math.ts";

/** The lowest tick a price can reach: log base sqrt(1.0001) of 2^-128. */
export const MIN_TICK = -887272;
/** The highest tick: log base sqrt(1.0001) of 2^128. */
export const MAX_TICK = 887272;
/** getSqrtRatioAtTick(MIN_TICK). */
export const MIN_SQRT_RATIO = 4295128739n;
/** getSqrtRatioAtTick(MAX_TICK). */
export const MAX_SQRT_RATIO = 1461446703485210103287273052203988822378723970342n;

/**
 * FACTORS[i] is 1/sqrt(1.0001)^(2^i) as a Q128.128 number, rounded as in the
 * contract. A negative tick's ratio is the product of the factors of its set
 * bits; a positive tick's is the inverse of that.
 */
const FACTORS: readonly bigint[] = [
  0xfffcb933bd6fad37aa2d162d1a594001n,
  0xfff97272373d413259a46990580e213an,
  0xfff2e50f5f656932ef12357cf3c7fdccn,
  0xffe5caca7e10e4e61c3624eaa0941cd0n,
  0xffcb9843d60f6159c9db58835c926644n,
  0xff973b41fa98c081472e6896dfb254c0n,
  0xff2ea16466c96a3843ec78b326b52861n,
  0xfe5dee046a99a2a811c461f1969c3053n,
  0xfcbe86c7900a88aedcffc83b479aa3a4n,
  0xf987a7253ac413176f2b074cf7815e54n,
  0xf3392b0822b70005940c7a398e4b70f3n,
  0xe7159475a2c29b7443b29c7fa6e889d9n,
  0xd097f3bdfd2022b8845ad8f792aa5825n,
  0xa9f746462d870fdf8a65dc1f90e061e5n,
  0x70d869a156d2a1b890bb3df62baf32f7n,
  0x31be135f97d08fd981231505542fcfa6n,
  0x9aa508b5b7a84e1c677de54f3e99bc9n,
  0x5d6af8dedb81196699c329225ee604n,
  0x2216e584f5fa1ea926041bedfe98n,
  0x48a170391f7dc42444e8fa2n,
];

const LOW_32_BITS = 0xffffffffn;

/**
 * TickMath.getSqrtRatioAtTick: the Q64.96 sqrt price of `tick`, rounded up.
 * Throws `V3MathError("T")` when the tick is not an integer in [MIN_TICK, MAX_TICK].
 *
 * @example
 * ```ts
 * import { getSqrtRatioAtTick } from "./tick_math.ts";
 * getSqrtRatioAtTick(0); // 79228162514264337593543950336n (2^96)
 * ```
 */
export function getSqrtRatioAtTick(tick: number): bigint {
  if (!Number.isInteger(tick) || tick < MIN_TICK || tick > MAX_TICK) {
    throw new V3MathError(
      "T",
      "getSqrtRatioAtTick",
      `tick ${tick} is outside [${MIN_TICK}, ${MAX_TICK}]`,
    );
  }
  const absTick = tick < 0 ? -tick : tick;
  let ratio = (absTick & 1) !== 0 ? FACTORS[0] : Q128;
  for (let bit = 1, mask = 2; mask <= absTick; bit++, mask <<= 1) {
    if ((absTick & mask) !== 0) ratio = (ratio * FACTORS[bit]) >> 128n;
  }
  if (tick > 0) ratio = MAX_UINT256 / ratio;
  // Q128.128 -> Q64.96, rounding up so getTickAtSqrtRatio(result) == tick.
  return (ratio >> 32n) + ((ratio & LOW_32_BITS) === 0n ? 0n : 1n);
}

/** Position of the most significant set bit of a positive bigint below 2^256. */
function mostSignificantBit(x: bigint): number {
  let msb = 0;
  if (x >= 0x100000000000000000000000000000000n) {
    x >>= 128n;
    msb += 128;
  }
  if (x >= 0x10000000000000000n) {
    x >>= 64n;
    msb += 64;
  }
  // Below 2^64 a double is exact enough to finish with Math.clz32 on two halves.
  const hi = Number(x >> 32n);
  if (hi !== 0) return msb + 32 + (31 - Math.clz32(hi));
  return msb + (31 - Math.clz32(Number(x & LOW_32_BITS)));
}

/** log_sqrt(1.0001)(2) as a Q128.128 multiplier of a Q64.64 log2. */
const LOG_SQRT10001_OF_2 = 255738958999603826347141n;
/** Error bounds of the log approximation, Q128.128. */
const TICK_LOW_ERROR = 3402992956809132418596140100660247210n;
const TICK_HIGH_ERROR = 291339464771989622907027621153398088495n;

/**
 * TickMath.getTickAtSqrtRatio: the greatest tick `t` with
 * `getSqrtRatioAtTick(t) <= sqrtPriceX96`. Throws `V3MathError("R")` unless
 * `MIN_SQRT_RATIO <= sqrtPriceX96 < MAX_SQRT_RATIO`.
 *
 * Same algorithm as the contract: a 14-bit binary logarithm of the price,
 * scaled to ticks, gives a bracket of at most two ticks that one exact
 * evaluation of getSqrtRatioAtTick resolves.
 *
 * @example
 * ```ts
 * import { getTickAtSqrtRatio } from "./tick_math.ts";
 * getTickAtSqrtRatio(79228162514264337593543950336n); // 0
 * ```
 */
export function getTickAtSqrtRatio(sqrtPriceX96: bigint): number {
  if (
    typeof sqrtPriceX96 !== "bigint" || sqrtPriceX96 < MIN_SQRT_RATIO ||
    sqrtPriceX96 >= MAX_SQRT_RATIO
  ) {
    throw new V3MathError(
      "R",
      "getTickAtSqrtRatio",
      `sqrtPriceX96 ${sqrtPriceX96} is outside [${MIN_SQRT_RATIO}, ${MAX_SQRT_RATIO})`,
    );
  }
  const ratio = sqrtPriceX96 << 32n; // Q128.128
  const msb = mostSignificantBit(ratio);
  // Normalise the mantissa to [2^127, 2^128).
  let r = msb >= 128 ? ratio >> BigInt(msb - 127) : ratio << BigInt(127 - msb);
  let log2 = BigInt(msb - 128) << 64n; // Q64.64
  for (let bit = 63n; bit >= 50n; bit--) {
    r = (r * r) >> 127n;
    const f = r >> 128n; // 0 or 1: did squaring pass 2?
    if (f !== 0n) {
      log2 += 1n << bit;
      r >>= 1n;
    }
  }
  const logSqrt10001 = log2 * LOG_SQRT10001_OF_2; // Q128.128
  const tickLow = Number((logSqrt10001 - TICK_LOW_ERROR) >> 128n);
  const tickHigh = Number((logSqrt10001 + TICK_HIGH_ERROR) >> 128n);
  if (tickLow === tickHigh) return tickLow;
  return getSqrtRatioAtTick(tickHigh) <= sqrtPriceX96 ? tickHigh : tickLow;
}
