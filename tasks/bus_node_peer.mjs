// A ZeroMQ peer that runs under Node (not Deno) with npm zeromq 6.8 from
// config/node-tools (installed by `deno task setup`). Used by
// tests/integration/bus_interop_test.ts (our libzmq-over-FFI bus against an
// independent ZMTP implementation) and by tasks/bench_bus.ts (the bare npm
// zeromq baseline). Output is JSON lines on stdout.
//
//   node tasks/bus_node_peer.mjs sub <endpoint> <prefix> <count>
//     connects a SUB socket, prints {"event":"ready"}, then one line per message
//     {"event":"msg","frames":["<hex>",...]}; exits after <count> messages.
//   node tasks/bus_node_peer.mjs pub <endpoint>
//     binds a PUB socket, prints {"event":"bound"}; reads stdin lines
//     "send <hex> <hex> ..." (one message, frames in hex), "sleep <ms>", "quit".
//   node tasks/bus_node_peer.mjs bench-sub <endpoint> <count> [idleExitMs] [warmupCount]
//     one-way latency/throughput receiver of bench-pub messages: prints
//     {"event":"ready"}, {"event":"warm"} after warmupCount warm-up messages,
//     then {"event":"result",...}.
//   node tasks/bus_node_peer.mjs bench-pub <endpoint> <count> <rate> <size>
//     publishes <count> messages of <size> bytes carrying hrtime (ns) at byte 0,
//     at <rate> msgs/s (0 = flood), after warm-up messages (same pace) until
//     "go" on stdin.
import { createRequire } from "node:module";
import process from "node:process";
import { fileURLToPath } from "node:url";

const require = createRequire(
  fileURLToPath(new URL("../config/node-tools/package.json", import.meta.url)),
);
const zmq = require("zeromq");

const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");
const hex = (b) => Buffer.from(b).toString("hex");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function stdinLines(onLine) {
  let buf = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk) => {
    buf += chunk;
    let nl;
    while ((nl = buf.indexOf("\n")) >= 0) {
      onLine(buf.slice(0, nl).trim());
      buf = buf.slice(nl + 1);
    }
  });
}

async function sub(endpoint, prefix, count) {
  const s = new zmq.Subscriber({ receiveHighWaterMark: 1000000 });
  s.connect(endpoint);
  s.subscribe(prefix);
  out({ event: "ready", zmq: zmq.version });
  let n = 0;
  for await (const frames of s) {
    out({ event: "msg", frames: frames.map(hex) });
    if (++n >= count) break;
  }
  s.close();
}

async function pub(endpoint) {
  const s = new zmq.Publisher({ sendHighWaterMark: 1000000, linger: 2000 });
  await s.bind(endpoint);
  out({ event: "bound", endpoint: s.lastEndpoint, zmq: zmq.version });
  const queue = [];
  let wake = null;
  stdinLines((line) => {
    queue.push(line);
    if (wake) wake();
  });
  for (;;) {
    if (queue.length === 0) await new Promise((r) => wake = r);
    wake = null;
    const line = queue.shift();
    if (line === undefined || line === "") continue;
    const [cmd, ...rest] = line.split(" ");
    if (cmd === "quit") break;
    if (cmd === "sleep") await sleep(Number(rest[0]));
    if (cmd === "send") {
      await s.send(rest.map((h) => Buffer.from(h, "hex")));
      out({ event: "sent" });
    }
  }
  s.close();
}

