// Swap-level replay kernel: runs a packed run of market events (swaps and
// arbitrage checks) through an exact pool in one call, keeping the swap-level
// backtest's per-event bookkeeping (clock integrals, fee flow, LVR mark-out,
// liquidity share, the volatility grid) in f64 next to the exact state, and
// stopping as soon as anything needs the host: an event it does not handle
// (mint, burn, an amount wider than 128 bits), a time at or past `tStop`
// (the host's next sample or retry time), a full volatility buffer, or a
// strategy input leaving the quiet region in which the edge-triggered
// strategy would hold without changing state.
//
// The host (services/defi/backtest/swap_engine.ts) owns every decision; this
// loop only replays what the host would have computed event by event, with
// the same formulas in the same order. The exact pool state is the same as
// event-by-event replay; f64 analytics can differ in the last bits (wasm and
// V8 transcendental functions are not bit-identical).
import { atLeast } from "./buffers";
import { copy, isZero, setLimbs, setZero, staticU256, toF64, U256 } from "./u256";
import { MAX_SQRT_RATIO, MIN_SQRT_RATIO } from "./tick_math";
import { Pool, S_OFFSETS, swap, SWAP_AMOUNT0, SWAP_AMOUNT1 } from "./pool";
import { resetStatus, status } from "./status";

// ---- event records (EVENT_BYTES each) ----
// f64 t | i32 kind | i32 flags | i32 recordedTick | i32 pad |
// u64 amount lo | u64 amount hi (or f64 fair price) | u64 limit l0 | l1 | l2
export const EVENT_BYTES: i32 = 64;
export const K_SWAP: i32 = 0;
export const K_ARB: i32 = 1;
export const K_HOST: i32 = 2; // anything the host must handle itself
export const F_ZERO_FOR_ONE: i32 = 1;
export const F_LIMIT: i32 = 2;
export const F_RECORDED_TICK: i32 = 4;

let events = new StaticArray<u8>(64 * 1024);

/** Address of an event buffer with room for `bytes` (contents not kept). */
export function replayEvents(bytes: i32): usize {
  events = atLeast(events, bytes);
  return changetype<usize>(events);
}

// ---- context: f64 slots shared with the host ----
export const CTX_SLOTS: i32 = 96;
const CTX: usize = memory.data(CTX_SLOTS * 8, 16);

/** Address of the context block (CTX_SLOTS f64). */
export function replayCtx(): usize {
  return CTX;
}

// inputs (host -> kernel)
const C_T_STOP = 0;
const C_TARGET = 7;
const C_MAIN_LO = 8; // NaN when there is no main range
const C_MAIN_HI = 9;
const C_UNIT0 = 10;
const C_UNIT1 = 11;
const C_BASE = 12; // base token, 0 or 1
const C_EXP_DEC = 13; // exp((decimals0 - decimals1) * ln 10)
const C_DEC_SHIFT = 14;
const C_FEE = 15; // pips
const C_ARB_EDGE = 16;
const C_WALLET0 = 17; // wallet, human units
const C_WALLET1 = 18;
const C_TAU = 26;
const C_VOL_SAMPLE = 32;
// strategy quiet region
const C_QUIET = 33; // 1 when the host allows fast-forwarding decisions
const C_ARMED = 34;
const C_THRESHOLD = 35;
const C_REARM = 36;
const C_ESCALATE = 37;
const C_LAST_RATIO = 38; // NaN: none yet
const C_BOUND = 39; // |100 (ratio - target)| bound, Infinity when none
const C_WAS_IN_RANGE = 40;
const C_N_POS = 41;
const C_POS = 42; // 4 positions x (lf, sa, sb, lower, upper)
const MAX_POS = 4;
// state (in and out)
const C_T = 1;
const C_TIME_TOTAL = 2;
const C_TIME_IN_RANGE = 3;
const C_DEV_INTEGRAL = 4;
const C_DEV_MAX = 5;
const C_LAST_BASE_RATIO = 6;
const C_POS_F0 = 19;
const C_POS_F1 = 20;
const C_LVR = 21;
const C_POOL_FEES = 22;
const C_POOL_VOLUME = 23;
const C_FEE_FLOW = 24;
const C_FEE_FLOW_T = 25;
const C_SHARE = 27;
const C_VOL_NEXT_T = 28;
const C_VOL_LAST_T = 29;
const C_VOL_LAST_LN = 30;
const C_VOL_PENDING_LN = 31;
// outputs (kernel -> host)
const C_SWAPS = 64;
const C_ARBS = 65;
const C_REJECTED = 66;
const C_TICK_DRIFT = 67;
const C_VOL_COUNT = 68;
const C_STOP = 69; // why the run stopped (STOP_*)
const C_DECIDE = 70; // 1: the last consumed event still needs the host's decide()
const C_SQRT_F = 71; // sqrt price (raw), f64
const C_PRICE = 72; // base price in quote units
const C_LN_TICK = 73; // ln(1.0001), from the host so both sides use the same bits
const C_RETRY = 74; // 0 none, 1 out-of-range, 2 deviation
const C_RETRY_AT = 75;
const C_PENDING = 76; // 1: a trigger waits for the minimum interval
const C_LAST_T = 77; // last rebalance time
const C_MIN_INTERVAL = 78;
const C_DEFERRED = 79; // out: decisions deferred (pending inside the interval)

