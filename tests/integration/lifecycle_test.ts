/**
 * Service lifecycle as a real child process (`lifecycle_child.ts`):
 * /health and /stats while running; SIGTERM gives a graceful stop that exits
 * 0 within the bound with its log flushed to the JSON-lines file; a stop that
 * hangs is cut at the bound (exit 1); an invalid config fails start-up with
 * exit 2 and the file/line/key/value message.
 */
import assert from "node:assert/strict";
import { freePort } from "../../tasks/bench_bus.ts";

const CHILD = new URL("./lifecycle_child.ts", import.meta.url).pathname;

async function writeConfig(dir: string, extra: Record<string, string> = {}): Promise<{
  path: string;
  log: string;
  health: number;
}> {
  const health = freePort();
  const log = `${dir}/child.jsonl`;
  const md = freePort();
  const text = [
    "[service]",
    "name = lifecycle_child",
    `health_port = ${health}`,
    "stats_interval_s = 1",
    `stop_timeout_ms = ${extra.stop_timeout_ms ?? "3000"}`,
    "[log]",
    "level = info",
    "console = false",
    `file = ${log}`,
    "[endpoints]",
    `market_data = tcp://127.0.0.1:${md}`,
    "[child]",
    "publish_every_ms = 10",
    extra.tail ?? "",
  ].join("\n");
  const path = `${dir}/child.ini`;
  await Deno.writeTextFile(path, text);
  return { path, log, health };
}

function spawn(args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CHILD, ...args],
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).spawn();
}

async function waitHealthy(port: number, timeoutMs = 20_000): Promise<Response> {
  const t0 = performance.now();
  for (;;) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/health`);
      if (r.status === 200) return r;
      await r.body?.cancel();
    } catch {
      // not listening yet
    }
    if (performance.now() - t0 > timeoutMs) throw new Error(`no healthy /health on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function readLog(path: string): Promise<Record<string, unknown>[]> {
  return (await Deno.readTextFile(path)).trim().split("\n").map((l) => JSON.parse(l));
}

Deno.test({
  name: "lifecycle: SIGTERM stops gracefully, exit 0 within the bound, log flushed",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const cfg = await writeConfig(dir);
    const child = spawn(["--config", cfg.path]);
    try {
      const health = await (await waitHealthy(cfg.health)).json();
      assert.equal(health.status, "ok");
      assert.equal(health.state, "running");
      assert.equal(health.service, "lifecycle_child");
      // let it publish to itself for a while, then look at /stats
      await new Promise((r) => setTimeout(r, 1300));
      const stats = await (await fetch(`http://127.0.0.1:${cfg.health}/stats`)).json();
      assert.equal(stats.state, "running");
      assert.ok(stats.uptimeS > 0);
      assert.ok(stats.messages.market_data.out > 10, JSON.stringify(stats.messages));
      assert.ok(stats.messages.market_data.in > 0, JSON.stringify(stats.messages));
      assert.ok(stats.handlerErrors.faulty > 0, "faulty handler counted");
      assert.ok("gaps" in stats && "queues" in stats && "errors" in stats);
      assert.match(stats.transport, /^zmq-ffi 4\./);

      const t0 = performance.now();
      child.kill("SIGTERM");
      const st = await child.status;
      const ms = performance.now() - t0;
      assert.equal(st.code, 0, `exit code ${st.code}`);
      assert.ok(ms < 3000, `stopped in ${ms.toFixed(0)} ms (bound 3000)`);
      const lines = await readLog(cfg.log);
      const msgs = lines.map((l) => l.msg);
      assert.ok(msgs.includes("received SIGTERM: stopping"), msgs.join(" | "));
      assert.ok(msgs.includes("child stop hook: flushing state"));
      assert.ok(msgs.includes("stats"), "periodic stats line");
      assert.equal(msgs.at(-1), "stopped", "the last line is on disk");
      const handlerErr = lines.find((l) => l.msg === "handler failed");
      assert.equal(handlerErr?.handler, "faulty");
    } finally {
      try {
        child.kill("SIGKILL");
      } catch {
        // exited
      }
      await child.stdout.cancel();
      await child.stderr.cancel();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "lifecycle: a stop that hangs is cut at stop_timeout_ms (exit 1, logged)",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const cfg = await writeConfig(dir, { stop_timeout_ms: "500" });
    const child = spawn(["--config", cfg.path, "--hang-stop"]);
    try {
      await (await waitHealthy(cfg.health)).body?.cancel();
      const t0 = performance.now();
      child.kill("SIGINT");
      const st = await child.status;
      const ms = performance.now() - t0;
      assert.equal(st.code, 1);
      assert.ok(ms < 2500, `cut after ${ms.toFixed(0)} ms`);
      const lines = await readLog(cfg.log);
      const failed = lines.find((l) => l.msg === "stop failed");
      assert.match(String((failed?.error as { message: string }).message), /within 500 ms/);
    } finally {
      try {
        child.kill("SIGKILL");
      } catch {
        // exited
      }
      await child.stdout.cancel();
      await child.stderr.cancel();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "lifecycle: invalid config fails start-up with exit 2 and the offending line",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const cfg = await writeConfig(dir, { tail: "publish_everyday = 5" });
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", CHILD, "--config", cfg.path],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 2);
    const err = new TextDecoder().decode(out.stderr);
    assert.match(
      err,
      /child\.ini:14: \[child\] publish_everyday = "5": unknown key \(known in \[child\]: publish_every_ms\)/,
    );
    await Deno.remove(dir, { recursive: true });
  },
});
