/**
 * SwapMath: one step of a swap inside a range of constant liquidity, from
 * the current price toward a target price, limited by the amount remaining.
 *
 * @module
 */
import type { SwapStep } from "../types.ts";
import { V3MathError } from "../errors.ts";
import {
  checkRange,
  MAX_INT256,
  MAX_UINT128,
  MAX_UINT160,
  MIN_INT256,
  mulDivRoundingUpUnchecked,
  mulDivUnchecked,
} from "./full_math.ts";
import {
  amount0Delta,
  amount1Delta,
  getNextSqrtPriceFromInput,
  getNextSqrtPriceFromOutput,
} from "./sqrt_price_math.ts";

const ONE_MILLION = 1_000_000n;
const FN = "computeSwapStep";

/**
 * SwapMath.computeSwapStep. `amountRemaining > 0` is an exact-input step
 * (the fee comes out of it), `< 0` an exact-output step. The direction is
 * token0 -> token1 when the target is at or below the current price.
 * `feePips` is in hundredths of a bip (3000 = 0.3%) and must be below 1e6.
 *
 * @example
 * ```ts
 * import { computeSwapStep } from "./swap_math.ts";
 * const step = computeSwapStep(2n ** 96n, 79623317895830914510639640423n, 2n * 10n ** 18n, 10n ** 18n, 600);
 * step.amountIn; // 9975124224178055n
 * ```
 */
export function computeSwapStep(
  sqrtRatioCurrentX96: bigint,
  sqrtRatioTargetX96: bigint,
  liquidity: bigint,
  amountRemaining: bigint,
  feePips: number,
): SwapStep {
  const fn = FN;
  checkRange(sqrtRatioCurrentX96, 0n, MAX_UINT160, fn, "sqrtRatioCurrentX96", "uint160");
  checkRange(sqrtRatioTargetX96, 0n, MAX_UINT160, fn, "sqrtRatioTargetX96", "uint160");
  checkRange(liquidity, 0n, MAX_UINT128, fn, "liquidity", "uint128");
  checkRange(amountRemaining, MIN_INT256, MAX_INT256, fn, "amountRemaining", "int256");
  if (!Number.isInteger(feePips) || feePips < 0 || feePips >= 1_000_000) {
    throw new V3MathError("OVERFLOW", fn, `feePips ${feePips} is outside [0, 1000000)`);
  }
  return swapStep(sqrtRatioCurrentX96, sqrtRatioTargetX96, liquidity, amountRemaining, feePips);
}

/**
 * `computeSwapStep` without argument checks, for the pool's swap loop.
 *
 * @example
 * ```ts
 * import { swapStep } from "./swap_math.ts";
 * swapStep(2n ** 96n, 2n ** 95n, 10n ** 18n, 1000n, 3000).amountIn; // 997n
 * ```
 */
export function swapStep(
  current: bigint,
  target: bigint,
  liquidity: bigint,
  amountRemaining: bigint,
  feePips: number,
): SwapStep {
  const fee = BigInt(feePips);
  const zeroForOne = current >= target;
  const exactIn = amountRemaining >= 0n;
  let next: bigint;
  let amountIn = 0n;
  let amountOut = 0n;

  if (exactIn) {
    const remainingLessFee = mulDivUnchecked(amountRemaining, ONE_MILLION - fee, ONE_MILLION, FN);
    amountIn = zeroForOne
      ? amount0Delta(target, current, liquidity, true)
      : amount1Delta(current, target, liquidity, true);
    next = remainingLessFee >= amountIn
      ? target
      : getNextSqrtPriceFromInput(current, liquidity, remainingLessFee, zeroForOne);
  } else {
    amountOut = zeroForOne
      ? amount1Delta(target, current, liquidity, false)
      : amount0Delta(current, target, liquidity, false);
    next = -amountRemaining >= amountOut
      ? target
      : getNextSqrtPriceFromOutput(current, liquidity, -amountRemaining, zeroForOne);
  }

  const reachedTarget = next === target;
  // Recompute the side(s) not already known for the price actually reached.
  if (zeroForOne) {
    if (!(reachedTarget && exactIn)) amountIn = amount0Delta(next, current, liquidity, true);
    if (!(reachedTarget && !exactIn)) amountOut = amount1Delta(next, current, liquidity, false);
  } else {
    if (!(reachedTarget && exactIn)) amountIn = amount1Delta(current, next, liquidity, true);
    if (!(reachedTarget && !exactIn)) amountOut = amount0Delta(current, next, liquidity, false);
  }

  // Never pay out more than was asked for.
  if (!exactIn && amountOut > -amountRemaining) amountOut = -amountRemaining;

  // An exact-input step that stopped short keeps the whole remainder: what was
  // not needed as input is the fee.
  const feeAmount = exactIn && !reachedTarget
    ? amountRemaining - amountIn
    : mulDivRoundingUpUnchecked(amountIn, fee, ONE_MILLION - fee, FN);

  return { sqrtRatioNextX96: next, amountIn, amountOut, feeAmount };
}
