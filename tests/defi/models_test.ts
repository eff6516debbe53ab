/**
 * Range models: A–S and GLFT quotes against the formulas computed by hand
 * here (venues.md §4), the mapping to ranges, and properties: more inventory
 * skew never narrows the excess side, ranges are aligned to the tick spacing,
 * the main range contains the price, limit ranges are single-sided.
 */
import fc from "fast-check";
import { deepEqual, equal, ok } from "node:assert/strict";
import { loadCore } from "../../core-wasm/mod.ts";
import {
  AvellanedaStoikovModel,
  GlftModel,
  type ModelState,
  type RangeModel,
} from "../../services/defi/models/mod.ts";
import { LN_TICK } from "../../services/defi/ticks.ts";

const { quoting } = await loadCore();

function close(a: number, b: number, what: string, rel = 1e-12): void {
  ok(Math.abs(a - b) <= rel * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
}

const state = (over: Partial<ModelState> = {}): ModelState => ({
  tick: 200003,
  tickSpacing: 10,
  baseRatio: 0.6,
  targetRatio: 0.5,
  sigmaPerSqrtDay: 0.03,
  baseToken: 1,
  ...over,
});

Deno.test("A-S: reservation, spread and depths match the closed form", () => {
  const gamma = 5e-5, k = 0.01, tau = 1;
  const m = new AvellanedaStoikovModel(quoting, { gamma, k, horizonDays: tau });
  const st = state({ baseRatio: 0.62 });
  const q = 100 * (0.62 - 0.5); // 12 percentage points
  const sigma = 0.03 / LN_TICK; // ticks per sqrt(day)
  const shift = -q * gamma * sigma * sigma * tau; // r − s
  const spread = gamma * sigma * sigma * tau + (2 / gamma) * Math.log(1 + gamma / k);
  const quote = m.quote(st);
  close(quote.q, q, "q");
  close(quote.sigmaTicks, sigma, "sigma");
  close(quote.reservationShiftTicks, shift, "reservation shift", 1e-9);
  close(quote.bidDepthTicks, spread / 2 - shift, "bid depth", 1e-9);
  close(quote.askDepthTicks, spread / 2 + shift, "ask depth", 1e-9);
  // long base (token1) = excess token1 -> wide side is below (token1 sits below the price)
  const plan = m.calculateRanges(st);
  equal(plan.excessToken, 1);
  const far = Math.max(quote.bidDepthTicks, quote.askDepthTicks);
  const near = Math.min(quote.bidDepthTicks, quote.askDepthTicks);
  equal(plan.excessWidthTicks, Math.ceil(Math.max(20, 2 * far) / 10) * 10);
  equal(plan.deficitWidthTicks, Math.ceil(Math.max(20, 2 * near) / 10) * 10);
  deepEqual(plan.main, {
    tickLower: 200000 - plan.excessWidthTicks,
    tickUpper: 200000 + plan.deficitWidthTicks,
  });
  deepEqual(plan.limit1, { tickLower: 200000 - plan.excessWidthTicks, tickUpper: 200000 });
});

Deno.test("A-S hand case: gamma 1e-4, k 0.02, sigma 200 ticks, q = -10", () => {
  // σ = 200 ticks/√day exactly: σ_log = 200·ln(1.0001)
  const m = new AvellanedaStoikovModel(quoting, { gamma: 1e-4, k: 0.02, horizonDays: 0.5 });
  const qt = m.quote(state({ baseRatio: 0.4, sigmaPerSqrtDay: 200 * LN_TICK }));
  // r − s = −(−10)·1e-4·40000·0.5 = 20; spread = 1e-4·40000·0.5 + 2e4·ln(1.005) = 2 + 99.750...
  const spread = 2 + 2e4 * Math.log(1.005);
  close(qt.reservationShiftTicks, 20, "shift", 1e-9);
  close(qt.bidDepthTicks, spread / 2 - 20, "bid", 1e-9);
  close(qt.askDepthTicks, spread / 2 + 20, "ask", 1e-9);
});

Deno.test("GLFT: depths match Guéant's closed form; max position withholds a side", () => {
  const gamma = 5e-5, xi = 2e-5, A = 500, k = 0.01, cost = 5;
  const m = new GlftModel(quoting, {
    inventoryPenalty: gamma,
    terminalPenalty: xi,
    A,
    k,
    executionCostTicks: cost,
    maxPosition: 30,
  });
  const sigma = 0.025 / LN_TICK;
  const st = state({ baseRatio: 0.58, sigmaPerSqrtDay: 0.025 });
  const q = 8;
  const c1 = (1 / xi) * Math.log(1 + xi / k);
  const c2 = Math.sqrt((gamma * sigma * sigma / (2 * A * k)) * Math.pow(1 + xi / k, k / xi + 1));
  const bid = c1 + ((2 * q + 1) / 2) * c2 + cost;
  const ask = c1 - ((2 * q - 1) / 2) * c2 + cost;
  const qt = m.quote(st);
  close(qt.q, q, "q", 1e-9);
  close(qt.bidDepthTicks, bid, "bid", 1e-9);
  close(qt.askDepthTicks, ask, "ask", 1e-9);
  equal(qt.withheld, "none");
  const bound = m.calculateRanges(state({ baseRatio: 0.85 }));
  equal(bound.quote.withheld, "bid");
  ok(bound.mustReduce);
  equal(bound.deficitWidthTicks, 20);
});

const models: RangeModel[] = [
  new AvellanedaStoikovModel(quoting, { gamma: 5e-5, k: 0.01, horizonDays: 1 }),
  new GlftModel(quoting, { inventoryPenalty: 5e-5, A: 500, k: 0.01, executionCostTicks: 5 }),
  new GlftModel(quoting, {
    inventoryPenalty: 2e-4,
    A: 200,
    k: 0.02,
    maxPosition: 35,
    minWidthTicks: 60,
  }),
];

const arbState = fc.record({
  tick: fc.integer({ min: -800000, max: 800000 }),
  tickSpacing: fc.constantFrom(1, 10, 60, 200),
  baseRatio: fc.double({ min: 0, max: 1, noNaN: true }),
  targetRatio: fc.double({ min: 0.05, max: 0.95, noNaN: true }),
  sigmaPerSqrtDay: fc.double({ min: 0.001, max: 0.2, noNaN: true }),
  baseToken: fc.constantFrom(0 as const, 1 as const),
});

Deno.test("property: more inventory skew never narrows the excess side", () => {
  for (const m of models) {
    fc.assert(
      fc.property(arbState, fc.double({ min: 0, max: 1, noNaN: true }), (s, more) => {
        const dev = s.baseRatio - s.targetRatio;
        const dev2 = dev + Math.sign(dev || 1) * more * (1 - Math.abs(dev));
        const r2 = Math.min(1, Math.max(0, s.targetRatio + dev2));
        if (Math.sign(r2 - s.targetRatio) !== Math.sign(dev) && dev !== 0) return;
        const a = m.calculateRanges(s);
        const b = m.calculateRanges({ ...s, baseRatio: r2 });
        if (a.excessToken !== b.excessToken) return; // q crossed 0 only when dev == 0
        ok(
          b.excessWidthTicks >= a.excessWidthTicks,
          `${m.name}: excess side narrowed ${a.excessWidthTicks} -> ${b.excessWidthTicks} (ratio ${s.baseRatio} -> ${r2})`,
        );
        ok(b.deficitWidthTicks <= Math.max(a.deficitWidthTicks, b.excessWidthTicks));
      }),
      { numRuns: 300 },
    );
  }
});

Deno.test("property: ranges are spacing-aligned, the main range holds the price, limits are one-sided", () => {
  for (const m of models) {
    fc.assert(
      fc.property(arbState, (s) => {
        const p = m.calculateRanges(s);
        const sp = s.tickSpacing;
        for (const r of [p.main, p.limit0, p.limit1]) {
          if (!r) continue;
          equal(r.tickLower % sp, 0);
          equal(r.tickUpper % sp, 0);
          ok(r.tickLower < r.tickUpper);
          ok(r.tickLower >= -887272 && r.tickUpper <= 887272);
        }
        ok(p.main.tickLower <= s.tick && s.tick < p.main.tickUpper, "main range contains the tick");
        if (p.limit0) ok(p.limit0.tickLower > s.tick, "token0 limit is above the price");
        if (p.limit1) ok(p.limit1.tickUpper <= s.tick, "token1 limit is at or below the price");
        // the wide side is the excess token's side
        const up = p.main.tickUpper - Math.floor(s.tick / sp) * sp;
        const down = Math.floor(s.tick / sp) * sp - p.main.tickLower;
        if (Math.abs(s.tick) < 700000) {
          if (p.excessToken === 0) {
            ok(up >= down, `excess token0 should be wide above (${up} vs ${down})`);
          } else ok(down >= up, `excess token1 should be wide below (${down} vs ${up})`);
        }
      }),
      { numRuns: 300 },
    );
  }
});