export const STOP_END: i32 = 0;
export const STOP_TIME: i32 = 1;
export const STOP_HOST_EVENT: i32 = 2;
export const STOP_DECIDE: i32 = 3;
export const STOP_VOL_FULL: i32 = 4;
export const STOP_FAILED: i32 = 5;

// volatility grid returns: (r^2, dt) pairs for the host's estimator
export const VOL_CAP: i32 = 1024;
const VOL: usize = memory.data(VOL_CAP * 16, 16);

/** Address of the volatility output buffer (VOL_CAP pairs of f64). */
export function replayVol(): usize {
  return VOL;
}

// @ts-ignore: decorator
@inline
function g(i: i32): f64 {
  return load<f64>(CTX + (<usize>i << 3));
}

// @ts-ignore: decorator
@inline
function s(i: i32, v: f64): void {
  store<f64>(CTX + (<usize>i << 3), v);
}

const TWO64: f64 = 18446744073709551616.0;
const TWO96: f64 = 79228162514264337593543950336.0;

const AMOUNT = staticU256();
const LIMIT = staticU256();
const HUGE = staticU256();
setLimbs(HUGE, 0, 0, 0, 0x100); // 2^200: "unlimited" exact input bounded by the price limit

/**
 * floor(x * 2^96) as a u256 clamped inside (MIN_SQRT_RATIO, MAX_SQRT_RATIO),
 * as the host's toX96 does with BigInt(Math.floor(x * 2 ** 96)).
 */
function toX96(o: U256, x: f64): void {
  const v = Math.floor(x * TWO96);
  setZero(o);
  if (v >= 1.0) {
    if (v < TWO64) o.l0 = <u64>v;
    else {
      // v is an integer >= 2^64: mantissa << (exponent - 52), exact
      const bits = reinterpret<u64>(v);
      const e = <i32>((bits >> 52) & 0x7ff) - 1075;
      const m = (bits & 0xfffffffffffff) | 0x10000000000000;
      const w = e >> 6;
      const b = <u64>(e & 63);
      if (w < 4) {
        store<u64>(changetype<usize>(o) + (<usize>w << 3), m << b);
        if (b != 0 && w + 1 < 4) store<u64>(changetype<usize>(o) + (<usize>(w + 1) << 3), m >> (64 - b));
      } else {
        copy(o, MAX_SQRT_RATIO);
      }
    }
  }
  // clamp: x <= MIN -> MIN + 1, x >= MAX -> MAX - 1
  if (lte(o, MIN_SQRT_RATIO)) {
    copy(o, MIN_SQRT_RATIO);
    o.l0 += 1;
  } else if (gte(o, MAX_SQRT_RATIO)) {
    copy(o, MAX_SQRT_RATIO);
    o.l0 -= 1; // MAX_SQRT_RATIO's low limb is nonzero
  }
}

