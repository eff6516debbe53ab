// LiquidityAmounts (periphery): liquidity for token amounts and amounts for
// liquidity at a price, rounding down as the periphery does.
import { cmp, copy, div, fitsBits, setZero, shl, staticU256, sub, U256 } from "./u256";
import { mulDiv } from "./full_math";
import { Q96 } from "./sqrt_price_math";
import { E_OVERFLOW, fail } from "./status";

const A = staticU256();
const B = staticU256();
const T = staticU256();
const D = staticU256();
const L0 = staticU256();
const L1 = staticU256();

// @ts-ignore: decorator
@inline
function sort(a: U256, b: U256): void {
  if (cmp(a, b) > 0) {
    copy(A, b);
    copy(B, a);
  } else {
    copy(A, a);
    copy(B, b);
  }
}

function toUint128(o: U256): void {
  if (!fitsBits(o, 128)) {
    fail(E_OVERFLOW);
    setZero(o);
  }
}

/** o = amount0 * (sqrtA*sqrtB/Q96) / (sqrtB - sqrtA), as uint128. */
export function getLiquidityForAmount0(o: U256, sqrtA: U256, sqrtB: U256, amount0: U256): void {
  sort(sqrtA, sqrtB);
  mulDiv(T, A, B, Q96);
  sub(D, B, A);
  mulDiv(o, amount0, T, D);
  toUint128(o);
}

/** o = amount1 * Q96 / (sqrtB - sqrtA), as uint128. */
export function getLiquidityForAmount1(o: U256, sqrtA: U256, sqrtB: U256, amount1: U256): void {
  sort(sqrtA, sqrtB);
  sub(D, B, A);
  mulDiv(o, amount1, Q96, D);
  toUint128(o);
}

const P = staticU256();
const SA = staticU256();
const SB = staticU256();

/** o = the most liquidity amount0 and amount1 allow at price sqrtP over [sqrtA, sqrtB]. */
export function getLiquidityForAmounts(
  o: U256,
  sqrtP: U256,
  sqrtA: U256,
  sqrtB: U256,
  amount0: U256,
  amount1: U256,
): void {
  copy(P, sqrtP);
  if (cmp(sqrtA, sqrtB) > 0) {
    copy(SA, sqrtB);
    copy(SB, sqrtA);
  } else {
    copy(SA, sqrtA);
    copy(SB, sqrtB);
  }
  if (cmp(P, SA) <= 0) {
    getLiquidityForAmount0(o, SA, SB, amount0);
  } else if (cmp(P, SB) < 0) {
    getLiquidityForAmount0(L0, P, SB, amount0);
    getLiquidityForAmount1(L1, SA, P, amount1);
    copy(o, cmp(L0, L1) < 0 ? L0 : L1);
  } else {
    getLiquidityForAmount1(o, SA, SB, amount1);
  }
}

/** o = floor(floor((L << 96) * (sqrtB - sqrtA) / sqrtB) / sqrtA). */
export function getAmount0ForLiquidity(o: U256, sqrtA: U256, sqrtB: U256, liquidity: U256): void {
  sort(sqrtA, sqrtB);
  shl(T, liquidity, 96);
  sub(D, B, A);
  mulDiv(T, T, D, B);
  div(o, T, A);
}

/** o = floor(L * (sqrtB - sqrtA) / Q96). */
export function getAmount1ForLiquidity(o: U256, sqrtA: U256, sqrtB: U256, liquidity: U256): void {
  sort(sqrtA, sqrtB);
  sub(D, B, A);
  mulDiv(o, liquidity, D, Q96);
}

/** (o0, o1) = token amounts of liquidity over [sqrtA, sqrtB] at price sqrtP. */
export function getAmountsForLiquidity(
  o0: U256,
  o1: U256,
  sqrtP: U256,
  sqrtA: U256,
  sqrtB: U256,
  liquidity: U256,
): void {
  copy(P, sqrtP);
  if (cmp(sqrtA, sqrtB) > 0) {
    copy(SA, sqrtB);
    copy(SB, sqrtA);
  } else {
    copy(SA, sqrtA);
    copy(SB, sqrtB);
  }
  setZero(o0);
  setZero(o1);
  if (cmp(P, SA) <= 0) {
    getAmount0ForLiquidity(o0, SA, SB, liquidity);
  } else if (cmp(P, SB) < 0) {
    getAmount0ForLiquidity(o0, P, SB, liquidity);
    getAmount1ForLiquidity(o1, SA, P, liquidity);
  } else {
    getAmount1ForLiquidity(o1, SA, SB, liquidity);
  }
}
