/**
 * The bars CSV format: the one place that defines it. The downloader writes
 * it; the backtest reads it (and demeter's per-minute form, see
 * `bars_csv.ts`).
 *
 * One header line, then one row per bar, oldest first, no gaps (a bar with
 * no swap repeats the previous close and has zero amounts):
 *
 * | column | meaning |
 * | --- | --- |
 * | `timestamp` | bar start, unix seconds (integer) or `YYYY-MM-DD HH:MM:SS` UTC; the bar covers [t, t + interval) |
 * | `open`, `high`, `low`, `close` | token0's price in token1, decimal-adjusted (`1.0001^tick · 10^(d0−d1)`), informational |
 * | `open_tick`, `high_tick`, `low_tick`, `close_tick` | pool tick after the bar's first swap, max and min post-swap tick, tick after its last swap |
 * | `amount0_in`, `amount0_out`, `amount1_in`, `amount1_out` | token amounts paid into / out of the pool over the bar, **normalized by decimals** (human units; `_in` is gross, fee included) |
 * | `swap_count` | swaps in the bar |
 * | `liquidity` | the pool's active liquidity after the bar's last swap (raw uint128, may exceed 2^53) |
 *
 * Intervals of 1 s and 60 s are the usual ones; readers infer the interval
 * from the first two rows.
 *
 * @example
 * ```ts
 * import { BARS_HEADER, formatBarRow } from "./bars_format.ts";
 * const text = BARS_HEADER + "\n" + formatBarRow({
 *   timestamp: 1704067200, openTick: 200000, highTick: 200010, lowTick: 199990, closeTick: 200005,
 *   amount0In: 1000, amount0Out: 0, amount1In: 0.2, amount1Out: 0.49, swapCount: 3,
 *   liquidity: 10n ** 18n, decimals0: 6, decimals1: 18,
 * });
 * ```
 * @module
 */

/** Column names, in order. */
export const BARS_COLUMNS = [
  "timestamp",
  "open",
  "high",
  "low",
  "close",
  "open_tick",
  "high_tick",
  "low_tick",
  "close_tick",
  "amount0_in",
  "amount0_out",
  "amount1_in",
  "amount1_out",
  "swap_count",
  "liquidity",
] as const;

/** The header line. */
export const BARS_HEADER = BARS_COLUMNS.join(",");

/** demeter-fetch's per-minute columns (amounts in raw units). */
export const DEMETER_MINUTE_COLUMNS = [
  "timestamp",
  "netAmount0",
  "netAmount1",
  "closeTick",
  "openTick",
  "lowestTick",
  "highestTick",
  "inAmount0",
  "inAmount1",
  "currentLiquidity",
] as const;

/** One bar to write. */
export interface BarRow {
  timestamp: number;
  openTick: number;
  highTick: number;
  lowTick: number;
  closeTick: number;
  amount0In: number;
  amount0Out: number;
  amount1In: number;
  amount1Out: number;
  swapCount: number;
  liquidity: bigint;
  decimals0: number;
  decimals1: number;
}

function price(tick: number, d0: number, d1: number): string {
  return String(Number((Math.pow(1.0001, tick) * 10 ** (d0 - d1)).toPrecision(10)));
}

function amt(x: number): string {
  return x === 0 ? "0" : String(Number(x.toPrecision(15)));
}

/** Formats one row (no newline). */
export function formatBarRow(b: BarRow): string {
  return [
    String(b.timestamp),
    price(b.openTick, b.decimals0, b.decimals1),
    price(b.highTick, b.decimals0, b.decimals1),
    price(b.lowTick, b.decimals0, b.decimals1),
    price(b.closeTick, b.decimals0, b.decimals1),
    String(b.openTick),
    String(b.highTick),
    String(b.lowTick),
    String(b.closeTick),
    amt(b.amount0In),
    amt(b.amount0Out),
    amt(b.amount1In),
    amt(b.amount1Out),
    String(b.swapCount),
    b.liquidity.toString(),
  ].join(",");
}

/** Which bars form a header line is, or null. */
export function barsFormatOf(header: string): "bars" | "demeter-minute" | null {
  const cols = header.split(",").map((c) => c.trim());
  if (BARS_COLUMNS.every((c) => cols.includes(c))) return "bars";
  if (DEMETER_MINUTE_COLUMNS.every((c) => cols.includes(c))) return "demeter-minute";
  return null;
}
