/**
 * Adaptive `eth_getLogs` over a block range: ranges halve when the node
 * answers "too many results" / response-size errors and grow when results
 * are sparse, transport errors and rate limits are retried with backoff,
 * several ranges are in flight at once (a concurrency limit) and results are
 * delivered strictly in block order, so a consumer can checkpoint after each.
 *
 * @module
 */
import { backoffMs, isRetryable, RetryExhaustedError, type RetryOptions } from "../chain/retry.ts";
import type { JsonRpc } from "./rpc.ts";

/** A raw log as the node returns it. */
export interface RawLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: string;
  transactionHash: string;
  transactionIndex: string;
  logIndex: string;
  removed?: boolean;
}

/** Options of {@link fetchLogs}. */
export interface FetchLogsOptions {
  rpc: JsonRpc;
  address: string;
  /** topic0 values (any of). */
  topics0: string[];
  fromBlock: bigint;
  toBlock: bigint;
  /** First range size in blocks. Default 2000. */
  initialSpan?: number;
  /** Smallest range. Default 1 (a single block that is still too large is an error). */
  minSpan?: number;
  /** Largest range. Default 100,000. */
  maxSpan?: number;
  /** Grow the range when a result has fewer logs than this. Default 2000. */
  sparseBelow?: number;
  /** Ranges in flight. Default 4. */
  concurrency?: number;
  retry?: RetryOptions;
  /** Called in block order for each completed range. */
  onRange(from: bigint, to: bigint, logs: RawLog[]): void | Promise<void>;
  signal?: AbortSignal;
  /** Counters (shared with the caller). */
  stats?: LogStats;
}

/** What happened while fetching. */
export interface LogStats {
  ranges: number;
  splits: number;
  grows: number;
  retries: number;
  logs: number;
}

const TOO_LARGE =
  /more than \d+ results|too many (results|logs)|response (size|is too)|size exceeded|range is too (large|wide)|block range|exceed(s|ed)? (the )?max|limit the query|result window|query timeout|returned too many/i;

/** True when the node refused a range for its size (split it, do not retry it). */
export function isRangeTooLarge(e: unknown): boolean {
  const msg = String((e as Error)?.message ?? e);
  return TOO_LARGE.test(msg);
}

/** See the module doc. */
export async function fetchLogs(o: FetchLogsOptions): Promise<LogStats> {
  const stats = o.stats ?? { ranges: 0, splits: 0, grows: 0, retries: 0, logs: 0 };
  const minSpan = BigInt(o.minSpan ?? 1);
  const maxSpan = BigInt(o.maxSpan ?? 100_000);
  const sparse = o.sparseBelow ?? 2000;
  let span = BigInt(o.initialSpan ?? 2000);
  let cursor = o.fromBlock;
  const redo: Array<[bigint, bigint]> = [];
  const done = new Map<bigint, { to: bigint; logs: RawLog[] }>();
  let emitAt = o.fromBlock;
  let failure: unknown = null;
  let emitting = Promise.resolve();
  const retries = o.retry?.retries ?? 6;

  const next = (): [bigint, bigint] | null => {
    if (redo.length) return redo.shift()!;
    if (cursor > o.toBlock) return null;
    const from = cursor;
    const to = from + span - 1n < o.toBlock ? from + span - 1n : o.toBlock;
    cursor = to + 1n;
    return [from, to];
  };

  const emit = async () => {
    for (;;) {
      const r = done.get(emitAt);
      if (!r) return;
      done.delete(emitAt);
      await o.onRange(emitAt, r.to, r.logs);
      emitAt = r.to + 1n;
    }
  };

  const fetchRange = async (from: bigint, to: bigint): Promise<RawLog[] | "split"> => {
    const t0 = performance.now();
    for (let attempt = 0;; attempt++) {
      if (o.signal?.aborted) throw o.signal.reason ?? new Error("aborted");
      try {
        return await o.rpc.call<RawLog[]>("eth_getLogs", [{
          address: o.address,
          topics: [o.topics0],
          fromBlock: "0x" + from.toString(16),
          toBlock: "0x" + to.toString(16),
        }]);
      } catch (e) {
        if (isRangeTooLarge(e)) {
          if (to - from + 1n <= minSpan) {
            throw new Error(
              `eth_getLogs of blocks ${from}..${to} is refused as too large even at the minimum ` +
                `range of ${minSpan} blocks: ${(e as Error).message}`,
            );
          }
          return "split";
        }
        if (!isRetryable(e)) throw e;
        if (attempt >= retries) {
          throw new RetryExhaustedError(
            `eth_getLogs ${from}..${to}`,
            attempt + 1,
            performance.now() - t0,
            e,
          );
        }
        stats.retries++;
        await new Promise((r) => setTimeout(r, backoffMs(attempt + 1, o.retry)));
      }
    }
  };

  const worker = async () => {
    for (;;) {
      if (failure) return;
      const r = next();
      if (!r) return;
      const [from, to] = r;
      try {
        const logs = await fetchRange(from, to);
        if (logs === "split") {
          stats.splits++;
          const mid = from + (to - from) / 2n;
          redo.unshift([from, mid], [mid + 1n, to]);
          const half = (to - from + 1n) / 2n;
          span = half > minSpan ? half : minSpan;
          continue;
        }
        stats.ranges++;
        stats.logs += logs.length;
        if (logs.length < sparse / 2 && to - from + 1n >= span && span < maxSpan) {
          span = span * 2n < maxSpan ? span * 2n : maxSpan;
          stats.grows++;
        }
        done.set(from, { to, logs });
        emitting = emitting.then(emit);
        await emitting;
      } catch (e) {
        failure ??= e;
        return;
      }
    }
  };

  await Promise.all(Array.from({ length: o.concurrency ?? 4 }, worker));
  await emitting;
  if (failure) throw failure;
  if (emitAt <= o.toBlock) {
    throw new Error(`internal: logs delivered up to block ${emitAt - 1n} of ${o.toBlock}`);
  }
  return stats;
}
