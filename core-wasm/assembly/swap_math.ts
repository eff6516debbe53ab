// SwapMath.computeSwapStep: one step of a swap toward a target price within a
// single liquidity range, for exact input (amountRemaining >= 0) or exact
// output (< 0), with the fee taken on the input.
import {
  cmp,
  copy,
  eq,
  isNeg,
  neg,
  setU64,
  staticU256,
  sub,
  toF64,
  U256,
} from "./u256";
import { mulDivSmall } from "./full_math";
import {
  getAmount0Delta,
  getAmount1Delta,
  getNextSqrtPriceFromInput,
  getNextSqrtPriceFromOutput,
  nextPriceIsCeil,
} from "./sqrt_price_math";

export const STEP_SQRT_NEXT = staticU256();
export const STEP_AMOUNT_IN = staticU256();
export const STEP_AMOUNT_OUT = staticU256();
export const STEP_FEE = staticU256();

const REM_ABS = staticU256();
const LESS_FEE = staticU256();

const DIFF = staticU256();
const TWO96: f64 = 79228162514264337593543950336.0;

/**
 * True when an amount (given as an f64 within 1e-15 of it) is certainly
 * below, by more than one unit, the token0 (token0 = true) or token1 amount
 * that moves the price from `current` to `target` at `liquidity`:
 * an f64 estimate (the price difference taken exactly first, so no
 * cancellation; relative error far below 1e-12) with a 1e-9 margin. When
 * this holds, the exact amount to the target (one 512-bit division) is not
 * computed: the contract uses it only to learn that the target is not
 * reached. When it does not hold, the caller falls back to the exact
 * comparison, so the result is always the contract's.
 */
function clearlyShort(amountF: f64, current: U256, target: U256, liquidity: U256, token0: bool): bool {
  if (cmp(current, target) >= 0) sub(DIFF, current, target);
  else sub(DIFF, target, current);
  const l = toF64(liquidity);
  const d = toF64(DIFF);
  const need = token0 ? (l * d / toF64(current)) * (TWO96 / toF64(target)) : l * (d / TWO96);
  // amount + 1 < x guarantees amount < floor(x) <= ceil(x): safe for the
  // rounded-up input and the rounded-down output alike
  return amountF + 1.0 < need * 0.999999999;
}

/**
 * For an exact-input token0 step that stops short of its target at
 * next = ceil(p*), where p* = L * 2^96 * P / (L * 2^96 + LESS_FEE * P) is the
 * exact price at which the token0 amount from P, A(s) = L * 2^96 * (P - s) / (P * s),
 * equals LESS_FEE: whether the contract's amountIn, ceil(A(next)), is
 * LESS_FEE itself. A falls as s rises and next is in [p*, p* + 1), so
 * A(next) is in (A(p* + 1), LESS_FEE], and A(p*) - A(p* + 1) = L * 2^96 / (p* (p* + 1))
 * is below L * 2^96 / ((next - 1) * next). When that is at most one unit,
 * A(next) is in (LESS_FEE - 1, LESS_FEE] and its ceiling is LESS_FEE: true
 * for every pool whose squared price exceeds its liquidity times 2^96 (a
 * 1e-9 margin covers the f64 products and the -1).
 */
// @ts-ignore: decorator
@inline
function inputIsLessFee(next: U256, liquidity: U256): bool {
  const n = toF64(next);
  return toF64(liquidity) * TWO96 < n * n * 0.999999999;
}

/**
 * computeSwapStep; results in STEP_SQRT_NEXT, STEP_AMOUNT_IN, STEP_AMOUNT_OUT,
 * STEP_FEE. amountRemaining is an int256 in two's complement.
 */
