/**
 * FullMath.mulDiv on structured operands: limbs drawn from the values that
 * drive a limb-wise long division into its rare paths (top quotient limb
 * estimate at 2^64 - 1, the second-limb refinement, the add-back), compared
 * with plain BigInt floor/ceil division.
 */
import assert from "node:assert/strict";
import { implementations } from "../support/implementations.ts";
import type { V3Implementation } from "../../core-wasm/types.ts";
import { SeededRandom } from "../../services/common/random.ts";

const M64 = (1n << 64n) - 1n;
const SPECIAL = [
  0n,
  1n,
  2n,
  1n << 63n,
  (1n << 63n) - 1n,
  (1n << 63n) + 1n,
  M64,
  M64 - 1n,
  1n << 32n,
];

function limb(r: SeededRandom): bigint {
  return r.chance(0.6) ? r.pick(SPECIAL) : r.bits(64);
}

function value(r: SeededRandom, maxLimbs: number): bigint {
  const n = r.int(1, maxLimbs);
  let x = 0n;
  for (let i = 0; i < n; i++) x = (x << 64n) | limb(r);
  return x;
}

const U256_MAX = (1n << 256n) - 1n;

/** computeSwapStep (or its error code) from every implementation equals the first's (the reference). */
function assertStepAgrees(
  impls: V3Implementation[],
  p: bigint,
  target: bigint,
  liquidity: bigint,
  amount: bigint,
  fee: number,
): void {
  const run = (impl: V3Implementation) => {
    try {
      return impl.math.computeSwapStep(p, target, liquidity, amount, fee);
    } catch (e) {
      return e instanceof Error ? `${e.name}: ${(e as { code?: string }).code}` : String(e);
    }
  };
  assert.equal(impls[0].name, "bigint-reference");
  const expected = run(impls[0]);
  for (const impl of impls.slice(1)) {
    assert.deepEqual(
      run(impl),
      expected,
      `${impl.name}: step(${p}, ${target}, ${liquidity}, ${amount}, ${fee})`,
    );
  }
}

for (const impl of await implementations()) {
  Deno.test(`${impl.name}: mulDiv / mulDivRoundingUp on structured limbs equal BigInt`, () => {
    const r = new SeededRandom(20261124);
    let checked = 0;
    let overflows = 0;
    for (let i = 0; i < 100_000; i++) {
      const a = value(r, 4);
      const b = value(r, 4);
      const d = value(r, 4);
      if (d === 0n) continue;
      const q = (a * b) / d;
      const up = q + ((a * b) % d === 0n ? 0n : 1n);
      if (q > U256_MAX) {
        assert.throws(() => impl.math.mulDiv(a, b, d), RangeError, `mulDiv(${a}, ${b}, ${d})`);
        overflows++;
        continue;
      }
      assert.equal(impl.math.mulDiv(a, b, d), q, `mulDiv(${a}, ${b}, ${d})`);
      if (up > U256_MAX) {
        assert.throws(() => impl.math.mulDivRoundingUp(a, b, d), RangeError);
      } else {
        assert.equal(impl.math.mulDivRoundingUp(a, b, d), up, `mulDivRoundingUp(${a}, ${b}, ${d})`);
      }
      checked++;
    }
    assert.ok(checked > 50_000 && overflows > 1000, `checked ${checked}, overflows ${overflows}`);
  });
}

Deno.test("computeSwapStep on structured amounts and any fee: wasm equals the BigInt reference", async () => {
  const impls = await implementations();
  const r = new SeededRandom(77);
  const MIN = 4295128739n;
  const MAX = 1461446703485210103287273052203988822378723970342n;
  let compared = 0;
  for (let i = 0; i < 20_000; i++) {
    const p = MIN + r.range(0n, MAX - MIN);
    const target = MIN + r.range(0n, MAX - MIN);
    const liquidity = value(r, 2) & ((1n << 128n) - 1n);
    let amount = value(r, 4) & ((1n << 255n) - 1n);
    if (r.chance(0.5)) amount = -amount;
    const fee = r.chance(0.2) ? r.pick([0, 1, 100, 500, 3000, 10000, 999_999]) : r.int(0, 999_999);
    assertStepAgrees(impls, p, target, liquidity, amount, fee);
    compared++;
  }
  assert.equal(compared, 20_000);
});

