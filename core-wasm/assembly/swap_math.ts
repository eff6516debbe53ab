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
  U256,
} from "./u256";
import { mulDivSmall } from "./full_math";
import {
  getAmount0Delta,
  getAmount1Delta,
  getNextSqrtPriceFromInput,
  getNextSqrtPriceFromOutput,
} from "./sqrt_price_math";

export const STEP_SQRT_NEXT = staticU256();
export const STEP_AMOUNT_IN = staticU256();
export const STEP_AMOUNT_OUT = staticU256();
export const STEP_FEE = staticU256();

const REM_ABS = staticU256();
const LESS_FEE = staticU256();

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
    mulDivSmall(LESS_FEE, amountRemaining, 1000000 - feePips, 1000000, false);
    if (zeroForOne) {
      getAmount0Delta(STEP_AMOUNT_IN, sqrtRatioTargetX96, sqrtRatioCurrentX96, liquidity, true);
    } else {
      getAmount1Delta(STEP_AMOUNT_IN, sqrtRatioCurrentX96, sqrtRatioTargetX96, liquidity, true);
    }
    if (cmp(LESS_FEE, STEP_AMOUNT_IN) >= 0) copy(STEP_SQRT_NEXT, sqrtRatioTargetX96);
    else {
      getNextSqrtPriceFromInput(STEP_SQRT_NEXT, sqrtRatioCurrentX96, liquidity, LESS_FEE, zeroForOne);
    }
  } else {
    neg(REM_ABS, amountRemaining);
    if (zeroForOne) {
      getAmount1Delta(STEP_AMOUNT_OUT, sqrtRatioTargetX96, sqrtRatioCurrentX96, liquidity, false);
    } else {
      getAmount0Delta(STEP_AMOUNT_OUT, sqrtRatioCurrentX96, sqrtRatioTargetX96, liquidity, false);
    }
    if (cmp(REM_ABS, STEP_AMOUNT_OUT) >= 0) copy(STEP_SQRT_NEXT, sqrtRatioTargetX96);
    else {
      getNextSqrtPriceFromOutput(STEP_SQRT_NEXT, sqrtRatioCurrentX96, liquidity, REM_ABS, zeroForOne);
    }
  }

  const max = eq(sqrtRatioTargetX96, STEP_SQRT_NEXT);

  if (zeroForOne) {
    if (!(max && exactIn)) {
      getAmount0Delta(STEP_AMOUNT_IN, STEP_SQRT_NEXT, sqrtRatioCurrentX96, liquidity, true);
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
