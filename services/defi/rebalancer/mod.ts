/**
 * The live rebalancer and its persisted plans.
 *
 * @module
 */
export * from "./plan.ts";
export * from "./rebalancer.ts";
