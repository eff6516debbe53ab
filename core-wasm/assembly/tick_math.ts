// TickMath: sqrt(1.0001^tick) * 2^96 and its inverse, bit-exact with the
// contract's definition. getSqrtRatioAtTick multiplies a Q128.128 constant
// 2^128/sqrt(1.0001)^(2^i) for each set bit i of |tick| (the running ratio
// stays below 2^128, so two limbs suffice), inverts for positive ticks and
// rounds up to Q64.96. getTickAtSqrtRatio takes a base-2 log by repeated
// squaring (14 fraction bits), scales it to base sqrt(1.0001) and chooses
// between the two candidate ticks the log's error bound leaves.
import {
  add,
  bitLength,
  cmp,
  copy,
  divWide,
  mulWide,
  setLimbs,
  setZero,
  shl,
  shr,
  staticU256,
  sub,
  U256,
  WIDE_HI,
  WIDE_LO,
  toF64,
  mul2x2,
  mul2x2R2,
  mul2x2R3,
  mul2x2R1,
} from "./u256";
import { E_R, E_T, fail } from "./status";

export const MIN_TICK: i32 = -887272;
export const MAX_TICK: i32 = 887272;

/** MIN_SQRT_RATIO = 4295128739 */
export const MIN_SQRT_RATIO = staticU256();
/** MAX_SQRT_RATIO = 1461446703485210103287273052203988822378723970342 */
export const MAX_SQRT_RATIO = staticU256();
setLimbs(MIN_SQRT_RATIO, 4295128739, 0, 0, 0);
setLimbs(MAX_SQRT_RATIO, 0x5d951d5263988d26, 0xefd1fc6a50648849, 0x00000000fffd8963, 0);

// (lo, hi) limbs of the multiplier for bit i of |tick|.
const K: StaticArray<u64> = [
  0xaa2d162d1a594001, 0xfffcb933bd6fad37, // bit 0
  0x59a46990580e213a, 0xfff97272373d4132, // bit 1
  0xef12357cf3c7fdcc, 0xfff2e50f5f656932, // bit 2
  0x1c3624eaa0941cd0, 0xffe5caca7e10e4e6, // bit 3
  0xc9db58835c926644, 0xffcb9843d60f6159, // bit 4
  0x472e6896dfb254c0, 0xff973b41fa98c081, // bit 5
  0x43ec78b326b52861, 0xff2ea16466c96a38, // bit 6
  0x11c461f1969c3053, 0xfe5dee046a99a2a8, // bit 7
  0xdcffc83b479aa3a4, 0xfcbe86c7900a88ae, // bit 8
  0x6f2b074cf7815e54, 0xf987a7253ac41317, // bit 9
  0x940c7a398e4b70f3, 0xf3392b0822b70005, // bit 10
  0x43b29c7fa6e889d9, 0xe7159475a2c29b74, // bit 11
  0x845ad8f792aa5825, 0xd097f3bdfd2022b8, // bit 12
  0x8a65dc1f90e061e5, 0xa9f746462d870fdf, // bit 13
  0x90bb3df62baf32f7, 0x70d869a156d2a1b8, // bit 14
  0x81231505542fcfa6, 0x31be135f97d08fd9, // bit 15
  0xc677de54f3e99bc9, 0x09aa508b5b7a84e1, // bit 16
  0x6699c329225ee604, 0x005d6af8dedb8119, // bit 17
  0x1ea926041bedfe98, 0x00002216e584f5fa, // bit 18
  0x91f7dc42444e8fa2, 0x00000000048a1703, // bit 19
];

const RATIO = staticU256();
const Q = staticU256();

// (hi:lo * kHi:kLo) >> 128, the top two limbs of the 256-bit product.
let mulShiftHi: u64 = 0;
// @ts-ignore: decorator
@inline
function mulShift128(lo: u64, hi: u64, kLo: u64, kHi: u64): u64 {
  mul2x2(lo, hi, kLo, kHi);
  mulShiftHi = mul2x2R3;
  return mul2x2R2;
}

// The contract multiplies the constants of the set bits from bit 0 upward,
// truncating after each product, so the running ratio after bits 0..15
// depends only on those 16 bits. LOW_TABLE[x] holds exactly that ratio for
// every x < 2^16 (as lo, hi limbs; x = 0 stands for 2^128), built once with
// the same truncating products: LOW_TABLE[x] = LOW_TABLE[x - top] * K[top].
const LOW_BITS: i32 = 16;
const LOW_SIZE: i32 = 1 << LOW_BITS;
const LOW_TABLE = new StaticArray<u64>(LOW_SIZE * 2);
let lowTableReady = false;

