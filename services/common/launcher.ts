/**
 * Launcher: starts several service processes, prefixes every line they print
 * with the process name, restarts none, and stops them all cleanly.
 *
 * - Output: each stdout/stderr line of a child is written as
 *   `[name] line` (names padded to one width, colored on a terminal).
 * - No silent restarts: when a child exits while the launch is running, the
 *   launcher reports `<name> exited with code N; not restarting: stopping
 *   the others`, stops the rest, and exits 1.
 * - Ctrl-C (SIGINT) or SIGTERM: every child gets SIGTERM; a child still
 *   alive after `stopTimeoutMs` gets SIGKILL (reported). Exit code 0 when all
 *   children exited 0, else 1. A second Ctrl-C (a second or more later)
 *   kills everything at once. Children in the terminal's process group also
 *   get the Ctrl-C themselves; the services ignore the launcher's SIGTERM
 *   that follows within a second.
 *
 * A launch profile is an INI file (see `config/launch_*.ini`):
 *
 * ```ini
 * [launcher]
 * stop_timeout_ms = 8000
 *
 * [processes]
 * ; name = script and arguments, run as `deno run -A <script> <args>`, in this order
 * market_server = services/market_server/main.ts --config config/market_server.ini
 * trader = services/trader/main.ts --config config/trader.ini
 * ```
 *
 * @example
 * ```ts
 * import { Launcher } from "./launcher.ts";
 * const launcher = new Launcher([
 *   { name: "a", cmd: [Deno.execPath(), "eval", "console.log('hi')"] },
 * ], { stopTimeoutMs: 2000, handleSignals: false });
 * launcher.start();
 * const code = await launcher.done;
 * ```
 * @module
 */
import { int, loadConfig, mapSection, section, str } from "./config/schema.ts";

/** One process to launch. */
export interface ProcessSpec {
  name: string;
  /** Program and arguments. */
  cmd: string[];
  cwd?: string;
  env?: Record<string, string>;
}

/** Options of {@link Launcher}. */
export interface LauncherOptions {
  /** Per-child grace after SIGTERM before SIGKILL. Default 8000. */
  stopTimeoutMs?: number;
  /** Install SIGINT/SIGTERM handlers. Default true. */
  handleSignals?: boolean;
  /** Where prefixed lines go. Default stdout. */
  write?: (line: string) => void;
  /** Colors. Default: when stdout is a terminal. */
  color?: boolean;
}

interface Child {
  spec: ProcessSpec;
  proc: Deno.ChildProcess;
  status: Deno.CommandStatus | null;
  exited: Promise<Deno.CommandStatus>;
  pumps: Promise<void>[];
}

const COLORS = ["\x1b[36m", "\x1b[35m", "\x1b[33m", "\x1b[32m", "\x1b[34m", "\x1b[91m"];

/** Runs a set of processes as one unit (see the module doc). */
export class Launcher {
  #specs: ProcessSpec[];
  #opts: Required<Omit<LauncherOptions, "write" | "color">>;
  #write: (line: string) => void;
  #color: boolean;
  #children: Child[] = [];
  #width: number;
  #stopping: Promise<void> | null = null;
  #failed = false;
  #done: Promise<number>;
  #resolve!: (code: number) => void;
  #signalHandlers: [Deno.Signal, () => void][] = [];
  #enc = new TextEncoder();
  #firstSignalAt = 0;

