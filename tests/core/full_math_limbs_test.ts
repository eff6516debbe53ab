/**
 * FullMath.mulDiv on structured operands: limbs drawn from the values that
 * drive a limb-wise long division into its rare paths (top quotient limb
 * estimate at 2^64 - 1, the second-limb refinement, the add-back), compared
 * with plain BigInt floor/ceil division.
 */
import assert from "node:assert/strict";
import { implementations } from "../support/implementations.ts";
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
  const ref = impls.find((i) => i.name === "bigint-reference")!;
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
    const run = (impl: typeof ref) => {
      try {
        return impl.math.computeSwapStep(p, target, liquidity, amount, fee);
      } catch (e) {
        return e instanceof Error ? `${e.name}: ${(e as { code?: string }).code}` : String(e);
      }
    };
    const expected = run(ref);
    for (const impl of impls) {
      assert.deepEqual(
        run(impl),
        expected,
        `${impl.name}: step(${p}, ${target}, ${liquidity}, ${amount}, ${fee})`,
      );
    }
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
