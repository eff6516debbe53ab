/**
 * The simulator's Web Worker: runs one scenario off the page's thread and
 * reports progress, the result or the error (with file, line and column for
 * bad CSV rows). The page cancels a run by terminating the worker.
 *
 * Messages in: {@link RunRequest}. Out: {@link WorkerMessage}.
 *
 * @module
 */
import { DataFormatError } from "../defi/data/swap_events_csv.ts";
import type { Scenario } from "./scenario.ts";
import { runScenario, type SimResult, type Upload } from "./simulate.ts";

/** What the page asks. */
export interface RunRequest {
  type: "run";
  id: number;
  scenario: Scenario;
  /** An uploaded CSV (a File/Blob), or null for the synthetic market. */
  file: { name: string; blob: Blob; skipBadRows: boolean } | null;
}

/** What the worker answers. */
export type WorkerMessage =
  | { type: "ready" }
  | { type: "progress"; id: number; done: number }
  | { type: "result"; id: number; result: SimResult }
  | {
    type: "error";
    id: number;
    message: string;
    /** Set for a bad data row. */
    where: { file: string; line: number; column: number; value: string } | null;
  };

interface WorkerScope {
  postMessage(m: WorkerMessage): void;
  onmessage: ((e: MessageEvent<RunRequest>) => void) | null;
}

const scope = globalThis as unknown as WorkerScope;

async function run(req: RunRequest): Promise<void> {
  let last = -1;
  const progress = (done: number) => {
    const pct = Math.floor(done * 100);
    if (pct === last) return;
    last = pct;
    scope.postMessage({ type: "progress", id: req.id, done });
  };
  try {
    const f = req.file;
    const upload: Upload | null = f
      ? {
        name: f.name,
        skipBadRows: f.skipBadRows,
        open: () => f.blob.stream() as ReadableStream<Uint8Array>,
      }
      : null;
    const result = await runScenario(req.scenario, upload, progress);
    scope.postMessage({ type: "result", id: req.id, result });
  } catch (e) {
    const where = e instanceof DataFormatError
      ? { file: e.file, line: e.line, column: e.column, value: e.value }
      : null;
    scope.postMessage({
      type: "error",
      id: req.id,
      message: e instanceof Error ? e.message : String(e),
      where,
    });
  }
}

scope.onmessage = (e) => {
  if (e.data?.type === "run") void run(e.data);
};
scope.postMessage({ type: "ready" });
