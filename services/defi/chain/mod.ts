/**
 * The Uniswap V3 chain layer on viem: chains and addresses, ABIs from the
 * npm artifacts, the client (retries, fees, nonces, simulation, receipts)
 * and revert decoding.
 *
 * @module
 */
export * from "./abis.ts";
export * from "./chains.ts";
export * from "./client.ts";
export * from "./errors.ts";
export * from "./retry.ts";
