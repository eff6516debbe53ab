/**
 * Market-making quote models computed in core.wasm: Avellaneda–Stoikov
 * (finite horizon) and GLFT (Guéant's infinite-horizon closed form), quotes
 * as prices and as integer ticks, plus the calibration helpers (sigma from
 * mids; A and k from fill intensities at several depths).
 *
 * Units are the caller's, but must be consistent: price (currency or ticks)
 * for mids, depths, fees and tick size; `sigma` in price/√time; `k` in
 * 1/price; `A` in 1/time; `horizon` (T − t) in time; inventory `q`, `lot` and
 * `maxPosition` in one quantity unit.
 *
 * Formulas (see core-wasm/assembly/quoting.ts for the derivations):
 * - A–S: r = s − q·γ·σ²·(T−t); total spread γσ²(T−t) + (2/γ)·ln(1+γ/k);
 *   bid = r − spread/2 − fee, ask = r + spread/2 + fee.
 * - GLFT: c1 = (1/(ξΔ))·ln(1+ξΔ/k), c2 = √((γσ²/(2AΔk))·(1+ξΔ/k)^(k/(ξΔ)+1));
 *   bid depth c1 + ((2q+Δ)/2)·c2 + fee, ask depth c1 − ((2q−Δ)/2)·c2 + fee;
 *   ξ defaults to γ, and ξ = 0 takes the limit (c1 = 1/k, power term = e).
 * - Ticks: bid rounded down, ask rounded up (1e-9 tick slack for binary
 *   representation), and never crossing: askTick ≥ bidTick + 1.
 * - Inventory bound Q: no bid when q ≥ Q, no ask when q ≤ −Q.
 *
 * @example
 * ```ts
 * import { loadCore } from "./mod.ts";
 * const { quoting } = await loadCore();
 * const q = quoting.glft({ gamma: 0.05, sigma: 2, A: 1, k: 0.5, tickSize: 1 }, 1000, 3);
 * console.log(q.bidTick, q.askTick);
 * ```
 * @module
 */
import type { CoreExports } from "./_loader.ts";
import { type Scratch, scratchFor } from "./_scratch.ts";

// parameter block slots (core-wasm/assembly/quoting.ts P_*)
const P_GAMMA = 0;
const P_SIGMA = 1;
const P_K = 2;
const P_A = 3;
const P_XI = 4;
const P_DELTA = 5;
const P_FEE = 6;
const P_TICK = 7;
const P_MAXPOS = 8;
const P_HS_SCALE = 9;
const P_SKEW_SCALE = 10;
const R0 = 16;

/** Values per input row of `quoteBatch`: mid, q, horizon (A–S only). */
export const QUOTE_IN_STRIDE = 3;
/** Values per output row of `quoteBatch`. */
export const QUOTE_OUT_STRIDE = 8;
/** Offsets inside an output row of `quoteBatch`. */
export const QuoteRow = {
  reservation: 0,
  bidDepth: 1,
  askDepth: 2,
  bid: 3,
  ask: 4,
  bidTick: 5,
  askTick: 6,
  /** bit 0: bid quoted, bit 1: ask quoted. */
  flags: 7,
} as const;

const E_BAD_INPUT = 22;

/** Parameters shared by both models. */
export interface QuoteParamsBase {
  /** Risk aversion γ ≥ 0. */
  gamma: number;
  /** Mid volatility σ ≥ 0 in price/√time. */
  sigma: number;
  /** Fill-intensity decay k > 0 in 1/price (λ(δ) = A·e^(−kδ)). */
  k: number;
  /** Execution cost (fee, hedge cost) ≥ 0 added to each side's depth, in price. Default 0. */
  fee?: number;
  /** Tick size > 0; when given, quotes are also returned as integer ticks. */
  tickSize?: number;
  /** Inventory bound Q > 0: no bid when q ≥ Q, no ask when q ≤ −Q. Default Infinity. */
  maxPosition?: number;
}

/** Avellaneda–Stoikov parameters. */
export interface AvellanedaStoikovParams extends QuoteParamsBase {
  /** Time left T − t ≥ 0 (per-row in `quoteBatch`). */
  horizon: number;
}

/** GLFT (Guéant infinite horizon) parameters. */
export interface GlftParams extends QuoteParamsBase {
  /** Fill intensity at zero depth A > 0, in 1/time. */
  A: number;
  /** ξ ≥ 0: ξ = γ (default) is Guéant's model, ξ = 0 the running-penalty variant. */
  xi?: number;
  /** Lot size Δ > 0 in the inventory unit. Default 1. */
  lot?: number;
  /** Multiplier of the half spread (hftbacktest adj1). Default 1. */
  halfSpreadScale?: number;
  /** Multiplier of the skew (hftbacktest adj2). Default 1. */
  skewScale?: number;
}

