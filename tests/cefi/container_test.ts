/**
 * StrategyContainer and TraderLib: lifecycle, routing, OMS pass-through,
 * statistics and latency; GLFT quotes of core.wasm against the formulas.
 */
import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { StrategyContainer, TraderLib } from "../../services/cefi/trader/container.ts";
import { LatencyHistogram } from "../../services/cefi/trader/latency.ts";
import type { MarketDataEvent } from "../../services/cefi/trader/market_data.ts";
import { MiniOMS } from "../../services/cefi/trader/mini_oms.ts";
import { MiniPMS } from "../../services/cefi/trader/mini_pms.ts";
import { AbstractStrategy, type Intent, NO_INTENTS } from "../../services/cefi/trader/strategy.ts";
import type { OrderRequest } from "../../services/cefi/trader/types.ts";
import { core, glftByHand, S, spec, T0, V } from "./mm_support.ts";

/** Places one bid per trade print, logs what it sees. */
class Echo extends AbstractStrategy {
  seen: string[] = [];
  override onMarketData(ev: MarketDataEvent): readonly Intent[] {
    this.seen.push(ev.kind);
    if (ev.kind !== "trade") return NO_INTENTS;
    return [{
      kind: "place",
      order: { venue: V, symbol: ev.symbol, side: "BUY", lots: 1n, priceTicks: 10n },
    }];
  }
  override onInventoryDelta(): readonly Intent[] {
    this.seen.push("inventory");
    return NO_INTENTS;
  }
  override onTradeExecution(): readonly Intent[] {
    this.seen.push("fill");
    return NO_INTENTS;
  }
}

function trade(ts: bigint, symbol = S): MarketDataEvent {
  return {
    kind: "trade",
    venue: V,
    symbol,
    tsNs: ts,
    exchangeTsNs: ts - 500n,
    tradeId: String(ts),
    priceTicks: 10,
    lots: 1,
    venueSequence: 1n,
  };
}

function setup(limits = {}) {
  const pms = new MiniPMS();
  pms.addInstrument(V, spec());
  const oms = new MiniOMS({ risk: pms, limits });
  const sent: OrderRequest[] = [];
  return { pms, oms, sent, sink: (r: OrderRequest) => sent.push(r) };
}

Deno.test("container: lifecycle, routing only while running, stats", () => {
  const e = setup();
  let now = T0;
  const s = new Echo({ name: "echo", venue: V, symbol: S, riskLimits: { maxPosition: "0.01" } });
  const c = new StrategyContainer({ strategy: s, ...e, clock: () => now });
  equal(c.state, "initialized");
  c.onMarketData(trade(T0 + 1000n));
  deepEqual(s.seen, []);
  c.start(T0);
  ok(c.isRunning());
  throws(() => c.start(T0), /running/);
  now = T0 + 3000n; // the live clock says 2 us after receipt
  c.onMarketData(trade(T0 + 1000n));
  equal(e.sent.length, 1);
  equal(e.sent[0].strategy, "echo");
  c.onInventoryDelta({
    kind: "inventory_delta",
    venue: "u",
    symbol: "p",
    tsNs: T0,
    token0Symbol: "A",
    token1Symbol: "B",
    amount0: "0",
    amount1: "0",
    reason: "MINT",
  });
  // risk limits installed from the config: a second bid of 1 lot breaches max position 0.01 (1 lot)
  c.onMarketData(trade(T0 + 2000n));
  const st = c.stats();
  equal(st.refused.byReason.risk, 1);
  equal(st.eventsIn.marketData, 3);
  equal(st.eventsIn.inventoryDeltas, 1);
  equal(st.intents.place, 2);
  equal(st.ordersOut.NEW, 1);
  equal(st.latencyNs.feed.count, 3);
  equal(st.latencyNs.feed.max, 500);
  equal(st.latencyNs.toOrder.count, 1);
  equal(st.latencyNs.toOrder.max, 2000);
  c.stop(T0 + 5000n);
  equal(c.state, "stopped");
  // stop cancelled the open order (it was never SENT: cancelled at once, no request)
  equal(e.oms.openOrders().length, 0);
});

