/**
 * The launcher (`tasks/launch.ts` + `services/common/launcher.ts`) with real
 * child services (`lifecycle_child.ts`): output lines are prefixed with the
 * process name; Ctrl-C (SIGINT) stops every child cleanly (exit 0); a child
 * that dies is reported and not restarted, and the others are stopped
 * (exit 1); a profile naming a missing script fails before starting anything.
 */
import assert from "node:assert/strict";
import { freePort } from "../../tasks/bench_bus.ts";

const CHILD = new URL("./lifecycle_child.ts", import.meta.url).pathname;
const LAUNCH = new URL("../../tasks/launch.ts", import.meta.url).pathname;

async function childConfig(dir: string, name: string): Promise<{ path: string; health: number }> {
  const health = freePort();
  const path = `${dir}/${name}.ini`;
  await Deno.writeTextFile(
    path,
    [
      "[service]",
      "name = lifecycle_child",
      `instance = ${name}`,
      `health_port = ${health}`,
      "stop_timeout_ms = 3000",
      "[log]",
      "level = info",
      "[endpoints]",
      `market_data = tcp://127.0.0.1:${freePort()}`,
    ].join("\n"),
  );
  return { path, health };
}

class Launch {
  readonly child: Deno.ChildProcess;
  out = "";
  #reading: Promise<void>[];
  constructor(profile: string) {
    this.child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", LAUNCH, profile],
      stdout: "piped",
      stderr: "piped",
      stdin: "null",
    }).spawn();
    this.#reading = [this.#read(this.child.stdout), this.#read(this.child.stderr)];
  }
  async #read(s: ReadableStream<Uint8Array>) {
    const d = new TextDecoder();
    for await (const c of s) this.out += d.decode(c, { stream: true });
  }
  async until(re: RegExp, timeoutMs = 20_000): Promise<void> {
    const t0 = performance.now();
    while (!re.test(this.out)) {
      if (performance.now() - t0 > timeoutMs) throw new Error(`no ${re} in:\n${this.out}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  async done(): Promise<Deno.CommandStatus> {
    const st = await this.child.status;
    await Promise.all(this.#reading);
    return st;
  }
}

Deno.test({
  name: "launcher: prefixes output, and Ctrl-C stops every process cleanly",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const a = await childConfig(dir, "a");
    const b = await childConfig(dir, "b");
    const profile = `${dir}/launch.ini`;
    await Deno.writeTextFile(
      profile,
      `[launcher]\nstop_timeout_ms = 4000\n[processes]\nalpha = ${CHILD} --config ${a.path}\nbeta = ${CHILD} --config ${b.path}\n`,
    );
    const l = new Launch(profile);
    try {
      await l.until(/\[alpha\]\s+.*child started/);
      await l.until(/\[beta\]\s+.*child started/);
      const t0 = performance.now();
      l.child.kill("SIGINT");
      const st = await l.done();
      assert.equal(st.code, 0, l.out);
      assert.ok(performance.now() - t0 < 8000);
      assert.match(l.out, /\[launcher\]\s+SIGINT: stopping all processes/);
      assert.match(l.out, /\[alpha\]\s+.*received SIGTERM: stopping/);
      assert.match(l.out, /\[beta\]\s+.*stopped/);
      assert.match(l.out, /\[launcher\]\s+all stopped \(alpha=0, beta=0\)/);
      for (const line of l.out.trim().split("\n")) {
        assert.match(line, /^\[(launcher|alpha|beta)\]/, `unprefixed line: ${line}`);
      }
    } finally {
      try {
        l.child.kill("SIGKILL");
      } catch {
        // exited
      }
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "launcher: a child that dies is reported, not restarted, and the rest are stopped",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const a = await childConfig(dir, "a");
    const b = await childConfig(dir, "b");
    const profile = `${dir}/launch.ini`;
    await Deno.writeTextFile(
      profile,
      `[processes]\nsteady = ${CHILD} --config ${a.path}\ncrashy = ${CHILD} --config ${b.path} --exit-after 1500 --exit-code 3\n`,
    );
    const l = new Launch(profile);
    try {
      const st = await l.done();
      assert.equal(st.code, 1, l.out);
      assert.match(l.out, /crashy exited with code 3; not restarting: stopping the others/);
      assert.match(l.out, /\[steady\]\s+.*received SIGTERM: stopping/);
      assert.match(l.out, /all stopped \(steady=0, crashy=3\)/);
      assert.equal(l.out.match(/started crashy/g)?.length, 1, "started once only");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("launcher: a profile naming a missing script fails before starting anything", async () => {
  const dir = await Deno.makeTempDir();
  const profile = `${dir}/launch.ini`;
  await Deno.writeTextFile(profile, `[processes]\nghost = services/ghost/main.ts --config x.ini\n`);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", LAUNCH, profile],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 2);
  assert.match(
    new TextDecoder().decode(out.stderr),
    /script\(s\) not found .*ghost: services\/ghost\/main\.ts/,
  );
  await Deno.remove(dir, { recursive: true });
});
