/**
 * Online calibration of the GLFT inputs from the market data stream, on a
 * rolling window (hftbacktest's GLFT notebook, computed with the core.wasm
 * helpers):
 *
 * - time is cut into steps of `stepNs` (default 100 ms) of event time;
 * - per step we keep the mid at its close and the deepest trade distance from
 *   the previous step's mid (buys `px − mid`, sells `mid − px`, either side
 *   `|px − mid|` when the aggressor is unknown; NaN for no trade), in ticks;
 * - every `everyNs` (default 5 s), over the last `windowSteps` steps
 *   (default 6000 = 10 min): σ = `sigmaFromMids(mids, step seconds)` in
 *   ticks/√s; λ(δ_j) = `tradeIntensities(depths, grid, window seconds)` on the
 *   grid δ_j = 0.5 + j ticks; `fitIntensity` gives A (1/s) and k (1/tick);
 * - a fit is used only when it has enough points, r² ≥ `minR2` and A, k, σ
 *   inside the configured bounds; otherwise the previous values stay.
 *
 * Pure: no clock; `advance(tsNs)` is driven by event times.
 *
 * @example
 * ```ts
 * import { loadCore } from "../../../../core-wasm/mod.ts";
 * import { OnlineCalibrator } from "./glft_calibration.ts";
 * const core = await loadCore();
 * const cal = new OnlineCalibrator(core.quoting, { sigma: 1, A: 1, k: 1 });
 * cal.onMid(100.5);
 * cal.advance(1_000_000_000n);
 * console.log(cal.params.sigma); // 1 (not enough data yet)
 * ```
 * @module
 */
import type { WasmQuoting } from "../../../../core-wasm/mod.ts";
import type { Side } from "../types.ts";

/** Calibration settings; every field has a default. */
export interface CalibrationConfig {
  /** Step length, ns. Default 100 ms. */
  stepNs: bigint;
  /** Steps in the rolling window. Default 6000 (10 min of 100 ms). */
  windowSteps: number;
  /** Recalibration interval, ns. Default 5 s. */
  everyNs: bigint;
  /** Steps needed before the first fit. Default 600 (60 s). */
  minSteps: number;
  /** Grid depths δ_j = 0.5 + j ticks, j < gridPoints. Default 20. */
  gridPoints: number;
  /** Points with λ > 0 needed for a fit. Default 3. */
  minFitPoints: number;
  /** Minimum r² of the fit. Default 0.5. */
  minR2: number;
  /** Accepted ranges. Defaults: σ (0, 1e6], A (0, 1e6], k [1e-3, 100]. */
  sigmaMax: number;
  aMax: number;
  kMin: number;
  kMax: number;
}

/** The model inputs in ticks and seconds. */
export interface GlftInputs {
  /** ticks/√s. */
  sigma: number;
  /** 1/s. */
  A: number;
  /** 1/tick. */
  k: number;
}

const DEFAULTS: CalibrationConfig = {
  stepNs: 100_000_000n,
  windowSteps: 6000,
  everyNs: 5_000_000_000n,
  minSteps: 600,
  gridPoints: 20,
  minFitPoints: 3,
  minR2: 0.5,
  sigmaMax: 1e6,
  aMax: 1e6,
  kMin: 1e-3,
  kMax: 100,
};

/** Counters of the calibrator. */
export interface CalibrationStats {
  steps: number;
  calibrations: number;
  sigmaUpdates: number;
  fitUpdates: number;
  fitRejected: number;
  lastR2: number | null;
}

