/**
 * The contract every implementation of the Uniswap V3 math honours: the WASM
 * core (`core-wasm/mod.ts`) and the plain BigInt reference
 * (`core-wasm/reference/`). Tests run the same cases against both.
 *
 * Units follow the contracts: `...X96` is a Q64.96 fixed-point sqrt price,
 * `...X128` a Q128.128 fee growth, liquidity is uint128, amounts are raw token
 * units. Signed amounts are from the pool's side (positive = paid into the
 * pool), exactly as `UniswapV3Pool.swap` returns them.
 *
 * @module
 */

/** Result of `SwapMath.computeSwapStep`. */
export interface SwapStep {
  /** Price after the step, Q64.96. */
  sqrtRatioNextX96: bigint;
  /** Input paid for the step, excluding the fee. */
  amountIn: bigint;
  /** Output received from the step. */
  amountOut: bigint;
  /** Fee taken on the input. */
  feeAmount: bigint;
}

/** Token amounts (raw units). */
export interface TokenAmounts {
  amount0: bigint;
  amount1: bigint;
}

/** Stateless Uniswap V3 math, named and rounded as in v3-core / v3-periphery. */
export interface V3Math {
  /** TickMath.getSqrtRatioAtTick; throws V3MathError code "T" outside [MIN_TICK, MAX_TICK]. */
  getSqrtRatioAtTick(tick: number): bigint;
  /** TickMath.getTickAtSqrtRatio; throws code "R" outside [MIN_SQRT_RATIO, MAX_SQRT_RATIO). */
  getTickAtSqrtRatio(sqrtPriceX96: bigint): number;
  /** FullMath.mulDiv: floor(a*b/denominator) with a 512-bit intermediate; uint256 inputs. */
  mulDiv(a: bigint, b: bigint, denominator: bigint): bigint;
  /** FullMath.mulDivRoundingUp: ceil(a*b/denominator). */
  mulDivRoundingUp(a: bigint, b: bigint, denominator: bigint): bigint;
  /** SqrtPriceMath.getAmount0Delta(sqrtA, sqrtB, uint128 liquidity, roundUp). */
  getAmount0Delta(
    sqrtRatioAX96: bigint,
    sqrtRatioBX96: bigint,
    liquidity: bigint,
    roundUp: boolean,
  ): bigint;
  /** SqrtPriceMath.getAmount1Delta(sqrtA, sqrtB, uint128 liquidity, roundUp). */
  getAmount1Delta(
    sqrtRatioAX96: bigint,
    sqrtRatioBX96: bigint,
    liquidity: bigint,
    roundUp: boolean,
  ): bigint;
  /** SqrtPriceMath.getAmount0Delta(sqrtA, sqrtB, int128 liquidity) -> int256 (rounds up when adding). */
  getAmount0DeltaSigned(sqrtRatioAX96: bigint, sqrtRatioBX96: bigint, liquidity: bigint): bigint;
  /** SqrtPriceMath.getAmount1Delta(sqrtA, sqrtB, int128 liquidity) -> int256. */
  getAmount1DeltaSigned(sqrtRatioAX96: bigint, sqrtRatioBX96: bigint, liquidity: bigint): bigint;
  /** SqrtPriceMath.getNextSqrtPriceFromInput. */
  getNextSqrtPriceFromInput(
    sqrtPX96: bigint,
    liquidity: bigint,
    amountIn: bigint,
    zeroForOne: boolean,
  ): bigint;
  /** SqrtPriceMath.getNextSqrtPriceFromOutput. */
  getNextSqrtPriceFromOutput(
    sqrtPX96: bigint,
    liquidity: bigint,
    amountOut: bigint,
    zeroForOne: boolean,
  ): bigint;
  /**
   * SwapMath.computeSwapStep. `amountRemaining` is int256: positive = exact
   * input, negative = exact output. `feePips` in hundredths of a bip (3000 = 0.3%).
   */
  computeSwapStep(
    sqrtRatioCurrentX96: bigint,
    sqrtRatioTargetX96: bigint,
    liquidity: bigint,
    amountRemaining: bigint,
    feePips: number,
  ): SwapStep;
  /** LiquidityMath.addDelta(uint128 x, int128 y); codes "LS" (underflow) / "LA" (overflow). */
  addDelta(x: bigint, y: bigint): bigint;
  /** LiquidityAmounts.getLiquidityForAmount0 (periphery; prices in either order). */
  getLiquidityForAmount0(sqrtRatioAX96: bigint, sqrtRatioBX96: bigint, amount0: bigint): bigint;
  /** LiquidityAmounts.getLiquidityForAmount1. */
  getLiquidityForAmount1(sqrtRatioAX96: bigint, sqrtRatioBX96: bigint, amount1: bigint): bigint;
  /** LiquidityAmounts.getLiquidityForAmounts: the most liquidity both amounts allow. */
  getLiquidityForAmounts(
    sqrtRatioX96: bigint,
    sqrtRatioAX96: bigint,
    sqrtRatioBX96: bigint,
    amount0: bigint,
    amount1: bigint,
  ): bigint;
  /** LiquidityAmounts.getAmountsForLiquidity (rounds down, as the periphery does). */
  getAmountsForLiquidity(
    sqrtRatioX96: bigint,
    sqrtRatioAX96: bigint,
    sqrtRatioBX96: bigint,
    liquidity: bigint,
  ): TokenAmounts;
  /** Tick.tickSpacingToMaxLiquidityPerTick. */
  tickSpacingToMaxLiquidityPerTick(tickSpacing: number): bigint;
}

