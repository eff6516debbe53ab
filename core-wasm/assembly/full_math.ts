// FullMath: a*b/denominator with a full 512-bit intermediate, rounding down or
// up, failing (not wrapping) when the result does not fit 256 bits.
import {
  addU64,
  cmp,
  copy,
  div2by1,
  div2Rem,
  divInexact,
  divWide,
  divWideBy,
  div3by2,
  div3Rem0,
  div3Rem1,
  isZero,
  mulWide,
  DIVISOR_RECIPROCALS,
  ReciprocalCache,
  setLimbs,
  setU64,
  limbsToF64,
  setZero,
  staticU256,
  toF64,
  U256,
  umulh,
  WIDE_HI,
  WIDE_LO,
} from "./u256";
import { E_DIV_ZERO, E_OVERFLOW, fail } from "./status";

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
  const pow2 = powerOfTwo(d);
  if (pow2 >= 0) {
    // exact shift of the 512-bit product: Q96 and Q128 denominators
    mulDivInexact = lowBitsNonZero(pow2);
    shr512(o, pow2);
    return;
  }
  divWide(DIV_D_Q, null, copyD(d));
  mulDivInexact = divInexact;
  copy(o, DIV_D_Q);
}

/** log2(d) when d is a power of two, else -1. */
function powerOfTwo(d: U256): i32 {
  const c = popcnt(d.l0) + popcnt(d.l1) + popcnt(d.l2) + popcnt(d.l3);
  if (c != 1) return -1;
  if (d.l0) return <i32>ctz(d.l0);
  if (d.l1) return 64 + <i32>ctz(d.l1);
  if (d.l2) return 128 + <i32>ctz(d.l2);
  return 192 + <i32>ctz(d.l3);
}

/** Whether the low k bits of the 512-bit (WIDE_LO, WIDE_HI) are nonzero. */
function lowBitsNonZero(k: i32): bool {
  const p = changetype<usize>(WIDE_LO);
  let i = 0;
  for (; (i + 1) * 64 <= k; i++) if (load<u64>(p + (<usize>i << 3)) != 0) return true;
  const rem = k - i * 64;
  if (rem == 0) return false;
  return (load<u64>(p + (<usize>i << 3)) & ((<u64>1 << <u64>rem) - 1)) != 0;
}

/** o = low 256 bits of (WIDE_LO, WIDE_HI) >> k (the caller ensured they fit). */
function shr512(o: U256, k: i32): void {
  const p = changetype<usize>(WIDE_LO);
  const w = k >> 6;
  const b = <u64>(k & 63);
  for (let i = 0; i < 4; i++) {
    const lo = load<u64>(p + (<usize>(i + w) << 3));
    const hi: u64 = i + w + 1 < 8 ? load<u64>(p + (<usize>(i + w + 1) << 3)) : 0;
    const v = b == 0 ? lo : (lo >> b) | (hi << (64 - b));
    store<u64>(changetype<usize>(o) + (<usize>i << 3), v);
  }
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
  divWide(DIV_D_Q, null, copyD(b));
  copy(o, DIV_D_Q);
  if (divInexact) addU64(o, o, 1);
}

// 512-bit scratch for a two-factor denominator (lo limbs then hi limbs).
const DEN_PTR: usize = memory.data(64, 16);
const DEN_LO = changetype<U256>(DEN_PTR);
const DEN_HI = changetype<U256>(DEN_PTR + 32);
const MD2_Q = staticU256();
const MD2_QHI = staticU256();

/**
 * o = a*b / (c*d), rounded down or up: one division by the 512-bit product
 * c*d. Equal to nested divisions because floor(floor(x/m)/n) = floor(x/(mn))
 * and ceil(ceil(x/m)/n) = ceil(x/(mn)) for positive integers m, n. Fails
 * DIV_ZERO when c or d is zero, OVERFLOW when the result exceeds 256 bits.
 */
