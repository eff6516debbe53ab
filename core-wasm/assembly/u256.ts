// Unsigned 256-bit integers as four little-endian u64 limbs in linear memory.
//
// A U256 is an unmanaged struct: it lives in static scratch memory or inside a
// pool's storage arrays, never on the GC heap, so arithmetic allocates nothing.
// Every operation writes into an `out` argument that may alias its inputs
// (inputs are read into locals first). Signed values (int128/int256) use the
// same limbs in two's complement.

@unmanaged
export class U256 {
  l0: u64 = 0;
  l1: u64 = 0;
  l2: u64 = 0;
  l3: u64 = 0;
}

/** A U256 in static memory (call only at module top level). */
// @ts-ignore: decorator
@inline
export function staticU256(): U256 {
  return changetype<U256>(memory.data(32, 16));
}

// ---- high half of a 64x64 product (there is no wide multiply in wasm) ----

/** High 64 bits of the 128-bit product a*b (the low half is simply a*b). */
// @ts-ignore: decorator
@inline
export function umulh(a: u64, b: u64): u64 {
  const aL = a & 0xffffffff;
  const aH = a >> 32;
  const bL = b & 0xffffffff;
  const bH = b >> 32;
  const t = aH * bL + ((aL * bL) >> 32);
  const w = (t & 0xffffffff) + aL * bH;
  return aH * bH + (t >> 32) + (w >> 32);
}

// ---- construction and comparison ----

// @ts-ignore: decorator
@inline
export function setZero(o: U256): void {
  o.l0 = 0;
  o.l1 = 0;
  o.l2 = 0;
  o.l3 = 0;
}

// @ts-ignore: decorator
@inline
export function setU64(o: U256, v: u64): void {
  o.l0 = v;
  o.l1 = 0;
  o.l2 = 0;
  o.l3 = 0;
}

// @ts-ignore: decorator
@inline
export function setLimbs(o: U256, l0: u64, l1: u64, l2: u64, l3: u64): void {
  o.l0 = l0;
  o.l1 = l1;
  o.l2 = l2;
  o.l3 = l3;
}

// @ts-ignore: decorator
@inline
export function copy(o: U256, a: U256): void {
  o.l0 = a.l0;
  o.l1 = a.l1;
  o.l2 = a.l2;
  o.l3 = a.l3;
}

// @ts-ignore: decorator
@inline
export function isZero(a: U256): bool {
  return (a.l0 | a.l1 | a.l2 | a.l3) == 0;
}

// @ts-ignore: decorator
@inline
export function eq(a: U256, b: U256): bool {
  return ((a.l0 ^ b.l0) | (a.l1 ^ b.l1) | (a.l2 ^ b.l2) | (a.l3 ^ b.l3)) == 0;
}

/** -1, 0 or 1 as unsigned a <, ==, > b. */
// @ts-ignore: decorator
@inline
export function cmp(a: U256, b: U256): i32 {
  if (a.l3 != b.l3) return a.l3 < b.l3 ? -1 : 1;
  if (a.l2 != b.l2) return a.l2 < b.l2 ? -1 : 1;
  if (a.l1 != b.l1) return a.l1 < b.l1 ? -1 : 1;
  if (a.l0 != b.l0) return a.l0 < b.l0 ? -1 : 1;
  return 0;
}

// @ts-ignore: decorator
@inline
export function lt(a: U256, b: U256): bool {
  return cmp(a, b) < 0;
}

/** True when the two's complement value is negative. */
// @ts-ignore: decorator
@inline
export function isNeg(a: U256): bool {
  return <i64>a.l3 < 0;
}

/** Signed comparison of two's complement values. */
export function scmp(a: U256, b: U256): i32 {
  const na = isNeg(a);
  const nb = isNeg(b);
  if (na != nb) return na ? -1 : 1;
  return cmp(a, b);
}

