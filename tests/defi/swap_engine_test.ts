/**
 * Swap-level engine: exact token conservation (wallet + positions + fees +
 * gas reconcile to the initial capital plus PnL, to the last raw unit, after
 * every batch of swaps, for random markets and strategy settings), our
 * uncollected-fee formula equals what the pool credits on a poke, and
 * determinism (same seed, same data: byte-identical summary.json).
 */
import fc from "fast-check";
import { equal, notEqual, ok } from "node:assert/strict";
import { loadCore } from "../../core-wasm/mod.ts";
import {
  defaultRunOptions,
  runParams,
  runSyntheticSwap,
  splitCapital,
} from "../../services/defi/backtest/run.ts";
import { SwapLevelEngine } from "../../services/defi/backtest/swap_engine.ts";
import { createSyntheticPool, syntheticEvents } from "../../services/defi/backtest/synthetic.ts";
import type { MarketEvent } from "../../services/defi/backtest/types.ts";
import { SeededRandom } from "../../services/common/random.ts";
import { stableJson, writeRunFolder } from "../../services/defi/backtest/report.ts";
import { driveSynthetic } from "../support/drive.ts";
import { runBacktest } from "../../services/defi/backtest/dispatch.ts";
import { defaultCliOptions } from "../../services/defi/backtest/cli.ts";

const core = await loadCore();

function assertReconciled(engine: SwapLevelEngine, where: string): void {
  const rec = engine.reconcile();
  for (const i of [0, 1]) {
    equal(rec[i].residual, 0n, `${where}: token${i} residual ${rec[i].residual}`);
    ok(rec[i].wallet >= 0n, `${where}: token${i} wallet negative`);
  }
}

Deno.test("conservation: every batch reconciles to the last unit (random markets and settings)", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 1e6 }),
      fc.constantFrom("as" as const, "glft" as const),
      fc.double({ min: 0.03, max: 0.4, noNaN: true }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0.2, max: 0.8, noNaN: true }),
      fc.boolean(),
      (seed, model, threshold, swapFraction, target, hedge) => {
        const o = defaultRunOptions();
        o.seed = seed;
        o.model.model = model;
        o.strategy = {
          ...o.strategy,
          threshold,
          swapFraction,
          targetRatio: target,
          minIntervalSec: 600,
        };
        o.hedge = hedge
          ? { ratio: 1, thresholdFraction: 0.01, feeRate: 0.0005, fundingPerYear: 0.1 }
          : null;
        o.synthetic = { ...o.synthetic, seed, days: 0.25, noisePerSec: 0.05 };
        const pool = createSyntheticPool(core, o.synthetic);
        try {
          const engine = new SwapLevelEngine(core, pool, runParams(core, o));
          driveSynthetic(engine, o, {
            afterFund: () => assertReconciled(engine, "after funding"),
            afterBatch: () => assertReconciled(engine, `seed ${seed} at t=${engine.t}`),
          });
          engine.finish();
          assertReconciled(engine, "after closing");
          equal(engine.positions.length, 0);
          // after closing, the PnL identity is in the wallet alone
          const rec = engine.reconcile();
          for (const i of [0, 1]) {
            equal(rec[i].positionPrincipal + rec[i].uncollectedFees, 0n);
            equal(
              rec[i].wallet,
              rec[i].initial + rec[i].feesEarned + rec[i].burned - rec[i].minted +
                rec[i].swapReceived - rec[i].swapPaid - rec[i].gasPaid,
            );
          }
          ok(engine.rebalances.length >= 1);
        } finally {
          pool.free();
        }
      },
    ),
    { numRuns: 8 },
  );
});

Deno.test("fees: the engine's fee-growth formula equals what the pool credits on a poke", () => {
  const o = defaultRunOptions();
  o.synthetic = { ...o.synthetic, days: 0.5 };
  const pool = createSyntheticPool(core, o.synthetic);
  try {
    const engine = new SwapLevelEngine(core, pool, runParams(core, o));
    let checked = 0;
    const pokeAndCompare = () => {
      for (const p of engine.positions) {
        const [f0, f1] = engine.uncollected(p);
        pool.burn(p.owner, p.lower, p.upper, 0n); // poke: fees move into tokensOwed
        const pos = pool.positions(p.owner, p.lower, p.upper);
        equal(pos.tokensOwed0, f0);
        equal(pos.tokensOwed1, f1);
        if (f0 > 0n || f1 > 0n) checked++;
      }
      assertReconciled(engine, "after poke");
    };
    driveSynthetic(engine, o, { afterBatch: pokeAndCompare });
    ok(checked > 5, `checked ${checked} positions with fees`);
  } finally {
    pool.free();
  }
});

