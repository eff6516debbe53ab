/**
 * Rolling realized volatility of a price observed at irregular times (swaps)
 * or on a grid (bar closes), shared by every range model.
 *
 * The price is sampled on a fixed grid of `sampleSec` seconds (the last price
 * seen before each grid point); each sample contributes its log return and
 * the time it spans (a gap spanning k grid steps counts k steps, so gaps do
 * not inflate the estimate). Over the last `window` samples:
 *
 *   σ² per second = Σ r² / Σ Δt   (zero-mean realized variance)
 *
 * and {@link RollingVolatility.sigmaPerSqrtDay} returns √(σ²·86400) in log
 * units. Updates are O(1) (a ring buffer with running sums, re-summed every
 * `window` samples so float drift cannot accumulate).
 *
 * @example
 * ```ts
 * import { RollingVolatility } from "./volatility.ts";
 * const vol = new RollingVolatility({ sampleSec: 60, window: 1440, fallbackPerSqrtDay: 0.03 });
 * vol.update(0, 2000);
 * vol.update(60, 2001);
 * vol.sigmaPerSqrtDay(); // fallback until minSamples returns are in
 * ```
 * @module
 */

/** Options of {@link RollingVolatility}. */
export interface VolatilityOptions {
  /** Grid step in seconds (default 60). */
  sampleSec?: number;
  /** Number of grid returns in the window (default 1440: one day of minutes). */
  window?: number;
  /** Returns needed before the estimate is used (default 30). */
  minSamples?: number;
  /** σ per √day (log) used before there are enough samples (default 0.03). */
  fallbackPerSqrtDay?: number;
}

/** Rolling realized volatility; see the module doc. */
export class RollingVolatility {
  readonly sampleSec: number;
  readonly window: number;
  readonly minSamples: number;
  readonly fallbackPerSqrtDay: number;
  readonly #r2: Float64Array;
  readonly #dt: Float64Array;
  #n = 0;
  #head = 0;
  #sumR2 = 0;
  #sumDt = 0;
  #sinceResum = 0;
  #nextT = NaN;
  #lastLn = NaN;
  #lastSampleT = NaN;
  #pendingLn = NaN;

  constructor(opts: VolatilityOptions = {}) {
    this.sampleSec = opts.sampleSec ?? 60;
    this.window = opts.window ?? 1440;
    this.minSamples = opts.minSamples ?? 30;
    this.fallbackPerSqrtDay = opts.fallbackPerSqrtDay ?? 0.03;
    if (!(this.sampleSec > 0)) throw new RangeError(`sampleSec ${this.sampleSec} must be > 0`);
    if (!Number.isInteger(this.window) || this.window < 2) {
      throw new RangeError(`window ${this.window} must be an integer >= 2`);
    }
    this.#r2 = new Float64Array(this.window);
    this.#dt = new Float64Array(this.window);
  }

  /** Observes `price` (> 0) at time `t` seconds (non-decreasing). */
  update(t: number, price: number): void {
    if (!(price > 0)) return;
    const ln = Math.log(price);
    if (Number.isNaN(this.#nextT)) {
      this.#lastLn = ln;
      this.#lastSampleT = t;
      this.#nextT = t + this.sampleSec;
      this.#pendingLn = ln;
      return;
    }
    if (t >= this.#nextT) {
      // The last price seen before the grid point closes the sample.
      const steps = Math.floor((t - this.#lastSampleT) / this.sampleSec);
      const r = this.#pendingLn - this.#lastLn;
      this.#push(r * r, Math.max(1, steps) * this.sampleSec);
      this.#lastLn = this.#pendingLn;
      this.#lastSampleT += Math.max(1, steps) * this.sampleSec;
      this.#nextT = this.#lastSampleT + this.sampleSec;
    }
    this.#pendingLn = ln;
  }

  #push(r2: number, dt: number): void {
    const i = this.#head;
    if (this.#n === this.window) {
      this.#sumR2 -= this.#r2[i];
      this.#sumDt -= this.#dt[i];
    } else this.#n++;
    this.#r2[i] = r2;
    this.#dt[i] = dt;
    this.#sumR2 += r2;
    this.#sumDt += dt;
    this.#head = (i + 1) % this.window;
    if (++this.#sinceResum >= this.window) {
      this.#sinceResum = 0;
      let a = 0;
      let b = 0;
      for (let k = 0; k < this.#n; k++) {
        a += this.#r2[k];
        b += this.#dt[k];
      }
      this.#sumR2 = a;
      this.#sumDt = b;
    }
  }

  /** Returns in the window. */
  get samples(): number {
    return this.#n;
  }

  /**
   * The sampling grid's state: next grid time, last sample time, last
   * sampled ln price, ln price pending for the next sample (NaN before the
   * first update). For a replay loop that samples outside this object (the
   * swap-level kernel) and hands back returns with {@link pushReturn}.
   */
  gridState(): [number, number, number, number] {
    return [this.#nextT, this.#lastSampleT, this.#lastLn, this.#pendingLn];
  }

  /** Restores the grid state returned by {@link gridState} (after a kernel run). */
  setGridState(nextT: number, lastSampleT: number, lastLn: number, pendingLn: number): void {
    this.#nextT = nextT;
    this.#lastSampleT = lastSampleT;
    this.#lastLn = lastLn;
    this.#pendingLn = pendingLn;
  }

  /** Adds one grid return (squared log return `r2` over `dt` seconds) to the window. */
  pushReturn(r2: number, dt: number): void {
    this.#push(r2, dt);
  }

  /** True once `minSamples` returns are in the window. */
  get ready(): boolean {
    return this.#n >= this.minSamples;
  }

  /** σ per √day in log units (the fallback until ready). */
  sigmaPerSqrtDay(): number {
    if (!this.ready || !(this.#sumDt > 0)) return this.fallbackPerSqrtDay;
    return Math.sqrt(Math.max(0, this.#sumR2) / this.#sumDt * 86400);
  }
}
