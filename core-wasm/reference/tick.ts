/**
 * Tick: per-tick bookkeeping of the pool. How much liquidity one tick may
 * reference, and the fee growth inside a range from the "outside" values the
 * boundary ticks keep. Fee growth is a uint256 that is allowed to wrap, so all
 * differences are taken modulo 2^256.
 *
 * @module
 */
import { V3MathError } from "../errors.ts";
import { MAX_UINT128, MAX_UINT256 } from "./full_math.ts";
import { MAX_TICK, MIN_TICK } from "./tick_math.ts";

/**
 * Tick.tickSpacingToMaxLiquidityPerTick: type(uint128).max divided by the
 * number of usable ticks, so that full-range liquidity can never overflow
 * the pool's uint128 liquidity.
 *
 * @example
 * ```ts
 * import { tickSpacingToMaxLiquidityPerTick } from "./tick.ts";
 * tickSpacingToMaxLiquidityPerTick(60); // 11505743598341114571880798222544994n
 * ```
 */
export function tickSpacingToMaxLiquidityPerTick(tickSpacing: number): bigint {
  if (!Number.isInteger(tickSpacing) || tickSpacing <= 0 || tickSpacing > 8388607) {
    throw new V3MathError(
      "TICK_SPACING",
      "tickSpacingToMaxLiquidityPerTick",
      `tickSpacing ${tickSpacing} is outside [1, 8388607]`,
    );
  }
  // Integer division truncates toward zero, as in Solidity.
  const minTick = Math.trunc(MIN_TICK / tickSpacing) * tickSpacing;
  const maxTick = Math.trunc(MAX_TICK / tickSpacing) * tickSpacing;
  const numTicks = (maxTick - minTick) / tickSpacing + 1;
  return MAX_UINT128 / BigInt(numTicks);
}

const MOD_256 = MAX_UINT256 + 1n;

/**
 * `(a - b) mod 2^256`: uint256 subtraction with wrap-around.
 *
 * @example
 * ```ts
 * import { subU256 } from "./tick.ts";
 * subU256(1n, 2n); // 2n ** 256n - 1n
 * ```
 */
export function subU256(a: bigint, b: bigint): bigint {
  const d = a - b;
  return d < 0n ? d + MOD_256 : d;
}

/**
 * `(a + b) mod 2^256`: uint256 addition with wrap-around.
 *
 * @example
 * ```ts
 * import { addU256 } from "./tick.ts";
 * addU256(2n ** 256n - 1n, 2n); // 1n
 * ```
 */
export function addU256(a: bigint, b: bigint): bigint {
  const s = a + b;
  return s > MAX_UINT256 ? s - MOD_256 : s;
}

/**
 * Tick.getFeeGrowthInside for one token: the fee growth per unit of liquidity
 * accumulated inside [tickLower, tickUpper), from the global growth and the
 * two boundary ticks' "outside" growths, all modulo 2^256.
 *
 * @example
 * ```ts
 * import { getFeeGrowthInside } from "./tick.ts";
 * // Range below the current tick: inside = upper.outside - lower.outside.
 * getFeeGrowthInside(-10, 10, 20, 100n, 5n, 30n); // 25n
 * ```
 */
export function getFeeGrowthInside(
  tickLower: number,
  tickUpper: number,
  tickCurrent: number,
  feeGrowthGlobalX128: bigint,
  lowerOutsideX128: bigint,
  upperOutsideX128: bigint,
): bigint {
  const below = tickCurrent >= tickLower
    ? lowerOutsideX128
    : subU256(feeGrowthGlobalX128, lowerOutsideX128);
  const above = tickCurrent < tickUpper
    ? upperOutsideX128
    : subU256(feeGrowthGlobalX128, upperOutsideX128);
  return subU256(subU256(feeGrowthGlobalX128, below), above);
}
