/**
 * The order state machine as one pure function: given an order's current
 * state and an incoming {@link OrderEvent}, say which transition it is or why
 * it is illegal. The MiniOMS applies the answer; nothing here mutates.
 *
 * ```
 *  NEW ──sent──> SENT ──ack──> ACK ──fill──> PARTIALLY_FILLED ──fill──> FILLED
 *   │             │             │                   │
 *   └─────────────┴─────────────┴───────────────────┴──> CANCELLED | EXPIRED
 *   NEW, SENT ──> REJECTED            (fills may also arrive straight from NEW/SENT)
 * ```
 *
 * Side states: `pending` is "cancel" or "replace" while such a request is in
 * flight. With a replace pending, an ACK on an ACK/PARTIALLY_FILLED order is
 * the amend confirmation and a REJECTED is the replace being refused; with a
 * cancel pending, a REJECTED is the cancel being refused. An event repeating
 * NEW or SENT while the order is still there is an echo (no change).
 *
 * Checks, in this order (the first that fails is the reason):
 * 1. `unknown_order`: no such order.
 * 2. fill events (PARTIALLY_FILLED, FILLED): `fill_after_terminal`,
 *    `invalid_fill` (no positive lastFillLots or no price), `duplicate_fill`
 *    (trade id already applied), `overfill` (would exceed the quantity),
 *    `cumulative_mismatch` (venue's cumulative differs from ours + this fill),
 *    `fill_status_mismatch` (FILLED but quantity not reached). A
 *    PARTIALLY_FILLED that completes the quantity is taken as FILLED.
 * 3. other events: `event_after_terminal`, `invalid_fill` (a fill reported on
 *    a non-fill status), then `duplicate_ack` (ACK on ACK, nothing pending)
 *    or `illegal_transition` (any other move the diagram does not have).
 *
 * @example
 * ```ts
 * import { classifyEvent } from "./order_state.ts";
 * const state = { status: "CANCELLED", pending: "none", lots: 5n, filledLots: 0n, hasTrade: () => false } as const;
 * const v = classifyEvent(state, {
 *   clientOrderId: "a", status: "PARTIALLY_FILLED", lastFillLots: 1n, lastFillPriceTicks: 100n, tsNs: 0n,
 * });
 * console.log(v.legal ? "legal" : v.reason); // "fill_after_terminal"
 * ```
 * @module
 */
import { isTerminal, type OrderEvent, type OrderStatus } from "./types.ts";

/** A request in flight against a live order. */
export type PendingAction = "none" | "cancel" | "replace";

/** Why an event was refused (see the module doc for the order of checks). */
export type IllegalReason =
  | "unknown_order"
  | "fill_after_terminal"
  | "event_after_terminal"
  | "invalid_fill"
  | "duplicate_fill"
  | "overfill"
  | "cumulative_mismatch"
  | "fill_status_mismatch"
  | "duplicate_ack"
  | "illegal_transition";

/** Every {@link IllegalReason}. */
export const ILLEGAL_REASONS: readonly IllegalReason[] = [
  "unknown_order",
  "fill_after_terminal",
  "event_after_terminal",
  "invalid_fill",
  "duplicate_fill",
  "overfill",
  "cumulative_mismatch",
  "fill_status_mismatch",
  "duplicate_ack",
  "illegal_transition",
];

/** What the classifier needs to know about an order. */
export interface OrderStateView {
  readonly status: OrderStatus;
  readonly pending: PendingAction;
  readonly lots: bigint;
  readonly filledLots: bigint;
  /** Whether a fill with this venue trade id was already applied. */
  hasTrade(tradeId: string): boolean;
}

/** A legal change. */
export type Transition =
  | { kind: "echo" }
  | { kind: "sent" }
  | { kind: "ack" }
  | { kind: "amend_ack" }
  | {
    kind: "fill";
    status: "PARTIALLY_FILLED" | "FILLED";
    lots: bigint;
    priceTicks: bigint;
    /** Cumulative filled lots after this fill. */
    filledLots: bigint;
  }
  | { kind: "close"; status: "CANCELLED" | "REJECTED" | "EXPIRED" }
  | { kind: "cancel_rejected" }
  | { kind: "replace_rejected" };

