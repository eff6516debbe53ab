/**
 * A Uniswap V3 pool whose state lives in core.wasm memory, behind the
 * `V3Pool` interface. One JS->WASM call per swap, however many ticks it
 * crosses; bigints are created only for what the caller reads.
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
} from "./types.ts";
import {
  checkRange,
  I256_MAX,
  I256_MIN,
  LimbIO,
  statusError,
  U128_MAX,
  U160_MAX,
  U256_MAX,
} from "./_io.ts";
import type { CoreExports } from "./_loader.ts";
import { MAX_TICK, MIN_TICK } from "./math.ts";

const MAX_OWNERS = 1 << 22;

/**
 * A pool in core.wasm. Create it with `WasmCore.createPool` or
 * `WasmCore.loadPool`; call `free()` when done with many short-lived pools.
 *
 * @example
 * ```ts
 * import { loadCore } from "./mod.ts";
 * const core = await loadCore();
 * const pool = core.createPool(3000, 60);
 * pool.initialize(2n ** 96n);
 * pool.mint("alice", -600, 600, 10n ** 18n);
 * const r = pool.swap(true, 10n ** 15n, 4295128740n);
 * console.log(r.amount0, r.amount1); // +input, -output
 * ```
 */
export class WasmPool implements V3Pool {
  readonly fee: number;
  readonly tickSpacing: number;
  readonly maxLiquidityPerTick: bigint;
  readonly #c: CoreExports;
  readonly #io: LimbIO;
  #h: number;
  readonly #ownerIds = new Map<string, number>();
  #liq: bigint | undefined = undefined;
  readonly #liqWords = new Uint32Array(4);
  readonly #owners: string[] = [];

  constructor(core: CoreExports, io: LimbIO, fee: number, tickSpacing: number) {
    if (!Number.isInteger(fee) || fee < 0 || fee >= 1_000_000) {
      throw new RangeError(`Cannot create pool: fee ${fee} is outside [0, 1000000) pips`);
    }
    if (!Number.isInteger(tickSpacing) || tickSpacing <= 0 || tickSpacing > 16384) {
      throw new RangeError(`Cannot create pool: tickSpacing ${tickSpacing} is outside [1, 16384]`);
    }
    this.#c = core;
    this.#io = io;
    this.fee = fee;
    this.tickSpacing = tickSpacing;
    const h = core.poolCreate(fee, tickSpacing);
    io.sync();
    if (h < 0) throw statusError(-h, "createPool", `fee=${fee}, tickSpacing=${tickSpacing}`);
    this.#h = h;
    core.poolGetState(h);
    this.maxLiquidityPerTick = io.getU(6);
  }

  /** Releases the pool's wasm memory; the object must not be used after. */
  free(): void {
    if (this.#h >= 0) this.#c.poolFree(this.#h);
    this.#h = -1;
  }

  #owner(owner: string, create: boolean): number {
    let id = this.#ownerIds.get(owner);
    if (id === undefined) {
      if (!create) return -1;
      if (typeof owner !== "string") {
        throw new TypeError(`Cannot use position owner ${String(owner)}: expected a string`);
      }
      id = this.#owners.length;
      if (id >= MAX_OWNERS) {
        throw new RangeError(`Cannot add owner '${owner}': over ${MAX_OWNERS} owners`);
      }
      this.#owners.push(owner);
      this.#ownerIds.set(owner, id);
    }
    return id;
  }

  initialize(sqrtPriceX96: bigint): void {
    checkRange("initialize", "sqrtPriceX96", sqrtPriceX96, 0n, U160_MAX);
    this.#io.put(0, sqrtPriceX96);
    const s = this.#c.poolInitialize(this.#h);
    if (s) throw statusError(s, "initialize", `sqrtPriceX96=${sqrtPriceX96}`);
  }

