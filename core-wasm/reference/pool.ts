/**
 * The UniswapV3Pool state machine (oracle and token transfers left out):
 * initialize, mint, burn, collect, swap and setFeeProtocol with the
 * contract's exact arithmetic, revert checks and state updates.
 *
 * Initialized ticks live in a Map plus an ascending array. The next
 * initialized tick is found by binary search on that array, but the search
 * is cut at the edge of the 256-tick bitmap word exactly as
 * `TickBitmap.nextInitializedTickWithinOneWord` does, because a swap step
 * ends at such an edge and each step rounds on its own.
 *
 * Every operation checks everything that can revert before it changes any
 * state, so a thrown V3MathError leaves the pool untouched (the contract's
 * revert is atomic too).
 *
 * @module
 */
import type {
  PoolSnapshot,
  PositionInfo,
  Slot0,
  SwapResult,
  TickInfo,
  TokenAmounts,
  V3Pool,
} from "../types.ts";
import { V3MathError } from "../errors.ts";
import {
  checkRange,
  MAX_INT128,
  MAX_INT256,
  MAX_UINT128,
  MAX_UINT160,
  MAX_UINT256,
  MIN_INT128,
  MIN_INT256,
  mulDivUnchecked,
  Q128,
} from "./full_math.ts";
import {
  getSqrtRatioAtTick,
  getTickAtSqrtRatio,
  MAX_SQRT_RATIO,
  MAX_TICK,
  MIN_SQRT_RATIO,
  MIN_TICK,
} from "./tick_math.ts";
import { getAmount0DeltaSigned, getAmount1DeltaSigned } from "./sqrt_price_math.ts";
import { swapStep } from "./swap_math.ts";
import { addDeltaUnchecked } from "./liquidity_math.ts";
import { addU256, getFeeGrowthInside, subU256, tickSpacingToMaxLiquidityPerTick } from "./tick.ts";

/** Stored state of an initialized tick. */
interface TickState {
  liquidityGross: bigint;
  liquidityNet: bigint;
  feeGrowthOutside0X128: bigint;
  feeGrowthOutside1X128: bigint;
}

/** Stored state of a position. */
interface PositionState extends PositionInfo {
  owner: string;
  tickLower: number;
  tickUpper: number;
}

/**
 * Index of the last element `<= x` in an ascending array, or -1.
 *
 * @example
 * ```ts
 * import { lastAtOrBelow } from "./pool.ts";
 * lastAtOrBelow([-60, 0, 60], 30); // 1
 * ```
 */
export function lastAtOrBelow(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= x) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/**
 * TickBitmap.nextInitializedTickWithinOneWord over an ascending array of
 * initialized ticks (all multiples of `tickSpacing`). With `lte` it looks at
 * or below `tick`, otherwise strictly above; it never leaves the 256-bit
 * bitmap word of the compressed start tick, and returns that word's edge
 * (with `initialized` false) when the word holds no initialized tick.
 *
 * @example
 * ```ts
 * import { nextInitializedTickWithinOneWord } from "./pool.ts";
 * nextInitializedTickWithinOneWord([-120, 120], 130, 60, true); // [120, true]
 * nextInitializedTickWithinOneWord([-120, 120], 0, 60, true); // [0, false]: -120 is in the word below
 * nextInitializedTickWithinOneWord([], 0, 60, false); // [15300, false]
 * ```
 */
export function nextInitializedTickWithinOneWord(
  sorted: readonly number[],
  tick: number,
  tickSpacing: number,
  lte: boolean,
): [number, boolean] {
  const compressed = Math.floor(tick / tickSpacing);
  if (lte) {
    const wordStart = Math.floor(compressed / 256) * 256 * tickSpacing;
    const i = lastAtOrBelow(sorted, compressed * tickSpacing);
    if (i >= 0 && sorted[i] >= wordStart) return [sorted[i], true];
    return [wordStart, false];
  }
  const start = compressed + 1;
  const wordEnd = (Math.floor(start / 256) * 256 + 255) * tickSpacing;
  const i = lastAtOrBelow(sorted, start * tickSpacing - 1) + 1;
  if (i < sorted.length && sorted[i] <= wordEnd) return [sorted[i], true];
  return [wordEnd, false];
}