/** Bits needed (0 for zero); msb index + 1. */
export function bitLength(a: U256): i32 {
  if (a.l3) return 256 - <i32>clz(a.l3);
  if (a.l2) return 192 - <i32>clz(a.l2);
  if (a.l1) return 128 - <i32>clz(a.l1);
  return 64 - <i32>clz(a.l0);
}

/** True when a < 2^bits. */
export function fitsBits(a: U256, bits: i32): bool {
  return bitLength(a) <= bits;
}

// ---- f64 estimates ----

const F_TWO64: f64 = 18446744073709551616.0;
const F_TWO128: f64 = 340282366920938463463374607431768211456.0;
const F_TWO256: f64 = 1.157920892373162e77;

/**
 * The f64 near the value of limbs (l0..l3) + top * 2^256, for estimates
 * that are then proved or used with a margin: each limb converts with one
 * rounding, so the relative error stays below 2^-50. (Unsigned 64-bit to f64
 * is a multi-instruction sequence in wasm on x64: zero high limbs are skipped.)
 */
// @ts-ignore: decorator
@inline
export function limbsToF64(l0: u64, l1: u64, l2: u64, l3: u64, top: u64): f64 {
  let x = <f64>l0 + <f64>l1 * F_TWO64;
  if ((l2 | l3) != 0) x += (<f64>l2 + <f64>l3 * F_TWO64) * F_TWO128;
  if (top != 0) x += <f64>top * F_TWO256;
  return x;
}

/** a as an f64 (relative error below 2^-50). */
// @ts-ignore: decorator
@inline
export function toF64(a: U256): f64 {
  return limbsToF64(a.l0, a.l1, a.l2, a.l3, 0);
}

// ---- add / sub (mod 2^256) ----

/** o = a + b mod 2^256; returns the carry out (0 or 1). */
// @ts-ignore: decorator
@inline
export function add(o: U256, a: U256, b: U256): u64 {
  const s0 = a.l0 + b.l0;
  let c: u64 = s0 < a.l0 ? 1 : 0;
  const t1 = a.l1 + b.l1;
  let c1: u64 = t1 < a.l1 ? 1 : 0;
  const s1 = t1 + c;
  c1 += s1 < t1 ? 1 : 0;
  const t2 = a.l2 + b.l2;
  let c2: u64 = t2 < a.l2 ? 1 : 0;
  const s2 = t2 + c1;
  c2 += s2 < t2 ? 1 : 0;
  const t3 = a.l3 + b.l3;
  let c3: u64 = t3 < a.l3 ? 1 : 0;
  const s3 = t3 + c2;
  c3 += s3 < t3 ? 1 : 0;
  o.l0 = s0;
  o.l1 = s1;
  o.l2 = s2;
  o.l3 = s3;
  return c3;
}

/** o = a - b mod 2^256; returns the borrow out (0 or 1). */
// @ts-ignore: decorator
@inline
export function sub(o: U256, a: U256, b: U256): u64 {
  const d0 = a.l0 - b.l0;
  const b0: u64 = a.l0 < b.l0 ? 1 : 0;
  const t1 = a.l1 - b.l1;
  let b1: u64 = a.l1 < b.l1 ? 1 : 0;
  const d1 = t1 - b0;
  b1 += t1 < b0 ? 1 : 0;
  const t2 = a.l2 - b.l2;
  let b2: u64 = a.l2 < b.l2 ? 1 : 0;
  const d2 = t2 - b1;
  b2 += t2 < b1 ? 1 : 0;
  const t3 = a.l3 - b.l3;
  let b3: u64 = a.l3 < b.l3 ? 1 : 0;
  const d3 = t3 - b2;
  b3 += t3 < b2 ? 1 : 0;
  o.l0 = d0;
  o.l1 = d1;
  o.l2 = d2;
  o.l3 = d3;
  return b3;
}

