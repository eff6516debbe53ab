/**
 * Backtest benchmarks (wired into `deno task bench` by tasks/bench.ts):
 *
 * - **bar mode**: bars/s of the bar engine over one year of synthetic
 *   1-minute bars (525,600) held in memory (no CSV parsing), A–S model;
 * - **swap-level**: market events/s and swaps/s of the swap-level engine
 *   over 60 days of pre-generated synthetic events (no CSV parsing, event
 *   generation excluded; each path warmed up on one day first), with the
 *   replay kernel and event by event in JS, against the bare exact pool's
 *   swaps/s in the same run;
 * - **sweep**: wall time of a 64-point grid of default-length (7-day)
 *   backtests on 1 and on 2 workers, and the
 *   scaling ratio.
 *
 * @example
 * ```sh
 * deno run -A tasks/bench_backtest.ts --quick
 * ```
 * @module
 */
import process from "node:process";
import { loadCore } from "../core-wasm/mod.ts";
import { SeededRandom } from "../services/common/random.ts";
import type { BarChunk } from "../services/defi/data/bars_csv.ts";
import { BarEngine } from "../services/defi/backtest/bar_engine.ts";
import {
  defaultRunOptions,
  type RunOptions,
  runParams,
  splitCapital,
} from "../services/defi/backtest/run.ts";
import { SwapLevelEngine } from "../services/defi/backtest/swap_engine.ts";
import { createSyntheticPool, syntheticEvents } from "../services/defi/backtest/synthetic.ts";
import { runSweep, type SweepSpec } from "../services/defi/backtest/sweep.ts";
import type { MarketEvent } from "../services/defi/backtest/types.ts";

/** Figures of {@link benchBacktest}. */
export interface BacktestBench {
  barMode: { bars: number; seconds: number; barsPerSec: number; target: string };
  swapLevel: {
    events: number;
    swaps: number;
    seconds: number;
    eventsPerSec: number;
    swapsPerSec: number;
    days: number;
    kernelRuns: number;
    eventsInJs: number;
    eventByEventSwapsPerSec: number;
    bareCoreSwapsPerSec: number;
    target: string;
    met: boolean;
  };
  sweep: {
    points: number;
    secondsOneWorker: number;
    secondsTwoWorkers: number;
    scaling: number;
    coresBusyOneWorker: number;
    coresBusyTwoWorkers: number;
    cpus: number;
  };
}

function syntheticBars(n: number, seed: number): BarChunk {
  const r = new SeededRandom(seed);
  const f = () => new Float64Array(n);
  const c: BarChunk = {
    length: n,
    t: f(),
    openTick: f(),
    highTick: f(),
    lowTick: f(),
    closeTick: f(),
    in0: f(),
    in1: f(),
    liquidity: f(),
    swaps: f(),
  };
  let tick = 200000;
  const t0 = Date.UTC(2023, 0, 1) / 1000;
  for (let i = 0; i < n; i++) {
    const open = tick;
    let hi = tick;
    let lo = tick;
    for (let k = 0; k < 3; k++) {
      tick += Math.round(4 * r.gaussian());
      hi = Math.max(hi, tick);
      lo = Math.min(lo, tick);
    }
    c.t[i] = t0 + 60 * i;
    c.openTick[i] = open;
    c.highTick[i] = hi;
    c.lowTick[i] = lo;
    c.closeTick[i] = tick;
    c.in0[i] = 20000 * r.next();
    c.in1[i] = 10 * r.next();
    c.liquidity[i] = 2e19 * (0.8 + 0.4 * r.next());
    c.swaps[i] = 5;
  }
  return c;
}

