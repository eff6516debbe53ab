/**
 * SqrtPriceMath: how a Q64.96 sqrt price moves when token amounts are added
 * or removed against liquidity L, and the token amounts between two prices.
 *
 * With P = sqrt price: token0 between P_a < P_b is `L * (P_b - P_a) / (P_a * P_b)`
 * and token1 is `L * (P_b - P_a)`. Every rounding direction favours the pool.
 *
 * @module
 */
import { V3MathError } from "../errors.ts";
import {
  checkRange,
  divRoundingUp,
  MAX_INT128,
  MAX_INT256,
  MAX_UINT128,
  MAX_UINT160,
  MAX_UINT256,
  MIN_INT128,
  mulDivRoundingUpUnchecked,
  mulDivUnchecked,
  Q96,
} from "./full_math.ts";

function checkSqrtPrice(value: bigint, fn: string, name: string): void {
  checkRange(value, 0n, MAX_UINT160, fn, name, "uint160");
}

function checkLiquidity(value: bigint, fn: string): void {
  checkRange(value, 0n, MAX_UINT128, fn, "liquidity", "uint128");
}

function toUint160(value: bigint, fn: string): bigint {
  if (value > MAX_UINT160) {
    throw new V3MathError("OVERFLOW", fn, `next sqrt price ${value} does not fit uint160`);
  }
  return value;
}

/**
 * Price after adding (`add`) or removing token0 `amount`, rounded up (the
 * contract's getNextSqrtPriceFromAmount0RoundingUp). Arguments must already be
 * in range: uint160 price > 0, uint128 liquidity > 0, uint256 amount.
 *
 * @example
 * ```ts
 * import { getNextSqrtPriceFromAmount0RoundingUp, } from "./sqrt_price_math.ts";
 * getNextSqrtPriceFromAmount0RoundingUp(2n ** 96n, 10n ** 18n, 10n ** 17n, true);
 * // 72025602285694852357767227579n
 * ```
 */
export function getNextSqrtPriceFromAmount0RoundingUp(
  sqrtPX96: bigint,
  liquidity: bigint,
  amount: bigint,
  add: boolean,
): bigint {
  if (amount === 0n) return sqrtPX96;
  const numerator1 = liquidity << 96n;
  const product = amount * sqrtPX96;
  if (add) {
    // L*P / (L + amount*P) when amount*P fits a uint256; otherwise the
    // contract's fallback L / (L/P + amount), which rounds differently.
    if (product <= MAX_UINT256) {
      const denominator = numerator1 + product;
      if (denominator <= MAX_UINT256) {
        return mulDivRoundingUpUnchecked(
          numerator1,
          sqrtPX96,
          denominator,
          "getNextSqrtPriceFromInput",
        );
      }
    }
    const divisor = numerator1 / sqrtPX96 + amount;
    if (divisor > MAX_UINT256) {
      throw new V3MathError(
        "OVERFLOW",
        "getNextSqrtPriceFromInput",
        `L/P + amount0 ${amount} exceeds uint256`,
      );
    }
    return divRoundingUp(numerator1, divisor);
  }
  // Removing token0: the output must leave a positive denominator.
  if (product > MAX_UINT256 || numerator1 <= product) {
    throw new V3MathError(
      "PRICE_BOUND",
      "getNextSqrtPriceFromOutput",
      `amount0 out ${amount} is not below the reserve implied by liquidity ${liquidity} at ${sqrtPX96}`,
    );
  }
  return toUint160(
    mulDivRoundingUpUnchecked(
      numerator1,
      sqrtPX96,
      numerator1 - product,
      "getNextSqrtPriceFromOutput",
    ),
    "getNextSqrtPriceFromOutput",
  );
}

/**
 * Price after adding (`add`) or removing token1 `amount`, rounded down (the
 * contract's getNextSqrtPriceFromAmount1RoundingDown). Arguments must already
 * be in range.
 *
 * @example
 * ```ts
 * import { getNextSqrtPriceFromAmount1RoundingDown } from "./sqrt_price_math.ts";
 * getNextSqrtPriceFromAmount1RoundingDown(2n ** 96n, 10n ** 18n, 10n ** 17n, true);
 * // 87150978765690771352898345369n
 * ```
 */
export function getNextSqrtPriceFromAmount1RoundingDown(
  sqrtPX96: bigint,
  liquidity: bigint,
  amount: bigint,
  add: boolean,
): bigint {
  if (add) {
    const quotient = amount <= MAX_UINT160
      ? (amount << 96n) / liquidity
      : mulDivUnchecked(amount, Q96, liquidity, "getNextSqrtPriceFromInput");
    const next = sqrtPX96 + quotient;
    if (next > MAX_UINT160) {
      throw new V3MathError(
        "OVERFLOW",
        "getNextSqrtPriceFromInput",
        `next sqrt price ${next} does not fit uint160`,
      );
    }
    return next;
  }
  const quotient = amount <= MAX_UINT160
    ? divRoundingUp(amount << 96n, liquidity)
    : mulDivRoundingUpUnchecked(amount, Q96, liquidity, "getNextSqrtPriceFromOutput");
  if (sqrtPX96 <= quotient) {
    throw new V3MathError(
      "PRICE_BOUND",
      "getNextSqrtPriceFromOutput",
      `amount1 out ${amount} is not below the reserve implied by liquidity ${liquidity} at ${sqrtPX96}`,
    );
  }
  return sqrtPX96 - quotient;
}

