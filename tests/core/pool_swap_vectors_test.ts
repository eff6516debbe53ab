/**
 * All 240 entries of Uniswap v3-core's `UniswapV3Pool.swaps.spec.ts.snap`
 * (15 pool set-ups x 16 swaps), rebuilt from the upstream spec's set-up
 * (`test/UniswapV3Pool.swaps.spec.ts`, `test/shared/utilities.ts`) and run
 * against every implementation. Expected values come only from the snapshot
 * file, which is read in place from shared/data.
 */
import { deepEqual, equal, fail, ok } from "node:assert/strict";
import type { V3Implementation } from "../../core-wasm/types.ts";
import { V3MathError } from "../../core-wasm/errors.ts";
import { implementations } from "../support/implementations.ts";

const SNAPSHOT_URL = new URL(
  "../../../shared/data/uniswap-v3-core-vectors/UniswapV3Pool.swaps.spec.ts.snap",
  import.meta.url,
);

// ---------------------------------------------------------------------------
// Constants of the upstream spec, written out independently.

const MIN_TICK = -887272;
const MAX_TICK = 887272;
const MIN_SQRT_RATIO = 4295128739n;
const MAX_SQRT_RATIO = 1461446703485210103287273052203988822378723970342n;
const MAX_INT256 = (1n << 255n) - 1n;
const MAX_UINT128 = (1n << 128n) - 1n;
const E18 = 10n ** 18n;

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/**
 * `encodePriceSqrt(reserve1, reserve0)` exactly as upstream computes it with
 * bignumber.js configured to DECIMAL_PLACES 40: the ratio and its square root
 * are each rounded half-up to 40 decimals, then `floor(sqrt * 2^96)`. This
 * equals `floor(sqrt(r1/r0) * 2^96)` for every ratio in the spec except
 * `1/2^127`, which rounds to 5.9e-39 first (the snapshot's poolPriceBefore of
 * "close to min price" is 5.9000e-39, confirming it).
 */
function encodePriceSqrt(reserve1: bigint, reserve0: bigint): bigint {
  const scale = 10n ** 40n;
  const q = (reserve1 * scale) / reserve0;
  const ratio = 2n * ((reserve1 * scale) % reserve0) >= reserve0 ? q + 1n : q;
  const x = ratio * scale;
  let root = isqrt(x);
  if (x - root * root > root) root += 1n; // round half up
  return (root << 96n) / scale;
}

const getMinTick = (spacing: number) => Math.ceil(MIN_TICK / spacing) * spacing;
const getMaxTick = (spacing: number) => Math.floor(MAX_TICK / spacing) * spacing;

const LOW = { fee: 500, spacing: 10 };
const MEDIUM = { fee: 3000, spacing: 60 };
const HIGH = { fee: 10000, spacing: 200 };

interface PoolCase {
  description: string;
  fee: number;
  spacing: number;
  startingPrice: bigint;
  positions: Array<{ tickLower: number; tickUpper: number; liquidity: bigint }>;
}

function fullRange(tier: { spacing: number }, liquidity = 2n * E18) {
  return { tickLower: getMinTick(tier.spacing), tickUpper: getMaxTick(tier.spacing), liquidity };
}