/** o = a + v (small); returns carry. */
export function addU64(o: U256, a: U256, v: u64): u64 {
  const s0 = a.l0 + v;
  let c: u64 = s0 < v ? 1 : 0;
  const s1 = a.l1 + c;
  c = c && s1 == 0 ? 1 : 0;
  const s2 = a.l2 + c;
  c = c && s2 == 0 ? 1 : 0;
  const s3 = a.l3 + c;
  c = c && s3 == 0 ? 1 : 0;
  o.l0 = s0;
  o.l1 = s1;
  o.l2 = s2;
  o.l3 = s3;
  return c;
}

/** o = -a (two's complement). */
export function neg(o: U256, a: U256): void {
  o.l0 = ~a.l0;
  o.l1 = ~a.l1;
  o.l2 = ~a.l2;
  o.l3 = ~a.l3;
  addU64(o, o, 1);
}

/** o = ~a. */
export function not(o: U256, a: U256): void {
  o.l0 = ~a.l0;
  o.l1 = ~a.l1;
  o.l2 = ~a.l2;
  o.l3 = ~a.l3;
}

// ---- shifts ----

/** o = a << n mod 2^256 (n >= 256 gives 0). */
export function shl(o: U256, a: U256, n: i32): void {
  let x0 = a.l0, x1 = a.l1, x2 = a.l2, x3 = a.l3;
  if (n >= 256) {
    setZero(o);
    return;
  }
  while (n >= 64) {
    x3 = x2;
    x2 = x1;
    x1 = x0;
    x0 = 0;
    n -= 64;
  }
  if (n > 0) {
    const s = <u64>n;
    const r = <u64>(64 - n);
    x3 = (x3 << s) | (x2 >> r);
    x2 = (x2 << s) | (x1 >> r);
    x1 = (x1 << s) | (x0 >> r);
    x0 = x0 << s;
  }
  o.l0 = x0;
  o.l1 = x1;
  o.l2 = x2;
  o.l3 = x3;
}

/** o = a >> n, logical (n >= 256 gives 0). */
export function shr(o: U256, a: U256, n: i32): void {
  let x0 = a.l0, x1 = a.l1, x2 = a.l2, x3 = a.l3;
  if (n >= 256) {
    setZero(o);
    return;
  }
  while (n >= 64) {
    x0 = x1;
    x1 = x2;
    x2 = x3;
    x3 = 0;
    n -= 64;
  }
  if (n > 0) {
    const s = <u64>n;
    const r = <u64>(64 - n);
    x0 = (x0 >> s) | (x1 << r);
    x1 = (x1 >> s) | (x2 << r);
    x2 = (x2 >> s) | (x3 << r);
    x3 = x3 >> s;
  }
  o.l0 = x0;
  o.l1 = x1;
  o.l2 = x2;
  o.l3 = x3;
}

// ---- multiplication ----

/** o = a * b mod 2^256; returns true when the full product overflowed 256 bits. */
export function mul(o: U256, a: U256, b: U256): bool {
  mulWide(WIDE_LO, WIDE_HI, a, b);
  const over = !isZero(WIDE_HI);
  copy(o, WIDE_LO);
  return over;
}

/** Number of significant limbs (0 for zero). */
// @ts-ignore: decorator
@inline
function limbCount(a: U256): i32 {
  if (a.l3) return 4;
  if (a.l2) return 3;
  if (a.l1) return 2;
  return a.l0 ? 1 : 0;
}

/** Limbs 1..3 of the last mul2x2 product. */
export let mul2x2R1: u64 = 0;
export let mul2x2R2: u64 = 0;
export let mul2x2R3: u64 = 0;

/**
 * (x1:x0) * (y1:y0), the full 256-bit product: returns limb 0, limbs 1..3
 * in mul2x2R1..mul2x2R3.
 */
