/**
 * `deno task setup`: installs what the project needs beyond Deno's own npm
 * imports, so a fresh machine runs the tests with no manual step.
 *
 * - `config/node-tools/` npm packages (the anvil binary, npm zeromq for Node
 *   interop tests) with `npm ci`, only when missing or when the lock changed.
 * - Debian packages `libzmq5` (the ZeroMQ bus through FFI) and `chromium`
 *   (browser tests) with apt-get, only when missing and only when running as
 *   root with apt available. A failed apt install is reported, not fatal: the
 *   tests that need the package then fail or skip with the reason.
 *
 * Idempotent and quick when everything is present (a few stat calls).
 *
 * @example
 * ```sh
 * deno task setup
 * ```
 * @module
 */

const root = new URL("../", import.meta.url);
const toolsDir = new URL("config/node-tools/", root);

async function exists(path: string | URL): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function run(cmd: string, args: string[], cwd?: URL): Promise<boolean> {
  const child = new Deno.Command(cmd, {
    args,
    cwd,
    stdout: "inherit",
    stderr: "inherit",
    stdin: "null",
  }).spawn();
  const status = await child.status;
  return status.success;
}

async function ensureNodeTools(): Promise<void> {
  const lock = new URL("package-lock.json", toolsDir);
  const stamp = new URL("node_modules/.asymmetric-lp-stamp", toolsDir);
  const lockText = await Deno.readTextFile(lock);
  const stampText = await Deno.readTextFile(stamp).catch(() => "");
  if (stampText === lockText) return;
  console.error(
    "setup: installing config/node-tools npm packages (anvil, zeromq) with npm install",
  );
  // `npm ci` refuses this lock: npm 11 leaves anvil's per-platform optional
  // packages out of it. `npm install` honours the locked versions.
  const ok = await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], toolsDir);
  if (!ok) {
    throw new Error(
      "Cannot set up node tools: 'npm install' failed in config/node-tools (is the npm registry reachable?)",
    );
  }
  await Deno.writeTextFile(stamp, lockText);
}

async function aptInstallIfMissing(pkg: string, probePaths: string[]): Promise<void> {
  for (const p of probePaths) if (await exists(p)) return;
  const isRoot = Deno.uid?.() === 0;
  if (!isRoot || !(await exists("/usr/bin/apt-get"))) {
    console.error(
      `setup: Debian package '${pkg}' is missing and cannot be installed (need root + apt-get)`,
    );
    return;
  }
  console.error(`setup: installing Debian package '${pkg}' with apt-get`);
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  const update = new Deno.Command("apt-get", {
    args: ["update", "-qq"],
    env,
    stdout: "null",
    stderr: "inherit",
  });
  await update.output();
  const install = new Deno.Command("apt-get", {
    args: ["install", "-y", "-qq", "--no-install-recommends", pkg],
    env,
    stdout: "null",
    stderr: "inherit",
  });
  const res = await install.output();
  if (!res.success) console.error(`setup: apt-get install ${pkg} failed (exit ${res.code})`);
}

if (import.meta.main) {
  await ensureNodeTools();
  await aptInstallIfMissing("libzmq5", [
    "/usr/lib/x86_64-linux-gnu/libzmq.so.5",
    "/usr/lib/aarch64-linux-gnu/libzmq.so.5",
  ]);
  if (Deno.args.includes("--browser")) {
    await aptInstallIfMissing("chromium", ["/usr/bin/chromium"]);
  }
}
