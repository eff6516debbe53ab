/**
 * MiniOMS: the trader's own book of orders. Pure decision code: it turns
 * intents into {@link OrderRequest}s for the caller to send and order events
 * into state changes, and never touches a socket, a clock or a file (every
 * time is a `tsNs` argument).
 *
 * - State machine: see `order_state.ts`. Every illegal event is refused,
 *   logged at warn through the injected {@link TraderLogger} and counted by
 *   reason in {@link OmsStats.illegal}; the order is left untouched.
 * - Client order ids come from an injectable {@link ClientOrderIdGenerator};
 *   an id the OMS already knows is refused.
 * - Replace is a native amend (one REPLACE request, the order keeps its
 *   identity and is renamed to the replacement id when the venue ACKs) or a
 *   cancel-replace (CANCEL of the old order plus a NEW order for the remaining
 *   quantity), per venue ({@link VenueCapabilities.nativeAmend}).
 * - Limits, checked in this order for NEW and REPLACE (cancels are never
 *   limited): in-flight requests (total, per instrument), open orders (total,
 *   per instrument), the optional {@link RiskChecker}, then a per-venue token
 *   bucket (a refused request consumes no token).
 * - {@link MiniOMS.reconcile} aligns the book with the venue's open orders.
 *
 * "In flight" counts, per order, 1 while it is NEW or SENT plus 1 while a
 * cancel or replace is pending. "Open" is every non-terminal order.
 *
 * @example
 * ```ts
 * import { MiniOMS } from "./mini_oms.ts";
 * import { CounterIdGenerator } from "./client_order_id.ts";
 * const oms = new MiniOMS({ ids: new CounterIdGenerator("t1-") });
 * const r = oms.submit({ venue: "binance", symbol: "BTCUSDT", side: "BUY", lots: 5n, priceTicks: 650000n }, 1n);
 * if (!r.ok) throw new Error(r.message);
 * oms.onEvent({ clientOrderId: r.clientOrderId, status: "SENT", tsNs: 2n });
 * oms.onEvent({ clientOrderId: r.clientOrderId, venueOrderId: "88", status: "ACK", tsNs: 3n });
 * const f = oms.onEvent({
 *   clientOrderId: r.clientOrderId, status: "PARTIALLY_FILLED", lastFillLots: 2n,
 *   lastFillPriceTicks: 650000n, tradeId: "T1", tsNs: 4n,
 * });
 * console.log(f.accepted && f.order.status, oms.openOrders().length); // "PARTIALLY_FILLED" 1
 * ```
 * @module
 */
import { type ClientOrderIdGenerator, CounterIdGenerator } from "./client_order_id.ts";
import { silentLogger, type TraderLogger } from "./logger.ts";
import {
  classifyEvent,
  ILLEGAL_REASONS,
  type IllegalReason,
  type PendingAction,
  type Transition,
} from "./order_state.ts";
import type { RiskChecker, RiskDecision } from "./risk.ts";
import { TokenBucket, type TokenBucketOptions } from "./token_bucket.ts";
import {
  type Fill,
  isTerminal,
  type OrderEvent,
  type OrderRequest,
  type OrderStatus,
  type OrderType,
  type Side,
  type TimeInForce,
} from "./types.ts";

/** What a venue's API can do. */
export interface VenueCapabilities {
  /** The venue amends a resting order in place (else replace = cancel + new). */
  nativeAmend: boolean;
}

/** Order limits; an absent limit is not checked. */
export interface OmsLimits {
  maxInFlight?: number;
  maxInFlightPerInstrument?: number;
  maxOpenOrders?: number;
  maxOpenOrdersPerInstrument?: number;
  /** Token bucket per venue for NEW and REPLACE requests. */
  rate?: TokenBucketOptions;
}

/** Options of {@link MiniOMS}. */
export interface MiniOmsOptions {
  /** Default `new CounterIdGenerator("o")`. */
  ids?: ClientOrderIdGenerator;
  /** Default {@link silentLogger}. */
  logger?: TraderLogger;
  /** Capabilities by venue name; unlisted venues have none. */
  venues?: Record<string, Partial<VenueCapabilities>>;
  limits?: OmsLimits;
  /** Consulted before accepting a NEW or REPLACE. */
  risk?: RiskChecker;
  /** How many fills and rejects to keep for queries. Default 10000. */
  historyLimit?: number;
}

/** An order the strategy wants placed. */
export interface NewOrder {
  venue: string;
  symbol: string;
  side: Side;
  /** Quantity in lots, > 0. */
  lots: bigint;
  /** Limit price in ticks; required for LIMIT. */
  priceTicks?: bigint;
  /** Default "LIMIT". */
  type?: OrderType;
  /** Default "GTC". */
  timeInForce?: TimeInForce;
  postOnly?: boolean;
  reduceOnly?: boolean;
  account?: string;
  strategy?: string;
  /** Use this id instead of the generator's (must be new). */
  clientOrderId?: string;
}

/** New price and/or total quantity (including the filled part) of a replace. */
export interface ReplaceParams {
  priceTicks?: bigint;
  lots?: bigint;
}

/** A point-in-time copy of one order. */
export interface Order {
  /** Current id (after an amend: the replacement's id). */
  readonly clientOrderId: string;
  /** Earlier ids of this order (amends), oldest first. */
  readonly previousClientOrderIds: readonly string[];
  readonly venueOrderId?: string;
  readonly venue: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce;
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
  readonly account?: string;
  readonly strategy?: string;
  readonly priceTicks?: bigint;
  /** Total quantity, lots. */
  readonly lots: bigint;
  /** Cumulative filled lots; never decreases, never exceeds `lots`. */
  readonly filledLots: bigint;
  /** Σ fill price × lots of the fills this OMS applied (tick·lot units). */
  readonly filledNotional: bigint;
  readonly fillCount: number;
  readonly status: OrderStatus;
  readonly pending: PendingAction;
  /** The amend in flight, when `pending` is "replace". */
  readonly pendingReplace?: {
    readonly clientOrderId: string;
    readonly priceTicks?: bigint;
    readonly lots: bigint;
  };
  /** Cancel-replace links. */
  readonly replaces?: string;
  readonly replacedBy?: string;
  /** Why it was rejected / cancelled / expired, when known. */
  readonly reason?: string;
  /** Taken over from the venue by reconciliation rather than placed by us. */
  readonly adopted: boolean;
  readonly createdTsNs: bigint;
  readonly updatedTsNs: bigint;
  readonly sentTsNs?: bigint;
}

