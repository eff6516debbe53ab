/**
 * Bus benchmark: one-way latency and throughput between two OS processes on
 * tcp://127.0.0.1, for our Deno bus (libzmq through FFI, protobuf encode and
 * decode of a ~200-byte OrderBookUpdate, header stamping, gap detection,
 * handler dispatch) and, in the same run, for a bare npm zeromq PUB->SUB pair
 * under Node (200-byte raw payload, no protobuf) as the baseline. Also the
 * CPU used by an idle subscriber (from /proc/<pid>/stat).
 *
 * Method:
 * - latency: the subscriber subtracts the publish time carried in the message
 *   from its receive time (CLOCK_REALTIME via clock_gettime in Deno,
 *   CLOCK_MONOTONIC via process.hrtime in Node: each pair uses one clock for
 *   both ends), over `latencyMessages` messages paced at `latencyRate`/s in
 *   1 ms timer ticks (no spinning on either side). Percentiles p50/p99/p99.9;
 * - throughput: `throughputMessages` published as fast as the publisher can,
 *   rate = messages received / time between first and last receive;
 * - every run starts after 10,000 warm-up messages at the same pace (20,000/s
 *   for throughput runs) have reached the subscriber, so the connection is up
 *   and both processes' JIT compilers have settled; then nothing is excluded.
 *   Loss and order are reported.
 *
 * `benchBus()` returns the figures (the lead's `tasks/bench.ts` writes them to
 * the results file); run alone it prints them:
 *
 * ```sh
 * deno run -A tasks/bench_bus.ts            # full run (~1 minute)
 * deno run -A tasks/bench_bus.ts --quick    # smaller counts, for a smoke test
 * ```
 *
 * @module
 */

const ROOT = new URL("../", import.meta.url);
const PEER = new URL("tasks/bus_peer.ts", ROOT).pathname;
const NODE_PEER = new URL("tasks/bus_node_peer.mjs", ROOT).pathname;
const NODE_ZMQ = new URL("config/node-tools/node_modules/zeromq/package.json", ROOT).pathname;

/** Options of {@link benchBus}. */
export interface BenchBusOptions {
  /** Messages in each latency run (>= 100000 for the reported figures). */
  latencyMessages?: number;
  /** Pace of the latency runs, messages/s. */
  latencyRate?: number;
  /** Messages in each throughput run. */
  throughputMessages?: number;
  /** Seconds over which idle CPU is sampled. */
  idleSeconds?: number;
  /** Log progress to stderr. Default true. */
  verbose?: boolean;
}

/** Percentiles in microseconds. */
export interface Percentiles {
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

/** The subscriber's summary line. */
export interface PeerResult {
  received: number;
  inOrder: boolean;
  latencyUs: Percentiles;
  rate: number;
  gaps?: Record<string, number>;
  errors?: Record<string, number>;
}

/** A child process whose stdout is JSON lines. */
class Peer {
  readonly name: string;
  readonly child: Deno.ChildProcess;
  #lines: Record<string, unknown>[] = [];
  #waiters: { event: string; resolve: (v: Record<string, unknown>) => void }[] = [];
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #stderr = "";
  readonly done: Promise<Deno.CommandStatus>;

  constructor(name: string, cmd: string, args: string[]) {
    this.name = name;
    this.child = new Deno.Command(cmd, {
      args,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      cwd: ROOT.pathname,
    }).spawn();
    this.#writer = this.child.stdin.getWriter();
    this.#read();
    this.#readErr();
    this.done = this.child.status;
  }

