// FullMath: a*b/denominator with a full 512-bit intermediate, rounding down or
// up, failing (not wrapping) when the result does not fit 256 bits.
import {
  addU64,
  copy,
  divWide,
  isZero,
  mulWide,
  setZero,
  staticU256,
  U256,
  WIDE_HI,
  WIDE_LO,
} from "./u256";
import { E_DIV_ZERO, E_OVERFLOW, fail } from "./status";

const REM = staticU256();
const QHI = staticU256();

/** true when the last mulDiv had a nonzero remainder. */
export let mulDivInexact: bool = false;

/** o = floor(a*b/d). Fails DIV_ZERO / OVERFLOW. o may alias a, b or d. */
export function mulDiv(o: U256, a: U256, b: U256, d: U256): void {
  if (isZero(d)) {
    fail(E_DIV_ZERO);
    setZero(o);
    return;
  }
  mulWide(WIDE_LO, WIDE_HI, a, b);
  // quotient fits in 256 bits iff hi < d
  if (!isZero(WIDE_HI)) {
    // compare hi with d
    if (
      WIDE_HI.l3 > d.l3 ||
      (WIDE_HI.l3 == d.l3 &&
        (WIDE_HI.l2 > d.l2 ||
          (WIDE_HI.l2 == d.l2 &&
            (WIDE_HI.l1 > d.l1 || (WIDE_HI.l1 == d.l1 && WIDE_HI.l0 >= d.l0)))))
    ) {
      fail(E_OVERFLOW);
      setZero(o);
      return;
    }
  }
  divWide(DIV_D_Q, QHI, REM, copyD(d));
  mulDivInexact = !isZero(REM);
  copy(o, DIV_D_Q);
}

const DIV_D = staticU256();
const DIV_D_Q = staticU256();

// @ts-ignore: decorator
@inline
function copyD(d: U256): U256 {
  copy(DIV_D, d);
  return DIV_D;
}

/** o = ceil(a*b/d). */
export function mulDivRoundingUp(o: U256, a: U256, b: U256, d: U256): void {
  mulDiv(o, a, b, d);
  if (mulDivInexact) {
    if (addU64(o, o, 1)) fail(E_OVERFLOW);
  }
}

/** o = ceil(a/b) for b nonzero (UnsafeMath.divRoundingUp). */
export function divRoundingUp(o: U256, a: U256, b: U256): void {
  if (isZero(b)) {
    fail(E_DIV_ZERO);
    setZero(o);
    return;
  }
  copy(WIDE_LO, a);
  setZero(WIDE_HI);
  divWide(DIV_D_Q, null, REM, copyD(b));
  copy(o, DIV_D_Q);
  if (!isZero(REM)) addU64(o, o, 1);
}