  constructor(specs: ProcessSpec[], options: LauncherOptions = {}) {
    const names = new Set<string>();
    for (const s of specs) {
      if (names.has(s.name)) throw new Error(`Launcher: duplicate process name '${s.name}'`);
      names.add(s.name);
    }
    this.#specs = specs;
    this.#opts = {
      stopTimeoutMs: options.stopTimeoutMs ?? 8000,
      handleSignals: options.handleSignals ?? true,
    };
    this.#write = options.write ??
      ((line) => Deno.stdout.writeSync(this.#enc.encode(line + "\n")));
    let tty = false;
    try {
      tty = Deno.stdout.isTerminal();
    } catch {
      tty = false;
    }
    this.#color = options.color ?? tty;
    this.#width = Math.max(8, ...specs.map((s) => s.name.length));
    this.#done = new Promise((r) => this.#resolve = r);
  }

  /** Resolves with the launcher's exit code once everything has stopped. */
  get done(): Promise<number> {
    return this.#done;
  }

  /** PIDs of the children by name (0 once exited). */
  pids(): Record<string, number> {
    return Object.fromEntries(
      this.#children.map((c) => [c.spec.name, c.status ? 0 : c.proc.pid]),
    );
  }

  #prefix(name: string, i: number): string {
    const tag = `[${name}]`.padEnd(this.#width + 2);
    return this.#color ? `${COLORS[i % COLORS.length]}${tag}\x1b[0m` : tag;
  }

  /** Writes a launcher message. */
  say(msg: string): void {
    const tag = "[launcher]".padEnd(this.#width + 2);
    this.#write(`${this.#color ? `\x1b[1m${tag}\x1b[0m` : tag} ${msg}`);
  }

  async #pump(stream: ReadableStream<Uint8Array>, prefix: string): Promise<void> {
    const dec = new TextDecoder();
    let buf = "";
    try {
      for await (const chunk of stream) {
        buf += dec.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = buf.indexOf("\n")) >= 0) {
          this.#write(`${prefix} ${buf.slice(0, nl)}`);
          buf = buf.slice(nl + 1);
        }
      }
    } catch {
      // child gone
    }
    if (buf) this.#write(`${prefix} ${buf}`);
  }

  /** Starts every process in order; a failure to spawn stops those started. */
  start(): void {
    if (this.#opts.handleSignals) {
      for (const sig of ["SIGINT", "SIGTERM"] as const) {
        const h = () => {
          if (this.#stopping) {
            if (performance.now() - this.#firstSignalAt < 1000) return;
            this.say(`second ${sig}: killing everything`);
            for (const c of this.#children) this.#kill(c, "SIGKILL");
            return;
          }
          this.#firstSignalAt = performance.now();
          this.say(`${sig}: stopping all processes`);
          this.stop();
        };
        Deno.addSignalListener(sig, h);
        this.#signalHandlers.push([sig, h]);
      }
    }
    this.#specs.forEach((spec, i) => {
      if (this.#stopping) return;
      let proc: Deno.ChildProcess;
      try {
        proc = new Deno.Command(spec.cmd[0], {
          args: spec.cmd.slice(1),
          cwd: spec.cwd,
          env: spec.env,
          stdin: "null",
          stdout: "piped",
          stderr: "piped",
        }).spawn();
      } catch (e) {
        this.say(`cannot start ${spec.name} (${spec.cmd.join(" ")}): ${(e as Error).message}`);
        this.#failed = true;
        this.stop();
        return;
      }
      const prefix = this.#prefix(spec.name, i);
      const child: Child = {
        spec,
        proc,
        status: null,
        exited: proc.status,
        pumps: [this.#pump(proc.stdout, prefix), this.#pump(proc.stderr, prefix)],
      };
      this.#children.push(child);
      this.say(`started ${spec.name} (pid ${proc.pid}): ${spec.cmd.slice(1).join(" ")}`);
      child.exited.then((st) => {
        child.status = st;
        if (!this.#stopping) {
          this.#failed = true;
          this.say(
            `${spec.name} exited with code ${st.code}${
              st.signal ? ` (signal ${st.signal})` : ""
            }; not restarting: stopping the others`,
          );
          this.stop();
        }
      });
    });
  }

  #kill(c: Child, sig: Deno.Signal): void {
    if (c.status) return;
    try {
      c.proc.kill(sig);
    } catch {
      // already exited
    }
  }

  /** Stops every child (SIGTERM, then SIGKILL after the timeout); idempotent. */
  stop(): Promise<void> {
    if (this.#stopping) return this.#stopping;
    this.#stopping = (async () => {
      // Let an exit that triggered this stop be recorded first.
      await new Promise((r) => setTimeout(r, 0));
      for (const c of [...this.#children].reverse()) this.#kill(c, "SIGTERM");
      await Promise.all(this.#children.map(async (c) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const killed = new Promise<void>((r) => {
          timer = setTimeout(() => {
            if (!c.status) {
              this.say(
                `${c.spec.name} still running ${this.#opts.stopTimeoutMs} ms after SIGTERM: SIGKILL`,
              );
              this.#failed = true;
              this.#kill(c, "SIGKILL");
            }
            r();
          }, this.#opts.stopTimeoutMs);
        });
        await Promise.race([c.exited, killed]);
        clearTimeout(timer);
        c.status = await c.exited;
        await Promise.all(c.pumps);
      }));
      const codes = this.#children.map((c) => `${c.spec.name}=${c.status?.code ?? "?"}`);
      const allClean = this.#children.every((c) => c.status?.code === 0);
      if (!allClean) this.#failed = true;
      this.say(`all stopped (${codes.join(", ")})`);
      for (const [sig, h] of this.#signalHandlers) Deno.removeSignalListener(sig, h);
      this.#resolve(this.#failed ? 1 : 0);
    })();
    return this.#stopping;
  }
}

/** Schema of a launch profile INI. */
export const LAUNCH_SCHEMA = {
  launcher: section({ stop_timeout_ms: int({ default: 8000, min: 100 }) }),
  processes: mapSection(str({ nonEmpty: true }), {
    keyPattern: /^[a-z][a-z0-9_]*$/,
    description: "name = script and arguments (run with deno run -A)",
  }),
};

/**
 * Reads a launch profile and turns it into process specs (`deno run -A
 * <script> <args>`). Throws when the profile is invalid, lists no process,
 * or names a script that does not exist.
 *
 * @example
 * ```ts
 * import { loadLaunchProfile } from "./launcher.ts";
 * const { specs, stopTimeoutMs } = await loadLaunchProfile("config/launch_trader.ini");
 * ```
 */
export async function loadLaunchProfile(
  path: string,
  env?: Record<string, string | undefined>,
): Promise<{ specs: ProcessSpec[]; stopTimeoutMs: number }> {
  const cfg = await loadConfig(path, LAUNCH_SCHEMA, env);
  const entries = Object.entries(cfg.processes);
  if (entries.length === 0) throw new Error(`${path}: [processes] lists no process`);
  const missing: string[] = [];
  const specs: ProcessSpec[] = [];
  for (const [name, line] of entries) {
    const [script, ...args] = line.split(/\s+/).filter((x) => x !== "");
    try {
      await Deno.stat(script);
    } catch {
      missing.push(`${name}: ${script}`);
    }
    specs.push({ name, cmd: [Deno.execPath(), "run", "-A", script, ...args] });
  }
  if (missing.length) {
    throw new Error(
      `${path}: script(s) not found (run from the project root; not implemented yet?): ${
        missing.join("; ")
      }`,
    );
  }
  return { specs, stopTimeoutMs: cfg.launcher.stop_timeout_ms };
}
