// The exported surface of core.wasm. Arguments and results that are 256-bit
// values travel through IO, a block of 16 U256 slots in linear memory that
// the TS facade reads and writes through typed-array views; small integers
// travel as parameters and return values. Every function resets the status
// and returns it (0 = ok), except where noted.
import { copy, eq, setLimbs, setZero, staticU256, U256 } from "./u256";
import { resetStatus, status, E_BAD_HANDLE, E_BAD_INPUT, E_TICK_SPACING, fail } from "./status";
import { mulDiv, mulDivRoundingUp } from "./full_math";
import { getSqrtRatioAtTick, getTickAtSqrtRatio } from "./tick_math";
import {
  getAmount0Delta,
  getAmount0DeltaSigned,
  getAmount1Delta,
  getAmount1DeltaSigned,
  getNextSqrtPriceFromInput,
  getNextSqrtPriceFromOutput,
} from "./sqrt_price_math";
import { computeSwapStep, STEP_AMOUNT_IN, STEP_AMOUNT_OUT, STEP_FEE, STEP_SQRT_NEXT } from "./swap_math";
import { addDelta } from "./liquidity_math";
import {
  getAmountsForLiquidity,
  getLiquidityForAmount0,
  getLiquidityForAmount1,
  getLiquidityForAmounts,
} from "./liquidity_amounts";
import { tickSpacingToMaxLiquidityPerTick } from "./tick";
import {
  burn,
  collect,
  initialize,
  keyLower,
  keyOwner,
  keyUpper,
  mint,
  MOD_AMOUNT0,
  MOD_AMOUNT1,
  P_FGI0,
  P_FGI1,
  P_LIQ,
  P_OWED0,
  P_OWED1,
  Pool,
  S_OFFSETS,
  S_SQRT,
  S_LIQ,
  setFeeProtocol,
  swap,
  SWAP_AMOUNT0,
  SWAP_AMOUNT1,
  swapTicksCrossed,
  T_FGO0,
  T_FGO1,
  T_GROSS,
  T_NET,
} from "./pool";

import { replayRun } from "./replay";
export { replayCtx, replayEvents, replayVol } from "./replay";

const IO_PTR: usize = memory.data(16 * 32, 16);

// @ts-ignore: decorator
@inline
function io(i: i32): U256 {
  return changetype<U256>(IO_PTR + (<usize>i << 5));
}

/** Address of the IO block (16 slots of 4 little-endian u64 limbs). */
export function ioPtr(): usize {
  return IO_PTR;
}

// ---------------------------------------------------------------- math

/** IO0 = getSqrtRatioAtTick(tick). */
export function sqrtRatioAtTick(tick: i32): i32 {
  resetStatus();
  getSqrtRatioAtTick(io(0), tick);
  return status;
}

/** Returns getTickAtSqrtRatio(IO0), or i32.MIN_VALUE when IO0 is out of range. */
export function tickAtSqrtRatio(): i32 {
  resetStatus();
  const t = getTickAtSqrtRatio(io(0));
  return status ? i32.MIN_VALUE : t;
}

/** IO3 = mulDiv(IO0, IO1, IO2), rounded up when roundUp. */
export function mulDivX(roundUp: bool): i32 {
  resetStatus();
  if (roundUp) mulDivRoundingUp(io(3), io(0), io(1), io(2));
  else mulDiv(io(3), io(0), io(1), io(2));
  return status;
}

/** IO3 = getAmount0Delta(IO0, IO1, IO2, roundUp). */
export function amount0Delta(roundUp: bool): i32 {
  resetStatus();
  getAmount0Delta(io(3), io(0), io(1), io(2), roundUp);
  return status;
}

/** IO3 = getAmount1Delta(IO0, IO1, IO2, roundUp). */
export function amount1Delta(roundUp: bool): i32 {
  resetStatus();
  getAmount1Delta(io(3), io(0), io(1), io(2), roundUp);
  return status;
}

