/**
 * FullMath.mulDiv on structured operands: limbs drawn from the values that
 * drive a limb-wise long division into its rare paths (top quotient limb
 * estimate at 2^64 - 1, the second-limb refinement, the add-back), compared
 * with plain BigInt floor/ceil division.
 */
import assert from "node:assert/strict";
import { implementations } from "../support/implementations.ts";

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

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function limb(r: () => number): bigint {
  if (r() < 0.6) return SPECIAL[Math.floor(r() * SPECIAL.length)];
  return (BigInt(Math.floor(r() * 2 ** 32)) << 32n) | BigInt(Math.floor(r() * 2 ** 32));
}

function value(r: () => number, maxLimbs: number): bigint {
  const n = 1 + Math.floor(r() * maxLimbs);
  let x = 0n;
  for (let i = 0; i < n; i++) x = (x << 64n) | limb(r);
  return x;
}

const U256_MAX = (1n << 256n) - 1n;

for (const impl of await implementations()) {
  Deno.test(`${impl.name}: mulDiv / mulDivRoundingUp on structured limbs equal BigInt`, () => {
    const r = rng(20261124);
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
