/**
 * Whole-file writes that never leave a truncated file: the text goes to a
 * temporary file in the same directory, which is then renamed over the
 * target (rename is atomic within a filesystem). On failure the temporary
 * file is removed and the error rethrown.
 *
 * @example
 * ```ts
 * import { writeFileAtomic } from "./fs_atomic.ts";
 * await writeFileAtomic("out/summary.json", "{}\n");
 * ```
 * @module
 */

/** Writes `text` to `path` atomically (temp file in the same directory + rename). */
export async function writeFileAtomic(
  path: string | URL,
  text: string | Uint8Array,
): Promise<void> {
  const suffix = `.tmp-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  const tmp = typeof path === "string" ? `${path}${suffix}` : new URL(`${path.href}${suffix}`);
  try {
    if (typeof text === "string") await Deno.writeTextFile(tmp, text);
    else await Deno.writeFile(tmp, text);
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}
