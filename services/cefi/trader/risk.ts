/**
 * The pre-trade risk contract between the OMS and whoever holds positions
 * (the MiniPMS implements it): the OMS describes the order it is about to
 * accept, including the quantity already resting on each side, and the
 * checker answers ok or names the breached limit with its value.
 *
 * @example
 * ```ts
 * import type { RiskChecker } from "./risk.ts";
 * // a checker that refuses anything above 10 lots
 * const small: RiskChecker = {
 *   checkOrder: (i) =>
 *     i.lots <= 10n ? { ok: true } : {
 *       ok: false, breach: "max_position", limit: "10", value: String(i.lots),
 *       message: `order of ${i.lots} lots above 10`,
 *     },
 * };
 * console.log(small.checkOrder({
 *   venue: "v", symbol: "s", side: "BUY", lots: 11n, openBuyLots: 0n, openSellLots: 0n,
 * }).ok); // false
 * ```
 * @module
 */
import type { Side } from "./types.ts";

/** An order the OMS is about to accept. */
export interface RiskIntent {
  venue: string;
  symbol: string;
  side: Side;
  /** Quantity of the new order (for a replace: its remaining quantity). */
  lots: bigint;
  /** Limit price; absent for market orders (the checker values them at its mark). */
  priceTicks?: bigint;
  /** Remaining quantity of our other open buy orders on this instrument. */
  openBuyLots: bigint;
  /** Remaining quantity of our other open sell orders on this instrument. */
  openSellLots: bigint;
  reduceOnly?: boolean;
}

/** Which limit an order would break. */
export type RiskBreach =
  | "max_position"
  | "max_notional"
  | "max_loss"
  | "unknown_instrument"
  | "unpriced";

/** The checker's answer. `limit`/`value` are human-unit decimal strings. */
export type RiskDecision =
  | { ok: true }
  | { ok: false; breach: RiskBreach; limit: string; value: string; message: string };

/** Consulted by the OMS before accepting a new order or a replace. */
export interface RiskChecker {
  checkOrder(intent: RiskIntent): RiskDecision;
}