export function computeSwapStep(
  sqrtRatioCurrentX96: U256,
  sqrtRatioTargetX96: U256,
  liquidity: U256,
  amountRemaining: U256,
  feePips: u32,
): void {
  const zeroForOne = cmp(sqrtRatioCurrentX96, sqrtRatioTargetX96) >= 0;
  const exactIn = !isNeg(amountRemaining);

  if (exactIn) {
    // LESS_FEE = amountRemaining * (1e6 - fee) / 1e6 rounded down, computed
    // exactly only when it decides something: when the step is certainly
    // short of the target, the exact amount to the target (the contract uses
    // it only for this comparison, and it can never revert) is skipped; when
    // the amount certainly reaches it (a crossing step), the exact LESS_FEE
    // is not needed at all.
    const lessFeeF = toF64(amountRemaining) * (<f64>(1000000 - feePips) / 1000000.0);
    let haveLessFee = false;
    let reaches = false;
    if (!clearlyShort(lessFeeF, sqrtRatioCurrentX96, sqrtRatioTargetX96, liquidity, zeroForOne)) {
      if (zeroForOne) {
        getAmount0Delta(STEP_AMOUNT_IN, sqrtRatioTargetX96, sqrtRatioCurrentX96, liquidity, true);
      } else {
        getAmount1Delta(STEP_AMOUNT_IN, sqrtRatioCurrentX96, sqrtRatioTargetX96, liquidity, true);
      }
      // LESS_FEE >= exact - 1 and the f64 is within 1e-15: a 1e-9 margin
      // plus one unit proves LESS_FEE >= amountIn
      if (lessFeeF * 0.999999999 > toF64(STEP_AMOUNT_IN) + 1.0) reaches = true;
      else {
        mulDivSmall(LESS_FEE, amountRemaining, 1000000 - feePips, 1000000, false);
        haveLessFee = true;
        reaches = cmp(LESS_FEE, STEP_AMOUNT_IN) >= 0;
      }
    }
    if (reaches) copy(STEP_SQRT_NEXT, sqrtRatioTargetX96);
    else {
      if (!haveLessFee) mulDivSmall(LESS_FEE, amountRemaining, 1000000 - feePips, 1000000, false);
      getNextSqrtPriceFromInput(STEP_SQRT_NEXT, sqrtRatioCurrentX96, liquidity, LESS_FEE, zeroForOne);
    }
  } else {
    neg(REM_ABS, amountRemaining);
    let reaches = false;
    if (!clearlyShort(toF64(REM_ABS), sqrtRatioCurrentX96, sqrtRatioTargetX96, liquidity, !zeroForOne)) {
      if (zeroForOne) {
        getAmount1Delta(STEP_AMOUNT_OUT, sqrtRatioTargetX96, sqrtRatioCurrentX96, liquidity, false);
      } else {
        getAmount0Delta(STEP_AMOUNT_OUT, sqrtRatioCurrentX96, sqrtRatioTargetX96, liquidity, false);
      }
      reaches = cmp(REM_ABS, STEP_AMOUNT_OUT) >= 0;
    }
    if (reaches) copy(STEP_SQRT_NEXT, sqrtRatioTargetX96);
    else {
      getNextSqrtPriceFromOutput(STEP_SQRT_NEXT, sqrtRatioCurrentX96, liquidity, REM_ABS, zeroForOne);
    }
  }

  const max = eq(sqrtRatioTargetX96, STEP_SQRT_NEXT);

  if (zeroForOne) {
    if (!(max && exactIn)) {
      if (exactIn && nextPriceIsCeil && inputIsLessFee(STEP_SQRT_NEXT, liquidity)) {
        copy(STEP_AMOUNT_IN, LESS_FEE);
      } else {
        getAmount0Delta(STEP_AMOUNT_IN, STEP_SQRT_NEXT, sqrtRatioCurrentX96, liquidity, true);
      }
    }
    if (!(max && !exactIn)) {
      getAmount1Delta(STEP_AMOUNT_OUT, STEP_SQRT_NEXT, sqrtRatioCurrentX96, liquidity, false);
    }
  } else {
    if (!(max && exactIn)) {
      getAmount1Delta(STEP_AMOUNT_IN, sqrtRatioCurrentX96, STEP_SQRT_NEXT, liquidity, true);
    }
    if (!(max && !exactIn)) {
      getAmount0Delta(STEP_AMOUNT_OUT, sqrtRatioCurrentX96, STEP_SQRT_NEXT, liquidity, false);
    }
  }

  // cap the output at the remaining amount (exact output)
  if (!exactIn && cmp(STEP_AMOUNT_OUT, REM_ABS) > 0) copy(STEP_AMOUNT_OUT, REM_ABS);

  if (exactIn && !eq(STEP_SQRT_NEXT, sqrtRatioTargetX96)) {
    // the whole remainder is consumed; what is not input is fee
    sub(STEP_FEE, amountRemaining, STEP_AMOUNT_IN);
  } else {
    mulDivSmall(STEP_FEE, STEP_AMOUNT_IN, feePips, 1000000 - feePips, true);
  }
}