// @ts-ignore: decorator
@inline
export function mul2x2(x0: u64, x1: u64, y0: u64, y1: u64): u64 {
  const h00 = umulh(x0, y0);
  // limb 1: h00 + lo(x0*y1) + lo(x1*y0)
  const l01 = x0 * y1;
  const h01 = umulh(x0, y1);
  const l10 = x1 * y0;
  const h10 = umulh(x1, y0);
  let r1 = h00 + l01;
  let c2: u64 = r1 < l01 ? 1 : 0;
  r1 += l10;
  c2 += r1 < l10 ? 1 : 0;
  // limb 2: h01 + h10 + lo(x1*y1) + carries; limb 3: hi(x1*y1) + carries
  const l11 = x1 * y1;
  const h11 = umulh(x1, y1);
  let r2 = h01 + h10;
  let c3: u64 = r2 < h10 ? 1 : 0;
  r2 += l11;
  c3 += r2 < l11 ? 1 : 0;
  r2 += c2;
  c3 += r2 < c2 ? 1 : 0;
  mul2x2R1 = r1;
  mul2x2R2 = r2;
  mul2x2R3 = h11 + c3;
  return x0 * y0;
}

const PROD: usize = memory.data(64, 16);

// @ts-ignore: decorator
@inline
function zero8(p: usize): void {
  store<u64>(p, 0);
  store<u64>(p, 0, 8);
  store<u64>(p, 0, 16);
  store<u64>(p, 0, 24);
  store<u64>(p, 0, 32);
  store<u64>(p, 0, 40);
  store<u64>(p, 0, 48);
  store<u64>(p, 0, 56);
}

/**
 * (hi, lo) = a * b, the full 512-bit product. Most operands here have at
 * most two significant limbs once a zero low limb is skipped (sqrt prices
 * below 2^128, liquidity, amounts, and liquidity << 96), so that case is an
 * unrolled 2x2 product in locals; anything wider is schoolbook over the
 * significant limbs. lo/hi may alias a or b.
 */
export function mulWide(lo: U256, hi: U256, a: U256, b: U256): void {
  const na = limbCount(a);
  const nb = limbCount(b);
  const za: i32 = a.l0 == 0 && na > 1 ? 1 : 0;
  const zb: i32 = b.l0 == 0 && nb > 1 ? 1 : 0;
  const ap = changetype<usize>(a);
  const bp = changetype<usize>(b);
  if (na - za <= 2 && nb - zb <= 2) {
    const x0 = load<u64>(ap + (<usize>za << 3));
    const x1 = na - za == 2 ? load<u64>(ap + (<usize>(za + 1) << 3)) : 0;
    const y0 = load<u64>(bp + (<usize>zb << 3));
    const y1 = nb - zb == 2 ? load<u64>(bp + (<usize>(zb + 1) << 3)) : 0;
    const r0 = mul2x2(x0, x1, y0, y1);
    const r1 = mul2x2R1;
    const r2 = mul2x2R2;
    const r3 = mul2x2R3;
    // place at limb offset za + zb (inputs are in locals: lo/hi may alias them)
    const k = za + zb;
    if (k == 0) {
      setLimbs(lo, r0, r1, r2, r3);
      setZero(hi);
    } else if (k == 1) {
      setLimbs(lo, 0, r0, r1, r2);
      setLimbs(hi, r3, 0, 0, 0);
    } else {
      setLimbs(lo, 0, 0, r0, r1);
      setLimbs(hi, r2, r3, 0, 0);
    }
    return;
  } else {
    zero8(PROD);
    for (let i = 0; i < na; i++) {
      const x = load<u64>(ap + (<usize>i << 3));
      if (x == 0) continue;
      let carry: u64 = 0;
      let rp = PROD + (<usize>i << 3);
      for (let j = 0; j < nb; j++) {
        const y = load<u64>(bp + (<usize>j << 3));
        const pl = x * y;
        let ph = umulh(x, y);
        const r = load<u64>(rp);
        let t = r + pl;
        ph += t < pl ? 1 : 0;
        const t2 = t + carry;
        ph += t2 < carry ? 1 : 0;
        store<u64>(rp, t2);
        carry = ph;
        rp += 8;
      }
      store<u64>(rp, carry);
    }
  }
  lo.l0 = load<u64>(PROD);
  lo.l1 = load<u64>(PROD, 8);
  lo.l2 = load<u64>(PROD, 16);
  lo.l3 = load<u64>(PROD, 24);
  hi.l0 = load<u64>(PROD, 32);
  hi.l1 = load<u64>(PROD, 40);
  hi.l2 = load<u64>(PROD, 48);
  hi.l3 = load<u64>(PROD, 56);
}

