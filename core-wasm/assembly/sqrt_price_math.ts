// SqrtPriceMath: next sqrt price from an input/output amount and the token
// amounts between two prices, with the contract's rounding in each case
// (amounts owed to the pool round up, amounts paid out round down; the price
// moves the least it may for an input and the most for an output).
import {
  add,
  addU64,
  cmp,
  copy,
  div,
  eq,
  isNeg,
  isZero,
  mul,
  neg,
  setLimbs,
  setU64,
  toF64,
  setZero,
  shl,
  shr,
  staticU256,
  sub,
  U256,
  WIDE_HI,
  WIDE_LO,
  fitsBits,
  mul2x2,
  mul2x2R1,
  mul2x2R2,
  mul2x2R3,
} from "./u256";
import { divRoundingUp, mulDiv, mulDivBy2, mulDivRoundingUp } from "./full_math";
import { E_OVERFLOW, E_PRICE_BOUND, E_PRICE_ZERO, fail, status } from "./status";

export const Q96 = staticU256();
setLimbs(Q96, 0, 0x100000000, 0, 0);

const NUM1 = staticU256();
const PROD = staticU256();
const DEN = staticU256();
const TMP = staticU256();
const TMP2 = staticU256();

/**
 * Whether the last nextSqrtPriceFromAmount0RoundingUp that added an amount
 * returned the exact price rounded up, ceil(L * 2^96 * P / (L * 2^96 + amount * P)),
 * rather than the contract's fallback for an overflowing product.
 */
export let nextPriceIsCeil: bool = false;

/** o = getNextSqrtPriceFromAmount0RoundingUp(sqrtP, L, amount, add). */
export function nextSqrtPriceFromAmount0RoundingUp(
  o: U256,
  sqrtPX96: U256,
  liquidity: U256,
  amount: U256,
  isAdd: bool,
): void {
  nextPriceIsCeil = false;
  if (isZero(amount)) {
    copy(o, sqrtPX96);
    return;
  }
  shl(NUM1, liquidity, 96);
  const overflowed = mul(PROD, amount, sqrtPX96);
  if (isAdd) {
    if (!overflowed) {
      const carry = add(DEN, NUM1, PROD);
      if (!carry) {
        mulDivRoundingUp(o, NUM1, sqrtPX96, DEN);
        nextPriceIsCeil = true;
        return;
      }
    }
    nextPriceIsCeil = false;
    // divRoundingUp(numerator1, numerator1 / sqrtPX96 + amount)
    div(TMP, NUM1, sqrtPX96);
    if (add(TMP, TMP, amount)) {
      fail(E_OVERFLOW);
      setZero(o);
      return;
    }
    divRoundingUp(o, NUM1, TMP);
  } else {
    // require(product / amount == sqrtPX96 && numerator1 > product)
    if (overflowed || cmp(NUM1, PROD) <= 0) {
      fail(E_PRICE_BOUND);
      setZero(o);
      return;
    }
    sub(DEN, NUM1, PROD);
    mulDivRoundingUp(o, NUM1, sqrtPX96, DEN);
    if (!fitsBits(o, 160)) {
      fail(E_OVERFLOW);
      setZero(o);
    }
  }
}

/** o = getNextSqrtPriceFromAmount1RoundingDown(sqrtP, L, amount, add). */
export function nextSqrtPriceFromAmount1RoundingDown(
  o: U256,
  sqrtPX96: U256,
  liquidity: U256,
  amount: U256,
  isAdd: bool,
): void {
  const small = fitsBits(amount, 160);
  if (isAdd) {
    if (small) {
      shl(TMP, amount, 96);
      div(TMP, TMP, liquidity);
    } else {
      mulDiv(TMP, amount, Q96, liquidity);
    }
    if (add(o, sqrtPX96, TMP) || !fitsBits(o, 160)) {
      fail(E_OVERFLOW);
      setZero(o);
    }
  } else {
    if (small) {
      shl(TMP2, amount, 96);
      divRoundingUp(TMP, TMP2, liquidity);
    } else {
      mulDivRoundingUp(TMP, amount, Q96, liquidity);
    }
    if (cmp(sqrtPX96, TMP) <= 0) {
      fail(E_PRICE_BOUND);
      setZero(o);
      return;
    }
    sub(o, sqrtPX96, TMP);
  }
}

/** o = getNextSqrtPriceFromInput. */
export function getNextSqrtPriceFromInput(
  o: U256,
  sqrtPX96: U256,
  liquidity: U256,
  amountIn: U256,
  zeroForOne: bool,
): void {
  nextPriceIsCeil = false;
  if (isZero(sqrtPX96) || isZero(liquidity)) {
    fail(E_PRICE_ZERO);
    setZero(o);
    return;
  }
  if (zeroForOne) nextSqrtPriceFromAmount0RoundingUp(o, sqrtPX96, liquidity, amountIn, true);
  else nextSqrtPriceFromAmount1RoundingDown(o, sqrtPX96, liquidity, amountIn, true);
}

/** o = getNextSqrtPriceFromOutput. */
export function getNextSqrtPriceFromOutput(
  o: U256,
  sqrtPX96: U256,
  liquidity: U256,
  amountOut: U256,
  zeroForOne: bool,
): void {
  if (isZero(sqrtPX96) || isZero(liquidity)) {
    fail(E_PRICE_ZERO);
    setZero(o);
    return;
  }
  if (zeroForOne) nextSqrtPriceFromAmount1RoundingDown(o, sqrtPX96, liquidity, amountOut, false);
  else nextSqrtPriceFromAmount0RoundingUp(o, sqrtPX96, liquidity, amountOut, false);
}

const N2 = staticU256();

