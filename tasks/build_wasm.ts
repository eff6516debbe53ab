/**
 * `deno task build`: compiles `core-wasm/assembly/` (AssemblyScript) into
 * `core-wasm/build/core.wasm`. Skipped when the sources, the compiler
 * version and the flags are unchanged (a hash is kept beside the output).
 * The output is written to a temporary file and renamed, so an interrupted
 * build never leaves a truncated core.wasm.
 *
 * @example
 * ```sh
 * deno task build          # compile if needed
 * deno task build --force  # always compile
 * ```
 * @module
 */

import { sha256Hex } from "../services/common/bytes.ts";
const ASC_VERSION = "0.28.20";
const FLAGS = [
  "-O3",
  "--runtime",
  "incremental",
  "--noAssert",
  "--enable",
  "bulk-memory",
  "--initialMemory",
  "4",
];

const root = new URL("../", import.meta.url);
const srcDir = new URL("core-wasm/assembly/", root);
const outDir = new URL("core-wasm/build/", root);
const outFile = new URL("core.wasm", outDir);
const hashFile = new URL("core.wasm.hash", outDir);

async function sourcesHash(): Promise<string> {
  const names: string[] = [];
  for await (const e of Deno.readDir(srcDir)) {
    if (e.isFile && e.name.endsWith(".ts")) names.push(e.name);
  }
  names.sort();
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [enc.encode(ASC_VERSION + "\n" + FLAGS.join(" ") + "\n")];
  for (const n of names) {
    parts.push(enc.encode(n + "\n"));
    parts.push(await Deno.readFile(new URL(n, srcDir)));
  }
  return await sha256Hex(parts);
}

/** Builds core.wasm when needed; returns true when it compiled. */
export async function buildWasm(force = false): Promise<boolean> {
  const hash = await sourcesHash();
  const previous = await Deno.readTextFile(hashFile).catch(() => "");
  const haveOutput = await Deno.stat(outFile).then(() => true, () => false);
  if (!force && haveOutput && previous.trim() === hash) return false;
  await Deno.mkdir(outDir, { recursive: true });
  const tmp = new URL(`core.wasm.tmp-${Deno.pid}`, outDir);
  const cmd = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      `npm:assemblyscript@${ASC_VERSION}/asc`,
      new URL("index.ts", srcDir).pathname,
      ...FLAGS,
      "-o",
      tmp.pathname,
    ],
    stdout: "inherit",
    stderr: "inherit",
    stdin: "null",
  });
  const t0 = performance.now();
  const res = await cmd.output();
  if (!res.success) {
    await Deno.remove(tmp).catch(() => {});
    throw new Error(`Cannot build core.wasm: asc exited with code ${res.code} (see errors above)`);
  }
  await Deno.rename(tmp, outFile);
  await Deno.writeTextFile(hashFile, hash + "\n");
  console.error(`build: core.wasm compiled in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return true;
}

if (import.meta.main) {
  await buildWasm(Deno.args.includes("--force"));
}
