/**
 * Differential tests against Uniswap's own TypeScript port, npm
 * `@uniswap/v3-sdk` (JSBI arithmetic): TickMath both ways, SqrtPriceMath
 * amount deltas and next prices, SwapMath.computeSwapStep, and whole swaps
 * through a v3-sdk `Pool` built from a random set of positions.
 *
 * The v3-sdk's ESM build uses extension-less relative imports, which Deno
 * rejects, so its CommonJS build is loaded with `createRequire`.
 */
import fc from "fast-check";
import { equal, ok } from "node:assert/strict";
import type { V3Implementation } from "../../core-wasm/types.ts";
import { V3MathError } from "../../core-wasm/errors.ts";
import { implementations } from "../support/implementations.ts";

import {
  fromJsbi as b,
  type Jsbi,
  sdkCore,
  type SdkPool,
  toJsbi as j,
  v3Sdk as sdk,
} from "../../core-wasm/reference/v3_sdk.ts";

// ---------------------------------------------------------------------------

const RUNS = 2000;
const MIN_TICK = -887272;
const MAX_TICK = 887272;
const MIN_SQRT_RATIO = 4295128739n;
const MAX_SQRT_RATIO = 1461446703485210103287273052203988822378723970342n;
const MAX_UINT128 = (1n << 128n) - 1n;
const MAX_UINT160 = (1n << 160n) - 1n;
const Q96 = 1n << 96n;

/** Unsigned integers of uniformly random bit length in [minBits, maxBits]. */
function uintBits(minBits: number, maxBits: number): fc.Arbitrary<bigint> {
  return fc.integer({ min: minBits, max: maxBits }).chain((bits) =>
    bits === 0
      ? fc.constant(0n)
      : fc.bigInt({ min: 1n << BigInt(bits - 1), max: (1n << BigInt(bits)) - 1n })
  );
}

const sqrtPrice = fc.oneof(
  fc.bigInt({ min: MIN_SQRT_RATIO, max: MAX_SQRT_RATIO }),
  uintBits(33, 160).filter((p) => p >= MIN_SQRT_RATIO && p <= MAX_SQRT_RATIO),
  fc.bigInt({ min: Q96 / 4n, max: Q96 * 4n }),
);
const liquidity = fc.oneof(uintBits(0, 128), fc.bigInt({ min: 0n, max: MAX_UINT128 }));
/** Amounts kept below 2^250 so that no uint256 intermediate overflows (the v3-sdk does not check those). */
const amount = uintBits(0, 250);

/** Runs `f`; returns its value or the error it threw. */
function attempt<T>(f: () => T): { value: T } | { error: unknown } {
  try {
    return { value: f() };
  } catch (error) {
    return { error };
  }
}

/**
 * Compares a next-price computation with the v3-sdk's: where the v3-sdk
 * refuses, we must too; where its (unchecked) result exceeds uint160, the
 * contract's toUint160/add checks make ours refuse with "OVERFLOW".
 */
function sameNextPrice(ours: () => bigint, theirs: () => Jsbi, what: string) {
  const expected = attempt(() => b(theirs()));
  const actual = attempt(ours);
  if ("error" in expected) {
    ok(
      "error" in actual,
      `${what}: v3-sdk reverts but we returned ${"value" in actual && actual.value}`,
    );
    ok(actual.error instanceof V3MathError, `${what}: ${actual.error}`);
    return;
  }
  if (expected.value > MAX_UINT160) {
    ok("error" in actual && actual.error instanceof V3MathError, `${what}: expected overflow`);
    equal((actual.error as V3MathError).code, "OVERFLOW");
    return;
  }
  if ("error" in actual) throw actual.error;
  equal(actual.value, expected.value, what);
}

const impls: V3Implementation[] = await implementations();

