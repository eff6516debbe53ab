/**
 * `deno task backtest`: until the research backtest lands (issue 5), this
 * runs a short, real demonstration of the exact core: a seeded synthetic
 * market (a fair price following a random walk, arbitrageurs pulling the pool
 * toward it, heavy-tailed noise trades) swapping through an exact Uniswap V3
 * pool in core.wasm that holds background liquidity and one asymmetric LP
 * position of ours. It prints our fees (from the pool's fee growth, as the
 * contract would pay them), the position's value and the result vs holding.
 *
 * @example
 * ```sh
 * deno task backtest              # 20,000 swaps, seed 1
 * deno task backtest --swaps 100000 --seed 7
 * ```
 * @module
 */
import { loadCore, MAX_SQRT_RATIO, MIN_SQRT_RATIO, Q96 } from "../core-wasm/mod.ts";
import { SeededRandom } from "../services/common/random.ts";

interface DemoOptions {
  swaps: number;
  seed: number;
}

function parseArgs(args: string[]): DemoOptions {
  const opts: DemoOptions = { swaps: 20_000, seed: 1 };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--help" || a === "-h") {
      console.log("usage: deno task backtest [--swaps N] [--seed S]");
      Deno.exit(0);
    }
    const v = args[i + 1];
    if (a === "--swaps" || a === "--seed") {
      const n = Number(v);
      if (!Number.isInteger(n) || n <= 0) {
        throw new Error(`Cannot parse ${a}: '${v}' is not a positive integer`);
      }
      if (a === "--swaps") opts.swaps = n;
      else opts.seed = n;
      i++;
    } else {
      throw new Error(`Unknown argument '${a}' (try --help)`);
    }
  }
  return opts;
}

const DEC0 = 6; // USDC
const DEC1 = 18; // WETH

/** USDC per WETH from a Q64.96 sqrt price (token0 = USDC, token1 = WETH). */
function ethPrice(sqrtPriceX96: bigint): number {
  const p = Number(sqrtPriceX96) / Number(Q96);
  return 10 ** (DEC1 - DEC0) / (p * p);
}

