/**
 * The per-process health and stats HTTP endpoint.
 *
 * - `GET /health`: `{"status":"ok"|"unavailable","service","state","uptimeS","pid"}`,
 *   HTTP 200 while the service is running, 503 otherwise;
 * - `GET /stats`: uptime, state, messages and bytes in/out per topic, gap
 *   counters, errors by kind and by handler, queue depths, log line counts
 *   and memory, as JSON (bigints as strings, secrets redacted).
 *
 * @example
 * ```ts
 * import { startHealthServer } from "./health.ts";
 * const server = startHealthServer({
 *   hostname: "127.0.0.1",
 *   port: 0,
 *   health: () => ({ ok: true, body: { status: "ok" } }),
 *   stats: () => ({ uptimeS: 1 }),
 * });
 * console.log(server.port);
 * await server.close();
 * ```
 * @module
 */
import { redact } from "./redact.ts";

/** Options of {@link startHealthServer}. */
export interface HealthServerOptions {
  hostname: string;
  /** 0 picks a free port. */
  port: number;
  /** Body of /health and whether the service is healthy (200) or not (503). */
  health: () => { ok: boolean; body: Record<string, unknown> };
  /** Body of /stats. */
  stats: () => Record<string, unknown>;
}

/** A running health server. */
export interface HealthServer {
  /** The port actually bound. */
  readonly port: number;
  readonly hostname: string;
  /** Stops listening. */
  close(): Promise<void>;
}

/**
 * JSON text of a value with bigint as decimal strings, redacted.
 *
 * @example
 * ```ts
 * import { toJson } from "./health.ts";
 * console.log(toJson({ seq: 1n })); // {"seq":"1"}
 * ```
 */
export function toJson(value: unknown, indent?: number): string {
  return redact(
    JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v), indent),
  );
}

function json(body: unknown, status = 200): Response {
  return new Response(toJson(body, 2) + "\n", {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
  });
}

/**
 * Starts the HTTP endpoint. Throws when the port cannot be bound (the error
 * names host and port).
 *
 * @example
 * ```ts
 * import { startHealthServer } from "./health.ts";
 * const s = startHealthServer({
 *   hostname: "127.0.0.1",
 *   port: 0,
 *   health: () => ({ ok: true, body: {} }),
 *   stats: () => ({}),
 * });
 * await s.close();
 * ```
 */
export function startHealthServer(options: HealthServerOptions): HealthServer {
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({
      hostname: options.hostname,
      port: options.port,
      onListen: () => {},
    }, (req) => {
      const url = new URL(req.url);
      if (req.method !== "GET" && req.method !== "HEAD") {
        return json({ error: `method ${req.method} not allowed` }, 405);
      }
      try {
        if (url.pathname === "/health") {
          const h = options.health();
          return json(h.body, h.ok ? 200 : 503);
        }
        if (url.pathname === "/stats") return json(options.stats());
        return json({ error: `no such path ${url.pathname}`, paths: ["/health", "/stats"] }, 404);
      } catch (e) {
        return json({ error: (e as Error).message }, 500);
      }
    });
  } catch (e) {
    throw new Error(
      `Cannot serve /health on ${options.hostname}:${options.port}: ${(e as Error).message}`,
      { cause: e },
    );
  }
  return {
    port: server.addr.port,
    hostname: server.addr.hostname,
    async close() {
      await server.shutdown();
    },
  };
}