const POOLS: PoolCase[] = [
  {
    description: "low fee, 1:1 price, 2e18 max range liquidity",
    ...LOW,
    startingPrice: encodePriceSqrt(1n, 1n),
    positions: [fullRange(LOW)],
  },
  {
    description: "medium fee, 1:1 price, 2e18 max range liquidity",
    ...MEDIUM,
    startingPrice: encodePriceSqrt(1n, 1n),
    positions: [fullRange(MEDIUM)],
  },
  {
    description: "high fee, 1:1 price, 2e18 max range liquidity",
    ...HIGH,
    startingPrice: encodePriceSqrt(1n, 1n),
    positions: [fullRange(HIGH)],
  },
  {
    description: "medium fee, 10:1 price, 2e18 max range liquidity",
    ...MEDIUM,
    startingPrice: encodePriceSqrt(10n, 1n),
    positions: [fullRange(MEDIUM)],
  },
  {
    description: "medium fee, 1:10 price, 2e18 max range liquidity",
    ...MEDIUM,
    startingPrice: encodePriceSqrt(1n, 10n),
    positions: [fullRange(MEDIUM)],
  },
  {
    description: "medium fee, 1:1 price, 0 liquidity, all liquidity around current price",
    ...MEDIUM,
    startingPrice: encodePriceSqrt(1n, 1n),
    positions: [
      { tickLower: getMinTick(60), tickUpper: -60, liquidity: 2n * E18 },
      { tickLower: 60, tickUpper: getMaxTick(60), liquidity: 2n * E18 },
    ],
  },
  {
    description: "medium fee, 1:1 price, additional liquidity around current price",
    ...MEDIUM,
    startingPrice: encodePriceSqrt(1n, 1n),
    positions: [
      fullRange(MEDIUM),
      { tickLower: getMinTick(60), tickUpper: -60, liquidity: 2n * E18 },
      { tickLower: 60, tickUpper: getMaxTick(60), liquidity: 2n * E18 },
    ],
  },
  {
    description: "low fee, large liquidity around current price (stable swap)",
    ...LOW,
    startingPrice: encodePriceSqrt(1n, 1n),
    positions: [{ tickLower: -10, tickUpper: 10, liquidity: 2n * E18 }],
  },
  {
    description: "medium fee, token0 liquidity only",
    ...MEDIUM,
    startingPrice: encodePriceSqrt(1n, 1n),
    positions: [{ tickLower: 0, tickUpper: 2000 * 60, liquidity: 2n * E18 }],
  },
  {
    description: "medium fee, token1 liquidity only",
    ...MEDIUM,
    startingPrice: encodePriceSqrt(1n, 1n),
    positions: [{ tickLower: -2000 * 60, tickUpper: 0, liquidity: 2n * E18 }],
  },
  {
    description: "close to max price",
    ...MEDIUM,
    startingPrice: encodePriceSqrt(1n << 127n, 1n),
    positions: [fullRange(MEDIUM)],
  },
  {
    description: "close to min price",
    ...MEDIUM,
    startingPrice: encodePriceSqrt(1n, 1n << 127n),
    positions: [fullRange(MEDIUM)],
  },
  {
    description: "max full range liquidity at 1:1 price with default fee",
    ...MEDIUM,
    startingPrice: encodePriceSqrt(1n, 1n),
    positions: [
      fullRange(
        MEDIUM,
        // getMaxLiquidityPerTick(60) as the spec's utilities compute it.
        MAX_UINT128 / BigInt((getMaxTick(60) - getMinTick(60)) / 60 + 1),
      ),
    ],
  },
  {
    description: "initialized at the max ratio",
    ...MEDIUM,
    startingPrice: MAX_SQRT_RATIO - 1n,
    positions: [fullRange(MEDIUM)],
  },
  {
    description: "initialized at the min ratio",
    ...MEDIUM,
    startingPrice: MIN_SQRT_RATIO,
    positions: [fullRange(MEDIUM)],
  },
];

interface SwapCase {
  description: string;
  zeroForOne: boolean;
  /** > 0 exact input, < 0 exact output (the pool's amountSpecified). */
  amountSpecified: bigint;
  sqrtPriceLimit?: bigint;
}

/**
 * The 16 swaps. "swap to price" cases go through the spec's
 * TestUniswapV3Callee.swapToLower/HigherSqrtPrice, which passes
 * `type(int256).max` as the exact input and the target price as the limit.
 * Without a limit the spec uses MIN_SQRT_RATIO+1 / MAX_SQRT_RATIO-1.
 */
