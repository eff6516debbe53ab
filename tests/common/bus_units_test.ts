/**
 * In-process units of the bus: topic frames and prefixes, the sequence-gap
 * detector (including publisher restarts), the handler registry's error
 * isolation, and publisher/subscriber wiring over loopback TCP in one process
 * (filtering, header stamping, malformed input counted).
 */
import assert from "node:assert/strict";
import {
  defaultEndpoint,
  parseTopicFrame,
  subscriptionPrefix,
  TOPIC_NAMES,
  topicFrame,
  topicFrameText,
  TOPICS,
} from "../../services/common/bus/topics.ts";
import { GapDetector } from "../../services/common/bus/gaps.ts";
import { HandlerRegistry, type MessageMeta } from "../../services/common/bus/registry.ts";
import { BusStats } from "../../services/common/stats.ts";
import { createLogging } from "../../services/common/log.ts";
import { openZmqTransport } from "../../services/common/bus/zmq_ffi.ts";
import { Publisher } from "../../services/common/bus/publisher.ts";
import { Subscriber } from "../../services/common/bus/subscriber.ts";
import type { MessageTypes } from "../../services/common/codec.ts";

Deno.test("topics: the design's topics with their default endpoints", () => {
  assert.deepStrictEqual([...TOPIC_NAMES].sort(), [
    "balances",
    "inventory_deltas",
    "market_data",
    "order_events",
    "orders",
    "position_updates",
  ]);
  assert.equal(defaultEndpoint("market_data"), "tcp://127.0.0.1:7001");
  assert.equal(defaultEndpoint("position_updates"), "tcp://127.0.0.1:7002");
  assert.equal(defaultEndpoint("orders"), "tcp://127.0.0.1:7003");
  assert.equal(TOPICS.orders.binds, "subscriber");
  const ports = TOPIC_NAMES.map((t) => TOPICS[t].port);
  assert.equal(new Set(ports).size, ports.length, "ports are distinct");
});

Deno.test("topics: frames escape / and %, parse back, and prefixes filter at segment boundaries", () => {
  const f = topicFrame("market_data", "okx", "BTC/USDT%x", "Trade");
  assert.equal(new TextDecoder().decode(f), "market_data/okx/BTC%2FUSDT%25x/Trade");
  const p = parseTopicFrame(f)!;
  assert.deepStrictEqual([p.topic, p.venue, p.symbol, p.type], [
    "market_data",
    "okx",
    "BTC/USDT%x",
    "Trade",
  ]);
  assert.equal(parseTopicFrame(new TextEncoder().encode("market_data/x/y/OrderRequest")), null);
  assert.equal(parseTopicFrame(new TextEncoder().encode("nope/x/y/Trade")), null);
  assert.equal(parseTopicFrame(new TextEncoder().encode("market_data/x/Trade")), null);
  assert.equal(subscriptionPrefix("market_data"), "market_data/");
  assert.equal(subscriptionPrefix("market_data", { venue: "binance" }), "market_data/binance/");
  assert.equal(
    subscriptionPrefix("market_data", {
      venue: "binance",
      symbol: "ETH/USDT",
      type: "BestBidOffer",
    }),
    "market_data/binance/ETH%2FUSDT/BestBidOffer",
  );
  assert.throws(() => subscriptionPrefix("market_data", { symbol: "X" }), /symbol needs venue/);
  assert.throws(
    () => subscriptionPrefix("orders", { venue: "a", symbol: "b", type: "Trade" }),
    /orders does not carry Trade/,
  );
  // "binance/" must not match venue "binance2"
  assert.ok(
    !topicFrameText("market_data", "binance2", "X", "Trade").startsWith("market_data/binance/"),
  );
});

