/**
 * Unit tests of the MiniOMS: each illegal transition with its counted reason,
 * client ids, cancel/replace, limits (in-flight, open orders, rate, risk) and
 * reconciliation against venue open orders.
 */
import { deepEqual, equal, match, ok, throws } from "node:assert/strict";
import { CounterIdGenerator } from "../../services/cefi/trader/client_order_id.ts";
import type { TraderLogFields, TraderLogger } from "../../services/cefi/trader/logger.ts";
import {
  type ActionResult,
  type EventResult,
  MiniOMS,
  type MiniOmsOptions,
  type NewOrder,
} from "../../services/cefi/trader/mini_oms.ts";
import type { IllegalReason } from "../../services/cefi/trader/order_state.ts";
import type { RiskIntent } from "../../services/cefi/trader/risk.ts";
import { TokenBucket } from "../../services/cefi/trader/token_bucket.ts";
import type { OrderEvent } from "../../services/cefi/trader/types.ts";

const V = "binance";
const S = "BTCUSDT";

function recorder(): TraderLogger & {
  lines: { level: string; msg: string; f?: TraderLogFields }[];
} {
  const lines: { level: string; msg: string; f?: TraderLogFields }[] = [];
  return {
    lines,
    debug: (msg, f) => lines.push({ level: "debug", msg, f }),
    info: (msg, f) => lines.push({ level: "info", msg, f }),
    warn: (msg, f) => lines.push({ level: "warn", msg, f }),
  };
}

function setup(o: MiniOmsOptions = {}) {
  const log = recorder();
  const oms = new MiniOMS({ ids: new CounterIdGenerator("t-"), logger: log, ...o });
  return { oms, log };
}

function order(over: Partial<NewOrder> = {}): NewOrder {
  return { venue: V, symbol: S, side: "BUY", lots: 10n, priceTicks: 1000n, ...over };
}

function okId(r: ActionResult): string {
  if (!r.ok) throw new Error(`expected ok, got ${r.reason}: ${r.message}`);
  return r.clientOrderId;
}

function ev(clientOrderId: string, status: OrderEvent["status"], extra: Partial<OrderEvent> = {}) {
  return { clientOrderId, status, tsNs: 100n, ...extra } as OrderEvent;
}

function fill(id: string, lots: bigint, tradeId?: string, extra: Partial<OrderEvent> = {}) {
  return ev(id, "PARTIALLY_FILLED", {
    lastFillLots: lots,
    lastFillPriceTicks: 1000n,
    tradeId,
    ...extra,
  });
}

/** Submits, sends and acks an order; returns its id. */
function live(oms: MiniOMS, over: Partial<NewOrder> = {}, venueOrderId = "v1"): string {
  const id = okId(oms.submit(order(over), 1n));
  ok(oms.onEvent(ev(id, "SENT")).accepted);
  ok(oms.onEvent(ev(id, "ACK", { venueOrderId })).accepted);
  return id;
}

function refusedAs(r: EventResult, reason: IllegalReason): void {
  ok(!r.accepted, `expected refusal ${reason}`);
  if (!r.accepted) equal(r.reason, reason);
}

// ------------------------------------------------------------ lifecycle

Deno.test("oms: full lifecycle NEW -> SENT -> ACK -> PARTIALLY_FILLED -> FILLED emits fills", () => {
  const { oms } = setup();
  const r = oms.submit(order({ strategy: "mm", account: "main" }), 1n);
  ok(r.ok);
  if (!r.ok) return;
  equal(r.clientOrderId, "t-1");
  equal(r.order.status, "NEW");
  deepEqual(r.requests.map((q) => [q.action, q.clientOrderId, q.lots, q.priceTicks]), [
    ["NEW", "t-1", 10n, 1000n],
  ]);
  equal(r.requests[0].strategy, "mm");
  ok(oms.onEvent(ev("t-1", "SENT", { tsNs: 2n })).accepted);
  ok(oms.onEvent(ev("t-1", "ACK", { venueOrderId: "555" })).accepted);
  const a = oms.onEvent(fill("t-1", 4n, "T1", { fee: "0.01", feeAsset: "USDT" }));
  ok(a.accepted && a.fill);
  if (a.accepted) {
    equal(a.order.status, "PARTIALLY_FILLED");
    deepEqual(
      { lots: a.fill!.lots, fee: a.fill!.fee, venueOrderId: a.fill!.venueOrderId },
      { lots: 4n, fee: "0.01", venueOrderId: "555" },
    );
  }
  const b = oms.onEvent(
    ev("t-1", "FILLED", {
      lastFillLots: 6n,
      lastFillPriceTicks: 1010n,
      tradeId: "T2",
      cumulativeLots: 10n,
    }),
  );
  ok(b.accepted);
  const o = oms.order("t-1")!;
  equal(o.status, "FILLED");
  equal(o.filledLots, 10n);
  equal(o.filledNotional, 4n * 1000n + 6n * 1010n);
  equal(o.fillCount, 2);
  equal(oms.fills({ clientOrderId: "t-1" }).length, 2);
  const st = oms.stats();
  deepEqual(
    [
      st.submitted,
      st.sent,
      st.acked,
      st.fills,
      st.filledOrders,
      st.open,
      st.inFlight,
      st.illegalTotal,
    ],
    [1, 1, 1, 2, 1, 0, 0, 0],
  );
});