const SWAPS: SwapCase[] = [
  { description: "swap exactly 1.0000 token0 for token1", zeroForOne: true, amountSpecified: E18 },
  { description: "swap exactly 1.0000 token1 for token0", zeroForOne: false, amountSpecified: E18 },
  { description: "swap token0 for exactly 1.0000 token1", zeroForOne: true, amountSpecified: -E18 },
  {
    description: "swap token1 for exactly 1.0000 token0",
    zeroForOne: false,
    amountSpecified: -E18,
  },
  {
    description: "swap exactly 1.0000 token0 for token1 to price 0.50000",
    zeroForOne: true,
    amountSpecified: E18,
    sqrtPriceLimit: encodePriceSqrt(50n, 100n),
  },
  {
    description: "swap exactly 1.0000 token1 for token0 to price 2.0000",
    zeroForOne: false,
    amountSpecified: E18,
    sqrtPriceLimit: encodePriceSqrt(200n, 100n),
  },
  {
    description: "swap token0 for exactly 1.0000 token1 to price 0.50000",
    zeroForOne: true,
    amountSpecified: -E18,
    sqrtPriceLimit: encodePriceSqrt(50n, 100n),
  },
  {
    description: "swap token1 for exactly 1.0000 token0 to price 2.0000",
    zeroForOne: false,
    amountSpecified: -E18,
    sqrtPriceLimit: encodePriceSqrt(200n, 100n),
  },
  {
    description: "swap exactly 0.0000000000000010000 token0 for token1",
    zeroForOne: true,
    amountSpecified: 1000n,
  },
  {
    description: "swap exactly 0.0000000000000010000 token1 for token0",
    zeroForOne: false,
    amountSpecified: 1000n,
  },
  {
    description: "swap token0 for exactly 0.0000000000000010000 token1",
    zeroForOne: true,
    amountSpecified: -1000n,
  },
  {
    description: "swap token1 for exactly 0.0000000000000010000 token0",
    zeroForOne: false,
    amountSpecified: -1000n,
  },
  {
    description: "swap token1 for token0 to price 2.5000",
    zeroForOne: false,
    amountSpecified: MAX_INT256,
    sqrtPriceLimit: encodePriceSqrt(5n, 2n),
  },
  {
    description: "swap token0 for token1 to price 0.40000",
    zeroForOne: true,
    amountSpecified: MAX_INT256,
    sqrtPriceLimit: encodePriceSqrt(2n, 5n),
  },
  {
    description: "swap token0 for token1 to price 2.5000",
    zeroForOne: true,
    amountSpecified: MAX_INT256,
    sqrtPriceLimit: encodePriceSqrt(5n, 2n),
  },
  {
    description: "swap token1 for token0 to price 0.40000",
    zeroForOne: false,
    amountSpecified: MAX_INT256,
    sqrtPriceLimit: encodePriceSqrt(2n, 5n),
  },
];

// ---------------------------------------------------------------------------
// Jest snapshot parsing.

type SnapValue = string | number;
type SnapEntry = Record<string, SnapValue>;

/** Parses `exports[`key`] = `\nObject {\n  "k": "v",\n  "n": 1,\n}\n`;` blocks. */
function parseJestSnapshot(text: string): Map<string, SnapEntry> {
  const entries = new Map<string, SnapEntry>();
  const block = /^exports\[`([^`]*)`\] = `([^`]*)`;$/gm;
  for (const m of text.matchAll(block)) {
    const key = m[1];
    const body = m[2].trim();
    if (!body.startsWith("Object {") || !body.endsWith("}")) {
      throw new Error(`unexpected snapshot body for ${key}: ${body.slice(0, 40)}`);
    }
    const entry: SnapEntry = {};
    for (const line of body.slice("Object {".length, -1).split("\n")) {
      const t = line.trim();
      if (t === "") continue;
      const field = /^"([^"]+)": (?:"([^"]*)"|(-?\d+)),$/.exec(t);
      if (!field) throw new Error(`unparsed snapshot line in ${key}: ${t}`);
      entry[field[1]] = field[2] !== undefined ? field[2] : Number(field[3]);
    }
    if (entries.has(key)) throw new Error(`duplicate snapshot key ${key}`);
    entries.set(key, entry);
  }
  return entries;
}

// ---------------------------------------------------------------------------
// 5-significant-digit comparison (decimal.js toPrecision(5), ROUND_HALF_UP).

