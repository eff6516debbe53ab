/**
 * Runs `services/lp_rebalancer/main.ts` as a separate process against a
 * fixture chain, with a generated INI, and reads its JSON-lines log.
 *
 * @module
 */
import type { Address } from "viem";
import type { LiveFixture } from "./fixture.ts";

const MAIN = new URL("../../services/lp_rebalancer/main.ts", import.meta.url).pathname;
const ROOT = new URL("../../", import.meta.url).pathname;

/** A log record of the lp process. */
export type LogRec = Record<string, unknown> & { msg: string; level: string };

/** Writes an lp_rebalancer INI for `pool` into `dir`; returns its path. */
export async function writeLpConfig(
  dir: string,
  fx: LiveFixture,
  pool: Address,
  o: { rpcUrl?: string; zmqPort: number; extra?: string },
): Promise<string> {
  const ini = `
[service]
name = lp_rebalancer
health_port = 0
stats_interval_s = 0
stop_timeout_ms = 4000

[log]
level = info
console = false
file = ${dir}/lp.jsonl

[endpoints]
inventory_deltas = tcp://127.0.0.1:${o.zmqPort}

[chain]
name = local
rpc_url = ${o.rpcUrl ?? fx.anvil.rpcUrl}
private_key = \${LP_WALLET_PRIVATE_KEY}
factory = ${fx.chain.factory}
position_manager = ${fx.chain.positionManager}
swap_router = ${fx.chain.swapRouter}
quoter_v2 = ${fx.chain.quoterV2}
router_kind = swap_router
poll_ms = 100
retries = 4
retry_base_ms = 20
request_timeout_ms = 3000

[pool]
address = ${pool}
base_token = 1

[strategy]
threshold = 0.1
min_interval_s = 0
min_benefit_to_cost = 0

[execution]
state_file = ${dir}/state.json
slippage_bps = 100

[inventory]
warmup_ms = 600
${o.extra ?? ""}
`;
  const path = `${dir}/lp_rebalancer.ini`;
  await Deno.writeTextFile(path, ini);
  return path;
}

/** A running lp process. */
export class LpProcess {
  readonly child: Deno.ChildProcess;
  readonly logPath: string;
  #out = "";
  #pumps: Promise<void>[];
  #status: Promise<Deno.CommandStatus>;

  constructor(
    configPath: string,
    logPath: string,
    env: Record<string, string>,
    args: string[] = [],
  ) {
    this.logPath = logPath;
    this.child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN, "--config", configPath, ...args],
      cwd: ROOT,
      env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const pump = async (s: ReadableStream<Uint8Array>) => {
      const d = new TextDecoder();
      for await (const c of s) {
        this.#out += d.decode(c, { stream: true });
        if (this.#out.length > 200_000) this.#out = this.#out.slice(-100_000);
      }
    };
    this.#pumps = [pump(this.child.stdout), pump(this.child.stderr)];
    this.#status = this.child.status;
  }

  /** Console output so far. */
  get output(): string {
    return this.#out;
  }

  /** Parsed log records so far. */
  async records(): Promise<LogRec[]> {
    let text = "";
    try {
      text = await Deno.readTextFile(this.logPath);
    } catch { /* not yet */ }
    return text.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
  }

  /** Waits until `pred` holds for the records (bounded); returns them. */
  async waitFor(
    what: string,
    pred: (r: LogRec[]) => boolean,
    timeoutMs = 45_000,
  ): Promise<LogRec[]> {
    const t0 = performance.now();
    for (;;) {
      const recs = await this.records();
      if (pred(recs)) return recs;
      const errs = recs.filter((r) => r.level === "error").map((r) => JSON.stringify(r));
      if (performance.now() - t0 > timeoutMs) {
        throw new Error(
          `lp: no '${what}' within ${timeoutMs} ms\nerrors: ${errs.join("\n")}\noutput: ${
            this.#out.slice(-4000)
          }`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Sends a signal (ignored when already exited). */
  kill(sig: Deno.Signal): void {
    try {
      this.child.kill(sig);
    } catch { /* gone */ }
  }

  /** Waits for the exit. */
  async exited(): Promise<Deno.CommandStatus> {
    const s = await this.#status;
    await Promise.all(this.#pumps);
    return s;
  }

  /** Stops it for sure (SIGTERM, then SIGKILL after 6 s). */
  async stop(): Promise<Deno.CommandStatus> {
    this.kill("SIGTERM");
    const t = setTimeout(() => this.kill("SIGKILL"), 6000);
    try {
      return await this.exited();
    } finally {
      clearTimeout(t);
    }
  }
}

/** Count of records with this message. */
export function count(recs: LogRec[], msg: string): number {
  return recs.filter((r) => r.msg === msg).length;
}