Deno.test("oms: PARTIALLY_FILLED that completes the quantity becomes FILLED; fill straight from SENT", () => {
  const { oms } = setup();
  const id = okId(oms.submit(order({ lots: 3n, timeInForce: "IOC" }), 1n));
  oms.onEvent(ev(id, "SENT"));
  const r = oms.onEvent(fill(id, 3n));
  ok(r.accepted);
  equal(oms.order(id)!.status, "FILLED");
});

Deno.test("oms: events found by venue order id when the client id is empty", () => {
  const { oms } = setup();
  const id = live(oms, {}, "X9");
  const r = oms.onEvent({
    venue: V,
    clientOrderId: "",
    venueOrderId: "X9",
    status: "CANCELLED",
    tsNs: 5n,
  });
  ok(r.accepted);
  equal(oms.order(id)!.status, "CANCELLED");
});

// ---------------------------------------------- illegal transitions, one by one

Deno.test("oms illegal: ACK for an unknown order is refused, logged and counted", () => {
  const { oms, log } = setup();
  const r = oms.onEvent(ev("nobody", "ACK"));
  refusedAs(r, "unknown_order");
  if (!r.accepted) match(r.message, /nobody/);
  equal(oms.stats().illegal.unknown_order, 1);
  equal(oms.stats().illegalTotal, 1);
  const w = log.lines.filter((l) => l.level === "warn");
  equal(w.length, 1);
  equal(w[0].f?.reason, "unknown_order");
  equal(w[0].f?.clientOrderId, "nobody");
});

Deno.test("oms illegal: a fill after cancel is refused as fill_after_terminal", () => {
  const { oms, log } = setup();
  const id = live(oms);
  ok(oms.onEvent(ev(id, "CANCELLED")).accepted);
  const r = oms.onEvent(fill(id, 1n, "T1"));
  refusedAs(r, "fill_after_terminal");
  equal(oms.order(id)!.filledLots, 0n);
  equal(oms.order(id)!.status, "CANCELLED");
  equal(oms.stats().illegal.fill_after_terminal, 1);
  equal(log.lines.filter((l) => l.level === "warn")[0].f?.status, "CANCELLED");
});

Deno.test("oms illegal: an overfill is refused and leaves the order as it was", () => {
  const { oms } = setup();
  const id = live(oms);
  ok(oms.onEvent(fill(id, 7n, "T1")).accepted);
  const r = oms.onEvent(fill(id, 4n, "T2"));
  refusedAs(r, "overfill");
  if (!r.accepted) match(r.message, /fill of 4 lots on 7 filled would exceed quantity 10/);
  equal(oms.order(id)!.filledLots, 7n);
  equal(oms.stats().illegal.overfill, 1);
});

Deno.test("oms illegal: a duplicate fill by trade id is refused", () => {
  const { oms } = setup();
  const id = live(oms);
  ok(oms.onEvent(fill(id, 2n, "T1")).accepted);
  refusedAs(oms.onEvent(fill(id, 2n, "T1")), "duplicate_fill");
  equal(oms.order(id)!.filledLots, 2n);
  equal(oms.stats().illegal.duplicate_fill, 1);
  equal(oms.fills().length, 1);
});

Deno.test("oms illegal: a second ACK with nothing pending is duplicate_ack", () => {
  const { oms } = setup();
  const id = live(oms);
  refusedAs(oms.onEvent(ev(id, "ACK")), "duplicate_ack");
  equal(oms.stats().illegal.duplicate_ack, 1);
});

