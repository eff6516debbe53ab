/**
 * Web Worker of a sweep: runs one grid point per message and posts back its
 * metrics (or the error message).
 *
 * @module
 */
import { parseCli } from "./cli.ts";
import { runBacktest } from "./dispatch.ts";
import { pickMetrics } from "./sweep.ts";

interface Job {
  index: number;
  argv: string[];
  pre: [string, string][];
  rankBy: string;
}

/** The worker global scope (typed locally: the main-thread lib types `self` as Window). */
const scope = self as unknown as {
  onmessage: (e: MessageEvent<Job>) => void;
  postMessage: (msg: unknown) => void;
};

scope.onmessage = async (e: MessageEvent<Job>) => {
  const { index, argv, pre, rankBy } = e.data;
  try {
    const o = parseCli(argv, pre);
    o.progress = false;
    const r = await runBacktest(o);
    scope.postMessage({ index, metrics: pickMetrics(r.summary, [rankBy]) });
  } catch (err) {
    scope.postMessage({ index, error: err instanceof Error ? err.message : String(err) });
  }
};
