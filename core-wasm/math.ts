/**
 * The stateless Uniswap V3 math of core.wasm behind the `V3Math` interface:
 * bigint in, bigint out, contract reverts as `V3MathError`.
 *
 * @module
 */
import type { SwapStep, TokenAmounts, V3Math } from "./types.ts";
import {
  checkRange,
  I128_MAX,
  I128_MIN,
  I256_MAX,
  I256_MIN,
  LimbIO,
  statusError,
  U128_MAX,
  U160_MAX,
  U256_MAX,
} from "./_io.ts";
import type { CoreExports } from "./_loader.ts";
import { V3MathError } from "./errors.ts";

/** Lowest tick the contracts allow. */
export const MIN_TICK = -887272;
/** Highest tick the contracts allow. */
export const MAX_TICK = 887272;
/** getSqrtRatioAtTick(MIN_TICK). */
export const MIN_SQRT_RATIO = 4295128739n;
/** getSqrtRatioAtTick(MAX_TICK). */
export const MAX_SQRT_RATIO = 1461446703485210103287273052203988822378723970342n;
/** 2^96, the Q64.96 unit. */
export const Q96 = 1n << 96n;
/** 2^128, the Q128.128 unit. */
export const Q128 = 1n << 128n;

/**
 * V3Math computed by core.wasm.
 *
 * @example
 * ```ts
 * import { loadCore } from "./mod.ts";
 * const { math } = await loadCore();
 * math.getSqrtRatioAtTick(0); // 79228162514264337593543950336n (2^96)
 * ```
 */
export class WasmMath implements V3Math {
  readonly #c: CoreExports;
  readonly #io: LimbIO;

  constructor(core: CoreExports, io: LimbIO) {
    this.#c = core;
    this.#io = io;
  }

  getSqrtRatioAtTick(tick: number): bigint {
    if (!Number.isInteger(tick)) {
      throw new TypeError(`Cannot compute sqrt ratio: tick ${tick} is not an integer`);
    }
    if (tick < MIN_TICK || tick > MAX_TICK) {
      throw new V3MathError("T", "getSqrtRatioAtTick", `tick ${tick} is outside [-887272, 887272]`);
    }
    this.#c.sqrtRatioAtTick(tick);
    this.#io.sync();
    return this.#io.getU(0);
  }

  getTickAtSqrtRatio(sqrtPriceX96: bigint): number {
    if (sqrtPriceX96 < MIN_SQRT_RATIO || sqrtPriceX96 >= MAX_SQRT_RATIO) {
      checkRange("compute tick", "sqrtPriceX96", sqrtPriceX96, 0n, U256_MAX);
      throw new V3MathError(
        "R",
        "getTickAtSqrtRatio",
        `sqrtPriceX96 ${sqrtPriceX96} is outside [${MIN_SQRT_RATIO}, ${MAX_SQRT_RATIO})`,
      );
    }
    const io = this.#io;
    io.put(0, sqrtPriceX96);
    return this.#c.tickAtSqrtRatio();
  }

  mulDiv(a: bigint, b: bigint, denominator: bigint): bigint {
    return this.#mulDiv(a, b, denominator, false);
  }

  mulDivRoundingUp(a: bigint, b: bigint, denominator: bigint): bigint {
    return this.#mulDiv(a, b, denominator, true);
  }