Deno.test("oms illegal: ACK after a fill, REJECTED after ACK, SENT after ACK are illegal_transition", () => {
  const { oms } = setup();
  const id = live(oms);
  refusedAs(oms.onEvent(ev(id, "REJECTED")), "illegal_transition");
  refusedAs(oms.onEvent(ev(id, "SENT")), "illegal_transition");
  refusedAs(oms.onEvent(ev(id, "NEW")), "illegal_transition");
  ok(oms.onEvent(fill(id, 1n)).accepted);
  refusedAs(oms.onEvent(ev(id, "ACK")), "illegal_transition");
  equal(oms.stats().illegal.illegal_transition, 4);
  equal(oms.order(id)!.status, "PARTIALLY_FILLED");
});

Deno.test("oms illegal: events on terminal orders are event_after_terminal", () => {
  const { oms } = setup();
  const id = live(oms);
  ok(oms.onEvent(ev(id, "EXPIRED")).accepted);
  for (const s of ["ACK", "CANCELLED", "REJECTED", "EXPIRED", "SENT"] as const) {
    refusedAs(oms.onEvent(ev(id, s)), "event_after_terminal");
  }
  equal(oms.stats().illegal.event_after_terminal, 5);
});

Deno.test("oms illegal: malformed fills are invalid_fill", () => {
  const { oms } = setup();
  const id = live(oms);
  refusedAs(oms.onEvent(ev(id, "PARTIALLY_FILLED")), "invalid_fill");
  refusedAs(oms.onEvent(fill(id, 0n)), "invalid_fill");
  refusedAs(oms.onEvent(fill(id, -2n)), "invalid_fill");
  refusedAs(oms.onEvent(ev(id, "PARTIALLY_FILLED", { lastFillLots: 1n })), "invalid_fill");
  refusedAs(oms.onEvent(ev(id, "CANCELLED", { lastFillLots: 1n })), "invalid_fill");
  equal(oms.stats().illegal.invalid_fill, 5);
  equal(oms.order(id)!.status, "ACK");
});

Deno.test("oms illegal: venue cumulative disagreeing with ours is cumulative_mismatch", () => {
  const { oms } = setup();
  const id = live(oms);
  ok(oms.onEvent(fill(id, 2n, "T1", { cumulativeLots: 2n })).accepted);
  refusedAs(oms.onEvent(fill(id, 2n, "T2", { cumulativeLots: 5n })), "cumulative_mismatch");
  equal(oms.stats().illegal.cumulative_mismatch, 1);
});

Deno.test("oms illegal: FILLED before the quantity is reached is fill_status_mismatch", () => {
  const { oms } = setup();
  const id = live(oms);
  refusedAs(
    oms.onEvent(ev(id, "FILLED", { lastFillLots: 3n, lastFillPriceTicks: 1000n })),
    "fill_status_mismatch",
  );
  equal(oms.stats().illegal.fill_status_mismatch, 1);
});

Deno.test("oms: NEW and SENT echoes are no-ops, not illegal", () => {
  const { oms } = setup();
  const id = okId(oms.submit(order(), 1n));
  const a = oms.onEvent(ev(id, "NEW"));
  ok(a.accepted && a.transition.kind === "echo");
  ok(oms.onEvent(ev(id, "SENT")).accepted);
  const b = oms.onEvent(ev(id, "SENT"));
  ok(b.accepted && b.transition.kind === "echo");
  equal(oms.stats().sent, 1);
  equal(oms.stats().illegalTotal, 0);
});

// ------------------------------------------------------------- client ids

Deno.test("client ids: prefix + counter, deterministic, refused when reused", () => {
  const g = new CounterIdGenerator("mm-", 7n);
  deepEqual([g.next(), g.next()], ["mm-7", "mm-8"]);
  equal(g.counter, 9n);
  throws(() => new CounterIdGenerator("bad prefix"), /prefix "bad prefix" must be/);
  throws(() => new CounterIdGenerator("x", -1n), /start -1 is negative/);

  const { oms } = setup();
  equal(okId(oms.submit(order(), 1n)), "t-1");
  equal(okId(oms.submit(order({ clientOrderId: "mine" }), 1n)), "mine");
  const dup = oms.submit(order({ clientOrderId: "mine" }), 1n);
  ok(!dup.ok && dup.reason === "duplicate_client_order_id");
  // a generator restarted with the same prefix collides and is refused, not reused
  const oms2 = new MiniOMS({ ids: { next: () => "same" } });
  okId(oms2.submit(order(), 1n));
  const again = oms2.submit(order(), 1n);
  ok(!again.ok && again.reason === "duplicate_client_order_id");
  if (!again.ok) match(again.message, /"same" is already in use/);
});