export function mulDivBy2(o: U256, a: U256, b: U256, c: U256, d: U256, roundUp: bool): void {
  if (isZero(c) || isZero(d)) {
    fail(E_DIV_ZERO);
    setZero(o);
    return;
  }
  mulWide(DEN_LO, DEN_HI, c, d);
  mulWide(WIDE_LO, WIDE_HI, a, b);
  if (
    isZero(DEN_HI) && (WIDE_HI.l1 | WIDE_HI.l2 | WIDE_HI.l3) == 0 &&
    smallQuotient(WIDE_LO, WIDE_HI.l0, DEN_LO)
  ) {
    // the usual amount: a 256-by-256 division with a one-limb quotient
    setU64(o, sqQ);
    if (roundUp && sqInexact) addU64(o, o, 1);
    return;
  }
  divWideBy(MD2_Q, MD2_QHI, DEN_PTR, 8);
  if (!isZero(MD2_QHI)) {
    fail(E_OVERFLOW);
    setZero(o);
    return;
  }
  copy(o, MD2_Q);
  if (roundUp && divInexact) {
    if (addU64(o, o, 1)) fail(E_OVERFLOW);
  }
}

// ---- one-limb quotients guided by f64 ----

/** The quotient and inexactness of the last successful smallQuotient. */
let sqQ: u64 = 0;
let sqInexact: bool = false;
// the signed 5-limb remainder n - q*d
let r0: u64 = 0;
let r1: u64 = 0;
let r2: u64 = 0;
let r3: u64 = 0;
let r4: u64 = 0;

/** r = (n4, n) - q*d over five limbs (two's complement). */
function remainder(n: U256, n4: u64, d: U256, q: u64): void {
  const p0 = q * d.l0;
  let h = umulh(q, d.l0);
  let t = q * d.l1;
  const p1 = t + h;
  h = umulh(q, d.l1) + (p1 < t ? 1 : 0);
  t = q * d.l2;
  const p2 = t + h;
  h = umulh(q, d.l2) + (p2 < t ? 1 : 0);
  t = q * d.l3;
  const p3 = t + h;
  const p4 = umulh(q, d.l3) + (p3 < t ? 1 : 0);
  r0 = n.l0 - p0;
  let b: u64 = n.l0 < p0 ? 1 : 0;
  let x = n.l1 - p1;
  let b2: u64 = n.l1 < p1 ? 1 : 0;
  r1 = x - b;
  b2 += x < b ? 1 : 0;
  x = n.l2 - p2;
  b = n.l2 < p2 ? 1 : 0;
  r2 = x - b2;
  b += x < b2 ? 1 : 0;
  x = n.l3 - p3;
  b2 = n.l3 < p3 ? 1 : 0;
  r3 = x - b;
  b2 += x < b ? 1 : 0;
  r4 = n4 - p4 - b2;
}

/** The remainder as an f64 (sign included). */
function remainderF64(): f64 {
  if (<i64>r4 >= 0) return limbsToF64(r0, r1, r2, r3, r4);
  // negate: ~r + 1
  const n0 = ~r0 + 1;
  let c: u64 = n0 == 0 ? 1 : 0;
  const n1 = ~r1 + c;
  c = c && n1 == 0 ? 1 : 0;
  const n2 = ~r2 + c;
  c = c && n2 == 0 ? 1 : 0;
  const n3 = ~r3 + c;
  c = c && n3 == 0 ? 1 : 0;
  return -limbsToF64(n0, n1, n2, n3, ~r4 + c);
}

/** Whether 0 <= r < d. */
function remainderInRange(d: U256): bool {
  if (r4 != 0) return false;
  if (r3 != d.l3) return r3 < d.l3;
  if (r2 != d.l2) return r2 < d.l2;
  if (r1 != d.l1) return r1 < d.l1;
  return r0 < d.l0;
}

