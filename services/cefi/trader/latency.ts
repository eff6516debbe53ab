/**
 * A fixed-memory latency histogram (log-linear buckets: exact below 16 ns,
 * then 8 buckets per power of two, i.e. <= 12.5 % relative error) with exact
 * count, sum, min and max. Pure: values are given, never measured here, so a
 * backtest that feeds event times gets identical figures on every run.
 *
 * @example
 * ```ts
 * import { LatencyHistogram } from "./latency.ts";
 * const h = new LatencyHistogram();
 * for (const ns of [1000, 2000, 3000, 40000]) h.record(ns);
 * console.log(h.count, h.max, h.percentile(0.5) <= 2304); // 4 40000 true
 * ```
 * @module
 */

const SUB = 8;
const SUB_BITS = 3;
const LINEAR = 16;
const MAX_EXP = 52;
const BUCKETS = LINEAR + (MAX_EXP - 4 + 1) * SUB;

function bucketOf(v: number): number {
  if (v < LINEAR) return v < 0 ? 0 : Math.floor(v);
  const e = v < 2 ** 31 ? 31 - Math.clz32(v) : Math.min(MAX_EXP, Math.floor(Math.log2(v)));
  const sub = Math.floor(v / 2 ** (e - SUB_BITS)) & (SUB - 1);
  return Math.min(BUCKETS - 1, LINEAR + (e - 4) * SUB + sub);
}

/** Upper bound (inclusive) of bucket `i`. */
function bucketHigh(i: number): number {
  if (i < LINEAR) return i;
  const e = 4 + Math.floor((i - LINEAR) / SUB);
  const sub = (i - LINEAR) % SUB;
  return 2 ** e + (sub + 1) * 2 ** (e - SUB_BITS) - 1;
}

/** Summary of a histogram, ns. */
export interface LatencySummary {
  count: number;
  mean: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** See the module doc. */
export class LatencyHistogram {
  readonly #b = new Float64Array(BUCKETS);
  count = 0;
  sum = 0;
  min = Infinity;
  max = 0;

  /** Records one value in ns (negative values count as 0). */
  record(ns: number): void {
    const v = ns > 0 ? ns : 0;
    this.#b[bucketOf(v)]++;
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  /**
   * The value at quantile `q` in [0, 1]: the upper bound of the bucket holding
   * it, clamped to the exact [min, max]; 0 when empty.
   */
  percentile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.#b[i];
      if (seen >= rank) return Math.min(this.max, Math.max(this.min, bucketHigh(i)));
    }
    return this.max;
  }

  /** count, mean, min, p50, p90, p99, max. */
  summary(): LatencySummary {
    const n = this.count;
    return {
      count: n,
      mean: n === 0 ? 0 : Math.round(this.sum / n),
      min: n === 0 ? 0 : this.min,
      p50: this.percentile(0.5),
      p90: this.percentile(0.9),
      p99: this.percentile(0.99),
      max: this.max,
    };
  }

  /** Forgets everything. */
  reset(): void {
    this.#b.fill(0);
    this.count = 0;
    this.sum = 0;
    this.min = Infinity;
    this.max = 0;
  }
}
