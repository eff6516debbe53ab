/**
 * A small JSON-RPC fault proxy for tests: forwards to a node and, on demand,
 * answers with HTTP 503 / 429, a JSON-RPC rate-limit error, a hang (the
 * client's timeout fires), or refuses `eth_getLogs` ranges above a size the
 * way hosted nodes do ("query returned more than 10000 results").
 *
 * @module
 */

/** One injected fault. */
export type Fault = "503" | "429" | "rpc-limit" | "hang";

/** A running proxy. */
export interface RpcProxy {
  url: string;
  /** Requests seen, by method (a batch counts its methods). */
  counts: Map<string, number>;
  /** Faults to answer the next requests with (consumed in order). */
  faults: Fault[];
  /** Fail every request from now on with this fault (null: off). */
  always: Fault | null;
  /** Refuse eth_getLogs spanning more blocks than this (0: off). */
  maxLogRange: number;
  /** Refusals of eth_getLogs for range. */
  refused: number;
  stop(): Promise<void>;
}

/** Starts a proxy to `target` on a free port. */
export function startRpcProxy(target: string): RpcProxy {
  const ctl = new AbortController();
  const proxy: RpcProxy = {
    url: "",
    counts: new Map(),
    faults: [],
    always: null,
    maxLogRange: 0,
    refused: 0,
    stop: async () => {
      ctl.abort();
      await server.shutdown();
    },
  };
  const answer = (f: Fault): Promise<Response> => {
    switch (f) {
      case "503":
        return Promise.resolve(new Response("upstream unavailable", { status: 503 }));
      case "429":
        return Promise.resolve(new Response("Too Many Requests", { status: 429 }));
      case "rpc-limit":
        return Promise.resolve(Response.json({
          jsonrpc: "2.0",
          id: 1,
          error: { code: -32005, message: "rate limit exceeded, retry later" },
        }));
      case "hang":
        return new Promise((resolve) => {
          const t = setTimeout(() => resolve(new Response("late", { status: 504 })), 30_000);
          ctl.signal.addEventListener("abort", () => {
            clearTimeout(t);
            resolve(new Response("stopped", { status: 503 }));
          });
        });
    }
  };
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: () => {},
    signal: ctl.signal,
  }, async (req) => {
    const text = await req.text();
    const body = JSON.parse(text);
    const reqs = Array.isArray(body) ? body : [body];
    for (const r of reqs) proxy.counts.set(r.method, (proxy.counts.get(r.method) ?? 0) + 1);
    const f = proxy.always ?? proxy.faults.shift();
    if (f) return await answer(f);
    if (proxy.maxLogRange > 0 && !Array.isArray(body) && body.method === "eth_getLogs") {
      const p = body.params[0];
      const span = Number(BigInt(p.toBlock) - BigInt(p.fromBlock)) + 1;
      if (span > proxy.maxLogRange) {
        proxy.refused++;
        return Response.json({
          jsonrpc: "2.0",
          id: body.id,
          error: { code: -32005, message: "query returned more than 10000 results" },
        });
      }
    }
    const res = await fetch(target, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: text,
    });
    return new Response(await res.text(), {
      status: res.status,
      headers: { "content-type": "application/json" },
    });
  });
  proxy.url = `http://127.0.0.1:${server.addr.port}`;
  return proxy;
}
