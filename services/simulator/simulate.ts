/**
 * One simulator run: a {@link Scenario} on the seeded synthetic market or on
 * an uploaded CSV (swap events or bars), through the backtest's own code
 * (the engines, `replay`, `runBarChunks`, the CSV parsers) and core.wasm
 * loaded through the same facade as in Deno. The swap-level runs are
 * `runSyntheticSwap` / the CLI's swap-file run step for step, with one tap
 * added: after each event batch it snapshots the pool's liquidity
 * distribution for the page's liquidity chart (reads only). The summary is
 * serialized with the CLI's `stableJson`, so `summaryJson` is byte for byte
 * the `summary.json` that `deno task backtest` writes for the same inputs.
 *
 * Runs in a Web Worker, in Deno (tests, benchmark) and anywhere with
 * WebAssembly: no DOM, no Deno API.
 *
 * @example
 * ```ts
 * import { DEFAULT_SCENARIO } from "./scenario.ts";
 * import { runScenario } from "./simulate.ts";
 * const r = await runScenario(DEFAULT_SCENARIO, null);
 * console.log(r.summaryJson.length, r.snapshots.length);
 * ```
 * @module
 */
import { loadCore, type WasmPool } from "../../core-wasm/mod.ts";
import type { RebalanceRecord } from "../defi/backtest/common.ts";
import type { CliOptions } from "../defi/backtest/cli.ts";
import { barsReadOptions, formatOfHeader, runBarChunks } from "../defi/backtest/data_runs.ts";
import { stableJson } from "../defi/backtest/report.ts";
import { poolFromProfile, profileFromEvents, replayEvents } from "../defi/backtest/replay_pool.ts";
import { replay, runParams, type RunResult } from "../defi/backtest/run.ts";
import type { SeriesColumn } from "../defi/backtest/series.ts";
import { SwapLevelEngine } from "../defi/backtest/swap_engine.ts";
import { createSyntheticPool, syntheticEvents } from "../defi/backtest/synthetic.ts";
import type { MarketEvent } from "../defi/backtest/types.ts";
import { linesOfStream, parseBars } from "../defi/data/bars_csv.ts";
import { streamDemeterEvents } from "../defi/data/swap_events_csv.ts";
import { type Scenario, scenarioOptions } from "./scenario.ts";

/** An uploaded data file: its name (errors and the summary use it) and its bytes. */
export interface Upload {
  name: string;
  /** A fresh byte stream of the file (called once per pass; a File's `stream()`). */
  open(): ReadableStream<Uint8Array>;
  /** Skip and count bad rows (the CLI's --skip-bad-rows) instead of stopping. */
  skipBadRows?: boolean;
}

/** The pool's active liquidity over ticks at one moment, ours apart. */
export interface LiquiditySnapshot {
  t: number;
  tick: number;
  price: number;
  /** Boundaries (ascending); liquidity i holds on [ticks[i], ticks[i+1]). */
  ticks: number[];
  prices: number[];
  /** Pool active liquidity per interval (raw L, as f64). */
  total: number[];
  /** Our part of it. */
  ours: number[];
}

/** What a run gives the page. */
export interface SimResult {
  summary: Record<string, unknown>;
  /** `stableJson(summary)`: the CLI's summary.json, byte for byte. */
  summaryJson: string;
  series: Record<SeriesColumn, number[]>;
  rebalances: RebalanceRecord[];
  snapshots: LiquiditySnapshot[];
  /** Events (swap mode) or bars (bar mode). */
  items: number;
  mode: "swap" | "bar";
  /** Wall time of the run itself, ms (core already loaded excluded). */
  ms: number;
}

/** Fraction done, 0..1. */
export type Progress = (done: number) => void;

/** Half-width of the liquidity snapshots around the current tick. */
const SNAP_HALF_TICKS = 3000;
const MAX_SNAPSHOTS = 400;

/** Takes liquidity snapshots every `every` seconds of market time (thinned past a cap). */
export class SnapshotTaker {
  readonly snapshots: LiquiditySnapshot[] = [];
  #every: number;
  #next = -Infinity;

  constructor(readonly engine: SwapLevelEngine, readonly pool: WasmPool, every = 3600) {
    this.#every = every;
  }