for (const impl of await implementations()) {
  Deno.test(`${impl.name}: getAmount0Delta equals BigInt across one-limb quotients (f64-guided division)`, () => {
    // getAmount0Delta divides by the product of two prices; quotients below
    // 2^64 take an f64-estimated path proved by its exact remainder. Spread
    // quotients over [0, 2^70] (f64 exact below 2^53, corrected above; the
    // long division above 2^64), with exact divisions and near-ties mixed in.
    const r = new SeededRandom(5311);
    const Q96 = 1n << 96n;
    const buckets = [0, 0, 0, 0]; // q < 2^53, < 2^60, < 2^64, >= 2^64
    for (let i = 0; i < 50_000; i++) {
      const a = r.bits(r.int(33, 160)) | 1n;
      const span = r.int(0, 3);
      const delta = span === 0 ? r.range(1n, 1000n) : r.bits(Math.max(1, r.int(1, 160)));
      const b = a + delta;
      if (b >= 1n << 160n) continue;
      let l = r.chance(0.3)
        ? r.pick([1n, M64, 1n << 63n, (1n << 127n) - 1n])
        : r.bits(r.int(1, 128));
      if (r.chance(0.05)) l = a * b; // exact: the product divides the numerator
      if (l >= 1n << 128n) l = (1n << 128n) - 1n;
      const num = l * Q96 * delta;
      const den = a * b;
      const down = num / den;
      const up = down + (num % den === 0n ? 0n : 1n);
      assert.equal(impl.math.getAmount0Delta(a, b, l, false), down, `down(${a}, ${b}, ${l})`);
      assert.equal(impl.math.getAmount0Delta(b, a, l, true), up, `up(${a}, ${b}, ${l})`);
      buckets[down < 1n << 53n ? 0 : down < 1n << 60n ? 1 : down < 1n << 64n ? 2 : 3]++;
    }
    assert.ok(buckets.every((n) => n > 500), `quotient buckets ${buckets}`);
  });
}

for (const impl of await implementations()) {
  Deno.test(`${impl.name}: getAmount0Delta on integer and near-integer quotients below 2^44 (f64-decided path)`, () => {
    // Small token0 amounts are decided from an f64 estimate when it is clear
    // of every integer by its error bound. Quotients that are integers, or
    // within 2^-40 of one, must take the exact path. With sqrtA = x * 2^t,
    // sqrtB = y * 2^t (y = x + d), q = L * d * 2^(96 - t) / (x * y): the
    // integer k * d * 2^max(0, 96 - t) for L = k * x * y * 2^max(0, t - 96),
    // and just off it for L +- j. x and y are wider than an f64 mantissa, so
    // the estimate lands on either side of the integer.
    const r = new SeededRandom(9001);
    let exact = 0;
    let near = 0;
    for (let i = 0; i < 40_000; i++) {
      const t = r.int(88, 100);
      const x = r.bits(r.int(54, 60)) | (1n << 53n) | 1n;
      const d = r.range(1n, 1000n);
      const y = x + d;
      const a = x << BigInt(t);
      const b = y << BigInt(t);
      const up2 = t >= 96 ? 1n << BigInt(t - 96) : 1n;
      const qUnit = d * (t < 96 ? 1n << BigInt(96 - t) : 1n); // q per unit of k
      const kMax = (1n << 44n) / qUnit;
      const lMax = ((1n << 128n) - 2000n) / (x * y * up2);
      const kTop = kMax < lMax ? kMax : lMax;
      if (kTop < 1n || b >= 1n << 160n) continue;
      const k = r.range(1n, kTop + 1n);
      const j = r.pick([0n, 0n, 0n, 1n, -1n, r.range(-1000n, 1000n)]);
      const l = k * x * y * up2 + j;
      if (l <= 0n) continue;
      const num = l * (1n << 96n) * (b - a);
      const den = a * b;
      const down = num / den;
      const up = down + (num % den === 0n ? 0n : 1n);
      const rem = num % den;
      if (rem === 0n) exact++;
      else if (rem < den >> 40n || den - rem < den >> 40n) near++;
      assert.equal(impl.math.getAmount0Delta(a, b, l, false), down, `down(${a}, ${b}, ${l})`);
      assert.equal(impl.math.getAmount0Delta(b, a, l, true), up, `up(${a}, ${b}, ${l})`);
    }
    assert.ok(exact > 3000 && near > 3000, `exact quotients ${exact}, near-integer ${near}`);
  });
}

Deno.test("computeSwapStep, exact token0 input short of the target, liquidity * 2^96 around price^2: wasm equals the BigInt reference", async () => {
  // A partial exact-input token0 step pays in LESS_FEE itself when one unit
  // of price moves the token0 amount by at most one unit (L * 2^96 <= P^2);
  // above that the amount is recomputed. Straddle that line on both sides.
  const impls = await implementations();
  const r = new SeededRandom(4242);
  const MIN = 4295128739n;
  let above = 0;
  let below = 0;
  for (let i = 0; i < 20_000; i++) {
    const p = r.bits(r.int(49, 111)) | (1n << 48n);
    // f in [1/4, 4]: L * 2^96 / p^2
    const fNum = (1n << BigInt(r.int(30, 33))) + r.range(0n, 1n << 30n);
    const l = (p * p * fNum) >> 128n;
    if (l <= 0n || l >= 1n << 128n) continue;
    // an input that moves the price a fraction 2^-k of the way
    const amount = ((l << 96n) / p >> BigInt(r.int(1, 60))) + r.range(0n, 1000n);
    if (amount <= 0n) continue;
    const fee = r.pick([0, 100, 500, 3000, 10000, r.int(0, 999_999)]);
    const target = r.chance(0.5) ? MIN + 1n : p / 2n;
    if (target >= p) continue;
    if (l << 96n > p * p) above++;
    else below++;
    assertStepAgrees(impls, p, target, l, amount, fee);
  }
  assert.ok(above > 5000 && below > 5000, `L * 2^96 above p^2: ${above}, below: ${below}`);
});
