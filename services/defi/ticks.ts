/**
 * Price ↔ tick helpers for one pool, in plain f64 (decisions and reports; the
 * exact math is in core-wasm). Conventions (shared/data/README.md):
 * `1.0001^tick` is token1 per token0 in raw units; the *base* token is the
 * one whose price we quote in the other (the *quote* token), e.g. WETH priced
 * in USDC in a USDC(token0)/WETH(token1) pool.
 *
 * @example
 * ```ts
 * import { PriceScale } from "./ticks.ts";
 * const usdcWeth = new PriceScale({ decimals0: 6, decimals1: 18, baseToken: 1 });
 * usdcWeth.tickToPrice(200000); // ≈ 2061 USDC per WETH
 * usdcWeth.priceToTick(2061.15); // ≈ 200000
 * ```
 * @module
 */

/** ln(1.0001): one tick in log price. */
export const LN_TICK = Math.log(1.0001);
/** The contracts' tick bounds. */
export const MIN_TICK = -887272;
export const MAX_TICK = 887272;

/** Which token is the base (priced) one and the decimals of both. */
export interface TokenPair {
  decimals0: number;
  decimals1: number;
  /** 0 or 1: the token whose price is quoted in the other. */
  baseToken: 0 | 1;
}

/**
 * Human prices (base in quote units) and human amounts for one pool.
 * A higher tick is a higher token0 price, so when the base is token1 a higher
 * tick is a *lower* base price: `baseDir` is +1 or −1 accordingly.
 */
export class PriceScale {
  readonly decimals0: number;
  readonly decimals1: number;
  readonly baseToken: 0 | 1;
  /** +1 when the base price rises with the tick (base = token0), −1 otherwise. */
  readonly baseDir: 1 | -1;
  readonly unit0: number;
  readonly unit1: number;
  readonly #decShift: number;

  constructor(pair: TokenPair) {
    for (const k of ["decimals0", "decimals1"] as const) {
      const d = pair[k];
      if (!Number.isInteger(d) || d < 0 || d > 36) {
        throw new RangeError(`Cannot build a price scale: ${k} ${d} must be an integer in [0, 36]`);
      }
    }
    if (pair.baseToken !== 0 && pair.baseToken !== 1) {
      throw new RangeError(
        `Cannot build a price scale: baseToken ${pair.baseToken} must be 0 or 1`,
      );
    }
    this.decimals0 = pair.decimals0;
    this.decimals1 = pair.decimals1;
    this.baseToken = pair.baseToken;
    this.baseDir = pair.baseToken === 0 ? 1 : -1;
    this.unit0 = 10 ** pair.decimals0;
    this.unit1 = 10 ** pair.decimals1;
    this.#decShift = (pair.decimals0 - pair.decimals1) * Math.LN10;
  }

  /** Base price in quote units at a (possibly fractional) tick. */
  tickToPrice(tick: number): number {
    // ln(token0 price in token1, human) = tick·ln1.0001 + (d0 − d1)·ln10
    const ln0 = tick * LN_TICK + this.#decShift;
    return Math.exp(this.baseDir * ln0);
  }