Deno.test("oms: invalid orders are refused with the value in the message", () => {
  const { oms } = setup();
  const a = oms.submit(order({ lots: 0n }), 1n);
  ok(!a.ok && a.reason === "invalid_order");
  if (!a.ok) match(a.message, /binance\/BTCUSDT: lots 0 is not > 0/);
  const b = oms.submit(order({ priceTicks: undefined }), 1n);
  ok(!b.ok && b.reason === "invalid_order");
  okId(oms.submit(order({ type: "MARKET", priceTicks: undefined }), 1n));
  equal(oms.stats().refusedByReason.invalid_order, 2);
  equal(oms.rejects().filter((r) => r.source === "oms").length, 2);
});

// ---------------------------------------------------------------- cancel

Deno.test("cancel: NEW cancels locally; SENT/ACK go cancel-pending; double cancel refused", () => {
  const { oms } = setup();
  const a = okId(oms.submit(order(), 1n));
  const c1 = oms.cancel(a, 2n);
  ok(c1.ok && c1.requests.length === 0 && c1.order.status === "CANCELLED");
  const b = live(oms);
  const c2 = oms.cancel(b, 3n);
  ok(c2.ok);
  if (c2.ok) {
    deepEqual(c2.requests.map((q) => [q.action, q.origClientOrderId, q.venueOrderId]), [
      ["CANCEL", b, "v1"],
    ]);
    equal(c2.order.pending, "cancel");
  }
  equal(oms.inFlightCount(), 1);
  const c3 = oms.cancel(b, 4n);
  ok(!c3.ok && c3.reason === "not_cancellable");
  ok(oms.onEvent(ev(b, "CANCELLED")).accepted);
  const c4 = oms.cancel(b, 5n);
  ok(!c4.ok && c4.reason === "not_cancellable");
  const c5 = oms.cancel("ghost", 5n);
  ok(!c5.ok && c5.reason === "unknown_order");
  equal(oms.stats().cancelled, 2);
});

Deno.test("cancel: a REJECTED while cancel-pending is a cancel reject; the order stays live", () => {
  const { oms } = setup();
  const id = live(oms);
  ok(oms.cancel(id, 2n).ok);
  const r = oms.onEvent(ev(id, "REJECTED", { rejectReason: "too late" }));
  ok(r.accepted && r.transition.kind === "cancel_rejected");
  equal(oms.order(id)!.status, "ACK");
  equal(oms.order(id)!.pending, "none");
  equal(oms.stats().cancelRejects, 1);
  ok(oms.cancel(id, 3n).ok, "can cancel again");
});

Deno.test("cancel: fills while cancel-pending are applied", () => {
  const { oms } = setup();
  const id = live(oms);
  ok(oms.cancel(id, 2n).ok);
  ok(oms.onEvent(fill(id, 3n)).accepted);
  ok(oms.onEvent(ev(id, "CANCELLED")).accepted);
  const o = oms.order(id)!;
  deepEqual([o.status, o.filledLots, o.pending], ["CANCELLED", 3n, "none"]);
});

// --------------------------------------------------------------- replace

Deno.test("replace (native amend): REPLACE request, renamed on ACK, old id still resolves", () => {
  const { oms } = setup({ venues: { [V]: { nativeAmend: true } } });
  const id = live(oms);
  ok(oms.onEvent(fill(id, 2n)).accepted);
  const r = oms.replace(id, { priceTicks: 990n, lots: 12n }, 5n);
  ok(r.ok);
  if (!r.ok) return;
  equal(r.clientOrderId, "t-2");
  deepEqual(
    r.requests.map((q) => [q.action, q.clientOrderId, q.origClientOrderId, q.priceTicks, q.lots]),
    [["REPLACE", "t-2", id, 990n, 12n]],
  );
  equal(r.order.pending, "replace");
  equal(oms.inFlightCount(), 1);
  // a fill on the old terms while the amend is in flight
  ok(oms.onEvent(fill(id, 1n)).accepted);
  const a = oms.onEvent(ev("t-2", "ACK"));
  ok(a.accepted && a.transition.kind === "amend_ack");
  const o = oms.order("t-2")!;
  deepEqual(
    [o.clientOrderId, o.previousClientOrderIds, o.priceTicks, o.lots, o.filledLots, o.status],
    ["t-2", [id], 990n, 12n, 3n, "PARTIALLY_FILLED"],
  );
  equal(oms.order(id)!.clientOrderId, "t-2");
  ok(oms.onEvent(fill(id, 9n)).accepted, "late events under the old id still land");
  equal(oms.order("t-2")!.status, "FILLED");
  equal(oms.stats().amended, 1);
});