/** Runs the three benchmarks; `quick` shortens them. */
export async function benchBacktest(opts: { quick?: boolean } = {}): Promise<BacktestBench> {
  const quick = opts.quick ?? false;
  const core = await loadCore();

  // bar mode: one year of minute bars
  const nBars = 525_600;
  const bars = syntheticBars(nBars, 1);
  const o = defaultRunOptions();
  const be = new BarEngine(runParams(core, o));
  const price = be.scale.tickToPrice(bars.closeTick[0]);
  const [a0, a1] = splitCapital(o, price);
  const tb = performance.now();
  be.fund(
    bars.t[0],
    bars.closeTick[0],
    bars.liquidity[0],
    be.scale.human(0, a0),
    be.scale.human(1, a1),
  );
  be.process(bars, 1);
  be.finish();
  const barSec = (performance.now() - tb) / 1000;

  // swap-level: pre-generated synthetic events, replayed once with the
  // replay kernel (the default) and once event by event in JS (the reference
  // path), after a one-day warm-up of each so both run JIT-compiled code
  const days = quick ? 3 : 60;
  const so = defaultRunOptions();
  so.synthetic = { ...so.synthetic, days };
  const batches: MarketEvent[][] = [...syntheticEvents(so.synthetic)];
  const warm = defaultRunOptions();
  warm.synthetic = { ...warm.synthetic, days: 1, seed: 7 };
  const warmBatches: MarketEvent[][] = [...syntheticEvents(warm.synthetic)];
  const replay = (opts: RunOptions, evs: MarketEvent[][], kernel: boolean) => {
    const pool = createSyntheticPool(core, opts.synthetic);
    try {
      const eng = new SwapLevelEngine(core, pool, runParams(core, opts), { kernel });
      const [s0, s1] = splitCapital(opts, eng.price);
      const ts = performance.now();
      eng.fund(evs[0][0].t, s0, s1);
      let n = 0;
      for (const b of evs) {
        eng.process(b);
        n += b.length;
      }
      eng.finish();
      return {
        seconds: (performance.now() - ts) / 1000,
        events: n,
        swaps: eng.counts.swaps + eng.counts.arbs,
        kernelRuns: eng.kernelStats.runs,
        jsEvents: eng.kernelStats.jsEvents,
      };
    } finally {
      pool.free();
    }
  };
  replay(warm, warmBatches, true);
  replay(warm, warmBatches, false);
  const kernelRun = replay(so, batches, true);
  const jsRun = replay(so, batches, false);
  const events = kernelRun.events;
  const swaps = kernelRun.swaps;
  const swapSec = kernelRun.seconds;
  // the bare exact pool on the same kind of flow (noise swaps only), for reference
  const bare = createSyntheticPool(core, so.synthetic);
  let bareN = 0;
  const tbare = performance.now();
  try {
    for (const b of batches) {
      for (const e of b) {
        if (e.kind !== "swap") continue;
        bare.swap(
          e.zeroForOne,
          e.amount,
          e.zeroForOne ? 4295128740n : 1461446703485210103287273052203988822378723970341n,
        );
        bareN++;
      }
    }
  } finally {
    bare.free();
  }
  const bareSec = (performance.now() - tbare) / 1000;

  // sweep: 64 points, 1 vs 2 workers
  const spec: SweepSpec = {
    base: [["days", quick ? "0.5" : "7"], ["no-progress", ""]],
    keys: ["threshold", "width-scale", "swap-fraction"],
    values: [["0.05", "0.1", "0.2", "0.3"], ["1", "2", "3", "4"], ["0", "0.25", "0.5", "1"]],
    rankBy: "returns.vsHodl",
  };
  // CPU seconds of the whole process (all threads: workers, and V8's own
  // GC and compiler threads) next to the wall time, to tell how many cores
  // each run kept busy
  const cpuSec = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const c1 = cpuSec();
  const t1 = performance.now();
  await runSweep([], spec, 1);
  const one = (performance.now() - t1) / 1000;
  const c2 = cpuSec();
  const t2 = performance.now();
  await runSweep([], spec, 2);
  const two = (performance.now() - t2) / 1000;
  const c3 = cpuSec();

  return {
    barMode: {
      bars: nBars,
      seconds: barSec,
      barsPerSec: nBars / barSec,
      target: "525,600 bars in < 1 s",
    },
    swapLevel: {
      events,
      swaps,
      seconds: swapSec,
      eventsPerSec: events / swapSec,
      swapsPerSec: swaps / swapSec,
      days,
      kernelRuns: kernelRun.kernelRuns,
      eventsInJs: kernelRun.jsEvents,
      eventByEventSwapsPerSec: jsRun.swaps / jsRun.seconds,
      bareCoreSwapsPerSec: bareN / bareSec,
      target: ">= 1,000,000 swaps/s excluding CSV parsing",
      met: swaps / swapSec >= 1_000_000,
    },
    sweep: {
      points: 64,
      secondsOneWorker: one,
      secondsTwoWorkers: two,
      scaling: one / two,
      coresBusyOneWorker: (c2 - c1) / one,
      coresBusyTwoWorkers: (c3 - c2) / two,
      cpus: navigator.hardwareConcurrency,
    },
  };
}

/** The figures as three printable lines. */
export function formatBacktest(r: BacktestBench): string {
  const f = (x: number) => Math.round(x).toLocaleString("en-US");
  return [
    `bar mode:    ${f(r.barMode.bars)} bars in ${r.barMode.seconds.toFixed(3)} s = ${
      f(r.barMode.barsPerSec)
    } bars/s (${r.barMode.target})`,
    `swap-level:  ${f(r.swapLevel.events)} events (${f(r.swapLevel.swaps)} swaps) in ${
      r.swapLevel.seconds.toFixed(3)
    } s = ${f(r.swapLevel.swapsPerSec)} swaps/s, ${
      f(r.swapLevel.eventsPerSec)
    } events/s (${r.swapLevel.days} days, ${f(r.swapLevel.kernelRuns)} kernel runs, ${
      f(r.swapLevel.eventsInJs)
    } events in JS; target ${r.swapLevel.target}: ${r.swapLevel.met ? "met" : "UNMET"})\n` +
    `             event by event in JS ${
      f(r.swapLevel.eventByEventSwapsPerSec)
    } swaps/s; bare exact pool (one facade call per swap) ${
      f(r.swapLevel.bareCoreSwapsPerSec)
    } swaps/s`,
    `sweep:       64 points ${r.sweep.secondsOneWorker.toFixed(2)} s on 1 worker, ${
      r.sweep.secondsTwoWorkers.toFixed(2)
    } s on 2: x${r.sweep.scaling.toFixed(2)} (${r.sweep.cpus} CPUs; cores kept busy: ${
      r.sweep.coresBusyOneWorker.toFixed(2)
    } with 1 worker, ${r.sweep.coresBusyTwoWorkers.toFixed(2)} with 2)`,
  ].join("\n");
}

if (import.meta.main) {
  const quick = Deno.args.includes("--quick");
  console.log(formatBacktest(await benchBacktest({ quick })));
}
