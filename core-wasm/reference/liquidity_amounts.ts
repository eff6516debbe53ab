/**
 * LiquidityAmounts (v3-periphery): converting between token amounts and
 * position liquidity for a range [sqrtRatioA, sqrtRatioB] at a current price.
 * All results round down, as the periphery does.
 *
 * @module
 */
import type { TokenAmounts } from "../types.ts";
import { V3MathError } from "../errors.ts";
import {
  checkRange,
  MAX_UINT128,
  MAX_UINT160,
  MAX_UINT256,
  mulDivUnchecked,
  Q96,
} from "./full_math.ts";

function checkPrices(fn: string, ...prices: bigint[]): void {
  for (const p of prices) checkRange(p, 0n, MAX_UINT160, fn, "sqrt price", "uint160");
}

function toUint128(value: bigint, fn: string): bigint {
  if (value > MAX_UINT128) {
    throw new V3MathError("OVERFLOW", fn, `liquidity ${value} does not fit uint128`);
  }
  return value;
}

/**
 * LiquidityAmounts.getLiquidityForAmount0: liquidity that `amount0` of
 * token0 provides over the range (prices in either order).
 *
 * @example
 * ```ts
 * import { getLiquidityForAmount0 } from "./liquidity_amounts.ts";
 * getLiquidityForAmount0(2n ** 96n, 2n ** 97n, 1000n); // 2000n
 * ```
 */
export function getLiquidityForAmount0(
  sqrtRatioAX96: bigint,
  sqrtRatioBX96: bigint,
  amount0: bigint,
): bigint {
  const fn = "getLiquidityForAmount0";
  checkPrices(fn, sqrtRatioAX96, sqrtRatioBX96);
  checkRange(amount0, 0n, MAX_UINT256, fn, "amount0", "uint256");
  return liquidityForAmount0(sqrtRatioAX96, sqrtRatioBX96, amount0);
}

function liquidityForAmount0(a: bigint, b: bigint, amount0: bigint): bigint {
  const fn = "getLiquidityForAmount0";
  if (a > b) [a, b] = [b, a];
  const intermediate = mulDivUnchecked(a, b, Q96, fn);
  return toUint128(mulDivUnchecked(amount0, intermediate, b - a, fn), fn);
}

/**
 * LiquidityAmounts.getLiquidityForAmount1: liquidity that `amount1` of
 * token1 provides over the range (prices in either order).
 *
 * @example
 * ```ts
 * import { getLiquidityForAmount1 } from "./liquidity_amounts.ts";
 * getLiquidityForAmount1(2n ** 96n, 2n ** 97n, 1000n); // 1000n
 * ```
 */
export function getLiquidityForAmount1(
  sqrtRatioAX96: bigint,
  sqrtRatioBX96: bigint,
  amount1: bigint,
): bigint {
  const fn = "getLiquidityForAmount1";
  checkPrices(fn, sqrtRatioAX96, sqrtRatioBX96);
  checkRange(amount1, 0n, MAX_UINT256, fn, "amount1", "uint256");
  return liquidityForAmount1(sqrtRatioAX96, sqrtRatioBX96, amount1);
}

function liquidityForAmount1(a: bigint, b: bigint, amount1: bigint): bigint {
  const fn = "getLiquidityForAmount1";
  if (a > b) [a, b] = [b, a];
  return toUint128(mulDivUnchecked(amount1, Q96, b - a, fn), fn);
}

/**
 * LiquidityAmounts.getLiquidityForAmounts: the largest liquidity that both
 * `amount0` and `amount1` can fund at the current price `sqrtRatioX96`.
 *
 * @example
 * ```ts
 * import { getLiquidityForAmounts } from "./liquidity_amounts.ts";
 * getLiquidityForAmounts(2n ** 96n, 2n ** 95n, 2n ** 97n, 1000n, 1000n); // 2000n
 * ```
 */
export function getLiquidityForAmounts(
  sqrtRatioX96: bigint,
  sqrtRatioAX96: bigint,
  sqrtRatioBX96: bigint,
  amount0: bigint,
  amount1: bigint,
): bigint {
  const fn = "getLiquidityForAmounts";
  checkPrices(fn, sqrtRatioX96, sqrtRatioAX96, sqrtRatioBX96);
  checkRange(amount0, 0n, MAX_UINT256, fn, "amount0", "uint256");
  checkRange(amount1, 0n, MAX_UINT256, fn, "amount1", "uint256");
  let a = sqrtRatioAX96;
  let b = sqrtRatioBX96;
  if (a > b) [a, b] = [b, a];
  if (sqrtRatioX96 <= a) return liquidityForAmount0(a, b, amount0);
  if (sqrtRatioX96 < b) {
    const liquidity0 = liquidityForAmount0(sqrtRatioX96, b, amount0);
    const liquidity1 = liquidityForAmount1(a, sqrtRatioX96, amount1);
    return liquidity0 < liquidity1 ? liquidity0 : liquidity1;
  }
  return liquidityForAmount1(a, b, amount1);
}

function amount0ForLiquidity(a: bigint, b: bigint, liquidity: bigint): bigint {
  const fn = "getAmountsForLiquidity";
  if (a === 0n) throw new V3MathError("DIV_ZERO", fn, "the lower sqrt price is 0");
  return mulDivUnchecked(liquidity << 96n, b - a, b, fn) / a;
}

function amount1ForLiquidity(a: bigint, b: bigint, liquidity: bigint): bigint {
  return mulDivUnchecked(liquidity, b - a, Q96, "getAmountsForLiquidity");
}

/**
 * LiquidityAmounts.getAmountsForLiquidity: the token amounts `liquidity` is
 * worth over the range at price `sqrtRatioX96`, rounded down.
 *
 * @example
 * ```ts
 * import { getAmountsForLiquidity } from "./liquidity_amounts.ts";
 * getAmountsForLiquidity(2n ** 96n, 2n ** 95n, 2n ** 97n, 2000n); // { amount0: 1000n, amount1: 1000n }
 * ```
 */
export function getAmountsForLiquidity(
  sqrtRatioX96: bigint,
  sqrtRatioAX96: bigint,
  sqrtRatioBX96: bigint,
  liquidity: bigint,
): TokenAmounts {
  const fn = "getAmountsForLiquidity";
  checkPrices(fn, sqrtRatioX96, sqrtRatioAX96, sqrtRatioBX96);
  checkRange(liquidity, 0n, MAX_UINT128, fn, "liquidity", "uint128");
  let a = sqrtRatioAX96;
  let b = sqrtRatioBX96;
  if (a > b) [a, b] = [b, a];
  if (sqrtRatioX96 <= a) return { amount0: amount0ForLiquidity(a, b, liquidity), amount1: 0n };
  if (sqrtRatioX96 < b) {
    return {
      amount0: amount0ForLiquidity(sqrtRatioX96, b, liquidity),
      amount1: amount1ForLiquidity(a, sqrtRatioX96, liquidity),
    };
  }
  return { amount0: 0n, amount1: amount1ForLiquidity(a, b, liquidity) };
}