// ---- division: Knuth's algorithm D over 64-bit limbs ----
//
// Numerator: up to 512 bits (WIDE_LO then WIDE_HI, contiguous: 8 limbs).
// Divisor: up to 256 bits. Quotient limbs are estimated with Moller and
// Granlund's 2-by-1 division by a precomputed reciprocal (two multiplies, no
// hardware divide), refined with the divisor's second limb as in Knuth, and
// corrected by an add-back in the rare case the estimate is one too large.

// 64 bytes: the 512-bit numerator / product scratch (lo then hi, contiguous).
const WIDE_PTR: usize = memory.data(64, 16);
export const WIDE_LO = changetype<U256>(WIDE_PTR);
export const WIDE_HI = changetype<U256>(WIDE_PTR + 32);
// normalized numerator (9 limbs), normalized divisor (up to 8), quotient (8)
const UN: usize = memory.data(8 * 9, 16);
const DN: usize = memory.data(8 * 8, 16);
const QD: usize = memory.data(8 * 8, 16);

// @ts-ignore: decorator
@inline
function ld(p: usize, i: i32): u64 {
  return load<u64>(p + (<usize>i << 3));
}

// @ts-ignore: decorator
@inline
function st(p: usize, i: i32, v: u64): void {
  store<u64>(p + (<usize>i << 3), v);
}

const B32: u64 = 0x100000000;
const M32: u64 = 0xffffffff;

/** floor((u1*2^64 + u0) / v) for normalized v (top bit set) and u1 < v. */
function divlu(u1: u64, u0: u64, v: u64): u64 {
  const vn1 = v >> 32;
  const vn0 = v & M32;
  const un1 = u0 >> 32;
  const un0 = u0 & M32;
  let q1 = u1 / vn1;
  let rhat = u1 - q1 * vn1;
  while (q1 >= B32 || q1 * vn0 > ((rhat << 32) | un1)) {
    q1 -= 1;
    rhat += vn1;
    if (rhat >= B32) break;
  }
  const un21 = (u1 << 32) + un1 - q1 * v;
  let q0 = un21 / vn1;
  rhat = un21 - q0 * vn1;
  while (q0 >= B32 || q0 * vn0 > ((rhat << 32) | un0)) {
    q0 -= 1;
    rhat += vn1;
    if (rhat >= B32) break;
  }
  return (q1 << 32) + q0;
}

/** The 2-by-1 reciprocal of a normalized d: floor((2^128 - 1) / d) - 2^64. */
// @ts-ignore: decorator
@inline
export function reciprocal(d: u64): u64 {
  return divlu(~d, 0xffffffffffffffff, d);
}

export let div2Rem: u64 = 0;

/** (u1*2^64 + u0) / d for normalized d and u1 < d; remainder in div2Rem. */
// @ts-ignore: decorator
@inline
export function div2by1(u1: u64, u0: u64, d: u64, v: u64): u64 {
  const p0 = v * u1;
  let q1 = umulh(v, u1);
  const q0 = p0 + u0;
  q1 += u1 + (q0 < p0 ? 1 : 0) + 1;
  let r = u0 - q1 * d;
  if (r > q0) {
    q1 -= 1;
    r += d;
  }
  if (r >= d) {
    q1 += 1;
    r -= d;
  }
  div2Rem = r;
  return q1;
}

/**
 * Divides the 512-bit value at (WIDE_LO, WIDE_HI) by d (nonzero).
 * Quotient low 256 bits go to q, its high 256 bits to qHi (may be null);
 * divInexact tells whether a remainder was left. q/qHi must not alias d.
 */
