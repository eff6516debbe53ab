/**
 * Runs on data files: swap-event logs (swap-level, or aggregated to bars for
 * bar mode) and bars (bar mode); and the synthetic market in bar mode.
 *
 * @module
 */
import { loadCore } from "../../../core-wasm/mod.ts";
import {
  type BarChunk,
  type BarsReadOptions,
  newBadRowCounts,
  readBars,
  readHeader,
} from "../data/bars_csv.ts";
import { barsFormatOf } from "../data/bars_format.ts";
import { readGasPrices } from "../data/gas_price_csv.ts";
import { openDemeterEvents } from "../data/swap_events_csv.ts";
import { BarAggregator } from "./aggregate.ts";
import { BarEngine } from "./bar_engine.ts";
import type { CliOptions } from "./cli.ts";
import { poolFromProfile, profileFromEvents, replayEvents } from "./replay_pool.ts";
import {
  paramsSummary,
  poolSummary,
  type Progress,
  replay,
  type RunOptions,
  runParams,
  type RunResult,
  splitCapital,
} from "./run.ts";
import { SwapLevelEngine } from "./swap_engine.ts";
import { createSyntheticPool, recordMarket, syntheticEvents } from "./synthetic.ts";
import type { MarketEvent } from "./types.ts";

/** Expands directories into their data files (name order). */
export async function expandPaths(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const st = await Deno.stat(p);
    if (!st.isDirectory) {
      out.push(p);
      continue;
    }
    const names: string[] = [];
    for await (const e of Deno.readDir(p)) {
      if (e.isFile && /\.csv(\.gz)?$/.test(e.name)) names.push(e.name);
    }
    names.sort();
    for (const n of names) {
      const full = `${p.replace(/\/$/, "")}/${n}`;
      const h = await readHeader(full);
      if (barsFormatOf(h) || h.includes("tx_type")) out.push(full);
    }
  }
  if (out.length === 0) throw new Error(`Cannot run: no data files in ${paths.join(", ")}`);
  return out;
}

/** Detects the format of the first file. */
export async function detectFormat(path: string): Promise<"swaps" | "bars"> {
  return formatOfHeader(await readHeader(path), path);
}

/** The format a CSV header line says (no file I/O; the browser simulator uses it too). */
export function formatOfHeader(h: string, path: string): "swaps" | "bars" {
  if (h.includes("tx_type")) return "swaps";
  if (barsFormatOf(h)) return "bars";
  throw new Error(
    `Cannot detect the format of ${path}: header '${h.slice(0, 120)}' is neither swap events ` +
      `(tx_type, amount0, ...) nor bars (see services/defi/data/bars_format.ts)`,
  );
}

/** Runs the options' data files. */
export async function runDataFiles(o: CliOptions, progress?: Progress): Promise<RunResult> {
  const paths = await expandPaths(o.data);
  const format = o.format === "auto" ? await detectFormat(paths[0]) : o.format;
  if (o.gasData) o.gas = { ...o.gas, series: await readGasPrices(o.gasData) };
  const market = { market: "data", data: paths.map((p) => p.split("/").pop()) };
  if (format === "bars") {
    if (o.mode === "swap" && o.modeExplicit) {
      throw new Error("Cannot run swap-level mode on bars: it needs swap events (--mode bar)");
    }
    o.mode = "bar";
    return runBarChunks(o, barChunks(paths, o), market, progress);
  }
  if (o.mode === "bar" && o.modeExplicit) {
    return runBarChunks(o, swapsAsBars(paths, o), { ...market, barsFrom: "swap events" }, progress);
  }
  return runSwapFiles(o, paths, market, progress);
}

/** The bars reader's options from the CLI's (decimals, bad rows, gaps, window). */
export function barsReadOptions(o: CliOptions): BarsReadOptions {
  return {
    decimals0: o.pool.decimals0,
    decimals1: o.pool.decimals1,
    skipBadRows: o.skipBadRows,
    maxGapBars: o.maxGapBars,
    from: o.from,
    to: o.to,
    bad: o.badRows,
  };
}

async function* barChunks(paths: string[], o: CliOptions): AsyncGenerator<BarChunk> {
  yield* readBars(paths, barsReadOptions(o));
}

