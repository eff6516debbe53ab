/**
 * The DeFi research backtest: synthetic market, swap-level and bar engines,
 * data runs, reports and sweeps. See services/defi/README.md.
 *
 * @module
 */
export * from "./types.ts";
export { BarEngine } from "./bar_engine.ts";
export { SwapLevelEngine, type TokenReconciliation } from "./swap_engine.ts";
export { EngineCore, type RebalanceRecord, type RunParams } from "./common.ts";
export {
  createSyntheticPool,
  DEFAULT_SYNTHETIC,
  recordMarket,
  syntheticEvents,
  type SyntheticParams,
} from "./synthetic.ts";
export {
  buildModel,
  DEFAULT_MODEL,
  defaultRunOptions,
  type ModelOptions,
  type RunOptions,
  type RunResult,
  runSyntheticSwap,
} from "./run.ts";
export { runBacktest } from "./dispatch.ts";
export { type CliOptions, defaultCliOptions, helpText, parseCli } from "./cli.ts";
export { reportHtml, stableJson, terminalSummary, writeRunFolder } from "./report.ts";
export { Series, SERIES_COLUMNS } from "./series.ts";
export { parseSweep, runSweep } from "./sweep.ts";
export { PerpHedge } from "./hedge.ts";
