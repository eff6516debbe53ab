/**
 * The arbitrageur's rule (shared by the swap engine and the market recorder)
 * and float → Q64.96 conversion.
 *
 * The pool's marginal price net of the fee is p·(1 − f) to a seller of
 * token0 and p/(1 − f) to a buyer; against a fair price F (raw token1 per
 * token0) buying token0 from the pool pays while p/(1 − f) < F, so the
 * arbitrageur pushes p up to F·(1 − f), and symmetrically down to F/(1 − f).
 * It acts only when the pool is `minEdge` beyond that band (its gas).
 *
 * @module
 */
import { MAX_SQRT_RATIO, MIN_SQRT_RATIO } from "../../../core-wasm/mod.ts";
import { LN_TICK, type PriceScale } from "../ticks.ts";

/** Q64.96 from a float sqrt price, clamped inside the valid range. */
export function toX96(sqrtRaw: number): bigint {
  let x = BigInt(Math.floor(sqrtRaw * 2 ** 96));
  if (x <= MIN_SQRT_RATIO) x = MIN_SQRT_RATIO + 1n;
  if (x >= MAX_SQRT_RATIO) x = MAX_SQRT_RATIO - 1n;
  return x;
}

/** Direction and price limit of the arbitrage swap, or null when none pays. */
export function arbSwap(
  sqrtPool: number,
  fairPrice: number,
  scale: PriceScale,
  feePips: number,
  minEdge: number,
): { zeroForOne: boolean; limit: bigint } | null {
  const f = feePips / 1e6;
  const fairSqrt = Math.exp((scale.priceToTick(fairPrice) * LN_TICK) / 2);
  const lo = fairSqrt * Math.sqrt(1 - f);
  const hi = fairSqrt / Math.sqrt(1 - f);
  const e = 1 + minEdge / 2;
  if (sqrtPool < lo / e) return { zeroForOne: false, limit: toX96(lo) };
  if (sqrtPool > hi * e) return { zeroForOne: true, limit: toX96(hi) };
  return null;
}