Deno.test("gaps: ok, join, gap, restart with missed count, stale and out of order", () => {
  const g = new GapDetector();
  const s = "market_data/binance/ETHUSDT/Trade";
  assert.equal(g.check(s, "p", 100n, 5n).kind, "join");
  assert.equal(g.check(s, "p", 100n, 6n).kind, "ok");
  const gap = g.check(s, "p", 100n, 10n);
  assert.deepStrictEqual([gap.kind, gap.missed, gap.previousSequence], ["gap", 3n, 6n]);
  const ooo = g.check(s, "p", 100n, 10n);
  assert.equal(ooo.kind, "out_of_order");
  // publisher restart: new (larger) session, sequence restarts; 1..3 never arrived
  const r = g.check(s, "p", 200n, 4n);
  assert.deepStrictEqual(
    [r.kind, r.missed, r.previousSessionId, r.previousSequence],
    ["restart", 3n, 100n, 10n],
  );
  assert.equal(g.check(s, "p", 200n, 5n).kind, "ok");
  assert.equal(g.check(s, "p", 100n, 11n).kind, "stale");
  // restart caught from its first message: nothing missed, still reported
  const r2 = g.check(s, "p", 300n, 1n);
  assert.deepStrictEqual([r2.kind, r2.missed], ["restart", 0n]);
  // streams and publishers are independent
  assert.equal(g.check(s, "q", 1n, 1n).kind, "join");
  assert.equal(g.check("other", "p", 300n, 7n).kind, "join");
  assert.equal(g.size, 3);
});

function meta(topic: "market_data" | "orders", type: string): MessageMeta {
  return {
    topic,
    type,
    venue: "v",
    symbol: "s",
    stream: `${topic}/v/s/${type}`,
    receivedNs: 0n,
    bytes: 1,
  };
}