  #mulDiv(a: bigint, b: bigint, d: bigint, up: boolean): bigint {
    const fn = up ? "mulDivRoundingUp" : "mulDiv";
    checkRange(fn, "a", a, 0n, U256_MAX);
    checkRange(fn, "b", b, 0n, U256_MAX);
    checkRange(fn, "denominator", d, 0n, U256_MAX);
    const io = this.#io;
    io.put(0, a);
    io.put(1, b);
    io.put(2, d);
    const s = this.#c.mulDivX(up ? 1 : 0);
    if (s) throw statusError(s, fn, `a=${a}, b=${b}, denominator=${d}`);
    return io.getU(3);
  }

  getAmount0Delta(sqrtA: bigint, sqrtB: bigint, liquidity: bigint, roundUp: boolean): bigint {
    return this.#amountDelta(0, sqrtA, sqrtB, liquidity, roundUp);
  }

  getAmount1Delta(sqrtA: bigint, sqrtB: bigint, liquidity: bigint, roundUp: boolean): bigint {
    return this.#amountDelta(1, sqrtA, sqrtB, liquidity, roundUp);
  }

  #amountDelta(
    token: 0 | 1,
    sqrtA: bigint,
    sqrtB: bigint,
    liquidity: bigint,
    roundUp: boolean,
  ): bigint {
    const fn = `getAmount${token}Delta`;
    checkRange(fn, "sqrtRatioAX96", sqrtA, 0n, U160_MAX);
    checkRange(fn, "sqrtRatioBX96", sqrtB, 0n, U160_MAX);
    checkRange(fn, "liquidity", liquidity, 0n, U128_MAX);
    const io = this.#io;
    io.put(0, sqrtA);
    io.put(1, sqrtB);
    io.put(2, liquidity);
    const s = token === 0
      ? this.#c.amount0Delta(roundUp ? 1 : 0)
      : this.#c.amount1Delta(roundUp ? 1 : 0);
    if (s) throw statusError(s, fn, `sqrtA=${sqrtA}, sqrtB=${sqrtB}, liquidity=${liquidity}`);
    return io.getU(3);
  }

  getAmount0DeltaSigned(sqrtA: bigint, sqrtB: bigint, liquidity: bigint): bigint {
    return this.#amountDeltaSigned(0, sqrtA, sqrtB, liquidity);
  }

  getAmount1DeltaSigned(sqrtA: bigint, sqrtB: bigint, liquidity: bigint): bigint {
    return this.#amountDeltaSigned(1, sqrtA, sqrtB, liquidity);
  }

  #amountDeltaSigned(token: 0 | 1, sqrtA: bigint, sqrtB: bigint, liquidity: bigint): bigint {
    const fn = `getAmount${token}Delta`;
    checkRange(fn, "sqrtRatioAX96", sqrtA, 0n, U160_MAX);
    checkRange(fn, "sqrtRatioBX96", sqrtB, 0n, U160_MAX);
    checkRange(fn, "liquidity", liquidity, I128_MIN, I128_MAX);
    const io = this.#io;
    io.put(0, sqrtA);
    io.put(1, sqrtB);
    io.put(2, liquidity);
    const s = token === 0 ? this.#c.amount0DeltaSigned() : this.#c.amount1DeltaSigned();
    if (s) throw statusError(s, fn, `sqrtA=${sqrtA}, sqrtB=${sqrtB}, liquidity=${liquidity}`);
    return io.getS(3);
  }

  getNextSqrtPriceFromInput(
    sqrtPX96: bigint,
    liquidity: bigint,
    amountIn: bigint,
    zeroForOne: boolean,
  ): bigint {
    return this.#nextPrice(true, sqrtPX96, liquidity, amountIn, zeroForOne);
  }

  getNextSqrtPriceFromOutput(
    sqrtPX96: bigint,
    liquidity: bigint,
    amountOut: bigint,
    zeroForOne: boolean,
  ): bigint {
    return this.#nextPrice(false, sqrtPX96, liquidity, amountOut, zeroForOne);
  }

  #nextPrice(
    input: boolean,
    sqrtPX96: bigint,
    liquidity: bigint,
    amount: bigint,
    zeroForOne: boolean,
  ): bigint {
    const fn = input ? "getNextSqrtPriceFromInput" : "getNextSqrtPriceFromOutput";
    checkRange(fn, "sqrtPX96", sqrtPX96, 0n, U160_MAX);
    checkRange(fn, "liquidity", liquidity, 0n, U128_MAX);
    checkRange(fn, input ? "amountIn" : "amountOut", amount, 0n, U256_MAX);
    const io = this.#io;
    io.put(0, sqrtPX96);
    io.put(1, liquidity);
    io.put(2, amount);
    const z = zeroForOne ? 1 : 0;
    const s = input ? this.#c.nextSqrtPriceFromInput(z) : this.#c.nextSqrtPriceFromOutput(z);
    if (s) {
      throw statusError(
        s,
        fn,
        `sqrtPX96=${sqrtPX96}, liquidity=${liquidity}, amount=${amount}, zeroForOne=${zeroForOne}`,
      );
    }
    return io.getU(3);
  }

  computeSwapStep(
    sqrtRatioCurrentX96: bigint,
    sqrtRatioTargetX96: bigint,
    liquidity: bigint,
    amountRemaining: bigint,
    feePips: number,
  ): SwapStep {
    const fn = "computeSwapStep";
    checkRange(fn, "sqrtRatioCurrentX96", sqrtRatioCurrentX96, 0n, U160_MAX);
    checkRange(fn, "sqrtRatioTargetX96", sqrtRatioTargetX96, 0n, U160_MAX);
    checkRange(fn, "liquidity", liquidity, 0n, U128_MAX);
    checkRange(fn, "amountRemaining", amountRemaining, I256_MIN, I256_MAX);
    if (!Number.isInteger(feePips) || feePips < 0 || feePips >= 1_000_000) {
      throw new RangeError(`Cannot computeSwapStep: feePips ${feePips} is outside [0, 1000000)`);
    }
    const io = this.#io;
    io.put(0, sqrtRatioCurrentX96);
    io.put(1, sqrtRatioTargetX96);
    io.put(2, liquidity);
    io.put(3, amountRemaining);
    const s = this.#c.swapStep(feePips);
    if (s) {
      throw statusError(
        s,
        fn,
        `current=${sqrtRatioCurrentX96}, target=${sqrtRatioTargetX96}, liquidity=${liquidity}, ` +
          `amountRemaining=${amountRemaining}, feePips=${feePips}`,
      );
    }
    return {
      sqrtRatioNextX96: io.getU(4),
      amountIn: io.getU(5),
      amountOut: io.getU(6),
      feeAmount: io.getU(7),
    };
  }

  addDelta(x: bigint, y: bigint): bigint {
    checkRange("addDelta", "x", x, 0n, U128_MAX);
    checkRange("addDelta", "y", y, I128_MIN, I128_MAX);
    const io = this.#io;
    io.put(0, x);
    io.put(1, y);
    const s = this.#c.liquidityAddDelta();
    if (s) throw statusError(s, "addDelta", `x=${x}, y=${y}`);
    return io.getU(2);
  }

  getLiquidityForAmount0(sqrtA: bigint, sqrtB: bigint, amount0: bigint): bigint {
    return this.#liqFor(0, sqrtA, sqrtB, amount0);
  }

  getLiquidityForAmount1(sqrtA: bigint, sqrtB: bigint, amount1: bigint): bigint {
    return this.#liqFor(1, sqrtA, sqrtB, amount1);
  }

  #liqFor(token: 0 | 1, sqrtA: bigint, sqrtB: bigint, amount: bigint): bigint {
    const fn = `getLiquidityForAmount${token}`;
    checkRange(fn, "sqrtRatioAX96", sqrtA, 0n, U160_MAX);
    checkRange(fn, "sqrtRatioBX96", sqrtB, 0n, U160_MAX);
    checkRange(fn, `amount${token}`, amount, 0n, U256_MAX);
    const io = this.#io;
    io.put(0, sqrtA);
    io.put(1, sqrtB);
    io.put(2, amount);
    const s = token === 0 ? this.#c.liquidityForAmount0() : this.#c.liquidityForAmount1();
    if (s) throw statusError(s, fn, `sqrtA=${sqrtA}, sqrtB=${sqrtB}, amount=${amount}`);
    return io.getU(3);
  }

  getLiquidityForAmounts(
    sqrtRatioX96: bigint,
    sqrtA: bigint,
    sqrtB: bigint,
    amount0: bigint,
    amount1: bigint,
  ): bigint {
    const fn = "getLiquidityForAmounts";
    checkRange(fn, "sqrtRatioX96", sqrtRatioX96, 0n, U160_MAX);
    checkRange(fn, "sqrtRatioAX96", sqrtA, 0n, U160_MAX);
    checkRange(fn, "sqrtRatioBX96", sqrtB, 0n, U160_MAX);
    checkRange(fn, "amount0", amount0, 0n, U256_MAX);
    checkRange(fn, "amount1", amount1, 0n, U256_MAX);
    const io = this.#io;
    io.put(0, sqrtRatioX96);
    io.put(1, sqrtA);
    io.put(2, sqrtB);
    io.put(3, amount0);
    io.put(4, amount1);
    const s = this.#c.liquidityForAmounts();
    if (s) {
      throw statusError(
        s,
        fn,
        `sqrtP=${sqrtRatioX96}, sqrtA=${sqrtA}, sqrtB=${sqrtB}, amount0=${amount0}, amount1=${amount1}`,
      );
    }
    return io.getU(5);
  }

  getAmountsForLiquidity(
    sqrtRatioX96: bigint,
    sqrtA: bigint,
    sqrtB: bigint,
    liquidity: bigint,
  ): TokenAmounts {
    const fn = "getAmountsForLiquidity";
    checkRange(fn, "sqrtRatioX96", sqrtRatioX96, 0n, U160_MAX);
    checkRange(fn, "sqrtRatioAX96", sqrtA, 0n, U160_MAX);
    checkRange(fn, "sqrtRatioBX96", sqrtB, 0n, U160_MAX);
    checkRange(fn, "liquidity", liquidity, 0n, U128_MAX);
    const io = this.#io;
    io.put(0, sqrtRatioX96);
    io.put(1, sqrtA);
    io.put(2, sqrtB);
    io.put(3, liquidity);
    const s = this.#c.amountsForLiquidity();
    if (s) {
      throw statusError(
        s,
        fn,
        `sqrtP=${sqrtRatioX96}, sqrtA=${sqrtA}, sqrtB=${sqrtB}, liquidity=${liquidity}`,
      );
    }
    return { amount0: io.getU(4), amount1: io.getU(5) };
  }

  tickSpacingToMaxLiquidityPerTick(tickSpacing: number): bigint {
    if (!Number.isInteger(tickSpacing) || tickSpacing <= 0 || tickSpacing > MAX_TICK) {
      throw new RangeError(
        `Cannot compute maxLiquidityPerTick: tickSpacing ${tickSpacing} is outside [1, 887272]`,
      );
    }
    const s = this.#c.maxLiquidityPerTick(tickSpacing);
    if (s) throw statusError(s, "tickSpacingToMaxLiquidityPerTick", `tickSpacing=${tickSpacing}`);
    this.#io.sync();
    return this.#io.getU(0);
  }
}