  async #read(): Promise<void> {
    const dec = new TextDecoder();
    let buf = "";
    for await (const chunk of this.child.stdout) {
      buf += dec.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (!line.startsWith("{")) continue;
        const obj = JSON.parse(line) as Record<string, unknown>;
        this.#lines.push(obj);
        for (const w of this.#waiters.filter((w) => w.event === obj.event)) {
          this.#waiters.splice(this.#waiters.indexOf(w), 1);
          w.resolve(obj);
        }
      }
    }
  }

  async #readErr(): Promise<void> {
    const dec = new TextDecoder();
    for await (const chunk of this.child.stderr) {
      this.#stderr += dec.decode(chunk, { stream: true });
      if (this.#stderr.length > 20000) this.#stderr = this.#stderr.slice(-10000);
    }
  }

  /** Waits for a line with `event`, failing after timeoutMs. */
  wait(event: string, timeoutMs: number): Promise<Record<string, unknown>> {
    const seen = this.#lines.find((l) => l.event === event);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(
            `${this.name}: no '${event}' within ${timeoutMs} ms; stderr: ${
              this.#stderr.slice(-2000)
            }`,
          ),
        );
      }, timeoutMs);
      this.#waiters.push({
        event,
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
      });
      this.done.then((st) => {
        if (this.#waiters.some((w) => w.event === event)) {
          clearTimeout(timer);
          reject(
            new Error(
              `${this.name} exited (code ${st.code}) before '${event}'; stderr: ${
                this.#stderr.slice(-2000)
              }`,
            ),
          );
        }
      });
    });
  }

  async send(line: string): Promise<void> {
    await this.#writer.write(new TextEncoder().encode(line + "\n")).catch(() => {});
  }

  async close(): Promise<Deno.CommandStatus> {
    await this.#writer.close().catch(() => {});
    const timer = setTimeout(() => {
      try {
        this.child.kill("SIGKILL");
      } catch {
        // already gone
      }
    }, 10_000);
    const st = await this.done;
    clearTimeout(timer);
    return st;
  }
}

/** A TCP port nobody listens on right now. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

function denoPeer(name: string, args: string[]): Peer {
  return new Peer(name, Deno.execPath(), ["run", "-A", PEER, ...args]);
}

/**
 * One publisher/subscriber run between two processes; returns the
 * subscriber's result line and the publisher's done line. `subScript`
 * replaces the Deno subscriber (used to compare transport designs).
 */
export async function runPair(
  kind: "deno" | "node",
  count: number,
  rate: number,
  subScript?: string,
  pubScript?: string,
  warmupCount = 10_000,
): Promise<{ sub: PeerResult; pub: Record<string, unknown> }> {
  const ep = `tcp://127.0.0.1:${freePort()}`;
  const timeoutMs = 30_000 + (rate > 0 ? (count / rate) * 1000 * 2 : 60_000);
  const sub = subScript
    ? new Peer("custom-sub", Deno.execPath(), ["run", "-A", subScript, ep, String(count)])
    : kind === "deno"
    ? denoPeer("deno-sub", [
      "sub",
      "--endpoint",
      ep,
      "--count",
      String(count),
      "--warmup-count",
      String(warmupCount),
    ])
    : new Peer("node-sub", "node", [
      NODE_PEER,
      "bench-sub",
      ep,
      String(count),
      "3000",
      String(warmupCount),
    ]);
  try {
    await sub.wait("ready", 30_000);
    const pub = pubScript
      ? new Peer("custom-pub", Deno.execPath(), [
        "run",
        "-A",
        pubScript,
        ep,
        String(count),
        String(rate),
      ])
      : kind === "deno"
      ? denoPeer("deno-pub", [
        "pub",
        "--endpoint",
        ep,
        "--count",
        String(count),
        "--rate",
        String(rate),
        "--warmup",
      ])
      : new Peer("node-pub", "node", [
        NODE_PEER,
        "bench-pub",
        ep,
        String(count),
        String(rate),
        "200",
      ]);
    // The subscriber connects to the publisher's bound endpoint: it retries until bound.
    try {
      await sub.wait("warm", 60_000);
      await pub.send("go");
      const result = await sub.wait("result", timeoutMs) as unknown as PeerResult;
      const pubDone = await pub.wait("done", timeoutMs);
      return { sub: result, pub: pubDone };
    } finally {
      await pub.close();
    }
  } finally {
    await sub.send("quit");
    await sub.close();
  }
}

