/**
 * TickMath against Uniswap v3-core's `TickMath.spec.ts.snap` (read in place
 * from shared/data) and the inline values of `test/TickMath.spec.ts` listed
 * in shared/data/README.md section 4.
 */
import { equal, ok, throws } from "node:assert/strict";
import { V3MathError } from "../../core-wasm/errors.ts";
import { implementations } from "../support/implementations.ts";

const SNAPSHOT_URL = new URL(
  "../../../shared/data/uniswap-v3-core-vectors/TickMath.spec.ts.snap",
  import.meta.url,
);

const MIN_TICK = -887272;
const MAX_TICK = 887272;
const MIN_SQRT_RATIO = 4295128739n;
const MAX_SQRT_RATIO = 1461446703485210103287273052203988822378723970342n;

const text = await Deno.readTextFile(SNAPSHOT_URL);
const ratioAtTick: Array<[number, bigint]> = [];
for (
  const m of text.matchAll(
    /^exports\[`TickMath #getSqrtRatioAtTick tick (-?\d+) result 1`\] = `"(\d+)"`;$/gm,
  )
) {
  ratioAtTick.push([Number(m[1]), BigInt(m[2])]);
}
const tickAtRatio: Array<[bigint, number]> = [];
for (
  const m of text.matchAll(
    /^exports\[`TickMath #getTickAtSqrtRatio ratio (\d+) result 1`\] = `(-?\d+)`;$/gm,
  )
) {
  tickAtRatio.push([BigInt(m[1]), Number(m[2])]);
}

Deno.test("TickMath snapshot: 41 result entries (28 getSqrtRatioAtTick + 13 getTickAtSqrtRatio)", () => {
  // Every non-gas entry must have been parsed.
  const resultEntries = [...text.matchAll(/^exports\[`TickMath .* result 1`\]/gm)].length;
  equal(resultEntries, 41);
  equal(ratioAtTick.length, 28);
  equal(tickAtRatio.length, 13);
  equal(ratioAtTick.length + tickAtRatio.length, resultEntries);
});

function expectRevert(fn: () => unknown, code: string, mustMention: string) {
  throws(fn, (err: unknown) => {
    ok(err instanceof V3MathError, `expected V3MathError, got ${err}`);
    equal(err.code, code);
    ok(err.message.includes(mustMention), `message "${err.message}" should name ${mustMention}`);
    return true;
  });
}

for (const impl of await implementations()) {
  const m = impl.math;

  Deno.test(`${impl.name}: getSqrtRatioAtTick snapshot vectors (28)`, () => {
    for (const [tick, expected] of ratioAtTick) {
      equal(m.getSqrtRatioAtTick(tick), expected, `tick ${tick}`);
    }
  });

  Deno.test(`${impl.name}: getTickAtSqrtRatio snapshot vectors (13)`, () => {
    for (const [ratio, expected] of tickAtRatio) {
      equal(m.getTickAtSqrtRatio(ratio), expected, `ratio ${ratio}`);
      // The spec's own property for these inputs: ratio(tick) <= R < ratio(tick + 1).
      ok(m.getSqrtRatioAtTick(expected) <= ratio);
      ok(expected === MAX_TICK || ratio < m.getSqrtRatioAtTick(expected + 1));
    }
  });

  Deno.test(`${impl.name}: TickMath.spec inline values`, () => {
    equal(m.getSqrtRatioAtTick(MIN_TICK), 4295128739n);
    equal(m.getSqrtRatioAtTick(MIN_TICK + 1), 4295343490n);
    equal(
      m.getSqrtRatioAtTick(MAX_TICK - 1),
      1461373636630004318706518188784493106690254656249n,
    );
    equal(m.getSqrtRatioAtTick(MAX_TICK), 1461446703485210103287273052203988822378723970342n);
    equal(m.getSqrtRatioAtTick(MIN_TICK), MIN_SQRT_RATIO);
    equal(m.getSqrtRatioAtTick(MAX_TICK), MAX_SQRT_RATIO);

    equal(m.getTickAtSqrtRatio(4295128739n), MIN_TICK);
    equal(m.getTickAtSqrtRatio(4295343490n), MIN_TICK + 1);
    equal(m.getTickAtSqrtRatio(1461373636630004318706518188784493106690254656249n), MAX_TICK - 1);
    equal(m.getTickAtSqrtRatio(MAX_SQRT_RATIO - 1n), MAX_TICK - 1);
  });

  Deno.test(`${impl.name}: TickMath.spec relative error < 1e-6 vs sqrt(1.0001^t)*2^96`, () => {
    for (const [tick] of ratioAtTick) {
      const exact = Math.sqrt(1.0001 ** tick) * 2 ** 96;
      const got = Number(m.getSqrtRatioAtTick(tick));
      ok(Math.abs(got - exact) / exact < 1e-6, `tick ${tick}: ${got} vs ${exact}`);
    }
  });

  Deno.test(`${impl.name}: getSqrtRatioAtTick reverts with T outside [MIN_TICK, MAX_TICK]`, () => {
    expectRevert(() => m.getSqrtRatioAtTick(MIN_TICK - 1), "T", "-887273");
    expectRevert(() => m.getSqrtRatioAtTick(MAX_TICK + 1), "T", "887273");
    expectRevert(() => m.getSqrtRatioAtTick(8388607), "T", "8388607");
  });

  Deno.test(`${impl.name}: getTickAtSqrtRatio reverts with R outside [MIN, MAX)`, () => {
    expectRevert(() => m.getTickAtSqrtRatio(MIN_SQRT_RATIO - 1n), "R", "4295128738");
    expectRevert(() => m.getTickAtSqrtRatio(MAX_SQRT_RATIO), "R", String(MAX_SQRT_RATIO));
    expectRevert(() => m.getTickAtSqrtRatio(0n), "R", "0");
    expectRevert(
      () => m.getTickAtSqrtRatio((1n << 160n) - 1n),
      "R",
      String((1n << 160n) - 1n),
    );
  });
}
