/**
 * Exact value of a NonfungiblePositionManager position from on-chain state,
 * with core.wasm: principal as `decreaseLiquidity` would return it
 * (`LiquidityAmounts.getAmountsForLiquidity`, rounded down) and uncollected
 * fees as `collect` would pay them: the manager's `tokensOwed` plus
 * `mulDiv(feeGrowthInside − feeGrowthInsideLast, liquidity, 2^128)`, with fee
 * growth inside computed from the pool's ticks exactly as `Tick.getFeeGrowthInside`
 * (uint256 wrap-around arithmetic).
 *
 * @module
 */
import type { WasmMath } from "../../../core-wasm/mod.ts";

const U256 = 1n << 256n;
const Q128 = 1n << 128n;
const U128 = (1n << 128n) - 1n;

/** A position as `NonfungiblePositionManager.positions(tokenId)` returns it. */
export interface NpmPosition {
  tokenId: bigint;
  token0: string;
  token1: string;
  fee: number;
  tickLower: number;
  tickUpper: number;
  liquidity: bigint;
  feeGrowthInside0LastX128: bigint;
  feeGrowthInside1LastX128: bigint;
  tokensOwed0: bigint;
  tokensOwed1: bigint;
}

/** The pool state a valuation needs (one block). */
export interface ValuationState {
  sqrtPriceX96: bigint;
  tick: number;
  feeGrowthGlobal0X128: bigint;
  feeGrowthGlobal1X128: bigint;
  lower: { feeGrowthOutside0X128: bigint; feeGrowthOutside1X128: bigint };
  upper: { feeGrowthOutside0X128: bigint; feeGrowthOutside1X128: bigint };
}

/** Exact amounts of one position. */
export interface PositionValue {
  /** Principal (what a full decrease returns). */
  amount0: bigint;
  amount1: bigint;
  /** Uncollected fees (what collect pays on top of the principal). */
  fees0: bigint;
  fees1: bigint;
}

const sub = (a: bigint, b: bigint) => ((a - b) % U256 + U256) % U256;

/** `Tick.getFeeGrowthInside` for one token. */
export function feeGrowthInside(
  tick: number,
  tickLower: number,
  tickUpper: number,
  global: bigint,
  outsideLower: bigint,
  outsideUpper: bigint,
): bigint {
  const below = tick >= tickLower ? outsideLower : sub(global, outsideLower);
  const above = tick < tickUpper ? outsideUpper : sub(global, outsideUpper);
  return sub(sub(global, below), above);
}

/** See the module doc. */
export function valuePosition(math: WasmMath, p: NpmPosition, s: ValuationState): PositionValue {
  const sa = math.getSqrtRatioAtTick(p.tickLower);
  const sb = math.getSqrtRatioAtTick(p.tickUpper);
  const { amount0, amount1 } = p.liquidity > 0n
    ? math.getAmountsForLiquidity(s.sqrtPriceX96, sa, sb, p.liquidity)
    : { amount0: 0n, amount1: 0n };
  let fees0 = p.tokensOwed0;
  let fees1 = p.tokensOwed1;
  if (p.liquidity > 0n) {
    const in0 = feeGrowthInside(
      s.tick,
      p.tickLower,
      p.tickUpper,
      s.feeGrowthGlobal0X128,
      s.lower.feeGrowthOutside0X128,
      s.upper.feeGrowthOutside0X128,
    );
    const in1 = feeGrowthInside(
      s.tick,
      p.tickLower,
      p.tickUpper,
      s.feeGrowthGlobal1X128,
      s.lower.feeGrowthOutside1X128,
      s.upper.feeGrowthOutside1X128,
    );
    // NonfungiblePositionManager: tokensOwed += uint128(mulDiv(Δgrowth, liquidity, Q128))
    fees0 = (fees0 + math.mulDiv(sub(in0, p.feeGrowthInside0LastX128), p.liquidity, Q128)) & U128;
    fees1 = (fees1 + math.mulDiv(sub(in1, p.feeGrowthInside1LastX128), p.liquidity, Q128)) & U128;
  }
  return { amount0, amount1, fees0, fees1 };
}