Deno.test("replace (native amend): REJECTED for the replacement keeps the old terms", () => {
  const { oms } = setup({ venues: { [V]: { nativeAmend: true } } });
  const id = live(oms);
  const r = oms.replace(id, { priceTicks: 1001n }, 5n);
  ok(r.ok);
  const x = oms.onEvent(ev("t-2", "REJECTED", { rejectReason: "would cross" }));
  ok(x.accepted && x.transition.kind === "replace_rejected");
  const o = oms.order(id)!;
  deepEqual([o.clientOrderId, o.priceTicks, o.status, o.pending], [id, 1000n, "ACK", "none"]);
  equal(oms.stats().replaceRejects, 1);
});

Deno.test("replace (cancel-replace): CANCEL old + NEW for the remaining quantity", () => {
  const { oms } = setup();
  const id = live(oms);
  ok(oms.onEvent(fill(id, 4n)).accepted);
  const r = oms.replace(id, { priceTicks: 995n, lots: 10n }, 5n);
  ok(r.ok);
  if (!r.ok) return;
  deepEqual(r.requests.map((q) => [q.action, q.clientOrderId, q.lots, q.priceTicks]), [
    ["CANCEL", id, undefined, undefined],
    ["NEW", "t-2", 6n, 995n],
  ]);
  equal(r.order.replaces, id);
  const old = oms.order(id)!;
  deepEqual([old.pending, old.replacedBy], ["cancel", "t-2"]);
  equal(oms.openOrders().length, 2);
  equal(oms.inFlightCount(), 2);
});

Deno.test("replace: refused for unacked, pending, unchanged, or below-filled requests", () => {
  const { oms } = setup({ venues: { [V]: { nativeAmend: true } } });
  const a = okId(oms.submit(order(), 1n));
  const r1 = oms.replace(a, { priceTicks: 1n }, 2n);
  ok(!r1.ok && r1.reason === "not_replaceable");
  const b = live(oms, {}, "v2");
  ok(oms.onEvent(fill(b, 5n)).accepted);
  const r2 = oms.replace(b, { lots: 5n }, 2n);
  ok(!r2.ok && r2.reason === "invalid_replace");
  if (!r2.ok) match(r2.message, /new lots 5 not above filled 5/);
  const r3 = oms.replace(b, { priceTicks: 1000n }, 2n);
  ok(!r3.ok && r3.reason === "invalid_replace");
  ok(oms.replace(b, { priceTicks: 999n }, 2n).ok);
  const r4 = oms.replace(b, { priceTicks: 998n }, 2n);
  ok(!r4.ok && r4.reason === "not_replaceable");
  const r5 = oms.replace("ghost", { priceTicks: 998n }, 2n);
  ok(!r5.ok && r5.reason === "unknown_order");
});

// ---------------------------------------------------------------- limits

Deno.test("limits: in-flight total and per instrument, released by ACK", () => {
  const { oms } = setup({ limits: { maxInFlight: 3, maxInFlightPerInstrument: 2 } });
  const a = okId(oms.submit(order(), 1n));
  okId(oms.submit(order(), 1n));
  const c = oms.submit(order(), 1n);
  ok(!c.ok && c.reason === "max_in_flight_instrument");
  if (!c.ok) match(c.message, /2 requests in flight on binance\/BTCUSDT, limit 2/);
  okId(oms.submit(order({ symbol: "ETHUSDT" }), 1n));
  const d = oms.submit(order({ symbol: "SOLUSDT" }), 1n);
  ok(!d.ok && d.reason === "max_in_flight");
  oms.onEvent(ev(a, "SENT"));
  equal(oms.inFlightCount({ symbol: S }), 2, "SENT is still in flight");
  oms.onEvent(ev(a, "ACK"));
  equal(oms.inFlightCount({ symbol: S }), 1);
  okId(oms.submit(order(), 1n));
  // a pending cancel is in flight too, but cancels themselves are never limited
  ok(oms.cancel(a, 2n).ok);
  equal(oms.inFlightCount(), 4);
});