function positionKey(owner: string, tickLower: number, tickUpper: number): string {
  return `${tickLower}:${tickUpper}:${owner}`;
}

function checkInt24(value: number, fn: string, name: string): void {
  if (!Number.isInteger(value) || value < -8388608 || value > 8388607) {
    throw new V3MathError("OVERFLOW", fn, `${name} ${value} is not an int24`);
  }
}

function checkFeeProtocol(feeProtocol0: number, feeProtocol1: number, fn: string): void {
  const ok = (v: number) => v === 0 || (Number.isInteger(v) && v >= 4 && v <= 10);
  if (!ok(feeProtocol0) || !ok(feeProtocol1)) {
    throw new V3MathError(
      "FEE_PROTOCOL",
      fn,
      `feeProtocol0 ${feeProtocol0} / feeProtocol1 ${feeProtocol1}: each must be 0 or in [4, 10]`,
    );
  }
}

/**
 * The reference Uniswap V3 pool (see the module documentation).
 *
 * @example
 * ```ts
 * import { ReferencePool } from "./pool.ts";
 * const pool = new ReferencePool(3000, 60);
 * pool.initialize(2n ** 96n);
 * pool.mint("alice", -887220, 887220, 10n ** 18n); // { amount0: 10n ** 18n, amount1: 10n ** 18n }
 * pool.swap(true, 1000n, 4295128740n).amount1; // -996n
 * ```
 */
export class ReferencePool implements V3Pool {
  readonly fee: number;
  readonly tickSpacing: number;
  readonly maxLiquidityPerTick: bigint;

  private sqrtPriceX96 = 0n;
  private tick = 0;
  private feeProtocol = 0;
  private liquidityValue = 0n;
  private feeGrowthGlobal0 = 0n;
  private feeGrowthGlobal1 = 0n;
  private protocolFees0 = 0n;
  private protocolFees1 = 0n;
  private readonly tickStates = new Map<number, TickState>();
  /** Initialized ticks, ascending (the keys of `tickStates`). */
  private readonly sortedTicks: number[] = [];
  private readonly positionStates = new Map<string, PositionState>();

  /** A new, uninitialized pool; `fee` < 1e6 pips, 0 < `tickSpacing` < 16384 (factory rules). */
  constructor(fee: number, tickSpacing: number) {
    if (!Number.isInteger(fee) || fee < 0 || fee >= 1_000_000) {
      throw new V3MathError("BAD_INPUT", "createPool", `fee ${fee} is outside [0, 1000000)`);
    }
    if (!Number.isInteger(tickSpacing) || tickSpacing <= 0 || tickSpacing >= 16384) {
      throw new V3MathError(
        "TICK_SPACING",
        "createPool",
        `tickSpacing ${tickSpacing} is outside [1, 16383]`,
      );
    }
    this.fee = fee;
    this.tickSpacing = tickSpacing;
    this.maxLiquidityPerTick = tickSpacingToMaxLiquidityPerTick(tickSpacing);
  }

