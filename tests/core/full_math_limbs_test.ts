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
