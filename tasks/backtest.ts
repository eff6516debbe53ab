/**
 * `deno task backtest`: backtests the asymmetric LP strategy and writes a run
 * folder (summary.json, series.csv, rebalances.csv, report.html). With no
 * `--data`, a seeded synthetic week runs through the exact pool in core.wasm
 * (offline, a few seconds). `--sweep grid.ini` runs a parameter grid in
 * parallel workers instead. `--help` lists every option.
 *
 * @example
 * ```sh
 * deno task backtest
 * deno task backtest --model glft --seed 7 --hedge
 * deno task backtest --sweep config/backtest/sweep.ini
 * ```
 * @module
 */
import { helpText, parseCli } from "../services/defi/backtest/cli.ts";
import { runBacktest } from "../services/defi/backtest/dispatch.ts";
import { ProgressBar, terminalSummary, writeRunFolder } from "../services/defi/backtest/report.ts";

async function main(): Promise<void> {
  const o = parseCli(Deno.args);
  if (o.help) {
    console.log(helpText());
    return;
  }
  if (o.sweep) {
    const { runSweepCli } = await import("../services/defi/backtest/sweep.ts");
    await runSweepCli(o);
    return;
  }
  const t0 = performance.now();
  const bar = new ProgressBar("backtest", o.progress && Deno.stderr.isTerminal());
  const res = await runBacktest(o, (f) => bar.update(f));
  bar.done();
  const dir = o.out || `out/backtest-${o.seed}`;
  const title = `Asymmetric LP backtest — ${res.summary.market} (${res.summary.mode}-level, ` +
    `${res.summary.model}, seed ${o.seed})`;
  await writeRunFolder(dir, res.summary, res.series, res.rebalances, title);
  console.log(terminalSummary(res.summary));
  const secs = (performance.now() - t0) / 1000;
  console.log(
    `  ${res.items.toLocaleString("en-US")} ${res.summary.mode === "bar" ? "bars" : "events"} in ` +
      `${secs.toFixed(2)} s -> ${dir}/ (summary.json, series.csv, rebalances.csv, report.html)`,
  );
}

if (import.meta.main) {
  try {
    await main();
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    Deno.exit(1);
  }
}