  /**
   * A pool holding exactly `snapshot`'s state. `sqrtPriceX96` 0 means uninitialized.
   *
   * @example
   * ```ts
   * import { ReferencePool } from "./pool.ts";
   * const a = new ReferencePool(500, 10);
   * a.initialize(2n ** 96n);
   * const b = ReferencePool.fromSnapshot(a.snapshot());
   * b.slot0().tick; // 0
   * ```
   */
  static fromSnapshot(snapshot: PoolSnapshot): ReferencePool {
    const fn = "loadPool";
    const pool = new ReferencePool(snapshot.fee, snapshot.tickSpacing);
    checkRange(snapshot.sqrtPriceX96, 0n, MAX_UINT160, fn, "sqrtPriceX96", "uint160");
    if (snapshot.sqrtPriceX96 !== 0n) {
      if (snapshot.sqrtPriceX96 < MIN_SQRT_RATIO || snapshot.sqrtPriceX96 > MAX_SQRT_RATIO) {
        throw new V3MathError("R", fn, `sqrtPriceX96 ${snapshot.sqrtPriceX96} is out of range`);
      }
      if (
        !Number.isInteger(snapshot.tick) || snapshot.tick < MIN_TICK || snapshot.tick > MAX_TICK
      ) {
        throw new V3MathError("T", fn, `tick ${snapshot.tick} is out of range`);
      }
    }
    checkRange(snapshot.liquidity, 0n, MAX_UINT128, fn, "liquidity", "uint128");
    checkRange(
      snapshot.feeGrowthGlobal0X128,
      0n,
      MAX_UINT256,
      fn,
      "feeGrowthGlobal0X128",
      "uint256",
    );
    checkRange(
      snapshot.feeGrowthGlobal1X128,
      0n,
      MAX_UINT256,
      fn,
      "feeGrowthGlobal1X128",
      "uint256",
    );
    checkRange(snapshot.protocolFees0, 0n, MAX_UINT128, fn, "protocolFees0", "uint128");
    checkRange(snapshot.protocolFees1, 0n, MAX_UINT128, fn, "protocolFees1", "uint128");
    checkFeeProtocol(snapshot.feeProtocol % 16, snapshot.feeProtocol >> 4, fn);
    pool.sqrtPriceX96 = snapshot.sqrtPriceX96;
    pool.tick = snapshot.tick;
    pool.feeProtocol = snapshot.feeProtocol;
    pool.liquidityValue = snapshot.liquidity;
    pool.feeGrowthGlobal0 = snapshot.feeGrowthGlobal0X128;
    pool.feeGrowthGlobal1 = snapshot.feeGrowthGlobal1X128;
    pool.protocolFees0 = snapshot.protocolFees0;
    pool.protocolFees1 = snapshot.protocolFees1;
    for (const t of snapshot.ticks) {
      checkInt24(t.tick, fn, "tick");
      if (t.tick < MIN_TICK || t.tick > MAX_TICK || t.tick % pool.tickSpacing !== 0) {
        throw new V3MathError(
          "BAD_INPUT",
          fn,
          `tick ${t.tick} is out of range or not a multiple of ${pool.tickSpacing}`,
        );
      }
      if (!t.initialized || t.liquidityGross === 0n) {
        throw new V3MathError(
          "BAD_INPUT",
          fn,
          `tick ${t.tick} is listed but not initialized (liquidityGross ${t.liquidityGross})`,
        );
      }
      if (pool.tickStates.has(t.tick)) {
        throw new V3MathError("BAD_INPUT", fn, `tick ${t.tick} is listed twice`);
      }
      checkRange(t.liquidityGross, 0n, MAX_UINT128, fn, "liquidityGross", "uint128");
      checkRange(t.liquidityNet, MIN_INT128, MAX_INT128, fn, "liquidityNet", "int128");
      checkRange(t.feeGrowthOutside0X128, 0n, MAX_UINT256, fn, "feeGrowthOutside0X128", "uint256");
      checkRange(t.feeGrowthOutside1X128, 0n, MAX_UINT256, fn, "feeGrowthOutside1X128", "uint256");
      pool.tickStates.set(t.tick, {
        liquidityGross: t.liquidityGross,
        liquidityNet: t.liquidityNet,
        feeGrowthOutside0X128: t.feeGrowthOutside0X128,
        feeGrowthOutside1X128: t.feeGrowthOutside1X128,
      });
      pool.sortedTicks.push(t.tick);
    }
    pool.sortedTicks.sort((a, b) => a - b);
    for (const p of snapshot.positions) {
      checkInt24(p.tickLower, fn, "tickLower");
      checkInt24(p.tickUpper, fn, "tickUpper");
      checkRange(p.liquidity, 0n, MAX_UINT128, fn, "position liquidity", "uint128");
      checkRange(
        p.feeGrowthInside0LastX128,
        0n,
        MAX_UINT256,
        fn,
        "feeGrowthInside0Last",
        "uint256",
      );
      checkRange(
        p.feeGrowthInside1LastX128,
        0n,
        MAX_UINT256,
        fn,
        "feeGrowthInside1Last",
        "uint256",
      );
      checkRange(p.tokensOwed0, 0n, MAX_UINT128, fn, "tokensOwed0", "uint128");
      checkRange(p.tokensOwed1, 0n, MAX_UINT128, fn, "tokensOwed1", "uint128");
      pool.positionStates.set(positionKey(p.owner, p.tickLower, p.tickUpper), {
        owner: p.owner,
        tickLower: p.tickLower,
        tickUpper: p.tickUpper,
        liquidity: p.liquidity,
        feeGrowthInside0LastX128: p.feeGrowthInside0LastX128,
        feeGrowthInside1LastX128: p.feeGrowthInside1LastX128,
        tokensOwed0: p.tokensOwed0,
        tokensOwed1: p.tokensOwed1,
      });
    }
    return pool;
  }