function buildLowTable(): void {
  for (let x = 1; x < LOW_SIZE; x++) {
    const top = 31 - <i32>clz<u32>(<u32>x);
    const rest = x ^ (1 << top);
    const kLo = unchecked(K[top * 2]);
    const kHi = unchecked(K[top * 2 + 1]);
    if (rest == 0) {
      unchecked((LOW_TABLE[x * 2] = kLo));
      unchecked((LOW_TABLE[x * 2 + 1] = kHi));
    } else {
      const lo = mulShift128(unchecked(LOW_TABLE[rest * 2]), unchecked(LOW_TABLE[rest * 2 + 1]), kLo, kHi);
      unchecked((LOW_TABLE[x * 2] = lo));
      unchecked((LOW_TABLE[x * 2 + 1] = mulShiftHi));
    }
  }
  lowTableReady = true;
}

/**
 * o = getSqrtRatioAtTick(tick) (fails E_T outside [MIN_TICK, MAX_TICK]).
 */
export function getSqrtRatioAtTick(o: U256, tick: i32): void {
  if (tick < MIN_TICK || tick > MAX_TICK) {
    fail(E_T);
    setZero(o);
    return;
  }
  if (!lowTableReady) buildLowTable();
  const absTick: u32 = <u32>(tick < 0 ? -tick : tick);
  const low = absTick & <u32>(LOW_SIZE - 1);
  // ratio as (hi, lo) below 2^128, or exactly 2^128 while `one` is set.
  let one = low == 0;
  let lo: u64 = unchecked(LOW_TABLE[low * 2]);
  let hi: u64 = unchecked(LOW_TABLE[low * 2 + 1]);
  for (let i = LOW_BITS; i < 20; i++) {
    if ((absTick & (<u32>1 << <u32>i)) == 0) continue;
    const kLo = unchecked(K[i * 2]);
    const kHi = unchecked(K[i * 2 + 1]);
    if (one) {
      lo = kLo;
      hi = kHi;
      one = false;
      continue;
    }
    lo = mulShift128(lo, hi, kLo, kHi);
    hi = mulShiftHi;
  }
  if (tick > 0) {
    if (one) {
      // type(uint256).max / 2^128 = 2^128 - 1
      setLimbs(RATIO, 0xffffffffffffffff, 0xffffffffffffffff, 0, 0);
    } else {
      setLimbs(WIDE_LO, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff);
      setZero(WIDE_HI);
      setLimbs(Q, lo, hi, 0, 0);
      divWide(RATIO, null, Q);
    }
  } else if (one) {
    setLimbs(RATIO, 0, 0, 1, 0);
  } else {
    setLimbs(RATIO, lo, hi, 0, 0);
  }
  // round up from Q128.128 to Q64.96
  const roundUp: u64 = (RATIO.l0 & 0xffffffff) != 0 ? 1 : 0;
  const r0 = (RATIO.l0 >> 32) | (RATIO.l1 << 32);
  const r1 = (RATIO.l1 >> 32) | (RATIO.l2 << 32);
  const r2 = (RATIO.l2 >> 32) | (RATIO.l3 << 32);
  // + roundUp (never carries past 160 bits for valid ticks)
  const s0 = r0 + roundUp;
  const c0: u64 = s0 < r0 ? 1 : 0;
  const s1 = r1 + c0;
  const c1: u64 = c0 && s1 == 0 ? 1 : 0;
  setLimbs(o, s0, s1, r2 + c1, 0);
}

// log_2 -> log_sqrt(1.0001) scaling and the error-bound offsets (Q128.128).
const LOG_SQRT10001 = staticU256(); // 255738958999603826347141
const TICK_LOW_OFFSET = staticU256(); // 3402992956809132418596140100660247210
const TICK_HI_OFFSET = staticU256(); // 291339464771989622907027621153398088495
setLimbs(LOG_SQRT10001, 0xa301d71055774c85, 0x0000000000003627, 0, 0);
setLimbs(TICK_LOW_OFFSET, 0x5af012a19d003aaa, 0x028f6481ab7f045a, 0, 0);
setLimbs(TICK_HI_OFFSET, 0x455e260799a0632f, 0xdb2df09e81959a81, 0, 0);

