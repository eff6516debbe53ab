/**
 * Differential test against the real contracts: for every implementation,
 * start anvil, deploy Uniswap V3 from the npm artifacts, and drive the
 * on-chain pool and our `V3Pool` with the same seeded random positions and
 * swaps. After every swap the pool-side amounts, price, tick, liquidity, fee
 * growth and protocol fees must be identical; at the end burns, tokensOwed,
 * collects, every initialized tick and every position are compared too.
 */
import { SeededRandom } from "../../services/common/random.ts";
import assert from "node:assert/strict";
import type { V3Implementation, V3Pool } from "../../core-wasm/types.ts";
import { implementations } from "../support/implementations.ts";
import type { Address } from "viem";
import {
  type ChainPoolState,
  deployUniswapV3,
  MAX_SQRT_RATIO,
  MAX_TICK,
  MIN_SQRT_RATIO,
  MIN_TICK,
  type PoolHandle,
  startAnvil,
  type SwapEventResult,
  type UniswapV3Deployment,
} from "../support/anvil.ts";

/** Seeded draws (the project's SeededRandom) plus a log-uniform amount. */
class Rng extends SeededRandom {
  /** Log-uniform bigint in [lo, hi]. */
  logBig(lo: number, hi: number): bigint {
    const x = Math.exp(Math.log(lo) + this.next() * (Math.log(hi) - Math.log(lo)));
    // Keep the low digits random too (not just a float's 53 bits).
    const base = BigInt(Math.floor(x));
    return base > 1_000_000n ? base + BigInt(this.int(0, 999_999)) : base < 1n ? 1n : base;
  }
}

/** JSON with bigints as strings and object keys sorted (a canonical form to compare). */
const show = (v: unknown) =>
  JSON.stringify(v, (_k, x) => {
    if (typeof x === "bigint") return x.toString();
    if (x && typeof x === "object" && !Array.isArray(x)) {
      return Object.fromEntries(Object.keys(x).sort().map((k) => [k, x[k]]));
    }
    return x;
  });

function assertSame(what: string, chain: unknown, ours: unknown, context: unknown): void {
  if (show(chain) !== show(ours)) {
    assert.fail(
      `${what} mismatch\n  context: ${show(context)}\n  chain:   ${show(chain)}\n  ours:    ${
        show(ours)
      }`,
    );
  }
}

function oursState(pool: V3Pool): ChainPoolState {
  const s = pool.slot0();
  const pf = pool.protocolFees();
  return {
    sqrtPriceX96: s.sqrtPriceX96,
    tick: s.tick,
    feeProtocol: s.feeProtocol,
    unlocked: true,
    liquidity: pool.liquidity(),
    feeGrowthGlobal0X128: pool.feeGrowthGlobal0X128(),
    feeGrowthGlobal1X128: pool.feeGrowthGlobal1X128(),
    protocolFees0: pf.amount0,
    protocolFees1: pf.amount1,
  };
}

interface Scenario {
  fee: number;
  tickSpacing: number;
  seed: number;
  positions: number;
  swaps: number;
  /** Set on both pools before any swap (0 = off). */
  feeProtocol: [number, number];
}

interface PositionKey {
  owner: Address;
  tickLower: number;
  tickUpper: number;
}

const SCENARIOS: Scenario[] = [
  { fee: 3000, tickSpacing: 60, seed: 0x5eed3000, positions: 40, swaps: 1000, feeProtocol: [0, 0] },
  { fee: 500, tickSpacing: 10, seed: 0x5eed0500, positions: 40, swaps: 1000, feeProtocol: [4, 6] },
  { fee: 100, tickSpacing: 1, seed: 0x5eed0100, positions: 30, swaps: 600, feeProtocol: [10, 0] },
];

/** Rough amount that moves the price by `dTicks` at liquidity L (the swap may do otherwise). */
function amountForMove(
  sqrtPriceX96: bigint,
  liquidity: bigint,
  zeroForOne: boolean,
  exactInput: boolean,
  dTicks: number,
): bigint {
  const sp = Number(sqrtPriceX96) / 2 ** 96;
  const L = Number(liquidity > 0n ? liquidity : 10n ** 18n);
  const sp2 = sp * Math.pow(1.0001, (zeroForOne ? -dTicks : dTicks) / 2);
  const amount0 = L * Math.abs(1 / sp2 - 1 / sp);
  const amount1 = L * Math.abs(sp2 - sp);
  const inputIs0 = zeroForOne;
  const a = exactInput === inputIs0 ? amount0 : amount1;
  return BigInt(Math.max(1, Math.floor(a)));
}