Deno.test("container: order events reach the OMS, fills the PMS, then the strategy", () => {
  const e = setup();
  const s = new Echo({ name: "echo", venue: V, symbol: S });
  const c = new StrategyContainer({ strategy: s, ...e });
  c.start(T0);
  c.onMarketData(trade(T0 + 1n));
  const id = e.sent[0].clientOrderId;
  c.onOrderEvent({ clientOrderId: id, status: "ACK", tsNs: T0 + 2n });
  c.onOrderEvent({
    clientOrderId: id,
    status: "FILLED",
    lastFillLots: 1n,
    lastFillPriceTicks: 10n,
    tradeId: "x",
    tsNs: T0 + 3n,
  });
  equal(e.pms.position(V, S).lots, 1n);
  ok(s.seen.includes("fill"));
  c.onOrderEvent({ clientOrderId: "nope", status: "ACK", tsNs: T0 + 4n });
  equal(c.stats().eventsIn.illegalOrderEvents, 1);
  equal(c.stats().eventsIn.fills, 1);
});

Deno.test("trader lib: routes market data by instrument and order events by strategy", () => {
  const e = setup();
  const lib = new TraderLib(e);
  const a = new Echo({ name: "a", venue: V, symbol: S });
  const b = new Echo({ name: "b", venue: V, symbol: "OTHER" });
  lib.add(a);
  lib.add(b);
  throws(() => lib.add(new Echo({ name: "a", venue: V, symbol: S })), /already|hosted/);
  lib.start(T0);
  lib.onMarketData(trade(T0 + 1n));
  deepEqual(a.seen, ["trade"]);
  deepEqual(b.seen, []);
  const id = e.sent[0].clientOrderId;
  lib.onOrderEvent({ clientOrderId: id, status: "ACK", tsNs: T0 + 2n });
  equal(lib.container("a")!.stats().eventsIn.orderEvents, 1);
  equal(lib.container("b")!.stats().eventsIn.orderEvents, 0);
  lib.killAll({ reason: "test" }, T0 + 3n);
  equal(lib.container("a")!.state, "killed");
  equal(e.sent.at(-1)!.action, "CANCEL");
});

Deno.test("latency histogram: exact count/min/max, percentiles within 12.5 %", () => {
  const h = new LatencyHistogram();
  for (let i = 1; i <= 1000; i++) h.record(i * 1000);
  const s = h.summary();
  equal(s.count, 1000);
  equal(s.min, 1000);
  equal(s.max, 1_000_000);
  ok(Math.abs(s.p50 - 500_000) / 500_000 < 0.125, String(s.p50));
  ok(Math.abs(s.p99 - 990_000) / 990_000 < 0.125, String(s.p99));
});

Deno.test("glft (core.wasm) quotes equal the formulas computed with plain Math", async () => {
  const { quoting } = await core();
  const cases = [
    { gamma: 0.1, sigma: 2, A: 1, k: 0.5 },
    { gamma: 0.05, sigma: 1.3, A: 2.2, k: 0.8, fee: 0.25 },
    { gamma: 0.2, xi: 0, sigma: 3, A: 0.7, k: 1.5 },
  ];
  for (const p of cases) {
    for (const q of [-7, -1, 0, 2, 5]) {
      const mid = 6000.5;
      const w = quoting.glft({ ...p, lot: 1, tickSize: 1 }, mid, q);
      const h = glftByHand(p, mid, q);
      ok(Math.abs(w.bidDepth - h.bidDepth) < 1e-9, `bid depth ${w.bidDepth} vs ${h.bidDepth}`);
      ok(Math.abs(w.askDepth - h.askDepth) < 1e-9, `ask depth ${w.askDepth} vs ${h.askDepth}`);
      equal(w.bidTick, h.bidTick);
      equal(w.askTick, h.askTick);
    }
    const c = quoting.glftCoefficients({ ...p, lot: 1 });
    const h0 = glftByHand(p, 0, 0);
    ok(Math.abs(c.halfSpread - (h0.bidDepth - (p.fee ?? 0))) < 1e-9);
  }
});
