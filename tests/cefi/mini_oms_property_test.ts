/**
 * Property tests of the MiniOMS state machine: random venue event sequences
 * (and local cancels) over random orders, checked against a plain model of
 * the lifecycle written here from the spec in `order_state.ts`, not from the
 * OMS code.
 */
import fc from "fast-check";
import { deepEqual, equal, ok } from "node:assert/strict";
import { CounterIdGenerator } from "../../services/cefi/trader/client_order_id.ts";
import { MiniOMS, type Order } from "../../services/cefi/trader/mini_oms.ts";
import type { OrderEvent, OrderStatus } from "../../services/cefi/trader/types.ts";

const RUNS = 1000;
const STATUSES: OrderStatus[] = [
  "NEW",
  "SENT",
  "ACK",
  "PARTIALLY_FILLED",
  "FILLED",
  "CANCELLED",
  "REJECTED",
  "EXPIRED",
];
const TERMINAL = new Set<OrderStatus>(["FILLED", "CANCELLED", "REJECTED", "EXPIRED"]);

/** Every (from, to) status change the lifecycle allows (equal = no change). */
const ALLOWED = new Set<string>([
  "NEW>SENT",
  "NEW>ACK",
  "NEW>PARTIALLY_FILLED",
  "NEW>FILLED",
  "NEW>CANCELLED",
  "NEW>REJECTED",
  "NEW>EXPIRED",
  "SENT>ACK",
  "SENT>PARTIALLY_FILLED",
  "SENT>FILLED",
  "SENT>CANCELLED",
  "SENT>REJECTED",
  "SENT>EXPIRED",
  "ACK>PARTIALLY_FILLED",
  "ACK>FILLED",
  "ACK>CANCELLED",
  "ACK>EXPIRED",
  "PARTIALLY_FILLED>FILLED",
  "PARTIALLY_FILLED>CANCELLED",
  "PARTIALLY_FILLED>EXPIRED",
]);

// ------------------------------------------------------------- generators

interface OrderSpec {
  side: "BUY" | "SELL";
  lots: bigint;
}

type Step =
  | {
    k: "event";
    target: number;
    status: OrderStatus;
    last?: bigint;
    priced: boolean;
    tradeId?: string;
    cum?: "right" | "wrong";
  }
  | { k: "cancel"; target: number };

const orderSpec: fc.Arbitrary<OrderSpec> = fc.record({
  side: fc.constantFrom("BUY" as const, "SELL" as const),
  lots: fc.bigInt({ min: 1n, max: 12n }),
});

/** Steps over `n` orders; target `n` is an id nobody submitted. */
function steps(n: number): fc.Arbitrary<Step[]> {
  const target = fc.oneof(
    { arbitrary: fc.nat({ max: n - 1 }), weight: 19 },
    { arbitrary: fc.constant(n), weight: 1 },
  );
  const w = (status: OrderStatus, weight: number) => ({ arbitrary: fc.constant(status), weight });
  const status = fc.oneof(
    w("NEW", 1),
    w("SENT", 3),
    w("ACK", 3),
    w("PARTIALLY_FILLED", 7),
    w("FILLED", 2),
    w("CANCELLED", 1),
    w("REJECTED", 1),
    w("EXPIRED", 1),
  );
  const last = fc.oneof(
    { arbitrary: fc.bigInt({ min: 1n, max: 4n }), weight: 6 },
    { arbitrary: fc.bigInt({ min: -1n, max: 14n }), weight: 1 },
    { arbitrary: fc.constant(undefined), weight: 1 },
  );
  // fills mostly carry a fill; other statuses mostly do not
  const lastFor = (st: OrderStatus) =>
    st === "PARTIALLY_FILLED" || st === "FILLED"
      ? last
      : fc.oneof({ arbitrary: fc.constant(undefined), weight: 15 }, { arbitrary: last, weight: 1 });
  const eventStep: fc.Arbitrary<Step> = status.chain((st) =>
    fc.record({
      k: fc.constant("event" as const),
      target,
      status: fc.constant(st),
      last: lastFor(st),
      priced: fc.nat({ max: 19 }).map((x) => x > 0),
      tradeId: fc.option(fc.constantFrom("t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8"), {
        freq: 8,
        nil: undefined,
      }),
      cum: fc.option(fc.constantFrom("right" as const, "wrong" as const), {
        freq: 4,
        nil: undefined,
      }),
    }, { requiredKeys: ["k", "target", "status", "priced"] })
  );
  const cancelStep: fc.Arbitrary<Step> = fc.record({ k: fc.constant("cancel" as const), target });
  return fc.array(
    fc.oneof({ arbitrary: eventStep, weight: 8 }, { arbitrary: cancelStep, weight: 1 }),
    { minLength: 1, maxLength: 40, size: "max" },
  );
}