async function benchSub(endpoint, count, idleExitMs, warmupCount) {
  const s = new zmq.Subscriber({ receiveHighWaterMark: 1000000 });
  s.connect(endpoint);
  s.subscribe("");
  out({ event: "ready", zmq: zmq.version });
  const lat = new Float64Array(count);
  let n = 0, warm = false, warmSeen = 0, t0 = 0n, t1 = 0n, last = performance.now();
  let outOfOrder = 0, prev = -1n;
  const idle = setInterval(() => {
    if (n > 0 && performance.now() - last > idleExitMs) s.close();
  }, 100);
  try {
    for await (const [topic, payload] of s) {
      const now = process.hrtime.bigint();
      if (topic.length === 6 && topic.toString() === "warmup") {
        if (!warm && ++warmSeen >= warmupCount) {
          warm = true;
          out({ event: "warm" });
        }
        continue;
      }
      const sent = payload.readBigUInt64LE(0);
      const seq = payload.readBigUInt64LE(8);
      if (seq <= prev) outOfOrder++;
      prev = seq;
      if (n === 0) t0 = now;
      t1 = now;
      last = performance.now();
      lat[n++] = Number(now - sent);
      if (n >= count) break;
    }
  } catch {
    // closed by the idle timer
  }
  clearInterval(idle);
  const sorted = lat.subarray(0, n).sort();
  const q = (p) => n ? sorted[Math.min(n - 1, Math.floor(p * n))] / 1000 : NaN;
  const seconds = Number(t1 - t0) / 1e9;
  out({
    event: "result",
    received: n,
    inOrder: outOfOrder === 0,
    latencyUs: { p50: q(0.5), p99: q(0.99), p999: q(0.999), max: n ? sorted[n - 1] / 1000 : NaN },
    rate: seconds > 0 ? Math.round((n - 1) / seconds) : 0,
  });
  try {
    s.close();
  } catch {
    // already closed
  }
}

async function benchPub(endpoint, count, rate, size) {
  const s = new zmq.Publisher({ sendHighWaterMark: 1000000, linger: 2000 });
  await s.bind(endpoint);
  out({ event: "bound", endpoint: s.lastEndpoint });
  let go = false;
  stdinLines((line) => {
    if (line === "go") go = true;
  });
  // Warm-up at the run's pace (20000/s when flooding) until "go".
  const warmTopic = Buffer.from("warmup");
  const warmRate = rate > 0 ? rate : 20000;
  const w0 = performance.now();
  let w = 0;
  while (!go) {
    const due = Math.floor((performance.now() - w0) * warmRate / 1000);
    while (w < due) {
      const payload = Buffer.alloc(size);
      payload.writeBigUInt64LE(process.hrtime.bigint(), 0);
      await s.send([warmTopic, payload]);
      w++;
    }
    await sleep(1);
  }
  const topic = Buffer.from("market_data/binance/ETHUSDT/Bench");
  const t0 = performance.now();
  let sent = 0;
  while (sent < count) {
    const due = rate > 0
      ? Math.min(count, Math.floor((performance.now() - t0) * rate / 1000))
      : count;
    while (sent < due) {
      const payload = Buffer.alloc(size);
      payload.writeBigUInt64LE(process.hrtime.bigint(), 0);
      payload.writeBigUInt64LE(BigInt(sent), 8);
      await s.send([topic, payload]);
      sent++;
      if (rate <= 0 && sent % 5000 === 0) break;
    }
    if (sent < count) await sleep(rate > 0 ? 1 : 0);
  }
  const seconds = (performance.now() - t0) / 1000;
  out({ event: "done", sent, seconds, rate: Math.round(sent / seconds) });
  await sleep(500);
  s.close();
}

const [mode, ...args] = process.argv.slice(2);
try {
  if (mode === "sub") await sub(args[0], args[1] ?? "", Number(args[2] ?? 1));
  else if (mode === "pub") await pub(args[0]);
  else if (mode === "bench-sub") {
    await benchSub(args[0], Number(args[1]), Number(args[2] ?? 3000), Number(args[3] ?? 1));
  } else if (mode === "bench-pub") {
    await benchPub(args[0], Number(args[1]), Number(args[2]), Number(args[3] ?? 200));
  } else {
    process.stderr.write("usage: bus_node_peer.mjs sub|pub|bench-sub|bench-pub ...\n");
    process.exit(2);
  }
  process.exit(0);
} catch (e) {
  process.stderr.write(`bus_node_peer: ${e?.stack ?? e}\n`);
  process.exit(1);
}
