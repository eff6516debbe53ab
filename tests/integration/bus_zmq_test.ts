/**
 * The real ZeroMQ bus between OS processes over tcp://127.0.0.1 (peers are
 * `tasks/bus_peer.ts` child processes): 100,000 messages delivered with no
 * loss and in order at a sustainable rate; the subscriber keeps working when
 * the publisher process is killed and restarted, reporting the restart and
 * the messages it missed; topic filtering by venue; an idle subscriber's CPU.
 */
import assert from "node:assert/strict";
import { cpuSeconds, freePort } from "../../tasks/bench_bus.ts";

const PEER = new URL("../../tasks/bus_peer.ts", import.meta.url).pathname;

/** A bus_peer child with JSON-line stdout. */
class Proc {
  readonly child: Deno.ChildProcess;
  readonly lines: Record<string, unknown>[] = [];
  #stderr = "";
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #reading: Promise<void>;
  constructor(args: string[]) {
    this.child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", PEER, ...args],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#writer = this.child.stdin.getWriter();
    this.#reading = this.#read();
    this.#readErr();
  }
  async #readErr(): Promise<void> {
    const d = new TextDecoder();
    for await (const c of this.child.stderr) this.#stderr += d.decode(c);
  }
  async #read(): Promise<void> {
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
  async waitFor(event: string, timeoutMs = 30_000): Promise<Record<string, unknown>> {
    const t0 = performance.now();
    for (;;) {
      const hit = this.lines.find((l) => l.event === event);
      if (hit) return hit;
      if (performance.now() - t0 > timeoutMs) {
        throw new Error(
          `no '${event}' within ${timeoutMs} ms; stderr: ${this.#stderr.slice(-3000)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  async send(line: string): Promise<void> {
    await this.#writer.write(new TextEncoder().encode(line + "\n")).catch(() => {});
  }
  async finish(): Promise<Deno.CommandStatus> {
    await this.#writer.close().catch(() => {});
    const st = await this.child.status;
    await this.#reading;
    return st;
  }
  kill(sig: Deno.Signal = "SIGKILL"): void {
    try {
      this.child.kill(sig);
    } catch {
      // gone
    }
  }
}

interface SubResult {
  received: number;
  inOrder: boolean;
  bySymbol: Record<string, number>;
  byVenue: Record<string, number>;
  sessions: string[];
  gaps: { events: number; missed: number; restarts: number; outOfOrder: number };
  gapEvents: { kind: string; missed: string; sessionId: string; previousSessionId?: string }[];
  errors: Record<string, number>;
  rate: number;
}

Deno.test({
  name: "bus: 100,000 messages between two processes, no loss, in order",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const ep = `tcp://127.0.0.1:${freePort()}`;
    const N = 100_000;
    const sub = new Proc(["sub", "--endpoint", ep, "--count", String(N), "--warmup-count", "200"]);
    await sub.waitFor("ready");
    const pub = new Proc([
      "pub",
      "--endpoint",
      ep,
      "--count",
      String(N),
      "--rate",
      "50000",
      "--warmup",
    ]);
    try {
      await sub.waitFor("warm");
      const t0 = performance.now();
      await pub.send("go");
      const r = await sub.waitFor("result", 60_000) as unknown as SubResult;
      const seconds = (performance.now() - t0) / 1000;
      assert.equal(r.received, N);
      assert.equal(r.inOrder, true);
      assert.deepStrictEqual(r.bySymbol, { ETHUSDT: N });
      assert.equal(r.gaps.events, 0, JSON.stringify(r.gaps));
      assert.equal(r.gaps.missed, 0);
      assert.deepStrictEqual(r.errors, {});
      assert.ok(seconds < 30, `took ${seconds} s`);
      const done = await pub.waitFor("done");
      assert.equal(done.sent, N);
    } finally {
      pub.kill();
      sub.kill();
      await pub.finish();
      await sub.finish();
    }
  },
});

Deno.test({
  name:
    "bus: subscriber survives a publisher kill and restart; the restart and its loss are reported",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const ep = `tcp://127.0.0.1:${freePort()}`;
    const sub = new Proc([
      "sub",
      "--endpoint",
      ep,
      "--count",
      "1000000",
      "--idle-exit-ms",
      "2500",
      "--log-level",
      "info",
    ]);
    await sub.waitFor("ready");
    const first = new Proc([
      "pub",
      "--endpoint",
      ep,
      "--count",
      "1000000",
      "--rate",
      "2000",
      "--warmup",
      "--publisher-id",
      "md.1",
    ]);
    let second: Proc | null = null;
    try {
      await sub.waitFor("warm");
      await first.send("go");
      await new Promise((r) => setTimeout(r, 700));
      first.kill("SIGKILL"); // no goodbye: the TCP connection just dies
      const st = await first.finish();
      assert.equal(st.success, false);
      // Same endpoint, same publisher id, new process: publishes at once, while
      // the subscriber is still reconnecting (those first messages are lost).
      second = new Proc([
        "pub",
        "--endpoint",
        ep,
        "--count",
        "3000",
        "--rate",
        "2000",
        "--publisher-id",
        "md.1",
      ]);
      await second.waitFor("done", 30_000);
      const r = await sub.waitFor("result", 30_000) as unknown as SubResult;
      assert.equal(r.sessions.length, 2, `two publisher sessions: ${r.sessions}`);
      assert.equal(r.gaps.restarts, 1, JSON.stringify(r.gaps));
      const restart = r.gapEvents.find((e) => e.kind === "restart");
      assert.ok(restart, JSON.stringify(r.gapEvents));
      assert.ok(BigInt(restart.sessionId) > BigInt(restart.previousSessionId!));
      // What the second publisher sent before the reconnect is counted as missed.
      assert.equal(r.gaps.missed, Number(restart.missed));
      assert.ok(r.gaps.missed > 0, "messages sent during reconnection are reported missing");
      assert.ok(r.bySymbol.ETHUSDT > 1000, `kept receiving after the restart: ${r.received}`);
      assert.equal(r.inOrder, true);
    } finally {
      first.kill();
      second?.kill();
      sub.kill();
      await second?.finish();
      await sub.finish();
    }
  },
});