/** Pool price state, as `UniswapV3Pool.slot0` (oracle fields omitted). */
export interface Slot0 {
  sqrtPriceX96: bigint;
  tick: number;
  /** feeProtocol0 + (feeProtocol1 << 4), as in the contract. */
  feeProtocol: number;
}

/** `UniswapV3Pool.ticks(tick)` (oracle fields omitted). */
export interface TickInfo {
  liquidityGross: bigint;
  liquidityNet: bigint;
  feeGrowthOutside0X128: bigint;
  feeGrowthOutside1X128: bigint;
  initialized: boolean;
}

/** `UniswapV3Pool.positions(key)`. */
export interface PositionInfo {
  liquidity: bigint;
  feeGrowthInside0LastX128: bigint;
  feeGrowthInside1LastX128: bigint;
  tokensOwed0: bigint;
  tokensOwed1: bigint;
}

/** What `swap` returns: pool-side deltas plus the state after the swap. */
export interface SwapResult extends TokenAmounts {
  sqrtPriceX96: bigint;
  tick: number;
  liquidity: bigint;
  /** Initialized ticks crossed by this swap. */
  ticksCrossed: number;
}

/** A complete, serialisable pool state (loads a real pool, compares two pools). */
export interface PoolSnapshot {
  fee: number;
  tickSpacing: number;
  sqrtPriceX96: bigint;
  tick: number;
  liquidity: bigint;
  feeGrowthGlobal0X128: bigint;
  feeGrowthGlobal1X128: bigint;
  feeProtocol: number;
  protocolFees0: bigint;
  protocolFees1: bigint;
  /** Initialized ticks, ascending by `tick`. */
  ticks: Array<TickInfo & { tick: number }>;
  /** Positions, in any order; `owner` is an opaque string key. */
  positions: Array<PositionInfo & { owner: string; tickLower: number; tickUpper: number }>;
}

/**
 * A Uniswap V3 pool state machine with the contract's semantics: mint/burn
 * update ticks and positions, swaps cross initialized ticks, fees accrue by
 * fee growth, tokensOwed as in `Position.update`. Token transfers are not
 * modelled: the returned amounts are what the contract would pull or pay.
 */
export interface V3Pool {
  readonly fee: number;
  readonly tickSpacing: number;
  readonly maxLiquidityPerTick: bigint;
  /** UniswapV3Pool.initialize; throws code "AI" when already initialized. */
  initialize(sqrtPriceX96: bigint): void;
  slot0(): Slot0;
  liquidity(): bigint;
  feeGrowthGlobal0X128(): bigint;
  feeGrowthGlobal1X128(): bigint;
  protocolFees(): TokenAmounts;
  /** UniswapV3Pool.setFeeProtocol: each 0 or in [4, 10]. */
  setFeeProtocol(feeProtocol0: number, feeProtocol1: number): void;
  /** UniswapV3Pool.mint: amounts owed to the pool (rounded up). */
  mint(owner: string, tickLower: number, tickUpper: number, amount: bigint): TokenAmounts;
  /** UniswapV3Pool.burn: amounts credited to tokensOwed (rounded down); amount 0 pokes fees. */
  burn(owner: string, tickLower: number, tickUpper: number, amount: bigint): TokenAmounts;
  /** UniswapV3Pool.collect: pays min(requested, owed). */
  collect(
    owner: string,
    tickLower: number,
    tickUpper: number,
    amount0Requested: bigint,
    amount1Requested: bigint,
  ): TokenAmounts;
  /** UniswapV3Pool.swap: amountSpecified > 0 exact input, < 0 exact output. */
  swap(zeroForOne: boolean, amountSpecified: bigint, sqrtPriceLimitX96: bigint): SwapResult;
  /** UniswapV3Pool.ticks(tick); all zero when not initialized. */
  ticks(tick: number): TickInfo;
  /** UniswapV3Pool.positions for (owner, tickLower, tickUpper); zero when absent. */
  positions(owner: string, tickLower: number, tickUpper: number): PositionInfo;
  /** Every initialized tick, ascending. */
  initializedTicks(): number[];
  /** The whole state. */
  snapshot(): PoolSnapshot;
}

/** Builds pools; each implementation provides one. */
export interface V3PoolFactory {
  /** A new, uninitialized pool. */
  createPool(fee: number, tickSpacing: number): V3Pool;
  /** A pool holding exactly the given state (e.g. a real pool read from chain). */
  loadPool(snapshot: PoolSnapshot): V3Pool;
}

/** One implementation of the whole contract, for tests and benchmarks. */
export interface V3Implementation extends V3PoolFactory {
  readonly name: string;
  readonly math: V3Math;
}
