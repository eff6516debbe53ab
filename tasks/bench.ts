/**
 * `deno task bench`: runs the benchmarks and records the figures.
 *
 * - core: `tasks/bench_core.ts` (WASM core vs @uniswap/v3-sdk vs the BigInt
 *   reference; see that file for the methodology);
 * - bus: `tasks/bench_bus.ts` (Deno ZeroMQ bus vs an npm zeromq baseline
 *   under Node, measured in the same run);
 * - backtest: `tasks/bench_backtest.ts` (bar mode, swap-level mode, sweep
 *   scaling on the cores available);
 * - mm: `tasks/bench_mm.ts` (market-making decision latency, WASM book
 *   level updates/s);
 * - simulator: `tasks/bench_simulator.ts` (the same backtest in headless
 *   Chromium vs in Deno: wall time ratio);
 * - defi_live: `tasks/bench_defi_live.ts` (downloader logs/s on anvil,
 *   rebalance decision-to-first-tx latency).
 *
 * A full run starts each section in a process of its own (this script with
 * `--only`, which imports only that section's module), so one section's
 * heap, JIT state and GC pauses cannot leak into the next one's figures, and
 * the waiting parent holds none of them.
 *
 * All results, with metadata (date, Deno/V8 versions, CPU model, git
 * commit), go to `bench-results/bench-<timestamp>.json` and
 * `bench-results/latest.json`, each written to a temporary file and renamed
 * into place. A section that throws (or whose process fails) is recorded as
 * `{ error }` and makes the task exit 1 after writing.
 *
 * @example
 * ```sh
 * deno task bench                  # everything
 * deno run -A tasks/bench.ts --quick --only core
 * deno task bench --only core,bus  # two sections, each in its own process
 * ```
 * @module
 */
import { writeFileAtomic } from "../services/common/fs_atomic.ts";

const SECTIONS = ["core", "bus", "backtest", "mm", "simulator", "defi_live"] as const;
type Section = typeof SECTIONS[number];

/** Command-line options. */
export interface Args {
  quick: boolean;
  /** The sections to run (all when null); one section runs in this process. */
  only: Section[] | null;
  /** Internal: where a section process writes its result (JSON) for the parent. */
  sectionResult: string | null;
}