/**
 * floor((n4 * 2^256 + n) / d) for d > 0 when the quotient fits one limb:
 * an f64 estimate
 * (exact to within a few units below 2^53), one f64 correction of the exact
 * remainder, then unit steps. The result is proved by the remainder being in
 * [0, d); returns false (nothing set) when that takes more than a few steps
 * or the quotient does not fit, and the caller divides the long way.
 */
function smallQuotient(n: U256, n4: u64, d: U256): bool {
  const df = toF64(d);
  const nf = limbsToF64(n.l0, n.l1, n.l2, n.l3, n4);
  const qf = Math.floor(nf / df);
  if (!(qf >= 0 && qf < 18446744073709549568.0)) return false;
  const q = <u64>qf;
  remainder(n, n4, d, q);
  // the estimate is usually exact or one off (quotients that sit just below
  // an integer, as a recomputed swap amount does): unit steps first
  if (!unitSteps(d, q, 2)) {
    if (stepFailed) return false;
    // one correction from the exact remainder (|error| << 2^53 units)
    const k = Math.floor(remainderF64() / df);
    const q2 = <f64>sqQ + k;
    if (!(q2 >= 0 && q2 < 18446744073709549568.0)) return false;
    const q3 = <i64>k >= 0 ? sqQ + <u64>k : sqQ - <u64>(-k);
    remainder(n, n4, d, q3);
    if (!unitSteps(d, q3, 4)) return false;
  }
  sqInexact = (r0 | r1 | r2 | r3) != 0;
  return true;
}

let stepFailed: bool = false;

/**
 * Moves q by at most `steps` units toward the quotient, adding or
 * subtracting d to the remainder; sqQ gets the new q. True when the
 * remainder is then in [0, d); stepFailed when q would go below zero.
 */
function unitSteps(d: U256, q: u64, steps: i32): bool {
  stepFailed = false;
  for (let i = 0; i < steps && !remainderInRange(d); i++) {
    if (<i64>r4 < 0) {
      if (q == 0) {
        stepFailed = true;
        sqQ = q;
        return false;
      }
      q -= 1;
      remainderAdd(d);
    } else {
      q += 1;
      remainderSub(d);
    }
  }
  sqQ = q;
  return remainderInRange(d);
}

/** r += d (five limbs, d four). */
function remainderAdd(d: U256): void {
  const s0 = r0 + d.l0;
  let c: u64 = s0 < r0 ? 1 : 0;
  let t = r1 + d.l1;
  let c1: u64 = t < r1 ? 1 : 0;
  const s1 = t + c;
  c1 += s1 < t ? 1 : 0;
  t = r2 + d.l2;
  c = t < r2 ? 1 : 0;
  const s2 = t + c1;
  c += s2 < t ? 1 : 0;
  t = r3 + d.l3;
  c1 = t < r3 ? 1 : 0;
  const s3 = t + c;
  c1 += s3 < t ? 1 : 0;
  r0 = s0;
  r1 = s1;
  r2 = s2;
  r3 = s3;
  r4 += c1;
}

/** r -= d (five limbs, d four). */
function remainderSub(d: U256): void {
  const s0 = r0 - d.l0;
  let b: u64 = r0 < d.l0 ? 1 : 0;
  let t = r1 - d.l1;
  let b1: u64 = r1 < d.l1 ? 1 : 0;
  const s1 = t - b;
  b1 += t < b ? 1 : 0;
  t = r2 - d.l2;
  b = r2 < d.l2 ? 1 : 0;
  const s2 = t - b1;
  b += t < b1 ? 1 : 0;
  t = r3 - d.l3;
  b1 = r3 < d.l3 ? 1 : 0;
  const s3 = t - b;
  b1 += t < b ? 1 : 0;
  r0 = s0;
  r1 = s1;
  r2 = s2;
  r3 = s3;
  r4 -= b1;
}