/** The classifier's answer. */
export type Verdict =
  | { legal: true; transition: Transition }
  | { legal: false; reason: IllegalReason; detail: string };

function illegal(reason: IllegalReason, detail: string): Verdict {
  return { legal: false, reason, detail };
}

function legal(transition: Transition): Verdict {
  return { legal: true, transition };
}

/**
 * Classifies one event against one order's state (`undefined` = unknown).
 *
 * @example
 * ```ts
 * import { classifyEvent } from "./order_state.ts";
 * const sent = { status: "SENT", pending: "none", lots: 5n, filledLots: 0n, hasTrade: () => false } as const;
 * const v = classifyEvent(sent, { clientOrderId: "a", status: "ACK", tsNs: 0n });
 * console.log(v.legal && v.transition.kind); // "ack"
 * ```
 */
export function classifyEvent(state: OrderStateView | undefined, ev: OrderEvent): Verdict {
  if (state === undefined) {
    return illegal("unknown_order", `${ev.status} for unknown order ${ev.clientOrderId}`);
  }
  const from = state.status;
  if (ev.status === "PARTIALLY_FILLED" || ev.status === "FILLED") {
    if (isTerminal(from)) {
      return illegal("fill_after_terminal", `${ev.status} fill on a ${from} order`);
    }
    const last = ev.lastFillLots;
    if (last === undefined || last <= 0n || ev.lastFillPriceTicks === undefined) {
      return illegal(
        "invalid_fill",
        `${ev.status} needs lastFillLots > 0 and lastFillPriceTicks, got lastFillLots=${last} ` +
          `lastFillPriceTicks=${ev.lastFillPriceTicks}`,
      );
    }
    if (ev.tradeId !== undefined && state.hasTrade(ev.tradeId)) {
      return illegal("duplicate_fill", `trade ${ev.tradeId} already applied`);
    }
    const cum = state.filledLots + last;
    if (cum > state.lots) {
      return illegal(
        "overfill",
        `fill of ${last} lots on ${state.filledLots} filled would exceed quantity ${state.lots}`,
      );
    }
    if (ev.cumulativeLots !== undefined && ev.cumulativeLots !== cum) {
      return illegal(
        "cumulative_mismatch",
        `venue cumulative ${ev.cumulativeLots} != ${state.filledLots} filled + ${last}`,
      );
    }
    if (ev.status === "FILLED" && cum < state.lots) {
      return illegal("fill_status_mismatch", `FILLED at ${cum} of ${state.lots} lots`);
    }
    return legal({
      kind: "fill",
      status: cum === state.lots ? "FILLED" : "PARTIALLY_FILLED",
      lots: last,
      priceTicks: ev.lastFillPriceTicks,
      filledLots: cum,
    });
  }
  if (isTerminal(from)) return illegal("event_after_terminal", `${ev.status} on a ${from} order`);
  if (ev.lastFillLots !== undefined && ev.lastFillLots !== 0n) {
    return illegal(
      "invalid_fill",
      `fill of ${ev.lastFillLots} lots reported on a ${ev.status} event (fills need ` +
        `PARTIALLY_FILLED or FILLED)`,
    );
  }
  const early = from === "NEW" || from === "SENT";
  switch (ev.status) {
    case "NEW":
      if (from === "NEW") return legal({ kind: "echo" });
      break;
    case "SENT":
      if (from === "NEW") return legal({ kind: "sent" });
      if (from === "SENT") return legal({ kind: "echo" });
      break;
    case "ACK":
      if (early) return legal({ kind: "ack" });
      if (state.pending === "replace") return legal({ kind: "amend_ack" });
      if (from === "ACK") {
        return illegal("duplicate_ack", "ACK on an ACK order, no replace pending");
      }
      break;
    case "CANCELLED":
    case "EXPIRED":
      return legal({ kind: "close", status: ev.status });
    case "REJECTED":
      if (early) return legal({ kind: "close", status: "REJECTED" });
      if (state.pending === "replace") return legal({ kind: "replace_rejected" });
      if (state.pending === "cancel") return legal({ kind: "cancel_rejected" });
      break;
  }
  return illegal("illegal_transition", `${from} -> ${ev.status} (pending ${state.pending})`);
}