/** See the module doc. */
export class OnlineCalibrator {
  readonly cfg: CalibrationConfig;
  readonly #q: WasmQuoting;
  readonly #mids: Float64Array;
  readonly #depths: Float64Array;
  readonly #ordered: Float64Array;
  readonly #grid: Float64Array;
  readonly #stepSec: number;
  #head = 0;
  #count = 0;
  #stepEnd = -1n;
  #nextFit = -1n;
  #mid = NaN;
  #prevMid = NaN;
  #depth = NaN;
  #params: GlftInputs;
  readonly #stats: CalibrationStats = {
    steps: 0,
    calibrations: 0,
    sigmaUpdates: 0,
    fitUpdates: 0,
    fitRejected: 0,
    lastR2: null,
  };

  constructor(quoting: WasmQuoting, initial: GlftInputs, cfg: Partial<CalibrationConfig> = {}) {
    this.cfg = { ...DEFAULTS, ...cfg };
    const c = this.cfg;
    if (c.stepNs <= 0n || c.everyNs <= 0n) {
      throw new RangeError(`Cannot create calibrator: stepNs ${c.stepNs} / everyNs ${c.everyNs}`);
    }
    if (!(c.windowSteps >= 3) || !(c.gridPoints >= 2) || c.minSteps > c.windowSteps) {
      throw new RangeError(
        `Cannot create calibrator: windowSteps ${c.windowSteps} (>= 3, >= minSteps ` +
          `${c.minSteps}), gridPoints ${c.gridPoints} (>= 2)`,
      );
    }
    this.#q = quoting;
    this.#params = { ...initial };
    this.#mids = new Float64Array(c.windowSteps);
    this.#depths = new Float64Array(c.windowSteps);
    this.#ordered = new Float64Array(c.windowSteps);
    this.#grid = new Float64Array(c.gridPoints);
    for (let j = 0; j < c.gridPoints; j++) this.#grid[j] = 0.5 + j;
    this.#stepSec = Number(c.stepNs) / 1e9;
  }

  /** Current σ, A, k. */
  get params(): GlftInputs {
    return this.#params;
  }

  /** Counters. */
  stats(): CalibrationStats {
    return { ...this.#stats };
  }

  /** The current mid (ticks). */
  onMid(mid: number): void {
    this.#mid = mid;
    if (Number.isNaN(this.#prevMid)) this.#prevMid = mid;
  }

  /** A public trade (ticks): its distance from the previous step's mid. */
  onTrade(priceTicks: number, aggressor?: Side): void {
    const m = this.#prevMid;
    if (Number.isNaN(m)) return;
    const d = aggressor === "BUY"
      ? priceTicks - m
      : aggressor === "SELL"
      ? m - priceTicks
      : Math.abs(priceTicks - m);
    if (!(d <= this.#depth)) this.#depth = d; // NaN-safe max
  }

  /**
   * Closes the steps that ended by `tsNs` and recalibrates when due;
   * returns true when σ, A or k changed.
   */
  advance(tsNs: bigint): boolean {
    const c = this.cfg;
    if (this.#stepEnd < 0n) {
      this.#stepEnd = tsNs + c.stepNs;
      this.#nextFit = tsNs + c.everyNs;
      return false;
    }
    if (tsNs < this.#stepEnd) return false;
    let n = (tsNs - this.#stepEnd) / c.stepNs + 1n;
    this.#stepEnd += n * c.stepNs;
    if (n > BigInt(c.windowSteps)) n = BigInt(c.windowSteps);
    for (let i = 0n; i < n; i++) {
      if (!Number.isNaN(this.#mid)) this.#push(this.#mid, this.#depth);
      this.#depth = NaN;
      this.#prevMid = this.#mid;
    }
    if (tsNs < this.#nextFit) return false;
    this.#nextFit = tsNs + c.everyNs;
    return this.#fit();
  }

  #push(mid: number, depth: number): void {
    const w = this.cfg.windowSteps;
    this.#mids[this.#head] = mid;
    this.#depths[this.#head] = depth;
    this.#head = (this.#head + 1) % w;
    if (this.#count < w) this.#count++;
    this.#stats.steps++;
  }

  #fit(): boolean {
    const c = this.cfg;
    const n = this.#count;
    if (n < c.minSteps || n < 3) return false;
    this.#stats.calibrations++;
    const w = c.windowSteps;
    const start = (this.#head - n + w) % w;
    const mids = this.#ordered.subarray(0, n);
    for (let i = 0; i < n; i++) mids[i] = this.#mids[(start + i) % w];
    let changed = false;
    const sigma = this.#q.sigmaFromMids(mids, this.#stepSec);
    if (Number.isFinite(sigma) && sigma > 0 && sigma <= c.sigmaMax) {
      if (sigma !== this.#params.sigma) changed = true;
      this.#params = { ...this.#params, sigma };
      this.#stats.sigmaUpdates++;
    }
    const depths = n === w ? this.#depths : this.#depths.subarray(0, n);
    const lambda = this.#q.tradeIntensities(depths, this.#grid, n * this.#stepSec);
    let points = 0;
    for (let j = 0; j < lambda.length; j++) if (lambda[j] > 0) points++;
    if (points < c.minFitPoints) {
      this.#stats.fitRejected++;
      return changed;
    }
    const fit = this.#q.fitIntensity(this.#grid, lambda);
    this.#stats.lastR2 = fit.r2;
    if (
      fit.r2 >= c.minR2 && fit.k >= c.kMin && fit.k <= c.kMax && fit.A > 0 && fit.A <= c.aMax &&
      Number.isFinite(fit.A)
    ) {
      if (fit.A !== this.#params.A || fit.k !== this.#params.k) changed = true;
      this.#params = { ...this.#params, A: fit.A, k: fit.k };
      this.#stats.fitUpdates++;
    } else {
      this.#stats.fitRejected++;
    }
    return changed;
  }
}