Deno.test("determinism: same seed gives a byte-identical summary.json; another seed differs", async () => {
  const run = async (seed: number) => {
    const o = defaultRunOptions();
    o.seed = seed;
    o.synthetic = { ...o.synthetic, days: 1 };
    return await runSyntheticSwap(o);
  };
  const a = await run(5);
  const b = await run(5);
  const c = await run(6);
  equal(stableJson(a.summary), stableJson(b.summary));
  notEqual(stableJson(a.summary), stableJson(c.summary));
  // through the files, as the CLI writes them
  const d1 = await Deno.makeTempDir();
  const d2 = await Deno.makeTempDir();
  try {
    await writeRunFolder(d1, a.summary, a.series, a.rebalances, "t");
    await writeRunFolder(d2, b.summary, b.series, b.rebalances, "t");
    for (const f of ["summary.json", "series.csv", "rebalances.csv", "report.html"]) {
      equal(await Deno.readTextFile(`${d1}/${f}`), await Deno.readTextFile(`${d2}/${f}`), f);
    }
    const html = await Deno.readTextFile(`${d1}/report.html`);
    ok(html.includes("uPlot") && !/<script[^>]+src=/.test(html), "self-contained uPlot report");
  } finally {
    await Deno.remove(d1, { recursive: true });
    await Deno.remove(d2, { recursive: true });
  }
});

Deno.test("determinism: synthetic bar mode and the GLFT model are deterministic too", async () => {
  const run = async () => {
    const o = defaultCliOptions();
    o.mode = "bar";
    o.model.model = "glft";
    o.synthetic = { ...o.synthetic, days: 1 };
    return stableJson((await runBacktest(o)).summary);
  };
  equal(await run(), await run());
});

Deno.test("summary: PnL components add up to the result vs HODL", async () => {
  const o = defaultRunOptions();
  o.synthetic = { ...o.synthetic, days: 2 };
  o.hedge = { ratio: 1, thresholdFraction: 0.01, feeRate: 0.0005, fundingPerYear: 0.1 };
  const r = await runSyntheticSwap(o);
  // deno-lint-ignore no-explicit-any
  const p = r.summary.pnl as any;
  const sum = p.fees + p.impermanentLoss + p.gas + p.swapCost + p.hedge;
  ok(
    Math.abs(sum - p.vsHodl) < 1e-6 * Math.max(1, Math.abs(p.vsHodl)) + 1e-3,
    `${sum} vs ${p.vsHodl}`,
  );
  ok(p.fees > 0);
  ok(p.gas < 0);
  // deno-lint-ignore no-explicit-any
  ok((r.summary.activity as any).hedgeTrades > 0);
});

/** Runs one synthetic market through the engine with or without the replay kernel. */
function replayBoth(o: ReturnType<typeof defaultRunOptions>) {
  const out = [];
  for (const kernel of [false, true]) {
    const pool = createSyntheticPool(core, o.synthetic);
    try {
      const engine = new SwapLevelEngine(core, pool, runParams(core, o), { kernel });
      driveSynthetic(engine, o);
      engine.finish();
      assertReconciled(engine, kernel ? "kernel" : "js");
      out.push({ engine, snapshot: pool.snapshot() });
    } finally {
      pool.free();
    }
  }
  return out;
}

function close(a: number, b: number, what: string): void {
  const tol = 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  ok(Math.abs(a - b) <= tol, `${what}: event by event ${a}, kernel ${b}`);
}