/** One two-sided quote. */
export interface Quote {
  /** Centre of the two quotes: s − (bidDepth − askDepth)/2 (A–S: the reservation price). */
  reservation: number;
  /** mid − bid, fee included (computed even when the bid is withheld). */
  bidDepth: number;
  /** ask − mid, fee included (computed even when the ask is withheld). */
  askDepth: number;
  /** Bid price, or null when q ≥ maxPosition. */
  bid: number | null;
  /** Ask price, or null when q ≤ −maxPosition. */
  ask: number | null;
  /** floor(bid / tickSize), or null without a bid or a tick size. */
  bidTick: number | null;
  /** ceil(ask / tickSize) (≥ bidTick + 1), or null without an ask or a tick size. */
  askTick: number | null;
}

/** GLFT coefficients (σ included), as hftbacktest's `compute_coeff`. */
export interface GlftCoefficients {
  /** (1/(ξΔ))·ln(1+ξΔ/k) (1/k at ξ = 0). */
  c1: number;
  /** √((γσ²/(2AΔk))·(1+ξΔ/k)^(k/(ξΔ)+1)). */
  c2: number;
  /** c1 + (Δ/2)·c2: depth of each side at q = 0, before fee and scale. */
  halfSpread: number;
  /** c2: depth change per unit of inventory. */
  skew: number;
}

/** Result of fitting λ(δ) = A·e^(−kδ). */
export interface IntensityFit {
  A: number;
  k: number;
  /** r² of the least-squares fit of ln λ on δ. */
  r2: number;
  /** Points used (those with λ > 0). */
  points: number;
}

type Model = "avellanedaStoikov" | "glft";

function fail(fn: string, name: string, x: unknown, must: string): never {
  throw new RangeError(`Cannot ${fn}: ${name} ${String(x)} must be ${must}`);
}

function finite(fn: string, name: string, x: unknown): number {
  if (typeof x !== "number" || !Number.isFinite(x)) fail(fn, name, x, "a finite number");
  return x;
}

function atLeast0(fn: string, name: string, x: unknown): number {
  if (typeof x !== "number" || !Number.isFinite(x) || x < 0) {
    fail(fn, name, x, "a finite number >= 0");
  }
  return x;
}

function positive(fn: string, name: string, x: unknown): number {
  if (typeof x !== "number" || !Number.isFinite(x) || x <= 0) {
    fail(fn, name, x, "a finite number > 0");
  }
  return x;
}

function numbers(fn: string, name: string, xs: ArrayLike<number>): void {
  if (xs == null || typeof xs.length !== "number") fail(fn, name, xs, "an array of numbers");
}

/**
 * Quote models and calibration over one core.wasm instance; get it as
 * `(await loadCore()).quoting`.
 */
export class WasmQuoting {
  readonly #c: CoreExports;
  readonly #s: Scratch;

  constructor(core: CoreExports) {
    this.#c = core;
    this.#s = scratchFor(core);
  }

