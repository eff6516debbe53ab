/**
 * Asymmetric LP public API.
 *
 * - Exact Uniswap V3 math and pools in WebAssembly: `loadCore()`.
 * - The same contract in plain BigInt TypeScript: `referenceImplementation`.
 * - Data loaders for swap-event CSV and pool-state JSON.
 *
 * @example
 * ```ts
 * import { loadCore } from "./mod.ts";
 * const core = await loadCore();
 * console.log(core.math.getTickAtSqrtRatio(2n ** 96n)); // 0
 * ```
 * @module
 */
export * from "./core-wasm/mod.ts";
export { referenceImplementation, referenceMath } from "./core-wasm/reference/mod.ts";
export * from "./services/defi/data/swap_events_csv.ts";
export * from "./services/defi/data/pool_state_json.ts";
