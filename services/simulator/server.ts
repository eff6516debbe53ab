/**
 * The simulator's static server (Deno.serve): the page, its bundles, the
 * same core.wasm the Deno backtest loads, and uPlot's stylesheet from
 * node_modules. Everything is local: the page works with no network.
 *
 * | path                  | file                                            |
 * | --------------------- | ----------------------------------------------- |
 * | `/`, `/index.html`    | services/simulator/index.html                   |
 * | `/style.css`          | services/simulator/style.css                    |
 * | `/app/page.js`        | services/simulator/build/page.js (bundle)       |
 * | `/app/worker.js`      | services/simulator/build/worker.js (bundle)     |
 * | `/app/build/core.wasm`| core-wasm/build/core.wasm (the facade's default |
 * |                       | URL, `./build/core.wasm`, resolved from a bundle)|
 * | `/vendor/uPlot.min.css` | node_modules uplot/dist/uPlot.min.css         |
 *
 * @example
 * ```ts
 * import { serveSimulator } from "./server.ts";
 * const srv = serveSimulator({ port: 0 });
 * console.log(srv.url);
 * await srv.shutdown();
 * ```
 * @module
 */
import "uplot/package.json" with { type: "json" };

const root = new URL("../../", import.meta.url);
const here = new URL("./", import.meta.url);

const ROUTES: Record<string, [URL | (() => URL), string]> = {
  "/index.html": [new URL("index.html", here), "text/html; charset=utf-8"],
  "/style.css": [new URL("style.css", here), "text/css; charset=utf-8"],
  "/app/page.js": [new URL("build/page.js", here), "text/javascript; charset=utf-8"],
  "/app/worker.js": [new URL("build/worker.js", here), "text/javascript; charset=utf-8"],
  "/app/build/core.wasm": [new URL("core-wasm/build/core.wasm", root), "application/wasm"],
  "/vendor/uPlot.min.css": [
    () => new URL("dist/uPlot.min.css", import.meta.resolve("uplot/package.json")),
    "text/css; charset=utf-8",
  ],
};

/** A running simulator server. */
export interface SimulatorServer {
  /** e.g. http://127.0.0.1:8090/ */
  url: string;
  port: number;
  shutdown(): Promise<void>;
  finished: Promise<void>;
}

/** Server options. */
export interface ServeOptions {
  /** 0 = any free port. Default 8090. */
  port?: number;
  hostname?: string;
}

/** Answers one request (exported for tests). */
export async function handleRequest(req: Request): Promise<Response> {
  const path = new URL(req.url).pathname;
  if (path === "/favicon.ico") return new Response(null, { status: 204 });
  const route = ROUTES[path === "/" ? "/index.html" : path];
  if (!route || (req.method !== "GET" && req.method !== "HEAD")) {
    return new Response(`Not found: ${path}\n`, { status: 404 });
  }
  const [where, type] = route;
  const url = typeof where === "function" ? where() : where;
  try {
    const body = await Deno.readFile(url);
    return new Response(req.method === "HEAD" ? null : body, {
      headers: { "content-type": type, "cache-control": "no-store" },
    });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      return new Response(
        `Not built: ${decodeURIComponent(url.pathname)} is missing (run 'deno task simulator')\n`,
        { status: 500 },
      );
    }
    throw e;
  }
}

/** Starts the server on 127.0.0.1 (default port 8090). */
export function serveSimulator(opts: ServeOptions = {}): SimulatorServer {
  const hostname = opts.hostname ?? "127.0.0.1";
  const server = Deno.serve(
    { port: opts.port ?? 8090, hostname, onListen: () => {} },
    handleRequest,
  );
  const port = server.addr.port;
  return {
    url: `http://${hostname}:${port}/`,
    port,
    shutdown: () => server.shutdown(),
    finished: server.finished,
  };
}
