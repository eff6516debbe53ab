/**
 * The bigint <-> limb boundary: reads and writes the 16 U256 slots of
 * core.wasm's IO block through typed-array views. Values that fit in 64 bits
 * (most amounts, every tick-sized number) cross with a single typed-array
 * access; wider ones are split/joined with shifts. Views are rebuilt when the
 * wasm memory grows.
 *
 * @module
 */
import type { CoreExports } from "./_loader.ts";
import { V3MathError } from "./errors.ts";
import { STATUS_CODES, STATUS_TEXT } from "./_status.ts";

const TWO64 = 1n << 64n;
const MASK64 = TWO64 - 1n;
const TWO128 = 1n << 128n;

/** Limb access to the IO block of one core.wasm instance. */
export class LimbIO {
  readonly core: CoreExports;
  #ptr: number;
  #buffer: ArrayBufferLike | null = null;
  #u64!: BigUint64Array;
  #i64!: BigInt64Array;
  #u32!: Uint32Array;
  #i32!: Int32Array;
  #u16!: Uint16Array;
  /** Swap amounts in slots 12 and 13, price limits in 14 and 15 (core.wasm never writes them). */
  readonly #amounts = new RememberedSlots(12);
  readonly #limits = new RememberedSlots(14);

  constructor(core: CoreExports) {
    this.core = core;
    this.#ptr = core.ioPtr();
    this.#refresh();
  }

  #refresh(): void {
    const buf = this.core.memory.buffer;
    if (buf === this.#buffer) return;
    this.#buffer = buf;
    this.#u64 = new BigUint64Array(buf, this.#ptr, 64);
    this.#i64 = new BigInt64Array(buf, this.#ptr, 64);
    this.#u32 = new Uint32Array(buf, this.#ptr, 128);
    this.#i32 = new Int32Array(buf, this.#ptr, 128);
    this.#u16 = new Uint16Array(buf, this.#ptr, 256);
  }