/** Why the OMS refused an action of the strategy. */
export type RefusalReason =
  | "invalid_order"
  | "duplicate_client_order_id"
  | "max_in_flight"
  | "max_in_flight_instrument"
  | "max_open_orders"
  | "max_open_orders_instrument"
  | "risk"
  | "rate_limited"
  | "unknown_order"
  | "not_cancellable"
  | "not_replaceable"
  | "invalid_replace";

/** Answer to submit / cancel / replace. */
export type ActionResult =
  | {
    ok: true;
    /** The id the order is known by once the action completes. */
    clientOrderId: string;
    order: Order;
    /** What to send, in order (empty when nothing needs sending). */
    requests: OrderRequest[];
  }
  | {
    ok: false;
    reason: RefusalReason;
    message: string;
    /** The checker's answer when `reason` is "risk". */
    risk?: Extract<RiskDecision, { ok: false }>;
  };

/** Answer to an order event. */
export type EventResult =
  | { accepted: true; transition: Transition; order: Order; fill?: Fill }
  | { accepted: false; reason: IllegalReason; message: string };

/** A refused action or a venue REJECTED order, for queries. */
export interface RejectRecord {
  tsNs: bigint;
  source: "oms" | "venue";
  reason: string;
  message: string;
  venue?: string;
  symbol?: string;
  clientOrderId?: string;
}

/** Counters since start. */
export interface OmsStats {
  /** NEW orders accepted (excluding cancel-replace replacements). */
  submitted: number;
  refused: number;
  refusedByReason: Partial<Record<RefusalReason, number>>;
  sent: number;
  acked: number;
  amended: number;
  fills: number;
  filledOrders: number;
  cancelled: number;
  rejected: number;
  expired: number;
  cancelRequests: number;
  replaceRequests: number;
  cancelRejects: number;
  replaceRejects: number;
  adopted: number;
  /** Illegal events by reason. */
  illegal: Record<IllegalReason, number>;
  illegalTotal: number;
  /** Gauges: non-terminal orders and in-flight requests now. */
  open: number;
  inFlight: number;
}

/** Filter of order queries. */
export interface OrderFilter {
  venue?: string;
  symbol?: string;
  side?: Side;
}

/** One open order as the venue reports it (data fetcher at start-up). */
export interface VenueOpenOrder {
  symbol: string;
  venueOrderId: string;
  clientOrderId?: string;
  side: Side;
  type?: OrderType;
  timeInForce?: TimeInForce;
  priceTicks?: bigint;
  lots: bigint;
  filledLots?: bigint;
}

/** What to do with a venue order the OMS does not know. */
export type UnknownOrderAction = "adopt" | "cancel";

/** Options of {@link MiniOMS.reconcile}. */
export interface ReconcileOptions {
  /** Default "cancel". */
  unknownOrders?: UnknownOrderAction | ((o: VenueOpenOrder) => UnknownOrderAction);
  /** Symbols the snapshot covers; our orders elsewhere are left alone. Default: all. */
  symbols?: readonly string[];
  /** A SENT order younger than this may not be visible yet. Default 5 s. */
  inFlightGraceNs?: bigint;
  /** Status for our resting GTC orders missing at the venue. Default "CANCELLED". */
  missingStatus?: "CANCELLED" | "EXPIRED";
}

/** What {@link MiniOMS.reconcile} changed. */
export interface ReconcileReport {
  venue: string;
  tsNs: bigint;
  /** Our orders found open as we had them. */
  confirmed: string[];
  /** Our orders corrected from the venue's view (e.g. "status SENT -> ACK"). */
  updated: { clientOrderId: string; changes: string[] }[];
  /** Our orders whose venue fill exceeds ours: fetch the trades we missed. */
  fillGaps: { clientOrderId: string; missingLots: bigint }[];
  /** Venue orders taken over. */
  adopted: Order[];
  /** Cancels to send for venue orders we do not keep. */
  cancelRequests: OrderRequest[];
  /** Our orders missing at the venue, closed. */
  resolved: { clientOrderId: string; from: OrderStatus; to: OrderStatus; reason: string }[];
  /** SENT orders too young to judge. */
  inFlight: string[];
  /** Disagreements left as they are (see `detail`). */
  conflicts: { clientOrderId?: string; venueOrderId?: string; detail: string }[];
}

interface OrderRecord {
  clientOrderId: string;
  previousClientOrderIds: string[];
  venueOrderId?: string;
  venue: string;
  symbol: string;
  side: Side;
  type: OrderType;
  timeInForce: TimeInForce;
  postOnly: boolean;
  reduceOnly: boolean;
  account?: string;
  strategy?: string;
  priceTicks?: bigint;
  lots: bigint;
  filledLots: bigint;
  filledNotional: bigint;
  fillCount: number;
  status: OrderStatus;
  pending: PendingAction;
  pendingReplace?: { clientOrderId: string; priceTicks?: bigint; lots: bigint };
  replaces?: string;
  replacedBy?: string;
  reason?: string;
  adopted: boolean;
  createdTsNs: bigint;
  updatedTsNs: bigint;
  sentTsNs?: bigint;
  tradeIds: Set<string>;
  hasTrade(tradeId: string): boolean;
}

const DEFAULT_GRACE_NS = 5_000_000_000n;

function snapshot(r: OrderRecord): Order {
  const o: Order = {
    clientOrderId: r.clientOrderId,
    previousClientOrderIds: [...r.previousClientOrderIds],
    venueOrderId: r.venueOrderId,
    venue: r.venue,
    symbol: r.symbol,
    side: r.side,
    type: r.type,
    timeInForce: r.timeInForce,
    postOnly: r.postOnly,
    reduceOnly: r.reduceOnly,
    account: r.account,
    strategy: r.strategy,
    priceTicks: r.priceTicks,
    lots: r.lots,
    filledLots: r.filledLots,
    filledNotional: r.filledNotional,
    fillCount: r.fillCount,
    status: r.status,
    pending: r.pending,
    pendingReplace: r.pendingReplace ? { ...r.pendingReplace } : undefined,
    replaces: r.replaces,
    replacedBy: r.replacedBy,
    reason: r.reason,
    adopted: r.adopted,
    createdTsNs: r.createdTsNs,
    updatedTsNs: r.updatedTsNs,
    sentTsNs: r.sentTsNs,
  };
  return o;
}

