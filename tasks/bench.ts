/**
 * `deno task bench`: runs the benchmarks and records the figures.
 *
 * - core: `tasks/bench_core.ts` (WASM core vs @uniswap/v3-sdk vs the BigInt
 *   reference; see that file for the methodology);
 * - bus: `tasks/bench_bus.ts`'s `benchBus`, when that file exists (skipped
 *   with a note otherwise).
 *
 * All results, with metadata (date, Deno/V8 versions, CPU model, git commit),
 * go to `bench-results/bench-<timestamp>.json` and `bench-results/latest.json`,
 * each written to a temporary file and renamed into place. A section that
 * throws is recorded as `{ error }` and makes the task exit 1 after writing.
 *
 * @example
 * ```sh
 * deno task bench                  # everything
 * deno run -A tasks/bench.ts --quick --only core
 * ```
 * @module
 */
import { benchCore, formatCoreTable } from "./bench_core.ts";

type Section = "core" | "bus";

/** Command-line options. */
export interface Args {
  quick: boolean;
  only: Section | null;
}

/** Parses `--quick` and `--only core|bus`; throws on anything else. */
export function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, only: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--quick") args.quick = true;
    else if (a === "--only" || a.startsWith("--only=")) {
      const v = a === "--only" ? argv[++i] : a.slice("--only=".length);
      if (v !== "core" && v !== "bus") {
        throw new Error(`bench: --only expects "core" or "bus", got ${JSON.stringify(v)}`);
      }
      args.only = v;
    } else if (a === "--help" || a === "-h") {
      console.log("usage: deno run -A tasks/bench.ts [--quick] [--only core|bus]");
      Deno.exit(0);
    } else {
      throw new Error(
        `bench: unknown argument ${JSON.stringify(a)} (use --quick, --only core|bus)`,
      );
    }
  }
  return args;
}

async function cpuModel(): Promise<string | null> {
  try {
    const text = await Deno.readTextFile("/proc/cpuinfo");
    const m = text.match(/^model name\s*:\s*(.+)$/m);
    return m ? m[1].trim() : null;
  } catch {
    return null;
  }
}

async function git(args: string[]): Promise<string | null> {
  try {
    const out = await new Deno.Command("git", {
      args,
      cwd: new URL("../", import.meta.url),
      stdout: "piped",
      stderr: "null",
    }).output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : null;
  } catch {
    return null;
  }
}

async function metadata(args: Args): Promise<Record<string, unknown>> {
  const commit = await git(["rev-parse", "HEAD"]);
  const status = commit === null ? null : await git(["status", "--porcelain"]);
  return {
    date: new Date().toISOString(),
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
    os: Deno.build.os,
    arch: Deno.build.arch,
    cpu: await cpuModel(),
    cpus: navigator.hardwareConcurrency,
    gitCommit: commit,
    gitDirty: status === null ? null : status.length > 0,
    quick: args.quick,
    only: args.only,
  };
}

/** Writes `text` to `path` via a temporary file in the same directory and a rename. */
async function writeAtomic(path: URL, text: string): Promise<void> {
  const tmp = new URL(`${path.href}.tmp-${Deno.pid}-${crypto.randomUUID()}`);
  try {
    await Deno.writeTextFile(tmp, text);
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}

async function exists(url: URL): Promise<boolean> {
  try {
    return (await Deno.stat(url)).isFile;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

function errorRecord(e: unknown): { error: string } {
  return { error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
}

type BenchFn = (opts: { quick?: boolean }) => Promise<unknown>;

async function runBus(quick: boolean): Promise<unknown> {
  const url = new URL("./bench_bus.ts", import.meta.url);
  if (!(await exists(url))) {
    console.log("bus: skipped (tasks/bench_bus.ts does not exist)");
    return { skipped: "tasks/bench_bus.ts does not exist" };
  }
  const mod = await import(url.href) as { benchBus?: BenchFn };
  if (typeof mod.benchBus !== "function") {
    console.log("bus: skipped (tasks/bench_bus.ts does not export benchBus)");
    return { skipped: "tasks/bench_bus.ts does not export benchBus" };
  }
  console.log("bus: running tasks/bench_bus.ts ...");
  return await mod.benchBus({ quick });
}

/** Runs the selected benchmarks, writes the result files, returns the exit code. */
export async function main(args: Args = parseArgs(Deno.args)): Promise<number> {
  const meta = await metadata(args);
  const results: Record<string, unknown> = {};
  let failed = false;

  if (args.only === null || args.only === "core") {
    console.log(`core: WASM vs @uniswap/v3-sdk vs BigInt reference${args.quick ? " (quick)" : ""}`);
    try {
      const core = await benchCore({ quick: args.quick });
      results.core = core;
      console.log(formatCoreTable(core));
    } catch (e) {
      failed = true;
      results.core = errorRecord(e);
      console.error("core: FAILED", e);
    }
    console.log("");
  }
  if (args.only === null || args.only === "bus") {
    try {
      results.bus = await runBus(args.quick);
    } catch (e) {
      failed = true;
      results.bus = errorRecord(e);
      console.error("bus: FAILED", e);
    }
  }

  const dir = new URL("../bench-results/", import.meta.url);
  await Deno.mkdir(dir, { recursive: true });
  const stamp = String(meta.date).replace(/[:.]/g, "-");
  const text = JSON.stringify({ meta, results }, null, 2) + "\n";
  const file = new URL(`bench-${stamp}.json`, dir);
  await writeAtomic(file, text);
  await writeAtomic(new URL("latest.json", dir), text);
  console.log(`results: ${file.pathname} (and bench-results/latest.json)`);
  return failed ? 1 : 0;
}

if (import.meta.main) {
  let args: Args;
  try {
    args = parseArgs(Deno.args);
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    Deno.exit(2);
  }
  Deno.exit(await main(args));
}
