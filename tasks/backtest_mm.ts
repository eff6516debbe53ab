/**
 * `deno task backtest:mm`: runs the GLFT market maker in its strategy
 * container against the simulated venue (services/cefi/sim) and writes
 * `summary.json` and a self-contained `report.html` (inline SVG charts) to
 * the output folder. The same seed gives a byte-identical summary.json.
 *
 * @example
 * ```sh
 * deno task backtest:mm                                   # seed 1, 3600 s, out/backtest_mm/
 * deno task backtest:mm --seed 7 --duration 600 --out out/mm7
 * ```
 * @module
 */
import {
  defaultBacktestConfig,
  reportHtml,
  runBacktest,
  summaryJson,
} from "../services/cefi/sim/mod.ts";

/** Parsed command line. */
export interface BacktestMmArgs {
  seed: number;
  durationSec: number;
  out: string;
}

const USAGE = `usage: deno task backtest:mm [--seed N] [--duration SECONDS] [--out DIR]

  --seed N            random seed of the synthetic market and latencies (default 1)
  --duration SECONDS  simulated time (default 3600)
  --out DIR           output folder for summary.json and report.html (default out/backtest_mm)
  --help              this text`;

/** Parses the flags; throws naming the bad one. Returns null for --help. */
export function parseArgs(args: string[]): BacktestMmArgs | null {
  const a: BacktestMmArgs = { seed: 1, durationSec: 3600, out: "out/backtest_mm" };
  for (let i = 0; i < args.length; i++) {
    const f = args[i];
    if (f === "--help" || f === "-h") return null;
    const v = args[i + 1];
    if (v === undefined) throw new Error(`Cannot parse ${f}: missing value (try --help)`);
    if (f === "--seed" || f === "--duration") {
      const n = Number(v);
      if (!Number.isInteger(n) || n < (f === "--seed" ? 0 : 1) || n > 0xffffffff) {
        throw new Error(
          `Cannot parse ${f}: '${v}' is not a ${
            f === "--seed" ? "non-negative" : "positive"
          } integer`,
        );
      }
      if (f === "--seed") a.seed = n;
      else a.durationSec = n;
    } else if (f === "--out") {
      a.out = v;
    } else {
      throw new Error(`Unknown argument '${f}' (try --help)`);
    }
    i++;
  }
  return a;
}

async function main(): Promise<number> {
  let args: BacktestMmArgs | null;
  try {
    args = parseArgs(Deno.args);
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    return 2;
  }
  if (args === null) {
    console.log(USAGE);
    return 0;
  }
  const t0 = performance.now();
  const r = await runBacktest(
    defaultBacktestConfig({ seed: args.seed, durationSec: args.durationSec }),
  );
  const ms = performance.now() - t0;
  await Deno.mkdir(args.out, { recursive: true });
  const summaryPath = `${args.out.replace(/\/$/, "")}/summary.json`;
  const htmlPath = `${args.out.replace(/\/$/, "")}/report.html`;
  await Deno.writeTextFile(summaryPath, summaryJson(r.summary));
  await Deno.writeTextFile(htmlPath, reportHtml(r));
  const s = r.summary;
  console.log(
    `backtest:mm seed ${args.seed}, ${args.durationSec} s simulated in ${(ms / 1000).toFixed(2)} s`,
  );
  console.log(
    `  net PnL ${s.pnl.netQuote} (fees ${s.pnl.feesQuote}), maker fills ${s.trading.makerFills}, ` +
      `taker fills ${s.trading.takerFills}, fill ratio ${s.trading.fillRatio}, ` +
      `spread captured ${s.spreadCaptured.meanTicksPerLot} ticks/lot`,
  );
  console.log(
    `  markout (ticks/lot) at ${s.adverseSelection.horizonsSec.join("/")} s: ` +
      s.adverseSelection.markoutTicks.join(" / "),
  );
  console.log(`  wrote ${summaryPath} and ${htmlPath}`);
  return 0;
}

if (import.meta.main) Deno.exit(await main());
