/**
 * A bus peer process for the benchmark and the integration tests: a Deno
 * publisher or subscriber on the real bus (`services/common/bus`), driven by
 * flags and by lines on stdin, reporting on stdout as JSON lines.
 *
 * Publisher: `deno run -A tasks/bus_peer.ts pub --endpoint tcp://127.0.0.1:7101
 *   --count 100000 [--rate 20000] [--publisher-id bench.pub] [--symbols ETHUSDT,BTCUSDT]
 *   [--venues binance,okx] [--warmup] [--linger-ms 2000] [--hold]`
 *   (message i goes to venue i mod #venues and symbol i mod #symbols)
 * - binds the market_data endpoint, prints `{"event":"bound","endpoint":...}`;
 * - with `--warmup`, publishes OrderBookUpdate on stream `<venue>/WARMUP` at
 *   the run's pace (20000/s when flooding) until a `go` line arrives on stdin
 *   (so the subscriber is connected and both JITs are warm), otherwise starts
 *   at once;
 * - publishes `--count` ~200-byte OrderBookUpdate messages at `--rate`
 *   messages/s (0 = as fast as possible; pacing by 1 ms timer ticks, never
 *   spinning), prints `{"event":"done","sent":N,"seconds":S}`;
 * - with `--hold`, then keeps the socket open until stdin closes or `quit`.
 *
 * Subscriber: `deno run -A tasks/bus_peer.ts sub --endpoint tcp://127.0.0.1:7101
 *   --count 100000 [--filter-venue binance] [--filter-symbol ETHUSDT]
 *   [--idle-exit-ms 3000] [--stats-every-ms 0]`
 * - connects, subscribes to market_data (optionally filtered), prints
 *   `{"event":"ready"}`, `{"event":"warm"}` on the first WARMUP message;
 * - for every other message records one-way latency (receive time minus the
 *   header's publishTsNs, both CLOCK_REALTIME ns), order and gaps;
 * - after `--count` messages (or `--idle-exit-ms` without traffic after the
 *   first message, or a `quit` line) prints the summary
 *   `{"event":"result","received":..,"inOrder":..,"gaps":{..},"latencyUs":{p50,p99,p999,max},"rate":..}`
 *   and exits; with `--stats-every-ms` it prints progress lines meanwhile.
 *
 * @module
 */
import { nowNs } from "../services/common/clock.ts";
import { createLogging } from "../services/common/log.ts";
import { Publisher } from "../services/common/bus/publisher.ts";
import { Subscriber } from "../services/common/bus/subscriber.ts";
import type { GapEvent } from "../services/common/bus/gaps.ts";
import { openZmqTransport } from "../services/common/bus/zmq_ffi.ts";
import { BusStats } from "../services/common/stats.ts";
import type { MessageTypes } from "../services/common/codec.ts";

type Args = Record<string, string | boolean>;

function parseArgs(argv: string[]): { mode: string; args: Args } {
  const [mode, ...rest] = argv;
  const args: Args = {};
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (!a.startsWith("--")) throw new Error(`bus_peer: unexpected argument '${a}'`);
    const name = a.slice(2);
    const next = rest[i + 1];
    if (next === undefined || next.startsWith("--")) args[name] = true;
    else {
      args[name] = next;
      i++;
    }
  }
  return { mode: mode ?? "", args };
}

function num(args: Args, name: string, def: number): number {
  const v = args[name];
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`bus_peer: --${name} must be a number, got '${v}'`);
  return n;
}

function str(args: Args, name: string, def: string): string {
  const v = args[name];
  return typeof v === "string" ? v : def;
}

function out(obj: Record<string, unknown>): void {
  console.log(JSON.stringify(obj, (_k, v) => typeof v === "bigint" ? v.toString() : v));
}