Deno.test("registry: routes by topic and type; a throwing handler does not stop the others", async () => {
  const stats = new BusStats();
  const lines: string[] = [];
  const dir = await Deno.makeTempDir();
  const logging = createLogging({ console: false, file: `${dir}/r.jsonl` });
  const reg = new HandlerRegistry({ stats, logger: logging.logger("t") });
  const seen: string[] = [];
  reg.on("market_data", (_m, m) => void seen.push(`all:${m.type}`), { name: "all" });
  reg.onType("market_data", "Trade", () => {
    throw new Error("boom");
  }, { name: "thrower" });
  reg.onType("market_data", "Trade", () => void seen.push("trade"), { name: "trades" });
  reg.onType("market_data", "BestBidOffer", () => void seen.push("bbo"), { name: "bbo" });
  assert.equal(reg.dispatch({}, meta("market_data", "Trade")), undefined);
  reg.dispatch({}, meta("market_data", "Trade"));
  reg.dispatch({}, meta("market_data", "BestBidOffer"));
  reg.dispatch({}, meta("orders", "OrderRequest"));
  assert.deepStrictEqual(seen, [
    "all:Trade",
    "trade",
    "all:Trade",
    "trade",
    "all:BestBidOffer",
    "bbo",
  ]);
  assert.equal(stats.handlerErrors.get("thrower"), 2);
  assert.equal(stats.errors.get("handler"), 2);
  assert.equal(reg.unhandled, 1);
  assert.throws(() => reg.on("market_data", () => {}, { name: "all" }), /already registered/);
  await logging.close();
  const text = await Deno.readTextFile(`${dir}/r.jsonl`);
  lines.push(...text.trim().split("\n"));
  // logged once (rate-limited), with the handler's name and the error
  assert.equal(lines.length, 1);
  const rec = JSON.parse(lines[0]);
  assert.equal(rec.level, "error");
  assert.equal(rec.handler, "thrower");
  assert.equal(rec.error.message, "boom");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("registry: async handlers are awaited together; a rejection is isolated and counted", async () => {
  const stats = new BusStats();
  const reg = new HandlerRegistry({ stats });
  const order: string[] = [];
  reg.on("orders", async () => {
    await new Promise((r) => setTimeout(r, 5));
    order.push("slow");
  }, { name: "slow" });
  reg.on("orders", () => Promise.reject(new Error("async boom")), { name: "rejects" });
  reg.on("orders", () => void order.push("sync"), { name: "sync" });
  const p = reg.dispatch({}, meta("orders", "OrderRequest"));
  assert.ok(p instanceof Promise);
  await p;
  assert.deepStrictEqual(order, ["sync", "slow"]);
  assert.equal(stats.handlerErrors.get("rejects"), 1);
  const off = reg.on("orders", () => void order.push("late"), { name: "late" });
  off();
  await reg.dispatch({}, meta("orders", "OrderRequest"));
  assert.ok(!order.includes("late"));
});

Deno.test("bus in one process: header stamping, per-stream sequences, filtering, bad input counted", async () => {
  const transport = openZmqTransport();
  const stats = new BusStats();
  const pub = new Publisher(transport, "market_data", {
    endpoint: "tcp://127.0.0.1:*",
    publisherId: "unit.1",
    stats,
  });
  const sub = new Subscriber(transport, { endpoints: { market_data: pub.endpoint }, stats });
  const got: { type: string; m: MessageTypes["Trade"] | MessageTypes["BestBidOffer"] }[] = [];
  sub.registry.on("market_data", (m, meta) => {
    got.push({ type: meta.type, m: m as MessageTypes["Trade"] });
  });
  sub.subscribe("market_data", { venue: "binance" });
  const running = sub.run();
  // wait for the subscription to reach the publisher
  for (let i = 0; got.length === 0 && i < 200; i++) {
    pub.publish("Trade", { header: { venue: "binance", symbol: "PING" }, tradeId: "ping" });
    await new Promise((r) => setTimeout(r, 10));
  }
  got.length = 0;
  const before = performance.now();
  pub.publish("Trade", {
    header: { venue: "binance", symbol: "ETHUSDT" },
    tradeId: "1",
    price: "10",
  });
  pub.publish("Trade", { header: { venue: "binance", symbol: "ETHUSDT" }, tradeId: "2" });
  pub.publish("BestBidOffer", { header: { venue: "binance", symbol: "ETHUSDT" }, bidPrice: "9" });
  pub.publish("Trade", { header: { venue: "okx", symbol: "ETHUSDT" }, tradeId: "filtered out" });
  for (let i = 0; got.length < 3 && i < 200; i++) await new Promise((r) => setTimeout(r, 5));
  assert.equal(got.length, 3);
  const [t1, t2, b1] = got;
  assert.equal(t1.type, "Trade");
  assert.equal(t1.m.header!.publisherId, "unit.1");
  assert.equal(t1.m.header!.sessionId, pub.sessionId);
  assert.equal(t2.m.header!.sequence, t1.m.header!.sequence + 1n, "per-stream sequence");
  assert.equal(b1.m.header!.sequence, 1n, "another stream starts at 1");
  assert.ok(t1.m.header!.publishTsNs > 1_700_000_000_000_000_000n);
  assert.ok(performance.now() - before < 2000);
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(!got.some((g) => (g.m as MessageTypes["Trade"]).tradeId === "filtered out"));
  assert.equal(pub.sequences().size, 4, "one sequence per stream (topic frame)");

  // malformed input from a raw socket is counted and skipped, not fatal
  const raw = transport.publisher();
  const rawEp = raw.bind("tcp://127.0.0.1:*");
  const sub2 = new Subscriber(transport, { endpoints: { market_data: rawEp }, stats });
  sub2.subscribe("market_data");
  let good = 0;
  sub2.registry.on("market_data", () => void good++);
  const run2 = sub2.run();
  const enc = new TextEncoder();
  const frame = enc.encode("market_data/binance/X/Trade");
  for (let i = 0; stats.errors.get("decode") === undefined && i < 200; i++) {
    raw.send([frame, new Uint8Array([0xff, 0xff])]); // undecodable
    await new Promise((r) => setTimeout(r, 10));
  }
  raw.send([enc.encode("market_data/binance/X/Bogus"), new Uint8Array([])]); // unknown type
  raw.send([frame]); // one frame only
  raw.send([frame, new Uint8Array([0x12, 0x01, 0x41])]); // valid Trade but no header
  for (let i = 0; (stats.errors.get("header") ?? 0) < 1 && i < 200; i++) {
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.ok((stats.errors.get("decode") ?? 0) >= 1);
  assert.equal(stats.errors.get("topic"), 1);
  assert.equal(stats.errors.get("frame"), 1);
  assert.equal(stats.errors.get("header"), 1);
  assert.equal(good, 0);
  await sub2.close();
  await run2;
  raw.close();
  await sub.close();
  await running;
  pub.close();
  await transport.close();
});

Deno.test("zmq-ffi: a missing libzmq fails with a message pointing to `deno task setup`", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { openZmqTransport } from "${
        new URL("../../services/common/bus/zmq_ffi.ts", import.meta.url).href
      }"; openZmqTransport();`,
    ],
    env: { ZMQ_LIB_PATH: "/nonexistent/libzmq.so.5" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.success, false);
  const err = new TextDecoder().decode(out.stderr);
  assert.match(
    err,
    /Cannot load libzmq \(libzmq\.so\.5\) from ZMQ_LIB_PATH; tried \/nonexistent\/libzmq\.so\.5/,
  );
  assert.match(err, /Run `deno task setup` \(installs the Debian package libzmq5\)/);
});