const scenario = fc.array(orderSpec, { minLength: 1, maxLength: 4, size: "max" }).chain((orders) =>
  steps(orders.length).map((s) => ({ orders, steps: s }))
);

// ------------------------------------------------------------------ model

interface ModelOrder {
  status: OrderStatus;
  pendingCancel: boolean;
  lots: bigint;
  filled: bigint;
  trades: Set<string>;
}

/** The spec, restated: returns the illegal reason, or undefined and mutates `o`. */
function modelEvent(o: ModelOrder | undefined, s: Extract<Step, { k: "event" }>, cum?: bigint) {
  if (!o) return "unknown_order";
  const fillEvent = s.status === "PARTIALLY_FILLED" || s.status === "FILLED";
  if (fillEvent) {
    if (TERMINAL.has(o.status)) return "fill_after_terminal";
    if (s.last === undefined || s.last <= 0n || !s.priced) return "invalid_fill";
    if (s.tradeId !== undefined && o.trades.has(s.tradeId)) return "duplicate_fill";
    if (o.filled + s.last > o.lots) return "overfill";
    if (cum !== undefined && cum !== o.filled + s.last) return "cumulative_mismatch";
    if (s.status === "FILLED" && o.filled + s.last < o.lots) return "fill_status_mismatch";
    o.filled += s.last;
    if (s.tradeId !== undefined) o.trades.add(s.tradeId);
    if (o.filled === o.lots) {
      o.status = "FILLED";
      o.pendingCancel = false;
    } else {
      o.status = "PARTIALLY_FILLED";
    }
    return undefined;
  }
  if (TERMINAL.has(o.status)) return "event_after_terminal";
  if (s.last !== undefined && s.last !== 0n) return "invalid_fill";
  const early = o.status === "NEW" || o.status === "SENT";
  switch (s.status) {
    case "NEW":
      return o.status === "NEW" ? undefined : "illegal_transition";
    case "SENT":
      if (o.status === "NEW") o.status = "SENT";
      return early ? undefined : "illegal_transition";
    case "ACK":
      if (early) {
        o.status = "ACK";
        return undefined;
      }
      return o.status === "ACK" ? "duplicate_ack" : "illegal_transition";
    case "CANCELLED":
    case "EXPIRED":
      o.status = s.status;
      o.pendingCancel = false;
      return undefined;
    case "REJECTED":
      if (early) {
        o.status = "REJECTED";
        o.pendingCancel = false;
        return undefined;
      }
      if (o.pendingCancel) {
        o.pendingCancel = false;
        return undefined;
      }
      return "illegal_transition";
  }
  throw new Error(`model: unexpected status ${s.status}`);
}

/** Local cancel: whether it is accepted; mutates `o`. */
function modelCancel(o: ModelOrder | undefined): boolean {
  if (!o || TERMINAL.has(o.status) || o.pendingCancel) return false;
  if (o.status === "NEW") o.status = "CANCELLED";
  else o.pendingCancel = true;
  return true;
}

// ------------------------------------------------------------------ runner

interface Outcome {
  illegalByModel: Record<string, number>;
  illegalByOms: Record<string, number>;
  illegalTotal: number;
  generatedIllegal: number;
  snapshots: Order[][];
}

