/**
 * Retries with exponential backoff and full jitter for transport errors and
 * rate limits, never for reverts. {@link isRetryable} classifies an error by
 * walking its cause chain (viem wraps transport failures several levels deep).
 *
 * @example
 * ```ts
 * import { withRetry } from "./retry.ts";
 * const n = await withRetry("eth_blockNumber", () => Promise.resolve(1n), { retries: 3 });
 * ```
 * @module
 */

/** Retry policy. */
export interface RetryOptions {
  /** Attempts after the first. Default 5. */
  retries?: number;
  /** First backoff, ms. Default 100. */
  baseMs?: number;
  /** Largest backoff, ms. Default 3000. */
  maxMs?: number;
  /** Called before each wait (logging). */
  onRetry?: (info: { what: string; attempt: number; delayMs: number; error: unknown }) => void;
  /** Random source in [0, 1) for the jitter (tests). */
  random?: () => number;
}

/** Thrown when the retries are exhausted; `cause` is the last error. */
export class RetryExhaustedError extends Error {
  readonly attempts: number;
  constructor(what: string, attempts: number, elapsedMs: number, cause: unknown) {
    super(
      `${what} failed after ${attempts} attempts over ${Math.round(elapsedMs)} ms ` +
        `(transport errors or rate limits): ${shortMessage(cause)}`,
      { cause },
    );
    this.name = "RetryExhaustedError";
    this.attempts = attempts;
  }
}

/** First line of an error's message (viem messages are long). */
export function shortMessage(e: unknown): string {
  const err = e as { shortMessage?: string; message?: string };
  const m = err?.shortMessage ?? err?.message ?? String(e);
  return m.split("\n")[0];
}

function* causes(e: unknown): Generator<Record<string, unknown>> {
  let cur = e as Record<string, unknown> | undefined;
  for (let i = 0; cur && i < 12; i++) {
    yield cur;
    cur = cur.cause as Record<string, unknown> | undefined;
  }
}

const REVERT = /revert|execution reverted|invalid opcode|out of gas/i;
const TRANSIENT =
  /rate limit|too many requests|timed? ?out|timeout|temporar|unavailable|ECONNRESET|ECONNREFUSED|connection (reset|refused|closed)|fetch failed|network|socket|bad gateway|gateway|limit exceeded|header limit|502|503|504|429/i;

/** True for transport errors, timeouts and rate limits; false for reverts and bad requests. */
export function isRetryable(e: unknown): boolean {
  for (const c of causes(e)) {
    const name = String(c.name ?? "");
    const msg = String(c.shortMessage ?? c.message ?? "");
    if (
      name === "ContractFunctionRevertedError" || name === "ExecutionRevertedError" ||
      name === "ChainRevertError" || (REVERT.test(msg) && !/timeout/i.test(msg))
    ) return false;
    const code = c.code as number | undefined;
    const status = c.status as number | undefined;
    if (code === -32005 || code === 429 || code === -32603 && TRANSIENT.test(msg)) return true;
    if (status !== undefined && (status === 429 || status >= 500)) return true;
    if (
      name === "HttpRequestError" || name === "TimeoutError" || name === "LimitExceededRpcError" ||
      name === "TypeError" && /fetch|network/i.test(msg)
    ) return true;
    if (TRANSIENT.test(msg)) return true;
  }
  return false;
}

/** Backoff before retry `attempt` (1-based): full jitter over min(max, base·2^(attempt−1)). */
export function backoffMs(attempt: number, o: RetryOptions = {}): number {
  const base = o.baseMs ?? 100;
  const cap = Math.min(o.maxMs ?? 3000, base * 2 ** (attempt - 1));
  const r = (o.random ?? Math.random)();
  return Math.round(cap / 2 + r * cap / 2);
}

/**
 * Runs `fn`, retrying retryable failures with backoff; a non-retryable error
 * is rethrown at once, exhaustion throws {@link RetryExhaustedError}.
 */
export async function withRetry<T>(
  what: string,
  fn: (attempt: number) => Promise<T>,
  o: RetryOptions = {},
): Promise<T> {
  const retries = o.retries ?? 5;
  const t0 = performance.now();
  for (let attempt = 0;; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (!isRetryable(e)) throw e;
      if (attempt >= retries) {
        throw new RetryExhaustedError(what, attempt + 1, performance.now() - t0, e);
      }
      const delayMs = backoffMs(attempt + 1, o);
      o.onRetry?.({ what, attempt: attempt + 1, delayMs, error: e });
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
}