type Sig5 = { kind: "nan" } | { kind: "inf"; negative: boolean } | { kind: "zero" } | {
  kind: "num";
  negative: boolean;
  digits: bigint;
  exponent: number;
};

/** Parses a decimal.js `toPrecision(5)` string ("2.6084e+34", "0.40000", "-Infinity"). */
function parseSig5(s: string): Sig5 {
  if (s === "NaN") return { kind: "nan" };
  if (s === "Infinity" || s === "-Infinity") return { kind: "inf", negative: s[0] === "-" };
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(s);
  if (!m) throw new Error(`not a toPrecision string: ${s}`);
  const all = m[2] + (m[3] ?? "");
  const firstNonZero = all.search(/[1-9]/);
  if (firstNonZero < 0) return { kind: "zero" };
  const significant = all.slice(firstNonZero);
  if (significant.length !== 5) throw new Error(`expected 5 significant digits in ${s}`);
  // Position of the first significant digit relative to the decimal point.
  const exponent = m[2].length - 1 - firstNonZero + Number(m[4] ?? "0");
  return { kind: "num", negative: m[1] === "-", digits: BigInt(significant), exponent };
}

/** num/den rounded half-up to 5 significant digits. */
function sig5(num: bigint, den: bigint): Sig5 {
  if (den === 0n) {
    return num === 0n ? { kind: "nan" } : { kind: "inf", negative: num < 0n };
  }
  if (num === 0n) return { kind: "zero" };
  const negative = (num < 0n) !== (den < 0n);
  const n = num < 0n ? -num : num;
  const d = den < 0n ? -den : den;
  // exponent e with 10^e <= n/d < 10^(e+1)
  let e = n.toString().length - d.toString().length;
  const ge = (k: number) => (k >= 0 ? n >= d * 10n ** BigInt(k) : n * 10n ** BigInt(-k) >= d);
  while (!ge(e)) e--;
  while (ge(e + 1)) e++;
  // digits = round(n/d * 10^(4-e))
  const shift = 4 - e;
  const sn = shift >= 0 ? n * 10n ** BigInt(shift) : n;
  const sd = shift >= 0 ? d : d * 10n ** BigInt(-shift);
  let digits = sn / sd;
  if (2n * (sn % sd) >= sd) digits += 1n;
  if (digits === 100000n) {
    digits = 10000n;
    e += 1;
  }
  return { kind: "num", negative, digits, exponent: e };
}

const Q192 = 1n << 192n;

function assertPrice(actualNum: bigint, actualDen: bigint, expected: SnapValue, what: string) {
  deepEqual(
    sig5(actualNum, actualDen),
    parseSig5(String(expected)),
    `${what}: expected ${expected}`,
  );
}

// ---------------------------------------------------------------------------

const snapshot = parseJestSnapshot(await Deno.readTextFile(SNAPSHOT_URL));
const PREFIX = "UniswapV3Pool swap tests ";

Deno.test("swap snapshot: 240 entries, 190 successes + 50 errors, all mapped to a set-up", () => {
  equal(snapshot.size, 240);
  let errors = 0;
  for (const entry of snapshot.values()) if ("swapError" in entry) errors++;
  equal(errors, 50);
  equal(snapshot.size - errors, 190);
  const expectedKeys = new Set<string>();
  for (const p of POOLS) {
    for (const s of SWAPS) expectedKeys.add(`${PREFIX}${p.description} ${s.description} 1`);
  }
  equal(expectedKeys.size, 240);
  deepEqual([...snapshot.keys()].filter((k) => !expectedKeys.has(k)), []);
  deepEqual([...expectedKeys].filter((k) => !snapshot.has(k)), []);
});

Deno.test("swap snapshot: encodePriceSqrt reproduces the README's literal values", () => {
  equal(encodePriceSqrt(1n, 1n), 79228162514264337593543950336n);
  equal(encodePriceSqrt(50n, 100n), 56022770974786139918731938227n);
  equal(encodePriceSqrt(200n, 100n), 112045541949572279837463876454n);
  equal(encodePriceSqrt(5n, 2n), 125270724187523965593206900784n);
  equal(encodePriceSqrt(2n, 5n), 50108289675009586237282760313n);
  equal(encodePriceSqrt(10n, 1n), 250541448375047931186413801569n);
  equal(encodePriceSqrt(1n, 10n), 25054144837504793118641380156n);
});

