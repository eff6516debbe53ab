/**
 * Market-making research harness: a seeded synthetic market, a simulated
 * venue (queue-position fills, latency, fees) and the backtest runner and
 * report around the GLFT market maker. Re-exports only.
 *
 * @example
 * ```ts
 * import { defaultBacktestConfig, runBacktest, summaryJson } from "./mod.ts";
 * const r = await runBacktest(defaultBacktestConfig({ seed: 7, durationSec: 30 }));
 * console.log(summaryJson(r.summary).length > 0); // true
 * ```
 * @module
 */
export * from "./queue.ts";
export * from "./market.ts";
export * from "./venue.ts";
export * from "./runner.ts";
export * from "./report.ts";
