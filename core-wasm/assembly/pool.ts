// A Uniswap V3 pool state machine with the contract's semantics: initialized
// ticks (liquidityGross, liquidityNet, fee growth outside), positions with
// fee growth inside and tokensOwed, swaps across any number of ticks in one
// call (stepping at tick-bitmap word boundaries exactly as
// nextInitializedTickWithinOneWord does, since every step rounds), fee
// growth global and the protocol fee. Token balances are not modelled: the
// returned amounts are what the contract would pull or pay.
//
// Storage: initialized ticks in a sorted i32 array with a parallel u64 array
// (16 limbs per tick); positions in a Map from a packed key to a slot in a
// u64 array (20 limbs per position). Nothing allocates during a swap.
import {
  add,
  addU64,
  cmp,
  copy,
  eq,
  fitsBits,
  isNeg,
  isZero,
  neg,
  setLimbs,
  setZero,
  staticU256,
  sub,
  U256,
} from "./u256";
import { mulDiv, mulDivQ128 } from "./full_math";
import { getSqrtRatioAtTick, getTickAtSqrtRatio, MAX_SQRT_RATIO, MAX_TICK, MIN_SQRT_RATIO, MIN_TICK } from "./tick_math";
import { getAmount0DeltaSigned, getAmount1DeltaSigned } from "./sqrt_price_math";
import {
  computeSwapStep,
  STEP_AMOUNT_IN,
  STEP_AMOUNT_OUT,
  STEP_FEE,
  STEP_SQRT_NEXT,
} from "./swap_math";
import { addDelta } from "./liquidity_math";
import { compress, tickSpacingToMaxLiquidityPerTick } from "./tick";
import {
  E_AI,
  E_AS,
  E_FEE_PROTOCOL,
  E_LO,
  E_LOK,
  E_LS,
  E_NP,
  E_OVERFLOW,
  E_SPL,
  E_TICK_SPACING,
  E_TLM,
  E_TLU,
  E_TUM,
  E_ZERO_AMOUNT,
  fail,
  status,
} from "./status";

// limb offsets inside a tick record
const T_GROSS = 0;
const T_NET = 4;
const T_FGO0 = 8;
const T_FGO1 = 12;
const T_SQRT = 16; // getSqrtRatioAtTick(tick), cached when the tick is inserted
const TICK_LIMBS = 20;
const TICK_BYTES: usize = <usize>TICK_LIMBS << 3;
// limb offsets inside a position record
const P_LIQ = 0;
const P_FGI0 = 4;
const P_FGI1 = 8;
const P_OWED0 = 12;
const P_OWED1 = 16;
const POS_LIMBS = 20;
// limb offsets inside the pool's own state record
const S_SQRT = 0;
const S_LIQ = 4;
const S_FG0 = 8;
const S_FG1 = 12;
const S_PF0 = 16;
const S_PF1 = 20;
const S_MAXLIQ = 24;
// sqrt ratios of the last word boundaries swaps stepped to, one per direction
const S_CACHE_DOWN = 28;
const S_CACHE_UP = 32;
const STATE_LIMBS = 36;

const KEY_OFFSET: i64 = 887272;

/** Packs (owner id < 2^22, tickLower, tickUpper) into one map key. */
// @ts-ignore: decorator
@inline
function positionKey(owner: u32, tickLower: i32, tickUpper: i32): u64 {
  return (
    (<u64>owner << 42) |
    (<u64>(<i64>tickLower + KEY_OFFSET) << 21) |
    <u64>(<i64>tickUpper + KEY_OFFSET)
  );
}

export class Pool {
  fee: u32;
  tickSpacing: i32;
  tick: i32 = 0;
  feeProtocol: u32 = 0;
  initialized: bool = false;
  cacheTickDown: i32 = i32.MIN_VALUE;
  cacheTickUp: i32 = i32.MIN_VALUE;
  state: StaticArray<u64> = new StaticArray<u64>(STATE_LIMBS);
  tickIdx: Array<i32> = new Array<i32>();
  tickData: Array<u64> = new Array<u64>();
  posIndex: Map<u64, i32> = new Map<u64, i32>();
  posKeys: Array<u64> = new Array<u64>();
  posData: Array<u64> = new Array<u64>();

