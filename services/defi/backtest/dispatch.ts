/**
 * Chooses the market and the engine for a set of CLI options and runs it:
 * the synthetic market (default), swap-event CSVs (swap-level) or bars (bar
 * mode). Shared by the CLI and the sweep workers.
 *
 * @module
 */
import type { CliOptions } from "./cli.ts";
import { type Progress, type RunResult, runSyntheticSwap } from "./run.ts";
import { runDataFiles } from "./data_runs.ts";

/** Runs one backtest as the options say. */
export async function runBacktest(o: CliOptions, progress?: Progress): Promise<RunResult> {
  if (o.data.length === 0) {
    if (o.mode === "bar") {
      const { runSyntheticBars } = await import("./data_runs.ts");
      return runSyntheticBars(o, progress);
    }
    return runSyntheticSwap(o, progress);
  }
  return runDataFiles(o, progress);
}