/** CPU time (user+system, seconds) of a process from /proc/<pid>/stat. */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
  // Fields after the ")" of the command name; utime and stime are fields 14 and 15.
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  return (utime + stime) / 100; // USER_HZ is 100 on Linux
}

async function idleCpu(seconds: number): Promise<{ percent: number; seconds: number }> {
  const ep = `tcp://127.0.0.1:${freePort()}`;
  const pub = denoPeer("idle-pub", [
    "pub",
    "--endpoint",
    ep,
    "--count",
    "0",
    "--hold",
    "--warmup",
  ]);
  await pub.wait("bound", 30_000);
  const sub = denoPeer("idle-sub", [
    "sub",
    "--endpoint",
    ep,
    "--count",
    "1000000000",
    "--idle-exit-ms",
    "1000000000",
  ]);
  try {
    await sub.wait("warm", 30_000);
    await pub.send("go"); // warm-up stops; the publisher stays connected and silent
    await new Promise((r) => setTimeout(r, 1500));
    const pid = sub.child.pid;
    const c0 = await cpuSeconds(pid);
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const c1 = await cpuSeconds(pid);
    const wall = (performance.now() - t0) / 1000;
    return { percent: ((c1 - c0) / wall) * 100, seconds: wall };
  } finally {
    await sub.send("quit");
    await sub.close();
    await pub.send("quit");
    await pub.close();
  }
}

async function nodeAvailable(): Promise<string | null> {
  try {
    await Deno.stat(NODE_ZMQ);
  } catch {
    return "npm zeromq missing in config/node-tools (run `deno task setup`)";
  }
  try {
    const out = await new Deno.Command("node", { args: ["--version"], stdout: "piped" }).output();
    if (!out.success) return "node --version failed";
  } catch {
    return "node is not on PATH";
  }
  return null;
}

const round = (x: number, d = 1) => Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : null;

/**
 * Runs the measurements and returns the figures (see the module doc).
 *
 * @example
 * ```ts
 * import { benchBus } from "./bench_bus.ts";
 * const figures = await benchBus({ latencyMessages: 20_000, throughputMessages: 50_000 });
 * console.log(figures.ratios);
 * ```
 */
