/**
 * The plain-BigInt reference implementation of the Uniswap V3 core math and
 * pool: the readable specification, the oracle for differential tests, and
 * the "plain BigInt TS" comparator in benchmarks.
 *
 * @example
 * ```ts
 * import { referenceImplementation } from "./mod.ts";
 * const pool = referenceImplementation.createPool(3000, 60);
 * pool.initialize(referenceImplementation.math.getSqrtRatioAtTick(0));
 * ```
 *
 * @module
 */
import type { PoolSnapshot, V3Implementation, V3Math, V3Pool } from "../types.ts";
import { mulDiv, mulDivRoundingUp } from "./full_math.ts";
import { getSqrtRatioAtTick, getTickAtSqrtRatio } from "./tick_math.ts";
import {
  getAmount0Delta,
  getAmount0DeltaSigned,
  getAmount1Delta,
  getAmount1DeltaSigned,
  getNextSqrtPriceFromInput,
  getNextSqrtPriceFromOutput,
} from "./sqrt_price_math.ts";
import { computeSwapStep } from "./swap_math.ts";
import { addDelta } from "./liquidity_math.ts";
import {
  getAmountsForLiquidity,
  getLiquidityForAmount0,
  getLiquidityForAmount1,
  getLiquidityForAmounts,
} from "./liquidity_amounts.ts";
import { tickSpacingToMaxLiquidityPerTick } from "./tick.ts";
import { ReferencePool } from "./pool.ts";

export {
  MAX_INT128,
  MAX_INT256,
  MAX_UINT128,
  MAX_UINT160,
  MAX_UINT256,
  MIN_INT128,
  MIN_INT256,
  Q128,
  Q96,
} from "./full_math.ts";
export { MAX_SQRT_RATIO, MAX_TICK, MIN_SQRT_RATIO, MIN_TICK } from "./tick_math.ts";
export { ReferencePool } from "./pool.ts";

/**
 * The stateless math, every function as exported by its module.
 *
 * @example
 * ```ts
 * import { referenceMath } from "./mod.ts";
 * referenceMath.getTickAtSqrtRatio(referenceMath.getSqrtRatioAtTick(-6932)); // -6932
 * ```
 */
export const referenceMath: V3Math = {
  getSqrtRatioAtTick,
  getTickAtSqrtRatio,
  mulDiv,
  mulDivRoundingUp,
  getAmount0Delta,
  getAmount1Delta,
  getAmount0DeltaSigned,
  getAmount1DeltaSigned,
  getNextSqrtPriceFromInput,
  getNextSqrtPriceFromOutput,
  computeSwapStep,
  addDelta,
  getLiquidityForAmount0,
  getLiquidityForAmount1,
  getLiquidityForAmounts,
  getAmountsForLiquidity,
  tickSpacingToMaxLiquidityPerTick,
};

/**
 * The reference implementation as a `V3Implementation` ("bigint-reference").
 *
 * @example
 * ```ts
 * import { referenceImplementation } from "./mod.ts";
 * const pool = referenceImplementation.createPool(500, 10);
 * pool.initialize(2n ** 96n);
 * const copy = referenceImplementation.loadPool(pool.snapshot());
 * copy.slot0().tick; // 0
 * ```
 */
export const referenceImplementation: V3Implementation = {
  name: "bigint-reference",
  math: referenceMath,
  createPool(fee: number, tickSpacing: number): V3Pool {
    return new ReferencePool(fee, tickSpacing);
  },
  loadPool(snapshot: PoolSnapshot): V3Pool {
    return ReferencePool.fromSnapshot(snapshot);
  },
};