/** Lines from stdin, as an async queue. */
function stdinLines(onLine: (line: string) => void): Promise<void> {
  return (async () => {
    const dec = new TextDecoder();
    let buf = "";
    for await (const chunk of Deno.stdin.readable) {
      buf += dec.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        onLine(buf.slice(0, nl).trim());
        buf = buf.slice(nl + 1);
      }
    }
  })().catch(() => {});
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The ~200-byte benchmark message (header + 3 bid + 3 ask levels). */
export function sampleUpdate(venue: string, symbol: string, i: number) {
  const lv = (p: string, q: string) => ({ price: p, quantity: q });
  const v = BigInt(987654321 + i);
  return {
    header: { venue, symbol, exchangeTsNs: 1732400000123456789n, receiveTsNs: nowNs() },
    bids: [lv("3012.45", "12.3456"), lv("3012.44", "0.5"), lv("3012.40", "7.25")],
    asks: [lv("3012.46", "1.2"), lv("3012.47", "3.75"), lv("3012.50", "0")],
    firstVenueSequence: v,
    lastVenueSequence: v + 4n,
    prevVenueSequence: v - 1n,
  };
}

async function runPub(args: Args): Promise<void> {
  const endpoint = str(args, "endpoint", "tcp://127.0.0.1:7101");
  const count = num(args, "count", 100_000);
  const rate = num(args, "rate", 0);
  const venues = str(args, "venues", str(args, "venue", "binance")).split(",");
  const symbols = str(args, "symbols", str(args, "symbol", "ETHUSDT")).split(",");
  const venue = venues[0];
  const transport = openZmqTransport();
  const pub = new Publisher(transport, "market_data", {
    endpoint,
    publisherId: str(args, "publisher-id", "bench.pub"),
    hwm: num(args, "hwm", 1_000_000),
    lingerMs: num(args, "linger-ms", 2000),
  });
  out({ event: "bound", endpoint: pub.endpoint, sessionId: pub.sessionId, pid: Deno.pid });
  let go = !args["warmup"];
  let quit = false;
  let onQuit!: () => void;
  const quitting = new Promise<void>((r) => onQuit = r);
  const stdinDone = stdinLines((line) => {
    if (line === "go") go = true;
    if (line === "quit") {
      quit = true;
      onQuit();
    }
  });
  // Warm-up traffic (same pace as the run, 20000/s when flooding) until "go":
  // lets both processes' JIT settle before anything is measured.
  const warmRate = rate > 0 ? rate : 20_000;
  const w0 = performance.now();
  let w = 0;
  while (!go && !quit) {
    const due = Math.floor((performance.now() - w0) * warmRate / 1000);
    while (w < due) pub.publish("OrderBookUpdate", sampleUpdate(venue, "WARMUP", w++));
    await sleep(1);
  }
  const t0 = performance.now();
  let sent = 0;
  while (sent < count && !quit) {
    const due = rate > 0
      ? Math.min(count, Math.floor((performance.now() - t0) * rate / 1000))
      : count;
    while (sent < due) {
      pub.publish(
        "OrderBookUpdate",
        sampleUpdate(venues[sent % venues.length], symbols[sent % symbols.length], sent),
      );
      sent++;
      if (rate <= 0 && sent % 5000 === 0) break;
    }
    if (sent < count) {
      // yield to the event loop: 1 ms timer tick when paced, a macrotask when flooding
      await (rate > 0 ? sleep(1) : sleep(0));
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  out({ event: "done", sent, seconds, rate: Math.round(sent / seconds) });
  if (args["hold"]) await Promise.race([stdinDone, quitting]);
  pub.close();
  await transport.close();
}

async function runSub(args: Args): Promise<void> {
  const endpoint = str(args, "endpoint", "tcp://127.0.0.1:7101");
  const count = num(args, "count", 100_000);
  const idleExitMs = num(args, "idle-exit-ms", 3000);
  const statsEveryMs = num(args, "stats-every-ms", 0);
  const warmupCount = num(args, "warmup-count", 1);
  const logging = createLogging({ level: str(args, "log-level", "warn") as "warn", console: true });
  const stats = new BusStats();
  const transport = openZmqTransport();
  const gapEvents: GapEvent[] = [];
  const sub = new Subscriber(transport, {
    endpoints: { market_data: endpoint },
    stats,
    logger: logging.logger("bus_peer"),
    hwm: num(args, "hwm", 1_000_000),
    onGap: (ev) => {
      if (!ev.stream.includes("/WARMUP/") && gapEvents.length < 100) gapEvents.push(ev);
    },
  });
  const filterVenue = args["filter-venue"];
  const filterSymbol = args["filter-symbol"];
  sub.subscribe(
    "market_data",
    typeof filterVenue === "string"
      ? { venue: filterVenue, symbol: typeof filterSymbol === "string" ? filterSymbol : undefined }
      : {},
  );
  const lat = new Float64Array(Math.max(1, count));
  let received = 0;
  let inOrder = true;
  let lastSeq = new Map<string, bigint>();
  let lastStream = "";
  let lastSession = -1n;
  let prevSeq = 0n;
  let firstNs = 0n;
  let lastNs = 0n;
  let warm = false;
  let warmSeen = 0;
  let lastActivity = performance.now();
  let quit = false;
  const bySymbol: Record<string, number> = {};
  const byVenue: Record<string, number> = {};
  const sessions = new Set<string>();
  let done!: () => void;
  const finished = new Promise<void>((r) => done = r);

  sub.registry.onType(
    "market_data",
    "OrderBookUpdate",
    (m: MessageTypes["OrderBookUpdate"], meta) => {
      const h = m.header!;
      if (meta.symbol === "WARMUP") {
        if (!warm && ++warmSeen >= warmupCount) {
          warm = true;
          out({ event: "warm" });
        }
        return;
      }
      const now = nowNs();
      lastActivity = performance.now();
      if (received === 0) firstNs = now;
      lastNs = now;
      if (received < lat.length) lat[received] = Number(now - h.publishTsNs);
      if (h.sessionId !== lastSession || meta.stream !== lastStream) {
        // rare: a new publisher session or stream; keyed bookkeeping only then
        if (lastStream !== "") lastSeq.set(`${lastStream}|${lastSession}`, prevSeq);
        lastStream = meta.stream;
        lastSession = h.sessionId;
        sessions.add(`${h.publisherId}|${h.sessionId}`);
        prevSeq = lastSeq.get(`${lastStream}|${lastSession}`) ?? 0n;
      }
      if (h.sequence <= prevSeq) inOrder = false;
      prevSeq = h.sequence;
      bySymbol[meta.symbol] = (bySymbol[meta.symbol] ?? 0) + 1;
      byVenue[meta.venue] = (byVenue[meta.venue] ?? 0) + 1;
      received++;
      if (received >= count) done();
    },
    { name: "bench" },
  );

  const running = sub.run();
  out({ event: "ready", pid: Deno.pid });
  stdinLines((line) => {
    if (line === "quit") {
      quit = true;
      done();
    }
  });
  let statsTimer: ReturnType<typeof setInterval> | undefined;
  if (statsEveryMs > 0) {
    statsTimer = setInterval(() => {
      out({
        event: "progress",
        received,
        gaps: stats.gaps,
        errors: Object.fromEntries(stats.errors),
      });
    }, statsEveryMs);
  }
  const idle = setInterval(() => {
    if (received > 0 && performance.now() - lastActivity > idleExitMs) done();
  }, 100);
  await finished;
  clearInterval(idle);
  if (statsTimer !== undefined) clearInterval(statsTimer);
  const n = Math.min(received, lat.length);
  const sorted = lat.subarray(0, n).sort();
  const q = (p: number) => n ? sorted[Math.min(n - 1, Math.floor(p * n))] / 1000 : NaN;
  const seconds = Number(lastNs - firstNs) / 1e9;
  out({
    event: "result",
    received,
    quit,
    inOrder,
    bySymbol,
    byVenue,
    sessions: [...sessions],
    gaps: stats.gaps,
    gapEvents: gapEvents.slice(0, 20).map((e) => ({
      kind: e.kind,
      stream: e.stream,
      sequence: e.sequence,
      missed: e.missed,
      sessionId: e.sessionId,
      previousSessionId: e.previousSessionId,
    })),
    errors: Object.fromEntries(stats.errors),
    latencyUs: { p50: q(0.5), p99: q(0.99), p999: q(0.999), max: n ? sorted[n - 1] / 1000 : NaN },
    rate: seconds > 0 ? Math.round((received - 1) / seconds) : 0,
  });
  lastSeq = new Map();
  await sub.close();
  await running;
  await transport.close();
  await logging.close();
}

if (import.meta.main) {
  const { mode, args } = parseArgs(Deno.args);
  if (mode === "pub") await runPub(args);
  else if (mode === "sub") await runSub(args);
  else {
    console.error("usage: bus_peer.ts pub|sub [--endpoint E] [--count N] [--rate R] ...");
    Deno.exit(2);
  }
  Deno.exit(0);
}
