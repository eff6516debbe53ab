/**
 * The typed facade of core.wasm: exact Uniswap V3 math and pools, the same
 * module in Deno and in the browser.
 *
 * @example
 * ```ts
 * import { loadCore } from "./mod.ts";
 * const core = await loadCore();
 * core.math.getTickAtSqrtRatio(2n ** 96n); // 0
 * const pool = core.createPool(500, 10);
 * pool.initialize(core.math.getSqrtRatioAtTick(-200000));
 * ```
 * @module
 */
import type { PoolSnapshot, V3Implementation } from "./types.ts";
import { type CoreExports, DEFAULT_WASM_URL, instantiateCore } from "./_loader.ts";
import { LimbIO } from "./_io.ts";
import { WasmMath } from "./math.ts";
import { WasmPool } from "./pool.ts";
import { WasmQuoting } from "./quoting.ts";
import { WasmOrderBook } from "./book.ts";

export * from "./types.ts";
export { V3MathError } from "./errors.ts";
export { MAX_SQRT_RATIO, MAX_TICK, MIN_SQRT_RATIO, MIN_TICK, Q128, Q96, WasmMath } from "./math.ts";
export { WasmPool } from "./pool.ts";
export type { CoreExports } from "./_loader.ts";

/** One instantiated core.wasm with its math and pool factory. */
export class WasmCore implements V3Implementation {
  readonly name = "wasm";
  readonly exports: CoreExports;
  readonly math: WasmMath;
  readonly #io: LimbIO;

  constructor(exports: CoreExports) {
    this.exports = exports;
    this.#io = new LimbIO(exports);
    this.math = new WasmMath(exports, this.#io);
  }

  #quoting?: WasmQuoting;

  /** Quote models (Avellaneda–Stoikov, GLFT) and their calibration helpers. */
  get quoting(): WasmQuoting {
    return (this.#quoting ??= new WasmQuoting(this.exports));
  }

  /** A new, empty L2 order book (prices in ticks, sizes in lots); `free()` it when done. */
  createOrderBook(): WasmOrderBook {
    return new WasmOrderBook(this.exports);
  }

  /** A new, uninitialized pool (fee in pips, e.g. 3000 = 0.3%). */
  createPool(fee: number, tickSpacing: number): WasmPool {
    return new WasmPool(this.exports, this.#io, fee, tickSpacing);
  }

  /** A pool holding exactly the given state. */
  loadPool(snapshot: PoolSnapshot): WasmPool {
    const pool = new WasmPool(this.exports, this.#io, snapshot.fee, snapshot.tickSpacing);
    try {
      pool.load(snapshot);
    } catch (e) {
      pool.free();
      throw e;
    }
    return pool;
  }
}

const cache = new Map<string, Promise<WasmCore>>();

/**
 * Loads core.wasm (once per URL) and returns its facade.
 *
 * @example
 * ```ts
 * import { loadCore } from "./mod.ts";
 * const { math } = await loadCore();
 * console.log(math.getSqrtRatioAtTick(100));
 * ```
 */
export function loadCore(source: URL = DEFAULT_WASM_URL): Promise<WasmCore> {
  const key = source.href;
  let p = cache.get(key);
  if (!p) {
    p = instantiateCore(source).then((ex) => new WasmCore(ex));
    cache.set(key, p);
  }
  return p;
}

export { QUOTE_IN_STRIDE, QUOTE_OUT_STRIDE, QuoteRow, WasmQuoting } from "./quoting.ts";
export type {
  AvellanedaStoikovParams,
  GlftCoefficients,
  GlftParams,
  IntensityFit,
  Quote,
  QuoteParamsBase,
} from "./quoting.ts";
export { WasmOrderBook } from "./book.ts";
export type {
  BookDeltaBatch,
  BookDepth,
  BookLevel,
  BookLevels,
  BookSnapshot,
  DeltaResult,
  PriceLevel,
  Seq,
  SequenceStatus,
} from "./book.ts";
