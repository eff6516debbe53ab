/**
 * `deno task simulator`: builds core.wasm and the simulator bundles when
 * their sources changed, then serves the browser simulator on
 * http://127.0.0.1:8090/ (`--port N` to change, `--host H` to listen
 * elsewhere). Ctrl-C stops it.
 *
 * @example
 * ```sh
 * deno task simulator
 * deno task simulator --port 9000
 * ```
 * @module
 */
import { buildWasm } from "./build_wasm.ts";
import { buildSimulator } from "./build_simulator.ts";
import { serveSimulator } from "../services/simulator/server.ts";

function parseArgs(argv: string[]): { port: number; hostname: string } {
  let port = 8090;
  let hostname = "127.0.0.1";
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [name, inline] = a.includes("=")
      ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)]
      : [a, undefined];
    const value = () => inline ?? argv[++i];
    if (name === "--port") {
      const v = value();
      port = Number(v);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new Error(`Cannot parse --port: '${v}' is not a port number (0-65535)`);
      }
    } else if (name === "--host") hostname = value() ?? hostname;
    else if (name === "--help") {
      console.log("usage: deno task simulator [--port 8090] [--host 127.0.0.1]");
      Deno.exit(0);
    } else throw new Error(`Unknown option ${a} (try --help)`);
  }
  return { port, hostname };
}

if (import.meta.main) {
  try {
    const { port, hostname } = parseArgs(Deno.args);
    await buildWasm();
    await buildSimulator();
    const srv = serveSimulator({ port, hostname });
    console.log(`Asymmetric LP simulator: ${srv.url}  (Ctrl-C to stop)`);
    await srv.finished;
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    Deno.exit(1);
  }
}
