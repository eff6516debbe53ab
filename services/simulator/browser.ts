/**
 * Headless Chromium for the simulator's tests and benchmark: finds Debian's
 * `chromium` (installing it with apt-get when missing and possible) and
 * launches it through npm playwright-core with the flags a closed network
 * needs and a fresh profile directory, removed on close.
 *
 * @example
 * ```ts
 * import { ensureChromium, launchChromium } from "./browser.ts";
 * const found = await ensureChromium();
 * if (found.path) {
 *   const b = await launchChromium(found.path);
 *   const page = await b.context.newPage();
 *   await b.close();
 * }
 * ```
 * @module
 */
import { type BrowserContext, chromium } from "playwright-core";

/** The Chromium flags used for every launch (closed network, no background traffic). */
export const CHROMIUM_ARGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

async function exists(p: string): Promise<boolean> {
  return await Deno.stat(p).then(() => true, () => false);
}

async function findChromium(): Promise<string | null> {
  const env = Deno.env.get("CHROMIUM_PATH");
  if (env && await exists(env)) return env;
  for (const c of CANDIDATES) if (await exists(c)) return c;
  return null;
}

/** Chromium's path, or null with the reason it could not be had. */
export interface ChromiumLookup {
  path: string | null;
  reason: string;
}

/**
 * Finds Chromium; when missing, installs Debian's `chromium` with apt-get
 * (root and apt needed). Never throws: a failure comes back as a reason.
 */
export async function ensureChromium(): Promise<ChromiumLookup> {
  const found = await findChromium();
  if (found) return { path: found, reason: "" };
  if (Deno.uid?.() !== 0 || !(await exists("/usr/bin/apt-get"))) {
    return { path: null, reason: "chromium is missing and apt-get cannot run (need root + apt)" };
  }
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  const apt = async (args: string[]) => {
    try {
      const r = await new Deno.Command("apt-get", {
        args,
        env,
        stdin: "null",
        stdout: "null",
        stderr: "piped",
      }).output();
      return { ok: r.success, err: new TextDecoder().decode(r.stderr).trim().split("\n").pop() };
    } catch (e) {
      return { ok: false, err: e instanceof Error ? e.message : String(e) };
    }
  };
  console.error("simulator tests: installing Debian package 'chromium' with apt-get");
  await apt(["update", "-qq"]);
  const r = await apt(["install", "-y", "-qq", "--no-install-recommends", "chromium"]);
  const after = await findChromium();
  if (after) return { path: after, reason: "" };
  return { path: null, reason: `apt-get install chromium failed: ${r.err ?? "unknown error"}` };
}

/** A launched browser: its context (fresh profile) and a close that removes the profile. */
export interface LaunchedChromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launches headless Chromium with {@link CHROMIUM_ARGS} and a fresh --user-data-dir. */
export async function launchChromium(
  executablePath: string,
  viewport = { width: 1400, height: 1000 },
): Promise<LaunchedChromium> {
  const profile = await Deno.makeTempDir({ prefix: "simulator-chromium-" });
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: [...CHROMIUM_ARGS],
      viewport,
      offline: false,
    });
    return {
      context,
      close: async () => {
        await context.close().catch(() => {});
        await Deno.remove(profile, { recursive: true }).catch(() => {});
      },
    };
  } catch (e) {
    await Deno.remove(profile, { recursive: true }).catch(() => {});
    throw e;
  }
}