async function* swapsAsBars(paths: string[], o: CliOptions): AsyncGenerator<BarChunk> {
  let agg: BarAggregator | null = null;
  let last = 0;
  for (const p of paths) {
    for await (const ev of openDemeterEvents(p)) {
      if (ev.type !== "SWAP" || ev.timestamp < o.from || ev.timestamp >= o.to) continue;
      agg ??= new BarAggregator(
        60,
        o.pool.decimals0,
        o.pool.decimals1,
        ev.timestamp,
        ev.tick,
        ev.liquidity,
      );
      agg.add({
        t: ev.timestamp,
        amount0: ev.amount0,
        amount1: ev.amount1,
        tick: ev.tick,
        liquidity: ev.liquidity,
      });
      last = ev.timestamp;
    }
  }
  if (agg) yield agg.finish(last + 1);
}

async function runSwapFiles(
  o: CliOptions,
  paths: string[],
  extra: Record<string, unknown>,
  progress?: Progress,
): Promise<RunResult> {
  const core = await loadCore();
  const prof = await profileFromEvents(paths, o.pool, o.from, o.to);
  const pool = poolFromProfile(core, o.pool, prof);
  try {
    const engine = new SwapLevelEngine(core, pool, runParams(core, o));
    const batches: MarketEvent[][] = [];
    for await (const b of replayEvents(paths, o.pool, prof, o.from, o.to)) batches.push(b);
    const end = batches.length ? batches[batches.length - 1].at(-1)!.t : prof.startT;
    const res = replay(engine, batches, prof.startT, end, o, progress, {
      ...extra,
      poolRebuilt: { buckets: prof.buckets.size, firstSwapIsStart: true },
    });
    (res.summary.replay as Record<string, unknown>).swapsWithOtherTickThanLog =
      engine.counts.tickDrift;
    return res;
  } finally {
    pool.free();
  }
}

/** Synthetic market recorded without us, aggregated to 1-minute bars, run in bar mode. */
export async function runSyntheticBars(o: CliOptions, progress?: Progress): Promise<RunResult> {
  const core = await loadCore();
  const syn = { ...o.synthetic, seed: o.seed, pool: o.pool };
  const pool = createSyntheticPool(core, syn);
  try {
    const s0 = pool.slot0();
    const agg = new BarAggregator(
      60,
      o.pool.decimals0,
      o.pool.decimals1,
      syn.start,
      s0.tick,
      pool.liquidity(),
    );
    recordMarket(pool, syntheticEvents(syn), o.pool, (s) => agg.add(s));
    const bars = agg.finish(syn.start + syn.days * 86400);
    return runBarChunks(
      o,
      (async function* () {
        yield bars;
      })(),
      { market: "synthetic" },
      progress,
    );
  } finally {
    pool.free();
  }
}

/** Runs the bar engine over chunks. */
export async function runBarChunks(
  o: RunOptions & { badRows?: ReturnType<typeof newBadRowCounts> },
  chunks: AsyncIterable<BarChunk>,
  extra: Record<string, unknown>,
  progress?: Progress,
): Promise<RunResult> {
  const core = await loadCore();
  const engine = new BarEngine(runParams(core, o));
  let funded = false;
  let bars = 0;
  for await (const c of chunks) {
    if (c.length === 0) continue;
    let from = 0;
    if (!funded) {
      const price = engine.scale.tickToPrice(c.closeTick[0]);
      const [a0, a1] = splitCapital(o, price);
      engine.fund(
        c.t[0],
        c.closeTick[0],
        c.liquidity[0],
        engine.scale.human(0, a0),
        engine.scale.human(1, a1),
      );
      funded = true;
      from = 1;
    }
    engine.process(c, from);
    bars += c.length;
    progress?.(Math.min(1, bars / 1e6));
  }
  if (!funded) throw new Error("Cannot run the backtest: no bars in the selected window");
  engine.finish();
  const summary = engine.summary({
    ...extra,
    mode: "bar",
    model: engine.p.model.name,
    seed: o.seed,
    pool: poolSummary(o.pool),
    params: paramsSummary(o),
    replay: { bars },
    ...(o.badRows ? { badRows: o.badRows } : {}),
  });
  return {
    summary,
    series: engine.series,
    rebalances: engine.rebalances,
    reconciliation: null,
    items: bars,
  };
}