function lte(a: U256, b: U256): bool {
  if (a.l3 != b.l3) return a.l3 < b.l3;
  if (a.l2 != b.l2) return a.l2 < b.l2;
  if (a.l1 != b.l1) return a.l1 < b.l1;
  return a.l0 <= b.l0;
}

function gte(a: U256, b: U256): bool {
  return lte(b, a);
}

/** Base price from a raw float sqrt price (the host's PriceScale.sqrtToPrice). */
// @ts-ignore: decorator
@inline
function sqrtToPrice(sqrtRaw: f64): f64 {
  const p0 = sqrtRaw * sqrtRaw * g(C_EXP_DEC);
  return g(C_BASE) == 0 ? p0 : 1.0 / p0;
}

/** Quote value of human amounts (the host's PriceScale.value). */
// @ts-ignore: decorator
@inline
function value(a0: f64, a1: f64, price: f64): f64 {
  return g(C_BASE) == 1 ? a0 + a1 * price : a0 * price + a1;
}

let deferred = 0;

/**
 * Whether the edge-triggered strategy (services/defi/strategy.ts decide)
 * holds at `ratio` at time `t` without changing state other than its
 * deferral counter (counted here).
 */
function quiet(ratio: f64, inRange: bool, t: f64): bool {
  if (g(C_QUIET) != 1) return false;
  // edges: any of them raises or re-arms
  if (inRange != (g(C_WAS_IN_RANGE) == 1)) return false;
  const dev = ratio - g(C_TARGET);
  const ad = Math.abs(dev);
  const thr = g(C_THRESHOLD);
  if (g(C_ARMED) == 1) {
    if (ad >= thr) return false;
  } else if (ad < thr * g(C_REARM)) return false;
  if (ad >= g(C_ESCALATE)) return false;
  if (Math.abs(ratio - g(C_LAST_RATIO)) >= thr) return false; // false when NaN
  if (Math.abs(100 * dev) >= g(C_BOUND)) return false;
  // a declined trigger waiting to retry: clears or fires
  const retry = g(C_RETRY);
  const pending = g(C_PENDING) == 1;
  if (retry != 0) {
    const still = retry == 1 ? !inRange : ad >= thr;
    if (!still) return false;
    if (t >= g(C_RETRY_AT) && !pending) return false;
  }
  if (!pending) return true;
  // a pending trigger inside the minimum interval is deferred
  if (t - g(C_LAST_T) < g(C_MIN_INTERVAL)) {
    deferred++;
    return true;
  }
  return false;
}

/**
 * Replays events [start, end) of the event buffer on `pool`. Returns the
 * index of the first event not consumed; C_STOP says why it stopped and
 * C_DECIDE whether the last consumed event still needs the host's decision
 * step.
 */