function inFlightOf(r: OrderRecord): number {
  return (r.status === "NEW" || r.status === "SENT" ? 1 : 0) + (r.pending !== "none" ? 1 : 0);
}

function matches(r: OrderRecord, f: OrderFilter | undefined): boolean {
  return !f || ((f.venue === undefined || r.venue === f.venue) &&
    (f.symbol === undefined || r.symbol === f.symbol) &&
    (f.side === undefined || r.side === f.side));
}

/** See the module doc. */
export class MiniOMS {
  readonly #ids: ClientOrderIdGenerator;
  readonly #log: TraderLogger;
  readonly #venues: Record<string, Partial<VenueCapabilities>>;
  readonly #limits: OmsLimits;
  readonly #risk: RiskChecker | undefined;
  readonly #historyLimit: number;
  /** Every known order by current client id. */
  readonly #orders = new Map<string, OrderRecord>();
  /** Non-terminal orders. */
  readonly #live = new Set<OrderRecord>();
  /** Other ids (earlier ids, pending replacement ids) -> the order. */
  readonly #aliases = new Map<string, OrderRecord>();
  /** `${venue}\0${venueOrderId}` -> the order. */
  readonly #byVenueId = new Map<string, OrderRecord>();
  readonly #buckets = new Map<string, TokenBucket>();
  #fills: Fill[] = [];
  #rejects: RejectRecord[] = [];
  readonly #stats: Omit<OmsStats, "open" | "inFlight" | "illegal" | "refusedByReason"> = {
    submitted: 0,
    refused: 0,
    sent: 0,
    acked: 0,
    amended: 0,
    fills: 0,
    filledOrders: 0,
    cancelled: 0,
    rejected: 0,
    expired: 0,
    cancelRequests: 0,
    replaceRequests: 0,
    cancelRejects: 0,
    replaceRejects: 0,
    adopted: 0,
    illegalTotal: 0,
  };
  readonly #illegal = Object.fromEntries(ILLEGAL_REASONS.map((r) => [r, 0])) as Record<
    IllegalReason,
    number
  >;
  readonly #refusedBy: Partial<Record<RefusalReason, number>> = {};

  constructor(o: MiniOmsOptions = {}) {
    this.#ids = o.ids ?? new CounterIdGenerator("o");
    this.#log = o.logger ?? silentLogger;
    this.#venues = o.venues ?? {};
    this.#limits = o.limits ?? {};
    this.#risk = o.risk;
    this.#historyLimit = o.historyLimit ?? 10_000;
    if (this.#limits.rate) new TokenBucket(this.#limits.rate); // validate early
  }

  // ---------------------------------------------------------------- actions

  /**
   * Accepts a new order (status NEW) and returns the NEW request to send; the
   * caller reports SENT (an event with status "SENT") once it is on the wire.
   *
   * @example
   * ```ts
   * import { MiniOMS } from "./mini_oms.ts";
   * const oms = new MiniOMS({ limits: { maxOpenOrders: 1 } });
   * const a = oms.submit({ venue: "v", symbol: "s", side: "SELL", lots: 1n, priceTicks: 10n }, 0n);
   * const b = oms.submit({ venue: "v", symbol: "s", side: "SELL", lots: 1n, priceTicks: 11n }, 0n);
   * console.log(a.ok, !b.ok && b.reason); // true "max_open_orders"
   * ```
   */
  submit(o: NewOrder, tsNs: bigint): ActionResult {
    const type = o.type ?? "LIMIT";
    const where = `${o.venue}/${o.symbol}`;
    if (o.lots <= 0n) {
      return this.#refuse("invalid_order", `order on ${where}: lots ${o.lots} is not > 0`, tsNs, o);
    }
    if (type === "LIMIT" && o.priceTicks === undefined) {
      return this.#refuse("invalid_order", `LIMIT order on ${where} has no priceTicks`, tsNs, o);
    }
    if (o.clientOrderId !== undefined) {
      if (o.clientOrderId === "" || this.#find(o.clientOrderId)) {
        return this.#refuse(
          "duplicate_client_order_id",
          `client order id ${JSON.stringify(o.clientOrderId)} on ${where} is empty or in use`,
          tsNs,
          o,
        );
      }
    }
    const cap = this.#capacity(o.venue, o.symbol, 1, 1);
    if (cap) return this.#refuse(cap[0], cap[1], tsNs, o);
    const riskRefusal = this.#checkRisk(o.venue, o.symbol, o.side, o.lots, o.priceTicks, o, tsNs);
    if (riskRefusal) return riskRefusal;
    const id = o.clientOrderId ?? this.#ids.next();
    if (this.#find(id)) {
      return this.#refuse(
        "duplicate_client_order_id",
        `generated client order id ${JSON.stringify(id)} is already in use (reused id prefix?)`,
        tsNs,
        o,
      );
    }
    if (!this.#takeToken(o.venue, tsNs)) {
      return this.#refuse("rate_limited", `order rate limit of ${o.venue} reached`, tsNs, o);
    }
    const r = this.#create(id, o, type, tsNs);
    this.#stats.submitted++;
    return {
      ok: true,
      clientOrderId: id,
      order: snapshot(r),
      requests: [this.#newRequest(r, tsNs)],
    };
  }

  /**
   * Requests a cancel. A NEW (unsent) order is cancelled at once with no
   * request; otherwise the order becomes cancel-pending and the CANCEL request
   * is returned. Cancels are never refused by limits.
   *
   * @example
   * ```ts
   * import { MiniOMS } from "./mini_oms.ts";
   * const oms = new MiniOMS();
   * const r = oms.submit({ venue: "v", symbol: "s", side: "BUY", lots: 1n, priceTicks: 5n }, 0n);
   * if (r.ok) {
   *   const c = oms.cancel(r.clientOrderId, 1n);
   *   console.log(c.ok && c.order.status, c.ok && c.requests.length); // "CANCELLED" 0
   * }
   * ```
   */
  cancel(clientOrderId: string, tsNs: bigint): ActionResult {
    const r = this.#find(clientOrderId);
    if (!r) {
      return this.#refuse("unknown_order", `cannot cancel unknown order ${clientOrderId}`, tsNs);
    }
    if (isTerminal(r.status) || r.pending === "cancel") {
      return this.#refuse(
        "not_cancellable",
        `cannot cancel order ${r.clientOrderId}: it is ${r.status}` +
          (r.pending === "cancel" ? " with a cancel already pending" : ""),
        tsNs,
        r,
      );
    }
    if (r.status === "NEW") {
      this.#close(r, "CANCELLED", "cancelled before it was sent", tsNs);
      return { ok: true, clientOrderId: r.clientOrderId, order: snapshot(r), requests: [] };
    }
    r.pending = "cancel";
    r.pendingReplace = undefined; // a cancel supersedes an amend in flight
    r.updatedTsNs = tsNs;
    this.#stats.cancelRequests++;
    return {
      ok: true,
      clientOrderId: r.clientOrderId,
      order: snapshot(r),
      requests: [this.#cancelRequest(r, tsNs)],
    };
  }

  /**
   * Changes price and/or total quantity of a resting (ACK / PARTIALLY_FILLED)
   * order with nothing pending. Native amend venues get one REPLACE request;
   * others get a CANCEL of the old order and a NEW order for
   * `lots - filledLots` (the result's `order` is then the new order).
   *
   * @example
   * ```ts
   * import { MiniOMS } from "./mini_oms.ts";
   * const oms = new MiniOMS({ venues: { v: { nativeAmend: true } } });
   * const r = oms.submit({ venue: "v", symbol: "s", side: "BUY", lots: 3n, priceTicks: 5n }, 0n);
   * if (r.ok) {
   *   oms.onEvent({ clientOrderId: r.clientOrderId, status: "ACK", tsNs: 1n });
   *   const x = oms.replace(r.clientOrderId, { priceTicks: 6n }, 2n);
   *   console.log(x.ok && x.requests.map((q) => q.action)); // ["REPLACE"]
   * }
   * ```
   */
  replace(clientOrderId: string, p: ReplaceParams, tsNs: bigint): ActionResult {
    const r = this.#find(clientOrderId);
    if (!r) {
      return this.#refuse("unknown_order", `cannot replace unknown order ${clientOrderId}`, tsNs);
    }
    if ((r.status !== "ACK" && r.status !== "PARTIALLY_FILLED") || r.pending !== "none") {
      return this.#refuse(
        "not_replaceable",
        `cannot replace order ${r.clientOrderId}: it is ${r.status} with pending ${r.pending} ` +
          `(needs ACK or PARTIALLY_FILLED, nothing pending)`,
        tsNs,
        r,
      );
    }
    const lots = p.lots ?? r.lots;
    const priceTicks = p.priceTicks ?? r.priceTicks;
    if (lots <= r.filledLots) {
      return this.#refuse(
        "invalid_replace",
        `cannot replace order ${r.clientOrderId}: new lots ${lots} not above filled ${r.filledLots}`,
        tsNs,
        r,
      );
    }
    if (lots === r.lots && priceTicks === r.priceTicks) {
      return this.#refuse(
        "invalid_replace",
        `cannot replace order ${r.clientOrderId}: price ${priceTicks} and lots ${lots} unchanged`,
        tsNs,
        r,
      );
    }
    const amend = this.#venues[r.venue]?.nativeAmend === true;
    const cap = this.#capacity(r.venue, r.symbol, amend ? 1 : 2, 0);
    if (cap) return this.#refuse(cap[0], cap[1], tsNs, r);
    const remaining = lots - r.filledLots;
    const riskRefusal = this.#checkRisk(r.venue, r.symbol, r.side, remaining, priceTicks, r, tsNs);
    if (riskRefusal) return riskRefusal;
    const newId = this.#ids.next();
    if (this.#find(newId)) {
      return this.#refuse(
        "duplicate_client_order_id",
        `generated client order id ${JSON.stringify(newId)} is already in use (reused id prefix?)`,
        tsNs,
        r,
      );
    }
    if (!this.#takeToken(r.venue, tsNs)) {
      return this.#refuse("rate_limited", `order rate limit of ${r.venue} reached`, tsNs, r);
    }
    this.#stats.replaceRequests++;
    r.updatedTsNs = tsNs;
    if (amend) {
      r.pending = "replace";
      r.pendingReplace = { clientOrderId: newId, priceTicks, lots };
      this.#aliases.set(newId, r);
      const req: OrderRequest = {
        ...this.#baseRequest(r, tsNs),
        action: "REPLACE",
        clientOrderId: newId,
        origClientOrderId: r.clientOrderId,
        venueOrderId: r.venueOrderId,
        priceTicks,
        lots,
      };
      return { ok: true, clientOrderId: newId, order: snapshot(r), requests: [req] };
    }
    r.pending = "cancel";
    r.replacedBy = newId;
    this.#stats.cancelRequests++;
    const n = this.#create(newId, { ...r, priceTicks, lots: remaining }, r.type, tsNs);
    n.replaces = r.clientOrderId;
    return {
      ok: true,
      clientOrderId: newId,
      order: snapshot(n),
      requests: [this.#cancelRequest(r, tsNs), this.#newRequest(n, tsNs)],
    };
  }

  // ----------------------------------------------------------------- events

  /**
   * Applies one order event. An illegal event is refused, logged and counted;
   * a legal fill is returned as `fill` for the PMS.
   *
   * @example
   * ```ts
   * import { MiniOMS } from "./mini_oms.ts";
   * const oms = new MiniOMS();
   * const r = oms.onEvent({ clientOrderId: "nope", status: "ACK", tsNs: 0n });
   * console.log(!r.accepted && r.reason, oms.stats().illegal.unknown_order); // "unknown_order" 1
   * ```
   */
  onEvent(ev: OrderEvent): EventResult {
    const r = this.#findForEvent(ev);
    const v = classifyEvent(r, ev);
    if (!v.legal) {
      this.#illegal[v.reason]++;
      this.#stats.illegalTotal++;
      const message = `Refused order event for ${ev.clientOrderId || ev.venueOrderId}: ${v.detail}`;
      this.#log.warn("illegal order event", {
        reason: v.reason,
        clientOrderId: ev.clientOrderId,
        venueOrderId: ev.venueOrderId,
        event: ev.status,
        status: r?.status,
        detail: v.detail,
      });
      return { accepted: false, reason: v.reason, message };
    }
    const rec = r!;
    const t = v.transition;
    rec.updatedTsNs = ev.tsNs;
    if (ev.venueOrderId && !rec.venueOrderId) this.#setVenueOrderId(rec, ev.venueOrderId);
    let fill: Fill | undefined;
    switch (t.kind) {
      case "echo":
        break;
      case "sent":
        rec.status = "SENT";
        rec.sentTsNs = ev.tsNs;
        this.#stats.sent++;
        break;
      case "ack":
        rec.status = "ACK";
        this.#stats.acked++;
        break;
      case "amend_ack":
        this.#applyAmend(rec, ev.priceTicks, ev.lots);
        break;
      case "fill": {
        rec.filledLots = t.filledLots;
        rec.filledNotional += t.lots * t.priceTicks;
        if (ev.tradeId !== undefined) rec.tradeIds.add(ev.tradeId);
        rec.fillCount++;
        fill = {
          venue: rec.venue,
          symbol: rec.symbol,
          clientOrderId: rec.clientOrderId,
          venueOrderId: rec.venueOrderId,
          side: rec.side,
          lots: t.lots,
          priceTicks: t.priceTicks,
          tradeId: ev.tradeId,
          fee: ev.fee,
          feeAsset: ev.feeAsset,
          tsNs: ev.tsNs,
        };
        this.#stats.fills++;
        this.#push(this.#fills, fill);
        if (t.status === "FILLED") this.#close(rec, "FILLED", undefined, ev.tsNs);
        else rec.status = "PARTIALLY_FILLED";
        break;
      }
      case "close":
        if (t.status === "REJECTED") {
          this.#push(this.#rejects, {
            tsNs: ev.tsNs,
            source: "venue",
            reason: "venue_rejected",
            message: ev.rejectReason ?? "",
            venue: rec.venue,
            symbol: rec.symbol,
            clientOrderId: rec.clientOrderId,
          });
        }
        this.#close(rec, t.status, ev.rejectReason, ev.tsNs);
        break;
      case "cancel_rejected":
        this.#stats.cancelRejects++;
        rec.pending = "none";
        this.#log.info("cancel rejected", {
          clientOrderId: rec.clientOrderId,
          reason: ev.rejectReason,
        });
        break;
      case "replace_rejected":
        this.#stats.replaceRejects++;
        rec.pending = "none";
        rec.pendingReplace = undefined;
        this.#log.info("replace rejected", {
          clientOrderId: rec.clientOrderId,
          reason: ev.rejectReason,
        });
        break;
    }
    return { accepted: true, transition: t, order: snapshot(rec), fill };
  }

  // ---------------------------------------------------------------- queries

  /**
   * One order by any of its client ids (current, earlier, pending replacement).
   *
   * @example
   * ```ts
   * import { MiniOMS } from "./mini_oms.ts";
   * console.log(new MiniOMS().order("x")); // undefined
   * ```
   */
  order(clientOrderId: string): Order | undefined {
    const r = this.#find(clientOrderId);
    return r && snapshot(r);
  }

  /**
   * Non-terminal orders, oldest first, optionally by venue/symbol/side.
   *
   * @example
   * ```ts
   * import { MiniOMS } from "./mini_oms.ts";
   * const oms = new MiniOMS();
   * oms.submit({ venue: "v", symbol: "s", side: "BUY", lots: 1n, priceTicks: 5n }, 0n);
   * console.log(oms.openOrders({ side: "SELL" }).length); // 0
   * ```
   */
  openOrders(filter?: OrderFilter): Order[] {
    const out: Order[] = [];
    for (const r of this.#live) if (matches(r, filter)) out.push(snapshot(r));
    return out;
  }

  /**
   * Requests in flight (see the module doc), optionally by venue/symbol/side.
   *
   * @example
   * ```ts
   * import { MiniOMS } from "./mini_oms.ts";
   * const oms = new MiniOMS();
   * oms.submit({ venue: "v", symbol: "s", side: "BUY", lots: 1n, priceTicks: 5n }, 0n);
   * console.log(oms.inFlightCount({ symbol: "s" })); // 1
   * ```
   */
  inFlightCount(filter?: OrderFilter): number {
    let n = 0;
    for (const r of this.#live) if (matches(r, filter)) n += inFlightOf(r);
    return n;
  }

  /**
   * Remaining (unfilled) lots of open orders per side.
   *
   * @example
   * ```ts
   * import { MiniOMS } from "./mini_oms.ts";
   * const oms = new MiniOMS();
   * oms.submit({ venue: "v", symbol: "s", side: "BUY", lots: 4n, priceTicks: 5n }, 0n);
   * console.log(oms.openLots("v", "s")); // { buy: 4n, sell: 0n }
   * ```
   */
  openLots(venue: string, symbol: string): { buy: bigint; sell: bigint } {
    return this.#openLots(venue, symbol, undefined);
  }

  /**
   * Fills applied (the last `historyLimit`), oldest first.
   *
   * @example
   * ```ts
   * import { MiniOMS } from "./mini_oms.ts";
   * console.log(new MiniOMS().fills({ symbol: "s" })); // []
   * ```
   */
  fills(filter?: { venue?: string; symbol?: string; clientOrderId?: string }): Fill[] {
    return this.#fills.filter((f) =>
      !filter ||
      ((filter.venue === undefined || f.venue === filter.venue) &&
        (filter.symbol === undefined || f.symbol === filter.symbol) &&
        (filter.clientOrderId === undefined || f.clientOrderId === filter.clientOrderId))
    );
  }

  /**
   * Refused actions and venue rejects (the last `historyLimit`), oldest first.
   *
   * @example
   * ```ts
   * import { MiniOMS } from "./mini_oms.ts";
   * const oms = new MiniOMS();
   * oms.submit({ venue: "v", symbol: "s", side: "BUY", lots: 0n, priceTicks: 5n }, 0n);
   * console.log(oms.rejects()[0].reason); // "invalid_order"
   * ```
   */
  rejects(): RejectRecord[] {
    return [...this.#rejects];
  }

  /**
   * Counters and gauges.
   *
   * @example
   * ```ts
   * import { MiniOMS } from "./mini_oms.ts";
   * console.log(new MiniOMS().stats().illegalTotal); // 0
   * ```
   */
  stats(): OmsStats {
    let inFlight = 0;
    for (const r of this.#live) inFlight += inFlightOf(r);
    return {
      ...this.#stats,
      refusedByReason: { ...this.#refusedBy },
      illegal: { ...this.#illegal },
      open: this.#live.size,
      inFlight,
    };
  }

  /**
   * Forgets terminal orders last updated before `beforeTsNs`; returns how
   * many. Events for them then count as `unknown_order`.
   *
   * @example
   * ```ts
   * import { MiniOMS } from "./mini_oms.ts";
   * console.log(new MiniOMS().prune(10n)); // 0
   * ```
   */
  prune(beforeTsNs: bigint): number {
    let n = 0;
    for (const [id, r] of this.#orders) {
      if (!isTerminal(r.status) || r.updatedTsNs >= beforeTsNs) continue;
      this.#orders.delete(id);
      for (const old of r.previousClientOrderIds) this.#aliases.delete(old);
      if (r.venueOrderId) this.#byVenueId.delete(`${r.venue}\0${r.venueOrderId}`);
      n++;
    }
    for (const [id, r] of this.#aliases) {
      if (!this.#orders.has(r.clientOrderId)) this.#aliases.delete(id);
    }
    return n;
  }

  // --------------------------------------------------------- reconciliation

  /**
   * Aligns the book of one venue with the venue's list of open orders (the
   * data fetcher's answer at start-up or after a reconnect):
   *
   * - our orders found there: SENT becomes ACK, venue order id, price,
   *   quantity and a larger venue fill are taken over (a fill gap is reported:
   *   fetch the missed trades for the PMS); a smaller venue fill is a conflict;
   * - venue orders we do not know: adopted (status ACK / PARTIALLY_FILLED,
   *   `adopted: true`) or cancelled (a CANCEL request by venue order id), per
   *   `unknownOrders`; venue orders we hold as terminal are cancelled and
   *   reported as conflicts;
   * - our live orders missing there (within `symbols`): a pending cancel
   *   becomes CANCELLED, IOC/FOK orders EXPIRED, others `missingStatus`; a
   *   SENT order older than `inFlightGraceNs` EXPIRED; younger ones and NEW
   *   orders are left alone.
   *
   * @example
   * ```ts
   * import { MiniOMS } from "./mini_oms.ts";
   * const oms = new MiniOMS();
   * const rep = oms.reconcile("v", [
   *   { symbol: "s", venueOrderId: "77", side: "SELL", priceTicks: 9n, lots: 2n },
   * ], 0n, { unknownOrders: "adopt" });
   * console.log(rep.adopted[0].status, oms.openOrders().length); // "ACK" 1
   * ```
   */
  reconcile(
    venue: string,
    venueOrders: readonly VenueOpenOrder[],
    tsNs: bigint,
    opts: ReconcileOptions = {},
  ): ReconcileReport {
    const rep: ReconcileReport = {
      venue,
      tsNs,
      confirmed: [],
      updated: [],
      fillGaps: [],
      adopted: [],
      cancelRequests: [],
      resolved: [],
      inFlight: [],
      conflicts: [],
    };
    const policy = opts.unknownOrders ?? "cancel";
    const seen = new Set<OrderRecord>();
    for (const vo of venueOrders) {
      let r = vo.clientOrderId ? this.#find(vo.clientOrderId) : undefined;
      if (r && r.venue !== venue) r = undefined;
      r ??= this.#byVenueId.get(`${venue}\0${vo.venueOrderId}`);
      const vf = vo.filledLots ?? 0n;
      if (vo.lots <= 0n || vf < 0n || vf >= vo.lots) {
        rep.conflicts.push({
          clientOrderId: r?.clientOrderId ?? vo.clientOrderId,
          venueOrderId: vo.venueOrderId,
          detail: `venue open order has lots ${vo.lots} and filled ${vf} (need 0 <= filled < lots)`,
        });
        if (r) seen.add(r); // it exists at the venue: not "missing"
        continue;
      }
      if (!r) {
        const action = typeof policy === "function" ? policy(vo) : policy;
        if (action === "adopt") {
          const a = this.#adopt(venue, vo, tsNs);
          seen.add(a);
          rep.adopted.push(snapshot(a));
        } else rep.cancelRequests.push(this.#externalCancel(venue, vo, tsNs));
        continue;
      }
      if (isTerminal(r.status)) {
        rep.conflicts.push({
          clientOrderId: r.clientOrderId,
          venueOrderId: vo.venueOrderId,
          detail: `open at the venue but ${r.status} here; cancelling it`,
        });
        rep.cancelRequests.push(this.#externalCancel(venue, vo, tsNs));
        continue;
      }
      if (r.symbol !== vo.symbol || r.side !== vo.side) {
        rep.conflicts.push({
          clientOrderId: r.clientOrderId,
          venueOrderId: vo.venueOrderId,
          detail: `venue has ${vo.side} ${vo.symbol}, we have ${r.side} ${r.symbol}; left as is`,
        });
        seen.add(r);
        continue;
      }
      seen.add(r);
      this.#reconcileKnown(r, vo, tsNs, rep);
    }
    const scope = opts.symbols ? new Set(opts.symbols) : undefined;
    const grace = opts.inFlightGraceNs ?? DEFAULT_GRACE_NS;
    for (const r of [...this.#live]) {
      if (r.venue !== venue || seen.has(r) || (scope && !scope.has(r.symbol))) continue;
      if (r.status === "NEW") continue;
      const from = r.status;
      let to: "CANCELLED" | "EXPIRED";
      let reason: string;
      if (r.status === "SENT" && tsNs - (r.sentTsNs ?? r.createdTsNs) < grace) {
        rep.inFlight.push(r.clientOrderId);
        continue;
      } else if (r.pending === "cancel") {
        to = "CANCELLED";
        reason = "reconciliation: not open at the venue, cancel was pending";
      } else if (r.status === "SENT") {
        to = "EXPIRED";
        reason = `reconciliation: sent but not open at the venue after ${grace} ns`;
      } else if (r.timeInForce !== "GTC") {
        to = "EXPIRED";
        reason = `reconciliation: ${r.timeInForce} order not open at the venue`;
      } else {
        to = opts.missingStatus ?? "CANCELLED";
        reason = "reconciliation: not open at the venue (cancelled or filled while we were " +
          "not listening; check trade history)";
      }
      this.#close(r, to, reason, tsNs);
      rep.resolved.push({ clientOrderId: r.clientOrderId, from, to, reason });
    }
    this.#log.info("reconciled open orders", {
      venue,
      confirmed: rep.confirmed.length,
      updated: rep.updated.length,
      adopted: rep.adopted.length,
      cancels: rep.cancelRequests.length,
      resolved: rep.resolved.length,
      conflicts: rep.conflicts.length,
    });
    return rep;
  }

  // -------------------------------------------------------------- internals

  #find(id: string): OrderRecord | undefined {
    return this.#orders.get(id) ?? this.#aliases.get(id);
  }

  #findForEvent(ev: OrderEvent): OrderRecord | undefined {
    const r = ev.clientOrderId ? this.#find(ev.clientOrderId) : undefined;
    if (r || !ev.venue || !ev.venueOrderId) return r;
    return this.#byVenueId.get(`${ev.venue}\0${ev.venueOrderId}`);
  }

  #setVenueOrderId(r: OrderRecord, venueOrderId: string): void {
    r.venueOrderId = venueOrderId;
    this.#byVenueId.set(`${r.venue}\0${venueOrderId}`, r);
  }

  #create(
    id: string,
    o: Omit<NewOrder, "type" | "clientOrderId">,
    type: OrderType,
    tsNs: bigint,
  ): OrderRecord {
    const tradeIds = new Set<string>();
    const r: OrderRecord = {
      clientOrderId: id,
      previousClientOrderIds: [],
      venue: o.venue,
      symbol: o.symbol,
      side: o.side,
      type,
      timeInForce: o.timeInForce ?? "GTC",
      postOnly: o.postOnly ?? false,
      reduceOnly: o.reduceOnly ?? false,
      account: o.account,
      strategy: o.strategy,
      priceTicks: type === "MARKET" ? undefined : o.priceTicks,
      lots: o.lots,
      filledLots: 0n,
      filledNotional: 0n,
      fillCount: 0,
      status: "NEW",
      pending: "none",
      adopted: false,
      createdTsNs: tsNs,
      updatedTsNs: tsNs,
      tradeIds,
      hasTrade: (t) => tradeIds.has(t),
    };
    this.#orders.set(id, r);
    this.#live.add(r);
    return r;
  }

  #close(
    r: OrderRecord,
    status: "FILLED" | "CANCELLED" | "REJECTED" | "EXPIRED",
    reason: string | undefined,
    tsNs: bigint,
  ): void {
    r.status = status;
    r.pending = "none";
    r.pendingReplace = undefined; // its alias stays: late events for it find this order
    if (reason) r.reason = reason;
    r.updatedTsNs = tsNs;
    this.#live.delete(r);
    if (status === "FILLED") this.#stats.filledOrders++;
    else if (status === "CANCELLED") this.#stats.cancelled++;
    else if (status === "REJECTED") this.#stats.rejected++;
    else this.#stats.expired++;
  }

  #applyAmend(r: OrderRecord, priceTicks: bigint | undefined, lots: bigint | undefined): void {
    const p = r.pendingReplace!;
    const oldId = r.clientOrderId;
    this.#orders.delete(oldId);
    this.#aliases.delete(p.clientOrderId);
    r.previousClientOrderIds.push(oldId);
    this.#aliases.set(oldId, r);
    r.clientOrderId = p.clientOrderId;
    this.#orders.set(r.clientOrderId, r);
    r.priceTicks = priceTicks ?? p.priceTicks;
    const newLots = lots ?? p.lots;
    // the venue never amends below what is filled; keep the invariant if it claims so
    r.lots = newLots > r.filledLots ? newLots : r.filledLots;
    r.pending = "none";
    r.pendingReplace = undefined;
    this.#stats.amended++;
    if (r.filledLots === r.lots) {
      this.#close(r, "FILLED", "amended down to the filled quantity", r.updatedTsNs);
    }
  }

  #openLots(venue: string, symbol: string, except: OrderRecord | undefined) {
    let buy = 0n;
    let sell = 0n;
    for (const r of this.#live) {
      if (r === except || r.venue !== venue || r.symbol !== symbol) continue;
      if (r.side === "BUY") buy += r.lots - r.filledLots;
      else sell += r.lots - r.filledLots;
    }
    return { buy, sell };
  }

  #capacity(
    venue: string,
    symbol: string,
    addInFlight: number,
    addOpen: number,
  ): [RefusalReason, string] | undefined {
    const L = this.#limits;
    let inFlight = 0;
    let inFlightHere = 0;
    let openHere = 0;
    for (const r of this.#live) {
      const f = inFlightOf(r);
      inFlight += f;
      if (r.venue === venue && r.symbol === symbol) {
        inFlightHere += f;
        openHere++;
      }
    }
    const where = `${venue}/${symbol}`;
    if (L.maxInFlight !== undefined && inFlight + addInFlight > L.maxInFlight) {
      return ["max_in_flight", `${inFlight} requests in flight, limit ${L.maxInFlight}`];
    }
    if (
      L.maxInFlightPerInstrument !== undefined &&
      inFlightHere + addInFlight > L.maxInFlightPerInstrument
    ) {
      return [
        "max_in_flight_instrument",
        `${inFlightHere} requests in flight on ${where}, limit ${L.maxInFlightPerInstrument}`,
      ];
    }
    if (L.maxOpenOrders !== undefined && this.#live.size + addOpen > L.maxOpenOrders) {
      return ["max_open_orders", `${this.#live.size} open orders, limit ${L.maxOpenOrders}`];
    }
    if (
      L.maxOpenOrdersPerInstrument !== undefined &&
      openHere + addOpen > L.maxOpenOrdersPerInstrument
    ) {
      return [
        "max_open_orders_instrument",
        `${openHere} open orders on ${where}, limit ${L.maxOpenOrdersPerInstrument}`,
      ];
    }
    return undefined;
  }

  #checkRisk(
    venue: string,
    symbol: string,
    side: Side,
    lots: bigint,
    priceTicks: bigint | undefined,
    ctx: NewOrder | OrderRecord,
    tsNs: bigint,
  ): ActionResult | undefined {
    if (!this.#risk) return undefined;
    const except = "tradeIds" in ctx ? ctx : undefined;
    const open = this.#openLots(venue, symbol, except);
    const d = this.#risk.checkOrder({
      venue,
      symbol,
      side,
      lots,
      priceTicks,
      openBuyLots: open.buy,
      openSellLots: open.sell,
      reduceOnly: ctx.reduceOnly,
    });
    if (d.ok) return undefined;
    const res = this.#refuse(
      "risk",
      `${side} ${lots} lots on ${venue}/${symbol} breaches ${d.breach}: ${d.message}`,
      tsNs,
      ctx,
    );
    if (!res.ok) res.risk = d;
    return res;
  }

  #takeToken(venue: string, tsNs: bigint): boolean {
    const rate = this.#limits.rate;
    if (!rate) return true;
    let b = this.#buckets.get(venue);
    if (!b) this.#buckets.set(venue, b = new TokenBucket(rate));
    return b.tryTake(tsNs);
  }

  #refuse(
    reason: RefusalReason,
    message: string,
    tsNs: bigint,
    ctx?: { venue: string; symbol: string; clientOrderId?: string },
  ): ActionResult {
    this.#stats.refused++;
    this.#refusedBy[reason] = (this.#refusedBy[reason] ?? 0) + 1;
    this.#push(this.#rejects, {
      tsNs,
      source: "oms",
      reason,
      message,
      venue: ctx?.venue,
      symbol: ctx?.symbol,
      clientOrderId: ctx?.clientOrderId,
    });
    this.#log.debug("order action refused", { reason, message });
    return { ok: false, reason, message };
  }

  #push<T>(list: T[], item: T): void {
    list.push(item);
    if (list.length > this.#historyLimit + (this.#historyLimit >> 2)) {
      list.splice(0, list.length - this.#historyLimit);
    }
  }

  #baseRequest(r: OrderRecord, tsNs: bigint) {
    return {
      venue: r.venue,
      symbol: r.symbol,
      side: r.side,
      type: r.type,
      timeInForce: r.timeInForce,
      postOnly: r.postOnly,
      reduceOnly: r.reduceOnly,
      account: r.account,
      strategy: r.strategy,
      tsNs,
    };
  }

  #newRequest(r: OrderRecord, tsNs: bigint): OrderRequest {
    return {
      ...this.#baseRequest(r, tsNs),
      action: "NEW",
      clientOrderId: r.clientOrderId,
      priceTicks: r.priceTicks,
      lots: r.lots,
    };
  }

  #cancelRequest(r: OrderRecord, tsNs: bigint): OrderRequest {
    return {
      ...this.#baseRequest(r, tsNs),
      action: "CANCEL",
      clientOrderId: r.clientOrderId,
      origClientOrderId: r.clientOrderId,
      venueOrderId: r.venueOrderId,
    };
  }

  #externalCancel(venue: string, vo: VenueOpenOrder, tsNs: bigint): OrderRequest {
    this.#stats.cancelRequests++;
    return {
      venue,
      symbol: vo.symbol,
      action: "CANCEL",
      clientOrderId: vo.clientOrderId ?? "",
      origClientOrderId: vo.clientOrderId,
      venueOrderId: vo.venueOrderId,
      side: vo.side,
      type: vo.type ?? "LIMIT",
      timeInForce: vo.timeInForce ?? "GTC",
      postOnly: false,
      reduceOnly: false,
      tsNs,
    };
  }

  #adopt(venue: string, vo: VenueOpenOrder, tsNs: bigint): OrderRecord {
    let id = vo.clientOrderId;
    if (!id || this.#find(id)) id = this.#ids.next();
    const r = this.#create(id, { ...vo, venue }, vo.type ?? "LIMIT", tsNs);
    r.adopted = true;
    r.filledLots = vo.filledLots ?? 0n;
    r.status = r.filledLots > 0n ? "PARTIALLY_FILLED" : "ACK";
    r.sentTsNs = tsNs;
    this.#setVenueOrderId(r, vo.venueOrderId);
    this.#stats.adopted++;
    return r;
  }

  #reconcileKnown(r: OrderRecord, vo: VenueOpenOrder, tsNs: bigint, rep: ReconcileReport): void {
    const changes: string[] = [];
    if (!r.venueOrderId) {
      this.#setVenueOrderId(r, vo.venueOrderId);
      changes.push(`venueOrderId -> ${vo.venueOrderId}`);
    }
    if (r.status === "NEW" || r.status === "SENT") {
      changes.push(`status ${r.status} -> ACK`);
      r.status = "ACK";
      r.sentTsNs ??= tsNs;
      this.#stats.acked++;
    }
    const p = r.pendingReplace;
    if (
      r.pending === "replace" && p && p.lots === vo.lots &&
      (vo.priceTicks === undefined || vo.priceTicks === p.priceTicks)
    ) {
      changes.push(`amend confirmed as ${p.clientOrderId}`);
      this.#applyAmend(r, vo.priceTicks, vo.lots);
    }
    const vf = vo.filledLots ?? 0n;
    if (vf > r.filledLots) {
      rep.fillGaps.push({ clientOrderId: r.clientOrderId, missingLots: vf - r.filledLots });
      changes.push(`filled ${r.filledLots} -> ${vf}`);
      r.filledLots = vf;
    } else if (vf < r.filledLots) {
      rep.conflicts.push({
        clientOrderId: r.clientOrderId,
        venueOrderId: vo.venueOrderId,
        detail: `venue reports ${vf} lots filled, we applied ${r.filledLots}; kept ours`,
      });
    }
    if (vo.lots !== r.lots && vo.lots > r.filledLots) {
      changes.push(`lots ${r.lots} -> ${vo.lots}`);
      r.lots = vo.lots;
    }
    if (vo.priceTicks !== undefined && vo.priceTicks !== r.priceTicks) {
      changes.push(`priceTicks ${r.priceTicks} -> ${vo.priceTicks}`);
      r.priceTicks = vo.priceTicks;
    }
    if (r.filledLots > 0n && r.status === "ACK") {
      r.status = "PARTIALLY_FILLED";
      changes.push("status ACK -> PARTIALLY_FILLED");
    }
    if (changes.length === 0) {
      rep.confirmed.push(r.clientOrderId);
    } else {
      r.updatedTsNs = tsNs;
      rep.updated.push({ clientOrderId: r.clientOrderId, changes });
    }
  }
}