// An f64 estimate of getAmount0Delta's exact quotient L * 2^96 * (B - A) / (A * B):
// four conversions (relative error below 2^-50 each, the difference taken
// exactly first) and three roundings (2^-53 each) keep it within 4.4 * 2^-50
// (about 3.9e-15) of the exact value; AMOUNT0_REL_ERR bounds that with a 2.5x
// margin. Below AMOUNT0_F64_MAX the bound is under 0.1 of a unit.
const AMOUNT0_REL_ERR: f64 = 1e-14;
const AMOUNT0_F64_MAX: f64 = 1e13;
const TWO96_F: f64 = 79228162514264337593543950336.0;

/** o = getAmount0Delta(sqrtA, sqrtB, uint128 liquidity, roundUp). */
export function getAmount0Delta(
  o: U256,
  sqrtRatioAX96: U256,
  sqrtRatioBX96: U256,
  liquidity: U256,
  roundUp: bool,
): void {
  const swapped = cmp(sqrtRatioAX96, sqrtRatioBX96) > 0;
  const sa = swapped ? sqrtRatioBX96 : sqrtRatioAX96;
  const sb = swapped ? sqrtRatioAX96 : sqrtRatioBX96;
  if (isZero(sa)) {
    fail(E_PRICE_ZERO);
    setZero(o);
    return;
  }
  sub(N2, sb, sa);
  // Most token0 amounts (6- and 8-decimal tokens, small 18-decimal ones) are
  // far below 2^53: when the estimate is within its error bound of no
  // integer, its floor is the exact quotient's floor and the quotient is not
  // an integer (so the ceiling is one more). Anything else divides exactly.
  const qf = (toF64(liquidity) * toF64(N2) / toF64(sa) / toF64(sb)) * TWO96_F;
  if (qf < AMOUNT0_F64_MAX) {
    const fl = Math.floor(qf);
    const frac = qf - fl; // exact below 2^52
    const err = qf * AMOUNT0_REL_ERR;
    if (frac > err && frac < 1.0 - err) {
      setU64(o, <u64>fl + (roundUp ? 1 : 0));
      return;
    }
  }
  shl(NUM1, liquidity, 96);
  // The contract divides twice, (numerator1 * numerator2 / sqrtB) / sqrtA,
  // each rounded the same way; one division by sqrtA * sqrtB is identical
  // (nested floor/ceil divisions compose) and the first quotient never
  // overflows (numerator2 < sqrtB), so no revert is lost.
  mulDivBy2(o, NUM1, N2, sa, sb, roundUp);
}

/** o = getAmount1Delta(sqrtA, sqrtB, uint128 liquidity, roundUp). */
export function getAmount1Delta(
  o: U256,
  sqrtRatioAX96: U256,
  sqrtRatioBX96: U256,
  liquidity: U256,
  roundUp: bool,
): void {
  if (cmp(sqrtRatioAX96, sqrtRatioBX96) > 0) sub(N2, sqrtRatioAX96, sqrtRatioBX96);
  else sub(N2, sqrtRatioBX96, sqrtRatioAX96);
  // mulDiv(liquidity, diff, Q96): a shift, with an exact remainder check
  if (((liquidity.l2 | liquidity.l3) | (N2.l2 | N2.l3)) == 0) {
    // both two limbs (always for uint128 liquidity and prices below 2^128):
    // the 256-bit product shifted right by 96, never overflowing
    const p0 = mul2x2(liquidity.l0, liquidity.l1, N2.l0, N2.l1);
    const p1 = mul2x2R1;
    const p2 = mul2x2R2;
    const p3 = mul2x2R3;
    setLimbs(o, (p1 >> 32) | (p2 << 32), (p2 >> 32) | (p3 << 32), p3 >> 32, 0);
    if (roundUp && (p0 | (p1 & 0xffffffff)) != 0) addU64(o, o, 1);
    return;
  }
  if (roundUp) mulDivRoundingUp(o, liquidity, N2, Q96);
  else mulDiv(o, liquidity, N2, Q96);
}

const LABS = staticU256();

/**
 * Signed getAmount{0,1}Delta(sqrtA, sqrtB, int128 liquidity) as int256:
 * negative liquidity gives -(rounded down), positive gives +(rounded up).
 */
function amountDeltaSigned(
  token1: bool,
  o: U256,
  sqrtRatioAX96: U256,
  sqrtRatioBX96: U256,
  liquidity: U256,
): void {
  const removing = isNeg(liquidity);
  if (removing) neg(LABS, liquidity);
  else copy(LABS, liquidity);
  if (token1) getAmount1Delta(o, sqrtRatioAX96, sqrtRatioBX96, LABS, !removing);
  else getAmount0Delta(o, sqrtRatioAX96, sqrtRatioBX96, LABS, !removing);
  checkInt256(o);
  if (removing) neg(o, o);
}

/** o = getAmount0Delta(sqrtA, sqrtB, int128 liquidity) as int256. */
export function getAmount0DeltaSigned(
  o: U256,
  sqrtRatioAX96: U256,
  sqrtRatioBX96: U256,
  liquidity: U256,
): void {
  amountDeltaSigned(false, o, sqrtRatioAX96, sqrtRatioBX96, liquidity);
}

/** o = getAmount1Delta(sqrtA, sqrtB, int128 liquidity) as int256. */
export function getAmount1DeltaSigned(
  o: U256,
  sqrtRatioAX96: U256,
  sqrtRatioBX96: U256,
  liquidity: U256,
): void {
  amountDeltaSigned(true, o, sqrtRatioAX96, sqrtRatioBX96, liquidity);
}

// SafeCast.toInt256: the uint256 must be below 2^255.
// @ts-ignore: decorator
@inline
function checkInt256(v: U256): void {
  if (isNeg(v)) fail(E_OVERFLOW);
}