Deno.test("limits: open orders total and per instrument, released by terminal states", () => {
  const { oms } = setup({ limits: { maxOpenOrders: 3, maxOpenOrdersPerInstrument: 2 } });
  const a = live(oms, {}, "1");
  live(oms, { side: "SELL" }, "2");
  const c = oms.submit(order(), 1n);
  ok(!c.ok && c.reason === "max_open_orders_instrument");
  live(oms, { symbol: "ETHUSDT" }, "3");
  const d = oms.submit(order({ symbol: "SOLUSDT" }), 1n);
  ok(!d.ok && d.reason === "max_open_orders");
  oms.onEvent(fill(a, 10n));
  okId(oms.submit(order(), 1n));
  deepEqual(oms.openOrders({ symbol: S }).map((o) => o.side), ["SELL", "BUY"]);
  deepEqual(oms.openOrders({ symbol: S, side: "SELL" }).length, 1);
  equal(oms.stats().refusedByReason.max_open_orders, 1);
});

Deno.test("limits: order rate token bucket per venue, driven by tsNs; refusals take no token", () => {
  const SEC = 1_000_000_000n;
  const { oms } = setup({ limits: { rate: { capacity: 2, refillIntervalNs: SEC / 10n } } });
  okId(oms.submit(order(), 0n));
  okId(oms.submit(order(), 0n));
  const c = oms.submit(order(), 50_000_000n);
  ok(!c.ok && c.reason === "rate_limited");
  okId(oms.submit(order({ venue: "deribit" }), 50_000_000n)); // own bucket
  const bad = oms.submit(order({ lots: -1n }), 100_000_000n);
  ok(!bad.ok && bad.reason === "invalid_order");
  const d = okId(oms.submit(order(), 100_000_000n)); // one token earned
  const e = oms.submit(order(), 150_000_000n);
  ok(!e.ok && e.reason === "rate_limited");
  oms.onEvent(ev(d, "SENT"));
  ok(oms.cancel(d, 150_000_000n).ok, "cancels are never rate limited");
  okId(oms.submit(order(), 300_000_000n));
  okId(oms.submit(order(), 300_000_000n)); // refilled to capacity (2) after 2 intervals
  const f = oms.submit(order(), 300_000_000n);
  ok(!f.ok && f.reason === "rate_limited");
  equal(oms.stats().refusedByReason.rate_limited, 3);
});

Deno.test("token bucket: exact refill, cap, time going backwards, validation", () => {
  const b = new TokenBucket({ capacity: 3, refillIntervalNs: 10n });
  equal(b.available(100n), 3);
  ok(b.tryTake(100n, 3));
  equal(b.available(109n), 0);
  equal(b.available(110n), 1);
  equal(b.available(125n), 2);
  equal(b.available(50n), 2, "earlier timestamps change nothing");
  equal(b.available(130n), 3);
  equal(b.available(10_000n), 3, "never above capacity");
  ok(b.tryTake(10_000n));
  equal(b.available(10_009n), 2);
  throws(() => new TokenBucket({ capacity: 0, refillIntervalNs: 1n }), /capacity 0/);
  throws(() => new TokenBucket({ capacity: 1, refillIntervalNs: 0n }), /refillIntervalNs 0/);
});

Deno.test("limits: the risk checker sees open lots per side and can refuse", () => {
  const seen: RiskIntent[] = [];
  const risk = {
    checkOrder: (i: RiskIntent) => {
      seen.push(i);
      return i.lots + i.openBuyLots > 15n
        ? {
          ok: false as const,
          breach: "max_position" as const,
          limit: "15",
          value: String(i.lots + i.openBuyLots),
          message: "too long",
        }
        : { ok: true as const };
    },
  };
  const { oms } = setup({ risk, venues: { [V]: { nativeAmend: true } } });
  const a = live(oms, { lots: 10n });
  oms.onEvent(fill(a, 4n));
  live(oms, { side: "SELL", lots: 3n }, "v2");
  const r = oms.submit(order({ lots: 10n }), 2n);
  ok(!r.ok && r.reason === "risk");
  if (!r.ok) {
    equal(r.risk?.breach, "max_position");
    match(r.message, /breaches max_position: too long/);
  }
  const last = seen.at(-1)!;
  deepEqual([last.lots, last.openBuyLots, last.openSellLots], [10n, 6n, 3n]);
  // a replace is checked with its new remaining quantity and without its own open lots
  ok(oms.replace(a, { lots: 19n }, 3n).ok);
  const rep = seen.at(-1)!;
  deepEqual([rep.lots, rep.openBuyLots], [15n, 0n]);
  equal(oms.stats().refusedByReason.risk, 1);
});

// -------------------------------------------------------------- queries