/** IO3 = getAmount0Delta(IO0, IO1, int128 IO2) as int256. */
export function amount0DeltaSigned(): i32 {
  resetStatus();
  getAmount0DeltaSigned(io(3), io(0), io(1), io(2));
  return status;
}

/** IO3 = getAmount1Delta(IO0, IO1, int128 IO2) as int256. */
export function amount1DeltaSigned(): i32 {
  resetStatus();
  getAmount1DeltaSigned(io(3), io(0), io(1), io(2));
  return status;
}

/** IO3 = getNextSqrtPriceFromInput(IO0, IO1, IO2, zeroForOne). */
export function nextSqrtPriceFromInput(zeroForOne: bool): i32 {
  resetStatus();
  getNextSqrtPriceFromInput(io(3), io(0), io(1), io(2), zeroForOne);
  return status;
}

/** IO3 = getNextSqrtPriceFromOutput(IO0, IO1, IO2, zeroForOne). */
export function nextSqrtPriceFromOutput(zeroForOne: bool): i32 {
  resetStatus();
  getNextSqrtPriceFromOutput(io(3), io(0), io(1), io(2), zeroForOne);
  return status;
}

/** IO4..7 = computeSwapStep(IO0 current, IO1 target, IO2 liquidity, IO3 remaining, feePips). */
export function swapStep(feePips: u32): i32 {
  resetStatus();
  if (feePips >= 1000000) {
    fail(E_BAD_INPUT);
    return status;
  }
  computeSwapStep(io(0), io(1), io(2), io(3), feePips);
  copy(io(4), STEP_SQRT_NEXT);
  copy(io(5), STEP_AMOUNT_IN);
  copy(io(6), STEP_AMOUNT_OUT);
  copy(io(7), STEP_FEE);
  return status;
}

/** IO2 = addDelta(uint128 IO0, int128 IO1). */
export function liquidityAddDelta(): i32 {
  resetStatus();
  addDelta(io(2), io(0), io(1));
  return status;
}

/** IO3 = getLiquidityForAmount0(IO0, IO1, IO2). */
export function liquidityForAmount0(): i32 {
  resetStatus();
  getLiquidityForAmount0(io(3), io(0), io(1), io(2));
  return status;
}

/** IO3 = getLiquidityForAmount1(IO0, IO1, IO2). */
export function liquidityForAmount1(): i32 {
  resetStatus();
  getLiquidityForAmount1(io(3), io(0), io(1), io(2));
  return status;
}

/** IO5 = getLiquidityForAmounts(IO0 price, IO1 a, IO2 b, IO3 amount0, IO4 amount1). */
export function liquidityForAmounts(): i32 {
  resetStatus();
  getLiquidityForAmounts(io(5), io(0), io(1), io(2), io(3), io(4));
  return status;
}

/** (IO4, IO5) = getAmountsForLiquidity(IO0 price, IO1 a, IO2 b, IO3 liquidity). */
export function amountsForLiquidity(): i32 {
  resetStatus();
  getAmountsForLiquidity(io(4), io(5), io(0), io(1), io(2), io(3));
  return status;
}

/** IO0 = tickSpacingToMaxLiquidityPerTick(spacing). */
export function maxLiquidityPerTick(tickSpacing: i32): i32 {
  resetStatus();
  if (tickSpacing <= 0 || tickSpacing > 887272) {
    fail(E_TICK_SPACING);
    return status;
  }
  tickSpacingToMaxLiquidityPerTick(io(0), tickSpacing);
  return status;
}

// ---------------------------------------------------------------- pools

const pools = new Array<Pool | null>();
const freeHandles = new Array<i32>();

function pool(h: i32): Pool | null {
  if (h < 0 || h >= pools.length) return null;
  return unchecked(pools[h]);
}