  #writeCommon(fn: string, p: QuoteParamsBase): Float64Array {
    if (p == null || typeof p !== "object") fail(fn, "params", p, "an object");
    const gamma = atLeast0(fn, "gamma", p.gamma);
    const sigma = atLeast0(fn, "sigma", p.sigma);
    const k = positive(fn, "k", p.k);
    const fee = atLeast0(fn, "fee", p.fee ?? 0);
    const tick = p.tickSize === undefined ? 0 : positive(fn, "tickSize", p.tickSize);
    const maxPos = p.maxPosition ?? Infinity;
    if (typeof maxPos !== "number" || !(maxPos > 0)) {
      fail(fn, "maxPosition", maxPos, "a number > 0 (or Infinity)");
    }
    const v = this.#s.quoteParams();
    v[P_GAMMA] = gamma;
    v[P_SIGMA] = sigma;
    v[P_K] = k;
    v[P_FEE] = fee;
    v[P_TICK] = tick;
    v[P_MAXPOS] = maxPos;
    return v;
  }

  #writeGlft(fn: string, p: GlftParams): void {
    const v = this.#writeCommon(fn, p);
    const a = positive(fn, "A", p.A);
    const xi = atLeast0(fn, "xi", p.xi ?? p.gamma);
    const lot = positive(fn, "lot", p.lot ?? 1);
    const adj1 = atLeast0(fn, "halfSpreadScale", p.halfSpreadScale ?? 1);
    const adj2 = atLeast0(fn, "skewScale", p.skewScale ?? 1);
    v[P_A] = a;
    v[P_XI] = xi;
    v[P_DELTA] = lot;
    v[P_HS_SCALE] = adj1;
    v[P_SKEW_SCALE] = adj2;
  }

  #writeParams(model: Model, fn: string, params: AvellanedaStoikovParams | GlftParams): void {
    if (model === "glft") this.#writeGlft(fn, params as GlftParams);
    else this.#writeCommon(fn, params);
  }

  /** Runs the model over n rows already in scratch[0, 3n); outputs at scratch[3n, 11n). */
  #run(model: Model, fn: string, n: number): void {
    const ptr = this.#s.ptr;
    const outPtr = ptr + n * QUOTE_IN_STRIDE * 8;
    const st = model === "glft"
      ? this.#c.glftQuotes(ptr, n, outPtr)
      : this.#c.asQuotes(ptr, n, outPtr);
    if (st === E_BAD_INPUT) {
      throw new RangeError(`Cannot ${fn}: the parameters are outside the model's domain`);
    }
    if (st !== 0) throw new Error(`Cannot ${fn}: core.wasm status ${st}`);
  }

  #quoteAt(v: Float64Array, o: number): Quote {
    const flags = v[o + 7];
    const hasBid = (flags & 1) !== 0;
    const hasAsk = (flags & 2) !== 0;
    const bt = v[o + 5];
    const at = v[o + 6];
    return {
      reservation: v[o],
      bidDepth: v[o + 1],
      askDepth: v[o + 2],
      bid: hasBid ? v[o + 3] : null,
      ask: hasAsk ? v[o + 4] : null,
      bidTick: hasBid && !Number.isNaN(bt) ? bt : null,
      askTick: hasAsk && !Number.isNaN(at) ? at : null,
    };
  }

  #one(
    model: Model,
    fn: string,
    params: AvellanedaStoikovParams | GlftParams,
    mid: number,
    q: number,
    tau: number,
  ): Quote {
    this.#writeParams(model, fn, params);
    finite(fn, "mid", mid);
    finite(fn, "q", q);
    const v = this.#s.f64(QUOTE_IN_STRIDE + QUOTE_OUT_STRIDE);
    v[0] = mid;
    v[1] = q;
    v[2] = tau;
    this.#run(model, fn, 1);
    return this.#quoteAt(this.#s.f64(QUOTE_IN_STRIDE + QUOTE_OUT_STRIDE), QUOTE_IN_STRIDE);
  }

  #ladder(
    model: Model,
    fn: string,
    params: AvellanedaStoikovParams | GlftParams,
    mid: number,
    qs: ArrayLike<number>,
    tau: number,
  ): Quote[] {
    this.#writeParams(model, fn, params);
    finite(fn, "mid", mid);
    numbers(fn, "inventories", qs);
    const n = qs.length;
    const v = this.#s.f64(n * (QUOTE_IN_STRIDE + QUOTE_OUT_STRIDE));
    for (let i = 0; i < n; i++) {
      const q = qs[i];
      if (typeof q !== "number" || !Number.isFinite(q)) {
        fail(fn, `inventories[${i}]`, q, "a finite number");
      }
      v[i * 3] = mid;
      v[i * 3 + 1] = q;
      v[i * 3 + 2] = tau;
    }
    this.#run(model, fn, n);
    const w = this.#s.f64(n * (QUOTE_IN_STRIDE + QUOTE_OUT_STRIDE));
    const out: Quote[] = new Array(n);
    for (let i = 0; i < n; i++) {
      out[i] = this.#quoteAt(w, n * QUOTE_IN_STRIDE + i * QUOTE_OUT_STRIDE);
    }
    return out;
  }

  /**
   * One Avellaneda–Stoikov quote at mid `mid` with inventory `q`.
   *
   * @example
   * ```ts
   * import { loadCore } from "./mod.ts";
   * const { quoting } = await loadCore();
   * const p = { gamma: 0.1, sigma: 2, k: 1.5, horizon: 1, tickSize: 0.01 };
   * console.log(quoting.avellanedaStoikov(p, 100, 2).reservation); // 100 - 2*0.1*4*1 = 99.2
   * ```
   */
  avellanedaStoikov(params: AvellanedaStoikovParams, mid: number, q: number): Quote {
    const fn = "quote Avellaneda-Stoikov";
    const tau = atLeast0(fn, "horizon", params?.horizon);
    return this.#one("avellanedaStoikov", fn, params, mid, q, tau);
  }

  /** One GLFT quote at mid `mid` with inventory `q`. */
  glft(params: GlftParams, mid: number, q: number): Quote {
    return this.#one("glft", "quote GLFT", params, mid, q, 0);
  }

  /**
   * Avellaneda–Stoikov quotes for each inventory in `inventories` at one mid,
   * in one wasm call (e.g. a chart of quotes against inventory).
   */
  avellanedaStoikovLadder(
    params: AvellanedaStoikovParams,
    mid: number,
    inventories: ArrayLike<number>,
  ): Quote[] {
    const fn = "quote Avellaneda-Stoikov ladder";
    const tau = atLeast0(fn, "horizon", params?.horizon);
    return this.#ladder("avellanedaStoikov", fn, params, mid, inventories, tau);
  }

  /**
   * GLFT quotes for each inventory in `inventories` at one mid, in one wasm call.
   *
   * @example
   * ```ts
   * import { loadCore } from "./mod.ts";
   * const { quoting } = await loadCore();
   * const ladder = quoting.glftLadder({ gamma: 0.05, sigma: 2, A: 1, k: 0.5, maxPosition: 2 }, 100, [-2, 0, 2]);
   * console.log(ladder.map((q) => [q.bid, q.ask])); // no ask at -2, no bid at 2
   * ```
   */
  glftLadder(params: GlftParams, mid: number, inventories: ArrayLike<number>): Quote[] {
    return this.#ladder("glft", "quote GLFT ladder", params, mid, inventories, 0);
  }

  /**
   * Packed batch for hot loops (backtests): `rows` holds n rows of
   * (mid, q, horizon) (`QUOTE_IN_STRIDE` values each; horizon is read by
   * Avellaneda–Stoikov only, params.horizon is ignored); returns n rows of
   * `QUOTE_OUT_STRIDE` values laid out as `QuoteRow` (NaN for a withheld side
   * or absent tick).
   */
  quoteBatch(
    model: Model,
    params: AvellanedaStoikovParams | GlftParams,
    rows: Float64Array,
  ): Float64Array {
    const fn = `quote ${model} batch`;
    if (model !== "glft" && model !== "avellanedaStoikov") {
      fail(fn, "model", model, "'avellanedaStoikov' or 'glft'");
    }
    if (!(rows instanceof Float64Array) || rows.length % QUOTE_IN_STRIDE !== 0) {
      fail(
        fn,
        "rows",
        rows?.length,
        `a Float64Array whose length is a multiple of ${QUOTE_IN_STRIDE}`,
      );
    }
    this.#writeParams(model, fn, params);
    const n = rows.length / QUOTE_IN_STRIDE;
    this.#s.f64(n * (QUOTE_IN_STRIDE + QUOTE_OUT_STRIDE)).set(rows);
    try {
      this.#run(model, fn, n);
    } catch (e) {
      for (let i = 0; i < n; i++) {
        finite(fn, `rows[${i}].mid`, rows[i * 3]);
        finite(fn, `rows[${i}].q`, rows[i * 3 + 1]);
        if (model !== "glft") atLeast0(fn, `rows[${i}].horizon`, rows[i * 3 + 2]);
      }
      throw e;
    }
    const start = n * QUOTE_IN_STRIDE;
    return this.#s.f64(n * (QUOTE_IN_STRIDE + QUOTE_OUT_STRIDE)).slice(
      start,
      start + n * QUOTE_OUT_STRIDE,
    );
  }

  /**
   * The GLFT coefficients for `params` (fee, tick, bound and scales unused).
   *
   * @example
   * ```ts
   * import { loadCore } from "./mod.ts";
   * const { quoting } = await loadCore();
   * const c = quoting.glftCoefficients({ gamma: 0, sigma: 1, A: 1, k: 2, xi: 0 });
   * console.log(c.c1); // 1/k = 0.5
   * ```
   */
  glftCoefficients(params: GlftParams): GlftCoefficients {
    const fn = "compute GLFT coefficients";
    this.#writeGlft(fn, params);
    const st = this.#c.glftCoefficients();
    if (st !== 0) {
      throw new RangeError(`Cannot ${fn}: the parameters are outside the model's domain`);
    }
    const v = this.#s.quoteParams();
    return { c1: v[R0], c2: v[R0 + 1], halfSpread: v[R0 + 2], skew: v[R0 + 3] };
  }

  /**
   * Volatility per √(time unit) of mids sampled every `dt`: the sample
   * standard deviation (mean removed, n−1 divisor over the n−1 returns)
   * of the price changes m[i] − m[i−1] (default; σ in price units, as the
   * models expect) or, with `logReturns`, of ln(m[i]/m[i−1]) (σ as a
   * fraction: multiply by the mid for price units), divided by √dt.
   *
   * @example
   * ```ts
   * import { loadCore } from "./mod.ts";
   * const { quoting } = await loadCore();
   * console.log(quoting.sigmaFromMids([100, 101, 100, 101, 100], 0.1)); // price / √time
   * ```
   */
  sigmaFromMids(
    mids: ArrayLike<number>,
    dt: number,
    options: { logReturns?: boolean } = {},
  ): number {
    const fn = "compute sigma from mids";
    numbers(fn, "mids", mids);
    positive(fn, "dt", dt);
    const n = mids.length;
    if (n < 3) fail(fn, "mids.length", n, "at least 3");
    const log = options.logReturns === true;
    const v = this.#s.f64(n);
    for (let i = 0; i < n; i++) {
      const m = mids[i];
      if (typeof m !== "number" || !Number.isFinite(m) || (log && m <= 0)) {
        fail(fn, `mids[${i}]`, m, log ? "a finite number > 0" : "a finite number");
      }
      v[i] = m;
    }
    return this.#c.sigmaFromMids(this.#s.ptr, n, dt, log ? 1 : 0);
  }

  /**
   * Empirical fill intensities at grid depths (hftbacktest's measurement):
   * `arrivalDepths[i]` is the deepest trade distance from the previous mid
   * in step i (NaN when no trade), and λ(grid[j]) = #{i: arrivalDepths[i] ≥
   * grid[j]} / duration, `duration` being the window length in time units.
   */
  tradeIntensities(
    arrivalDepths: ArrayLike<number>,
    grid: ArrayLike<number>,
    duration: number,
  ): Float64Array {
    const fn = "measure trade intensities";
    numbers(fn, "arrivalDepths", arrivalDepths);
    numbers(fn, "grid", grid);
    positive(fn, "duration", duration);
    const n = arrivalDepths.length;
    const m = grid.length;
    for (let j = 0; j < m; j++) finite(fn, `grid[${j}]`, grid[j]);
    const v = this.#s.f64(n + 2 * m);
    for (let i = 0; i < n; i++) {
      const d = arrivalDepths[i];
      if (typeof d !== "number") fail(fn, `arrivalDepths[${i}]`, d, "a number (NaN for no trade)");
      v[i] = d;
    }
    for (let j = 0; j < m; j++) v[n + j] = grid[j];
    const ptr = this.#s.ptr;
    const st = this.#c.tradeIntensities(ptr, n, ptr + n * 8, m, duration, ptr + (n + m) * 8);
    if (st !== 0) throw new RangeError(`Cannot ${fn}: core.wasm refused the input (status ${st})`);
    return this.#s.f64(n + 2 * m).slice(n + m, n + 2 * m);
  }

  /**
   * Fits λ(δ) = A·e^(−kδ) to (depth, intensity) points by least squares on
   * ln λ = ln A − k·δ (as hftbacktest); points with λ ≤ 0 are skipped.
   *
   * @example
   * ```ts
   * import { loadCore } from "./mod.ts";
   * const { quoting } = await loadCore();
   * const depths = [0.5, 1.5, 2.5, 3.5];
   * const fit = quoting.fitIntensity(depths, depths.map((d) => 2 * Math.exp(-0.7 * d)));
   * console.log(fit.A, fit.k); // 2, 0.7
   * ```
   */
  fitIntensity(depths: ArrayLike<number>, intensities: ArrayLike<number>): IntensityFit {
    const fn = "fit trade intensity";
    numbers(fn, "depths", depths);
    numbers(fn, "intensities", intensities);
    const n = depths.length;
    if (intensities.length !== n) {
      fail(fn, "intensities.length", intensities.length, `equal to depths.length ${n}`);
    }
    const v = this.#s.f64(2 * n);
    for (let i = 0; i < n; i++) {
      v[i] = finite(fn, `depths[${i}]`, depths[i]);
      v[n + i] = atLeast0(fn, `intensities[${i}]`, intensities[i]);
    }
    const ptr = this.#s.ptr;
    const st = this.#c.fitIntensity(ptr, ptr + n * 8, n);
    if (st !== 0) {
      throw new RangeError(
        `Cannot ${fn}: need at least 2 points with intensity > 0 at distinct depths`,
      );
    }
    const r = this.#s.quoteParams();
    return { A: r[R0], k: r[R0 + 1], r2: r[R0 + 2], points: r[R0 + 3] };
  }
}