// The fee arithmetic's own two: a swap divides by 1e6 and by 1e6 - fee over
// and over, and those must not evict the variable divisors.
const FEE_RECIPROCALS = new ReciprocalCache();

/**
 * o = a * m / d for 32-bit m and d (fee arithmetic: amount * (1e6 - fee) /
 * 1e6, amountIn * fee / (1e6 - fee)), rounded down or up, exactly as
 * mulDiv/mulDivRoundingUp would give, without the general 512-bit path.
 */
export function mulDivSmall(o: U256, a: U256, m: u32, d: u32, roundUp: bool): void {
  if (d == 0) {
    fail(E_DIV_ZERO);
    setZero(o);
    return;
  }
  const mm = <u64>m;
  const a0 = a.l0, a1 = a.l1, a2 = a.l2, a3 = a.l3;
  const s = clz(<u64>d);
  const rs = 64 - s;
  const dn = <u64>d << s;
  const v = FEE_RECIPROCALS.of(dn);
  if ((a1 | a2 | a3) == 0) {
    // most amounts fit one limb: a * m < 2^96 is two limbs, two steps
    const lo = a0 * mm;
    const hi = ((a0 >> 32) * mm + (((a0 & 0xffffffff) * mm) >> 32)) >> 32;
    let r = hi >> rs;
    const q1 = div2by1(r, (hi << s) | (lo >> rs), dn, v);
    r = div2Rem;
    const q0 = div2by1(r, lo << s, dn, v);
    setLimbs(o, q0, q1, 0, 0);
    if (roundUp && div2Rem != 0) addU64(o, o, 1);
    return;
  }
  if ((a2 | a3) == 0) {
    // two limbs (large 18-decimal amounts): a * m is three limbs
    const x0 = a0 * mm;
    const g0 = ((a0 >> 32) * mm + (((a0 & 0xffffffff) * mm) >> 32)) >> 32;
    const t1 = a1 * mm;
    const x1 = t1 + g0;
    const x2 = (((a1 >> 32) * mm + (((a1 & 0xffffffff) * mm) >> 32)) >> 32) + (x1 < t1 ? 1 : 0);
    let r = x2 >> rs;
    const q2 = div2by1(r, (x2 << s) | (x1 >> rs), dn, v);
    r = div2Rem;
    const q1 = div2by1(r, (x1 << s) | (x0 >> rs), dn, v);
    r = div2Rem;
    const q0 = div2by1(r, x0 << s, dn, v);
    setLimbs(o, q0, q1, q2, 0);
    if (roundUp && div2Rem != 0) addU64(o, o, 1);
    return;
  }
  // a * m as five limbs; each a_i * m < 2^96
  const h0 = ((a0 >> 32) * mm + (((a0 & 0xffffffff) * mm) >> 32)) >> 32;
  const h1 = ((a1 >> 32) * mm + (((a1 & 0xffffffff) * mm) >> 32)) >> 32;
  const h2 = ((a2 >> 32) * mm + (((a2 & 0xffffffff) * mm) >> 32)) >> 32;
  const h3 = ((a3 >> 32) * mm + (((a3 & 0xffffffff) * mm) >> 32)) >> 32;
  const p0 = a0 * mm;
  let t = a1 * mm;
  const p1 = t + h0;
  let c: u64 = p1 < t ? 1 : 0;
  t = a2 * mm;
  let p2 = t + h1;
  let c2: u64 = p2 < t ? 1 : 0;
  p2 += c;
  c2 += p2 < c ? 1 : 0;
  t = a3 * mm;
  let p3 = t + h2;
  let c3: u64 = p3 < t ? 1 : 0;
  p3 += c2;
  c3 += p3 < c2 ? 1 : 0;
  const p4 = h3 + c3;
  // divide by d (< 2^32), normalized to dn = d << s with s in [32, 63]
  let rem = p4 >> rs;
  const q4 = div2by1(rem, (p4 << s) | (p3 >> rs), dn, v);
  rem = div2Rem;
  const q3 = div2by1(rem, (p3 << s) | (p2 >> rs), dn, v);
  rem = div2Rem;
  const q2 = div2by1(rem, (p2 << s) | (p1 >> rs), dn, v);
  rem = div2Rem;
  const q1 = div2by1(rem, (p1 << s) | (p0 >> rs), dn, v);
  rem = div2Rem;
  const q0 = div2by1(rem, p0 << s, dn, v);
  rem = div2Rem;
  if (q4 != 0) {
    fail(E_OVERFLOW);
    setZero(o);
    return;
  }
  setLimbs(o, q0, q1, q2, q3);
  if (roundUp && rem != 0) {
    if (addU64(o, o, 1)) fail(E_OVERFLOW);
  }
}