  /**
   * Call after any wasm call that may have grown memory. Growing detaches
   * the old buffer, and views on a detached buffer have length 0: a cheaper
   * test than reading `memory.buffer`.
   */
  sync(): void {
    if (this.#u64.length === 0) this.#refresh();
  }

  /** Writes x (any value in [-2^255, 2^256)) into slot i, two's complement. */
  put(i: number, x: bigint): void {
    if (i === 0 && this.#u64.length === 0) this.#refresh();
    const u = this.#u64;
    const o = i << 2;
    if (x >= 0n && x <= MASK64) {
      u[o] = x;
      u[o + 1] = 0n;
      u[o + 2] = 0n;
      u[o + 3] = 0n;
    } else if (x >= 0n && x < TWO128) {
      u[o] = x;
      u[o + 1] = x >> 64n;
      u[o + 2] = 0n;
      u[o + 3] = 0n;
    } else {
      // each store keeps the low 64 bits of its shifted value
      const hi = x >> 128n;
      u[o] = x;
      u[o + 1] = x >> 64n;
      u[o + 2] = hi;
      u[o + 3] = hi >> 64n;
    }
  }

  /**
   * Writes a swap's exact amount (an int256) into one of the two amount
   * slots (12, 13) and returns that slot, or -1 (nothing written) when x is
   * not an int256. Like {@link putLimit}, the last two amounts are
   * remembered: a caller that swaps "as much as it takes" up to a price
   * limit passes the same huge amount again and again.
   */
  putAmount(x: bigint): number {
    return this.#putRemembered(this.#amounts, x, I256_MIN, I256_MAX);
  }

  /**
   * Writes a swap's price limit (uint160) into one of the two limit slots
   * (14, 15) and returns that slot, or -1 (nothing written) when x is not a
   * uint160. The last two limits are remembered, so a caller alternating
   * between two limits (the no-limit bounds of either direction, say)
   * writes and checks each once.
   */
  putLimit(x: bigint): number {
    return this.#putRemembered(this.#limits, x, 0n, U160_MAX);
  }

  /** x's slot in pair, written there first unless it already holds x; -1 when x is not in [min, max]. */
  #putRemembered(pair: RememberedSlots, x: bigint, min: bigint, max: bigint): number {
    const found = pair.find(x);
    if (found >= 0) return found;
    if (typeof x !== "bigint" || x < min || x > max) return -1;
    if (this.#u64.length === 0) this.#refresh();
    const slot = pair.claim(x);
    this.put(slot, x);
    return slot;
  }

  /** 16-bit word k of the IO block (k = slot * 16 + word), for cheap captures. */
  word16(k: number): number {
    return this.#u16[k];
  }

  /** 32-bit word k of the IO block (k = slot * 8 + word), unsigned. */
  word32(k: number): number {
    return this.#u32[k];
  }

  /** Slot i as an unsigned value in [0, 2^256). */
  getU(i: number): bigint {
    const w = this.#u32;
    const o = i << 3;
    const u = this.#u64;
    const l = i << 2;
    if ((w[o + 4] | w[o + 5] | w[o + 6] | w[o + 7]) === 0) {
      if ((w[o + 2] | w[o + 3]) === 0) return u[l];
      return (u[l + 1] << 64n) | u[l];
    }
    return (u[l + 3] << 192n) | (u[l + 2] << 128n) | (u[l + 1] << 64n) | u[l];
  }

  /** Slot i as a signed (two's complement int256) value. */
  getS(i: number): bigint {
    const w = this.#i32;
    const o = i << 3;
    const top = w[o + 7];
    if (top >= 0) return this.getU(i);
    if ((w[o + 4] & w[o + 5] & w[o + 6] & top) === -1) {
      // in [-2^128, 0): one or two limbs, no 256-bit intermediate
      if ((w[o + 2] & w[o + 3]) === -1) {
        // [-2^63, 0) is one signed limb; [-2^64, -2^63) is limb 0 - 2^64
        return w[o + 1] < 0 ? this.#i64[i << 2] : this.#u64[i << 2] - TWO64;
      }
      return (this.#i64[(i << 2) + 1] << 64n) | this.#u64[i << 2];
    }
    return this.getU(i) - (1n << 256n);
  }

  /**
   * Slot i as a signed value when the caller knows it is in [-2^63, 2^63)
   * (core.wasm says so for swap amounts): a single typed-array read.
   */
  getI64(i: number): bigint {
    return this.#i64[i << 2];
  }

  /** Limb k (0..3) of slot i as a small signed number (for packed ints). */
  getI32(i: number, k: number): number {
    return this.#i32[(i << 3) + (k << 1)];
  }
}

/**
 * Two IO slots (first, first + 1) that remember the value last written to
 * each, so a value passed again is not written again. Only the facade writes
 * these slots.
 */
class RememberedSlots {
  readonly #first: number;
  #v0: bigint | null = null;
  #v1: bigint | null = null;
  /** 0 or 1: the slot used less recently, the next to be claimed. */
  #older = 0;

  constructor(first: number) {
    this.#first = first;
  }

  /** The slot already holding x, or -1. */
  find(x: bigint): number {
    if (x === this.#v0) {
      this.#older = 1;
      return this.#first;
    }
    if (x === this.#v1) {
      this.#older = 0;
      return this.#first + 1;
    }
    return -1;
  }

  /** Claims the less recently used slot for x (the caller writes x there). */
  claim(x: bigint): number {
    const k = this.#older;
    if (k === 0) this.#v0 = x;
    else this.#v1 = x;
    this.#older = 1 - k;
    return this.#first + k;
  }
}

/** Turns a nonzero core.wasm status into the contract's typed error. */
export function statusError(status: number, fn: string, detail: string): V3MathError {
  const code = STATUS_CODES[status] ?? `STATUS_${status}`;
  const what = STATUS_TEXT[code] ?? "the contract would revert";
  return new V3MathError(code, fn, detail ? `${what}: ${detail}` : what);
}

/**
 * Throws a TypeError unless x is an integer in [min, max]; names the
 * function, the argument and the value.
 */
export function checkRange(fn: string, arg: string, x: bigint, min: bigint, max: bigint): void {
  if (typeof x !== "bigint") {
    throw new TypeError(`Cannot ${fn}: ${arg} must be a bigint, got ${typeof x} ${String(x)}`);
  }
  if (x < min || x > max) {
    throw new RangeError(`Cannot ${fn}: ${arg} ${x} is outside [${min}, ${max}]`);
  }
}

/** Type bounds for checkRange. */
export const U256_MAX = (1n << 256n) - 1n;
export const U160_MAX = (1n << 160n) - 1n;
export const U128_MAX = (1n << 128n) - 1n;
export const I256_MIN = -(1n << 255n);
export const I256_MAX = (1n << 255n) - 1n;
export const I128_MIN = -(1n << 127n);
export const I128_MAX = (1n << 127n) - 1n;
