/**
 * A seeded synthetic market that needs nothing but core.wasm: a week of a
 * USDC/WETH-like 0.05% pool in about a second.
 *
 * - **Fair price** (the CEX): log-price random walk per 12 s block with
 *   Markov-switching volatility regimes (calm / normal / stressed, each with
 *   its own annual vol and mean duration) and Poisson jumps (normal sizes).
 * - **Arbitrageurs**: every block an `arb` event; the engine trades the pool
 *   to the fair price less the fee band (against whatever liquidity is in
 *   the pool, ours included).
 * - **Noise flow**: Poisson arrivals, direction a fair coin, USD sizes from a
 *   Pareto law (heavy tail, index `noiseTailAlpha`), capped; each is an
 *   exact-input swap of the sold token.
 * - **Other LPs**: background liquidity minted at the start (a full-range LP
 *   and concentrated LPs of several widths around the start price), plus
 *   active LPs who re-centre a range on the fair price every few hours
 *   (burn + mint events).
 *
 * The same seed gives the same events, byte for byte. Run through
 * {@link SwapLevelEngine} they become swap-level data through the exact pool;
 * {@link recordMarket} replays them without us and reports every swap.
 *
 * @module
 */
import type { WasmCore, WasmPool } from "../../../core-wasm/mod.ts";
import { SeededRandom } from "../../common/random.ts";
import { amountsForLiquidityF64, floorTick, PriceScale, sqrtAtTick, tickBounds } from "../ticks.ts";
import { arbSwap, toX96 } from "./arb.ts";
import type { SwapObservation } from "./aggregate.ts";
import { type MarketEvent, type PoolConfig, USDC_WETH_005 } from "./types.ts";

/** A volatility regime. */
export interface Regime {
  annualVol: number;
  meanHours: number;
}

/** Synthetic market parameters. */
export interface SyntheticParams {
  seed: number;
  /** Start, unix seconds (default 2024-01-01T00:00:00Z). */
  start: number;
  days: number;
  pool: PoolConfig;
  /** Start base price in quote units. */
  startPrice: number;
  blockSec: number;
  regimes: Regime[];
  jumpsPerDay: number;
  /** Jump size (log) standard deviation. */
  jumpStd: number;
  /** Noise swaps per second. */
  noisePerSec: number;
  /** Minimum (Pareto scale) noise trade in quote units. */
  noiseMinQuote: number;
  noiseTailAlpha: number;
  noiseMaxQuote: number;
  /** Background liquidity value in quote units. */
  backgroundValue: number;
  /** Active LPs that re-centre. */
  activeLps: number;
  activeLpValue: number;
  activeLpWidthTicks: number;
  activeLpEveryHours: number;
}

/** Defaults: a USDC/WETH 0.05% pool around 2000 USDC, one week. */
export const DEFAULT_SYNTHETIC: SyntheticParams = {
  seed: 1,
  start: Date.UTC(2024, 0, 1) / 1000,
  days: 7,
  pool: USDC_WETH_005,
  startPrice: 2000,
  blockSec: 12,
  regimes: [
    { annualVol: 0.35, meanHours: 30 },
    { annualVol: 0.65, meanHours: 18 },
    { annualVol: 1.3, meanHours: 4 },
  ],
  jumpsPerDay: 1,
  jumpStd: 0.01,
  noisePerSec: 0.08,
  noiseMinQuote: 250,
  noiseTailAlpha: 1.4,
  noiseMaxQuote: 2_000_000,
  backgroundValue: 40_000_000,
  activeLps: 4,
  activeLpValue: 2_000_000,
  activeLpWidthTicks: 400,
  activeLpEveryHours: 6,
};

const YEAR = 365 * 86400;

/** Liquidity (raw) that `value` quote units buy over [lower, upper) at `tick`. */
export function liquidityForValue(
  scale: PriceScale,
  tick: number,
  lower: number,
  upper: number,
  value: number,
): bigint {
  const sp = sqrtAtTick(tick);
  const [a0, a1] = amountsForLiquidityF64(sp, lower, upper, 1);
  const price = scale.tickToPrice(tick);
  const perL = scale.value(a0 / scale.unit0, a1 / scale.unit1, price);
  const L = value / perL;
  return BigInt(Math.max(1, Math.floor(L)));
}

/**
 * Creates the pool at the start price with the background liquidity minted.
 * Returns the pool and the initial events already applied.
 */
export function createSyntheticPool(core: WasmCore, params: SyntheticParams): WasmPool {
  const p = params.pool;
  const scale = new PriceScale(p);
  const pool = core.createPool(p.fee, p.tickSpacing);
  const tick0 = Math.round(scale.priceToTick(params.startPrice));
  pool.initialize(core.math.getSqrtRatioAtTick(tick0));
  const s = p.tickSpacing;
  const { min, max } = tickBounds(s);
  const b = floorTick(tick0, s);
  const v = params.backgroundValue;
  pool.mint("bg-full", min, max, liquidityForValue(scale, tick0, min, max, 0.25 * v));
  const widths = [600, 1500, 4000, 10000];
  const shares = [0.2, 0.2, 0.2, 0.15];
  widths.forEach((w, k) => {
    const lo = b - floorTick(w, s);
    const hi = b + floorTick(w, s);
    pool.mint(`bg-${w}`, lo, hi, liquidityForValue(scale, tick0, lo, hi, shares[k] * v));
  });
  return pool;
}

/**
 * The market's events, one batch per hour of market time. Deterministic
 * for a seed.
 */
