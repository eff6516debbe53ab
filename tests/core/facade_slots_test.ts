/**
 * The WASM facade remembers the last two swap amounts and the last two price
 * limits in IO slots of their own and skips writing a value passed again.
 * Repeating amounts and limits from small sets, across two pools of one core
 * and between mints, burns and math calls that use the other IO slots, must
 * give exactly the BigInt reference's results, errors included.
 */
import assert from "node:assert/strict";
import { loadCore } from "../../core-wasm/mod.ts";
import { referenceImplementation as ref } from "../../core-wasm/reference/mod.ts";
import type { V3Pool } from "../../core-wasm/types.ts";
import { SeededRandom } from "../../services/common/random.ts";

const MIN_SQRT = 4295128739n;
const MAX_SQRT = 1461446703485210103287273052203988822378723970342n;

function outcome(f: () => unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(f(), (_k, v) => (typeof v === "bigint" ? `${v}n` : v)));
  } catch (e) {
    return e instanceof Error ? `${e.name}: ${(e as { code?: string }).code ?? e.message}` : e;
  }
}

Deno.test("wasm facade: remembered swap amounts and limits equal the reference across pools and other calls", async () => {
  const core = await loadCore();
  const r = new SeededRandom(1213);
  const setUp = (impl: { createPool(fee: number, spacing: number): V3Pool }) => {
    const p = impl.createPool(3000, 60);
    p.initialize(79228162514264337593543950336n);
    p.mint("base", -887220, 887220, 10n ** 21n);
    p.mint("near", -600, 600, 3n * 10n ** 20n);
    return p;
  };
  const ours = [setUp(core), setUp(core)];
  const refs = [setUp(ref), setUp(ref)];
  const amounts = [10n ** 15n, -(10n ** 15n), 10n ** 40n, 7n, (1n << 200n) + 1n, -(1n << 127n)];
  const limits = [
    MIN_SQRT + 1n,
    MAX_SQRT - 1n,
    78000000000000000000000000000n,
    80000000000000000000000000000n,
  ];
  let swaps = 0;
  let errors = 0;
  for (let i = 0; i < 3000; i++) {
    const k = r.int(0, 1);
    const roll = r.int(0, 9);
    if (roll === 0) {
      // other IO slots: a math call and a position change on the other pool
      const a = r.pick(limits);
      assert.deepEqual(
        outcome(() => core.math.getAmount0Delta(a, MAX_SQRT - 1n, 10n ** 18n, true)),
        outcome(() => ref.math.getAmount0Delta(a, MAX_SQRT - 1n, 10n ** 18n, true)),
      );
      const lower = r.pick([-1200, -600, 0]);
      const l = r.range(1n, 10n ** 18n);
      assert.deepEqual(
        outcome(() => ours[1 - k].mint("lp", lower, lower + 1200, l)),
        outcome(() => refs[1 - k].mint("lp", lower, lower + 1200, l)),
      );
      continue;
    }
    const zeroForOne = r.chance(0.5);
    const amount = r.pick(amounts);
    const limit = r.pick(limits);
    const want = outcome(() => refs[k].swap(zeroForOne, amount, limit));
    const got = outcome(() => ours[k].swap(zeroForOne, amount, limit));
    assert.deepEqual(got, want, `swap #${i} on pool ${k}: ${zeroForOne}, ${amount}, ${limit}`);
    swaps++;
    if (typeof want === "string") errors++;
  }
  for (let k = 0; k < 2; k++) {
    assert.deepEqual(
      outcome(() => ours[k].slot0()),
      outcome(() => refs[k].slot0()),
    );
  }
  assert.ok(
    swaps > 2500 && errors > 100 && swaps - errors > 1000,
    `swaps ${swaps}, errors ${errors}`,
  );
});