  /** The contract's `lock` modifier: nothing works before initialize. */
  private requireUnlocked(fn: string): void {
    if (this.sqrtPriceX96 === 0n) {
      throw new V3MathError("LOK", fn, "the pool is not initialized (slot0.unlocked is false)");
    }
  }

  initialize(sqrtPriceX96: bigint): void {
    if (this.sqrtPriceX96 !== 0n) {
      throw new V3MathError(
        "AI",
        "initialize",
        `the pool is already initialized at sqrtPriceX96 ${this.sqrtPriceX96}`,
      );
    }
    const tick = getTickAtSqrtRatio(sqrtPriceX96);
    this.sqrtPriceX96 = sqrtPriceX96;
    this.tick = tick;
  }

  slot0(): Slot0 {
    return { sqrtPriceX96: this.sqrtPriceX96, tick: this.tick, feeProtocol: this.feeProtocol };
  }

  liquidity(): bigint {
    return this.liquidityValue;
  }

  feeGrowthGlobal0X128(): bigint {
    return this.feeGrowthGlobal0;
  }

  feeGrowthGlobal1X128(): bigint {
    return this.feeGrowthGlobal1;
  }

  protocolFees(): TokenAmounts {
    return { amount0: this.protocolFees0, amount1: this.protocolFees1 };
  }

  setFeeProtocol(feeProtocol0: number, feeProtocol1: number): void {
    this.requireUnlocked("setFeeProtocol");
    checkFeeProtocol(feeProtocol0, feeProtocol1, "setFeeProtocol");
    this.feeProtocol = feeProtocol0 + (feeProtocol1 << 4);
  }

  mint(owner: string, tickLower: number, tickUpper: number, amount: bigint): TokenAmounts {
    const fn = "mint";
    this.requireUnlocked(fn);
    checkRange(amount, 0n, MAX_UINT128, fn, "amount", "uint128");
    if (amount === 0n) throw new V3MathError("ZERO_AMOUNT", fn, "liquidity amount is 0");
    if (amount > MAX_INT128) {
      throw new V3MathError("OVERFLOW", fn, `liquidity amount ${amount} does not fit int128`);
    }
    const [amount0, amount1] = this.modifyPosition(fn, owner, tickLower, tickUpper, amount, false);
    return { amount0, amount1 };
  }

  burn(owner: string, tickLower: number, tickUpper: number, amount: bigint): TokenAmounts {
    const fn = "burn";
    this.requireUnlocked(fn);
    checkRange(amount, 0n, MAX_UINT128, fn, "amount", "uint128");
    if (amount > MAX_INT128) {
      throw new V3MathError("OVERFLOW", fn, `liquidity amount ${amount} does not fit int128`);
    }
    const [amount0Int, amount1Int] = this.modifyPosition(
      fn,
      owner,
      tickLower,
      tickUpper,
      -amount,
      true,
    );
    return { amount0: -amount0Int, amount1: -amount1Int };
  }

  collect(
    owner: string,
    tickLower: number,
    tickUpper: number,
    amount0Requested: bigint,
    amount1Requested: bigint,
  ): TokenAmounts {
    const fn = "collect";
    this.requireUnlocked(fn);
    checkInt24(tickLower, fn, "tickLower");
    checkInt24(tickUpper, fn, "tickUpper");
    checkRange(amount0Requested, 0n, MAX_UINT128, fn, "amount0Requested", "uint128");
    checkRange(amount1Requested, 0n, MAX_UINT128, fn, "amount1Requested", "uint128");
    const position = this.positionStates.get(positionKey(owner, tickLower, tickUpper));
    if (position === undefined) return { amount0: 0n, amount1: 0n };
    const amount0 = amount0Requested > position.tokensOwed0
      ? position.tokensOwed0
      : amount0Requested;
    const amount1 = amount1Requested > position.tokensOwed1
      ? position.tokensOwed1
      : amount1Requested;
    position.tokensOwed0 -= amount0;
    position.tokensOwed1 -= amount1;
    return { amount0, amount1 };
  }

