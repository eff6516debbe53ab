/**
 * The time series both engines record (one row every `sampleSec` of market
 * time) and the metrics computed from it.
 *
 * PnL components, all in quote units and all cumulative:
 * - `fees`: fee income, each increment valued at the price when it accrued;
 * - `gas`: gas paid (≥ 0), valued when paid;
 * - `swapCost`: rebalance-swap cost (pool fee + price impact) vs the pre-swap mid;
 * - `hedge`: perp hedge PnL (trading + funding − fees);
 * - `il`: the rest of (value − HODL): the LP's price-divergence loss incl. the
 *   effect of inventory changed by rebalances ("impermanent loss");
 *   so value − HODL = fees + il − gas − swapCost + hedge exactly;
 * - `lvr`: loss-versus-rebalancing, the mark-out of our position's trades at
 *   the post-trade price (fees excluded), a diagnostic beside `il`.
 *
 * @module
 */

/** Column names, in CSV order. */
export const SERIES_COLUMNS = [
  "t",
  "price",
  "tick",
  "main_lower",
  "main_upper",
  "limit_lower",
  "limit_upper",
  "in_range",
  "base_ratio",
  "target_ratio",
  "value",
  "hodl",
  "fifty_fifty",
  "amount0",
  "amount1",
  "fees",
  "gas",
  "swap_cost",
  "hedge",
  "il",
  "lvr",
  "sigma_day",
] as const;

/** One column's name. */
export type SeriesColumn = typeof SERIES_COLUMNS[number];

/** A row to record. */
export type SeriesRow = Record<SeriesColumn, number>;

/** Columnar time series. */
export class Series {
  readonly cols: Record<SeriesColumn, number[]>;
  constructor() {
    this.cols = Object.fromEntries(SERIES_COLUMNS.map((c) => [c, [] as number[]])) as Record<
      SeriesColumn,
      number[]
    >;
  }
  get length(): number {
    return this.cols.t.length;
  }
  push(row: SeriesRow): void {
    for (const c of SERIES_COLUMNS) this.cols[c].push(row[c]);
  }
  /** The last row's value of a column (NaN when empty). */
  last(c: SeriesColumn): number {
    const a = this.cols[c];
    return a.length ? a[a.length - 1] : NaN;
  }
}

/** Formats a number for CSV/JSON: fixed significant digits, "" for NaN. */
export function fmtNum(x: number, digits = 10): string {
  if (Number.isNaN(x)) return "";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  return String(Number(x.toPrecision(digits)));
}

/** The series as CSV text (timestamps as ISO UTC). */
export function seriesCsv(s: Series): string {
  const lines = [["time", ...SERIES_COLUMNS].join(",")];
  for (let i = 0; i < s.length; i++) {
    const row = [new Date(s.cols.t[i] * 1000).toISOString()];
    for (const c of SERIES_COLUMNS) row.push(fmtNum(s.cols[c][i]));
    lines.push(row.join(","));
  }
  return lines.join("\n") + "\n";
}

const YEAR = 365 * 86400;

/** Risk/return statistics of a value series sampled every `sampleSec`. */
export interface RiskStats {
  sharpe: number;
  sortino: number;
  maxDrawdown: number;
  volatilityAnnual: number;
}

/** Sharpe/Sortino (annualized, zero risk-free rate), max drawdown of `values`. */
export function riskStats(values: readonly number[], sampleSec: number): RiskStats {
  const n = values.length;
  let sum = 0;
  let sum2 = 0;
  let down2 = 0;
  let m = 0;
  let peak = -Infinity;
  let mdd = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v > peak) peak = v;
    if (peak > 0) mdd = Math.max(mdd, (peak - v) / peak);
    if (i === 0 || !(values[i - 1] > 0)) continue;
    const r = v / values[i - 1] - 1;
    sum += r;
    sum2 += r * r;
    if (r < 0) down2 += r * r;
    m++;
  }
  const per = YEAR / sampleSec;
  if (m < 2) return { sharpe: 0, sortino: 0, maxDrawdown: mdd, volatilityAnnual: 0 };
  const mean = sum / m;
  const sd = Math.sqrt(Math.max(0, (sum2 - m * mean * mean) / (m - 1)));
  const dd = Math.sqrt(down2 / m);
  return {
    sharpe: sd > 0 ? (mean / sd) * Math.sqrt(per) : 0,
    sortino: dd > 0 ? (mean / dd) * Math.sqrt(per) : 0,
    maxDrawdown: mdd,
    volatilityAnnual: sd * Math.sqrt(per),
  };
}

/** (1 + r)^(year/duration) − 1, or 0 for an empty duration. */
export function annualize(r: number, durationSec: number): number {
  if (!(durationSec > 0) || !(1 + r > 0)) return 0;
  return Math.pow(1 + r, YEAR / durationSec) - 1;
}

/** Fees per UTC day (quote), from the cumulative fee column. */
export function feesPerDay(s: Series): { day: number[]; fees: number[] } {
  const day: number[] = [];
  const fees: number[] = [];
  let prev = 0;
  for (let i = 0; i < s.length; i++) {
    const d = Math.floor(s.cols.t[i] / 86400) * 86400;
    const inc = s.cols.fees[i] - prev;
    prev = s.cols.fees[i];
    if (day.length === 0 || day[day.length - 1] !== d) {
      day.push(d);
      fees.push(inc);
    } else fees[fees.length - 1] += inc;
  }
  return { day, fees };
}