Deno.test("queries: fills, rejects (oms + venue), stats, prune", () => {
  const { oms } = setup({ historyLimit: 4 });
  const a = live(oms);
  for (let i = 0; i < 8; i++) oms.onEvent(fill(a, 1n, `T${i}`));
  ok(oms.fills().length <= 5 && oms.fills().length >= 4, "history is bounded");
  equal(oms.fills().at(-1)!.tradeId, "T7");
  const b = okId(oms.submit(order(), 1n));
  oms.onEvent(ev(b, "SENT"));
  oms.onEvent(ev(b, "REJECTED", { rejectReason: "insufficient balance" }));
  const v = oms.rejects().filter((r) => r.source === "venue");
  deepEqual(v.map((r) => [r.clientOrderId, r.message]), [[b, "insufficient balance"]]);
  equal(oms.order(b)!.reason, "insufficient balance");
  equal(oms.stats().rejected, 1);
  oms.onEvent(ev(b, "ACK", { tsNs: 1000n }));
  equal(oms.prune(200n), 1, "the rejected order goes, the live one stays");
  equal(oms.order(b), undefined);
  refusedAs(oms.onEvent(ev(b, "ACK")), "unknown_order");
  ok(oms.order(a));
});

// -------------------------------------------------------- reconciliation

Deno.test("reconcile: SENT order found open becomes ACK with the venue id", () => {
  const { oms } = setup();
  const id = okId(oms.submit(order(), 1n));
  oms.onEvent(ev(id, "SENT", { tsNs: 1n }));
  const rep = oms.reconcile(V, [
    {
      symbol: S,
      venueOrderId: "900",
      clientOrderId: id,
      side: "BUY",
      priceTicks: 1000n,
      lots: 10n,
    },
  ], 10n);
  deepEqual(rep.updated, [{
    clientOrderId: id,
    changes: ["venueOrderId -> 900", "status SENT -> ACK"],
  }]);
  equal(oms.order(id)!.status, "ACK");
  equal(oms.order(id)!.venueOrderId, "900");
  // events by venue id now resolve
  ok(
    oms.onEvent({
      venue: V,
      clientOrderId: "",
      venueOrderId: "900",
      status: "CANCELLED",
      tsNs: 11n,
    }).accepted,
  );
});

Deno.test("reconcile: matching orders are confirmed; a larger venue fill is a reported gap", () => {
  const { oms } = setup();
  const a = live(oms, {}, "1");
  const b = live(oms, {}, "2");
  oms.onEvent(fill(b, 2n));
  const rep = oms.reconcile(V, [
    { symbol: S, venueOrderId: "1", clientOrderId: a, side: "BUY", priceTicks: 1000n, lots: 10n },
    { symbol: S, venueOrderId: "2", side: "BUY", priceTicks: 1000n, lots: 10n, filledLots: 5n },
  ], 10n);
  deepEqual(rep.confirmed, [a]);
  deepEqual(rep.fillGaps, [{ clientOrderId: b, missingLots: 3n }]);
  equal(oms.order(b)!.filledLots, 5n);
});

Deno.test("reconcile: a smaller venue fill is a conflict and ours is kept", () => {
  const { oms } = setup();
  const a = live(oms, {}, "1");
  oms.onEvent(fill(a, 4n));
  const rep = oms.reconcile(V, [
    { symbol: S, venueOrderId: "1", side: "BUY", priceTicks: 1000n, lots: 10n, filledLots: 1n },
  ], 10n);
  equal(rep.conflicts.length, 1);
  match(rep.conflicts[0].detail, /venue reports 1 lots filled, we applied 4/);
  equal(oms.order(a)!.filledLots, 4n);
});

Deno.test("reconcile: unknown venue orders are cancelled by default, adopted on request", () => {
  const unknown = [
    {
      symbol: S,
      venueOrderId: "77",
      clientOrderId: "web-1",
      side: "SELL" as const,
      priceTicks: 1200n,
      lots: 3n,
    },
    {
      symbol: S,
      venueOrderId: "78",
      side: "BUY" as const,
      priceTicks: 900n,
      lots: 5n,
      filledLots: 1n,
    },
  ];
  const c = setup().oms;
  const rc = c.reconcile(V, unknown, 10n);
  deepEqual(rc.cancelRequests.map((q) => [q.action, q.venueOrderId, q.clientOrderId]), [
    ["CANCEL", "77", "web-1"],
    ["CANCEL", "78", ""],
  ]);
  equal(c.openOrders().length, 0);

  const a = setup().oms;
  const ra = a.reconcile(V, unknown, 10n, { unknownOrders: "adopt" });
  deepEqual(ra.adopted.map((o) => [o.clientOrderId, o.status, o.filledLots, o.adopted]), [
    ["web-1", "ACK", 0n, true],
    ["t-1", "PARTIALLY_FILLED", 1n, true],
  ]);
  equal(a.openOrders().length, 2);
  ok(a.onEvent(fill("web-1", 3n)).accepted, "adopted orders take events");
  equal(a.stats().adopted, 2);

  const f = setup().oms;
  const rf = f.reconcile(V, unknown, 10n, {
    unknownOrders: (o) => (o.clientOrderId?.startsWith("web-") ? "adopt" : "cancel"),
  });
  deepEqual([rf.adopted.length, rf.cancelRequests.length], [1, 1]);
});