/** Creates a pool; returns its handle (>= 0) or -status. */
export function poolCreate(fee: u32, tickSpacing: i32): i32 {
  resetStatus();
  if (tickSpacing <= 0 || tickSpacing > 16384) return -E_TICK_SPACING;
  if (fee >= 1000000) return -E_BAD_INPUT;
  const p = new Pool(fee, tickSpacing);
  if (freeHandles.length > 0) {
    const h = freeHandles.pop();
    unchecked((pools[h] = p));
    return h;
  }
  pools.push(p);
  return pools.length - 1;
}

/** Releases a pool handle. */
export function poolFree(h: i32): void {
  if (pool(h) == null) return;
  unchecked((pools[h] = null));
  freeHandles.push(h);
}

/** initialize(IO0). */
export function poolInitialize(h: i32): i32 {
  resetStatus();
  const p = pool(h);
  if (p == null) return E_BAD_HANDLE;
  initialize(p, io(0));
  return status;
}

/** setFeeProtocol(f0, f1). */
export function poolSetFeeProtocol(h: i32, f0: u32, f1: u32): i32 {
  resetStatus();
  const p = pool(h);
  if (p == null) return E_BAD_HANDLE;
  setFeeProtocol(p, f0, f1);
  return status;
}

/**
 * swap(zeroForOne, IO[amountSlot] amountSpecified, IO[limitSlot] limit) ->
 * IO2 amount0, IO3 amount1 (int256), IO4 sqrtPriceX96, IO5 liquidity, IO6 as
 * i32s: the tick after (word 0), the initialized ticks crossed (word 2) and
 * which amounts fit an int64 (word 4); returns status. Amounts and limits
 * have slots of their own (12, 13 and 14, 15) that core.wasm never writes,
 * so a caller that swaps with the same amounts or limits again and again
 * writes them once.
 */
export function poolSwap(h: i32, zeroForOne: bool, amountSlot: i32, limitSlot: i32): i32 {
  resetStatus();
  const p = pool(h);
  if (p == null) return E_BAD_HANDLE;
  if ((amountSlot != 12 && amountSlot != 13) || (limitSlot != 14 && limitSlot != 15)) return E_BAD_INPUT;
  swap(p, zeroForOne, io(amountSlot), io(limitSlot));
  if (status) return status;
  copy(io(2), SWAP_AMOUNT0);
  copy(io(3), SWAP_AMOUNT1);
  copy(io(4), p.s(S_SQRT));
  copy(io(5), p.s(S_LIQ));
  store<i32>(IO_PTR + 6 * 32, p.tick);
  store<i32>(IO_PTR + 6 * 32 + 8, swapTicksCrossed);
  // which amounts are plain int64s (the facade reads those as one limb)
  store<i32>(IO_PTR + 6 * 32 + 16, (fitsI64(SWAP_AMOUNT0) ? 1 : 0) | (fitsI64(SWAP_AMOUNT1) ? 2 : 0));
  return status;
}

/** Whether the int256 a is in [-2^63, 2^63). */
function fitsI64(a: U256): bool {
  const ext = <u64>(<i64>a.l0 >> 63);
  return a.l1 == ext && a.l2 == ext && a.l3 == ext;
}

/**
 * Replays packed events [start, end) from the replay event buffer on pool h
 * (see replay.ts); returns the first event not consumed, or -1 for an
 * unknown handle.
 */
export function poolReplay(h: i32, start: i32, end: i32): i32 {
  const p = pool(h);
  if (p == null) return -1;
  return replayRun(p, start, end);
}

/** Ticks crossed by the last successful swap. */
export function lastTicksCrossed(): i32 {
  return swapTicksCrossed;
}

/** The pool's current tick. */
export function poolTick(h: i32): i32 {
  const p = pool(h);
  return p == null ? 0 : p.tick;
}

/** mint(owner, lower, upper, IO0 amount) -> IO1 amount0, IO2 amount1. */
export function poolMint(h: i32, owner: u32, tickLower: i32, tickUpper: i32): i32 {
  resetStatus();
  const p = pool(h);
  if (p == null) return E_BAD_HANDLE;
  mint(p, owner, tickLower, tickUpper, io(0));
  if (status) return status;
  copy(io(1), MOD_AMOUNT0);
  copy(io(2), MOD_AMOUNT1);
  return status;
}

