/**
 * The persisted rebalance plan and the rebalancer's durable state.
 *
 * A rebalance is a small list of steps (remove each old position, swap,
 * compute the ranges, mint the main range, mint the leftover range). The
 * intent is written before anything is sent; every transaction is written
 * once signed (hash, raw bytes, nonce) before it is broadcast, and again when
 * its receipt is in. On restart the rebalancer reads the state, asks the chain
 * which transactions landed, re-broadcasts a signed one the chain has never
 * seen (same bytes, same nonce: it cannot be sent twice), and rolls the rest
 * forward. Positions themselves are never stored: they are read from the
 * NonfungiblePositionManager (the NFTs our wallet owns), so none is orphaned.
 *
 * The state file is JSON (bigints as strings) written atomically.
 *
 * @module
 */
import { writeFileAtomic } from "../../common/fs_atomic.ts";

/** Status of one step. */
export type StepStatus = "pending" | "signed" | "done" | "skipped" | "failed";

/** One step of a plan. */
export type PlanStep =
  & {
    status: StepStatus;
    /** Signed transaction (tx steps). */
    tx?: { hash: string; raw: string; nonce: number };
    /** Parsed outcome (JSON-safe). */
    result?: Record<string, string | number | boolean | null>;
    error?: string;
  }
  & (
    | { kind: "remove"; tokenId: string }
    | { kind: "swap"; ratioDelta: number }
    | { kind: "ranges" }
    | { kind: "mint"; which: "main" | "limit" }
  );

/** Ranges computed by the model for a plan, with its inputs. */
export interface PlanRanges {
  tick: number;
  baseRatio: number;
  sigmaPerSqrtDay: number;
  main: { tickLower: number; tickUpper: number };
  limit0: { tickLower: number; tickUpper: number } | null;
  limit1: { tickLower: number; tickUpper: number } | null;
  excessToken: 0 | 1;
}

/** A rebalance plan. */
export interface Plan {
  id: string;
  trigger: string;
  createdAtMs: number;
  /** Block time of the decision (strategy time), seconds. */
  t: number;
  blockNumber: string;
  ratioBefore: number;
  benefit: number;
  cost: number;
  status: "running" | "done" | "failed";
  steps: PlanStep[];
  ranges?: PlanRanges;
  /** ms from the decision to the first transaction broadcast. */
  decisionToFirstSendMs?: number;
}

/** Running totals, like the backtest's PnL components. */
export interface LiveBook {
  startPrice: number;
  startValue: number;
  initial: [string, string];
  feesCollected: [string, string];
  gasWei: string;
  swapCostQuote: number;
  rebalances: number;
  swaps: number;
}

/** The durable state. */
export interface LpState {
  version: 1;
  plan: Plan | null;
  /** Exposure as of the last published inventory delta (raw, strings). */
  lastExposure: [string, string];
  book: LiveBook | null;
  /** Summaries of finished plans, newest last (bounded). */
  history: Array<Pick<Plan, "id" | "trigger" | "status" | "t" | "ranges"> & { steps: string[] }>;
}

/** Reads and writes the state file. */
export class PlanStore {
  readonly path: string;
  state: LpState;

  private constructor(path: string, state: LpState) {
    this.path = path;
    this.state = state;
  }

  /** Opens (or starts) the state file. */
  static async open(path: string): Promise<PlanStore> {
    let state: LpState;
    try {
      state = JSON.parse(await Deno.readTextFile(path)) as LpState;
      if (state.version !== 1) throw new Error(`unknown version ${state.version}`);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) {
        throw new Error(`Cannot read the LP state file ${path}: ${(e as Error).message}`);
      }
      state = { version: 1, plan: null, lastExposure: ["0", "0"], book: null, history: [] };
    }
    const dir = path.replace(/\/[^/]*$/, "");
    if (dir && dir !== path) await Deno.mkdir(dir, { recursive: true });
    return new PlanStore(path, state);
  }

  /** Writes the state atomically. */
  async save(): Promise<void> {
    await writeFileAtomic(this.path, JSON.stringify(this.state, null, 1));
  }

  /** Moves a finished plan to the history and clears it. */
  async finish(): Promise<void> {
    const p = this.state.plan;
    if (p) {
      this.state.history.push({
        id: p.id,
        trigger: p.trigger,
        status: p.status,
        t: p.t,
        ranges: p.ranges,
        steps: p.steps.map((s) => `${s.kind}:${s.status}`),
      });
      if (this.state.history.length > 50) this.state.history.shift();
    }
    this.state.plan = null;
    await this.save();
  }
}
