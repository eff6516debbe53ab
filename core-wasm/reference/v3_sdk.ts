/**
 * npm `@uniswap/v3-sdk` (Uniswap's own TypeScript port, JSBI arithmetic) as
 * an external oracle for differential tests and the comparator in
 * benchmarks. Its ESM build uses extension-less relative imports, which Deno
 * rejects, so the CommonJS build is loaded with `createRequire`.
 *
 * @example
 * ```ts
 * import { fromJsbi, v3Sdk } from "./v3_sdk.ts";
 * fromJsbi(v3Sdk.TickMath.getSqrtRatioAtTick(0)); // 2n ** 96n
 * ```
 * @module
 */
import { createRequire } from "node:module";

/** An opaque JSBI value. */
export interface Jsbi {
  toString(): string;
}

/** The JSBI constructor functions used here. */
export interface JsbiStatic {
  BigInt(x: number | string): Jsbi;
}

/** v3-sdk `Pool.swap`'s result. */
export interface SdkSwapState {
  amountCalculated: Jsbi;
  sqrtRatioX96: Jsbi;
  liquidity: Jsbi;
  tickCurrent: number;
}

/** The parts of a v3-sdk `Pool` used here. */
export interface SdkPool {
  readonly sqrtRatioX96: Jsbi;
  readonly liquidity: Jsbi;
  readonly tickCurrent: number;
  swap(zeroForOne: boolean, amountSpecified: Jsbi, sqrtPriceLimitX96?: Jsbi): Promise<SdkSwapState>;
  getOutputAmount(input: unknown, sqrtPriceLimitX96?: Jsbi): Promise<[{ quotient: Jsbi }, SdkPool]>;
  getInputAmount(output: unknown, sqrtPriceLimitX96?: Jsbi): Promise<[{ quotient: Jsbi }, SdkPool]>;
}

/** A tick as v3-sdk's tick data providers take it. */
export interface SdkTick {
  index: number;
  liquidityGross: string;
  liquidityNet: string;
}

/** The parts of `@uniswap/v3-sdk` used here. */
export interface SdkModule {
  TickMath: {
    getSqrtRatioAtTick(tick: number): Jsbi;
    getTickAtSqrtRatio(sqrtRatioX96: Jsbi): number;
  };
  SqrtPriceMath: {
    getAmount0Delta(a: Jsbi, b: Jsbi, liquidity: Jsbi, roundUp: boolean): Jsbi;
    getAmount1Delta(a: Jsbi, b: Jsbi, liquidity: Jsbi, roundUp: boolean): Jsbi;
    getNextSqrtPriceFromInput(p: Jsbi, liquidity: Jsbi, amount: Jsbi, zeroForOne: boolean): Jsbi;
    getNextSqrtPriceFromOutput(p: Jsbi, liquidity: Jsbi, amount: Jsbi, zeroForOne: boolean): Jsbi;
  };
  SwapMath: {
    computeSwapStep(
      current: Jsbi,
      target: Jsbi,
      liquidity: Jsbi,
      amountRemaining: Jsbi,
      feePips: number,
    ): [Jsbi, Jsbi, Jsbi, Jsbi];
  };
  Pool: new (
    tokenA: unknown,
    tokenB: unknown,
    fee: number,
    sqrtRatioX96: string,
    liquidity: string,
    tickCurrent: number,
    ticks: unknown,
  ) => SdkPool;
  TickListDataProvider: new (ticks: SdkTick[], tickSpacing: number) => unknown;
}

/** The parts of `@uniswap/sdk-core` used here. */
export interface SdkCoreModule {
  Token: new (chainId: number, address: string, decimals: number) => unknown;
  CurrencyAmount: { fromRawAmount(token: unknown, raw: string): unknown };
}

const require = createRequire(import.meta.url);

/** `@uniswap/v3-sdk`. */
export const v3Sdk = require("@uniswap/v3-sdk") as SdkModule;
/** `@uniswap/sdk-core`. */
export const sdkCore = require("@uniswap/sdk-core") as SdkCoreModule;
/** `jsbi`, the big-integer library v3-sdk computes with. */
export const JSBI = require("jsbi") as JsbiStatic;

/** bigint -> JSBI. */
export const toJsbi = (x: bigint): Jsbi => JSBI.BigInt(x.toString());
/** JSBI -> bigint. */
export const fromJsbi = (x: Jsbi): bigint => BigInt(x.toString());
