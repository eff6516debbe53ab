/**
 * LP positions: tick ranges, the position manager, exact valuation.
 *
 * @module
 */
export * from "./range.ts";
export * from "./valuation.ts";
export * from "./manager.ts";