export function divWide(q: U256, qHi: U256 | null, d: U256): void {
  divWideBy(q, qHi, changetype<usize>(d), 4);
}

/**
 * Reciprocals of the last two normalized divisor limbs computed (a miss
 * replaces the older): a swap divides by the same two values again and again.
 */
export class ReciprocalCache {
  d0: u64 = 0;
  v0: u64 = 0;
  d1: u64 = 0;
  v1: u64 = 0;

  /** reciprocal(d) for a normalized d, computed only when not cached. */
  // @ts-ignore: decorator
  @inline
  of(d: u64): u64 {
    if (d == this.d0) return this.v0;
    if (d == this.d1) return this.v1;
    const v = reciprocal(d);
    this.d1 = this.d0;
    this.v1 = this.v0;
    this.d0 = d;
    this.v0 = v;
    return v;
  }
}

/**
 * The divisors of long division and fee growth: a swap step divides by its
 * next-price denominator and by the active liquidity in turn.
 */
export const DIVISOR_RECIPROCALS = new ReciprocalCache();

export let div3Rem1: u64 = 0;
export let div3Rem0: u64 = 0;

/**
 * floor((r1, r0, u) / (d1, d0)) for a normalized two-limb divisor (d1 has its
 * top bit set), v = reciprocal(d1) and (r1, r0) < (d1, d0): one quotient limb
 * of a long division by two limbs. With a two-limb divisor Knuth's test
 * against d0 makes the estimate exact, so no add-back is needed. The new
 * remainder (below the divisor) is left in (div3Rem1, div3Rem0).
 */
// @ts-ignore: decorator
@inline
export function div3by2(r1: u64, r0: u64, u: u64, d1: u64, d0: u64, v: u64): u64 {
  let qhat: u64;
  let rhat: u64;
  let refine = true;
  if (r1 >= d1) {
    // r1 == d1 (r1 > d1 cannot happen): qhat = 2^64 - 1
    qhat = 0xffffffffffffffff;
    rhat = r0 + d1;
    refine = rhat >= r0;
  } else {
    qhat = div2by1(r1, r0, d1, v);
    rhat = div2Rem;
  }
  // (ph, pl) = qhat * d0, stepped down with qhat
  let pl = qhat * d0;
  let ph = umulh(qhat, d0);
  while (refine) {
    if (ph > rhat || (ph == rhat && pl > u)) {
      qhat -= 1;
      ph -= pl < d0 ? 1 : 0;
      pl -= d0;
      const nr = rhat + d1;
      const over = nr < rhat;
      rhat = nr; // mod 2^64: the remainder below is taken mod 2^128
      if (over) break; // rhat passed 2^64: the test can no longer hold
    } else {
      break;
    }
  }
  // remainder (rhat, u) - qhat * d0, below the divisor: exact mod 2^128
  div3Rem0 = u - pl;
  div3Rem1 = rhat - ph - (u < pl ? 1 : 0);
  return qhat;
}

/** Whether the last division left a nonzero remainder. */
export let divInexact: bool = false;