function runCase(impl: V3Implementation, poolCase: PoolCase, swapCase: SwapCase, e: SnapEntry) {
  const pool = impl.createPool(poolCase.fee, poolCase.spacing);
  pool.initialize(poolCase.startingPrice);
  let balance0 = 0n;
  let balance1 = 0n;
  for (const p of poolCase.positions) {
    const { amount0, amount1 } = pool.mint("wallet", p.tickLower, p.tickUpper, p.liquidity);
    balance0 += amount0;
    balance1 += amount1;
  }
  const before = pool.slot0();
  const limit = swapCase.sqrtPriceLimit ??
    (swapCase.zeroForOne ? MIN_SQRT_RATIO + 1n : MAX_SQRT_RATIO - 1n);

  if ("swapError" in e) {
    const code = /revert (\w+)$/.exec(String(e.swapError))?.[1];
    ok(code, `unparsed swapError ${e.swapError}`);
    equal(BigInt(e.poolBalance0), balance0, "poolBalance0");
    equal(BigInt(e.poolBalance1), balance1, "poolBalance1");
    equal(before.tick, e.tickBefore, "tickBefore");
    assertPrice(before.sqrtPriceX96 ** 2n, Q192, e.poolPriceBefore, "poolPriceBefore");
    try {
      pool.swap(swapCase.zeroForOne, swapCase.amountSpecified, limit);
    } catch (err) {
      ok(err instanceof V3MathError, `expected V3MathError, got ${err}`);
      equal(err.code, code, err.message);
      return;
    }
    fail(`swap succeeded but the snapshot records ${e.swapError}`);
  }

  equal(BigInt(e.amount0Before), balance0, "amount0Before");
  equal(BigInt(e.amount1Before), balance1, "amount1Before");
  equal(before.tick, e.tickBefore, "tickBefore");
  assertPrice(before.sqrtPriceX96 ** 2n, Q192, e.poolPriceBefore, "poolPriceBefore");
  const r = pool.swap(swapCase.zeroForOne, swapCase.amountSpecified, limit);
  equal(r.amount0, BigInt(e.amount0Delta), "amount0Delta");
  equal(r.amount1, BigInt(e.amount1Delta), "amount1Delta");
  equal(pool.feeGrowthGlobal0X128(), BigInt(e.feeGrowthGlobal0X128Delta), "feeGrowthGlobal0");
  equal(pool.feeGrowthGlobal1X128(), BigInt(e.feeGrowthGlobal1X128Delta), "feeGrowthGlobal1");
  const after = pool.slot0();
  equal(after.tick, e.tickAfter, "tickAfter");
  equal(r.tick, e.tickAfter, "SwapResult.tick");
  equal(r.sqrtPriceX96, after.sqrtPriceX96, "SwapResult.sqrtPriceX96 matches slot0");
  assertPrice(after.sqrtPriceX96 ** 2n, Q192, e.poolPriceAfter, "poolPriceAfter");
  // executionPrice = -Δ1/Δ0
  assertPrice(-r.amount1, r.amount0, e.executionPrice, "executionPrice");
}

for (const impl of await implementations()) {
  Deno.test(`${impl.name}: UniswapV3Pool.swaps.spec snapshot (240 cases)`, async (t) => {
    let ran = 0;
    for (const poolCase of POOLS) {
      for (const swapCase of SWAPS) {
        const key = `${PREFIX}${poolCase.description} ${swapCase.description} 1`;
        const entry = snapshot.get(key);
        ok(entry, `missing snapshot entry ${key}`);
        await t.step(`${poolCase.description} | ${swapCase.description}`, () => {
          runCase(impl, poolCase, swapCase, entry);
        });
        ran++;
      }
    }
    equal(ran, 240);
  });
}
