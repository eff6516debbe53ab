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
