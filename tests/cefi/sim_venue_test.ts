/**
 * Simulated venue: post-only rejection, queue priority on amend, passive
 * fills from sweeps through the queue model, IOC against the book, fees.
 */
import { equal, ok } from "node:assert/strict";
import { SeededRandom } from "../../services/common/random.ts";
import { DEFAULT_MARKET, SyntheticMarket } from "../../services/cefi/sim/market.ts";
import { SimVenue, type VenueFill } from "../../services/cefi/sim/venue.ts";
import type { OrderEvent, OrderRequest } from "../../services/cefi/trader/types.ts";
import { spec } from "./mm_support.ts";

function setup() {
  const m = new SyntheticMarket({ ...DEFAULT_MARKET, jitterProb: 0 }, new SeededRandom(5));
  const events: OrderEvent[] = [];
  const fills: VenueFill[] = [];
  const v = new SimVenue(m, spec(), { makerBps: -1, takerBps: 5 }, {
    orderEvent: (e) => events.push(e),
    trade: () => {},
    fill: (f) => fills.push(f),
  });
  return { m, v, events, fills };
}

function req(o: Partial<OrderRequest>): OrderRequest {
  return {
    venue: "sim",
    symbol: "ETHUSDT",
    action: "NEW",
    clientOrderId: "c1",
    side: "BUY",
    type: "LIMIT",
    timeInForce: "GTC",
    postOnly: true,
    reduceOnly: false,
    lots: 1n,
    tsNs: 0n,
    ...o,
  };
}

Deno.test("sim venue: post-only order that would cross is rejected", () => {
  const { m, v, events } = setup();
  v.onRequest(req({ priceTicks: BigInt(m.bestAsk()) }), 1n);
  equal(events[0].status, "REJECTED");
  equal(v.stats.postOnlyRejects, 1);
});

Deno.test("sim venue: IOC takes the book and expires the rest; taker fee charged", () => {
  const { m, v, events, fills } = setup();
  const ask = m.bestAsk();
  const size = m.asks.get(ask)!;
  v.onRequest(
    req({ timeInForce: "IOC", postOnly: false, priceTicks: BigInt(ask), lots: BigInt(size + 5) }),
    1n,
  );
  equal(events.map((e) => e.status).join(","), "ACK,PARTIALLY_FILLED,EXPIRED");
  equal(fills[0].lots, size);
  equal(fills[0].maker, false);
  ok(fills[0].feeQuote > 0);
  ok(!m.asks.has(ask), "the level was taken");
});

Deno.test("sim venue: a resting bid fills only after the queue ahead is consumed", () => {
  const { m, v, fills } = setup();
  const bid = m.bestBid();
  const ahead = m.bids.get(bid)!;
  v.onRequest(req({ priceTicks: BigInt(bid), lots: 2n }), 1n);
  // sweeps until the level at our price is consumed
  let n = 0;
  while (fills.length === 0 && n++ < 10_000) v.sweep(BigInt(n));
  ok(fills.length > 0, "eventually filled");
  equal(fills[0].maker, true);
  ok(fills[0].feeQuote < 0, "maker rebate");
  ok(ahead > 0);
});

Deno.test("sim venue: an amend to a new price goes to the back of the queue", () => {
  const { m, v, events } = setup();
  const bid = m.bestBid();
  v.onRequest(req({ priceTicks: BigInt(bid - 3), lots: 1n }), 1n);
  v.onRequest(
    req({
      action: "REPLACE",
      clientOrderId: "c2",
      origClientOrderId: "c1",
      priceTicks: BigInt(bid - 1),
      lots: 1n,
    }),
    2n,
  );
  equal(events.at(-1)!.status, "ACK");
  equal(events.at(-1)!.clientOrderId, "c2");
  equal(v.liveOrders()[0].priceTicks, bid - 1);
  equal(v.stats.amends, 1);
});
