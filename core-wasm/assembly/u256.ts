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

// ---- add / sub (mod 2^256) ----

/** o = a + b mod 2^256; returns the carry out (0 or 1). */
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

/** (hi, lo) = a * b, the full 512-bit product. hi/lo must not alias a/b. */
export function mulWide(lo: U256, hi: U256, a: U256, b: U256): void {
  const a0 = a.l0, a1 = a.l1, a2 = a.l2, a3 = a.l3;
  const b0 = b.l0, b1 = b.l1, b2 = b.l2, b3 = b.l3;
  // Column-wise accumulation: r[k] = sum over i+j=k of a_i*b_j, carried with
  // a 3-limb accumulator (c0, c1, c2).
  let c0: u64 = 0, c1: u64 = 0, c2: u64 = 0;
  let p: u64, h: u64;

  // column 0
  const r0 = a0 * b0;
  c0 = umulh(a0, b0);
  // column 1
  p = a0 * b1;
  h = umulh(a0, b1);
  c0 += p;
  c1 = (c0 < p ? 1 : 0) + h;
  p = a1 * b0;
  h = umulh(a1, b0);
  c0 += p;
  h += c0 < p ? 1 : 0;
  c1 += h;
  c2 = c1 < h ? 1 : 0;
  const r1 = c0;
  c0 = c1;
  c1 = c2;
  c2 = 0;
  // column 2
  if (a2 | b2 | a1 | b1) {
    p = a0 * b2;
    h = umulh(a0, b2);
    c0 += p;
    h += c0 < p ? 1 : 0;
    c1 += h;
    c2 += c1 < h ? 1 : 0;
    p = a1 * b1;
    h = umulh(a1, b1);
    c0 += p;
    h += c0 < p ? 1 : 0;
    c1 += h;
    c2 += c1 < h ? 1 : 0;
    p = a2 * b0;
    h = umulh(a2, b0);
    c0 += p;
    h += c0 < p ? 1 : 0;
    c1 += h;
    c2 += c1 < h ? 1 : 0;
  }
  const r2 = c0;
  c0 = c1;
  c1 = c2;
  c2 = 0;
  if ((a3 | a2 | a1 | b3 | b2 | b1) == 0) {
    lo.l0 = r0;
    lo.l1 = r1;
    lo.l2 = r2;
    lo.l3 = c0;
    setZero(hi);
    return;
  }
  // column 3
  p = a0 * b3;
  h = umulh(a0, b3);
  c0 += p;
  h += c0 < p ? 1 : 0;
  c1 += h;
  c2 += c1 < h ? 1 : 0;
  p = a1 * b2;
  h = umulh(a1, b2);
  c0 += p;
  h += c0 < p ? 1 : 0;
  c1 += h;
  c2 += c1 < h ? 1 : 0;
  p = a2 * b1;
  h = umulh(a2, b1);
  c0 += p;
  h += c0 < p ? 1 : 0;
  c1 += h;
  c2 += c1 < h ? 1 : 0;
  p = a3 * b0;
  h = umulh(a3, b0);
  c0 += p;
  h += c0 < p ? 1 : 0;
  c1 += h;
  c2 += c1 < h ? 1 : 0;
  const r3 = c0;
  c0 = c1;
  c1 = c2;
  c2 = 0;
  // column 4
  p = a1 * b3;
  h = umulh(a1, b3);
  c0 += p;
  h += c0 < p ? 1 : 0;
  c1 += h;
  c2 += c1 < h ? 1 : 0;
  p = a2 * b2;
  h = umulh(a2, b2);
  c0 += p;
  h += c0 < p ? 1 : 0;
  c1 += h;
  c2 += c1 < h ? 1 : 0;
  p = a3 * b1;
  h = umulh(a3, b1);
  c0 += p;
  h += c0 < p ? 1 : 0;
  c1 += h;
  c2 += c1 < h ? 1 : 0;
  const r4 = c0;
  c0 = c1;
  c1 = c2;
  c2 = 0;
  // column 5
  p = a2 * b3;
  h = umulh(a2, b3);
  c0 += p;
  h += c0 < p ? 1 : 0;
  c1 += h;
  c2 += c1 < h ? 1 : 0;
  p = a3 * b2;
  h = umulh(a3, b2);
  c0 += p;
  h += c0 < p ? 1 : 0;
  c1 += h;
  c2 += c1 < h ? 1 : 0;
  const r5 = c0;
  c0 = c1;
  c1 = c2;
  // column 6
  p = a3 * b3;
  h = umulh(a3, b3);
  c0 += p;
  h += c0 < p ? 1 : 0;
  c1 += h;
  const r6 = c0;
  const r7 = c1;
  lo.l0 = r0;
  lo.l1 = r1;
  lo.l2 = r2;
  lo.l3 = r3;
  hi.l0 = r4;
  hi.l1 = r5;
  hi.l2 = r6;
  hi.l3 = r7;
}

// ---- division: Knuth's algorithm D over 32-bit digits ----
//
// Numerator: up to 512 bits as 16 u32 digits (WIDE_LO then WIDE_HI are
// contiguous, so a 512-bit value is simply 64 bytes). Divisor: up to 256 bits.