function checkPriceAndLiquidity(sqrtPX96: bigint, liquidity: bigint, fn: string): void {
  checkSqrtPrice(sqrtPX96, fn, "sqrtPX96");
  checkLiquidity(liquidity, fn);
  if (sqrtPX96 === 0n) throw new V3MathError("ZERO_PRICE_OR_LIQUIDITY", fn, "sqrtPX96 is 0");
  if (liquidity === 0n) throw new V3MathError("ZERO_PRICE_OR_LIQUIDITY", fn, "liquidity is 0");
}

/**
 * SqrtPriceMath.getNextSqrtPriceFromInput: the price after `amountIn` of
 * token0 (`zeroForOne`) or token1 is paid in, rounded so the price does not
 * pass the target the input can actually reach.
 *
 * @example
 * ```ts
 * import { getNextSqrtPriceFromInput } from "./sqrt_price_math.ts";
 * getNextSqrtPriceFromInput(2n ** 96n, 10n ** 18n, 10n ** 17n, false);
 * // 87150978765690771352898345369n
 * ```
 */
export function getNextSqrtPriceFromInput(
  sqrtPX96: bigint,
  liquidity: bigint,
  amountIn: bigint,
  zeroForOne: boolean,
): bigint {
  const fn = "getNextSqrtPriceFromInput";
  checkPriceAndLiquidity(sqrtPX96, liquidity, fn);
  checkRange(amountIn, 0n, MAX_UINT256, fn, "amountIn", "uint256");
  return zeroForOne
    ? getNextSqrtPriceFromAmount0RoundingUp(sqrtPX96, liquidity, amountIn, true)
    : getNextSqrtPriceFromAmount1RoundingDown(sqrtPX96, liquidity, amountIn, true);
}

/**
 * SqrtPriceMath.getNextSqrtPriceFromOutput: the price after `amountOut` of
 * token1 (`zeroForOne`) or token0 is taken out. Throws "PRICE_BOUND" when the
 * output is not strictly below the liquidity's reserve, and
 * "ZERO_PRICE_OR_LIQUIDITY" for a zero price or liquidity (both contract
 * requires without a reason string).
 *
 * @example
 * ```ts
 * import { getNextSqrtPriceFromOutput } from "./sqrt_price_math.ts";
 * getNextSqrtPriceFromOutput(2n ** 96n, 10n ** 18n, 10n ** 17n, false);
 * // 88031291682515930659493278152n
 * ```
 */
export function getNextSqrtPriceFromOutput(
  sqrtPX96: bigint,
  liquidity: bigint,
  amountOut: bigint,
  zeroForOne: boolean,
): bigint {
  const fn = "getNextSqrtPriceFromOutput";
  checkPriceAndLiquidity(sqrtPX96, liquidity, fn);
  checkRange(amountOut, 0n, MAX_UINT256, fn, "amountOut", "uint256");
  return zeroForOne
    ? getNextSqrtPriceFromAmount1RoundingDown(sqrtPX96, liquidity, amountOut, false)
    : getNextSqrtPriceFromAmount0RoundingUp(sqrtPX96, liquidity, amountOut, false);
}

/**
 * Unsigned token0 delta without argument checks (hot path; prices in any order).
 *
 * @example
 * ```ts
 * import { amount0Delta } from "./sqrt_price_math.ts";
 * amount0Delta(2n ** 96n, 87150978765690771352898345369n, 10n ** 18n, true); // 90909090909090910n
 * ```
 */
export function amount0Delta(a: bigint, b: bigint, liquidity: bigint, roundUp: boolean): bigint {
  if (a > b) [a, b] = [b, a];
  if (a === 0n) {
    throw new V3MathError(
      "ZERO_PRICE_OR_LIQUIDITY",
      "getAmount0Delta",
      "the lower sqrt price is 0",
    );
  }
  const numerator1 = liquidity << 96n;
  const numerator2 = b - a;
  return roundUp
    ? divRoundingUp(mulDivRoundingUpUnchecked(numerator1, numerator2, b, "getAmount0Delta"), a)
    : mulDivUnchecked(numerator1, numerator2, b, "getAmount0Delta") / a;
}

/**
 * Unsigned token1 delta without argument checks (prices in any order).
 *
 * @example
 * ```ts
 * import { amount1Delta } from "./sqrt_price_math.ts";
 * amount1Delta(2n ** 96n, 87150978765690771352898345369n, 10n ** 18n, true); // 100000000000000000n
 * ```
 */