  #state(): void {
    const s = this.#c.poolGetState(this.#h);
    if (s) throw statusError(s, "read pool state", `handle ${this.#h}`);
    this.#io.sync();
  }

  slot0(): Slot0 {
    this.#state();
    const io = this.#io;
    return { sqrtPriceX96: io.getU(0), tick: io.getI32(7, 0), feeProtocol: io.getI32(7, 1) };
  }

  liquidity(): bigint {
    this.#state();
    return this.#io.getU(1);
  }

  feeGrowthGlobal0X128(): bigint {
    this.#state();
    return this.#io.getU(2);
  }

  feeGrowthGlobal1X128(): bigint {
    this.#state();
    return this.#io.getU(3);
  }

  protocolFees(): TokenAmounts {
    this.#state();
    return { amount0: this.#io.getU(4), amount1: this.#io.getU(5) };
  }

  setFeeProtocol(feeProtocol0: number, feeProtocol1: number): void {
    const s = this.#c.poolSetFeeProtocol(this.#h, feeProtocol0, feeProtocol1);
    if (s) {
      throw statusError(
        s,
        "setFeeProtocol",
        `feeProtocol0=${feeProtocol0}, feeProtocol1=${feeProtocol1}`,
      );
    }
  }

  #checkTicks(fn: string, tickLower: number, tickUpper: number): void {
    if (!Number.isInteger(tickLower) || !Number.isInteger(tickUpper)) {
      throw new TypeError(`Cannot ${fn}: ticks must be integers, got [${tickLower}, ${tickUpper}]`);
    }
  }

  mint(owner: string, tickLower: number, tickUpper: number, amount: bigint): TokenAmounts {
    this.#checkTicks("mint", tickLower, tickUpper);
    checkRange("mint", "amount", amount, 0n, U128_MAX);
    const id = this.#owner(owner, true);
    const io = this.#io;
    io.put(0, amount);
    const s = this.#c.poolMint(this.#h, id, tickLower, tickUpper);
    io.sync();
    if (s) {
      throw statusError(
        s,
        "mint",
        `owner '${owner}', ticks [${tickLower}, ${tickUpper}], amount ${amount}`,
      );
    }
    return { amount0: io.getU(1), amount1: io.getU(2) };
  }

  burn(owner: string, tickLower: number, tickUpper: number, amount: bigint): TokenAmounts {
    this.#checkTicks("burn", tickLower, tickUpper);
    checkRange("burn", "amount", amount, 0n, U128_MAX);
    const id = this.#owner(owner, true);
    const io = this.#io;
    io.put(0, amount);
    const s = this.#c.poolBurn(this.#h, id, tickLower, tickUpper);
    io.sync();
    if (s) {
      throw statusError(
        s,
        "burn",
        `owner '${owner}', ticks [${tickLower}, ${tickUpper}], amount ${amount}`,
      );
    }
    return { amount0: io.getU(1), amount1: io.getU(2) };
  }

  collect(
    owner: string,
    tickLower: number,
    tickUpper: number,
    amount0Requested: bigint,
    amount1Requested: bigint,
  ): TokenAmounts {
    this.#checkTicks("collect", tickLower, tickUpper);
    checkRange("collect", "amount0Requested", amount0Requested, 0n, U128_MAX);
    checkRange("collect", "amount1Requested", amount1Requested, 0n, U128_MAX);
    const id = this.#owner(owner, false);
    if (id < 0) return { amount0: 0n, amount1: 0n };
    const io = this.#io;
    io.put(0, amount0Requested);
    io.put(1, amount1Requested);
    const s = this.#c.poolCollect(this.#h, id, tickLower, tickUpper);
    if (s) throw statusError(s, "collect", `owner '${owner}', ticks [${tickLower}, ${tickUpper}]`);
    return { amount0: io.getU(2), amount1: io.getU(3) };
  }

  swap(zeroForOne: boolean, amountSpecified: bigint, sqrtPriceLimitX96: bigint): SwapResult {
    const io = this.#io;
    const amountSlot = io.putAmount(amountSpecified);
    if (amountSlot < 0) checkRange("swap", "amountSpecified", amountSpecified, I256_MIN, I256_MAX);
    const limitSlot = io.putLimit(sqrtPriceLimitX96);
    if (limitSlot < 0) checkRange("swap", "sqrtPriceLimitX96", sqrtPriceLimitX96, 0n, U160_MAX);
    const s = this.#c.poolSwap(this.#h, zeroForOne ? 1 : 0, amountSlot, limitSlot);
    io.sync();
    if (s) {
      throw statusError(
        s,
        "swap",
        `zeroForOne=${zeroForOne}, amountSpecified=${amountSpecified}, ` +
          `sqrtPriceLimitX96=${sqrtPriceLimitX96}, pool sqrtPriceX96=${this.slot0().sqrtPriceX96}`,
      );
    }
    // slot 6, limb 2: bit 0 / bit 1 when amount0 / amount1 is a plain int64
    const fits = io.getI32(6, 2);
    return new WasmSwapResult(
      (fits & 1) !== 0 ? io.getI64(2) : io.getS(2),
      (fits & 2) !== 0 ? io.getI64(3) : io.getS(3),
      io.getI32(6, 0),
      io.getI32(6, 1),
      this.#liquidityOf(io),
      io,
    );
  }

  /**
   * Slot 5 as a bigint, reusing the previous one when the limbs are the same
   * (active liquidity changes only when a swap crosses a tick or a position
   * in range is minted or burned, so most swaps reuse it).
   */
  #liquidityOf(io: LimbIO): bigint {
    // a uint128: four 32-bit words
    const c = this.#liqWords;
    const w0 = io.word32(40);
    const w1 = io.word32(41);
    const w2 = io.word32(42);
    const w3 = io.word32(43);
    if (w0 !== c[0] || w1 !== c[1] || w2 !== c[2] || w3 !== c[3] || this.#liq === undefined) {
      c[0] = w0;
      c[1] = w1;
      c[2] = w2;
      c[3] = w3;
      this.#liq = io.getU(5);
    }
    return this.#liq;
  }

  /**
   * Runs the swap-level replay kernel on this pool over events [start, end)
   * of the kernel's event buffer; returns the first event it did not
   * consume. Use it through
   * {@link ReplayKernel} (core-wasm/replay.ts), which packs the events and
   * reads the context block.
   */
  replayRun(start: number, end: number): number {
    const n = this.#c.poolReplay(this.#h, start, end);
    this.#io.sync();
    if (n < 0) throw new RangeError(`Cannot replay on pool handle ${this.#h}: it was freed`);
    return n;
  }

  ticks(tick: number): TickInfo {
    const found = this.#c.poolGetTick(this.#h, tick);
    this.#io.sync();
    return this.#readTick(found === 1);
  }

  #readTick(initialized: boolean): TickInfo {
    const io = this.#io;
    return {
      liquidityGross: io.getU(0),
      liquidityNet: io.getS(1),
      feeGrowthOutside0X128: io.getU(2),
      feeGrowthOutside1X128: io.getU(3),
      initialized,
    };
  }

  positions(owner: string, tickLower: number, tickUpper: number): PositionInfo {
    const id = this.#owner(owner, false);
    if (id < 0) {
      return {
        liquidity: 0n,
        feeGrowthInside0LastX128: 0n,
        feeGrowthInside1LastX128: 0n,
        tokensOwed0: 0n,
        tokensOwed1: 0n,
      };
    }
    this.#c.poolGetPosition(this.#h, id, tickLower, tickUpper);
    this.#io.sync();
    return this.#readPosition();
  }

  #readPosition(): PositionInfo {
    const io = this.#io;
    return {
      liquidity: io.getU(0),
      feeGrowthInside0LastX128: io.getU(1),
      feeGrowthInside1LastX128: io.getU(2),
      tokensOwed0: io.getU(3),
      tokensOwed1: io.getU(4),
    };
  }

  initializedTicks(): number[] {
    const n = this.#c.poolTickCount(this.#h);
    const out: number[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = this.#c.poolTickAt(this.#h, i);
    return out;
  }

  snapshot(): PoolSnapshot {
    this.#state();
    const io = this.#io;
    const snap: PoolSnapshot = {
      fee: this.fee,
      tickSpacing: this.tickSpacing,
      sqrtPriceX96: io.getU(0),
      tick: io.getI32(7, 0),
      liquidity: io.getU(1),
      feeGrowthGlobal0X128: io.getU(2),
      feeGrowthGlobal1X128: io.getU(3),
      feeProtocol: io.getI32(7, 1),
      protocolFees0: io.getU(4),
      protocolFees1: io.getU(5),
      ticks: [],
      positions: [],
    };
    const n = this.#c.poolTickCount(this.#h);
    for (let i = 0; i < n; i++) {
      const tick = this.#c.poolTickAt(this.#h, i);
      snap.ticks.push({ tick, ...this.#readTick(true) });
    }
    const m = this.#c.poolPositionCount(this.#h);
    for (let i = 0; i < m; i++) {
      this.#c.poolPositionAt(this.#h, i);
      const owner = this.#owners[io.getI32(5, 0)];
      snap.positions.push({
        owner,
        tickLower: io.getI32(5, 1),
        tickUpper: io.getI32(5, 2),
        ...this.#readPosition(),
      });
    }
    return snap;
  }

  /** Replaces this (fresh) pool's state with a snapshot; validates every field. */
  load(snap: PoolSnapshot): void {
    const fn = "load pool snapshot";
    const io = this.#io;
    checkRange(fn, "sqrtPriceX96", snap.sqrtPriceX96, 0n, U160_MAX);
    checkRange(fn, "liquidity", snap.liquidity, 0n, U128_MAX);
    checkRange(fn, "feeGrowthGlobal0X128", snap.feeGrowthGlobal0X128, 0n, U256_MAX);
    checkRange(fn, "feeGrowthGlobal1X128", snap.feeGrowthGlobal1X128, 0n, U256_MAX);
    checkRange(fn, "protocolFees0", snap.protocolFees0, 0n, U128_MAX);
    checkRange(fn, "protocolFees1", snap.protocolFees1, 0n, U128_MAX);
    io.put(0, snap.sqrtPriceX96);
    io.put(1, snap.liquidity);
    io.put(2, snap.feeGrowthGlobal0X128);
    io.put(3, snap.feeGrowthGlobal1X128);
    io.put(4, snap.protocolFees0);
    io.put(5, snap.protocolFees1);
    const s = this.#c.poolSetState(this.#h, snap.tick, snap.feeProtocol);
    if (s) {
      throw statusError(
        s,
        fn,
        `tick ${snap.tick} must be getTickAtSqrtRatio(${snap.sqrtPriceX96}) (or one below it when the price sits exactly on the next tick)`,
      );
    }
    for (const t of snap.ticks) {
      if (!Number.isInteger(t.tick) || t.tick < MIN_TICK || t.tick > MAX_TICK) {
        throw new RangeError(`Cannot ${fn}: tick ${t.tick} is outside [${MIN_TICK}, ${MAX_TICK}]`);
      }
      if (!t.initialized && t.liquidityGross === 0n) continue;
      const where = `tick ${t.tick}`;
      checkRange(fn, `${where} liquidityGross`, t.liquidityGross, 0n, U128_MAX);
      checkRange(fn, `${where} liquidityNet`, t.liquidityNet, -(1n << 127n), (1n << 127n) - 1n);
      checkRange(fn, `${where} feeGrowthOutside0X128`, t.feeGrowthOutside0X128, 0n, U256_MAX);
      checkRange(fn, `${where} feeGrowthOutside1X128`, t.feeGrowthOutside1X128, 0n, U256_MAX);
      io.put(0, t.liquidityGross);
      io.put(1, t.liquidityNet);
      io.put(2, t.feeGrowthOutside0X128);
      io.put(3, t.feeGrowthOutside1X128);
      const st = this.#c.poolSetTick(this.#h, t.tick);
      io.sync();
      if (st) {
        throw statusError(st, fn, `${where} is not a multiple of tickSpacing ${this.tickSpacing}`);
      }
    }
    for (const p of snap.positions) {
      const where = `position ${p.owner} [${p.tickLower}, ${p.tickUpper}]`;
      checkRange(fn, `${where} liquidity`, p.liquidity, 0n, U128_MAX);
      checkRange(fn, `${where} feeGrowthInside0LastX128`, p.feeGrowthInside0LastX128, 0n, U256_MAX);
      checkRange(fn, `${where} feeGrowthInside1LastX128`, p.feeGrowthInside1LastX128, 0n, U256_MAX);
      checkRange(fn, `${where} tokensOwed0`, p.tokensOwed0, 0n, U128_MAX);
      checkRange(fn, `${where} tokensOwed1`, p.tokensOwed1, 0n, U128_MAX);
      const id = this.#owner(p.owner, true);
      io.put(0, p.liquidity);
      io.put(1, p.feeGrowthInside0LastX128);
      io.put(2, p.feeGrowthInside1LastX128);
      io.put(3, p.tokensOwed0);
      io.put(4, p.tokensOwed1);
      const sp = this.#c.poolSetPosition(this.#h, id, p.tickLower, p.tickUpper);
      io.sync();
      if (sp) throw statusError(sp, fn, `${where} has invalid ticks`);
    }
  }
}

/**
 * A swap's result from core.wasm. The amounts, tick, crossings and liquidity
 * are plain fields; the exact post-swap sqrt price is captured as ten 16-bit
 * words at swap time and turned into a bigint on first read (a 160-bit
 * bigint costs several allocations, and many callers never read it).
 */
class WasmSwapResult implements SwapResult {
  readonly amount0: bigint;
  readonly amount1: bigint;
  readonly tick: number;
  readonly ticksCrossed: number;
  readonly liquidity: bigint;
  #w0: number;
  #w1: number;
  #w2: number;
  #w3: number;
  #w4: number;
  #w5: number;
  #w6: number;
  #w7: number;
  #w8: number;
  #w9: number;
  #sqrt: bigint | undefined = undefined;

  constructor(
    amount0: bigint,
    amount1: bigint,
    tick: number,
    ticksCrossed: number,
    liquidity: bigint,
    io: LimbIO,
  ) {
    this.amount0 = amount0;
    this.amount1 = amount1;
    this.tick = tick;
    this.ticksCrossed = ticksCrossed;
    this.liquidity = liquidity;
    const k = 4 * 16; // slot 4: sqrtPriceX96, little-endian 16-bit words
    this.#w0 = io.word16(k);
    this.#w1 = io.word16(k + 1);
    this.#w2 = io.word16(k + 2);
    this.#w3 = io.word16(k + 3);
    this.#w4 = io.word16(k + 4);
    this.#w5 = io.word16(k + 5);
    this.#w6 = io.word16(k + 6);
    this.#w7 = io.word16(k + 7);
    this.#w8 = io.word16(k + 8);
    this.#w9 = io.word16(k + 9);
  }

  /** The exact post-swap sqrt price (Q64.96). */
  get sqrtPriceX96(): bigint {
    if (this.#sqrt === undefined) {
      // three exact 48-bit groups and the top 16 bits
      const lo = BigInt(this.#w0 + this.#w1 * 0x10000 + this.#w2 * 0x100000000);
      const mid = BigInt(this.#w3 + this.#w4 * 0x10000 + this.#w5 * 0x100000000);
      const hi = BigInt(this.#w6 + this.#w7 * 0x10000 + this.#w8 * 0x100000000);
      let v = (hi << 96n) | (mid << 48n) | lo;
      if (this.#w9 !== 0) v |= BigInt(this.#w9) << 144n;
      this.#sqrt = v;
    }
    return this.#sqrt;
  }

  /** A plain-object copy (for JSON, spreads and printing). */
  toJSON(): SwapResult {
    return {
      amount0: this.amount0,
      amount1: this.amount1,
      sqrtPriceX96: this.sqrtPriceX96,
      tick: this.tick,
      liquidity: this.liquidity,
      ticksCrossed: this.ticksCrossed,
    };
  }

  /** Deno's console shows the plain fields, the price included. */
  [Symbol.for("Deno.customInspect")](inspect: (v: unknown, o?: unknown) => string, o?: unknown) {
    return inspect(this.toJSON(), o);
  }
}
