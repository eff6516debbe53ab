/**
 * A minimal JSON-RPC client for bulk reads (logs, block headers): raw fetch
 * with a per-request timeout and JSON-RPC batches, errors carrying the
 * node's code and message (so range-too-large answers can be told apart from
 * transport failures).
 *
 * @module
 */

/** An error answered by the node (JSON-RPC `error`) or by HTTP. */
export class RpcResponseError extends Error {
  readonly code: number;
  readonly status?: number;
  constructor(method: string, code: number, message: string, status?: number) {
    super(`${method}: ${message} (code ${code}${status ? `, HTTP ${status}` : ""})`);
    this.name = "RpcResponseError";
    this.code = code;
    this.status = status;
  }
}

/** See the module doc. */
export class JsonRpc {
  readonly url: string;
  readonly timeoutMs: number;
  #id = 0;
  /** Requests sent (a batch counts once). */
  requests = 0;

  constructor(url: string, timeoutMs = 30_000) {
    this.url = url;
    this.timeoutMs = timeoutMs;
  }

  async #post(body: unknown, method: string): Promise<unknown> {
    this.requests++;
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), this.timeoutMs);
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: ctl.signal,
      });
    } catch (e) {
      const timedOut = ctl.signal.aborted;
      throw Object.assign(
        new Error(
          `${method}: ${
            timedOut ? `request timed out after ${this.timeoutMs} ms` : "network error"
          }`,
          { cause: e },
        ),
        { name: timedOut ? "TimeoutError" : "HttpRequestError" },
      );
    } finally {
      clearTimeout(timer);
    }
    const text = await res.text();
    if (!res.ok) {
      let code = -32000;
      let msg = text.slice(0, 300) || res.statusText;
      try {
        const j = JSON.parse(text);
        if (j?.error) {
          code = j.error.code ?? code;
          msg = j.error.message ?? msg;
        }
      } catch { /* not JSON */ }
      throw new RpcResponseError(method, code, msg, res.status);
    }
    try {
      return JSON.parse(text);
    } catch {
      throw Object.assign(new Error(`${method}: response is not JSON: ${text.slice(0, 200)}`), {
        name: "HttpRequestError",
      });
    }
  }

  /** One request. */
  async call<T>(method: string, params: unknown[] = []): Promise<T> {
    const body = await this.#post({ jsonrpc: "2.0", id: ++this.#id, method, params }, method) as {
      result?: T;
      error?: { code: number; message: string };
    };
    if (body.error) throw new RpcResponseError(method, body.error.code, body.error.message);
    return body.result as T;
  }

  /** Several requests of one method in one batch; results in order. */
  async batch<T>(method: string, paramsList: unknown[][]): Promise<T[]> {
    if (paramsList.length === 0) return [];
    const first = this.#id + 1;
    const reqs = paramsList.map((params) => ({ jsonrpc: "2.0", id: ++this.#id, method, params }));
    const body = await this.#post(reqs, method);
    if (!Array.isArray(body)) {
      const e = (body as { error?: { code: number; message: string } }).error;
      throw new RpcResponseError(method, e?.code ?? -32000, e?.message ?? "batch not supported");
    }
    const out = new Array<T>(paramsList.length);
    for (
      const r of body as Array<
        { id: number; result?: T; error?: { code: number; message: string } }
      >
    ) {
      if (r.error) throw new RpcResponseError(method, r.error.code, r.error.message);
      out[r.id - first] = r.result as T;
    }
    return out;
  }
}