Deno.test({
  name: "bus: topic filtering by venue across processes",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const ep = `tcp://127.0.0.1:${freePort()}`;
    const N = 3000;
    const sub = new Proc([
      "sub",
      "--endpoint",
      ep,
      "--count",
      String(N / 2),
      "--filter-venue",
      "binance",
      "--idle-exit-ms",
      "1500",
    ]);
    await sub.waitFor("ready");
    const pub = new Proc([
      "pub",
      "--endpoint",
      ep,
      "--count",
      String(N),
      "--rate",
      "20000",
      "--warmup",
      "--venues",
      "binance,okx",
      "--symbols",
      "ETHUSDT,BTCUSDT,SOLUSDT",
    ]);
    try {
      await sub.waitFor("warm");
      await pub.send("go");
      const r = await sub.waitFor("result", 30_000) as unknown as SubResult;
      assert.deepStrictEqual(Object.keys(r.byVenue), ["binance"]);
      assert.equal(r.received, N / 2);
      // binance got messages 0, 2, 4, ...: all three symbols
      assert.deepStrictEqual(Object.keys(r.bySymbol).sort(), ["BTCUSDT", "ETHUSDT", "SOLUSDT"]);
      assert.equal(r.gaps.events, 0, "filtering whole streams leaves no holes");
    } finally {
      pub.kill();
      sub.kill();
      await pub.finish();
      await sub.finish();
    }
  },
});

Deno.test({
  name: "bus: an idle subscriber uses under 1% CPU (no busy polling)",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const ep = `tcp://127.0.0.1:${freePort()}`;
    const pub = new Proc(["pub", "--endpoint", ep, "--count", "0", "--hold", "--warmup"]);
    await pub.waitFor("bound");
    const sub = new Proc([
      "sub",
      "--endpoint",
      ep,
      "--count",
      "1000000000",
      "--idle-exit-ms",
      "1000000000",
    ]);
    try {
      await sub.waitFor("warm");
      await pub.send("go"); // warm-up stops; connected and silent from here
      await new Promise((r) => setTimeout(r, 1000));
      const pid = sub.child.pid;
      const c0 = await cpuSeconds(pid);
      const t0 = performance.now();
      await new Promise((r) => setTimeout(r, 3000));
      const c1 = await cpuSeconds(pid);
      const percent = ((c1 - c0) / ((performance.now() - t0) / 1000)) * 100;
      assert.ok(percent < 1, `idle subscriber used ${percent.toFixed(2)}% CPU`);
    } finally {
      await sub.send("quit");
      await pub.send("quit");
      sub.kill();
      pub.kill();
      await sub.finish();
      await pub.finish();
    }
  },
});
