/**
 * The strategy's trigger logic: edge-triggered (fires once per crossing, not
 * while the deviation stays high), minimum interval, cost check, re-arming,
 * out-of-range edge, and the volatility estimator it is fed.
 */
import { equal, ok } from "node:assert/strict";
import { SeededRandom } from "../../services/common/random.ts";
import { AsymmetricLpStrategy, type StrategyInput } from "../../services/defi/strategy.ts";
import { RollingVolatility } from "../../services/defi/volatility.ts";

const base: StrategyInput = {
  t: 0,
  baseRatio: 0.5,
  valueQuote: 100_000,
  hasPosition: true,
  inRange: true,
  sigmaPerSqrtDay: 0.1,
  feeRatePerSec: 1e-7,
  gasCostQuote: 1,
  swapCostRate: 0.0005,
  atBound: false,
};

Deno.test("strategy: the first placement is unconditional", () => {
  const s = new AsymmetricLpStrategy();
  const d = s.decide({ ...base, hasPosition: false, gasCostQuote: 1e9 });
  equal(d.action, "rebalance");
  equal(d.trigger, "initial");
});

Deno.test("strategy: deviation is edge-triggered, with hysteresis", () => {
  const s = new AsymmetricLpStrategy({ threshold: 0.1, minIntervalSec: 0, swapFraction: 1 });
  s.onRebalanced(0, 0.5, true);
  equal(s.decide({ ...base, t: 10, baseRatio: 0.55 }).action, "hold");
  const d = s.decide({ ...base, t: 20, baseRatio: 0.65 });
  equal(d.action, "rebalance");
  equal(d.trigger, "deviation");
  ok(d.swapRatioDelta < 0, "sells base back toward target");
  // the engine did not rebalance; staying above threshold does not fire again
  equal(s.decide({ ...base, t: 30, baseRatio: 0.66 }).action, "hold");
  equal(s.decide({ ...base, t: 40, baseRatio: 0.67 }).action, "hold");
  // back below threshold·rearm re-arms, next crossing fires again
  equal(s.decide({ ...base, t: 50, baseRatio: 0.52 }).action, "hold");
  equal(s.decide({ ...base, t: 60, baseRatio: 0.39 }).action, "rebalance");
});

Deno.test("strategy: minimum interval defers, then fires", () => {
  const s = new AsymmetricLpStrategy({ threshold: 0.1, minIntervalSec: 3600, swapFraction: 1 });
  s.onRebalanced(1000, 0.5, true);
  equal(s.decide({ ...base, t: 1100, baseRatio: 0.7 }).action, "hold");
  equal(s.stats.deferred, 1);
  const d = s.decide({ ...base, t: 4700, baseRatio: 0.7 });
  equal(d.action, "rebalance");
});

Deno.test("strategy: the cost check declines when gas exceeds the benefit", () => {
  const s = new AsymmetricLpStrategy({ threshold: 0.1, minIntervalSec: 0, swapFraction: 0.5 });
  s.onRebalanced(0, 0.5, true);
  const d = s.decide({ ...base, t: 10, baseRatio: 0.65, gasCostQuote: 1e6 });
  equal(d.action, "hold");
  ok(d.declined);
  ok(d.cost > d.benefit);
  equal(s.stats.declined, 1);
  // escalation: a further threshold/2 of deviation re-evaluates
  equal(s.decide({ ...base, t: 20, baseRatio: 0.67, gasCostQuote: 1 }).action, "hold");
  equal(s.decide({ ...base, t: 30, baseRatio: 0.72, gasCostQuote: 1 }).action, "rebalance");
});

Deno.test("strategy: leaving the range is an edge; fees regained justify gas", () => {
  const s = new AsymmetricLpStrategy({ threshold: 0.3, minIntervalSec: 0 });
  s.onRebalanced(0, 0.5, true);
  const d = s.decide({
    ...base,
    t: 100,
    inRange: false,
    baseRatio: 0.6,
    feeRatePerSec: 1e-6,
    gasCostQuote: 50,
  });
  equal(d.trigger, "out-of-range");
  equal(d.action, "rebalance");
  const s2 = new AsymmetricLpStrategy({ threshold: 0.3, minIntervalSec: 0 });
  s2.onRebalanced(0, 0.5, true);
  const d2 = s2.decide({
    ...base,
    t: 100,
    inRange: false,
    baseRatio: 0.6,
    feeRatePerSec: 0,
    gasCostQuote: 50,
  });
  equal(d2.action, "hold");
  // still out of range: no new edge before the retry interval (max(minInterval, 60 s))...
  equal(
    s2.decide({ ...base, t: 140, inRange: false, baseRatio: 0.6, feeRatePerSec: 1 }).action,
    "hold",
  );
  // ...then the declined trigger is re-evaluated because its condition persists
  const d3 = s2.decide({ ...base, t: 200, inRange: false, baseRatio: 0.6, feeRatePerSec: 1 });
  equal(d3.action, "rebalance");
  equal(d3.trigger, "out-of-range");
  // back in range, a declined trigger is dropped
  const s3 = new AsymmetricLpStrategy({ threshold: 0.3, minIntervalSec: 0 });
  s3.onRebalanced(0, 0.5, true);
  s3.decide({
    ...base,
    t: 100,
    inRange: false,
    baseRatio: 0.6,
    feeRatePerSec: 0,
    gasCostQuote: 50,
  });
  equal(s3.decide({ ...base, t: 150, inRange: true, baseRatio: 0.6 }).action, "hold");
  equal(
    s3.decide({ ...base, t: 500, inRange: true, baseRatio: 0.6, feeRatePerSec: 1 }).action,
    "hold",
  );
});

Deno.test("volatility: recovers a known sigma from a random walk, ignores gaps", () => {
  const r = new SeededRandom(3);
  const sigmaDay = 0.04;
  const v = new RollingVolatility({ sampleSec: 60, window: 5000 });
  let ln = Math.log(2000);
  for (let i = 0; i <= 5000; i++) {
    v.update(i * 60, Math.exp(ln));
    ln += sigmaDay * Math.sqrt(60 / 86400) * r.gaussian();
  }
  ok(Math.abs(v.sigmaPerSqrtDay() / sigmaDay - 1) < 0.05, `sigma ${v.sigmaPerSqrtDay()}`);
  // a 1-hour gap whose move is normal for an hour does not inflate the estimate
  const g = new RollingVolatility({ sampleSec: 60, window: 100, minSamples: 2 });
  g.update(0, 100);
  g.update(60, 100 * Math.exp(0.001));
  g.update(120, 100 * Math.exp(0.002));
  g.update(3720, 100 * Math.exp(0.002 + 0.001 * Math.sqrt(60)));
  g.update(3780, 100);
  const perMin = 0.001;
  ok(
    Math.abs(g.sigmaPerSqrtDay() / (perMin * Math.sqrt(1440)) - 1) < 0.2,
    `gap sigma ${g.sigmaPerSqrtDay()}`,
  );
});