const LOG2 = staticU256();
const T1 = staticU256();
const T2 = staticU256();
const CHECK = staticU256();

// 1 / ln(sqrt(1.0001)) and ln(2^96)
const INV_LN_SQRT_10001: f64 = 1.0 / (0.5 * Math.log(1.0001));
const LN_Q96: f64 = 96.0 * Math.LN2;
// Guard band, in ticks, around integer boundaries where the float estimate is
// not trusted. The estimate's error is below 1e-9 ticks (f64 rounding of the
// price and the log) plus 5e-6 ticks (the contract's sqrt ratios differ from
// the real sqrt(1.0001^t) * 2^96 by less than one Q96 unit, i.e. a relative
// 2^-32 at the lowest price), so 1e-3 leaves a 200x margin.
const GUARD: f64 = 1e-3;

/**
 * getTickAtSqrtRatio (fails E_R unless MIN_SQRT_RATIO <= p < MAX_SQRT_RATIO):
 * the greatest tick t with getSqrtRatioAtTick(t) <= p. A float estimate of
 * log_sqrt(1.0001)(p / 2^96) decides the tick when it is farther than GUARD
 * from an integer; otherwise the contract's exact bit-by-bit log decides.
 */
export function getTickAtSqrtRatio(sqrtPriceX96: U256): i32 {
  if (cmp(sqrtPriceX96, MIN_SQRT_RATIO) < 0 || cmp(sqrtPriceX96, MAX_SQRT_RATIO) >= 0) {
    fail(E_R);
    return 0;
  }
  const p = toF64(sqrtPriceX96);
  const x = (Math.log(p) - LN_Q96) * INV_LN_SQRT_10001;
  const k = Math.floor(x);
  const frac = x - k;
  if (frac > GUARD && frac < 1.0 - GUARD) return <i32>k;
  return getTickAtSqrtRatioExact(sqrtPriceX96);
}

/** The contract's own algorithm (base-2 log by repeated squaring); input already range-checked. */
export function getTickAtSqrtRatioExact(sqrtPriceX96: U256): i32 {
  // ratio = sqrtPriceX96 << 32 (a Q128.128 number below 2^192)
  shl(T1, sqrtPriceX96, 32);
  const msb = bitLength(T1) - 1;
  if (msb >= 128) shr(T1, T1, msb - 127);
  else shl(T1, T1, 127 - msb);
  // r in [2^127, 2^128): two limbs
  let rLo = T1.l0;
  let rHi = T1.l1;
  // log_2 as a signed Q64.64: integer part msb - 128, 14 fraction bits below.
  let frac: u64 = 0;
  for (let bit = 63; bit >= 50; bit--) {
    // r*r (256 bits) >> 127, then f = top bit, r >>= f
    mul2x2(rLo, rHi, rLo, rHi);
    const x1 = mul2x2R1;
    const x2 = mul2x2R2;
    const x3 = mul2x2R3;
    const f = x3 >> 63;
    frac |= f << <u64>bit;
    // r = product >> (127 + f): take bits [127+f, 255+f)
    if (f) {
      rLo = x2;
      rHi = x3;
    } else {
      rLo = (x1 >> 63) | (x2 << 1);
      rHi = (x2 >> 63) | (x3 << 1);
    }
  }
  // log_2 as a two's complement 256-bit value: ((msb - 128) << 64) | frac
  const intPart: i64 = <i64>(msb - 128);
  const ext: u64 = intPart < 0 ? 0xffffffffffffffff : 0;
  setLimbs(LOG2, frac, <u64>intPart, ext, ext);
  // log_sqrt10001 = log_2 * 255738958999603826347141 (mod 2^256, signed)
  mulWide(WIDE_LO, WIDE_HI, LOG2, LOG_SQRT10001);
  copy(T2, WIDE_LO);
  // tickLow = (log_sqrt10001 - offsetLow) >> 128 ; tickHi = (... + offsetHi) >> 128
  sub(T1, T2, TICK_LOW_OFFSET);
  const tickLow = <i32>(<i64>T1.l2);
  add(T1, T2, TICK_HI_OFFSET);
  const tickHi = <i32>(<i64>T1.l2);
  if (tickLow == tickHi) return tickLow;
  getSqrtRatioAtTick(CHECK, tickHi);
  return cmp(CHECK, sqrtPriceX96) <= 0 ? tickHi : tickLow;
}
