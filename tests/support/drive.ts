/**
 * Drives a swap-level engine through a synthetic market batch by batch:
 * funds it at the first event (as the backtest does), then calls
 * `afterBatch` after every batch so a test can check state in between.
 *
 * @example
 * ```ts
 * driveSynthetic(engine, o, { afterBatch: () => assertReconciled(engine) });
 * ```
 * @module
 */
import { type RunOptions, splitCapital } from "../../services/defi/backtest/run.ts";
import type { SwapLevelEngine } from "../../services/defi/backtest/swap_engine.ts";
import { syntheticEvents } from "../../services/defi/backtest/synthetic.ts";

/** Checks a test runs between the steps. */
export interface DriveHooks {
  /** After funding, before the first batch. */
  afterFund?: () => void;
  /** After each batch. */
  afterBatch?: () => void;
}

/** Funds `engine` at the first event of `o.synthetic`'s market and replays it all. */
export function driveSynthetic(
  engine: SwapLevelEngine,
  o: RunOptions,
  hooks: DriveHooks = {},
): void {
  let funded = false;
  for (const batch of syntheticEvents(o.synthetic)) {
    if (!funded) {
      const [a0, a1] = splitCapital(o, engine.price);
      engine.fund(batch[0].t, a0, a1);
      funded = true;
      hooks.afterFund?.();
    }
    engine.process(batch);
    hooks.afterBatch?.();
  }
}
