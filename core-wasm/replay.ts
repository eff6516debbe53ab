/**
 * Typed access to core.wasm's swap-level replay kernel
 * (`assembly/replay.ts`): a packed event buffer, the f64 context block the
 * kernel and its host share, and the volatility-return buffer. The host (the
 * swap-level backtest engine) packs a run of market events, fills the
 * context from its state, calls {@link WasmPool.replayRun}, and reads back
 * the state and why the kernel stopped.
 *
 * @module
 */
import type { CoreExports } from "./_loader.ts";
import type { WasmPool } from "./pool.ts";

/** Bytes per packed event. */
export const EVENT_BYTES = 64;
/** Event kinds. */
export const K_SWAP = 0;
export const K_ARB = 1;
/** An event only the host handles (mint, burn, anything the kernel cannot). */
export const K_HOST = 2;
/** Event flags. */
export const F_ZERO_FOR_ONE = 1;
export const F_LIMIT = 2;
export const F_RECORDED_TICK = 4;

/** Context slots (f64 indices); see assembly/replay.ts for who writes which. */
export const C = {
  T_STOP: 0,
  T: 1,
  TIME_TOTAL: 2,
  TIME_IN_RANGE: 3,
  DEV_INTEGRAL: 4,
  DEV_MAX: 5,
  LAST_BASE_RATIO: 6,
  TARGET: 7,
  MAIN_LO: 8,
  MAIN_HI: 9,
  UNIT0: 10,
  UNIT1: 11,
  BASE: 12,
  EXP_DEC: 13,
  DEC_SHIFT: 14,
  FEE: 15,
  ARB_EDGE: 16,
  WALLET0: 17,
  WALLET1: 18,
  POS_F0: 19,
  POS_F1: 20,
  LVR: 21,
  POOL_FEES: 22,
  POOL_VOLUME: 23,
  FEE_FLOW: 24,
  FEE_FLOW_T: 25,
  TAU: 26,
  SHARE: 27,
  VOL_NEXT_T: 28,
  VOL_LAST_T: 29,
  VOL_LAST_LN: 30,
  VOL_PENDING_LN: 31,
  VOL_SAMPLE: 32,
  QUIET: 33,
  ARMED: 34,
  THRESHOLD: 35,
  REARM: 36,
  ESCALATE: 37,
  LAST_RATIO: 38,
  BOUND: 39,
  WAS_IN_RANGE: 40,
  N_POS: 41,
  POS: 42,
  SWAPS: 64,
  ARBS: 65,
  REJECTED: 66,
  TICK_DRIFT: 67,
  VOL_COUNT: 68,
  STOP: 69,
  DECIDE: 70,
  SQRT_F: 71,
  PRICE: 72,
  LN_TICK: 73,
  RETRY: 74,
  RETRY_AT: 75,
  PENDING: 76,
  LAST_T: 77,
  MIN_INTERVAL: 78,
  DEFERRED: 79,
} as const;
/** Positions the kernel values (more make the host replay event by event). */
export const MAX_KERNEL_POSITIONS = 4;
const CTX_SLOTS = 96;
const VOL_CAP = 1024;

/** Why a kernel run stopped. */
export const STOP = {
  END: 0,
  TIME: 1,
  HOST_EVENT: 2,
  DECIDE: 3,
  VOL_FULL: 4,
  FAILED: 5,
} as const;

const kernels = new WeakMap<CoreExports, ReplayKernel>();
const TWO64 = 1n << 64n;
const TWO128 = 1n << 128n;

/**
 * The replay kernel's buffers in one core.wasm instance. Views are rebuilt
 * whenever the wasm memory has grown (a grown memory detaches the old
 * buffer, so its views report length 0).
 *
 * @example
 * ```ts
 * import { loadCore } from "./mod.ts";
 * import { ReplayKernel } from "./replay.ts";
 * const core = await loadCore();
 * const k = ReplayKernel.for(core.exports);
 * k.reserve(1);
 * k.packSwap(0, 0, true, 10n ** 15n);
 * ```
 */
