/**
 * Property tests (fast-check, >= 10000 runs each) of every implementation
 * against exact rational arithmetic written here with plain BigInt.
 */
import fc from "fast-check";
import { deepEqual, equal, ok } from "node:assert/strict";
import type { PoolSnapshot, V3Implementation, V3Pool } from "../../core-wasm/types.ts";
import { V3MathError } from "../../core-wasm/errors.ts";
import { implementations } from "../support/implementations.ts";

const RUNS = 10_000;
const Q96 = 1n << 96n;
const MAX_UINT128 = (1n << 128n) - 1n;
const MAX_UINT256 = (1n << 256n) - 1n;
const MAX_INT256 = (1n << 255n) - 1n;
const MIN_TICK = -887272;
const MAX_TICK = 887272;
const MIN_SQRT_RATIO = 4295128739n;
const MAX_SQRT_RATIO = 1461446703485210103287273052203988822378723970342n;

/**
 * An unsigned integer of a uniformly random bit length up to `maxBits` (so
 * every magnitude is hit), at least `minValue`.
 */
function uintBits(maxBits: number, minValue = 0n): fc.Arbitrary<bigint> {
  return fc.integer({ min: 0, max: maxBits }).chain((bits) => {
    const hi = (1n << BigInt(bits)) - 1n;
    const lo = bits === 0 ? 0n : 1n << BigInt(bits - 1);
    const min = lo < minValue ? minValue : lo;
    return fc.bigInt({ min, max: hi < min ? min : hi });
  });
}

const sqrtPrice = fc.oneof(
  fc.bigInt({ min: MIN_SQRT_RATIO, max: MAX_SQRT_RATIO }),
  uintBits(160, MIN_SQRT_RATIO).filter((p) => p <= MAX_SQRT_RATIO),
  fc.bigInt({ min: Q96 / 2n, max: Q96 * 2n }),
);
const liquidity = fc.oneof(uintBits(128), fc.bigInt({ min: 0n, max: MAX_UINT128 }));

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

function revertCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof V3MathError) return e.code;
    throw e;
  }
  return undefined;
}

const TIERS = [
  { fee: 500, spacing: 10 },
  { fee: 3000, spacing: 60 },
  { fee: 10000, spacing: 200 },
];
const rangeIn = (spacing: number) =>
  fc.tuple(
    fc.integer({ min: Math.ceil(MIN_TICK / spacing), max: Math.floor(MAX_TICK / spacing) }),
    fc.integer({ min: Math.ceil(MIN_TICK / spacing), max: Math.floor(MAX_TICK / spacing) }),
  ).filter(([a, b]) => a !== b).map(([a, b]) =>
    a < b ? [a * spacing, b * spacing] : [b * spacing, a * spacing]
  );
/** A random pool history: tier, start tick, background positions, swaps, one more position. */
const scenario = fc.constantFrom(...TIERS).chain((tier) =>
  fc.record({
    tier: fc.constant(tier),
    startTick: fc.integer({ min: -200000, max: 200000 }),
    background: fc.array(
      fc.record({ range: rangeIn(tier.spacing), liquidity: uintBits(80, 1n) }),
      { maxLength: 4 },
    ),
    swaps: fc.array(
      fc.record({ zeroForOne: fc.boolean(), amount: uintBits(90, 1n), exactOut: fc.boolean() }),
      { maxLength: 3 },
    ),
    position: fc.record({ range: rangeIn(tier.spacing), liquidity: uintBits(100, 1n) }),
  })
);
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

/** Builds the scenario's pool: start price, background mints, swaps (skipping those already at the edge). */
function buildPool(impl: V3Implementation, sc: Scenario): V3Pool {
  const pool = impl.createPool(sc.tier.fee, sc.tier.spacing);
  pool.initialize(impl.math.getSqrtRatioAtTick(sc.startTick));
  for (const b of sc.background) pool.mint("bg", b.range[0], b.range[1], b.liquidity);
  for (const s of sc.swaps) {
    const limit = s.zeroForOne ? MIN_SQRT_RATIO + 1n : MAX_SQRT_RATIO - 1n;
    const price = pool.slot0().sqrtPriceX96;
    if (s.zeroForOne ? price <= limit : price >= limit) continue; // already at the edge
    pool.swap(s.zeroForOne, s.exactOut ? -s.amount : s.amount, limit);
  }
  return pool;
}

/** A snapshot with positions in a canonical order. */
function canonical(s: PoolSnapshot): PoolSnapshot {
  const key = (p: PoolSnapshot["positions"][number]) => `${p.owner}|${p.tickLower}|${p.tickUpper}`;
  return { ...s, positions: [...s.positions].sort((a, b) => (key(a) < key(b) ? -1 : 1)) };
}