function run(orders: OrderSpec[], steps: Step[]): Outcome {
  const warned: string[] = [];
  const oms = new MiniOMS({
    ids: new CounterIdGenerator("p"),
    logger: {
      debug() {},
      info() {},
      warn: (_m, f) => warned.push(String(f?.reason)),
    },
  });
  const ids: string[] = [];
  const model = new Map<string, ModelOrder>();
  let ts = 1n;
  for (const o of orders) {
    const r = oms.submit(
      { venue: "v", symbol: "S", side: o.side, lots: o.lots, priceTicks: 100n },
      ts++,
    );
    ok(r.ok);
    ids.push(r.clientOrderId);
    model.set(r.clientOrderId, {
      status: "NEW",
      pendingCancel: false,
      lots: o.lots,
      filled: 0n,
      trades: new Set(),
    });
  }
  const idOf = (t: number) => (t < ids.length ? ids[t] : `ghost${t}`);
  const illegalByModel: Record<string, number> = {};
  let generatedIllegal = 0;
  const snapshots: Order[][] = [ids.map((id) => oms.order(id)!)];
  for (const s of steps) {
    const id = idOf(s.target);
    const m = model.get(id);
    if (s.k === "cancel") {
      const expected = modelCancel(m);
      const r = oms.cancel(id, ts++);
      equal(r.ok, expected, `cancel of ${id}`);
    } else {
      let cum: bigint | undefined;
      if (s.cum !== undefined) {
        const right = (m?.filled ?? 0n) + (s.last ?? 0n);
        cum = s.cum === "right" ? right : right + 1n;
      }
      const ev: OrderEvent = {
        clientOrderId: id,
        status: s.status,
        lastFillLots: s.last,
        lastFillPriceTicks: s.priced ? 100n : undefined,
        tradeId: s.tradeId,
        cumulativeLots: cum,
        tsNs: ts++,
      };
      const expected = modelEvent(m, s, cum);
      const r = oms.onEvent(ev);
      if (expected === undefined) {
        ok(r.accepted, `expected ${s.status} on ${id} to be legal, got ${!r.accepted && r.reason}`);
      } else {
        generatedIllegal++;
        illegalByModel[expected] = (illegalByModel[expected] ?? 0) + 1;
        equal(r.accepted, false, `expected ${s.status} on ${id} to be illegal: ${expected}`);
        if (!r.accepted) equal(r.reason, expected);
      }
    }
    snapshots.push(ids.map((id) => oms.order(id)!));
  }
  // model and OMS agree on the final state of every order
  for (const id of ids) {
    const m = model.get(id)!;
    const o = oms.order(id)!;
    equal(o.status, m.status, `status of ${id}`);
    equal(o.filledLots, m.filled, `filled of ${id}`);
    equal(o.pending === "cancel", m.pendingCancel, `pending cancel of ${id}`);
  }
  const st = oms.stats();
  const illegalByOms = Object.fromEntries(Object.entries(st.illegal).filter(([, n]) => n > 0));
  equal(warned.length, st.illegalTotal, "one warn line per illegal event");
  return {
    illegalByModel,
    illegalByOms,
    illegalTotal: st.illegalTotal,
    generatedIllegal,
    snapshots,
  };
}

function eachOrderStep(snapshots: Order[][], check: (prev: Order, next: Order) => void): void {
  for (let i = 1; i < snapshots.length; i++) {
    for (let j = 0; j < snapshots[i].length; j++) check(snapshots[i - 1][j], snapshots[i][j]);
  }
}

// ------------------------------------------------------------------ tests

Deno.test("oms property: every event is classified as the model says and no state is illegal", () => {
  fc.assert(
    fc.property(scenario, ({ orders, steps }) => {
      const out = run(orders, steps);
      for (const snap of out.snapshots) {
        for (const o of snap) {
          ok(STATUSES.includes(o.status), `status ${o.status}`);
          ok(o.filledLots >= 0n && o.filledLots <= o.lots);
          if (o.status === "FILLED") equal(o.filledLots, o.lots);
          if (o.status === "PARTIALLY_FILLED") ok(o.filledLots > 0n && o.filledLots < o.lots);
          if (["NEW", "SENT", "ACK", "REJECTED"].includes(o.status)) equal(o.filledLots, 0n);
          if (o.status === "CANCELLED" || o.status === "EXPIRED") ok(o.filledLots < o.lots);
          if (TERMINAL.has(o.status)) equal(o.pending, "none");
        }
      }
      eachOrderStep(out.snapshots, (a, b) => {
        if (a.status !== b.status) {
          ok(ALLOWED.has(`${a.status}>${b.status}`), `transition ${a.status} -> ${b.status}`);
        }
      });
    }),
    { numRuns: RUNS },
  );
});

Deno.test("oms property: cumulative fill never exceeds quantity and never decreases", () => {
  fc.assert(
    fc.property(scenario, ({ orders, steps }) => {
      const out = run(orders, steps);
      eachOrderStep(out.snapshots, (a, b) => {
        ok(b.filledLots <= b.lots, `filled ${b.filledLots} > lots ${b.lots}`);
        ok(b.filledLots >= a.filledLots, `filled went ${a.filledLots} -> ${b.filledLots}`);
        ok(b.fillCount >= a.fillCount);
        ok(b.filledNotional >= a.filledNotional);
      });
    }),
    { numRuns: RUNS },
  );
});

Deno.test("oms property: terminal states are absorbing", () => {
  fc.assert(
    fc.property(scenario, ({ orders, steps }) => {
      const out = run(orders, steps);
      eachOrderStep(out.snapshots, (a, b) => {
        if (TERMINAL.has(a.status)) deepEqual(b, a);
      });
    }),
    { numRuns: RUNS },
  );
});

Deno.test("oms property: rejected-transition counters equal the illegal events generated", () => {
  fc.assert(
    fc.property(scenario, ({ orders, steps }) => {
      const out = run(orders, steps);
      equal(out.illegalTotal, out.generatedIllegal);
      deepEqual(out.illegalByOms, out.illegalByModel);
    }),
    { numRuns: RUNS },
  );
});
