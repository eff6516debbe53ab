/**
 * Quote models and calibration in core.wasm against the formulas evaluated
 * here with plain JS Math (venues.md §4), monotonicity and no-crossing
 * properties (fast-check), and calibration recovering known parameters from
 * seeded synthetic data.
 */
import fc from "fast-check";
import { deepEqual, equal, ok, throws } from "node:assert/strict";
import {
  type AvellanedaStoikovParams,
  type GlftParams,
  loadCore,
  type Quote,
  QUOTE_IN_STRIDE,
  QUOTE_OUT_STRIDE,
  QuoteRow,
} from "../../core-wasm/mod.ts";

const { quoting } = await loadCore();
const TICK_EPS = 1e-9;

function close(actual: number | null, expected: number, what: string, rel = 1e-12): void {
  ok(actual !== null, `${what}: got null, expected ${expected}`);
  const tol = rel * Math.max(1, Math.abs(expected));
  ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs expected ${expected}`);
}

/** A seeded PRNG (mulberry32) and standard normals by Box–Muller. */
function rng(seed: number): { u: () => number; z: () => number } {
  let a = seed >>> 0;
  const u = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const z = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  return { u, z };
}

/** Expected ticks from prices, as documented: bid down, ask up, ask >= bid + 1. */
function ticks(bid: number, ask: number, tick: number): [number, number] {
  const b = Math.floor(bid / tick + TICK_EPS);
  let a = Math.ceil(ask / tick - TICK_EPS);
  if (a < b + 1) a = b + 1;
  return [b, a];
}

// ---------------------------------------------------------------- Avellaneda–Stoikov

/** venues.md §4 eqs. 29/30, written out directly. */
function asExpected(p: AvellanedaStoikovParams, s: number, q: number) {
  const { gamma, sigma, k, horizon: tau } = p;
  const fee = p.fee ?? 0;
  const r = s - q * gamma * sigma ** 2 * tau;
  const spread = gamma * sigma ** 2 * tau + (2 / gamma) * Math.log(1 + gamma / k);
  const bid = r - spread / 2 - fee;
  const ask = r + spread / 2 + fee;
  return { r, bid, ask, bidDepth: s - bid, askDepth: ask - s };
}

const AS_CASES: [AvellanedaStoikovParams, number, number][] = [
  [{ gamma: 0.1, sigma: 2, k: 1.5, horizon: 1 }, 100, 0],
  [{ gamma: 0.1, sigma: 2, k: 1.5, horizon: 1, tickSize: 0.01 }, 100, 2],
  [{ gamma: 0.5, sigma: 0.8, k: 3, horizon: 0.25, fee: 0.02, tickSize: 0.05 }, 50.3, -3],
  [{ gamma: 0.01, sigma: 15, k: 0.2, horizon: 0.5, fee: 0.5, tickSize: 0.5 }, 3000, 1.5],
  [{ gamma: 2, sigma: 0.001, k: 1000, horizon: 10, tickSize: 0.0001 }, 1.0843, 7],
  [{ gamma: 0.3, sigma: 1, k: 2, horizon: 0 }, 10, 5], // horizon over: no inventory term
];

Deno.test("A-S: quotes equal eqs. 29/30 for several parameter sets", () => {
  for (const [p, s, q] of AS_CASES) {
    const got = quoting.avellanedaStoikov(p, s, q);
    const e = asExpected(p, s, q);
    const what = `A-S ${JSON.stringify(p)} s=${s} q=${q}`;
    close(got.reservation, e.r, `${what} reservation`);
    close(got.bid, e.bid, `${what} bid`);
    close(got.ask, e.ask, `${what} ask`);
    close(got.bidDepth, e.bidDepth, `${what} bidDepth`, 1e-10);
    close(got.askDepth, e.askDepth, `${what} askDepth`, 1e-10);
    if (p.tickSize) {
      deepEqual([got.bidTick, got.askTick], ticks(e.bid, e.ask, p.tickSize), what);
    } else {
      equal(got.bidTick, null);
      equal(got.askTick, null);
    }
  }
});

Deno.test("A-S: a worked example by hand", () => {
  // gamma 0.1, sigma 2, k 1.5, T-t 1, s 100, q 2:
  // r = 100 - 2*0.1*4*1 = 99.2; spread = 0.4 + 20*ln(1 + 0.1/1.5) = 1.690770...
  const got = quoting.avellanedaStoikov(
    { gamma: 0.1, sigma: 2, k: 1.5, horizon: 1, tickSize: 0.01 },
    100,
    2,
  );
  const spread = 0.4 + 20 * Math.log(1 + 0.1 / 1.5);
  close(spread, 1.6907704227514232, "spread", 1e-15);
  close(got.reservation, 99.2, "r");
  close(got.ask! - got.bid!, spread, "ask - bid");
  equal(got.bidTick, 9835); // 98.3546... down
  equal(got.askTick, 10005); // 100.0454... up
});

Deno.test("A-S: gamma -> 0 takes the limit 2/k of the spread", () => {
  const k = 1.7;
  const zero = quoting.avellanedaStoikov({ gamma: 0, sigma: 3, k, horizon: 2 }, 10, 4);
  close(zero.reservation, 10, "r at gamma 0");
  close(zero.ask! - zero.bid!, 2 / k, "spread at gamma 0");
  const tiny = quoting.avellanedaStoikov({ gamma: 1e-9, sigma: 3, k, horizon: 2 }, 10, 4);
  const g = 1e-9;
  close(tiny.ask! - tiny.bid!, g * 9 * 2 + (2 / g) * Math.log1p(g / k), "spread at gamma 1e-9");
  close(tiny.ask! - tiny.bid!, 2 / k, "spread at gamma 1e-9 near 2/k", 1e-7);
});

// ---------------------------------------------------------------- GLFT

/** Guéant eqs. 4.6/4.7 with lot Δ, written out directly (ξ > 0). */
function glftExpected(p: GlftParams, s: number, q: number) {
  const { gamma, sigma, A, k } = p;
  const xi = p.xi ?? gamma;
  const D = p.lot ?? 1;
  const fee = p.fee ?? 0;
  const adj1 = p.halfSpreadScale ?? 1;
  const adj2 = p.skewScale ?? 1;
  const c1 = (1 / (xi * D)) * Math.log(1 + (xi * D) / k);
  const c2 = Math.sqrt(
    ((gamma * sigma ** 2) / (2 * A * D * k)) * Math.pow(1 + (xi * D) / k, k / (xi * D) + 1),
  );
  // with unit scales: bid depth c1 + ((2q+Δ)/2) c2, ask depth c1 - ((2q-Δ)/2) c2
  const bidDepth = adj1 * (c1 + (D / 2) * c2) + adj2 * c2 * q + fee;
  const askDepth = adj1 * (c1 + (D / 2) * c2) - adj2 * c2 * q + fee;
  return { c1, c2, bidDepth, askDepth, bid: s - bidDepth, ask: s + askDepth };
}

const GLFT_CASES: [GlftParams, number, number][] = [
  // hftbacktest example: xi = gamma = 0.05, Δ = 1, in ticks
  [{ gamma: 0.05, sigma: 2.5, A: 1.2, k: 0.6, tickSize: 1 }, 100_000.5, 0],
  [{ gamma: 0.05, sigma: 2.5, A: 1.2, k: 0.6, tickSize: 1 }, 100_000.5, 7],
  [{ gamma: 0.05, sigma: 2.5, A: 1.2, k: 0.6, skewScale: 0.05, tickSize: 1 }, 100_000.5, -7],
  [{ gamma: 0.2, xi: 0.05, sigma: 0.3, A: 5, k: 4, lot: 0.5, fee: 0.01, tickSize: 0.01 }, 25, 1.5],
  [{ gamma: 1, sigma: 0.02, A: 50, k: 80, lot: 2, tickSize: 0.001, halfSpreadScale: 1.5 }, 1.5, -4],
  [{ gamma: 3, sigma: 10, A: 0.3, k: 0.05, maxPosition: 100 }, 4000, 20],
];

Deno.test("GLFT: quotes and coefficients equal eqs. 4.6/4.7 for several parameter sets", () => {
  for (const [p, s, q] of GLFT_CASES) {
    const got = quoting.glft(p, s, q);
    const e = glftExpected(p, s, q);
    const what = `GLFT ${JSON.stringify(p)} s=${s} q=${q}`;
    const c = quoting.glftCoefficients(p);
    close(c.c1, e.c1, `${what} c1`);
    close(c.c2, e.c2, `${what} c2`);
    close(c.halfSpread, e.c1 + ((p.lot ?? 1) / 2) * e.c2, `${what} halfSpread`);
    close(c.skew, e.c2, `${what} skew`);
    close(got.bidDepth, e.bidDepth, `${what} bidDepth`);
    close(got.askDepth, e.askDepth, `${what} askDepth`);
    close(got.bid, e.bid, `${what} bid`);
    close(got.ask, e.ask, `${what} ask`);
    close(got.reservation, (e.bid + e.ask) / 2, `${what} reservation`);
    if (p.tickSize) deepEqual([got.bidTick, got.askTick], ticks(e.bid, e.ask, p.tickSize), what);
  }
});

Deno.test("GLFT: Guéant's form (2q±Δ)/2 matches hftbacktest's half_spread ± skew·q", () => {
  const p: GlftParams = { gamma: 0.1, sigma: 1.3, A: 2, k: 0.9, lot: 3 };
  const { c1, c2 } = quoting.glftCoefficients(p);
  for (const q of [-9, -3, 0, 3, 6]) {
    const got = quoting.glft(p, 0, q);
    close(got.bidDepth, c1 + ((2 * q + 3) / 2) * c2, `δb(${q})`);
    close(got.askDepth, c1 - ((2 * q - 3) / 2) * c2, `δa(${q})`);
  }
});

Deno.test("GLFT: xi = 0 is the limit c1 = 1/k, c2 = sqrt(e·γσ²/(2AΔk)), and xi -> 0 is continuous", () => {
  const cases: GlftParams[] = [
    { gamma: 0.05, sigma: 2.5, A: 1.2, k: 0.6, xi: 0 },
    { gamma: 0.7, sigma: 0.1, A: 30, k: 12, xi: 0, lot: 0.1 },
    { gamma: 0, sigma: 1, A: 1, k: 2, xi: 0 },
  ];
  for (const p of cases) {
    const D = p.lot ?? 1;
    const c = quoting.glftCoefficients(p);
    close(c.c1, 1 / p.k, `c1 ${JSON.stringify(p)}`);
    close(c.c2, Math.sqrt((Math.E * p.gamma * p.sigma ** 2) / (2 * p.A * D * p.k)), "c2");
    for (const xi of [1e-3, 1e-6, 1e-9, 1e-14]) {
      const near = quoting.glftCoefficients({ ...p, xi });
      // first-order terms: c1 ~ 1/k - xiΔ/(2k²); the power term ~ e(1 - xiΔ/(2k))
      close(near.c1, 1 / p.k, `c1 at xi ${xi}`, 2 * xi * D);
      close(near.c2, c.c2, `c2 at xi ${xi}`, 2 * xi * D);
    }
    const q = quoting.glft(p, 100, 2);
    close(q.bidDepth, 1 / p.k + ((2 * 2 + D) / 2) * c.c2, "δb(2) at xi = 0");
    close(q.askDepth, 1 / p.k - ((2 * 2 - D) / 2) * c.c2, "δa(2) at xi = 0");
  }
});

Deno.test("GLFT: fee is added to both depths; half-spread and skew scales apply", () => {
  const p: GlftParams = { gamma: 0.05, sigma: 2, A: 1, k: 0.5 };
  const base = quoting.glft(p, 1000, 3);
  const fee = quoting.glft({ ...p, fee: 0.75 }, 1000, 3);
  close(fee.bidDepth, base.bidDepth + 0.75, "bid depth + fee");
  close(fee.askDepth, base.askDepth + 0.75, "ask depth + fee");
  const c = quoting.glftCoefficients(p);
  const scaled = quoting.glft({ ...p, halfSpreadScale: 2, skewScale: 0.05 }, 1000, 3);
  close(scaled.bidDepth, 2 * c.halfSpread + 0.05 * c.skew * 3, "scaled bid depth");
  close(scaled.askDepth, 2 * c.halfSpread - 0.05 * c.skew * 3, "scaled ask depth");
});

// ---------------------------------------------------------------- both models: bounds, ticks, batch

const finiteParams = {
  gamma: fc.double({ min: 1e-4, max: 5, noNaN: true }),
  sigma: fc.double({ min: 0, max: 50, noNaN: true }),
  k: fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
  fee: fc.double({ min: 0, max: 1, noNaN: true }),
};
const asParams: fc.Arbitrary<AvellanedaStoikovParams> = fc.record({
  ...finiteParams,
  horizon: fc.double({ min: 0, max: 10, noNaN: true }),
});
const glftParams: fc.Arbitrary<GlftParams> = fc.record({
  ...finiteParams,
  A: fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
  xi: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 5, noNaN: true })),
  lot: fc.double({ min: 1e-3, max: 10, noNaN: true }),
});
const mid = fc.double({ min: -1e6, max: 1e6, noNaN: true });
const inv = fc.double({ min: -1e3, max: 1e3, noNaN: true });

type AnyModel = {
  name: string;
  params: fc.Arbitrary<AvellanedaStoikovParams | GlftParams>;
  quote: (p: AvellanedaStoikovParams | GlftParams, s: number, q: number) => Quote;
};
const MODELS: AnyModel[] = [
  {
    name: "A-S",
    params: asParams,
    quote: (p, s, q) => quoting.avellanedaStoikov(p as AvellanedaStoikovParams, s, q),
  },
  { name: "GLFT", params: glftParams, quote: (p, s, q) => quoting.glft(p as GlftParams, s, q) },
];

for (const m of MODELS) {
  Deno.test(`${m.name}: more inventory never raises bid, ask or reservation; the excess side never narrows; spreads positive`, () => {
    fc.assert(
      fc.property(m.params, mid, inv, inv, (p, s, qa, qb) => {
        const [q1, q2] = qa <= qb ? [qa, qb] : [qb, qa];
        const a = m.quote(p, s, q1);
        const b = m.quote(p, s, q2);
        const tol = 1e-9 * Math.max(1, Math.abs(s), Math.abs(a.bidDepth), Math.abs(b.bidDepth));
        ok(b.reservation <= a.reservation + tol, "reservation");
        ok(b.bid! <= a.bid! + tol, "bid");
        ok(b.ask! <= a.ask! + tol, "ask");
        // long: the bid (buying more) moves away; short: the ask moves away
        ok(b.bidDepth >= a.bidDepth - tol, "bid depth grows with q");
        ok(a.askDepth >= b.askDepth - tol, "ask depth grows as q falls");
        for (const x of [a, b]) {
          ok(x.bidDepth + x.askDepth > 0, "total spread > 0");
          ok(x.ask! > x.bid!, "ask > bid");
        }
      }),
      { numRuns: 2000 },
    );
  });

  Deno.test(`${m.name}: inventory bound withholds the breaching side`, () => {
    fc.assert(
      fc.property(
        m.params,
        mid,
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: -60, max: 60 }),
        (p, s, Q, q) => {
          const x = m.quote({ ...p, maxPosition: Q }, s, q);
          equal(x.bid === null, q >= Q, `bid at q=${q} Q=${Q}`);
          equal(x.ask === null, q <= -Q, `ask at q=${q} Q=${Q}`);
          equal(x.bidTick, null); // no tickSize
        },
      ),
      { numRuns: 1000 },
    );
  });

  Deno.test(`${m.name}: ticks round outward and never cross`, () => {
    const tick = fc.constantFrom(1, 0.5, 0.1, 0.01, 0.25, 1e-4, 5);
    fc.assert(
      fc.property(m.params, mid, inv, tick, (p, s, q, t) => {
        const x = m.quote({ ...p, tickSize: t }, s, q);
        const b = x.bidTick!;
        const a = x.askTick!;
        ok(Number.isInteger(b) && Number.isInteger(a), "integer ticks");
        ok(a >= b + 1, `ask tick ${a} >= bid tick ${b} + 1`);
        ok(b * t <= x.bid! + 2e-9 * t + 1e-12 * Math.abs(x.bid!), "bid rounded down");
        ok((b + 1) * t > x.bid!, "by less than a tick");
        ok(a * t >= x.ask! - 2e-9 * t - 1e-12 * Math.abs(x.ask!), "ask rounded up");
      }),
      { numRuns: 2000 },
    );
  });
}

Deno.test("ticks: binary representation does not cost a tick; a sub-tick spread still gives ask = bid + 1", () => {
  // 0.3 / 0.1 = 2.9999999999999996 in floating point; the quote is on tick 3
  const p: GlftParams = { gamma: 0, sigma: 0, A: 1, k: 5, xi: 0, tickSize: 0.1 };
  // c1 = 1/k = 0.2, c2 = 0: bid = 0.5 - 0.2 = 0.3 (/ 0.1 = 2.9999999999999996), ask = 0.7
  equal((0.5 - 0.2) / 0.1, 2.9999999999999996);
  const x = quoting.glft(p, 0.5, 0);
  equal(x.bid, 0.3);
  equal(x.bidTick, 3);
  equal(x.askTick, 7);
  const narrow = quoting.glft({ ...p, k: 1e6, tickSize: 1 }, 7.5, 0); // depths 1e-6
  equal(narrow.bidTick, 7);
  equal(narrow.askTick, 8);
  const onTick = quoting.glft({ ...p, k: 1e9, tickSize: 1 }, 7, 0); // bid, ask within 1e-9 of 7
  deepEqual([onTick.bidTick, onTick.askTick], [7, 8]);
});

Deno.test("batch: ladders and the packed batch equal one-at-a-time quotes", () => {
  const qs = Array.from({ length: 41 }, (_, i) => i - 20);
  const gp: GlftParams = { gamma: 0.05, sigma: 2, A: 1, k: 0.5, tickSize: 1, maxPosition: 15 };
  const ap: AvellanedaStoikovParams = {
    gamma: 0.1,
    sigma: 2,
    k: 1.5,
    horizon: 0.7,
    tickSize: 0.01,
    maxPosition: 15,
  };
  deepEqual(quoting.glftLadder(gp, 1000, qs), qs.map((q) => quoting.glft(gp, 1000, q)));
  deepEqual(
    quoting.avellanedaStoikovLadder(ap, 100, qs),
    qs.map((q) => quoting.avellanedaStoikov(ap, 100, q)),
  );
  const rows = new Float64Array(qs.length * QUOTE_IN_STRIDE);
  qs.forEach((q, i) => {
    rows[i * 3] = 100 + i;
    rows[i * 3 + 1] = q;
    rows[i * 3 + 2] = i / 40; // horizon shrinking to the end of the session
  });
  const out = quoting.quoteBatch("avellanedaStoikov", ap, rows);
  equal(out.length, qs.length * QUOTE_OUT_STRIDE);
  qs.forEach((q, i) => {
    const one = quoting.avellanedaStoikov({ ...ap, horizon: i / 40 }, 100 + i, q);
    const o = i * QUOTE_OUT_STRIDE;
    equal(out[o + QuoteRow.reservation], one.reservation);
    equal(out[o + QuoteRow.bidDepth], one.bidDepth);
    equal(out[o + QuoteRow.bid], one.bid ?? NaN);
    equal(out[o + QuoteRow.ask], one.ask ?? NaN);
    equal(out[o + QuoteRow.bidTick], one.bidTick ?? NaN);
    equal(out[o + QuoteRow.askTick], one.askTick ?? NaN);
    equal(out[o + QuoteRow.flags], (one.bid === null ? 0 : 1) | (one.ask === null ? 0 : 2));
  });
  // a large ladder grows the scratch buffer
  const big = Array.from({ length: 100_000 }, (_, i) => (i - 50_000) / 1000);
  const ladder = quoting.glftLadder({ ...gp, maxPosition: Infinity }, 1000, big);
  equal(ladder.length, big.length);
  deepEqual(ladder[77_777], quoting.glft({ ...gp, maxPosition: Infinity }, 1000, big[77_777]));
});

Deno.test("validation: RangeErrors name the parameter and the value", () => {
  const gp: GlftParams = { gamma: 0.05, sigma: 2, A: 1, k: 0.5 };
  const cases: [() => unknown, RegExp][] = [
    [
      () => quoting.glft({ ...gp, gamma: -1 }, 1, 0),
      /quote GLFT: gamma -1 must be a finite number >= 0/,
    ],
    [() => quoting.glft({ ...gp, k: 0 }, 1, 0), /k 0 must be a finite number > 0/],
    [() => quoting.glft({ ...gp, A: NaN }, 1, 0), /A NaN must be a finite number > 0/],
    [() => quoting.glft({ ...gp, sigma: Infinity }, 1, 0), /sigma Infinity must be/],
    [() => quoting.glft({ ...gp, lot: 0 }, 1, 0), /lot 0 must be a finite number > 0/],
    [() => quoting.glft({ ...gp, xi: -0.1 }, 1, 0), /xi -0.1 must be/],
    [() => quoting.glft({ ...gp, tickSize: 0 }, 1, 0), /tickSize 0 must be a finite number > 0/],
    [() => quoting.glft({ ...gp, maxPosition: 0 }, 1, 0), /maxPosition 0 must be a number > 0/],
    [() => quoting.glft({ ...gp, fee: -0.01 }, 1, 0), /fee -0.01 must be/],
    [() => quoting.glft(gp, NaN, 0), /mid NaN must be a finite number/],
    [() => quoting.glft(gp, 1, Infinity), /q Infinity must be a finite number/],
    [
      () => quoting.avellanedaStoikov({ gamma: 0.1, sigma: 1, k: 1, horizon: -1 }, 1, 0),
      /quote Avellaneda-Stoikov: horizon -1 must be a finite number >= 0/,
    ],
    [() => quoting.glftLadder(gp, 1, [0, 1, NaN]), /inventories\[2\] NaN must be a finite number/],
    [
      () => quoting.quoteBatch("glft", gp, new Float64Array(4)),
      /rows 4 must be a Float64Array whose length is a multiple of 3/,
    ],
    [
      () => quoting.quoteBatch("glft", gp, new Float64Array([1, 0, 0, NaN, 0, 0])),
      /rows\[1\]\.mid NaN must be a finite number/,
    ],
    [() => quoting.sigmaFromMids([1, 2], 1), /mids.length 2 must be at least 3/],
    [() => quoting.sigmaFromMids([1, 2, 3], 0), /dt 0 must be a finite number > 0/],
    [
      () => quoting.sigmaFromMids([1, -2, 3], 1, { logReturns: true }),
      /mids\[1\] -2 must be a finite number > 0/,
    ],
    [
      () => quoting.fitIntensity([1, 2], [1]),
      /intensities.length 1 must be equal to depths.length 2/,
    ],
    [() => quoting.fitIntensity([1, 2], [1, 0]), /need at least 2 points with intensity > 0/],
    [() => quoting.fitIntensity([1, 1], [1, 2]), /distinct depths/],
    [() => quoting.tradeIntensities([1], [0.5], 0), /duration 0 must be a finite number > 0/],
  ];
  for (const [f, re] of cases) {
    throws(f, (e: unknown) => e instanceof RangeError && re.test(e.message));
  }
});

// ---------------------------------------------------------------- calibration

Deno.test("sigma: equals the sample stdev of returns / sqrt(dt) and recovers a known sigma", () => {
  const { z } = rng(7);
  const sigma = 2.5; // price / sqrt(s)
  const dt = 0.1;
  const n = 50_001;
  const mids = new Array<number>(n);
  const logMids = new Array<number>(n);
  mids[0] = 3000;
  logMids[0] = 3000;
  const logSigma = 0.8; // fraction / sqrt(s)
  for (let i = 1; i < n; i++) {
    mids[i] = mids[i - 1] + sigma * Math.sqrt(dt) * z();
    logMids[i] = logMids[i - 1] * Math.exp(logSigma * Math.sqrt(dt) * z());
  }
  const stdev = (xs: number[]) => {
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    return Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
  };
  const diffs = mids.slice(1).map((m, i) => m - mids[i]);
  const logs = logMids.slice(1).map((m, i) => Math.log(m / logMids[i]));
  const est = quoting.sigmaFromMids(mids, dt);
  close(est, stdev(diffs) / Math.sqrt(dt), "sigma vs JS stdev", 1e-9);
  ok(Math.abs(est / sigma - 1) < 0.02, `sigma ${est} recovers ${sigma}`);
  const estLog = quoting.sigmaFromMids(logMids, dt, { logReturns: true });
  close(estLog, stdev(logs) / Math.sqrt(dt), "log sigma vs JS stdev", 1e-9);
  ok(Math.abs(estLog / logSigma - 1) < 0.02, `log sigma ${estLog} recovers ${logSigma}`);
  equal(quoting.sigmaFromMids([5, 5, 5, 5], 1), 0);
});

Deno.test("fitIntensity: exact on noiseless points; close with noise; λ <= 0 skipped", () => {
  const depths = Array.from({ length: 70 }, (_, i) => i + 0.5);
  const exact = quoting.fitIntensity(depths, depths.map((d) => 3.2 * Math.exp(-0.15 * d)));
  close(exact.A, 3.2, "A", 1e-10);
  close(exact.k, 0.15, "k", 1e-10);
  close(exact.r2, 1, "r2", 1e-12);
  equal(exact.points, 70);
  const { z } = rng(99);
  const noisy = quoting.fitIntensity(
    depths,
    depths.map((d) => 3.2 * Math.exp(-0.15 * d) * Math.exp(0.1 * z())),
  );
  ok(Math.abs(noisy.A / 3.2 - 1) < 0.1, `A ${noisy.A}`);
  ok(Math.abs(noisy.k / 0.15 - 1) < 0.05, `k ${noisy.k}`);
  const withZeros = quoting.fitIntensity([0.5, 1.5, 2.5, 3.5], [
    2 * Math.exp(-0.5),
    2 * Math.exp(-1.5),
    0,
    0,
  ]);
  equal(withZeros.points, 2);
  close(withZeros.k, 1, "k from two points");
});

Deno.test("calibration: A and k recovered from simulated trade arrivals (hftbacktest measurement)", () => {
  // Each step of dt, the deepest trade from the mid D satisfies
  // P(D >= δ) = 1 - exp(-A e^(-kδ) dt) (Poisson arrivals with intensity
  // λ(δ)), so D = -ln(-ln(1 - V) / (A dt)) / k for V uniform; a draw with
  // D < 0 is a step without trade (NaN). Counting gives (1 - e^(-λ dt)) / dt,
  // within λ dt / 2 <= 1% of λ at this dt.
  const A = 2; // 1/s
  const k = 0.5; // 1/tick
  const dt = 0.01;
  const steps = 200_000; // 2000 s
  const { u } = rng(2024);
  const depths = new Float64Array(steps);
  for (let i = 0; i < steps; i++) {
    const v = u();
    const x = -Math.log(1 - v) / (A * dt); // = e^(-kD)
    depths[i] = x >= 1 ? NaN : -Math.log(x) / k; // x >= 1: no trade reached depth 0
  }
  const grid = Array.from({ length: 12 }, (_, i) => i * 0.5 + 0.25);
  const lambda = quoting.tradeIntensities(depths, grid, steps * dt);
  equal(lambda.length, grid.length);
  // the same count computed here
  grid.forEach((g, j) => {
    const count = depths.reduce((c, d) => (d >= g ? c + 1 : c), 0);
    close(lambda[j], count / (steps * dt), `λ(${g})`);
  });
  const fit = quoting.fitIntensity(grid, lambda);
  ok(Math.abs(fit.A / A - 1) < 0.08, `A ${fit.A} vs ${A}`);
  ok(Math.abs(fit.k / k - 1) < 0.08, `k ${fit.k} vs ${k}`);
  ok(fit.r2 > 0.99, `r2 ${fit.r2}`);
});
