/**
 * Plain domain types of the order contract, mirroring `proto/order.proto`
 * (`OrderRequest`, `OrderEvent`) field by field but with prices in integer
 * ticks and quantities in integer lots (see `instrument.ts`) instead of
 * decimal strings, and enums as string literals named like the proto values
 * without their prefix (`ORDER_STATUS_FILLED` -> `"FILLED"`). The codec layer
 * maps between the two; nothing here depends on generated code.
 *
 * @example
 * ```ts
 * import type { OrderEvent } from "./types.ts";
 * const ack: OrderEvent = { clientOrderId: "t1-1", venueOrderId: "9001", status: "ACK", tsNs: 1n };
 * console.log(ack.status); // "ACK"
 * ```
 * @module
 */

/** `alp.Side` without UNSPECIFIED. */
export type Side = "BUY" | "SELL";

/** `alp.OrderAction` without UNSPECIFIED. */
export type OrderAction = "NEW" | "CANCEL" | "REPLACE";

/** `alp.OrderType` without UNSPECIFIED. */
export type OrderType = "LIMIT" | "MARKET";

/** `alp.TimeInForce` without UNSPECIFIED. */
export type TimeInForce = "GTC" | "IOC" | "FOK";

/**
 * `alp.OrderStatus` without UNSPECIFIED. NEW: accepted by us, not sent;
 * SENT: sent, no answer; ACK: resting at the venue; then fills; the last four
 * are terminal.
 */
export type OrderStatus =
  | "NEW"
  | "SENT"
  | "ACK"
  | "PARTIALLY_FILLED"
  | "FILLED"
  | "CANCELLED"
  | "REJECTED"
  | "EXPIRED";

/** Every {@link OrderStatus}, in lifecycle order. */
export const ORDER_STATUSES: readonly OrderStatus[] = [
  "NEW",
  "SENT",
  "ACK",
  "PARTIALLY_FILLED",
  "FILLED",
  "CANCELLED",
  "REJECTED",
  "EXPIRED",
];

/** Statuses after which an order never changes again. */
export type TerminalStatus = "FILLED" | "CANCELLED" | "REJECTED" | "EXPIRED";

/**
 * Whether a status is terminal (absorbing).
 *
 * @example
 * ```ts
 * import { isTerminal } from "./types.ts";
 * console.log(isTerminal("CANCELLED"), isTerminal("ACK")); // true false
 * ```
 */
export function isTerminal(status: OrderStatus): status is TerminalStatus {
  return status === "FILLED" || status === "CANCELLED" || status === "REJECTED" ||
    status === "EXPIRED";
}

/**
 * A request to place, cancel or replace an order (`alp.OrderRequest`).
 * `venue`/`symbol` stand for `header.venue`/`header.symbol`.
 */
export interface OrderRequest {
  venue: string;
  symbol: string;
  action: OrderAction;
  /** NEW: the order's id. REPLACE: the replacement's id. CANCEL: the id acted on. */
  clientOrderId: string;
  /** CANCEL and REPLACE: the client order id of the order acted on. */
  origClientOrderId?: string;
  /** CANCEL and REPLACE when known. */
  venueOrderId?: string;
  side: Side;
  type: OrderType;
  timeInForce: TimeInForce;
  postOnly: boolean;
  reduceOnly: boolean;
  /** Limit price in ticks; absent for MARKET and CANCEL. */
  priceTicks?: bigint;
  /** Quantity in lots; absent for CANCEL. */
  lots?: bigint;
  account?: string;
  strategy?: string;
  /** When the request was created (the caller's clock). */
  tsNs: bigint;
}

/**
 * One state change of one order (`alp.OrderEvent`), as reported by the
 * trading engine / venue adapter.
 */
export interface OrderEvent {
  /** `header.venue`; needed only to find an order by `venueOrderId`. */
  venue?: string;
  symbol?: string;
  /** The order's client id (for a replace: the replacement's id). */
  clientOrderId: string;
  venueOrderId?: string;
  status: OrderStatus;
  /** Order price/quantity as now live at the venue (amend confirmations). */
  priceTicks?: bigint;
  lots?: bigint;
  /** The fill this event reports (PARTIALLY_FILLED / FILLED events only). */
  lastFillLots?: bigint;
  lastFillPriceTicks?: bigint;
  /** Venue's total filled so far, checked against ours when present. */
  cumulativeLots?: bigint;
  /** Fee of this fill, decimal string (negative = rebate), and its asset. */
  fee?: string;
  feeAsset?: string;
  /** Venue trade id of the fill; a repeated id is refused as a duplicate. */
  tradeId?: string;
  rejectReason?: string;
  /** Exchange or receive time of the event, ns since epoch. */
  tsNs: bigint;
}

/** One execution of one of our orders, as accepted by the OMS. */
export interface Fill {
  venue: string;
  symbol: string;
  clientOrderId: string;
  venueOrderId?: string;
  side: Side;
  lots: bigint;
  priceTicks: bigint;
  tradeId?: string;
  fee?: string;
  feeAsset?: string;
  tsNs: bigint;
}