  /**
   * The state a tick would have after `Tick.update` with `liquidityDelta`,
   * and whether it flips between initialized and not. Changes nothing.
   */
  private updatedTick(
    tick: number,
    liquidityDelta: bigint,
    upper: boolean,
  ): { state: TickState; flipped: boolean } {
    const info = this.tickStates.get(tick);
    const grossBefore = info === undefined ? 0n : info.liquidityGross;
    const grossAfter = addDeltaUnchecked(grossBefore, liquidityDelta);
    if (grossAfter > this.maxLiquidityPerTick) {
      throw new V3MathError(
        "LO",
        "mint",
        `liquidityGross ${grossAfter} at tick ${tick} exceeds maxLiquidityPerTick ${this.maxLiquidityPerTick}`,
      );
    }
    const flipped = (grossAfter === 0n) !== (grossBefore === 0n);
    let outside0 = info === undefined ? 0n : info.feeGrowthOutside0X128;
    let outside1 = info === undefined ? 0n : info.feeGrowthOutside1X128;
    // By convention all growth so far happened below a tick that starts at or below the price.
    if (grossBefore === 0n && tick <= this.tick) {
      outside0 = this.feeGrowthGlobal0;
      outside1 = this.feeGrowthGlobal1;
    }
    const netBefore = info === undefined ? 0n : info.liquidityNet;
    const net = upper ? netBefore - liquidityDelta : netBefore + liquidityDelta;
    if (net < MIN_INT128 || net > MAX_INT128) {
      throw new V3MathError(
        "OVERFLOW",
        "mint",
        `liquidityNet ${net} at tick ${tick} exceeds int128`,
      );
    }
    return {
      state: {
        liquidityGross: grossAfter,
        liquidityNet: net,
        feeGrowthOutside0X128: outside0,
        feeGrowthOutside1X128: outside1,
      },
      flipped,
    };
  }

  private checkSpaced(tick: number, fn: string): void {
    if (tick % this.tickSpacing !== 0) {
      throw new V3MathError(
        "TICK_SPACING",
        fn,
        `tick ${tick} is not a multiple of tickSpacing ${this.tickSpacing}`,
      );
    }
  }

  private insertTick(tick: number): void {
    const i = lastAtOrBelow(this.sortedTicks, tick) + 1;
    this.sortedTicks.splice(i, 0, tick);
  }

  private removeTick(tick: number): void {
    const i = lastAtOrBelow(this.sortedTicks, tick);
    this.sortedTicks.splice(i, 1);
  }