async function runScenario(impl: V3Implementation, sc: Scenario): Promise<void> {
  const started = performance.now();
  const rng = new Rng(sc.seed);
  const math = impl.math;
  const anvil = await startAnvil();
  try {
    const uni: UniswapV3Deployment = await deployUniswapV3(anvil);
    if (sc.fee === 100) await uni.enableFeeAmount(100, 1);
    const tick0 = rng.int(-5000, 5000);
    const sqrt0 = math.getSqrtRatioAtTick(tick0) + BigInt(rng.int(0, 1_000_000_000));
    const chain: PoolHandle = await uni.createPool(sc.fee, sqrt0);
    assert.equal(chain.address, uni.computePoolAddress(sc.fee));
    const ours = impl.createPool(sc.fee, sc.tickSpacing);
    ours.initialize(sqrt0);
    assertSame("initial state", await chain.readPoolState(), oursState(ours), { sqrt0 });
    const s = sc.tickSpacing;
    const minUsable = Math.ceil(MIN_TICK / s) * s;
    const maxUsable = Math.floor(MAX_TICK / s) * s;
    const startTick = ours.slot0().tick;
    const align = (t: number) => Math.max(minUsable, Math.min(maxUsable, Math.floor(t / s) * s));
    const key = (a: Address) => a.toLowerCase();

    // ---- positions
    const positions: PositionKey[] = [];
    const mint = async (p: PositionKey, liquidity: bigint, label: string) => {
      const context = { label, ...p, liquidity };
      const got = await chain.mintPosition({ ...p, liquidity, payer: p.owner });
      const mine = ours.mint(key(p.owner), p.tickLower, p.tickUpper, liquidity);
      assertSame("mint amounts", { amount0: got.amount0, amount1: got.amount1 }, mine, context);
      positions.push(p);
    };
    // A full-range position keeps liquidity everywhere.
    await mint(
      { owner: uni.callers[0], tickLower: minUsable, tickUpper: maxUsable },
      rng.logBig(2e20, 6e20),
      "full range",
    );
    for (let i = 1; i < sc.positions; i++) {
      const owner = uni.callers[rng.int(0, uni.callers.length - 1)];
      const kind = i % 5;
      let lower: number, upper: number;
      if (kind === 0 && positions.length > 1) {
        // Same ticks as an earlier position (same or another owner): overlaps exactly.
        const prev = positions[rng.int(1, positions.length - 1)];
        lower = prev.tickLower;
        upper = prev.tickUpper;
      } else if (kind === 1 || kind === 2) {
        // Around the current price.
        const t = ours.slot0().tick;
        lower = align(t - rng.int(1, 60) * s);
        upper = align(t + rng.int(1, 60) * s);
      } else if (kind === 3) {
        // Narrow, near the start.
        lower = align(startTick + rng.int(-4000, 4000));
        upper = lower + rng.int(1, 12) * s;
      } else {
        // Wide.
        lower = align(startTick - rng.int(500, 30000));
        upper = align(startTick + rng.int(500, 30000));
      }
      if (upper <= lower) upper = lower + s;
      const sameOwner = kind === 0 && rng.chance(0.5)
        ? positions[positions.length - 1].owner
        : owner;
      await mint(
        { owner: sameOwner, tickLower: lower, tickUpper: upper },
        rng.logBig(1e16, 3e20),
        `position ${i}`,
      );
    }
    // One position through NonfungiblePositionManager (checks the periphery's
    // pool address); mirrored in our pool with the liquidity it chose.
    {
      const t = ours.slot0().tick;
      const p = { tickLower: align(t - 20 * s), tickUpper: align(t + 25 * s) };
      const got = await chain.mintWithPositionManager({
        ...p,
        amount0Desired: 10n ** 20n,
        amount1Desired: 10n ** 20n,
      });
      const mine = ours.mint(key(uni.positionManager), p.tickLower, p.tickUpper, got.liquidity);
      assertSame(
        "NonfungiblePositionManager mint",
        {
          amount0: got.amount0,
          amount1: got.amount1,
        },
        mine,
        p,
      );
      positions.push({ owner: uni.positionManager, ...p });
    }
    if (sc.feeProtocol[0] || sc.feeProtocol[1]) {
      await chain.setFeeProtocol(sc.feeProtocol[0], sc.feeProtocol[1]);
      ours.setFeeProtocol(sc.feeProtocol[0], sc.feeProtocol[1]);
    }
    assertSame("state after mints", await chain.readPoolState(), oursState(ours), {});

    // ---- swaps
    let ticksCrossed = 0;
    let limitHits = 0;
    let swapCount = 0;
    let maxCrossed = 0;
    let [lowTick, highTick] = [startTick, startTick];
    const doSwap = async (index: number, viaRouter: boolean) => {
      const before = ours.slot0();
      const liquidity = ours.liquidity();
      // Mean-reverting random walk around the start tick.
      const drift = before.tick - startTick;
      const pDown = drift > 2000 ? 0.9 : drift < -2000 ? 0.1 : 0.5;
      const zeroForOne = rng.chance(pDown);
      const exactInput = viaRouter || rng.chance(0.5);
      const dTicks = rng.chance(0.1) ? 0 : Math.floor(Math.exp(rng.next() * Math.log(4000)));
      let amount = dTicks === 0
        ? BigInt(rng.int(1, 100_000))
        : amountForMove(before.sqrtPriceX96, liquidity, zeroForOne, exactInput, dTicks);
      if (amount < 1n) amount = 1n;
      // Price limit: sometimes near the current price (partial fills), exact
      // output otherwise bounded to a band (a far overshoot would cost a fortune).
      let limit = zeroForOne ? MIN_SQRT_RATIO + 1n : MAX_SQRT_RATIO - 1n;
      if (rng.chance(0.3)) {
        const t = before.tick + (zeroForOne ? -1 : 1) * rng.int(1, 1500);
        limit = math.getSqrtRatioAtTick(Math.max(MIN_TICK, Math.min(MAX_TICK, t)));
        if (viaRouter) limit += BigInt(rng.int(0, 1000));
      } else if (!exactInput) {
        limit = math.getSqrtRatioAtTick(startTick + (zeroForOne ? -40000 : 40000));
      }
      if (zeroForOne ? limit >= before.sqrtPriceX96 : limit <= before.sqrtPriceX96) {
        limit = zeroForOne ? MIN_SQRT_RATIO + 1n : MAX_SQRT_RATIO - 1n;
      }
      const amountSpecified = exactInput ? amount : -amount;
      const context = { swap: index, viaRouter, zeroForOne, amountSpecified, limit, before };
      let got: SwapEventResult;
      try {
        got = viaRouter
          ? await chain.routerExactInputSingle(zeroForOne, amount, limit)
          : await chain.swap(zeroForOne, amountSpecified, limit);
      } catch (e) {
        throw new Error(`chain swap failed: ${show(context)}: ${(e as Error).message}`);
      }
      let mine;
      try {
        mine = ours.swap(zeroForOne, amountSpecified, limit);
      } catch (e) {
        throw new Error(
          `our swap threw but the chain's succeeded: ${show(context)} chain ${show(got)}: ${e}`,
        );
      }
      ticksCrossed += mine.ticksCrossed;
      maxCrossed = Math.max(maxCrossed, mine.ticksCrossed);
      lowTick = Math.min(lowTick, mine.tick);
      highTick = Math.max(highTick, mine.tick);
      if (mine.sqrtPriceX96 === limit) limitHits++;
      swapCount++;
      assertSame(
        "swap result",
        {
          amount0: got.amount0,
          amount1: got.amount1,
          sqrtPriceX96: got.sqrtPriceX96,
          tick: got.tick,
          liquidity: got.liquidity,
        },
        {
          amount0: mine.amount0,
          amount1: mine.amount1,
          sqrtPriceX96: mine.sqrtPriceX96,
          tick: mine.tick,
          liquidity: mine.liquidity,
        },
        context,
      );
      assertSame("state after swap", await chain.readPoolState(), oursState(ours), context);
    };
    for (let i = 0; i < sc.swaps; i++) await doSwap(i, i % 50 === 7);

    // ---- burns (full, partial, poke) and collects
    const distinct = new Map<string, PositionKey>();
    for (const p of positions) distinct.set(`${key(p.owner)}:${p.tickLower}:${p.tickUpper}`, p);
    const burnable = [...distinct.values()].filter((p) => uni.callers.includes(p.owner));
    let burns = 0;
    let collects = 0;
    for (let j = 0; j < 8; j++) {
      const p = burnable[rng.int(0, burnable.length - 1)];
      const pos = ours.positions(key(p.owner), p.tickLower, p.tickUpper);
      const chainPos = await chain.readPosition(p.owner, p.tickLower, p.tickUpper);
      assertSame("position before burn", chainPos, pos, p);
      if (pos.liquidity === 0n) continue;
      const mode = j % 3;
      const amount = mode === 0 ? pos.liquidity : mode === 1 ? pos.liquidity / 3n : 0n;
      const context = { burn: j, ...p, amount };
      const got = await chain.burn(p.owner, p.tickLower, p.tickUpper, amount);
      const mine = ours.burn(key(p.owner), p.tickLower, p.tickUpper, amount);
      assertSame("burn amounts", got, mine, context);
      burns++;
      assertSame(
        "position after burn (tokensOwed)",
        await chain.readPosition(p.owner, p.tickLower, p.tickUpper),
        ours.positions(key(p.owner), p.tickLower, p.tickUpper),
        context,
      );
      // Collect: everything, or a part of token0 / token1.
      const owed = ours.positions(key(p.owner), p.tickLower, p.tickUpper);
      const req0 = j % 2 === 0 ? owed.tokensOwed0 + 1n : owed.tokensOwed0 / 2n;
      const req1 = j % 2 === 0 ? owed.tokensOwed1 : owed.tokensOwed1 / 5n;
      const col = await chain.collect(p.owner, p.tickLower, p.tickUpper, req0, req1);
      const colMine = ours.collect(key(p.owner), p.tickLower, p.tickUpper, req0, req1);
      assertSame("collect amounts", col, colMine, { ...context, req0, req1 });
      collects++;
      assertSame(
        "position after collect",
        await chain.readPosition(p.owner, p.tickLower, p.tickUpper),
        ours.positions(key(p.owner), p.tickLower, p.tickUpper),
        context,
      );
    }
    assertSame("state after burns", await chain.readPoolState(), oursState(ours), {});
    // A few more swaps on the changed liquidity.
    for (let i = 0; i < 60; i++) await doSwap(sc.swaps + i, false);

    // ---- whole state: ticks and positions
    const chainTicks = await chain.initializedTicks();
    assertSame("initialized ticks", chainTicks, ours.initializedTicks(), {});
    for (const t of chainTicks) {
      assertSame("tick", await chain.readTick(t), ours.ticks(t), { tick: t });
    }
    const snap = await chain.snapshot([...distinct.values()]);
    const mineSnap = ours.snapshot();
    const sortPos = (ps: typeof snap.positions) =>
      ps.filter((p) => p.liquidity > 0n || p.tokensOwed0 > 0n || p.tokensOwed1 > 0n)
        .map((p) => ({ ...p, owner: p.owner.toLowerCase() }))
        .sort((a, b) =>
          a.owner < b.owner ? -1 : a.owner > b.owner ? 1 : a.tickLower - b.tickLower ||
            a.tickUpper - b.tickUpper
        );
    assertSame(
      "snapshot",
      { ...snap, positions: sortPos(snap.positions) },
      { ...mineSnap, positions: sortPos(mineSnap.positions) },
      {},
    );

    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `${impl.name} fee ${sc.fee}/${sc.tickSpacing}: ${distinct.size} positions ` +
        `(${positions.length} mints), ${swapCount} swaps, ${ticksCrossed} ticks crossed ` +
        `(max ${maxCrossed} in one swap; ticks visited ${lowTick}..${highTick}), ` +
        `${limitHits} stopped at the price limit, ${chainTicks.length} initialized ticks, ` +
        `${burns} burns, ${collects} collects, ${seconds}s`,
    );
  } finally {
    await anvil.stop();
  }
}

for (const impl of await implementations()) {
  for (const sc of SCENARIOS) {
    Deno.test(`anvil differential: ${impl.name}, fee ${sc.fee} / spacing ${sc.tickSpacing}`, () =>
      runScenario(impl, sc));
  }
}