  /** Fractional tick of a base price. */
  priceToTick(price: number): number {
    if (!(price > 0) || !Number.isFinite(price)) {
      throw new RangeError(`Cannot convert price ${price} to a tick: expected a finite number > 0`);
    }
    return (this.baseDir * Math.log(price) - this.#decShift) / LN_TICK;
  }

  /** Base price from a Q64.96 sqrt price. */
  sqrtX96ToPrice(sqrtPriceX96: bigint): number {
    const s = Number(sqrtPriceX96) / 2 ** 96;
    return this.sqrtToPrice(s);
  }

  /** Base price from a float sqrt(raw token1/token0). */
  sqrtToPrice(sqrtRaw: number): number {
    const raw = sqrtRaw * sqrtRaw;
    const p0 = raw * Math.exp(this.#decShift);
    return this.baseDir === 1 ? p0 : 1 / p0;
  }

  /** Human amount of token `i` from raw units. */
  human(i: 0 | 1, raw: bigint | number): number {
    return Number(raw) / (i === 0 ? this.unit0 : this.unit1);
  }

  /** Value in quote units of human amounts at base price `price`. */
  value(amount0: number, amount1: number, price: number): number {
    return this.baseToken === 1 ? amount0 + amount1 * price : amount0 * price + amount1;
  }

  /** Share of value held in the base token (0..1; 0.5 when empty). */
  baseRatio(amount0: number, amount1: number, price: number): number {
    const v = this.value(amount0, amount1, price);
    if (!(v > 0)) return 0.5;
    const base = this.baseToken === 1 ? amount1 * price : amount0 * price;
    return base / v;
  }
}

/** Largest multiple of `spacing` at or below `tick`. */
export function floorTick(tick: number, spacing: number): number {
  return Math.floor(tick / spacing) * spacing;
}

/** Smallest multiple of `spacing` at or above `tick`. */
export function ceilTick(tick: number, spacing: number): number {
  return Math.ceil(tick / spacing) * spacing;
}

/** Usable tick bounds for a spacing (multiples of it inside [MIN_TICK, MAX_TICK]). */
export function tickBounds(spacing: number): { min: number; max: number } {
  return { min: ceilTick(MIN_TICK, spacing), max: floorTick(MAX_TICK, spacing) };
}

/**
 * Token amounts of a position with liquidity `L` over [lower, upper) at float
 * sqrt price `sqrtP` (raw), as `LiquidityAmounts.getAmountsForLiquidity` but
 * in f64 (for decisions and bar mode; exact amounts come from core-wasm).
 */
export function amountsForLiquidityF64(
  sqrtP: number,
  lower: number,
  upper: number,
  L: number,
): [number, number] {
  const sa = Math.exp((lower * LN_TICK) / 2);
  const sb = Math.exp((upper * LN_TICK) / 2);
  if (sqrtP <= sa) return [L * (sb - sa) / (sa * sb), 0];
  if (sqrtP >= sb) return [0, L * (sb - sa)];
  return [L * (sb - sqrtP) / (sqrtP * sb), L * (sqrtP - sa)];
}

/** A position's float liquidity (raw) and its range's float sqrt prices. */
export interface RangeF64 {
  /** Raw liquidity, f64. */
  lf: number;
  /** sqrt price (raw) at the lower tick. */
  sa: number;
  /** sqrt price (raw) at the upper tick. */
  sb: number;
}

/**
 * Summed raw token amounts of several positions at float sqrt price `sqrtP`
 * (amountsForLiquidityF64 over precomputed range bounds).
 *
 * @example
 * ```ts
 * import { principalF64, sqrtAtTick } from "./ticks.ts";
 * const [raw0, raw1] = principalF64([{ lf: 1e18, sa: sqrtAtTick(-60), sb: sqrtAtTick(60) }], 1);
 * ```
 */
export function principalF64(ranges: Iterable<RangeF64>, sqrtP: number): [number, number] {
  let a0 = 0;
  let a1 = 0;
  for (const p of ranges) {
    if (sqrtP <= p.sa) a0 += p.lf * (p.sb - p.sa) / (p.sa * p.sb);
    else if (sqrtP >= p.sb) a1 += p.lf * (p.sb - p.sa);
    else {
      a0 += p.lf * (p.sb - sqrtP) / (sqrtP * p.sb);
      a1 += p.lf * (sqrtP - p.sa);
    }
  }
  return [a0, a1];
}

/** Largest f64 liquidity that raw amounts `a0`, `a1` fund over [lower, upper) at `sqrtP`. */
export function liquidityForAmountsF64(
  sqrtP: number,
  lower: number,
  upper: number,
  a0: number,
  a1: number,
): number {
  const sa = Math.exp((lower * LN_TICK) / 2);
  const sb = Math.exp((upper * LN_TICK) / 2);
  if (sqrtP <= sa) return a0 * sa * sb / (sb - sa);
  if (sqrtP >= sb) return a1 / (sb - sa);
  const l0 = a0 * sqrtP * sb / (sb - sqrtP);
  const l1 = a1 / (sqrtP - sa);
  return Math.min(l0, l1);
}

/** Float sqrt(raw price) at a tick. */
export function sqrtAtTick(tick: number): number {
  return Math.exp((tick * LN_TICK) / 2);
}