/** Parses `--quick` and `--only <section>[,<section>...]`; throws on anything else. */
export function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, only: null, sectionResult: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--quick") args.quick = true;
    else if (a === "--section-result") {
      const v = argv[++i];
      if (!v) throw new Error("bench: --section-result expects a file path");
      args.sectionResult = v;
    } else if (a === "--only" || a.startsWith("--only=")) {
      const v = (a === "--only" ? argv[++i] : a.slice("--only=".length)) ?? "";
      const names = v.split(",");
      for (const n of names) {
        if (!(SECTIONS as readonly string[]).includes(n)) {
          throw new Error(
            `bench: --only expects sections from ${SECTIONS.join("|")} (comma-separated), ` +
              `got ${JSON.stringify(n)} in ${JSON.stringify(v)}`,
          );
        }
      }
      args.only = names as Section[];
    } else if (a === "--help" || a === "-h") {
      console.log(
        `usage: deno run -A tasks/bench.ts [--quick] [--only ${SECTIONS.join("|")}[,...]]`,
      );
      Deno.exit(0);
    } else {
      throw new Error(
        `bench: unknown argument ${JSON.stringify(a)} (use --quick, --only ${SECTIONS.join("|")})`,
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

function errorRecord(e: unknown): { error: string } {
  return { error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
}

/**
 * Runs one section as `deno run -A tasks/bench.ts --only <name>` (its output
 * goes straight to ours) and returns the result it hands back.
 */
async function runInOwnProcess(name: Section, quick: boolean): Promise<unknown> {
  const resultFile = await Deno.makeTempFile({ prefix: `bench-${name}-`, suffix: ".json" });
  try {
    const argv = ["run", "-A", new URL(import.meta.url).pathname, "--only", name];
    if (quick) argv.push("--quick");
    argv.push("--section-result", resultFile);
    const { code } = await new Deno.Command(Deno.execPath(), {
      args: argv,
      stdin: "null",
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    const text = (await Deno.readTextFile(resultFile)).trim();
    const result = text === "" ? null : JSON.parse(text);
    if (code !== 0 || result === null) {
      const why = (result as { error?: string } | null)?.error;
      throw new Error(
        `bench: the ${name} section process exited with code ${code}${why ? `: ${why}` : ""}`,
      );
    }
    return result;
  } finally {
    await Deno.remove(resultFile).catch(() => {});
  }
}

/** Runs the selected benchmarks, writes the result files, returns the exit code. */
export async function main(args: Args = parseArgs(Deno.args)): Promise<number> {
  const meta = await metadata(args);
  const results: Record<string, unknown> = {};
  let failed = false;

  const sections: Record<Section, { title: string; run: () => Promise<unknown> }> = {
    core: {
      title: "core: WASM vs @uniswap/v3-sdk vs BigInt reference",
      run: async () => {
        const { benchCore, formatCoreTable } = await import("./bench_core.ts");
        const r = await benchCore({ quick: args.quick });
        console.log(formatCoreTable(r));
        return r;
      },
    },
    bus: {
      title: "bus: Deno ZeroMQ (libzmq FFI) vs npm zeromq under Node",
      // quick: smaller counts (a smoke run, not the reported figures)
      run: async () => {
        const { benchBus } = await import("./bench_bus.ts");
        return await benchBus(
          args.quick
            ? { latencyMessages: 20_000, throughputMessages: 100_000, idleSeconds: 2 }
            : {},
        );
      },
    },
    backtest: {
      title: "backtest: bar mode, swap-level mode, sweep scaling",
      run: async () => {
        const { benchBacktest, formatBacktest } = await import("./bench_backtest.ts");
        const r = await benchBacktest({ quick: args.quick });
        console.log(formatBacktest(r));
        return r;
      },
    },
    mm: {
      title: "mm: decision latency and WASM book updates",
      run: async () => {
        const { benchMm, formatMm } = await import("./bench_mm.ts");
        const r = await benchMm({ quick: args.quick });
        console.log(formatMm(r));
        return r;
      },
    },
    simulator: {
      title: "simulator: the default backtest in headless Chromium vs in Deno",
      run: async () => {
        const { benchSimulator } = await import("./bench_simulator.ts");
        const r = await benchSimulator({ quick: args.quick });
        console.log(JSON.stringify(r));
        return r;
      },
    },
    defi_live: {
      title: "defi_live: downloader throughput and rebalance latency on anvil",
      run: async () => {
        const { benchDefiLive } = await import("./bench_defi_live.ts");
        const r = await benchDefiLive({ quick: args.quick });
        console.log(JSON.stringify(r));
        return r;
      },
    },
  };
  // one selected section runs here; several (or all) each get a process of their own
  const inProcess = args.only !== null && args.only.length === 1;
  for (const name of SECTIONS) {
    if (args.only !== null && !args.only.includes(name)) continue;
    const { title, run } = sections[name];
    if (args.sectionResult === null) console.log(`${title}${args.quick ? " (quick)" : ""}`);
    try {
      results[name] = inProcess ? await run() : await runInOwnProcess(name, args.quick);
    } catch (e) {
      failed = true;
      results[name] = errorRecord(e);
      console.error(`${name}: FAILED`, e);
    }
    if (args.sectionResult === null) console.log("");
  }
  if (args.sectionResult !== null) {
    // a section process: hand the result to the parent, which writes the files
    const name = args.only?.[0] ?? "";
    await writeFileAtomic(args.sectionResult, JSON.stringify(results[name] ?? null));
    return failed ? 1 : 0;
  }

  const dir = new URL("../bench-results/", import.meta.url);
  await Deno.mkdir(dir, { recursive: true });
  const stamp = String(meta.date).replace(/[:.]/g, "-");
  const text = JSON.stringify({ meta, results }, null, 2) + "\n";
  const file = new URL(`bench-${stamp}.json`, dir);
  await writeFileAtomic(file, text);
  await writeFileAtomic(new URL("latest.json", dir), text);
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