// 64 bytes: the 512-bit numerator / product scratch (lo then hi, contiguous).
const WIDE_PTR: usize = memory.data(64, 16);
export const WIDE_LO = changetype<U256>(WIDE_PTR);
export const WIDE_HI = changetype<U256>(WIDE_PTR + 32);
// normalized copies and the quotient
const UN: usize = memory.data(4 * 17, 16);
const VN: usize = memory.data(4 * 8, 16);
const QD: usize = memory.data(4 * 16, 16);

// @ts-ignore: decorator
@inline
function ld(p: usize, i: i32): u64 {
  return <u64>load<u32>(p + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline
function st(p: usize, i: i32, v: u64): void {
  store<u32>(p + (<usize>i << 2), <u32>v);
}

function digits(p: usize, maxDigits: i32): i32 {
  let n = maxDigits;
  while (n > 0 && load<u32>(p + (<usize>(n - 1) << 2)) == 0) n--;
  return n;
}

/**
 * Divides the 512-bit value at (WIDE_LO, WIDE_HI) by d (nonzero).
 * Quotient low 256 bits go to q, its high 256 bits to qHi (may be null), the
 * remainder to r (may be null). d must not alias the outputs' scratch.
 */
export function divWide(q: U256, qHi: U256 | null, r: U256 | null, d: U256): void {
  const dp = changetype<usize>(d);
  const n = digits(dp, 8);
  const m = digits(WIDE_PTR, 16);
  memory.fill(QD, 0, 64);
  if (m < n) {
    // quotient 0, remainder = numerator (fits, since numerator < d)
    if (r) copy(r, WIDE_LO);
    setZero(q);
    if (qHi) setZero(qHi);
    return;
  }
  if (n == 1) {
    const v = ld(dp, 0);
    let rem: u64 = 0;
    for (let j = m - 1; j >= 0; j--) {
      const cur = (rem << 32) | ld(WIDE_PTR, j);
      st(QD, j, cur / v);
      rem = cur % v;
    }
    if (r) setU64(r, rem);
  } else {
    const s = <u64>clz<u32>(load<u32>(dp + (<usize>(n - 1) << 2)));
    const rs: u64 = 32 - s;
    // normalize divisor
    for (let i = n - 1; i > 0; i--) {
      st(VN, i, (ld(dp, i) << s) | (ld(dp, i - 1) >> rs));
    }
    st(VN, 0, ld(dp, 0) << s);
    // normalize numerator (m+1 digits)
    st(UN, m, ld(WIDE_PTR, m - 1) >> rs);
    for (let i = m - 1; i > 0; i--) {
      st(UN, i, (ld(WIDE_PTR, i) << s) | (ld(WIDE_PTR, i - 1) >> rs));
    }
    st(UN, 0, ld(WIDE_PTR, 0) << s);
    const vTop = ld(VN, n - 1);
    const vNext = ld(VN, n - 2);
    const B: u64 = 0x100000000;
    // qhat = num / vTop without a hardware 64-bit divide: a float estimate
    // (error below 2^-19 for quotients < 2^33) corrected to the exact floor.
    const inv = 1.0 / <f64>vTop;
    for (let j = m - n; j >= 0; j--) {
      const num = (ld(UN, j + n) << 32) | ld(UN, j + n - 1);
      let qhat = <u64>(<f64>num * inv);
      let r = <i64>(num - qhat * vTop);
      if (r < 0) {
        qhat -= 1;
        r += <i64>vTop;
      } else if (r >= <i64>vTop) {
        qhat += 1;
        r -= <i64>vTop;
      }
      let rhat = <u64>r;
      while (qhat >= B || qhat * vNext > ((rhat << 32) | ld(UN, j + n - 2))) {
        qhat -= 1;
        rhat += vTop;
        if (rhat >= B) break;
      }
      // multiply and subtract
      let k: i64 = 0;
      let t: i64 = 0;
      for (let i = 0; i < n; i++) {
        const p = qhat * ld(VN, i);
        t = <i64>ld(UN, i + j) - k - <i64>(p & 0xffffffff);
        st(UN, i + j, <u64>t);
        k = <i64>(p >> 32) - (t >> 32);
      }
      t = <i64>ld(UN, j + n) - k;
      st(UN, j + n, <u64>t);
      if (t < 0) {
        qhat -= 1;
        let c: u64 = 0;
        for (let i = 0; i < n; i++) {
          const sum = ld(UN, i + j) + ld(VN, i) + c;
          st(UN, i + j, sum);
          c = sum >> 32;
        }
        st(UN, j + n, ld(UN, j + n) + c);
      }
      st(QD, j, qhat);
    }
    if (r) {
      // denormalize remainder (n digits)
      const rp = changetype<usize>(r);
      setZero(r);
      for (let i = 0; i < n - 1; i++) {
        st(rp, i, (ld(UN, i) >> s) | (ld(UN, i + 1) << rs));
      }
      st(rp, n - 1, ld(UN, n - 1) >> s);
    }
  }
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

/** q = a / b, r = a % b (b nonzero); q/r may be null. a may alias q or r. */
export function divmod(q: U256 | null, r: U256 | null, a: U256, b: U256): void {
  // fast path: both fit in 64 bits
  if ((a.l1 | a.l2 | a.l3 | b.l1 | b.l2 | b.l3) == 0) {
    const x = a.l0, y = b.l0;
    if (q) setU64(q, x / y);
    if (r) setU64(r, x % y);
    return;
  }
  copy(WIDE_LO, a);
  setZero(WIDE_HI);
  divWide(q ? q : DIV_TMP, null, r, b);
}

const DIV_TMP = staticU256();