/** burn(owner, lower, upper, IO0 amount) -> IO1 amount0, IO2 amount1. */
export function poolBurn(h: i32, owner: u32, tickLower: i32, tickUpper: i32): i32 {
  resetStatus();
  const p = pool(h);
  if (p == null) return E_BAD_HANDLE;
  burn(p, owner, tickLower, tickUpper, io(0));
  if (status) return status;
  copy(io(1), MOD_AMOUNT0);
  copy(io(2), MOD_AMOUNT1);
  return status;
}

/** collect(owner, lower, upper, IO0 requested0, IO1 requested1) -> IO2, IO3. */
export function poolCollect(h: i32, owner: u32, tickLower: i32, tickUpper: i32): i32 {
  resetStatus();
  const p = pool(h);
  if (p == null) return E_BAD_HANDLE;
  collect(p, owner, tickLower, tickUpper, io(0), io(1));
  copy(io(2), MOD_AMOUNT0);
  copy(io(3), MOD_AMOUNT1);
  return status;
}

/**
 * Reads the pool state: IO0 sqrtPriceX96, IO1 liquidity, IO2/IO3 fee growth
 * global 0/1, IO4/IO5 protocol fees 0/1, IO6 maxLiquidityPerTick, and IO7 =
 * (tick as i64, feeProtocol, initialized, number of initialized ticks).
 */
export function poolGetState(h: i32): i32 {
  resetStatus();
  const p = pool(h);
  if (p == null) return E_BAD_HANDLE;
  for (let i = 0; i < 7; i++) copy(io(i), p.s(unchecked(S_OFFSETS[i])));
  setLimbs(io(7), <u64>(<i64>p.tick), p.feeProtocol, p.initialized ? 1 : 0, p.tickIdx.length);
  return status;
}

/** Writes the pool state from IO0..IO5 (as poolGetState), tick and feeProtocol. */
export function poolSetState(h: i32, tick: i32, feeProtocol: u32): i32 {
  resetStatus();
  const p = pool(h);
  if (p == null) return E_BAD_HANDLE;
  // A pool's tick is getTickAtSqrtRatio(price), or one below it when a swap
  // going down stopped exactly on an initialized tick's price (the contract
  // then sets tick = tickNext - 1 with the price at tickNext).
  const check = getTickAtSqrtRatio(io(0));
  if (status) return status;
  if (check != tick) {
    if (tick != check - 1) return E_BAD_INPUT;
    getSqrtRatioAtTick(io(8), check);
    if (!eq(io(8), io(0))) return E_BAD_INPUT;
  }
  for (let i = 0; i < 6; i++) copy(p.s(unchecked(S_OFFSETS[i])), io(i));
  p.tick = tick;
  p.feeProtocol = feeProtocol;
  p.initialized = true;
  return status;
}

/** Number of initialized ticks. */
export function poolTickCount(h: i32): i32 {
  const p = pool(h);
  return p == null ? 0 : p.tickIdx.length;
}

/** The i-th initialized tick (ascending); its record into IO0..IO3 (gross, net, fgo0, fgo1). */
export function poolTickAt(h: i32, i: i32): i32 {
  const p = pool(h);
  if (p == null || i < 0 || i >= p.tickIdx.length) return i32.MIN_VALUE;
  copy(io(0), p.t(i, T_GROSS));
  copy(io(1), p.t(i, T_NET));
  copy(io(2), p.t(i, T_FGO0));
  copy(io(3), p.t(i, T_FGO1));
  return unchecked(p.tickIdx[i]);
}

/** Record of `tick` into IO0..IO3; returns 1 when initialized, 0 (zeros) when not. */
export function poolGetTick(h: i32, tick: i32): i32 {
  const p = pool(h);
  if (p == null) return 0;
  const i = p.find(tick);
  if (i < 0) {
    for (let k = 0; k < 4; k++) setZero(io(k));
    return 0;
  }
  poolTickAt(h, i);
  return 1;
}