  /**
   * UniswapV3Pool._modifyPosition: updates ticks, the position and the
   * active liquidity for `liquidityDelta`, returning the signed token amounts
   * (positive: owed to the pool). On burn (`isBurn`) the amounts owed
   * back are credited to tokensOwed.
   */
  private modifyPosition(
    fn: string,
    owner: string,
    tickLower: number,
    tickUpper: number,
    liquidityDelta: bigint,
    isBurn: boolean,
  ): [bigint, bigint] {
    checkInt24(tickLower, fn, "tickLower");
    checkInt24(tickUpper, fn, "tickUpper");
    if (tickLower >= tickUpper) {
      throw new V3MathError(
        "TLU",
        fn,
        `tickLower ${tickLower} is not below tickUpper ${tickUpper}`,
      );
    }
    if (tickLower < MIN_TICK) {
      throw new V3MathError("TLM", fn, `tickLower ${tickLower} is below MIN_TICK ${MIN_TICK}`);
    }
    if (tickUpper > MAX_TICK) {
      throw new V3MathError("TUM", fn, `tickUpper ${tickUpper} is above MAX_TICK ${MAX_TICK}`);
    }
    const key = positionKey(owner, tickLower, tickUpper);
    const position = this.positionStates.get(key);
    const tick = this.tick;

    // Tick.update for both ends (not yet stored).
    let lower = this.tickStates.get(tickLower);
    let upper = this.tickStates.get(tickUpper);
    let flippedLower = false;
    let flippedUpper = false;
    if (liquidityDelta !== 0n) {
      const l = this.updatedTick(tickLower, liquidityDelta, false);
      const u = this.updatedTick(tickUpper, liquidityDelta, true);
      lower = l.state;
      upper = u.state;
      flippedLower = l.flipped;
      flippedUpper = u.flipped;
      if (flippedLower) this.checkSpaced(tickLower, fn);
      if (flippedUpper) this.checkSpaced(tickUpper, fn);
    }

    const inside0 = getFeeGrowthInside(
      tickLower,
      tickUpper,
      tick,
      this.feeGrowthGlobal0,
      lower === undefined ? 0n : lower.feeGrowthOutside0X128,
      upper === undefined ? 0n : upper.feeGrowthOutside0X128,
    );
    const inside1 = getFeeGrowthInside(
      tickLower,
      tickUpper,
      tick,
      this.feeGrowthGlobal1,
      lower === undefined ? 0n : lower.feeGrowthOutside1X128,
      upper === undefined ? 0n : upper.feeGrowthOutside1X128,
    );

    // Position.update (not yet stored).
    const liquidityBefore = position === undefined ? 0n : position.liquidity;
    let liquidityNext: bigint;
    if (liquidityDelta === 0n) {
      if (liquidityBefore === 0n) {
        throw new V3MathError(
          "NP",
          fn,
          `position (${owner}, ${tickLower}, ${tickUpper}) has no liquidity to poke`,
        );
      }
      liquidityNext = liquidityBefore;
    } else {
      liquidityNext = addDeltaUnchecked(liquidityBefore, liquidityDelta);
    }
    const last0 = position === undefined ? 0n : position.feeGrowthInside0LastX128;
    const last1 = position === undefined ? 0n : position.feeGrowthInside1LastX128;
    // Fees since the last update; truncated to uint128 and accumulated with
    // wrap-around, as the contract does.
    const earned0 = mulDivUnchecked(subU256(inside0, last0), liquidityBefore, Q128, fn) &
      MAX_UINT128;
    const earned1 = mulDivUnchecked(subU256(inside1, last1), liquidityBefore, Q128, fn) &
      MAX_UINT128;
    let owed0 = position === undefined ? 0n : position.tokensOwed0;
    let owed1 = position === undefined ? 0n : position.tokensOwed1;
    owed0 = (owed0 + earned0) & MAX_UINT128;
    owed1 = (owed1 + earned1) & MAX_UINT128;

    // Token amounts and the active liquidity.
    let amount0 = 0n;
    let amount1 = 0n;
    let activeLiquidity = this.liquidityValue;
    if (liquidityDelta !== 0n) {
      if (tick < tickLower) {
        amount0 = getAmount0DeltaSigned(
          getSqrtRatioAtTick(tickLower),
          getSqrtRatioAtTick(tickUpper),
          liquidityDelta,
        );
      } else if (tick < tickUpper) {
        amount0 = getAmount0DeltaSigned(
          this.sqrtPriceX96,
          getSqrtRatioAtTick(tickUpper),
          liquidityDelta,
        );
        amount1 = getAmount1DeltaSigned(
          getSqrtRatioAtTick(tickLower),
          this.sqrtPriceX96,
          liquidityDelta,
        );
        activeLiquidity = addDeltaUnchecked(activeLiquidity, liquidityDelta);
      } else {
        amount1 = getAmount1DeltaSigned(
          getSqrtRatioAtTick(tickLower),
          getSqrtRatioAtTick(tickUpper),
          liquidityDelta,
        );
      }
    }
    if (isBurn) {
      // burn credits what the position gave back to tokensOwed (uint128 wrap).
      owed0 = (owed0 - amount0) & MAX_UINT128;
      owed1 = (owed1 - amount1) & MAX_UINT128;
    }

    // Nothing can revert past this point: store the new state.
    if (liquidityDelta !== 0n) {
      if (flippedLower && liquidityDelta < 0n) {
        this.tickStates.delete(tickLower);
        this.removeTick(tickLower);
      } else {
        this.tickStates.set(tickLower, lower!);
        if (flippedLower) this.insertTick(tickLower);
      }
      if (flippedUpper && liquidityDelta < 0n) {
        this.tickStates.delete(tickUpper);
        this.removeTick(tickUpper);
      } else {
        this.tickStates.set(tickUpper, upper!);
        if (flippedUpper) this.insertTick(tickUpper);
      }
    }
    const stored: PositionState = position ?? {
      owner,
      tickLower,
      tickUpper,
      liquidity: 0n,
      feeGrowthInside0LastX128: 0n,
      feeGrowthInside1LastX128: 0n,
      tokensOwed0: 0n,
      tokensOwed1: 0n,
    };
    stored.liquidity = liquidityNext;
    stored.feeGrowthInside0LastX128 = inside0;
    stored.feeGrowthInside1LastX128 = inside1;
    stored.tokensOwed0 = owed0;
    stored.tokensOwed1 = owed1;
    if (position === undefined) this.positionStates.set(key, stored);
    this.liquidityValue = activeLiquidity;
    return [amount0, amount1];
  }