const impls: V3Implementation[] = await implementations();

for (const impl of impls) {
  const m = impl.math;

  Deno.test(`${impl.name}: mulDiv / mulDivRoundingUp equal exact BigInt, reject overflow`, () => {
    fc.assert(
      fc.property(uintBits(256), uintBits(256), uintBits(256), (a, b, d) => {
        if (d === 0n) {
          equal(revertCode(() => m.mulDiv(a, b, d)), "DIV_ZERO");
          equal(revertCode(() => m.mulDivRoundingUp(a, b, d)), "DIV_ZERO");
          return;
        }
        const floor = (a * b) / d;
        const ceil = ceilDiv(a * b, d);
        if (floor > MAX_UINT256) equal(revertCode(() => m.mulDiv(a, b, d)), "OVERFLOW");
        else equal(m.mulDiv(a, b, d), floor);
        if (ceil > MAX_UINT256) equal(revertCode(() => m.mulDivRoundingUp(a, b, d)), "OVERFLOW");
        else equal(m.mulDivRoundingUp(a, b, d), ceil);
      }),
      { numRuns: RUNS },
    );
  });

  Deno.test(`${impl.name}: amount deltas are floor/ceil of the exact value`, () => {
    fc.assert(
      fc.property(sqrtPrice, sqrtPrice, liquidity, (pa, pb, l) => {
        const [a, b] = pa < pb ? [pa, pb] : [pb, pa];
        // token0 = L * 2^96 * (b - a) / (a * b); token1 = L * (b - a) / 2^96
        const num0 = l * Q96 * (b - a);
        const den0 = a * b;
        const down0 = m.getAmount0Delta(pa, pb, l, false);
        const up0 = m.getAmount0Delta(pa, pb, l, true);
        equal(down0, num0 / den0);
        equal(up0, ceilDiv(num0, den0));
        ok(up0 >= down0 && up0 - down0 <= 1n);
        const num1 = l * (b - a);
        const down1 = m.getAmount1Delta(pa, pb, l, false);
        const up1 = m.getAmount1Delta(pa, pb, l, true);
        equal(down1, num1 / Q96);
        equal(up1, ceilDiv(num1, Q96));
        ok(up1 >= down1 && up1 - down1 <= 1n);
      }),
      { numRuns: RUNS },
    );
  });

  Deno.test(`${impl.name}: computeSwapStep invariants and rounding against the swapper`, () => {
    const amountRemaining = fc.oneof(
      uintBits(255, 1n),
      uintBits(255, 1n).map((x) => -x),
      fc.bigInt({ min: 1n, max: MAX_INT256 }),
    );
    const feePips = fc.oneof(
      fc.constantFrom(0, 100, 500, 3000, 10000),
      fc.integer({ min: 0, max: 999_999 }),
    );
    fc.assert(
      fc.property(
        sqrtPrice,
        sqrtPrice,
        liquidity,
        amountRemaining,
        feePips,
        (current, target, l, remaining, fee) => {
          const s = m.computeSwapStep(current, target, l, remaining, fee);
          const next = s.sqrtRatioNextX96;
          const zeroForOne = current >= target;
          const exactIn = remaining >= 0n;
          // the price moves toward the target and never past it
          if (zeroForOne) ok(target <= next && next <= current, "0->1 price out of range");
          else ok(current <= next && next <= target, "1->0 price out of range");
          if (exactIn) ok(s.amountIn + s.feeAmount <= remaining, "spent more than remaining");
          else ok(s.amountOut <= -remaining, "paid more than requested");
          // Exact amounts for moving the price from current to next.
          const [lo, hi] = current < next ? [current, next] : [next, current];
          const in0 = [l * Q96 * (hi - lo), lo * hi]; // token0 in (0->1)
          const in1 = [l * (hi - lo), Q96]; // token1 in (1->0)
          const [inNum, inDen] = zeroForOne ? in0 : in1;
          const [outNum, outDen] = zeroForOne ? in1 : in0;
          // The swapper pays at least the exact input and gets at most the exact output.
          ok(s.amountIn >= ceilDiv(inNum, inDen), "amountIn below the exact requirement");
          ok(s.amountOut <= outNum / outDen, "amountOut above what the price move frees");
          // The fee is at least feePips of the gross input.
          ok(
            s.feeAmount * 1_000_000n >= (s.amountIn + s.feeAmount) * BigInt(fee),
            "fee below feePips",
          );
          if (exactIn && next !== target) equal(s.amountIn + s.feeAmount, remaining);
        },
      ),
      { numRuns: RUNS },
    );
  });

  Deno.test(`${impl.name}: getSqrtRatioAtTick monotone, getTickAtSqrtRatio inverts it`, () => {
    fc.assert(
      fc.property(fc.integer({ min: MIN_TICK, max: MAX_TICK - 1 }), (t) => {
        const r = m.getSqrtRatioAtTick(t);
        const r1 = m.getSqrtRatioAtTick(t + 1);
        ok(r < r1);
        equal(m.getTickAtSqrtRatio(r), t);
      }),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.bigInt({ min: MIN_SQRT_RATIO, max: MAX_SQRT_RATIO - 1n }),
          uintBits(160, MIN_SQRT_RATIO).filter((p) => p < MAX_SQRT_RATIO),
        ),
        (price) => {
          const t = m.getTickAtSqrtRatio(price);
          ok(m.getSqrtRatioAtTick(t) <= price);
          ok(t === MAX_TICK || price < m.getSqrtRatioAtTick(t + 1));
        },
      ),
      { numRuns: RUNS },
    );
  });

  Deno.test(`${impl.name}: mint -> burn -> collect returns at most what was put in`, () => {
    fc.assert(
      fc.property(scenario, (sc) => {
        const pool = buildPool(impl, sc);
        const [lower, upper] = sc.position.range;
        const put = pool.mint("me", lower, upper, sc.position.liquidity);
        const burned = pool.burn("me", lower, upper, sc.position.liquidity);
        const got = pool.collect("me", lower, upper, MAX_UINT128, MAX_UINT128);
        // tokensOwed is a uint128 and the contract truncates burn amounts into
        // it (`tokensOwed + uint128(amount)`), which only matters for amounts
        // no real token supply reaches.
        equal(got.amount0, burned.amount0 & MAX_UINT128);
        equal(got.amount1, burned.amount1 & MAX_UINT128);
        ok(burned.amount0 <= put.amount0 && put.amount0 - burned.amount0 <= 1n, "token0");
        ok(burned.amount1 <= put.amount1 && put.amount1 - burned.amount1 <= 1n, "token1");
        ok(got.amount0 <= put.amount0 && got.amount1 <= put.amount1);
        equal(pool.positions("me", lower, upper).liquidity, 0n);
      }),
      { numRuns: RUNS },
    );
  });

  Deno.test(`${impl.name}: loadPool(snapshot()) reproduces the state and what follows`, () => {
    fc.assert(
      fc.property(scenario, fc.boolean(), uintBits(90, 1n), (sc, zeroForOne, amount) => {
        const pool = buildPool(impl, sc);
        const [lower, upper] = sc.position.range;
        pool.mint("me", lower, upper, sc.position.liquidity);
        const copy = impl.loadPool(pool.snapshot());
        deepEqual(canonical(copy.snapshot()), canonical(pool.snapshot()));
        const limit = zeroForOne ? MIN_SQRT_RATIO + 1n : MAX_SQRT_RATIO - 1n;
        const price = pool.slot0().sqrtPriceX96;
        if (zeroForOne ? price <= limit : price >= limit) return;
        deepEqual(copy.swap(zeroForOne, amount, limit), pool.swap(zeroForOne, amount, limit));
        deepEqual(copy.burn("me", lower, upper, 0n), pool.burn("me", lower, upper, 0n));
        deepEqual(canonical(copy.snapshot()), canonical(pool.snapshot()));
      }),
      { numRuns: RUNS },
    );
  });

  Deno.test(`${impl.name}: loadPool accepts a swap that stopped on a tick boundary going down`, () => {
    // After a 0->1 swap that ends exactly on an initialized tick T, the contract
    // leaves slot0.tick = T - 1 while the price is ratio(T), so
    // tick != getTickAtSqrtRatio(price). Real pools are in this state.
    const pool = impl.createPool(3000, 60);
    pool.initialize(1n << 96n);
    pool.mint("lp", -887220, 887220, 10n ** 18n);
    pool.mint("lp", -120, 120, 10n ** 18n);
    const r = pool.swap(true, 10n ** 30n, m.getSqrtRatioAtTick(-120));
    equal(r.sqrtPriceX96, m.getSqrtRatioAtTick(-120));
    equal(r.tick, -121);
    const copy = impl.loadPool(pool.snapshot());
    deepEqual(canonical(copy.snapshot()), canonical(pool.snapshot()));
    deepEqual(
      copy.swap(false, 10n ** 15n, MAX_SQRT_RATIO - 1n),
      pool.swap(false, 10n ** 15n, MAX_SQRT_RATIO - 1n),
    );
  });
}