export async function benchBus(options: BenchBusOptions = {}): Promise<Record<string, unknown>> {
  const latencyMessages = options.latencyMessages ?? 100_000;
  const latencyRate = options.latencyRate ?? 20_000;
  const throughputMessages = options.throughputMessages ?? 500_000;
  const idleSeconds = options.idleSeconds ?? 5;
  const verbose = options.verbose ?? true;
  const say = (s: string) => verbose && console.error(`bench_bus: ${s}`);
  const nodeMissing = await nodeAvailable();
  const loadBefore = Deno.loadavg();
  const { openZmqTransport } = await import("../services/common/bus/zmq_ffi.ts");
  const probe = openZmqTransport();
  const libzmq = probe.version;
  await probe.close();

  let nodeLat: PeerResult | null = null;
  let nodeThr: PeerResult | null = null;
  if (nodeMissing) say(`Node baseline skipped: ${nodeMissing}`);
  else {
    say(`node latency: ${latencyMessages} msgs at ${latencyRate}/s`);
    nodeLat = (await runPair("node", latencyMessages, latencyRate)).sub;
  }
  say(`deno latency: ${latencyMessages} msgs at ${latencyRate}/s`);
  const denoLat = (await runPair("deno", latencyMessages, latencyRate)).sub;
  if (!nodeMissing) {
    say(`node throughput: ${throughputMessages} msgs`);
    nodeThr = (await runPair("node", throughputMessages, 0)).sub;
  }
  say(`deno throughput: ${throughputMessages} msgs`);
  const denoThrRun = await runPair("deno", throughputMessages, 0);
  const denoThr = denoThrRun.sub;
  say(`idle subscriber CPU over ${idleSeconds} s`);
  const idle = await idleCpu(idleSeconds);

  const lat = (r: PeerResult | null) =>
    r
      ? {
        received: r.received,
        inOrder: r.inOrder,
        p50Us: round(r.latencyUs.p50),
        p99Us: round(r.latencyUs.p99),
        p999Us: round(r.latencyUs.p999),
        maxUs: round(r.latencyUs.max),
      }
      : null;
  const thr = (r: PeerResult | null, sent: number) =>
    r ? { sent, received: r.received, lost: sent - r.received, msgsPerSec: r.rate } : null;
  const ratio = (a: number | undefined, b: number | undefined) =>
    a !== undefined && b !== undefined && b > 0 ? round(a / b, 2) : null;
  const p99Ratio = ratio(denoLat.latencyUs.p99, nodeLat?.latencyUs.p99);
  const result: Record<string, unknown> = {
    transport: "zmq-ffi (libzmq.so.5 via Deno FFI, nonblocking zmq_poll + drain)",
    payload: "OrderBookUpdate ~200 B protobuf (Deno) / 200 B raw (Node baseline)",
    latencyRateMsgsPerSec: latencyRate,
    deno: {
      latency: lat(denoLat),
      throughput: thr(denoThr, throughputMessages),
      publisherMsgsPerSec: denoThrRun.pub.rate,
      gaps: denoThr.gaps,
    },
    node: nodeMissing ? { skipped: nodeMissing } : {
      latency: lat(nodeLat),
      throughput: thr(nodeThr, throughputMessages),
    },
    ratios: {
      p50: ratio(denoLat.latencyUs.p50, nodeLat?.latencyUs.p50),
      p99: p99Ratio,
      p999: ratio(denoLat.latencyUs.p999, nodeLat?.latencyUs.p999),
      throughput: ratio(denoThr.rate, nodeThr?.rate),
    },
    idleSubscriberCpuPercent: round(idle.percent, 2),
    environment: {
      cpus: navigator.hardwareConcurrency,
      loadavgBefore: loadBefore,
      loadavgAfter: Deno.loadavg(),
      deno: Deno.version.deno,
      libzmq,
      node: nodeMissing ? null : "npm zeromq 6.8.0",
    },
    targets: {
      p99Within1_5xNode: p99Ratio === null ? null : p99Ratio <= 1.5,
      throughputAtLeast200k: denoThr.rate >= 200_000,
      idleCpuUnder1Percent: idle.percent < 1,
    },
  };
  const f = (x: number | null | undefined) => (x === null || x === undefined ? "n/a" : String(x));
  say(
    `deno one-way p50/p99/p99.9 ${f(round(denoLat.latencyUs.p50))}/${
      f(round(denoLat.latencyUs.p99))
    }/${f(round(denoLat.latencyUs.p999))} us vs node ${f(round(nodeLat?.latencyUs.p50 ?? NaN))}/${
      f(round(nodeLat?.latencyUs.p99 ?? NaN))
    }/${f(round(nodeLat?.latencyUs.p999 ?? NaN))} us: p99 ratio ${f(p99Ratio)} (target <= 1.5)`,
  );
  say(
    `throughput deno ${denoThr.rate} msgs/s (target >= 200000) vs node ${f(nodeThr?.rate)}: ratio ${
      f(ratio(denoThr.rate, nodeThr?.rate))
    }; idle subscriber CPU ${f(round(idle.percent, 2))}% (target < 1)`,
  );
  return result;
}

if (import.meta.main) {
  const quick = Deno.args.includes("--quick");
  const r = await benchBus(
    quick ? { latencyMessages: 20_000, throughputMessages: 100_000, idleSeconds: 2 } : {},
  );
  console.log(JSON.stringify(r, null, 2));
}
