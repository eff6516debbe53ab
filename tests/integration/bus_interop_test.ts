/**
 * Wire-level interop: our bus (libzmq.so.5 through Deno FFI) against npm
 * zeromq 6.8 running under Node (its own bundled libzmq), in both
 * directions over tcp://127.0.0.1. Proves the bus speaks standard ZMTP with
 * the documented frames: [topic frame, protobuf payload].
 *
 * Needs `deno task setup` (installs config/node-tools with npm zeromq).
 */
import assert from "node:assert/strict";
import { freePort } from "../../tasks/bench_bus.ts";
import { openZmqTransport } from "../../services/common/bus/zmq_ffi.ts";
import { Publisher } from "../../services/common/bus/publisher.ts";
import { Subscriber } from "../../services/common/bus/subscriber.ts";
import { decode, encode, type MessageTypes } from "../../services/common/codec.ts";
import { topicFrame } from "../../services/common/bus/topics.ts";

const NODE_PEER = new URL("../../tasks/bus_node_peer.mjs", import.meta.url).pathname;
const NODE_ZMQ = new URL(
  "../../config/node-tools/node_modules/zeromq/package.json",
  import.meta.url,
);

async function requireNodeZmq(): Promise<void> {
  try {
    await Deno.stat(NODE_ZMQ);
  } catch {
    throw new Error("npm zeromq is missing in config/node-tools: run `deno task setup`");
  }
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const unhex = (s: string) => new Uint8Array(s.match(/../g)!.map((h) => parseInt(h, 16)));

class NodePeer {
  readonly child: Deno.ChildProcess;
  readonly lines: Record<string, unknown>[] = [];
  stderr = "";
  #w: WritableStreamDefaultWriter<Uint8Array>;
  constructor(args: string[]) {
    this.child = new Deno.Command("node", {
      args: [NODE_PEER, ...args],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#w = this.child.stdin.getWriter();
    this.#read();
    this.#readErr();
  }
  async #read() {
    const d = new TextDecoder();
    let buf = "";
    for await (const c of this.child.stdout) {
      buf += d.decode(c, { stream: true });
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line.startsWith("{")) this.lines.push(JSON.parse(line));
      }
    }
  }
  async #readErr() {
    const d = new TextDecoder();
    for await (const c of this.child.stderr) this.stderr += d.decode(c);
  }
  async until(pred: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    const t0 = performance.now();
    while (!pred()) {
      if (performance.now() - t0 > timeoutMs) {
        throw new Error(`node peer: no ${what} within ${timeoutMs} ms; stderr: ${this.stderr}`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  async send(line: string) {
    await this.#w.write(new TextEncoder().encode(line + "\n"));
  }
  async close(): Promise<Deno.CommandStatus> {
    await this.#w.close().catch(() => {});
    const t = setTimeout(() => this.child.kill("SIGKILL"), 5000);
    const st = await this.child.status;
    clearTimeout(t);
    return st;
  }
}

Deno.test({
  name: "interop: Deno FFI publisher -> npm zeromq subscriber under Node",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await requireNodeZmq();
    const port = freePort();
    const transport = openZmqTransport();
    const pub = new Publisher(transport, "market_data", {
      endpoint: `tcp://127.0.0.1:${port}`,
      publisherId: "interop.deno",
    });
    const node = new NodePeer(["sub", pub.endpoint, "market_data/binance/", "3"]);
    try {
      await node.until(() => node.lines.some((l) => l.event === "ready"), "ready");
      // publish until the (late-joining) Node subscriber has its 3 messages
      let i = 0;
      while (node.lines.filter((l) => l.event === "msg").length < 3) {
        pub.publish("BestBidOffer", {
          header: { venue: "binance", symbol: "ETHUSDT", exchangeTsNs: 1_795_486_680_836_142_117n },
          bidPrice: `3000.${i++}`,
        });
        pub.publish("Trade", { header: { venue: "okx", symbol: "ETHUSDT" }, tradeId: "filtered" });
        await new Promise((r) => setTimeout(r, 20));
        if (i > 500) throw new Error(`node got nothing; stderr: ${node.stderr}`);
      }
      const msgs = node.lines.filter((l) => l.event === "msg").map((l) => l.frames as string[]);
      for (const frames of msgs) {
        assert.equal(frames.length, 2);
        assert.equal(
          new TextDecoder().decode(unhex(frames[0])),
          "market_data/binance/ETHUSDT/BestBidOffer",
        );
        const bbo = decode("BestBidOffer", unhex(frames[1]));
        assert.equal(bbo.header!.publisherId, "interop.deno");
        assert.equal(bbo.header!.exchangeTsNs, 1_795_486_680_836_142_117n);
        assert.match(bbo.bidPrice, /^3000\.\d+$/);
      }
      const seqs = msgs.map((f) => decode("BestBidOffer", unhex(f[1])).header!.sequence);
      assert.deepStrictEqual(seqs, [seqs[0], seqs[0] + 1n, seqs[0] + 2n]);
      assert.equal((await node.close()).code, 0);
    } finally {
      pub.close();
      await transport.close();
      try {
        node.child.kill("SIGKILL");
      } catch {
        // exited
      }
    }
  },
});

Deno.test({
  name: "interop: npm zeromq publisher under Node -> Deno FFI subscriber",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await requireNodeZmq();
    const node = new NodePeer(["pub", `tcp://127.0.0.1:${freePort()}`]);
    const transport = openZmqTransport();
    try {
      await node.until(() => node.lines.some((l) => l.event === "bound"), "bound");
      const endpoint = node.lines.find((l) => l.event === "bound")!.endpoint as string;
      const sub = new Subscriber(transport, { endpoints: { order_events: endpoint } });
      const got: MessageTypes["OrderEvent"][] = [];
      sub.registry.onType("order_events", "OrderEvent", (ev) => void got.push(ev));
      sub.subscribe("order_events");
      const running = sub.run();
      const topic = hex(topicFrame("order_events", "binance", "ETHUSDT", "OrderEvent"));
      let seq = 0n;
      while (got.length === 0) {
        seq++;
        const payload = encode("OrderEvent", {
          header: {
            venue: "binance",
            symbol: "ETHUSDT",
            publisherId: "interop.node",
            sessionId: 42n,
            sequence: seq,
          },
          clientOrderId: "c-1",
          status: 5,
          cumulativeQuantity: "1.5",
        });
        await node.send(`send ${topic} ${hex(payload)}`);
        await new Promise((r) => setTimeout(r, 20));
        if (seq > 500n) throw new Error(`deno got nothing; node stderr: ${node.stderr}`);
      }
      const ev = got[0];
      assert.equal(ev.clientOrderId, "c-1");
      assert.equal(ev.status, 5);
      assert.equal(ev.cumulativeQuantity, "1.5");
      assert.equal(ev.header!.publisherId, "interop.node");
      assert.equal(ev.header!.sessionId, 42n);
      await node.send("quit");
      assert.equal((await node.close()).code, 0);
      await sub.close();
      await running;
    } finally {
      await transport.close();
      try {
        node.child.kill("SIGKILL");
      } catch {
        // exited
      }
    }
  },
});