export function replayRun(pool: Pool, start: i32, end: i32): i32 {
  const base = changetype<usize>(events);
  s(C_DECIDE, 0);
  deferred = 0;
  let stop = STOP_END;
  let done = start;
  let swaps = 0;
  let arbs = 0;
  let rejected = 0;
  let drift = 0;
  let volCount = 0;
  const fee = g(C_FEE);
  const feeFrac = fee / 1e6;
  const tStop = g(C_T_STOP);
  const mainLo = g(C_MAIN_LO);
  const mainHi = g(C_MAIN_HI);
  const nPos = <i32>g(C_N_POS);
  const sqrtP = pool.s(S_OFFSETS[0]);
  const liq = pool.s(S_OFFSETS[1]);
  let sqrtF = toF64(sqrtP) / TWO96;
  let price = sqrtToPrice(sqrtF);
  for (; done < end; done++) {
    const ev = base + <usize>(done * EVENT_BYTES);
    const t = load<f64>(ev);
    const kind = load<i32>(ev, 8);
    if (kind == K_HOST) {
      stop = STOP_HOST_EVENT;
      break;
    }
    if (t >= tStop) {
      stop = STOP_TIME;
      break;
    }
    if (volCount >= VOL_CAP - 1) {
      stop = STOP_VOL_FULL;
      break;
    }
    // advance(t): clock integrals with the state before this event
    const T = g(C_T);
    if (t > T) {
      const dt = t - T;
      s(C_TIME_TOTAL, g(C_TIME_TOTAL) + dt);
      const tick0 = <f64>pool.tick;
      if (tick0 >= mainLo && tick0 < mainHi) s(C_TIME_IN_RANGE, g(C_TIME_IN_RANGE) + dt);
      const dev = Math.abs(g(C_LAST_BASE_RATIO) - g(C_TARGET));
      if (isFinite(dev)) {
        s(C_DEV_INTEGRAL, g(C_DEV_INTEGRAL) + dev * dt);
        if (dev > g(C_DEV_MAX)) s(C_DEV_MAX, dev);
      }
      s(C_T, t);
    }
    // the event: a market swap or an arbitrage check
    const flags = load<i32>(ev, 12);
    let zeroForOne = (flags & F_ZERO_FOR_ONE) != 0;
    let doSwap = false;
    if (kind == K_SWAP) {
      setLimbs(AMOUNT, load<u64>(ev, 24), load<u64>(ev, 32), 0, 0);
      if (!isZero(AMOUNT)) {
        if (flags & F_LIMIT) setLimbs(LIMIT, load<u64>(ev, 40), load<u64>(ev, 48), load<u64>(ev, 56), 0);
        else if (zeroForOne) {
          copy(LIMIT, MIN_SQRT_RATIO);
          LIMIT.l0 += 1;
        } else {
          copy(LIMIT, MAX_SQRT_RATIO);
          LIMIT.l0 -= 1;
        }
        if (zeroForOne ? gte(LIMIT, sqrtP) : lte(LIMIT, sqrtP)) rejected++;
        else doSwap = true;
      }
    } else {
      // arbSwap: push the pool to the fair price's fee band when it is
      // minEdge beyond it
      const fair = load<f64>(ev, 32);
      const lnTick = g(C_LN_TICK);
      const tickF = ((g(C_BASE) == 0 ? 1.0 : -1.0) * Math.log(fair) - g(C_DEC_SHIFT)) / lnTick;
      const fairSqrt = Math.exp((tickF * lnTick) / 2);
      const lo = fairSqrt * Math.sqrt(1 - feeFrac);
      const hi = fairSqrt / Math.sqrt(1 - feeFrac);
      const e = 1 + g(C_ARB_EDGE) / 2;
      if (sqrtF < lo / e) {
        zeroForOne = false;
        toX96(LIMIT, lo);
        doSwap = true;
      } else if (sqrtF > hi * e) {
        zeroForOne = true;
        toX96(LIMIT, hi);
        doSwap = true;
      }
      copy(AMOUNT, HUGE);
    }
    if (doSwap) {
      resetStatus();
      swap(pool, zeroForOne, AMOUNT, LIMIT);
      if (status) {
        // the host replays this event itself and reports the failure
        stop = STOP_FAILED;
        break;
      }
      if (kind == K_SWAP) {
        swaps++;
        if ((flags & F_RECORDED_TICK) != 0 && load<i32>(ev, 16) != pool.tick) drift++;
      } else arbs++;
      sqrtF = toF64(sqrtP) / TWO96;
      price = sqrtToPrice(sqrtF);
      // fee flow on the pool's input volume
      const a0 = SWAP_AMOUNT0;
      const a1 = SWAP_AMOUNT1;
      const in0 = <i64>a0.l3 >= 0 ? toF64(a0) / g(C_UNIT0) : 0;
      const in1 = <i64>a1.l3 >= 0 ? toF64(a1) / g(C_UNIT1) : 0;
      const vol = value(in0, in1, price);
      const feeQuote = (vol * fee) / 1e6;
      s(C_POOL_FEES, g(C_POOL_FEES) + feeQuote);
      s(C_POOL_VOLUME, g(C_POOL_VOLUME) + vol);
      const tau = g(C_TAU);
      const dtf = Math.max(0, t - g(C_FEE_FLOW_T));
      s(C_FEE_FLOW, g(C_FEE_FLOW) * Math.exp(-dtf / tau) + feeQuote / tau);
      s(C_FEE_FLOW_T, t);
      // LVR: mark-out of our positions' trade at the post-trade price
      let p0: f64 = 0;
      let p1: f64 = 0;
      let activeL: f64 = 0;
      const tick = pool.tick;
      for (let k = 0; k < nPos; k++) {
        const o = C_POS + k * 5;
        const lf = g(o);
        const sa = g(o + 1);
        const sb = g(o + 2);
        if (sqrtF <= sa) p0 += (lf * (sb - sa)) / (sa * sb);
        else if (sqrtF >= sb) p1 += lf * (sb - sa);
        else {
          p0 += (lf * (sb - sqrtF)) / (sqrtF * sb);
          p1 += lf * (sqrtF - sa);
        }
        if (<f64>tick >= g(o + 3) && <f64>tick < g(o + 4)) activeL += lf;
      }
      p0 /= g(C_UNIT0);
      p1 /= g(C_UNIT1);
      s(C_LVR, g(C_LVR) - value(p0 - g(C_POS_F0), p1 - g(C_POS_F1), price));
      s(C_POS_F0, p0);
      s(C_POS_F1, p1);
      if (<f64>tick >= mainLo && <f64>tick < mainHi && !isZero(liq)) {
        const share = activeL / toF64(liq);
        if (share > 0 && isFinite(share)) s(C_SHARE, share);
      }
      // the volatility grid: the last price before a grid point closes a sample
      if (price > 0) {
        const ln = Math.log(price);
        const nextT = g(C_VOL_NEXT_T);
        if (t >= nextT) {
          const step = g(C_VOL_SAMPLE);
          const lastT = g(C_VOL_LAST_T);
          const steps = Math.max(1, Math.floor((t - lastT) / step));
          const r = g(C_VOL_PENDING_LN) - g(C_VOL_LAST_LN);
          store<f64>(VOL + (<usize>volCount << 4), r * r);
          store<f64>(VOL + (<usize>volCount << 4) + 8, steps * step);
          volCount++;
          s(C_VOL_LAST_LN, g(C_VOL_PENDING_LN));
          s(C_VOL_LAST_T, lastT + steps * step);
          s(C_VOL_NEXT_T, lastT + steps * step + step);
        }
        s(C_VOL_PENDING_LN, ln);
      }
    }
    // decide(): the base ratio of everything we hold at this price
    const h0 = g(C_WALLET0) + g(C_POS_F0);
    const h1 = g(C_WALLET1) + g(C_POS_F1);
    const v = value(h0, h1, price);
    let ratio: f64 = 0.5;
    if (v > 0) ratio = (g(C_BASE) == 1 ? h1 * price : h0 * price) / v;
    s(C_LAST_BASE_RATIO, ratio);
    const t1 = <f64>pool.tick;
    if (!quiet(ratio, t1 >= mainLo && t1 < mainHi, g(C_T))) {
      done++;
      s(C_DECIDE, 1);
      stop = STOP_DECIDE;
      break;
    }
  }
  s(C_SWAPS, <f64>swaps);
  s(C_ARBS, <f64>arbs);
  s(C_REJECTED, <f64>rejected);
  s(C_TICK_DRIFT, <f64>drift);
  s(C_VOL_COUNT, <f64>volCount);
  s(C_DEFERRED, <f64>deferred);
  s(C_STOP, <f64>stop);
  s(C_SQRT_F, sqrtF);
  s(C_PRICE, price);
  return done;
}
