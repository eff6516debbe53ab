/**
 * core.wasm status codes and their contract revert codes.
 *
 * @module
 */

/** Contract revert code for each nonzero core.wasm status (index = status). */
export const STATUS_CODES: readonly string[] = [
  "OK",
  "T",
  "R",
  "OVERFLOW",
  "DIV_ZERO",
  "LS",
  "LA",
  "SPL",
  "AS",
  "LOK",
  "TLU",
  "TLM",
  "TUM",
  "LO",
  "NP",
  "AI",
  "ZERO_AMOUNT",
  "ZERO_PRICE_OR_LIQUIDITY",
  "PRICE_BOUND",
  "FEE_PROTOCOL",
  "BAD_HANDLE",
  "TICK_SPACING",
  "BAD_INPUT",
];

/** What each code means, for error messages. */
export const STATUS_TEXT: Record<string, string> = {
  T: "tick is outside [-887272, 887272]",
  R: "sqrtPriceX96 is outside [MIN_SQRT_RATIO, MAX_SQRT_RATIO)",
  OVERFLOW: "the result does not fit its type",
  DIV_ZERO: "division by zero",
  LS: "liquidity would go below zero",
  LA: "liquidity would exceed uint128",
  SPL: "the price limit is on the wrong side of the current price or beyond MIN/MAX_SQRT_RATIO",
  AS: "amountSpecified is zero",
  LOK: "the pool is not initialized",
  TLU: "tickLower must be below tickUpper",
  TLM: "tickLower is below MIN_TICK",
  TUM: "tickUpper is above MAX_TICK",
  LO: "liquidity per tick would exceed maxLiquidityPerTick",
  NP: "the position has no liquidity",
  AI: "the pool is already initialized",
  ZERO_AMOUNT: "the liquidity amount is zero",
  ZERO_PRICE_OR_LIQUIDITY: "sqrtPX96 and liquidity must be positive",
  PRICE_BOUND: "the amount moves the price past zero or overflows",
  FEE_PROTOCOL: "each protocol fee must be 0 or in [4, 10]",
  BAD_HANDLE: "the pool was freed",
  TICK_SPACING: "tick spacing or tick alignment is invalid",
  BAD_INPUT: "the input state is inconsistent",
};