async function main(): Promise<void> {
  const opts = parseArgs(Deno.args);
  const t0 = performance.now();
  const core = await loadCore();
  const { math } = core;
  const r = new SeededRandom(opts.seed);
  const fee = 3000;
  const spacing = 60;
  const pool = core.createPool(fee, spacing);
  const startPrice = 2000; // USDC per ETH
  const startTick = Math.round(Math.log(10 ** (DEC1 - DEC0) / startPrice) / Math.log(1.0001));
  pool.initialize(math.getSqrtRatioAtTick(startTick));
  const aligned = Math.floor(startTick / spacing) * spacing;

  // background liquidity: full range plus a few concentrated LPs
  pool.mint("lp-full", -887220, 887220, 2n * 10n ** 16n);
  for (let k = 1; k <= 5; k++) {
    pool.mint(`lp-${k}`, aligned - k * 600, aligned + k * 600, 4n * 10n ** 15n);
  }

  // ours: asymmetric, 1800 ticks below the start and 600 above
  const lower = aligned - 1800;
  const upper = aligned + 600;
  const amount0 = 20_000n * 10n ** 6n; // 20,000 USDC
  const amount1 = 10n * 10n ** 18n; // 10 WETH
  const sqrtP0 = pool.slot0().sqrtPriceX96;
  const liquidity = math.getLiquidityForAmounts(
    sqrtP0,
    math.getSqrtRatioAtTick(lower),
    math.getSqrtRatioAtTick(upper),
    amount0,
    amount1,
  );
  const paid = pool.mint("us", lower, upper, liquidity);

  // market: fair log-price random walk; an arbitrageur trades the pool to the
  // fair price when it is off by more than the fee; noise traders in between.
  let fair = Math.log(startPrice);
  const sigma = 0.0008; // per swap step
  let swaps = 0;
  let crossed = 0;
  let volume0 = 0n;
  for (let i = 0; i < opts.swaps; i++) {
    fair += sigma * r.gaussian();
    const slot = pool.slot0();
    const pool0 = Math.log(ethPrice(slot.sqrtPriceX96));
    if (Math.abs(fair - pool0) > fee / 1e6) {
      // arbitrage to the fair price (limit = fair sqrt price, unlimited size)
      const targetRaw = 10 ** (DEC1 - DEC0) / Math.exp(fair);
      let limit = BigInt(Math.floor(Math.sqrt(targetRaw) * 2 ** 48)) * (1n << 48n);
      if (limit <= MIN_SQRT_RATIO) limit = MIN_SQRT_RATIO + 1n;
      if (limit >= MAX_SQRT_RATIO) limit = MAX_SQRT_RATIO - 1n;
      const zeroForOne = limit < slot.sqrtPriceX96; // selling USDC lowers sqrt price
      if (limit !== slot.sqrtPriceX96) {
        const res = pool.swap(zeroForOne, 10n ** 30n, limit);
        swaps++;
        crossed += res.ticksCrossed;
        volume0 += res.amount0 > 0n ? res.amount0 : -res.amount0;
      }
    }
    // heavy-tailed noise trade in USDC (Pareto sizes, median ~ 500 USDC)
    const size = 300 / Math.pow(1 - r.next(), 1 / 1.5);
    const zeroForOne = r.chance(0.5);
    const amount = BigInt(Math.floor(Math.min(size, 5e6) * 10 ** DEC0));
    if (zeroForOne) {
      const res = pool.swap(true, amount, MIN_SQRT_RATIO + 1n);
      crossed += res.ticksCrossed;
      volume0 += res.amount0;
    } else {
      const res = pool.swap(false, -amount, MAX_SQRT_RATIO - 1n);
      crossed += res.ticksCrossed;
      volume0 += -res.amount0;
    }
    swaps++;
  }

  // what we would get back: burn everything (fees land in tokensOwed), collect
  const burned = pool.burn("us", lower, upper, liquidity);
  const owed = pool.positions("us", lower, upper);
  const fees0 = owed.tokensOwed0 - burned.amount0;
  const fees1 = owed.tokensOwed1 - burned.amount1;
  const collected = pool.collect("us", lower, upper, owed.tokensOwed0, owed.tokensOwed1);

  const endPrice = ethPrice(pool.slot0().sqrtPriceX96);
  const usd = (a0: bigint, a1: bigint) =>
    Number(a0) / 10 ** DEC0 + (Number(a1) / 10 ** DEC1) * endPrice;
  const value = usd(collected.amount0, collected.amount1);
  const hodl = usd(paid.amount0, paid.amount1);
  const feesUsd = usd(fees0, fees1);
  const secs = (performance.now() - t0) / 1000;

  console.log("Asymmetric LP — exact-core demo (the research backtest lands with issue 5)");
  console.log(
    `  seed ${opts.seed}, ${swaps} swaps through an exact V3 pool in core.wasm, ${crossed} tick crossings`,
  );
  console.log(
    `  ETH price: ${startPrice.toFixed(2)} -> ${endPrice.toFixed(2)} USDC; volume ${
      (Number(volume0) / 1e6).toFixed(0)
    } USDC`,
  );
  console.log(
    `  our range [${lower}, ${upper}] (1800 ticks below the start, 600 above), liquidity ${liquidity}`,
  );
  console.log(
    `  deposited: ${Number(paid.amount0) / 1e6} USDC + ${Number(paid.amount1) / 1e18} WETH`,
  );
  console.log(
    `  fees earned: ${Number(fees0) / 1e6} USDC + ${Number(fees1) / 1e18} WETH = ${
      feesUsd.toFixed(2)
    } USD`,
  );
  console.log(
    `  value out ${value.toFixed(2)} USD vs hold ${
      hodl.toFixed(2)
    } USD: ${(value - hodl >= 0 ? "+" : "")}${(value - hodl).toFixed(2)} USD`,
  );
  console.log(`  ran in ${secs.toFixed(2)} s`);
}

if (import.meta.main) {
  try {
    await main();
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    Deno.exit(1);
  }
}