Deno.test("replay kernel: the same decisions, pool and books as event-by-event replay", () => {
  let kernelRuns = 0;
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 1e6 }),
      fc.constantFrom("as" as const, "glft" as const),
      fc.double({ min: 0.03, max: 0.3, noNaN: true }),
      fc.integer({ min: 0, max: 3600 }),
      (seed, model, threshold, minIntervalSec) => {
        const o = defaultRunOptions();
        o.seed = seed;
        o.model.model = model;
        o.strategy = { ...o.strategy, threshold, minIntervalSec };
        o.synthetic = { ...o.synthetic, seed, days: 0.5 };
        const [js, k] = replayBoth(o);
        const a = js.engine;
        const b = k.engine;
        kernelRuns += b.kernelStats.runs;
        equal(b.kernelStats.runs > 0, true, "the kernel ran");
        // every decision the same
        equal(b.rebalances.length, a.rebalances.length, "rebalances");
        for (let i = 0; i < a.rebalances.length; i++) {
          equal(b.rebalances[i].t, a.rebalances[i].t, `rebalance ${i} time`);
          equal(b.rebalances[i].trigger, a.rebalances[i].trigger, `rebalance ${i} trigger`);
          equal(b.rebalances[i].mainLower, a.rebalances[i].mainLower, `rebalance ${i} range`);
        }
        equal(
          JSON.stringify(b.p.strategy.stats),
          JSON.stringify(a.p.strategy.stats),
          "strategy stats",
        );
        equal(JSON.stringify(b.counts), JSON.stringify(a.counts), "event counts");
        // the exact pool: every market swap and arbitrage applied alike (our
        // own rebalance swaps are sized in f64, so their raw amounts may
        // differ by a few units; the price path then differs by as little)
        equal(k.snapshot.ticks.length, js.snapshot.ticks.length, "initialized ticks");
        close(Number(k.snapshot.sqrtPriceX96), Number(js.snapshot.sqrtPriceX96), "final price");
        for (const i of [0, 1] as const) {
          const w = Number(a.wallet[i]);
          ok(Math.abs(Number(b.wallet[i]) - w) <= 1e-9 * w + 1e3, `wallet ${i}`);
        }
        // the f64 books
        close(b.feesQuote, a.feesQuote, "fees");
        close(b.lvrQuote, a.lvrQuote, "LVR");
        close(b.timeInRange, a.timeInRange, "time in range");
        close(b.devIntegral, a.devIntegral, "deviation integral");
        close(b.poolVolumeQuote, a.poolVolumeQuote, "pool volume");
        close(b.vol.sigmaPerSqrtDay(), a.vol.sigmaPerSqrtDay(), "sigma");
        equal(b.series.length, a.series.length, "series rows");
      },
    ),
    { numRuns: 12 },
  );
  ok(kernelRuns > 100, `kernel runs ${kernelRuns}`);
});

Deno.test("replay kernel: swaps with price limits, refused limits, recorded ticks and wide amounts match event-by-event replay", () => {
  const o = defaultRunOptions();
  o.synthetic = { ...o.synthetic, seed: 99, days: 0.5 };
  const r = new SeededRandom(4242);
  const m = core.math;
  // the synthetic market, with limits on some swaps (a few ticks away, on
  // either side: the wrong side is refused), recorded ticks, and a few
  // amounts over 128 bits (the kernel hands those back to JS)
  const probe = createSyntheticPool(core, o.synthetic);
  const tick = probe.slot0().tick;
  probe.free();
  const batches: MarketEvent[][] = [];
  for (const batch of syntheticEvents(o.synthetic)) {
    batches.push(batch.map((e) => {
      if (e.kind !== "swap") return e;
      const x = r.next();
      if (x < 0.3) {
        const lim = m.getSqrtRatioAtTick(tick + r.int(-300, 300));
        return { ...e, limit: lim, recordedTick: tick + r.int(-2, 2) };
      }
      if (x < 0.31) return { ...e, amount: e.amount + (1n << 130n), limit: undefined };
      return e;
    }));
  }
  const runs = [false, true].map((kernel) => {
    const pool = createSyntheticPool(core, o.synthetic);
    try {
      const engine = new SwapLevelEngine(core, pool, runParams(core, o), { kernel });
      const [a0, a1] = splitCapital(o, engine.price);
      engine.fund(batches[0][0].t, a0, a1);
      for (const b of batches) engine.process(b);
      engine.finish();
      assertReconciled(engine, kernel ? "kernel" : "js");
      return engine;
    } finally {
      pool.free();
    }
  });
  const [a, b] = runs;
  ok(a.counts.rejected > 10, `refused swaps ${a.counts.rejected}`);
  ok(a.counts.tickDrift > 10, `tick drift ${a.counts.tickDrift}`);
  ok(
    b.kernelStats.runs > 10 && b.kernelStats.stops[2] > 10,
    "the kernel ran and handed events back",
  );
  equal(JSON.stringify(b.counts), JSON.stringify(a.counts), "event counts");
  equal(JSON.stringify(b.p.strategy.stats), JSON.stringify(a.p.strategy.stats), "strategy stats");
  equal(
    b.rebalances.map((x) => x.t).join(),
    a.rebalances.map((x) => x.t).join(),
    "rebalance times",
  );
  close(b.feesQuote, a.feesQuote, "fees");
  close(b.lvrQuote, a.lvrQuote, "LVR");
});