export function* syntheticEvents(params: SyntheticParams): Generator<MarketEvent[]> {
  const rng = new SeededRandom(params.seed);
  const p = params.pool;
  const scale = new PriceScale(p);
  const s = p.tickSpacing;
  const dt = params.blockSec;
  const end = params.start + params.days * 86400;
  let regime = 1;
  let lnP = Math.log(params.startPrice);
  const active: Array<{ lower: number; upper: number; L: bigint; next: number }> = [];
  for (let k = 0; k < params.activeLps; k++) {
    active.push({
      lower: 0,
      upper: 0,
      L: 0n,
      next: params.start + (k + 0.5) * params.activeLpEveryHours * 3600 / params.activeLps,
    });
  }
  const baseIs0 = p.baseToken === 0;
  let batch: MarketEvent[] = [];
  let batchEnd = params.start + 3600;
  for (let t = params.start + dt; t <= end; t += dt) {
    // regime switch
    const rg = params.regimes[regime];
    if (rng.chance(dt / (rg.meanHours * 3600))) {
      let next = rng.int(0, params.regimes.length - 2);
      if (next >= regime) next++;
      regime = next;
    }
    const sigma = params.regimes[regime].annualVol * Math.sqrt(dt / YEAR);
    lnP += sigma * rng.gaussian() - 0.5 * sigma * sigma;
    if (rng.chance(params.jumpsPerDay * dt / 86400)) lnP += params.jumpStd * rng.gaussian();
    const fair = Math.exp(lnP);
    // noise arrivals in this block, spread uniformly inside it
    const n = poisson(rng, params.noisePerSec * dt);
    const times: number[] = [];
    for (let i = 0; i < n; i++) times.push(t - dt + rng.next() * dt);
    times.sort((a, b) => a - b);
    for (const tt of times) {
      const size = Math.min(
        params.noiseMaxQuote,
        params.noiseMinQuote / Math.pow(1 - rng.next(), 1 / params.noiseTailAlpha),
      );
      const sellBase = rng.chance(0.5);
      // sell base: pay base; buy base: pay quote
      const payToken: 0 | 1 = sellBase ? (baseIs0 ? 0 : 1) : (baseIs0 ? 1 : 0);
      const human = sellBase ? size / fair : size;
      const unit = payToken === 0 ? scale.unit0 : scale.unit1;
      const amount = BigInt(Math.max(1, Math.floor(human * unit)));
      batch.push({ kind: "swap", t: Math.floor(tt), zeroForOne: payToken === 0, amount });
    }
    batch.push({ kind: "arb", t, fairPrice: fair });
    // active LPs re-centre on the fair price
    for (let k = 0; k < active.length; k++) {
      const a = active[k];
      if (t < a.next) continue;
      if (a.L > 0n) {
        batch.push({
          kind: "burn",
          t,
          owner: `lp-${k}`,
          tickLower: a.lower,
          tickUpper: a.upper,
          liquidity: a.L,
        });
      }
      const tick = scale.priceToTick(fair);
      const b = floorTick(tick, s);
      const w = floorTick(params.activeLpWidthTicks * (0.5 + rng.next()), s) + s;
      a.lower = b - w;
      a.upper = b + w;
      a.L = liquidityForValue(scale, tick, a.lower, a.upper, params.activeLpValue);
      batch.push({
        kind: "mint",
        t,
        owner: `lp-${k}`,
        tickLower: a.lower,
        tickUpper: a.upper,
        liquidity: a.L,
      });
      a.next = t + params.activeLpEveryHours * 3600 * (0.75 + 0.5 * rng.next());
    }
    if (t >= batchEnd) {
      yield batch;
      batch = [];
      batchEnd += 3600;
    }
  }
  if (batch.length) yield batch;
}

function poisson(rng: SeededRandom, lambda: number): number {
  const l = Math.exp(-lambda);
  let k = 0;
  let p = rng.next();
  while (p > l) {
    k++;
    p *= rng.next();
  }
  return k;
}

/** Q64.96 sqrt price of a base price (for tests and tools). */
export function sqrtX96ForPrice(scale: PriceScale, price: number): bigint {
  return toX96(sqrtAtTick(scale.priceToTick(price)));
}

/**
 * Replays market events through `pool` with no position of ours (the market
 * as the data would record it), calling `onSwap` after every swap.
 */
export function recordMarket(
  pool: WasmPool,
  batches: Iterable<MarketEvent[]>,
  p: PoolConfig,
  onSwap: (s: SwapObservation) => void,
  arbMinEdge = 0.0001,
): void {
  const scale = new PriceScale(p);
  let sqrtF = Number(pool.slot0().sqrtPriceX96) / 2 ** 96;
  const HUGE = 1n << 200n;
  for (const batch of batches) {
    for (const ev of batch) {
      let r;
      if (ev.kind === "swap") {
        if (ev.amount === 0n) continue;
        r = pool.swap(
          ev.zeroForOne,
          ev.amount,
          ev.limit ??
            (ev.zeroForOne ? 4295128740n : 1461446703485210103287273052203988822378723970341n),
        );
      } else if (ev.kind === "arb") {
        const a = arbSwap(sqrtF, ev.fairPrice, scale, p.fee, arbMinEdge);
        if (!a) continue;
        r = pool.swap(a.zeroForOne, HUGE, a.limit);
      } else {
        if (ev.kind === "mint") pool.mint(ev.owner, ev.tickLower, ev.tickUpper, ev.liquidity);
        else pool.burn(ev.owner, ev.tickLower, ev.tickUpper, ev.liquidity);
        continue;
      }
      sqrtF = Number(r.sqrtPriceX96) / 2 ** 96;
      onSwap({
        t: ev.t,
        amount0: r.amount0,
        amount1: r.amount1,
        tick: r.tick,
        liquidity: r.liquidity,
      });
    }
  }
}