/** As divWide, with a divisor of up to 8 limbs at dp (dLimbs of them). */
export function divWideBy(q: U256, qHi: U256 | null, dp: usize, dLimbs: i32): void {
  let n = dLimbs;
  while (n > 0 && ld(dp, n - 1) == 0) n--;
  let m = 8;
  while (m > 0 && ld(WIDE_PTR, m - 1) == 0) m--;
  if (m < n) {
    // numerator < divisor
    divInexact = m > 0;
    setZero(q);
    if (qHi) setZero(qHi);
    return;
  }
  // a three-limb divisor (the next price from a token0 amount divides by
  // L * 2^96 + amount * P) runs in locals
  if (n == 3 && divBy3(q, qHi, dp, m)) return;
  zero8(QD);
  const s = clz(ld(dp, n - 1));
  const rs: u64 = 64 - s;
  // normalize (s == 0 needs no shift, and x >> 64 is not 0 in wasm)
  if (s == 0) {
    for (let i = 0; i < n; i++) st(DN, i, ld(dp, i));
    for (let i = 0; i < m; i++) st(UN, i, ld(WIDE_PTR, i));
    st(UN, m, 0);
  } else {
    for (let i = n - 1; i > 0; i--) st(DN, i, (ld(dp, i) << s) | (ld(dp, i - 1) >> rs));
    st(DN, 0, ld(dp, 0) << s);
    st(UN, m, ld(WIDE_PTR, m - 1) >> rs);
    for (let i = m - 1; i > 0; i--) st(UN, i, (ld(WIDE_PTR, i) << s) | (ld(WIDE_PTR, i - 1) >> rs));
    st(UN, 0, ld(WIDE_PTR, 0) << s);
  }
  const d1 = ld(DN, n - 1);
  const v = DIVISOR_RECIPROCALS.of(d1);
  if (n == 1) {
    let rem = ld(UN, m);
    for (let j = m - 1; j >= 0; j--) {
      st(QD, j, div2by1(rem, ld(UN, j), d1, v));
      rem = div2Rem;
    }
    divInexact = rem != 0;
  } else {
    const d0 = ld(DN, n - 2);
    for (let j = m - n; j >= 0; j--) {
      const u2 = ld(UN, j + n);
      const u1 = ld(UN, j + n - 1);
      const u0 = ld(UN, j + n - 2);
      // Knuth's estimate refined with the second divisor limb: the 3-by-2
      // quotient of the top limbs, at most one too large for the whole divisor
      let qhat = div3by2(u2, u1, u0, d1, d0, v);
      // multiply and subtract qhat * dn from un[j .. j+n]
      let carry: u64 = 0;
      let borrow: u64 = 0;
      for (let i = 0; i < n; i++) {
        const di = ld(DN, i);
        let pl = qhat * di;
        let ph = umulh(qhat, di);
        pl += carry;
        ph += pl < carry ? 1 : 0;
        carry = ph;
        const t = ld(UN, j + i);
        const t1 = t - pl;
        const b1: u64 = t < pl ? 1 : 0;
        const t2 = t1 - borrow;
        const b2: u64 = t1 < borrow ? 1 : 0;
        st(UN, j + i, t2);
        borrow = b1 + b2;
      }
      const top = ld(UN, j + n);
      const top1 = top - carry;
      const n1 = top < carry;
      const top2 = top1 - borrow;
      const n2 = top1 < borrow;
      st(UN, j + n, top2);
      if (n1 || n2) {
        // estimate was one too large: add the divisor back
        qhat -= 1;
        let c: u64 = 0;
        for (let i = 0; i < n; i++) {
          const di = ld(DN, i);
          const s1 = ld(UN, j + i) + di;
          const c1: u64 = s1 < di ? 1 : 0;
          const s2 = s1 + c;
          const c2: u64 = s2 < c ? 1 : 0;
          st(UN, j + i, s2);
          c = c1 + c2;
        }
        st(UN, j + n, ld(UN, j + n) + c);
      }
      st(QD, j, qhat);
    }
    let any: u64 = 0;
    for (let i = 0; i < n; i++) any |= ld(UN, i);
    divInexact = any != 0;
  }
  storeQuotient(q, qHi);
}

/** q = quotient limbs 0..3 of QD, qHi = limbs 4..7 (when wanted). */
// @ts-ignore: decorator
@inline
function storeQuotient(q: U256, qHi: U256 | null): void {
  q.l0 = load<u64>(QD);
  q.l1 = load<u64>(QD, 8);
  q.l2 = load<u64>(QD, 16);
  q.l3 = load<u64>(QD, 24);
  if (qHi) {
    qHi.l0 = load<u64>(QD, 32);
    qHi.l1 = load<u64>(QD, 40);
    qHi.l2 = load<u64>(QD, 48);
    qHi.l3 = load<u64>(QD, 56);
  }
}

