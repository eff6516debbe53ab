/**
 * Structured logging: levels, per-component levels (most specific prefix
 * wins), console (human) and file (JSON lines) outputs, bigint and Error
 * fields, flush on close, and the /health + /stats HTTP endpoint helper.
 */
import assert from "node:assert/strict";
import { createLogging, RateLimiter } from "../../services/common/log.ts";
import { startHealthServer, toJson } from "../../services/common/health.ts";

Deno.test("log: per-component levels and JSON lines with typed fields", async () => {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/sub/dir/app.jsonl`;
  const logging = createLogging({
    level: "warn",
    levels: { bus: "debug", "bus.sub": "error" },
    console: false,
    file,
    base: { service: "t" },
  });
  const root = logging.logger("trader");
  const bus = logging.logger("bus");
  const pub = bus.child("pub");
  const sub = bus.child("sub");
  root.info("hidden");
  root.warn("shown", { n: 1 });
  pub.debug("pub debug", { seq: 18446744073709551615n, bytes: new Uint8Array(3) });
  sub.warn("hidden too");
  sub.error("sub failed", new Error("kaput"));
  assert.equal(logging.levelOf("bus.pub.market_data"), "debug");
  assert.equal(logging.levelOf("bus.sub"), "error");
  assert.equal(logging.levelOf("other"), "warn");
  assert.ok(sub.enabled("error") && !sub.enabled("warn"));
  await logging.close();
  const lines = (await Deno.readTextFile(file)).trim().split("\n").map((l) => JSON.parse(l));
  assert.deepStrictEqual(lines.map((l) => [l.level, l.component, l.msg]), [
    ["warn", "trader", "shown"],
    ["debug", "bus.pub", "pub debug"],
    ["error", "bus.sub", "sub failed"],
  ]);
  assert.equal(lines[0].service, "t");
  assert.equal(lines[1].seq, "18446744073709551615");
  assert.equal(lines[1].bytes, "<3 bytes>");
  assert.equal(lines[2].error.message, "kaput");
  assert.match(lines[2].error.stack, /kaput/);
  assert.match(lines[0].ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  root.error("after close is dropped");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("log: rate limiter counts suppressed calls", () => {
  const rl = new RateLimiter(60_000);
  const calls: number[] = [];
  for (let i = 0; i < 5; i++) rl.run("k", (s) => calls.push(s));
  rl.run("other", (s) => calls.push(s));
  assert.deepStrictEqual(calls, [0, 0]);
});

Deno.test("health: /health is 200 only when healthy, /stats is JSON with bigints", async () => {
  let ok = true;
  const server = startHealthServer({
    hostname: "127.0.0.1",
    port: 0,
    health: () => ({ ok, body: { status: ok ? "ok" : "unavailable" } }),
    stats: () => ({ seq: 5n, topics: { market_data: { in: 1 } } }),
  });
  const base = `http://127.0.0.1:${server.port}`;
  let r = await fetch(`${base}/health`);
  assert.equal(r.status, 200);
  assert.deepStrictEqual(await r.json(), { status: "ok" });
  ok = false;
  r = await fetch(`${base}/health`);
  assert.equal(r.status, 503);
  await r.body?.cancel();
  r = await fetch(`${base}/stats`);
  assert.deepStrictEqual(await r.json(), { seq: "5", topics: { market_data: { in: 1 } } });
  r = await fetch(`${base}/nope`);
  assert.equal(r.status, 404);
  await r.body?.cancel();
  await server.close();
  assert.equal(toJson({ a: 1n }), '{"a":"1"}');
});
