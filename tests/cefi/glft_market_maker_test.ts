/**
 * The GLFT market maker in its container: quotes against the formulas
 * computed by hand, skew and hedging of DeFi inventory deltas (passive, then
 * aggressive after the time bound), kill switch, stale-data guard, max
 * position side suppression and the requote threshold.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { glftByHand, harness, SEC, T0 } from "./mm_support.ts";

const P = { gamma: 0.1, sigma: 2, A: 1, k: 0.5 };

Deno.test("glft mm: first quotes equal the GLFT formulas (q = 0), post-only, 1 lot", async () => {
  const h = await harness();
  h.snapshot(T0 + 1n, 1000, 1001);
  const reqs = h.take();
  const want = glftByHand(P, 1000.5, 0);
  equal(reqs.length, 2);
  const bid = reqs.find((r) => r.side === "BUY")!;
  const ask = reqs.find((r) => r.side === "SELL")!;
  equal(bid.priceTicks, BigInt(want.bidTick));
  equal(ask.priceTicks, BigInt(want.askTick));
  equal(want.bidTick, 998); // 1000.5 - 2.37
  equal(want.askTick, 1003); // 1000.5 + 2.37
  ok(bid.postOnly && ask.postOnly);
  equal(bid.lots, 1n);
  equal(bid.timeInForce, "GTC");
});

Deno.test("glft mm: a fill skews both quotes by the GLFT skew (q = 1)", async () => {
  const h = await harness({ requoteThresholdTicks: 0 });
  h.snapshot(T0 + 1n, 1000, 1001);
  h.answer(T0 + 2n);
  const bidId = h.mm.quoteIds.bid!;
  h.take();
  h.fill(bidId, 1n, T0 + 3n);
  const want = glftByHand(P, 1000.5, 1);
  // bid was filled: a new bid at the skewed price; the ask is amended down
  const reqs = h.take();
  const nb = reqs.find((r) => r.action === "NEW" && r.side === "BUY")!;
  const ra = reqs.find((r) => r.action === "REPLACE" && r.side === "SELL")!;
  equal(nb.priceTicks, BigInt(want.bidTick));
  equal(ra.priceTicks, BigInt(want.askTick));
  equal(want.bidTick, 997);
  equal(want.askTick, 1002);
  equal(h.mm.inventory.cefi, 1n);
});

Deno.test("glft mm: quotes never cross the book (bid < best ask, ask > best bid)", async () => {
  // a huge skew (q at the bound) pulls the ask below the best bid: it is clamped
  const h = await harness({ gamma: 2, maxPositionLots: 50n });
  h.snapshot(T0 + 1n, 1000, 1001);
  h.answer(T0 + 2n);
  h.take();
  for (let i = 0; i < 5; i++) {
    const id = h.mm.quoteIds.bid!;
    h.fill(id, 1n, T0 + 10n + BigInt(i));
    h.answer(T0 + 10n + BigInt(i));
  }
  const o = h.open();
  ok(o.asks.every((p) => p >= 1001n), `asks ${o.asks}`);
  ok(o.bids.every((p) => p <= 1000n), `bids ${o.bids}`);
  ok(o.asks.includes(1001n), `ask joins the touch: ${o.asks}`);
});

Deno.test("glft mm: inventory delta skews quotes, then hedges passively, then aggressively", async () => {
  const h = await harness({
    maxPositionLots: 10n,
    requoteThresholdTicks: 0,
    staleBookNs: 100n * SEC,
    hedge: {
      baseTokenSymbol: "WETH",
      toleranceLots: 1n,
      passiveTimeoutNs: 5n * SEC,
      maxAggressiveLots: 3n,
      maxSlippageTicks: 2,
    },
  });
  h.snapshot(T0, 1000, 1001);
  h.answer(T0 + 1n);
  h.take();
  const before = h.open();
  h.c.onInventoryDelta({
    kind: "inventory_delta",
    venue: "uniswap_v3:arbitrum",
    symbol: "0xpool",
    tsNs: T0 + SEC,
    token0Symbol: "USDC",
    token1Symbol: "WETH",
    amount0: "-250",
    amount1: "0.05", // 5 lots of 0.01
    reason: "POOL_SWAP",
  });
  equal(h.mm.inventory.defi, 5n);
  const skew = h.take();
  // both quotes amended down (we are long: sell more eagerly, buy less)
  const rb = skew.find((r) => r.side === "BUY" && r.action === "REPLACE")!;
  const ra = skew.find((r) => r.side === "SELL" && r.action === "REPLACE")!;
  const want = glftByHand(P, 1000.5, 5);
  ok(rb.priceTicks! < before.bids[0]);
  ok(ra.priceTicks! < before.asks[0]);
  equal(rb.priceTicks, BigInt(want.bidTick));
  equal(ra.priceTicks, BigInt(Math.max(want.askTick, 1001)));
  h.answer(T0 + SEC + 1n);
  // passive phase: nothing aggressive before the time bound
  h.c.onTimer(T0 + 5n * SEC);
  h.update(T0 + 5n * SEC + 1n, [1000, 12], []);
  ok(h.take().every((r) => r.timeInForce !== "IOC"));
  // time bound passed: an IOC sell of at most 3 lots, at most 2 ticks through the bid
  h.c.onTimer(T0 + 6n * SEC + 1n);
  const agg = h.take().filter((r) => r.timeInForce === "IOC");
  equal(agg.length, 1);
  equal(agg[0].side, "SELL");
  equal(agg[0].lots, 3n);
  equal(agg[0].priceTicks, 998n);
  equal(agg[0].postOnly, false);
  // it fills 3 lots: the remaining gap (2 lots) gets another passive window
  h.answer(T0 + 6n * SEC + 2n);
  h.fill(agg[0].clientOrderId, 3n, T0 + 6n * SEC + 3n, 1000n);
  equal(h.mm.inventory.net, 2n);
  h.c.onTimer(T0 + 8n * SEC);
  ok(h.take().every((r) => r.timeInForce !== "IOC"));
  h.c.onTimer(T0 + 12n * SEC);
  h.update(T0 + 12n * SEC, [1000, 11], []);
  const agg2 = h.take().filter((r) => r.timeInForce === "IOC");
  equal(agg2.length, 1);
  equal(agg2[0].lots, 2n);
  const st = h.c.stats().strategy;
  equal(st.aggressiveHedgeOrders, 2);
  equal(st.aggressiveHedgeLots, 5);
});

Deno.test("glft mm: a gap closed by passive fills needs no aggressive hedge", async () => {
  const h = await harness({
    requoteThresholdTicks: 0,
    staleBookNs: 100n * SEC,
    hedge: {
      baseTokenSymbol: "WETH",
      toleranceLots: 0n,
      passiveTimeoutNs: 5n * SEC,
      maxAggressiveLots: 3n,
      maxSlippageTicks: 2,
    },
  });
  h.snapshot(T0, 1000, 1001);
  h.answer(T0 + 1n);
  h.c.onInventoryDelta({
    kind: "inventory_delta",
    venue: "uniswap_v3:arbitrum",
    symbol: "0xpool",
    tsNs: T0 + SEC,
    token0Symbol: "WETH",
    token1Symbol: "USDC",
    amount0: "-0.01",
    amount1: "25",
    reason: "REBALANCE_SWAP",
  });
  equal(h.mm.inventory.net, -1n);
  h.answer(T0 + SEC + 1n);
  h.fill(h.mm.quoteIds.bid!, 1n, T0 + 2n * SEC);
  h.answer(T0 + 2n * SEC + 1n);
  h.c.onTimer(T0 + 20n * SEC);
  h.update(T0 + 20n * SEC, [1000, 9], []);
  ok(h.take().every((r) => r.timeInForce !== "IOC"));
  const st = h.c.stats().strategy;
  equal(st.hedgesDonePassively, 1);
  equal(st.aggressiveHedgeOrders, 0);
});

Deno.test("glft mm: kill switch on command cancels every open order and stops quoting", async () => {
  const h = await harness();
  h.snapshot(T0, 1000, 1001);
  h.answer(T0 + 1n);
  h.take();
  h.c.kill({ reason: "operator" }, T0 + 2n);
  const reqs = h.take();
  equal(reqs.length, 2);
  ok(reqs.every((r) => r.action === "CANCEL"));
  h.answer(T0 + 3n);
  deepEqual(h.open(), { bids: [], asks: [] });
  h.update(T0 + 4n, [1000, 20], [1001, 20]);
  h.c.onTimer(T0 + 5n);
  equal(h.take().length, 0);
  const s = h.c.stats();
  equal(s.state, "killed");
  equal(s.killSwitch.active, true);
  equal(s.killSwitch.reason, "operator");
  equal(s.strategy.killed, true);
  equal(h.c.isRunning(), false);
});

Deno.test("glft mm: kill switch with flatten sends a reduce-only market IOC until flat", async () => {
  const h = await harness({ requoteThresholdTicks: 0 });
  h.snapshot(T0, 1000, 1001);
  h.answer(T0 + 1n);
  for (let i = 0; i < 3; i++) {
    h.fill(h.mm.quoteIds.bid!, 1n, T0 + 10n + BigInt(i));
    h.answer(T0 + 10n + BigInt(i));
  }
  equal(h.pms.position("sim", "ETHUSDT").lots, 3n);
  h.take();
  h.c.kill({ reason: "operator", flatten: true }, T0 + 100n);
  const reqs = h.take();
  const flat = reqs.filter((r) => r.action === "NEW");
  equal(reqs.filter((r) => r.action === "CANCEL").length, 2);
  equal(flat.length, 1);
  equal(flat[0].type, "MARKET");
  equal(flat[0].timeInForce, "IOC");
  equal(flat[0].reduceOnly, true);
  equal(flat[0].side, "SELL");
  equal(flat[0].lots, 3n);
  // partial fill then expiry: flatten again for the rest on the next event
  h.answer(T0 + 101n);
  h.fill(flat[0].clientOrderId, 2n, T0 + 102n, 999n);
  h.c.onOrderEvent({ clientOrderId: flat[0].clientOrderId, status: "EXPIRED", tsNs: T0 + 103n });
  const again = h.take().filter((r) => r.action === "NEW");
  equal(again.length, 1);
  equal(again[0].lots, 1n);
  h.answer(T0 + 104n);
  h.fill(again[0].clientOrderId, 1n, T0 + 105n, 999n);
  equal(h.pms.position("sim", "ETHUSDT").lots, 0n);
  h.c.onTimer(T0 + 200n);
  equal(h.take().length, 0);
  equal(h.c.stats().killSwitch.flat, true);
  equal(h.c.stats().killSwitch.flattenOrders, 2);
});

Deno.test("glft mm: a max position breach triggers the kill switch (and flattens)", async () => {
  const h = await harness({
    maxPositionLots: 5n,
    kill: { maxPositionLots: 1n, flatten: true },
    requoteThresholdTicks: 0,
  });
  h.snapshot(T0, 1000, 1001);
  h.answer(T0 + 1n);
  h.fill(h.mm.quoteIds.bid!, 1n, T0 + 2n);
  equal(h.c.state, "running");
  h.answer(T0 + 3n);
  h.take();
  h.fill(h.mm.quoteIds.bid!, 1n, T0 + 4n);
  equal(h.c.state, "killed");
  const s = h.c.stats();
  ok(String(s.killSwitch.reason).startsWith("max_position"), String(s.killSwitch.reason));
  const reqs = h.take();
  ok(reqs.some((r) => r.action === "CANCEL"));
  const f = reqs.find((r) => r.type === "MARKET")!;
  equal(f.side, "SELL");
  equal(f.lots, 2n);
});

Deno.test("glft mm: stale book (no update within the bound) cancels quotes until fresh", async () => {
  const h = await harness({ staleBookNs: SEC });
  h.snapshot(T0, 1000, 1001);
  h.answer(T0 + 1n);
  h.take();
  h.c.onTimer(T0 + SEC); // exactly at the bound: still fresh
  equal(h.take().length, 0);
  h.c.onTimer(T0 + SEC + 1n);
  const c = h.take();
  equal(c.length, 2);
  ok(c.every((r) => r.action === "CANCEL"));
  h.answer(T0 + SEC + 2n);
  h.c.onTimer(T0 + 2n * SEC);
  h.c.onTimer(T0 + 3n * SEC);
  equal(h.take().length, 0, "no quotes while stale");
  const st = h.c.stats().strategy;
  equal(st.staleActive, true);
  equal(st.staleEpisodes, 1);
  // an update whose exchange time is old is still stale
  h.update(T0 + 3n * SEC, [1000, 11], [], { exch: T0 + SEC });
  equal(h.take().length, 0);
  h.update(T0 + 3n * SEC + 1n, [1000, 12], []);
  const fresh = h.take();
  equal(fresh.length, 2);
  ok(fresh.every((r) => r.action === "NEW"));
  equal(h.c.stats().strategy.staleActive, false);
});

Deno.test("glft mm: a sequence gap cancels quotes; none until a new snapshot", async () => {
  const h = await harness();
  h.snapshot(T0, 1000, 1001);
  h.answer(T0 + 1n);
  h.take();
  h.update(T0 + 2n, [1000, 9], [], { skip: 1 });
  const c = h.take();
  equal(c.length, 2);
  ok(c.every((r) => r.action === "CANCEL"));
  h.answer(T0 + 3n);
  h.update(T0 + 4n, [1000, 8], []); // continues after the gap: still refused by the book
  h.c.onTimer(T0 + 5n);
  equal(h.take().length, 0);
  equal(h.c.stats().strategy.gapOpen, true);
  equal(h.c.stats().strategy.seqGaps, 1);
  h.snapshot(T0 + 6n, 1000, 1001);
  equal(h.take().filter((r) => r.action === "NEW").length, 2);
  equal(h.c.stats().strategy.gapOpen, false);
});

Deno.test("glft mm: no quote on the side that would breach max position", async () => {
  const h = await harness({ maxPositionLots: 2n, requoteThresholdTicks: 0 });
  h.snapshot(T0, 1000, 1001);
  h.answer(T0 + 1n);
  h.fill(h.mm.quoteIds.bid!, 1n, T0 + 2n);
  h.answer(T0 + 3n);
  equal(h.open().bids.length, 1, "1 + 1 <= 2: still bidding");
  h.fill(h.mm.quoteIds.bid!, 1n, T0 + 4n);
  h.answer(T0 + 5n);
  equal(h.pms.position("sim", "ETHUSDT").lots, 2n);
  h.update(T0 + 6n, [1000, 12], []);
  h.answer(T0 + 7n);
  const o = h.open();
  equal(o.bids.length, 0, "bid suppressed at the limit");
  equal(o.asks.length, 1, "ask still quoted");
  ok(Number(h.c.stats().strategy.bidSuppressed) > 0);
  // selling one lot frees the bid side again
  h.fill(h.mm.quoteIds.ask!, 1n, T0 + 8n);
  h.answer(T0 + 9n);
  h.update(T0 + 10n, [1000, 13], []);
  equal(h.open().bids.length, 1);
});

Deno.test("glft mm: requote threshold — a quiet market sends no requests (no cancel storm)", async () => {
  const run = async (threshold: number) => {
    const h = await harness({ requoteThresholdTicks: threshold });
    h.snapshot(T0, 1000, 1001);
    h.answer(T0 + 1n);
    h.take();
    // 2000 updates: sizes churn, the spread flickers between 1 and 2 ticks (mid ± 0.5)
    for (let i = 0; i < 2000; i++) {
      const ts = T0 + BigInt(i + 2) * 10_000_000n;
      if (i % 2 === 0) h.update(ts, [1000, 10 + (i % 7)], [1001, 0, 1002, 10]);
      else h.update(ts, [1000, 10], [1001, 10 + (i % 5)]);
      h.answer(ts + 1n);
    }
    return h.take().length;
  };
  equal(await run(1), 0);
  ok((await run(0)) >= 1000, "threshold 0 amends on every flicker");
});

Deno.test("glft mm: requests refused by the OMS rate limit are retried, never flooded", async () => {
  const h = await harness({ requoteThresholdTicks: 0 }, {
    rate: { capacity: 2, refillIntervalNs: SEC },
  });
  h.snapshot(T0, 1000, 1001);
  h.answer(T0 + 1n);
  equal(h.take().length, 2);
  // the market moves every 10 ms for 3 s: at most 1 token per second
  for (let i = 1; i <= 300; i++) {
    const ts = T0 + BigInt(i) * 10_000_000n;
    const b = 1000 + (i % 2 === 0 ? 5 : 0);
    h.snapshot(ts, b, b + 1);
    h.answer(ts + 1n);
  }
  const n = h.take().length;
  ok(n <= 3, `${n} requests within 3 s at 1/s`);
  ok(Number(h.c.stats().strategy.rateLimited) > 0);
  ok(Number(h.c.stats().refused.byReason.rate_limited) > 0);
});
