/**
 * Every tick from MIN_TICK to MAX_TICK (1,774,545 ticks) against a
 * straightforward BigInt evaluation of the contract's own definition of
 * getSqrtRatioAtTick, written here independently of any implementation; and
 * getTickAtSqrtRatio at, just above and just below every tick's ratio.
 */
import { equal, ok } from "node:assert/strict";
import { V3MathError } from "../../core-wasm/errors.ts";
import { implementations } from "../support/implementations.ts";

const MIN_TICK = -887272;
const MAX_TICK = 887272;
const Q128 = 1n << 128n;

/**
 * TickMath's constants: FACTOR[i] is 2^128 / 1.0001^(2^i / 2), i.e. the
 * Q128.128 value of 1/sqrt(1.0001)^(2^i), rounded as in the contract.
 */
const FACTOR: readonly bigint[] = [
  0xfffcb933bd6fad37aa2d162d1a594001n,
  0xfff97272373d413259a46990580e213an,
  0xfff2e50f5f656932ef12357cf3c7fdccn,
  0xffe5caca7e10e4e61c3624eaa0941cd0n,
  0xffcb9843d60f6159c9db58835c926644n,
  0xff973b41fa98c081472e6896dfb254c0n,
  0xff2ea16466c96a3843ec78b326b52861n,
  0xfe5dee046a99a2a811c461f1969c3053n,
  0xfcbe86c7900a88aedcffc83b479aa3a4n,
  0xf987a7253ac413176f2b074cf7815e54n,
  0xf3392b0822b70005940c7a398e4b70f3n,
  0xe7159475a2c29b7443b29c7fa6e889d9n,
  0xd097f3bdfd2022b8845ad8f792aa5825n,
  0xa9f746462d870fdf8a65dc1f90e061e5n,
  0x70d869a156d2a1b890bb3df62baf32f7n,
  0x31be135f97d08fd981231505542fcfa6n,
  0x9aa508b5b7a84e1c677de54f3e99bc9n,
  0x5d6af8dedb81196699c329225ee604n,
  0x2216e584f5fa1ea926041bedfe98n,
  0x48a170391f7dc42444e8fa2n,
];

/**
 * The contract's definition in its plainest form: start from 2^128, multiply
 * by FACTOR[i] (then >> 128) for every set bit i of |tick|, invert for a
 * positive tick, and convert Q128.128 -> Q64.96 rounding up.
 */
function referenceSqrtRatio(tick: number): bigint {
  const abs = Math.abs(tick);
  let ratio = Q128;
  for (let i = 0; i < 20; i++) {
    if ((abs >> i) & 1) ratio = (ratio * FACTOR[i]) >> 128n;
  }
  if (tick > 0) ratio = ((1n << 256n) - 1n) / ratio;
  return (ratio + (1n << 32n) - 1n) >> 32n;
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

Deno.test("the TickMath factors are 2^128 / sqrt(1.0001)^(2^i) to within one unit in the last place", () => {
  // x_0 = 1/sqrt(1.0001) with 400 fractional bits, then x_{i+1} = x_i^2.
  const PREC = 400n;
  let x = isqrt((10000n << (2n * PREC)) / 10001n);
  for (let i = 0; i < FACTOR.length; i++) {
    const exact = x >> (PREC - 128n); // floor of the exact Q128.128 value (to 2^-272 error)
    // The contract's constants are the exact value rounded to 128 fractional
    // bits (some down, some up): within one unit in the last place.
    const diff = FACTOR[i] - exact;
    ok(diff === 0n || diff === 1n, `factor ${i}: ${FACTOR[i]} is ${diff} from floor(exact)`);
    x = (x * x) >> PREC;
  }
});

// Reference ratios for every tick, computed once (index = tick - MIN_TICK).
const started = performance.now();
const reference: bigint[] = new Array(MAX_TICK - MIN_TICK + 1);
for (let t = MIN_TICK; t <= MAX_TICK; t++) reference[t - MIN_TICK] = referenceSqrtRatio(t);
const referenceMs = performance.now() - started;

Deno.test("reference ratios: endpoints match the spec values and are strictly increasing", () => {
  console.log(`  (independent reference for 1,774,545 ticks took ${referenceMs.toFixed(0)} ms)`);
  equal(reference[0], 4295128739n);
  equal(reference[reference.length - 1], 1461446703485210103287273052203988822378723970342n);
  for (let i = 1; i < reference.length; i++) {
    if (!(reference[i - 1] < reference[i])) ok(false, `not increasing at tick ${i + MIN_TICK}`);
  }
});

for (const impl of await implementations()) {
  Deno.test(`${impl.name}: every tick, getSqrtRatioAtTick and getTickAtSqrtRatio`, () => {
    const m = impl.math;
    const t0 = performance.now();
    let failures = 0;
    const fail = (msg: string) => {
      if (failures++ < 10) console.error(msg);
    };
    for (let t = MIN_TICK; t <= MAX_TICK; t++) {
      const expected = reference[t - MIN_TICK];
      const r = m.getSqrtRatioAtTick(t);
      if (r !== expected) fail(`getSqrtRatioAtTick(${t}) = ${r}, expected ${expected}`);
      if (t < MAX_TICK) {
        const next = reference[t + 1 - MIN_TICK];
        const at = m.getTickAtSqrtRatio(expected);
        if (at !== t) fail(`getTickAtSqrtRatio(ratio(${t})) = ${at}`);
        if (expected + 1n < next) {
          const above = m.getTickAtSqrtRatio(expected + 1n);
          if (above !== t) fail(`getTickAtSqrtRatio(ratio(${t}) + 1) = ${above}`);
        }
      }
      if (t > MIN_TICK) {
        const below = m.getTickAtSqrtRatio(expected - 1n);
        if (below !== t - 1) {
          fail(`getTickAtSqrtRatio(ratio(${t}) - 1) = ${below}, expected ${t - 1}`);
        }
      }
    }
    // MAX_TICK's ratio is MAX_SQRT_RATIO, which getTickAtSqrtRatio rejects.
    let code = "";
    try {
      m.getTickAtSqrtRatio(reference[reference.length - 1]);
    } catch (e) {
      if (e instanceof V3MathError) code = e.code;
    }
    equal(code, "R");
    const seconds = (performance.now() - t0) / 1000;
    console.log(
      `  (${impl.name}: 1,774,545 ticks, ~5.3M getTickAtSqrtRatio calls in ${
        seconds.toFixed(1)
      } s)`,
    );
    equal(failures, 0, `${failures} mismatches`);
  });
}
