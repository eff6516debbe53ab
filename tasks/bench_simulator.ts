/// <reference lib="dom" />
/**
 * Benchmark: the same backtest (the default scenario: the seeded synthetic
 * week, swap-level, A–S) in the browser simulator's Web Worker (headless
 * Debian Chromium) vs in Deno, through the same `runScenario` and the same
 * core.wasm. Each side gets one warm-up run, then the median of `runs`.
 * Reported: the run time measured inside the run (worker / Deno), the
 * page's wall time (post to result, including the structured clone of the
 * series back to the page), and their ratios to Deno (target: browser
 * within 1.5x). Skipped, with the reason, when Chromium cannot be had.
 *
 * @example
 * ```sh
 * deno run -A tasks/bench_simulator.ts --quick
 * ```
 * @module
 */
import { buildWasm } from "./build_wasm.ts";
import { buildSimulator } from "./build_simulator.ts";
import { serveSimulator } from "../services/simulator/server.ts";
import { ensureChromium, launchChromium } from "../services/simulator/browser.ts";
import { DEFAULT_SCENARIO } from "../services/simulator/scenario.ts";
import { runScenario } from "../services/simulator/simulate.ts";

/** The benchmark's figures. */
export interface SimulatorBench {
  scenario: string;
  runs: number;
  /** Deno: median run time, ms. */
  denoMs: number;
  /** Browser worker: median run time, ms. */
  browserMs: number;
  /** Browser page: median wall time from posting the run to drawing nothing yet, ms. */
  browserWallMs: number;
  /** browserMs / denoMs. */
  ratio: number;
  /** browserWallMs / denoMs. */
  ratioWall: number;
  target: number;
  withinTarget: boolean;
  events: number;
  chromium: string;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs the benchmark; `{ skipped }` when Chromium is unavailable. */
export async function benchSimulator(
  opts: { quick?: boolean } = {},
): Promise<SimulatorBench | { skipped: string }> {
  const runs = opts.quick ? 3 : 7;
  const found = await ensureChromium();
  if (!found.path) return { skipped: found.reason };
  await buildWasm();
  await buildSimulator();

  const deno: number[] = [];
  let events = 0;
  for (let i = 0; i <= runs; i++) {
    const r = await runScenario(DEFAULT_SCENARIO, null);
    events = r.items;
    if (i > 0) deno.push(r.ms);
  }

  const srv = serveSimulator({ port: 0 });
  const browser = await launchChromium(found.path);
  const inRun: number[] = [];
  const wall: number[] = [];
  let version = "";
  try {
    version = browser.context.browser()?.version() ?? "";
    const page = await browser.context.newPage();
    await page.goto(`${srv.url}?autorun=0`);
    await page.waitForFunction(() => document.body.dataset.state === "idle", null, {
      timeout: 30_000,
    });
    for (let i = 0; i <= runs; i++) {
      const before = await page.evaluate(() =>
        (globalThis as unknown as { simulator: { runs: number; run(): void } }).simulator.runs
      );
      await page.evaluate(() =>
        (globalThis as unknown as { simulator: { run(): void } }).simulator.run()
      );
      await page.waitForFunction(
        (n) =>
          (globalThis as unknown as { simulator: { runs: number; state: string } }).simulator
              .runs > n ||
          document.body.dataset.state === "error",
        before,
        { timeout: 60_000 },
      );
      const r = await page.evaluate(() => {
        const s = (globalThis as unknown as {
          simulator: { lastWallMs: number; result: { ms: number } | null; state: string };
        }).simulator;
        return { ms: s.result?.ms ?? NaN, wall: s.lastWallMs, state: s.state };
      });
      if (r.state !== "done") throw new Error(`bench: the browser run ended in state ${r.state}`);
      if (i > 0) {
        inRun.push(r.ms);
        wall.push(r.wall);
      }
    }
  } finally {
    await browser.close();
    await srv.shutdown();
  }
  const denoMs = median(deno);
  const browserMs = median(inRun);
  const browserWallMs = median(wall);
  const out: SimulatorBench = {
    scenario: "default (synthetic week, swap-level, A-S, seed 1)",
    runs,
    denoMs: Math.round(denoMs * 10) / 10,
    browserMs: Math.round(browserMs * 10) / 10,
    browserWallMs: Math.round(browserWallMs * 10) / 10,
    ratio: Math.round((browserMs / denoMs) * 100) / 100,
    ratioWall: Math.round((browserWallMs / denoMs) * 100) / 100,
    target: 1.5,
    withinTarget: browserMs / denoMs <= 1.5,
    events,
    chromium: version,
  };
  return out;
}

if (import.meta.main) {
  const r = await benchSimulator({ quick: Deno.args.includes("--quick") });
  if ("skipped" in r) console.log(`simulator bench skipped: ${r.skipped}`);
  else {
    console.log(
      `simulator: ${r.events.toLocaleString("en-US")} events, median of ${r.runs}: ` +
        `Deno ${r.denoMs} ms, browser worker ${r.browserMs} ms (x${r.ratio}), ` +
        `page wall ${r.browserWallMs} ms (x${r.ratioWall}); target <= x${r.target}: ` +
        `${r.withinTarget ? "met" : "NOT met"} (Chromium ${r.chromium})`,
    );
  }
}