export class ReplayKernel {
  /** The kernel of one core.wasm instance (its buffers are per instance). */
  static for(core: CoreExports): ReplayKernel {
    let k = kernels.get(core);
    if (!k) {
      k = new ReplayKernel(core);
      kernels.set(core, k);
    }
    return k;
  }

  readonly #c: CoreExports;
  #cap = 0;
  #ptr = 0;
  #f64: Float64Array = new Float64Array(0);
  #i32: Int32Array = new Int32Array(0);
  #u64: BigUint64Array = new BigUint64Array(0);
  #ctx: Float64Array = new Float64Array(0);
  #vol: Float64Array = new Float64Array(0);

  constructor(core: CoreExports) {
    this.#c = core;
    this.#views();
  }

  #views(): void {
    const buf = this.#c.memory.buffer;
    this.#ctx = new Float64Array(buf, this.#c.replayCtx(), CTX_SLOTS);
    this.#vol = new Float64Array(buf, this.#c.replayVol(), VOL_CAP * 2);
    if (this.#cap > 0) {
      this.#f64 = new Float64Array(buf, this.#ptr, this.#cap * 8);
      this.#i32 = new Int32Array(buf, this.#ptr, this.#cap * 16);
      this.#u64 = new BigUint64Array(buf, this.#ptr, this.#cap * 8);
    }
  }

  /** Makes room for `n` events (previously packed events are not kept). */
  reserve(n: number): void {
    const ptr = this.#c.replayEvents(n * EVENT_BYTES);
    if (ptr !== this.#ptr || n > this.#cap || this.#ctx.length === 0) {
      this.#ptr = ptr;
      this.#cap = Math.max(n, this.#cap);
      this.#views();
    }
  }

  /**
   * The context block. Any wasm call may grow the memory, which detaches
   * the old views (writes to them are silently lost), so this re-checks.
   */
  get ctx(): Float64Array {
    if (this.#ctx.length === 0) this.#views();
    return this.#ctx;
  }

  /** Volatility returns written by the last run: pairs (r², dt). */
  get vol(): Float64Array {
    if (this.#vol.length === 0) this.#views();
    return this.#vol;
  }

  /** Rebuilds views if the memory grew. */
  sync(): void {
    if (this.#ctx.length === 0) this.#views();
  }

  /**
   * Packs a market swap at slot i. Returns false (and packs a host event)
   * when the amount does not fit the kernel's 128 bits.
   */
  packSwap(
    i: number,
    t: number,
    zeroForOne: boolean,
    amount: bigint,
    limit?: bigint,
    recordedTick?: number,
  ): boolean {
    if (amount < 0n || amount >= TWO128) {
      this.packHost(i, t);
      return false;
    }
    const w = i * 16;
    const q = i * 8;
    this.#f64[q] = t;
    let flags = zeroForOne ? F_ZERO_FOR_ONE : 0;
    if (limit !== undefined) flags |= F_LIMIT;
    if (recordedTick !== undefined) flags |= F_RECORDED_TICK;
    this.#i32[w + 2] = K_SWAP;
    this.#i32[w + 3] = flags;
    this.#i32[w + 4] = recordedTick ?? 0;
    const u = this.#u64;
    u[q + 3] = amount;
    u[q + 4] = amount < TWO64 ? 0n : amount >> 64n;
    if (limit !== undefined) {
      u[q + 5] = limit;
      u[q + 6] = limit >> 64n;
      u[q + 7] = limit >> 128n;
    }
    return true;
  }

  /** Packs an arbitrage check against `fairPrice` (base in quote units) at slot i. */
  packArb(i: number, t: number, fairPrice: number): void {
    const w = i * 16;
    const q = i * 8;
    this.#f64[q] = t;
    this.#i32[w + 2] = K_ARB;
    this.#i32[w + 3] = 0;
    this.#f64[q + 4] = fairPrice;
  }

  /** Packs an event the kernel stops at, for the host to handle. */
  packHost(i: number, t: number): void {
    this.#f64[i * 8] = t;
    this.#i32[i * 16 + 2] = K_HOST;
  }

  /** Runs the kernel on `pool` over events [start, end); returns the first one not consumed. */
  run(pool: WasmPool, start: number, end: number): number {
    const n = pool.replayRun(start, end);
    this.sync();
    return n;
  }
}