/** o = floor(a * 2^128 / d) (fee growth per unit of liquidity), as mulDiv(a, Q128, d). */
export function mulDivQ128(o: U256, a: U256, d: U256): void {
  if (isZero(d)) {
    fail(E_DIV_ZERO);
    setZero(o);
    return;
  }
  if ((d.l1 | d.l2 | d.l3 | a.l1 | a.l2 | a.l3) == 0) {
    // one-limb fee and liquidity: a * 2^128 / d is three steps of 2-by-1
    // division by the normalized d (reciprocal cached: liquidity repeats)
    const s = clz(d.l0);
    const dn = d.l0 << s;
    const v = DIVISOR_RECIPROCALS.of(dn);
    const top: u64 = s == 0 ? 0 : a.l0 >> (64 - s);
    const q2 = div2by1(top, a.l0 << s, dn, v);
    const q1 = div2by1(div2Rem, 0, dn, v);
    const q0 = div2by1(div2Rem, 0, dn, v);
    setLimbs(o, q0, q1, q2, 0);
    return;
  }
  if (d.l1 != 0 && (d.l2 | d.l3 | a.l2 | a.l3) == 0) {
    // two-limb liquidity (above 2^64), fee below 2^128: the quotient is below
    // 2^192, three steps of 3-by-2 division by the normalized liquidity
    const s = clz(d.l1);
    const rs: u64 = 64 - s;
    const d1 = s == 0 ? d.l1 : (d.l1 << s) | (d.l0 >> rs);
    const d0 = d.l0 << s;
    const v = DIVISOR_RECIPROCALS.of(d1);
    // a * 2^(128 + s) as limbs (x4, x3, x2, 0, 0); (x4, x3) < (d1, d0) as a < d * 2^64
    const x4: u64 = s == 0 ? 0 : a.l1 >> rs;
    const x3: u64 = s == 0 ? a.l1 : (a.l1 << s) | (a.l0 >> rs);
    const x2 = a.l0 << s;
    if (x4 < d1 || (x4 == d1 && x3 < d0)) {
      // a fee below L / 2^64 (the usual case) has a zero top quotient limb
      let q2: u64 = 0;
      let r1 = x3;
      let r0 = x2;
      if (x4 != 0 || x3 >= d1) {
        q2 = div3by2(x4, x3, x2, d1, d0, v);
        r1 = div3Rem1;
        r0 = div3Rem0;
      }
      const q1 = div3by2(r1, r0, 0, d1, d0, v);
      const q0 = div3by2(div3Rem1, div3Rem0, 0, d1, d0, v);
      setLimbs(o, q0, q1, q2, 0);
      return;
    }
  }
  setLimbs(WIDE_LO, 0, 0, a.l0, a.l1);
  setLimbs(WIDE_HI, a.l2, a.l3, 0, 0);
  // the quotient fits in 256 bits iff the high half is below d
  if (cmp(WIDE_HI, d) >= 0) {
    fail(E_OVERFLOW);
    setZero(o);
    return;
  }
  divWide(DIV_D_Q, null, copyD(d));
  copy(o, DIV_D_Q);
}
