/**
 * Bundles the browser simulator's TypeScript (`services/simulator/page.ts`
 * and `worker.ts` with everything they import: the core-wasm facade, the
 * backtest engines, the CSV parsers, uPlot from node_modules) into
 * `services/simulator/build/` (git-ignored) with `deno bundle` for the
 * browser platform. Skipped when the module graph's sources and the Deno
 * version are unchanged (a hash is kept beside the output), like
 * `build_wasm.ts` does for core.wasm. Outputs are written to temporary files
 * and renamed.
 *
 * @example
 * ```sh
 * deno run -A tasks/build_simulator.ts          # bundle if needed
 * deno run -A tasks/build_simulator.ts --force  # always bundle
 * ```
 * @module
 */

import { sha256Hex } from "../services/common/bytes.ts";
const root = new URL("../", import.meta.url);
const simDir = new URL("services/simulator/", root);
/** The bundle folder (served under /app/). */
export const BUILD_DIR: URL = new URL("build/", simDir);
const ENTRIES = ["page", "worker"] as const;
const hashFile = new URL("bundle.hash", BUILD_DIR);

async function run(args: string[]): Promise<{ ok: boolean; out: string; err: string }> {
  const res = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: root,
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).output();
  const dec = new TextDecoder();
  return { ok: res.success, out: dec.decode(res.stdout), err: dec.decode(res.stderr) };
}

/** Local files of the entries' module graphs (from `deno info --json`). */
async function graphFiles(): Promise<string[]> {
  const files = new Set<string>();
  for (const e of ENTRIES) {
    const r = await run(["info", "--json", new URL(`${e}.ts`, simDir).pathname]);
    if (!r.ok) throw new Error(`Cannot list the simulator's modules: deno info failed\n${r.err}`);
    const info = JSON.parse(r.out) as { modules: { specifier: string; local?: string }[] };
    for (const m of info.modules) {
      if (m.specifier.startsWith("file:") && m.local) files.add(m.local);
      else if (m.specifier.startsWith("npm:")) files.add(m.specifier);
    }
  }
  return [...files].sort();
}

async function sourcesHash(): Promise<string> {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [enc.encode(`deno ${Deno.version.deno}\n`)];
  for (const f of await graphFiles()) {
    parts.push(enc.encode(f + "\n"));
    if (!f.startsWith("npm:")) parts.push(await Deno.readFile(f));
  }
  return await sha256Hex(parts);
}

/** Bundles the simulator when its sources changed; returns true when it bundled. */
export async function buildSimulator(force = false): Promise<boolean> {
  const hash = await sourcesHash();
  const previous = await Deno.readTextFile(hashFile).catch(() => "");
  let have = true;
  for (const e of ENTRIES) {
    have &&= await Deno.stat(new URL(`${e}.js`, BUILD_DIR)).then(() => true, () => false);
  }
  if (!force && have && previous.trim() === hash) return false;
  await Deno.mkdir(BUILD_DIR, { recursive: true });
  const t0 = performance.now();
  for (const e of ENTRIES) {
    const out = new URL(`${e}.js`, BUILD_DIR);
    const tmp = new URL(`${e}.js.tmp-${Deno.pid}`, BUILD_DIR);
    const r = await run([
      "bundle",
      "--quiet",
      "--platform",
      "browser",
      "--format",
      "esm",
      "-o",
      tmp.pathname,
      new URL(`${e}.ts`, simDir).pathname,
    ]);
    if (!r.ok) {
      await Deno.remove(tmp).catch(() => {});
      throw new Error(`Cannot bundle the simulator (${e}.ts): deno bundle failed\n${r.err}`);
    }
    await Deno.rename(tmp, out);
  }
  await Deno.writeTextFile(hashFile, hash + "\n");
  console.error(`build: simulator bundled in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return true;
}

if (import.meta.main) {
  await buildSimulator(Deno.args.includes("--force"));
}