  swap(zeroForOne: boolean, amountSpecified: bigint, sqrtPriceLimitX96: bigint): SwapResult {
    const fn = "swap";
    checkRange(amountSpecified, MIN_INT256, MAX_INT256, fn, "amountSpecified", "int256");
    checkRange(sqrtPriceLimitX96, 0n, MAX_UINT160, fn, "sqrtPriceLimitX96", "uint160");
    if (amountSpecified === 0n) throw new V3MathError("AS", fn, "amountSpecified is 0");
    this.requireUnlocked(fn);
    const priceStart = this.sqrtPriceX96;
    if (
      zeroForOne
        ? !(sqrtPriceLimitX96 < priceStart && sqrtPriceLimitX96 > MIN_SQRT_RATIO)
        : !(sqrtPriceLimitX96 > priceStart && sqrtPriceLimitX96 < MAX_SQRT_RATIO)
    ) {
      throw new V3MathError(
        "SPL",
        fn,
        zeroForOne
          ? `sqrtPriceLimitX96 ${sqrtPriceLimitX96} must be below the price ${priceStart} and above MIN_SQRT_RATIO ${MIN_SQRT_RATIO}`
          : `sqrtPriceLimitX96 ${sqrtPriceLimitX96} must be above the price ${priceStart} and below MAX_SQRT_RATIO ${MAX_SQRT_RATIO}`,
      );
    }

    const feeProtocol = BigInt(zeroForOne ? this.feeProtocol % 16 : this.feeProtocol >> 4);
    const exactInput = amountSpecified > 0n;
    const spacing = this.tickSpacing;
    const sorted = this.sortedTicks;
    let remaining = amountSpecified;
    let calculated = 0n;
    let price = priceStart;
    let tick = this.tick;
    let liquidity = this.liquidityValue;
    let feeGrowthGlobal = zeroForOne ? this.feeGrowthGlobal0 : this.feeGrowthGlobal1;
    let protocolFee = 0n;
    // Crossed ticks and their new fee growth outside, stored after the loop.
    const crossedTicks: number[] = [];
    const crossedOutside0: bigint[] = [];
    const crossedOutside1: bigint[] = [];

    while (remaining !== 0n && price !== sqrtPriceLimitX96) {
      const stepStart = price;
      let [tickNext, initialized] = nextInitializedTickWithinOneWord(
        sorted,
        tick,
        spacing,
        zeroForOne,
      );
      if (tickNext < MIN_TICK) tickNext = MIN_TICK;
      else if (tickNext > MAX_TICK) tickNext = MAX_TICK;
      const priceNext = getSqrtRatioAtTick(tickNext);
      const target = (zeroForOne ? priceNext < sqrtPriceLimitX96 : priceNext > sqrtPriceLimitX96)
        ? sqrtPriceLimitX96
        : priceNext;
      const step = swapStep(price, target, liquidity, remaining, this.fee);
      price = step.sqrtRatioNextX96;
      if (exactInput) {
        remaining -= step.amountIn + step.feeAmount;
        calculated -= step.amountOut;
      } else {
        remaining += step.amountOut;
        calculated += step.amountIn + step.feeAmount;
      }
      if (calculated < MIN_INT256 || calculated > MAX_INT256) {
        throw new V3MathError("OVERFLOW", fn, `the calculated amount ${calculated} exceeds int256`);
      }
      let feeAmount = step.feeAmount;
      if (feeProtocol > 0n) {
        const delta = feeAmount / feeProtocol;
        feeAmount -= delta;
        protocolFee = (protocolFee + delta) & MAX_UINT128;
      }
      if (liquidity > 0n) {
        feeGrowthGlobal = addU256(feeGrowthGlobal, mulDivUnchecked(feeAmount, Q128, liquidity, fn));
      }
      if (price === priceNext) {
        if (initialized) {
          const info = this.tickStates.get(tickNext)!;
          const global0 = zeroForOne ? feeGrowthGlobal : this.feeGrowthGlobal0;
          const global1 = zeroForOne ? this.feeGrowthGlobal1 : feeGrowthGlobal;
          crossedTicks.push(tickNext);
          crossedOutside0.push(subU256(global0, info.feeGrowthOutside0X128));
          crossedOutside1.push(subU256(global1, info.feeGrowthOutside1X128));
          // Moving down, the liquidity that starts at the tick is removed.
          liquidity = addDeltaUnchecked(
            liquidity,
            zeroForOne ? -info.liquidityNet : info.liquidityNet,
          );
        }
        tick = zeroForOne ? tickNext - 1 : tickNext;
      } else if (price !== stepStart) {
        tick = getTickAtSqrtRatio(price);
      }
    }

    // Nothing can revert past this point: store the new state.
    for (let i = 0; i < crossedTicks.length; i++) {
      const info = this.tickStates.get(crossedTicks[i])!;
      info.feeGrowthOutside0X128 = crossedOutside0[i];
      info.feeGrowthOutside1X128 = crossedOutside1[i];
    }
    this.sqrtPriceX96 = price;
    this.tick = tick;
    this.liquidityValue = liquidity;
    if (zeroForOne) {
      this.feeGrowthGlobal0 = feeGrowthGlobal;
      this.protocolFees0 = (this.protocolFees0 + protocolFee) & MAX_UINT128;
    } else {
      this.feeGrowthGlobal1 = feeGrowthGlobal;
      this.protocolFees1 = (this.protocolFees1 + protocolFee) & MAX_UINT128;
    }
    const specifiedUsed = amountSpecified - remaining;
    const [amount0, amount1] = zeroForOne === exactInput
      ? [specifiedUsed, calculated]
      : [calculated, specifiedUsed];
    return {
      amount0,
      amount1,
      sqrtPriceX96: price,
      tick,
      liquidity,
      ticksCrossed: crossedTicks.length,
    };
  }

