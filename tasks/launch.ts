/**
 * `deno task trader`, `deno task lp` and friends: starts the processes of a
 * launch profile (`config/launch_*.ini`) with the launcher in
 * `services/common/launcher.ts`: prefixed output, no silent restarts, clean
 * stop of everything on Ctrl-C.
 *
 * @example
 * ```sh
 * deno run -A tasks/launch.ts config/launch_trader.ini
 * ```
 * @module
 */
import { Launcher, loadLaunchProfile } from "../services/common/launcher.ts";
import { ConfigError } from "../services/common/config/schema.ts";

if (import.meta.main) {
  const path = Deno.args[0];
  if (!path) {
    console.error("usage: deno run -A tasks/launch.ts <config/launch_NAME.ini>");
    Deno.exit(2);
  }
  let profile;
  try {
    profile = await loadLaunchProfile(path);
  } catch (e) {
    console.error(`launch: ${e instanceof ConfigError ? e.message : (e as Error).message}`);
    Deno.exit(2);
  }
  const launcher = new Launcher(profile.specs, { stopTimeoutMs: profile.stopTimeoutMs });
  launcher.start();
  Deno.exit(await launcher.done);
}