for (const impl of impls) {
  const m = impl.math;

  Deno.test(`${impl.name} vs v3-sdk: TickMath both ways`, () => {
    fc.assert(
      fc.property(fc.integer({ min: MIN_TICK, max: MAX_TICK }), (t) => {
        equal(m.getSqrtRatioAtTick(t), b(sdk.TickMath.getSqrtRatioAtTick(t)));
      }),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(sqrtPrice.filter((p) => p < MAX_SQRT_RATIO), (p) => {
        equal(m.getTickAtSqrtRatio(p), sdk.TickMath.getTickAtSqrtRatio(j(p)));
      }),
      { numRuns: RUNS },
    );
  });

  Deno.test(`${impl.name} vs v3-sdk: SqrtPriceMath amount deltas`, () => {
    fc.assert(
      fc.property(sqrtPrice, sqrtPrice, liquidity, fc.boolean(), (pa, pb, l, up) => {
        equal(
          m.getAmount0Delta(pa, pb, l, up),
          b(sdk.SqrtPriceMath.getAmount0Delta(j(pa), j(pb), j(l), up)),
        );
        equal(
          m.getAmount1Delta(pa, pb, l, up),
          b(sdk.SqrtPriceMath.getAmount1Delta(j(pa), j(pb), j(l), up)),
        );
      }),
      { numRuns: RUNS },
    );
  });

  Deno.test(`${impl.name} vs v3-sdk: SqrtPriceMath next prices from input / output`, () => {
    fc.assert(
      fc.property(
        sqrtPrice,
        liquidity.filter((l) => l > 0n),
        amount,
        fc.boolean(),
        (p, l, a, zeroForOne) => {
          sameNextPrice(
            () => m.getNextSqrtPriceFromInput(p, l, a, zeroForOne),
            () => sdk.SqrtPriceMath.getNextSqrtPriceFromInput(j(p), j(l), j(a), zeroForOne),
            `fromInput(${p}, ${l}, ${a}, ${zeroForOne})`,
          );
          sameNextPrice(
            () => m.getNextSqrtPriceFromOutput(p, l, a, zeroForOne),
            () => sdk.SqrtPriceMath.getNextSqrtPriceFromOutput(j(p), j(l), j(a), zeroForOne),
            `fromOutput(${p}, ${l}, ${a}, ${zeroForOne})`,
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  Deno.test(`${impl.name} vs v3-sdk: SwapMath.computeSwapStep`, () => {
    const fee = fc.oneof(
      fc.constantFrom(100, 500, 3000, 10000),
      fc.integer({ min: 0, max: 999_999 }),
    );
    fc.assert(
      fc.property(
        sqrtPrice,
        sqrtPrice,
        liquidity,
        amount.filter((a) => a > 0n),
        fc.boolean(),
        fee,
        (current, target, l, a, exactOut, feePips) => {
          const remaining = exactOut ? -a : a;
          const [next, amountIn, amountOut, feeAmount] = sdk.SwapMath.computeSwapStep(
            j(current),
            j(target),
            j(l),
            j(remaining),
            feePips,
          );
          const s = m.computeSwapStep(current, target, l, remaining, feePips);
          equal(s.sqrtRatioNextX96, b(next), "sqrtRatioNextX96");
          equal(s.amountIn, b(amountIn), "amountIn");
          equal(s.amountOut, b(amountOut), "amountOut");
          equal(s.feeAmount, b(feeAmount), "feeAmount");
        },
      ),
      { numRuns: RUNS },
    );
  });
}

// ---------------------------------------------------------------------------
// Whole swaps through a pool

const TIERS = [
  { fee: 100, spacing: 1 },
  { fee: 500, spacing: 10 },
  { fee: 3000, spacing: 60 },
  { fee: 10000, spacing: 200 },
];
const TOKEN0 = new sdkCore.Token(1, "0x0000000000000000000000000000000000000001", 18);
const TOKEN1 = new sdkCore.Token(1, "0x0000000000000000000000000000000000000002", 18);

interface Scenario {
  tier: { fee: number; spacing: number };
  startTick: number;
  /** Position of the start price inside its tick, in 2^-32 units. */
  startFraction: number;
  positions: Array<{ lower: number; upper: number; liquidity: bigint }>;
  swap: { zeroForOne: boolean; exactOut: boolean; amount: bigint; limitFraction: number | null };
}

const scenario: fc.Arbitrary<Scenario> = fc.constantFrom(...TIERS).chain((tier) => {
  const s = tier.spacing;
  const minC = Math.ceil(MIN_TICK / s);
  const maxC = Math.floor(MAX_TICK / s);
  return fc.integer({ min: -50000, max: 50000 }).chain((startTick) => {
    const startC = Math.floor(startTick / s);
    // Mostly ranges within a few bitmap words of the price; some anywhere.
    const near = fc.integer({
      min: Math.max(minC, startC - 600),
      max: Math.min(maxC, startC + 600),
    });
    const anywhere = fc.integer({ min: minC, max: maxC });
    const bound = fc.oneof({ weight: 4, arbitrary: near }, { weight: 1, arbitrary: anywhere });
    const position = fc.tuple(bound, bound, uintBits(1, 100))
      .filter(([a, c]) => a !== c)
      .map(([a, c, l]) => ({ lower: Math.min(a, c) * s, upper: Math.max(a, c) * s, liquidity: l }));
    return fc.record({
      tier: fc.constant(tier),
      startTick: fc.constant(startTick),
      startFraction: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      positions: fc.array(position, { minLength: 1, maxLength: 8 }),
      swap: fc.record({
        zeroForOne: fc.boolean(),
        exactOut: fc.boolean(),
        amount: uintBits(1, 110),
        limitFraction: fc.option(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { freq: 3 }),
      }),
    });
  });
});

/** The v3-sdk pool for a scenario: ticks and active liquidity summed from the positions. */
function sdkPoolFor(sc: Scenario, sqrtPriceX96: bigint): SdkPool {
  const tick = sdk.TickMath.getTickAtSqrtRatio(j(sqrtPriceX96));
  const byTick = new Map<number, { gross: bigint; net: bigint }>();
  let active = 0n;
  for (const p of sc.positions) {
    for (const [t, net] of [[p.lower, p.liquidity], [p.upper, -p.liquidity]] as const) {
      const e = byTick.get(t) ?? { gross: 0n, net: 0n };
      e.gross += p.liquidity;
      e.net += net;
      byTick.set(t, e);
    }
    if (p.lower <= tick && tick < p.upper) active += p.liquidity;
  }
  const ticks = [...byTick.entries()].sort((x, y) => x[0] - y[0]).map(([index, e]) => ({
    index,
    liquidityGross: e.gross.toString(),
    liquidityNet: e.net.toString(),
  }));
  return new sdk.Pool(
    TOKEN0,
    TOKEN1,
    sc.tier.fee,
    sqrtPriceX96.toString(),
    active.toString(),
    tick,
    ticks,
  );
}

for (const impl of impls) {
  Deno.test(`${impl.name} vs v3-sdk: whole swaps (getOutputAmount / getInputAmount)`, async () => {
    let limited = 0;
    let crossedSome = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async (sc) => {
        const lo = b(sdk.TickMath.getSqrtRatioAtTick(sc.startTick));
        const hi = b(sdk.TickMath.getSqrtRatioAtTick(sc.startTick + 1));
        const price = lo + ((hi - lo) * BigInt(sc.startFraction)) / (1n << 32n);

        const { zeroForOne, exactOut, amount: amt, limitFraction } = sc.swap;
        let limit = zeroForOne ? MIN_SQRT_RATIO + 1n : MAX_SQRT_RATIO - 1n;
        if (limitFraction !== null) {
          // somewhere between the price and the extreme, strictly on the right side
          const span = zeroForOne ? price - limit : limit - price;
          const off = (span * BigInt(limitFraction)) >> 32n;
          limit = zeroForOne ? price - 1n - off : price + 1n + off;
          if (zeroForOne ? limit <= MIN_SQRT_RATIO : limit >= MAX_SQRT_RATIO) return;
        }
        if (zeroForOne ? !(limit < price) : !(limit > price)) return;

        // Expected: the v3-sdk.
        const sdkPool = sdkPoolFor(sc, price);
        const tokenIn = zeroForOne ? TOKEN0 : TOKEN1;
        const tokenOut = zeroForOne ? TOKEN1 : TOKEN0;
        const [quoted, after] = exactOut
          ? await sdkPool.getInputAmount(
            sdkCore.CurrencyAmount.fromRawAmount(tokenOut, amt.toString()),
            j(limit),
          )
          : await sdkPool.getOutputAmount(
            sdkCore.CurrencyAmount.fromRawAmount(tokenIn, amt.toString()),
            j(limit),
          );

        // Actual: our pool after the same mints.
        const pool = impl.createPool(sc.tier.fee, sc.tier.spacing);
        pool.initialize(price);
        for (const p of sc.positions) pool.mint("lp", p.lower, p.upper, p.liquidity);
        equal(pool.slot0().tick, sdkPool.tickCurrent, "start tick");
        equal(pool.liquidity(), b(sdkPool.liquidity), "start liquidity");
        const r = pool.swap(zeroForOne, exactOut ? -amt : amt, limit);

        const paidIn = zeroForOne ? r.amount0 : r.amount1;
        const paidOut = -(zeroForOne ? r.amount1 : r.amount0);
        equal(exactOut ? paidIn : paidOut, b(quoted.quotient), "quoted amount");
        equal(r.sqrtPriceX96, b(after.sqrtRatioX96), "sqrtPriceX96 after");
        equal(r.tick, after.tickCurrent, "tick after");
        equal(r.liquidity, b(after.liquidity), "liquidity after");
        // Unless the price limit stopped it, the specified amount is met exactly.
        if (r.sqrtPriceX96 !== limit) equal(exactOut ? paidOut : paidIn, amt, "specified amount");
        else limited++;
        if (r.ticksCrossed > 0) crossedSome++;
      }),
      { numRuns: RUNS },
    );
    console.log(
      `  (${RUNS} swaps: ${limited} stopped at the price limit, ${crossedSome} crossed ticks)`,
    );
  });
}