  constructor(fee: u32, tickSpacing: i32) {
    this.fee = fee;
    this.tickSpacing = tickSpacing;
    tickSpacingToMaxLiquidityPerTick(this.s(S_MAXLIQ), tickSpacing);
  }

  /** A U256 view into the pool's state record. */
  // @ts-ignore: decorator
  @inline
  s(off: i32): U256 {
    return changetype<U256>(changetype<usize>(this.state) + (<usize>off << 3));
  }

  /** A U256 view into tick record i. Invalidated by tick insertion/removal. */
  // @ts-ignore: decorator
  @inline
  t(i: i32, off: i32): U256 {
    return changetype<U256>(this.tickData.dataStart + (<usize>(i * TICK_LIMBS + off) << 3));
  }

  /** A U256 view into position slot i. Invalidated by position insertion. */
  // @ts-ignore: decorator
  @inline
  p(i: i32, off: i32): U256 {
    return changetype<U256>(this.posData.dataStart + (<usize>(i * POS_LIMBS + off) << 3));
  }

  /** Index of the first initialized tick >= tick (tickIdx.length if none). */
  lowerBound(tick: i32): i32 {
    const idx = this.tickIdx;
    let lo = 0;
    let hi = idx.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (unchecked(idx[mid]) < tick) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The last lowerBoundNear result: swaps step through neighbouring ticks. */
  searchHint: i32 = 0;

  /**
   * lowerBound(tick), trying the last result and its neighbours before a
   * binary search (a swap's next lookup is almost always one of them).
   */
  lowerBoundNear(tick: i32): i32 {
    const idx = this.tickIdx;
    const n = idx.length;
    const h = this.searchHint;
    for (let k = h - 1; k <= h + 1; k++) {
      if (k < 0 || k > n) continue;
      if ((k == 0 || unchecked(idx[k - 1]) < tick) && (k == n || unchecked(idx[k]) >= tick)) {
        this.searchHint = k;
        return k;
      }
    }
    const r = this.lowerBound(tick);
    this.searchHint = r;
    return r;
  }

  /** Index of tick if initialized, else -1. */
  find(tick: i32): i32 {
    const i = this.lowerBound(tick);
    return i < this.tickIdx.length && unchecked(this.tickIdx[i]) == tick ? i : -1;
  }

  /** Inserts a zeroed tick record at its sorted place; returns its index. */
  insertTick(tick: i32): i32 {
    const i = this.lowerBound(tick);
    const n = this.tickIdx.length;
    this.tickIdx.push(0);
    for (let j = 0; j < TICK_LIMBS; j++) this.tickData.push(0);
    if (i < n) {
      const idxBase = this.tickIdx.dataStart;
      memory.copy(idxBase + (<usize>(i + 1) << 2), idxBase + (<usize>i << 2), <usize>(n - i) << 2);
      const dBase = this.tickData.dataStart;
      const rec = <usize>TICK_LIMBS << 3;
      memory.copy(dBase + <usize>(i + 1) * rec, dBase + <usize>i * rec, <usize>(n - i) * rec);
    }
    unchecked((this.tickIdx[i] = tick));
    memory.fill(this.tickData.dataStart + <usize>i * TICK_BYTES, 0, TICK_BYTES);
    getSqrtRatioAtTick(this.t(i, T_SQRT), tick);
    return i;
  }

  removeTick(i: i32): void {
    const n = this.tickIdx.length;
    if (i < n - 1) {
      const idxBase = this.tickIdx.dataStart;
      memory.copy(idxBase + (<usize>i << 2), idxBase + (<usize>(i + 1) << 2), <usize>(n - i - 1) << 2);
      const dBase = this.tickData.dataStart;
      const rec = <usize>TICK_LIMBS << 3;
      memory.copy(dBase + <usize>i * rec, dBase + <usize>(i + 1) * rec, <usize>(n - i - 1) * rec);
    }
    this.tickIdx.length = n - 1;
    this.tickData.length = (n - 1) * TICK_LIMBS;
  }

  /** Slot of a position, created zeroed when `create`; -1 when absent. */
  positionSlot(owner: u32, tickLower: i32, tickUpper: i32, create: bool): i32 {
    const key = positionKey(owner, tickLower, tickUpper);
    if (this.posIndex.has(key)) return this.posIndex.get(key);
    if (!create) return -1;
    const slot = this.posKeys.length;
    this.posKeys.push(key);
    for (let j = 0; j < POS_LIMBS; j++) this.posData.push(0);
    this.posIndex.set(key, slot);
    return slot;
  }
}

// ---- swap ----

const REMAINING = staticU256();
const CALCULATED = staticU256();
const PRICE = staticU256();
const LIQ = staticU256();
const FG = staticU256();
const PROTO = staticU256();
const NEXT_PRICE = staticU256();
const TARGET = staticU256();
const TMP = staticU256();
const NET = staticU256();
const Q128 = staticU256();
setLimbs(Q128, 0, 0, 1, 0);
const U128_MASK_HI: u64 = 0;

/** Results of the last swap: pool-side amounts (int256). */
export const SWAP_AMOUNT0 = staticU256();
export const SWAP_AMOUNT1 = staticU256();
export let swapTicksCrossed: i32 = 0;

// Crossings made by the running swap, to undo them if it fails: per crossing
// the tick index and the two fee growth globals used (9 limbs).
const UNDO_LIMBS = 9;
let undoLog = new StaticArray<u64>(UNDO_LIMBS * 64);
let undoCount = 0;

function logCrossing(index: i32, g0: U256, g1: U256): void {
  if ((undoCount + 1) * UNDO_LIMBS > undoLog.length) {
    const bigger = new StaticArray<u64>(undoLog.length * 2);
    memory.copy(changetype<usize>(bigger), changetype<usize>(undoLog), <usize>undoCount * UNDO_LIMBS * 8);
    undoLog = bigger;
  }
  const base = changetype<usize>(undoLog) + (<usize>(undoCount * UNDO_LIMBS) << 3);
  store<u64>(base, <u64>index);
  copy(changetype<U256>(base + 8), g0);
  copy(changetype<U256>(base + 40), g1);
  undoCount++;
}

// result of nextInitializedTickWithinOneWord
let nextInitialized: bool = false;
let nextIndex: i32 = -1;

/**
 * The next tick a swap step stops at: the next initialized tick in the
 * direction of the swap, or the boundary of the current 256-tick bitmap word
 * when that word has none (same result as TickBitmap).
 */
function nextTickWithinOneWord(pool: Pool, tick: i32, lte: bool): i32 {
  const spacing = pool.tickSpacing;
  const c = compress(tick, spacing);
  const idx = pool.tickIdx;
  if (lte) {
    const bitPos = c & 255;
    const boundary = (c - bitPos) * spacing;
    // largest initialized t <= c*spacing
    const i = pool.lowerBoundNear(c * spacing + 1) - 1;
    if (i >= 0) {
      const t = unchecked(idx[i]);
      if (t >= boundary) {
        nextInitialized = true;
        nextIndex = i;
        return t;
      }
    }
    nextInitialized = false;
    nextIndex = -1;
    return boundary;
  } else {
    const c1 = c + 1;
    const bitPos = c1 & 255;
    const boundary = (c1 + 255 - bitPos) * spacing;
    const i = pool.lowerBoundNear(c1 * spacing);
    if (i < idx.length) {
      const t = unchecked(idx[i]);
      if (t <= boundary) {
        nextInitialized = true;
        nextIndex = i;
        return t;
      }
    }
    nextInitialized = false;
    nextIndex = -1;
    return boundary;
  }
}

/** fee growth outside := global - outside, for both tokens. */
function crossTick(pool: Pool, i: i32, g0: U256, g1: U256): void {
  const o0 = pool.t(i, T_FGO0);
  const o1 = pool.t(i, T_FGO1);
  sub(o0, g0, o0);
  sub(o1, g1, o1);
}

const G0 = staticU256();
const G1 = staticU256();

function undoCrossings(pool: Pool): void {
  for (let k = undoCount - 1; k >= 0; k--) {
    const base = changetype<usize>(undoLog) + (<usize>(k * UNDO_LIMBS) << 3);
    copy(G0, changetype<U256>(base + 8));
    copy(G1, changetype<U256>(base + 40));
    crossTick(pool, <i32>load<u64>(base), G0, G1);
  }
}

/**
 * UniswapV3Pool.swap. amountSpecified is int256 (> 0 exact input, < 0 exact
 * output). On success the amounts are in SWAP_AMOUNT0/1 and the pool state is
 * updated; on failure (status set) the pool is unchanged.
 */
export function swap(pool: Pool, zeroForOne: bool, amountSpecified: U256, sqrtPriceLimitX96: U256): void {
  swapTicksCrossed = 0;
  if (isZero(amountSpecified)) {
    fail(E_AS);
    return;
  }
  if (!pool.initialized) {
    fail(E_LOK);
    return;
  }
  // the limit is read in place: callers pass a slot the swap never writes
  const LIMIT = sqrtPriceLimitX96;
  const sqrtP = pool.s(S_SQRT);
  if (zeroForOne) {
    if (!(cmp(LIMIT, sqrtP) < 0 && cmp(LIMIT, MIN_SQRT_RATIO) > 0)) {
      fail(E_SPL);
      return;
    }
  } else if (!(cmp(LIMIT, sqrtP) > 0 && cmp(LIMIT, MAX_SQRT_RATIO) < 0)) {
    fail(E_SPL);
    return;
  }
  const feeProtocol: u64 = zeroForOne ? pool.feeProtocol & 15 : pool.feeProtocol >> 4;
  const exactInput = !isNeg(amountSpecified);
  const fee = pool.fee;
  const spacing = pool.tickSpacing;

  copy(REMAINING, amountSpecified);
  setZero(CALCULATED);
  copy(PRICE, sqrtP);
  let tick = pool.tick;
  copy(FG, zeroForOne ? pool.s(S_FG0) : pool.s(S_FG1));
  setZero(PROTO);
  copy(LIQ, pool.s(S_LIQ));
  undoCount = 0;
  let crossed = 0;

  while (!isZero(REMAINING) && !eq(PRICE, LIMIT)) {
    let tickNext = nextTickWithinOneWord(pool, tick, zeroForOne);
    const initialized = nextInitialized;
    const index = nextIndex;
    if (tickNext < MIN_TICK) tickNext = MIN_TICK;
    else if (tickNext > MAX_TICK) tickNext = MAX_TICK;
    if (initialized) copy(NEXT_PRICE, pool.t(index, T_SQRT));
    else if (zeroForOne && tickNext == pool.cacheTickDown) copy(NEXT_PRICE, pool.s(S_CACHE_DOWN));
    else if (!zeroForOne && tickNext == pool.cacheTickUp) copy(NEXT_PRICE, pool.s(S_CACHE_UP));
    else {
      // an uninitialized word boundary: remember it, the next swap in this
      // direction and word steps to the same boundary
      getSqrtRatioAtTick(NEXT_PRICE, tickNext);
      if (zeroForOne) {
        copy(pool.s(S_CACHE_DOWN), NEXT_PRICE);
        pool.cacheTickDown = tickNext;
      } else {
        copy(pool.s(S_CACHE_UP), NEXT_PRICE);
        pool.cacheTickUp = tickNext;
      }
    }
    const useLimit = zeroForOne ? cmp(NEXT_PRICE, LIMIT) < 0 : cmp(NEXT_PRICE, LIMIT) > 0;
    computeSwapStep(PRICE, useLimit ? LIMIT : NEXT_PRICE, LIQ, REMAINING, fee);
    if (status) break;
    const moved = !eq(PRICE, STEP_SQRT_NEXT);
    copy(PRICE, STEP_SQRT_NEXT);

    if (exactInput) {
      add(TMP, STEP_AMOUNT_IN, STEP_FEE);
      if (isNeg(TMP)) {
        fail(E_OVERFLOW);
        break;
      }
      sub(REMAINING, REMAINING, TMP);
      sub(CALCULATED, CALCULATED, STEP_AMOUNT_OUT);
    } else {
      if (isNeg(STEP_AMOUNT_OUT)) {
        fail(E_OVERFLOW);
        break;
      }
      add(REMAINING, REMAINING, STEP_AMOUNT_OUT);
      add(TMP, STEP_AMOUNT_IN, STEP_FEE);
      add(CALCULATED, CALCULATED, TMP);
    }

    if (feeProtocol > 0) {
      // delta = feeAmount / feeProtocol (feeAmount < 2^255 here)
      divSmall(TMP, STEP_FEE, feeProtocol);
      sub(STEP_FEE, STEP_FEE, TMP);
      add(PROTO, PROTO, TMP);
      PROTO.l2 = 0; // uint128 accumulator
      PROTO.l3 = 0;
    }

    if (!isZero(LIQ)) {
      mulDivQ128(TMP, STEP_FEE, LIQ);
      if (status) break;
      add(FG, FG, TMP);
    }

    if (eq(PRICE, NEXT_PRICE)) {
      if (initialized) {
        // cross: the input token's growth is the running one
        const g0 = zeroForOne ? FG : pool.s(S_FG0);
        const g1 = zeroForOne ? pool.s(S_FG1) : FG;
        logCrossing(index, g0, g1);
        crossTick(pool, index, g0, g1);
        copy(NET, pool.t(index, T_NET));
        if (zeroForOne) neg(NET, NET);
        addDelta(LIQ, LIQ, NET);
        crossed++;
        if (status) break;
      }
      tick = zeroForOne ? tickNext - 1 : tickNext;
    } else if (moved) {
      tick = getTickAtSqrtRatio(PRICE);
    }
  }

  if (status) {
    undoCrossings(pool);
    return;
  }

  copy(sqrtP, PRICE);
  pool.tick = tick;
  copy(pool.s(S_LIQ), LIQ);
  if (zeroForOne) {
    copy(pool.s(S_FG0), FG);
    if (!isZero(PROTO)) addU128(pool.s(S_PF0), PROTO);
  } else {
    copy(pool.s(S_FG1), FG);
    if (!isZero(PROTO)) addU128(pool.s(S_PF1), PROTO);
  }
  swapTicksCrossed = crossed;
  if (zeroForOne == exactInput) {
    sub(SWAP_AMOUNT0, amountSpecified, REMAINING);
    copy(SWAP_AMOUNT1, CALCULATED);
  } else {
    copy(SWAP_AMOUNT0, CALCULATED);
    sub(SWAP_AMOUNT1, amountSpecified, REMAINING);
  }
}

const DIVISOR = staticU256();

function divSmall(o: U256, a: U256, d: u64): void {
  // a < 2^255 and d in [4, 10]: long division by a small word
  let rem: u64 = 0;
  let x: u64;
  // process 32-bit halves from the top
  const limbs = changetype<usize>(a);
  const out = changetype<usize>(o);
  for (let i = 7; i >= 0; i--) {
    x = (rem << 32) | <u64>load<u32>(limbs + (<usize>i << 2));
    store<u32>(out + (<usize>i << 2), <u32>(x / d));
    rem = x % d;
  }
}

/** o = (o + a) mod 2^128 (uint128 accumulators wrap as in Solidity 0.7). */
function addU128(o: U256, a: U256): void {
  add(o, o, a);
  o.l2 = 0;
  o.l3 = 0;
}

// ---- mint / burn / collect ----

const FGI0 = staticU256();
const FGI1 = staticU256();
const BELOW = staticU256();
const ABOVE = staticU256();

/** Tick.getFeeGrowthInside into FGI0/FGI1 (with uint256 wrap-around). */
function feeGrowthInside(pool: Pool, lowerIdx: i32, upperIdx: i32, tickLower: i32, tickUpper: i32): void {
  const cur = pool.tick;
  const g0 = pool.s(S_FG0);
  const g1 = pool.s(S_FG1);
  // token0
  if (cur >= tickLower) copy(BELOW, pool.t(lowerIdx, T_FGO0));
  else sub(BELOW, g0, pool.t(lowerIdx, T_FGO0));
  if (cur < tickUpper) copy(ABOVE, pool.t(upperIdx, T_FGO0));
  else sub(ABOVE, g0, pool.t(upperIdx, T_FGO0));
  sub(FGI0, g0, BELOW);
  sub(FGI0, FGI0, ABOVE);
  // token1
  if (cur >= tickLower) copy(BELOW, pool.t(lowerIdx, T_FGO1));
  else sub(BELOW, g1, pool.t(lowerIdx, T_FGO1));
  if (cur < tickUpper) copy(ABOVE, pool.t(upperIdx, T_FGO1));
  else sub(ABOVE, g1, pool.t(upperIdx, T_FGO1));
  sub(FGI1, g1, BELOW);
  sub(FGI1, FGI1, ABOVE);
}

const GROSS_AFTER = staticU256();

/** Tick.update; returns whether the tick flipped (initialized <-> not). */
function updateTick(pool: Pool, tick: i32, delta: U256, upper: bool): bool {
  let i = pool.find(tick);
  if (i < 0) {
    if (isNeg(delta)) {
      // liquidityGross 0 minus liquidity: LiquidityMath underflow
      fail(E_LS);
      return false;
    }
    i = pool.insertTick(tick);
  }
  const gross = pool.t(i, T_GROSS);
  const grossWasZero = isZero(gross);
  addDelta(GROSS_AFTER, gross, delta);
  if (status) return false;
  if (cmp(GROSS_AFTER, pool.s(S_MAXLIQ)) > 0) {
    fail(E_LO);
    return false;
  }
  const flipped = isZero(GROSS_AFTER) != grossWasZero;
  if (grossWasZero && tick <= pool.tick) {
    copy(pool.t(i, T_FGO0), pool.s(S_FG0));
    copy(pool.t(i, T_FGO1), pool.s(S_FG1));
  }
  copy(gross, GROSS_AFTER);
  const net = pool.t(i, T_NET);
  if (upper) sub(net, net, delta);
  else add(net, net, delta);
  // toInt128 of the new net
  if (!int128Fits(net)) fail(E_OVERFLOW);
  return flipped;
}

function int128Fits(v: U256): bool {
  // sign-extended from bit 127
  const hiExpected: u64 = <i64>v.l1 < 0 ? 0xffffffffffffffff : 0;
  return v.l2 == hiExpected && v.l3 == hiExpected;
}

// Saved state so a failed modifyPosition leaves the pool unchanged.
const SAVE_LIQ = staticU256();

const OWED = staticU256();
const DIFF = staticU256();
const LIQ_NEXT = staticU256();
const SQRT_LOWER = staticU256();
const SQRT_UPPER = staticU256();

/** Results of the last modifyPosition: signed amounts (int256). */
export const MOD_AMOUNT0 = staticU256();
export const MOD_AMOUNT1 = staticU256();

function checkTicks(tickLower: i32, tickUpper: i32): bool {
  if (tickLower >= tickUpper) {
    fail(E_TLU);
    return false;
  }
  if (tickLower < MIN_TICK) {
    fail(E_TLM);
    return false;
  }
  if (tickUpper > MAX_TICK) {
    fail(E_TUM);
    return false;
  }
  return true;
}

/**
 * _modifyPosition: updates ticks and the position, then the signed amounts
 * owed (MOD_AMOUNT0/1). The whole change is rolled back on failure.
 */
function modifyPosition(pool: Pool, owner: u32, tickLower: i32, tickUpper: i32, delta: U256): i32 {
  setZero(MOD_AMOUNT0);
  setZero(MOD_AMOUNT1);
  if (!checkTicks(tickLower, tickUpper)) return -1;
  // snapshot for rollback: copies of the two tick records and the position
  const tickSnap = snapshotTicks(pool, tickLower, tickUpper);
  const deltaZero = isZero(delta);

  let flippedLower = false;
  let flippedUpper = false;
  if (!deltaZero) {
    flippedLower = updateTick(pool, tickLower, delta, false);
    if (!status) flippedUpper = updateTick(pool, tickUpper, delta, true);
    // TickBitmap.flipTick: a tick that flips must be a multiple of the spacing
    if (!status) {
      const spacing = pool.tickSpacing;
      if ((flippedLower && tickLower % spacing != 0) || (flippedUpper && tickUpper % spacing != 0)) {
        fail(E_TICK_SPACING);
      }
    }
    if (status) {
      restoreTicks(pool, tickSnap, tickLower, tickUpper);
      return -1;
    }
  }
  const li = pool.find(tickLower);
  const ui = pool.find(tickUpper);
  let slot = pool.positionSlot(owner, tickLower, tickUpper, false);
  if (li < 0 || ui < 0) {
    // only possible for a poke of a position without liquidity
    fail(E_NP);
    restoreTicks(pool, tickSnap, tickLower, tickUpper);
    return -1;
  }
  feeGrowthInside(pool, li, ui, tickLower, tickUpper);

  // Position.update
  if (slot < 0) {
    if (deltaZero || isNeg(delta)) {
      fail(deltaZero ? E_NP : E_LS);
      restoreTicks(pool, tickSnap, tickLower, tickUpper);
      return -1;
    }
    slot = pool.positionSlot(owner, tickLower, tickUpper, true);
  }
  const pLiq = pool.p(slot, P_LIQ);
  if (deltaZero) {
    if (isZero(pLiq)) {
      fail(E_NP);
      restoreTicks(pool, tickSnap, tickLower, tickUpper);
      return -1;
    }
    copy(LIQ_NEXT, pLiq);
  } else {
    addDelta(LIQ_NEXT, pLiq, delta);
    if (status) {
      restoreTicks(pool, tickSnap, tickLower, tickUpper);
      return -1;
    }
  }
  // amounts: computed before committing so a failure leaves no trace
  const liquidityNow = pool.s(S_LIQ);
  copy(SAVE_LIQ, liquidityNow);
  if (!deltaZero) {
    copy(SQRT_LOWER, pool.t(li, T_SQRT));
    copy(SQRT_UPPER, pool.t(ui, T_SQRT));
    const cur = pool.tick;
    if (cur < tickLower) {
      getAmount0DeltaSigned(MOD_AMOUNT0, SQRT_LOWER, SQRT_UPPER, delta);
    } else if (cur < tickUpper) {
      getAmount0DeltaSigned(MOD_AMOUNT0, pool.s(S_SQRT), SQRT_UPPER, delta);
      getAmount1DeltaSigned(MOD_AMOUNT1, SQRT_LOWER, pool.s(S_SQRT), delta);
      addDelta(SAVE_LIQ, liquidityNow, delta);
    } else {
      getAmount1DeltaSigned(MOD_AMOUNT1, SQRT_LOWER, SQRT_UPPER, delta);
    }
    if (status) {
      restoreTicks(pool, tickSnap, tickLower, tickUpper);
      return -1;
    }
  }
  // commit the position: fees owed since the last update, then liquidity
  sub(DIFF, FGI0, pool.p(slot, P_FGI0));
  mulDiv(OWED, DIFF, pLiq, Q128);
  const owed0 = pool.p(slot, P_OWED0);
  addU128(owed0, truncate128(OWED));
  sub(DIFF, FGI1, pool.p(slot, P_FGI1));
  mulDiv(OWED, DIFF, pool.p(slot, P_LIQ), Q128);
  addU128(pool.p(slot, P_OWED1), truncate128(OWED));
  if (!deltaZero) copy(pool.p(slot, P_LIQ), LIQ_NEXT);
  copy(pool.p(slot, P_FGI0), FGI0);
  copy(pool.p(slot, P_FGI1), FGI1);
  copy(liquidityNow, SAVE_LIQ);
  // clear ticks that no longer hold liquidity (burn)
  if (isNeg(delta)) {
    if (flippedUpper) pool.removeTick(pool.find(tickUpper));
    if (flippedLower) pool.removeTick(pool.find(tickLower));
  }
  return slot;
}

function truncate128(v: U256): U256 {
  v.l2 = 0;
  v.l3 = 0;
  return v;
}

// Rollback support: up to two tick records (existence + 16 limbs each).
const SNAP = memory.data(2 * (8 + <i32>TICK_BYTES), 16);

function snapshotTicks(pool: Pool, tickLower: i32, tickUpper: i32): usize {
  saveTick(pool, tickLower, SNAP);
  saveTick(pool, tickUpper, SNAP + 8 + TICK_BYTES);
  return SNAP;
}

function saveTick(pool: Pool, tick: i32, at: usize): void {
  const i = pool.find(tick);
  store<u64>(at, i < 0 ? 0 : 1);
  if (i >= 0) memory.copy(at + 8, changetype<usize>(pool.t(i, 0)), TICK_BYTES);
}

function restoreTicks(pool: Pool, snap: usize, tickLower: i32, tickUpper: i32): void {
  restoreTick(pool, tickLower, snap);
  restoreTick(pool, tickUpper, snap + 8 + TICK_BYTES);
}

function restoreTick(pool: Pool, tick: i32, at: usize): void {
  const existed = load<u64>(at) != 0;
  let i = pool.find(tick);
  if (!existed) {
    if (i >= 0) pool.removeTick(i);
    return;
  }
  if (i < 0) i = pool.insertTick(tick);
  memory.copy(changetype<usize>(pool.t(i, 0)), at + 8, TICK_BYTES);
}

const DELTA = staticU256();

/** UniswapV3Pool.mint: amounts owed to the pool in MOD_AMOUNT0/1 (>= 0). */
export function mint(pool: Pool, owner: u32, tickLower: i32, tickUpper: i32, amount: U256): void {
  if (!pool.initialized) {
    fail(E_LOK);
    return;
  }
  if (isZero(amount)) {
    fail(E_ZERO_AMOUNT);
    return;
  }
  // int256(amount).toInt128()
  if (!fitsBits(amount, 127)) {
    fail(E_OVERFLOW);
    return;
  }
  copy(DELTA, amount);
  modifyPosition(pool, owner, tickLower, tickUpper, DELTA);
}

/** UniswapV3Pool.burn: amounts credited to tokensOwed in MOD_AMOUNT0/1 (>= 0). */
export function burn(pool: Pool, owner: u32, tickLower: i32, tickUpper: i32, amount: U256): void {
  if (!pool.initialized) {
    fail(E_LOK);
    return;
  }
  if (!fitsBits(amount, 127)) {
    fail(E_OVERFLOW);
    return;
  }
  neg(DELTA, amount);
  const slot = modifyPosition(pool, owner, tickLower, tickUpper, DELTA);
  if (status) return;
  neg(MOD_AMOUNT0, MOD_AMOUNT0);
  neg(MOD_AMOUNT1, MOD_AMOUNT1);
  if (!isZero(MOD_AMOUNT0) || !isZero(MOD_AMOUNT1)) {
    addU128(pool.p(slot, P_OWED0), truncateCopy(MOD_AMOUNT0));
    addU128(pool.p(slot, P_OWED1), truncateCopy(MOD_AMOUNT1));
  }
}

const TRUNC = staticU256();

function truncateCopy(v: U256): U256 {
  copy(TRUNC, v);
  TRUNC.l2 = 0;
  TRUNC.l3 = 0;
  return TRUNC;
}

/** UniswapV3Pool.collect: pays min(requested, owed) into MOD_AMOUNT0/1. */
export function collect(
  pool: Pool,
  owner: u32,
  tickLower: i32,
  tickUpper: i32,
  requested0: U256,
  requested1: U256,
): void {
  setZero(MOD_AMOUNT0);
  setZero(MOD_AMOUNT1);
  const slot = pool.positionSlot(owner, tickLower, tickUpper, false);
  if (slot < 0) return;
  const owed0 = pool.p(slot, P_OWED0);
  const owed1 = pool.p(slot, P_OWED1);
  copy(MOD_AMOUNT0, cmp(requested0, owed0) > 0 ? owed0 : requested0);
  copy(MOD_AMOUNT1, cmp(requested1, owed1) > 0 ? owed1 : requested1);
  sub(owed0, owed0, MOD_AMOUNT0);
  sub(owed1, owed1, MOD_AMOUNT1);
}

/** UniswapV3Pool.initialize. */
export function initialize(pool: Pool, sqrtPriceX96: U256): void {
  if (pool.initialized) {
    fail(E_AI);
    return;
  }
  const tick = getTickAtSqrtRatio(sqrtPriceX96);
  if (status) return;
  copy(pool.s(S_SQRT), sqrtPriceX96);
  pool.tick = tick;
  pool.initialized = true;
}

/** UniswapV3Pool.setFeeProtocol: each 0 or in [4, 10]. */
export function setFeeProtocol(pool: Pool, f0: u32, f1: u32): void {
  const ok0 = f0 == 0 || (f0 >= 4 && f0 <= 10);
  const ok1 = f1 == 0 || (f1 >= 4 && f1 <= 10);
  if (!ok0 || !ok1) {
    fail(E_FEE_PROTOCOL);
    return;
  }
  pool.feeProtocol = f0 + (f1 << 4);
}

// ---- state access for the facade (snapshots, loading a real pool) ----

export const S_OFFSETS: StaticArray<i32> = [S_SQRT, S_LIQ, S_FG0, S_FG1, S_PF0, S_PF1, S_MAXLIQ];
export { S_SQRT, S_LIQ, T_GROSS, T_NET, T_FGO0, T_FGO1, P_LIQ, P_FGI0, P_FGI1, P_OWED0, P_OWED1, TICK_LIMBS, POS_LIMBS };

/** Unpacks a position key into (owner, tickLower, tickUpper). */
export function keyOwner(key: u64): u32 {
  return <u32>(key >> 42);
}
export function keyLower(key: u64): i32 {
  return <i32>(<i64>((key >> 21) & 0x1fffff) - KEY_OFFSET);
}
export function keyUpper(key: u64): i32 {
  return <i32>(<i64>(key & 0x1fffff) - KEY_OFFSET);
}
