/**
 * Typed-array access to core.wasm's scratch buffer (the array-passing
 * region used by the quoting and order-book exports) and to its small f64
 * result blocks. One `Scratch` per core instance, shared by every facade,
 * because asking for a larger scratch buffer frees the previous one. Views
 * are rebuilt whenever the wasm memory has grown.
 *
 * @module
 */
import type { CoreExports } from "./_loader.ts";

const byCore = new WeakMap<CoreExports, Scratch>();

/** The shared scratch accessor of one core.wasm instance. */
export function scratchFor(core: CoreExports): Scratch {
  let s = byCore.get(core);
  if (!s) {
    s = new Scratch(core);
    byCore.set(core, s);
  }
  return s;
}

/** Scratch buffer and result-block views of one core.wasm instance. */
export class Scratch {
  readonly core: CoreExports;
  #ptr = 0;
  #cap = 0;
  #buffer: ArrayBufferLike | null = null;
  #view: Float64Array = new Float64Array(0);
  #paramsBuffer: ArrayBufferLike | null = null;
  #params: Float64Array = new Float64Array(0);
  #outBuffer: ArrayBufferLike | null = null;
  #out: Float64Array = new Float64Array(0);

  constructor(core: CoreExports) {
    this.core = core;
  }

  /** Address of the scratch buffer (valid after `f64`). */
  get ptr(): number {
    return this.#ptr;
  }

  /**
   * A Float64Array over the scratch buffer with room for at least n values.
   * Valid until the next wasm call that may allocate; call again after it.
   */
  f64(n: number): Float64Array {
    const bytes = n * 8;
    if (bytes > this.#cap) {
      this.#ptr = this.core.scratchPtr(bytes);
      this.#cap = bytes;
      this.#buffer = null;
    }
    const buf = this.core.memory.buffer;
    if (buf !== this.#buffer) {
      this.#buffer = buf;
      this.#view = new Float64Array(buf, this.#ptr, this.#cap / 8);
    }
    return this.#view;
  }

  /** The 32-slot f64 parameter/result block of the quoting exports. */
  quoteParams(): Float64Array {
    if (this.core.memory.buffer !== this.#paramsBuffer) {
      this.#paramsBuffer = this.core.memory.buffer;
      this.#params = new Float64Array(this.#paramsBuffer, this.core.quoteParamsPtr(), 32);
    }
    return this.#params;
  }

  /** The 8-slot f64 result block of the book exports. */
  bookOut(): Float64Array {
    if (this.core.memory.buffer !== this.#outBuffer) {
      this.#outBuffer = this.core.memory.buffer;
      this.#out = new Float64Array(this.#outBuffer, this.core.bookOutPtr(), 8);
    }
    return this.#out;
  }
}
