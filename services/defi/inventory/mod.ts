/**
 * Inventory deltas published to the CeFi trader.
 *
 * @module
 */
export * from "./publisher.ts";