/** Limb i in [0, m] of the numerator at WIDE_PTR (m limbs) shifted left by s < 64. */
// @ts-ignore: decorator
@inline
function normLimb(i: i32, m: i32, s: u64): u64 {
  const hi: u64 = i < m ? ld(WIDE_PTR, i) : 0;
  if (s == 0) return hi;
  const lo: u64 = i > 0 ? ld(WIDE_PTR, i - 1) >> (64 - s) : 0;
  return (hi << s) | lo;
}

/**
 * divWideBy for a three-limb divisor at dp and an m-limb numerator (m >= 3),
 * with the normalization done limb by limb and the running remainder in
 * locals. Each quotient limb is a 3-by-2 division by the top two divisor
 * limbs, exact for them and so at most one too large, then the third limb is
 * subtracted and, if that goes negative, the divisor added back. Returns
 * false, having written nothing, when a top remainder limb equals the
 * divisor's (a 3-by-2 quotient of 2^64 or more, about once in 2^64 steps):
 * the generic loop does those.
 */
function divBy3(q: U256, qHi: U256 | null, dp: usize, m: i32): bool {
  const s: u64 = clz(ld(dp, 2));
  let d2 = ld(dp, 2);
  let d1 = ld(dp, 1);
  let d0 = ld(dp, 0);
  if (s != 0) {
    const rs: u64 = 64 - s;
    d2 = (d2 << s) | (d1 >> rs);
    d1 = (d1 << s) | (d0 >> rs);
    d0 = d0 << s;
  }
  const v = DIVISOR_RECIPROCALS.of(d2);
  let r2 = normLimb(m, m, s);
  let r1 = normLimb(m - 1, m, s);
  let r0 = normLimb(m - 2, m, s);
  zero8(QD);
  for (let j = m - 3; j >= 0; j--) {
    if (r2 >= d2) return false;
    const u = normLimb(j, m, s);
    if (r2 == 0 && (r1 < d2 || (r1 == d2 && (r0 < d1 || (r0 == d1 && u < d0))))) {
      // the window (0, r1, r0, u) is below the divisor: a zero quotient limb
      r2 = r1;
      r1 = r0;
      r0 = u;
      continue;
    }
    let qhat = div3by2(r2, r1, r0, d2, d1, v);
    // (rem1, rem0, u) - qhat * d0 over three limbs
    const pl = qhat * d0;
    const ph = umulh(qhat, d0);
    const x0 = u - pl;
    const b0: u64 = u < pl ? 1 : 0;
    const t = div3Rem0 - ph;
    let b1: u64 = div3Rem0 < ph ? 1 : 0;
    const x1 = t - b0;
    b1 += t < b0 ? 1 : 0;
    let y0 = x0;
    let y1 = x1;
    let y2 = div3Rem1 - b1;
    if (div3Rem1 < b1) {
      // one too large: add the divisor back (the carry out cancels the borrow)
      qhat -= 1;
      y0 = x0 + d0;
      const c0: u64 = y0 < d0 ? 1 : 0;
      const s1 = x1 + d1;
      let c1: u64 = s1 < d1 ? 1 : 0;
      y1 = s1 + c0;
      c1 += y1 < c0 ? 1 : 0;
      y2 = y2 + d2 + c1;
    }
    st(QD, j, qhat);
    r2 = y2;
    r1 = y1;
    r0 = y0;
  }
  divInexact = (r2 | r1 | r0) != 0;
  storeQuotient(q, qHi);
  return true;
}

/** q = floor(a / b) (b nonzero); divInexact tells whether a remainder was left. q may alias a. */
export function div(q: U256, a: U256, b: U256): void {
  // fast path: both fit in 64 bits
  if ((a.l1 | a.l2 | a.l3 | b.l1 | b.l2 | b.l3) == 0) {
    const x = a.l0, y = b.l0;
    setU64(q, x / y);
    divInexact = x % y != 0;
    return;
  }
  copy(WIDE_LO, a);
  setZero(WIDE_HI);
  divWide(q, null, b);
}