  ticks(tick: number): TickInfo {
    const info = this.tickStates.get(tick);
    if (info === undefined) {
      return {
        liquidityGross: 0n,
        liquidityNet: 0n,
        feeGrowthOutside0X128: 0n,
        feeGrowthOutside1X128: 0n,
        initialized: false,
      };
    }
    return { ...info, initialized: true };
  }

  positions(owner: string, tickLower: number, tickUpper: number): PositionInfo {
    const p = this.positionStates.get(positionKey(owner, tickLower, tickUpper));
    return {
      liquidity: p?.liquidity ?? 0n,
      feeGrowthInside0LastX128: p?.feeGrowthInside0LastX128 ?? 0n,
      feeGrowthInside1LastX128: p?.feeGrowthInside1LastX128 ?? 0n,
      tokensOwed0: p?.tokensOwed0 ?? 0n,
      tokensOwed1: p?.tokensOwed1 ?? 0n,
    };
  }

  initializedTicks(): number[] {
    return this.sortedTicks.slice();
  }

  snapshot(): PoolSnapshot {
    const positions: PoolSnapshot["positions"] = [];
    for (const p of this.positionStates.values()) {
      const empty = p.liquidity === 0n && p.tokensOwed0 === 0n && p.tokensOwed1 === 0n &&
        p.feeGrowthInside0LastX128 === 0n && p.feeGrowthInside1LastX128 === 0n;
      if (!empty) positions.push({ ...p });
    }
    return {
      fee: this.fee,
      tickSpacing: this.tickSpacing,
      sqrtPriceX96: this.sqrtPriceX96,
      tick: this.tick,
      liquidity: this.liquidityValue,
      feeGrowthGlobal0X128: this.feeGrowthGlobal0,
      feeGrowthGlobal1X128: this.feeGrowthGlobal1,
      feeProtocol: this.feeProtocol,
      protocolFees0: this.protocolFees0,
      protocolFees1: this.protocolFees1,
      ticks: this.sortedTicks.map((t) => ({
        tick: t,
        ...this.tickStates.get(t)!,
        initialized: true,
      })),
      positions,
    };
  }
}