Deno.test("reconcile: our open orders missing at the venue are resolved with a reason", () => {
  const { oms } = setup();
  const gtc = live(oms, {}, "1");
  const ioc = live(oms, { timeInForce: "IOC" }, "2");
  const cxl = live(oms, {}, "3");
  ok(oms.cancel(cxl, 2n).ok);
  const young = okId(oms.submit(order(), 1n));
  oms.onEvent(ev(young, "SENT", { tsNs: 9_000_000_000n }));
  const old = okId(oms.submit(order(), 1n));
  oms.onEvent(ev(old, "SENT", { tsNs: 1n }));
  const unsent = okId(oms.submit(order(), 1n));
  const other = live(oms, { symbol: "ETHUSDT" }, "4");
  const rep = oms.reconcile(V, [], 10_000_000_000n, { symbols: [S] });
  const byId = Object.fromEntries(rep.resolved.map((r) => [r.clientOrderId, [r.from, r.to]]));
  deepEqual(byId, {
    [gtc]: ["ACK", "CANCELLED"],
    [ioc]: ["ACK", "EXPIRED"],
    [cxl]: ["ACK", "CANCELLED"],
    [old]: ["SENT", "EXPIRED"],
  });
  match(oms.order(gtc)!.reason!, /not open at the venue/);
  match(oms.order(cxl)!.reason!, /cancel was pending/);
  deepEqual(rep.inFlight, [young]);
  equal(oms.order(unsent)!.status, "NEW");
  equal(oms.order(other)!.status, "ACK", "outside the snapshot's symbols");
  // terminal states stay absorbing afterwards
  refusedAs(oms.onEvent(fill(gtc, 1n)), "fill_after_terminal");
});

Deno.test("reconcile: missingStatus EXPIRED; venue-open orders we hold as terminal are cancelled", () => {
  const { oms } = setup();
  const a = live(oms, {}, "1");
  const b = live(oms, {}, "2");
  oms.onEvent(ev(b, "CANCELLED"));
  const rep = oms.reconcile(
    V,
    [
      { symbol: S, venueOrderId: "2", clientOrderId: b, side: "BUY", priceTicks: 1000n, lots: 10n },
    ],
    10n,
    { missingStatus: "EXPIRED" },
  );
  deepEqual(rep.resolved.map((r) => [r.clientOrderId, r.to]), [[a, "EXPIRED"]]);
  equal(rep.conflicts.length, 1);
  match(rep.conflicts[0].detail, /open at the venue but CANCELLED here/);
  deepEqual(rep.cancelRequests.map((q) => q.venueOrderId), ["2"]);
  equal(oms.order(b)!.status, "CANCELLED");
});

Deno.test("reconcile: venue price/quantity changes are taken over; a pending amend is confirmed", () => {
  const { oms } = setup({ venues: { [V]: { nativeAmend: true } } });
  const a = live(oms, {}, "1");
  const b = live(oms, {}, "2");
  ok(oms.replace(b, { priceTicks: 1005n }, 2n).ok);
  const rep = oms.reconcile(V, [
    { symbol: S, venueOrderId: "1", side: "BUY", priceTicks: 1001n, lots: 8n },
    { symbol: S, venueOrderId: "2", side: "BUY", priceTicks: 1005n, lots: 10n },
    { symbol: S, venueOrderId: "3", side: "BUY", priceTicks: 1005n, lots: 0n },
  ], 10n);
  deepEqual(rep.updated, [
    { clientOrderId: a, changes: ["lots 10 -> 8", "priceTicks 1000 -> 1001"] },
    { clientOrderId: "t-3", changes: ["amend confirmed as t-3"] },
  ]);
  equal(oms.order(b)!.clientOrderId, "t-3");
  equal(rep.conflicts.length, 1, "a venue order with 0 lots is reported, not adopted");
});