  /** Called after each event batch: snapshots when the clock passed the next mark. */
  tap(): void {
    const t = this.engine.t;
    if (!(t >= this.#next)) return;
    this.#next = (Number.isFinite(this.#next) ? this.#next : t) + this.#every;
    if (this.#next <= t) this.#next = t + this.#every;
    this.snapshots.push(this.take());
    if (this.snapshots.length > MAX_SNAPSHOTS) {
      const kept = this.snapshots.filter((_, i) => i % 2 === 0);
      this.snapshots.length = 0;
      this.snapshots.push(...kept);
      this.#every *= 2;
    }
  }

  /** The distribution now. */
  take(): LiquiditySnapshot {
    const e = this.engine;
    const pool = this.pool;
    const tick = pool.slot0().tick;
    const lo = tick - SNAP_HALF_TICKS;
    const hi = tick + SNAP_HALF_TICKS;
    const all = pool.initializedTicks().sort((a, b) => a - b);
    const ticks: number[] = [lo];
    const total: number[] = [];
    let L = 0n;
    let i = 0;
    for (; i < all.length && all[i] <= lo; i++) L += pool.ticks(all[i]).liquidityNet;
    total.push(Number(L));
    for (; i < all.length && all[i] < hi; i++) {
      L += pool.ticks(all[i]).liquidityNet;
      ticks.push(all[i]);
      total.push(Number(L));
    }
    ticks.push(hi);
    total.push(Number(L));
    const ours = ticks.map((a) => {
      let s = 0;
      for (const p of e.positions) if (p.lower <= a && a < p.upper) s += Number(p.liquidity);
      return s;
    });
    return {
      t: e.t,
      tick,
      price: e.scale.tickToPrice(tick),
      ticks,
      prices: ticks.map((x) => e.scale.tickToPrice(x)),
      total,
      ours,
    };
  }
}

function result(r: RunResult, snapshots: LiquiditySnapshot[], mode: "swap" | "bar", ms: number) {
  return {
    summary: r.summary,
    summaryJson: stableJson(r.summary),
    series: r.series.cols,
    rebalances: r.rebalances,
    snapshots,
    items: r.items,
    mode,
    ms,
  };
}

/** The synthetic market, swap-level: `runSyntheticSwap` plus the snapshot tap. */
async function runSynthetic(o: CliOptions, progress?: Progress): Promise<SimResult> {
  const core = await loadCore();
  const t0 = performance.now();
  const syn = { ...o.synthetic, seed: o.seed, pool: o.pool };
  const pool = createSyntheticPool(core, syn);
  try {
    const engine = new SwapLevelEngine(core, pool, runParams(core, o));
    const snaps = new SnapshotTaker(engine, pool);
    const events = syntheticEvents(syn);
    const res = replay(engine, events, syn.start, syn.start + syn.days * 86400, o, (f) => {
      snaps.tap();
      progress?.(f);
    }, { market: "synthetic" });
    return result(res, snaps.snapshots, "swap", performance.now() - t0);
  } finally {
    pool.free();
  }
}

/** An uploaded swap-event CSV, swap-level: the CLI's swap-file run plus the tap. */
async function runSwapUpload(o: CliOptions, up: Upload, progress?: Progress): Promise<SimResult> {
  const core = await loadCore();
  const t0 = performance.now();
  const open = (name: string) => streamDemeterEvents(up.open(), { source: name });
  const paths = [up.name];
  const prof = await profileFromEvents(paths, o.pool, o.from, o.to, open);
  const pool = poolFromProfile(core, o.pool, prof);
  try {
    const engine = new SwapLevelEngine(core, pool, runParams(core, o));
    const snaps = new SnapshotTaker(engine, pool);
    const batches: MarketEvent[][] = [];
    for await (const b of replayEvents(paths, o.pool, prof, o.from, o.to, 4096, open)) {
      batches.push(b);
    }
    const end = batches.length ? batches[batches.length - 1].at(-1)!.t : prof.startT;
    const res = replay(engine, batches, prof.startT, end, o, (f) => {
      snaps.tap();
      progress?.(f);
    }, {
      market: "data",
      data: [up.name],
      poolRebuilt: { buckets: prof.buckets.size, firstSwapIsStart: true },
    });
    (res.summary.replay as Record<string, unknown>).swapsWithOtherTickThanLog =
      engine.counts.tickDrift;
    return result(res, snaps.snapshots, "swap", performance.now() - t0);
  } finally {
    pool.free();
  }
}

/** An uploaded bars CSV, bar mode: the CLI's bars run (`runBarChunks` on the bars parser). */
async function runBarsUpload(o: CliOptions, up: Upload, progress?: Progress): Promise<SimResult> {
  await loadCore();
  const t0 = performance.now();
  o.mode = "bar";
  o.skipBadRows = up.skipBadRows ?? false;
  const chunks = parseBars(
    [{ name: up.name, lines: () => linesOfStream(up.open()) }],
    barsReadOptions(o),
  );
  const res = await runBarChunks(o, chunks, { market: "data", data: [up.name] }, progress);
  return result(res, [], "bar", performance.now() - t0);
}

/** The first line of an upload. */
async function headerOf(up: Upload): Promise<string> {
  for await (const line of linesOfStream(up.open())) return line;
  return "";
}

/**
 * Runs a scenario on the synthetic market (`upload` null) or on an uploaded
 * CSV whose header decides swap events (swap-level) or bars (bar mode).
 * Bad rows throw the parsers' `DataFormatError` (file:line:column).
 */
export async function runScenario(
  s: Scenario,
  upload: Upload | null,
  progress?: Progress,
): Promise<SimResult> {
  const o = scenarioOptions(s);
  if (!upload) return await runSynthetic(o, progress);
  const format = formatOfHeader(await headerOf(upload), upload.name);
  if (format === "bars") return await runBarsUpload(o, upload, progress);
  return await runSwapUpload(o, upload, progress);
}

/** An {@link Upload} of in-memory text (tests, samples). */
export function textUpload(name: string, text: string, skipBadRows = false): Upload {
  const bytes = new TextEncoder().encode(text);
  return {
    name,
    skipBadRows,
    open: () =>
      new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(bytes.slice());
          c.close();
        },
      }),
  };
}
