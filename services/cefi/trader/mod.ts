/**
 * CeFi trader core: pure order and position bookkeeping (MiniOMS, MiniPMS)
 * and the exact number helpers they share. Re-exports only.
 *
 * @example
 * ```ts
 * import { instrument, MiniOMS, MiniPMS } from "./mod.ts";
 * const pms = new MiniPMS();
 * pms.addInstrument("v", instrument({ symbol: "S", baseAsset: "B", quoteAsset: "Q", tickSize: "1", lotSize: "1" }));
 * const oms = new MiniOMS({ risk: pms });
 * console.log(oms.stats().open); // 0
 * ```
 * @module
 */
export * from "./types.ts";
export * from "./decimal.ts";
export * from "./money.ts";
export * from "./instrument.ts";
export * from "./logger.ts";
export * from "./client_order_id.ts";
export * from "./token_bucket.ts";
export * from "./risk.ts";
export * from "./order_state.ts";
export * from "./position_math.ts";
export * from "./mini_oms.ts";
export * from "./mini_pms.ts";
export * from "./market_data.ts";
export * from "./latency.ts";
export * from "./strategy.ts";
export * from "./container.ts";