/** Sets (or creates) tick's record from IO0..IO3 (for loading a snapshot). */
export function poolSetTick(h: i32, tick: i32): i32 {
  resetStatus();
  const p = pool(h);
  if (p == null) return E_BAD_HANDLE;
  if (tick % p.tickSpacing != 0 || tick < -887272 || tick > 887272) return E_TICK_SPACING;
  let i = p.find(tick);
  if (i < 0) i = p.insertTick(tick);
  copy(p.t(i, T_GROSS), io(0));
  copy(p.t(i, T_NET), io(1));
  copy(p.t(i, T_FGO0), io(2));
  copy(p.t(i, T_FGO1), io(3));
  return status;
}

/** Number of position slots. */
export function poolPositionCount(h: i32): i32 {
  const p = pool(h);
  return p == null ? 0 : p.posKeys.length;
}

/**
 * Position slot i into IO0..IO4 (liquidity, fgInside0Last, fgInside1Last,
 * owed0, owed1) and IO5 = (owner, tickLower as i64, tickUpper as i64).
 */
export function poolPositionAt(h: i32, i: i32): i32 {
  const p = pool(h);
  if (p == null || i < 0 || i >= p.posKeys.length) return 0;
  copy(io(0), p.p(i, P_LIQ));
  copy(io(1), p.p(i, P_FGI0));
  copy(io(2), p.p(i, P_FGI1));
  copy(io(3), p.p(i, P_OWED0));
  copy(io(4), p.p(i, P_OWED1));
  const key = unchecked(p.posKeys[i]);
  setLimbs(io(5), keyOwner(key), <u64>(<i64>keyLower(key)), <u64>(<i64>keyUpper(key)), 0);
  return 1;
}

/** Position (owner, lower, upper) into IO0..IO4; returns 1 when present, 0 (zeros) when not. */
export function poolGetPosition(h: i32, owner: u32, tickLower: i32, tickUpper: i32): i32 {
  const p = pool(h);
  if (p == null) return 0;
  const slot = p.positionSlot(owner, tickLower, tickUpper, false);
  if (slot < 0) {
    for (let k = 0; k < 5; k++) setZero(io(k));
    return 0;
  }
  poolPositionAt(h, slot);
  return 1;
}

/** Sets (or creates) a position from IO0..IO4 (for loading a snapshot). */
export function poolSetPosition(h: i32, owner: u32, tickLower: i32, tickUpper: i32): i32 {
  resetStatus();
  const p = pool(h);
  if (p == null) return E_BAD_HANDLE;
  if (owner >= (1 << 22) || tickLower < -887272 || tickUpper > 887272 || tickLower >= tickUpper) {
    return E_BAD_INPUT;
  }
  const slot = p.positionSlot(owner, tickLower, tickUpper, true);
  copy(p.p(slot, P_LIQ), io(0));
  copy(p.p(slot, P_FGI0), io(1));
  copy(p.p(slot, P_FGI1), io(2));
  copy(p.p(slot, P_OWED0), io(3));
  copy(p.p(slot, P_OWED1), io(4));
  return status;
}

// ================================================================ quoting models and L2 books
// (appended section: quoting.ts, book.ts; array arguments travel through the
// buffer returned by scratchPtr, parameters/results through the f64 blocks
// at quoteParamsPtr and bookOutPtr.)

export {
  quoteParamsPtr,
  asQuotes,
  glftCoefficients,
  glftQuotes,
  sigmaFromMids,
  tradeIntensities,
  fitIntensity,
} from "./quoting";

export {
  scratchPtr,
  bookOutPtr,
  bookCreate,
  bookFree,
  bookSnapshot,
  bookApplyDeltas,
  bookLastSeq,
  bookLevelCount,
  bookBest,
  bookDepth,
  bookAggregate,
  bookMid,
  bookMicroprice,
} from "./book";