export function amount1Delta(a: bigint, b: bigint, liquidity: bigint, roundUp: boolean): bigint {
  if (a > b) [a, b] = [b, a];
  return roundUp
    ? mulDivRoundingUpUnchecked(liquidity, b - a, Q96, "getAmount1Delta")
    : mulDivUnchecked(liquidity, b - a, Q96, "getAmount1Delta");
}

/**
 * SqrtPriceMath.getAmount0Delta (unsigned): token0 between two sqrt prices for
 * uint128 `liquidity`, rounded up or down.
 *
 * @example
 * ```ts
 * import { getAmount0Delta } from "./sqrt_price_math.ts";
 * getAmount0Delta(2n ** 96n, 87150978765690771352898345369n, 10n ** 18n, false);
 * // 90909090909090909n
 * ```
 */
export function getAmount0Delta(
  sqrtRatioAX96: bigint,
  sqrtRatioBX96: bigint,
  liquidity: bigint,
  roundUp: boolean,
): bigint {
  checkSqrtPrice(sqrtRatioAX96, "getAmount0Delta", "sqrtRatioAX96");
  checkSqrtPrice(sqrtRatioBX96, "getAmount0Delta", "sqrtRatioBX96");
  checkLiquidity(liquidity, "getAmount0Delta");
  return amount0Delta(sqrtRatioAX96, sqrtRatioBX96, liquidity, roundUp);
}

/**
 * SqrtPriceMath.getAmount1Delta (unsigned): token1 between two sqrt prices.
 *
 * @example
 * ```ts
 * import { getAmount1Delta } from "./sqrt_price_math.ts";
 * getAmount1Delta(2n ** 96n, 87150978765690771352898345369n, 10n ** 18n, false);
 * // 99999999999999999n
 * ```
 */
export function getAmount1Delta(
  sqrtRatioAX96: bigint,
  sqrtRatioBX96: bigint,
  liquidity: bigint,
  roundUp: boolean,
): bigint {
  checkSqrtPrice(sqrtRatioAX96, "getAmount1Delta", "sqrtRatioAX96");
  checkSqrtPrice(sqrtRatioBX96, "getAmount1Delta", "sqrtRatioBX96");
  checkLiquidity(liquidity, "getAmount1Delta");
  return amount1Delta(sqrtRatioAX96, sqrtRatioBX96, liquidity, roundUp);
}

function toInt256(value: bigint, fn: string): bigint {
  if (value > MAX_INT256) {
    throw new V3MathError("OVERFLOW", fn, `amount ${value} does not fit int256`);
  }
  return value;
}

/**
 * SqrtPriceMath.getAmount0Delta (signed): for a liquidity change of int128
 * `liquidity`, the token0 owed to (positive, rounded up) or by (negative,
 * rounded down in magnitude) the pool.
 *
 * @example
 * ```ts
 * import { getAmount0DeltaSigned } from "./sqrt_price_math.ts";
 * getAmount0DeltaSigned(2n ** 96n, 87150978765690771352898345369n, -(10n ** 18n));
 * // -90909090909090909n
 * ```
 */
export function getAmount0DeltaSigned(
  sqrtRatioAX96: bigint,
  sqrtRatioBX96: bigint,
  liquidity: bigint,
): bigint {
  const fn = "getAmount0Delta";
  checkSqrtPrice(sqrtRatioAX96, fn, "sqrtRatioAX96");
  checkSqrtPrice(sqrtRatioBX96, fn, "sqrtRatioBX96");
  checkRange(liquidity, MIN_INT128, MAX_INT128, fn, "liquidity", "int128");
  return liquidity < 0n
    ? -toInt256(amount0Delta(sqrtRatioAX96, sqrtRatioBX96, -liquidity, false), fn)
    : toInt256(amount0Delta(sqrtRatioAX96, sqrtRatioBX96, liquidity, true), fn);
}

/**
 * SqrtPriceMath.getAmount1Delta (signed): like getAmount0DeltaSigned, for token1.
 *
 * @example
 * ```ts
 * import { getAmount1DeltaSigned } from "./sqrt_price_math.ts";
 * getAmount1DeltaSigned(2n ** 96n, 87150978765690771352898345369n, 10n ** 18n);
 * // 100000000000000000n
 * ```
 */
export function getAmount1DeltaSigned(
  sqrtRatioAX96: bigint,
  sqrtRatioBX96: bigint,
  liquidity: bigint,
): bigint {
  const fn = "getAmount1Delta";
  checkSqrtPrice(sqrtRatioAX96, fn, "sqrtRatioAX96");
  checkSqrtPrice(sqrtRatioBX96, fn, "sqrtRatioBX96");
  checkRange(liquidity, MIN_INT128, MAX_INT128, fn, "liquidity", "int128");
  return liquidity < 0n
    ? -toInt256(amount1Delta(sqrtRatioAX96, sqrtRatioBX96, -liquidity, false), fn)
    : toInt256(amount1Delta(sqrtRatioAX96, sqrtRatioBX96, liquidity, true), fn);
}
