/**
 * One backtest run from plain options: builds the model, the strategy and
 * the engine, feeds the market (synthetic, swap-event CSV or bars) and
 * returns the summary, the series and the rebalance log. No files are
 * written here (see report.ts); data files are read only when named.
 *
 * @module
 */
import { loadCore, type WasmCore } from "../../../core-wasm/mod.ts";
import { AvellanedaStoikovModel } from "../models/avellaneda_stoikov.ts";
import { GlftModel } from "../models/glft.ts";
import type { RangeModel } from "../models/types.ts";
import { AsymmetricLpStrategy, DEFAULT_STRATEGY, type StrategyParams } from "../strategy.ts";
import type { VolatilityOptions } from "../volatility.ts";
import type { RebalanceRecord, RunParams } from "./common.ts";
import type { Series } from "./series.ts";
import { SwapLevelEngine, type TokenReconciliation } from "./swap_engine.ts";
import {
  createSyntheticPool,
  DEFAULT_SYNTHETIC,
  syntheticEvents,
  type SyntheticParams,
} from "./synthetic.ts";
import {
  DEFAULT_GAS,
  DEFAULT_HEDGE,
  type GasConfig,
  type HedgeConfig,
  type MarketEvent,
  type PoolConfig,
  USDC_WETH_005,
} from "./types.ts";

/** Model parameters (both models' knobs; each model reads its own). */
export interface ModelOptions {
  model: "as" | "glft";
  /** A–S risk aversion γ (per percentage point · tick). */
  gamma: number;
  /** Fill-intensity decay k (1/tick), both models. */
  k: number;
  /** A–S horizon, days. */
  horizonDays: number;
  /** GLFT inventory penalty γ. */
  inventoryPenalty: number;
  /** GLFT terminal inventory penalty ξ (NaN: = γ). */
  terminalPenalty: number;
  /** GLFT fill intensity A (fills/day). */
  A: number;
  /** GLFT execution cost, ticks. */
  executionCostTicks: number;
  /** GLFT max position, percentage points. */
  maxPosition: number;
  widthScale: number;
  minWidthTicks: number;
  maxWidthTicks: number;
}

/** Default model options. */
export const DEFAULT_MODEL: ModelOptions = {
  model: "as",
  gamma: 5e-5,
  k: 0.01,
  horizonDays: 1,
  inventoryPenalty: 5e-5,
  terminalPenalty: NaN,
  A: 500,
  executionCostTicks: 5,
  maxPosition: 40,
  widthScale: 2,
  minWidthTicks: 20,
  maxWidthTicks: 20000,
};

/** Everything a run needs. */
export interface RunOptions {
  seed: number;
  mode: "swap" | "bar";
  pool: PoolConfig;
  model: ModelOptions;
  strategy: StrategyParams;
  gas: GasConfig;
  hedge: HedgeConfig | null;
  /** Initial capital in quote units, split at the target ratio. */
  capitalQuote: number;
  sampleSec: number;
  volatility: VolatilityOptions;
  closeAtEnd: boolean;
  maxSwapSlippage: number;
  minSwapFraction: number;
  synthetic: SyntheticParams;
  /** Time window (unix seconds), inclusive start, exclusive end. */
  from: number;
  to: number;
}

/** Default options: the synthetic week in swap-level mode with A–S. */
export function defaultRunOptions(): RunOptions {
  return {
    seed: 1,
    mode: "swap",
    pool: { ...USDC_WETH_005 },
    model: { ...DEFAULT_MODEL },
    strategy: { ...DEFAULT_STRATEGY },
    gas: { ...DEFAULT_GAS },
    hedge: null,
    capitalQuote: 100_000,
    sampleSec: 900,
    volatility: { sampleSec: 60, window: 1440, minSamples: 30, fallbackPerSqrtDay: 0.03 },
    closeAtEnd: true,
    maxSwapSlippage: 0.01,
    minSwapFraction: 0.002,
    synthetic: { ...DEFAULT_SYNTHETIC },
    from: -Infinity,
    to: Infinity,
  };
}

/** Builds the range model named in the options. */
export function buildModel(core: WasmCore, m: ModelOptions): RangeModel {
  const layout = {
    widthScale: m.widthScale,
    minWidthTicks: m.minWidthTicks,
    maxWidthTicks: m.maxWidthTicks,
  };
  if (m.model === "glft") {
    return new GlftModel(core.quoting, {
      inventoryPenalty: m.inventoryPenalty,
      terminalPenalty: Number.isNaN(m.terminalPenalty) ? undefined : m.terminalPenalty,
      A: m.A,
      k: m.k,
      executionCostTicks: m.executionCostTicks,
      maxPosition: m.maxPosition,
      ...layout,
    });
  }
  return new AvellanedaStoikovModel(core.quoting, {
    gamma: m.gamma,
    k: m.k,
    horizonDays: m.horizonDays,
    ...layout,
  });
}

/** What a run returns. */
export interface RunResult {
  summary: Record<string, unknown>;
  series: Series;
  rebalances: RebalanceRecord[];
  /** Exact token reconciliation (swap-level mode), else null. */
  reconciliation: [TokenReconciliation, TokenReconciliation] | null;
  /** Events replayed (swap mode) or bars (bar mode). */
  items: number;
}

/** Builds the engine parameters. */
export function runParams(core: WasmCore, o: RunOptions): RunParams {
  return {
    pool: o.pool,
    model: buildModel(core, o.model),
    strategy: new AsymmetricLpStrategy(o.strategy),
    gas: o.gas,
    hedge: o.hedge,
    sampleSec: o.sampleSec,
    volatility: o.volatility,
    closeAtEnd: o.closeAtEnd,
    maxSwapSlippage: o.maxSwapSlippage,
    minSwapFraction: o.minSwapFraction,
  };
}

/** Splits `capitalQuote` at the target ratio into raw amounts at `price`. */
export function splitCapital(o: RunOptions, price: number): [bigint, bigint] {
  const baseValue = o.capitalQuote * o.strategy.targetRatio;
  const quoteValue = o.capitalQuote - baseValue;
  const base = o.pool.baseToken;
  const baseHuman = baseValue / price;
  const raw = (i: 0 | 1, h: number) =>
    BigInt(Math.floor(h * 10 ** (i === 0 ? o.pool.decimals0 : o.pool.decimals1)));
  return base === 1
    ? [raw(0, quoteValue), raw(1, baseHuman)]
    : [raw(0, baseHuman), raw(1, quoteValue)];
}

/** Progress callback: fraction done (0..1). */
export type Progress = (done: number) => void;

/** Runs the swap-level engine on the synthetic market. */
export async function runSyntheticSwap(o: RunOptions, progress?: Progress): Promise<RunResult> {
  const core = await loadCore();
  const syn = { ...o.synthetic, seed: o.seed, pool: o.pool };
  const pool = createSyntheticPool(core, syn);
  try {
    const engine = new SwapLevelEngine(core, pool, runParams(core, o));
    const events = syntheticEvents(syn);
    return replay(engine, events, syn.start, syn.start + syn.days * 86400, o, progress, {
      market: "synthetic",
    });
  } finally {
    pool.free();
  }
}

/** Replays events through a prepared engine (funds it at the first event in the window). */
export function replay(
  engine: SwapLevelEngine,
  batches: Iterable<MarketEvent[]>,
  start: number,
  end: number,
  o: RunOptions,
  progress: Progress | undefined,
  extra: Record<string, unknown>,
): RunResult {
  let funded = false;
  let items = 0;
  const from = Math.max(o.from, -Infinity);
  for (const batch of batches) {
    let evs = batch;
    if (o.from > -Infinity || o.to < Infinity) {
      evs = batch.filter((e) => e.t >= o.from && e.t < o.to);
    }
    if (evs.length === 0) continue;
    if (!funded) {
      // market events before our start still shape the pool (others' liquidity)
      const [a0, a1] = splitCapital(o, engine.price);
      engine.fund(Math.max(from, evs[0].t), a0, a1);
      funded = true;
    }
    engine.process(evs);
    items += evs.length;
    if (progress) {
      const t = evs[evs.length - 1].t;
      progress(Math.min(1, (t - start) / Math.max(1, end - start)));
    }
  }
  if (!funded) throw new Error("Cannot run the backtest: no market events in the selected window");
  engine.finish();
  const rec = engine.reconcile();
  const c = engine.counts;
  const summary = engine.summary({
    ...extra,
    mode: "swap",
    model: engine.p.model.name,
    seed: o.seed,
    pool: poolSummary(o.pool),
    params: paramsSummary(o),
    replay: {
      events: items,
      marketSwaps: c.swaps,
      arbitrageSwaps: c.arbs,
      refusedSwaps: c.rejected,
      otherLpMints: c.mints,
      otherLpBurns: c.burns,
    },
    reconciliation: recJson(rec, o.pool),
  });
  return {
    summary,
    series: engine.series,
    rebalances: engine.rebalances,
    reconciliation: rec,
    items,
  };
}

/** Pool description for summaries. */
export function poolSummary(p: PoolConfig): Record<string, unknown> {
  return {
    pair: `${p.symbol0}/${p.symbol1}`,
    feePips: p.fee,
    tickSpacing: p.tickSpacing,
    decimals: [p.decimals0, p.decimals1],
    base: p.baseToken === 0 ? p.symbol0 : p.symbol1,
    native: p.nativeToken === null ? p.nativeSymbol : (p.nativeToken === 0 ? p.symbol0 : p.symbol1),
  };
}

/** The parameters of a run, for summaries (deterministic). */
export function paramsSummary(o: RunOptions): Record<string, unknown> {
  const m = o.model;
  const model = m.model === "glft"
    ? {
      inventoryPenalty: m.inventoryPenalty,
      terminalPenalty: Number.isNaN(m.terminalPenalty) ? m.inventoryPenalty : m.terminalPenalty,
      A: m.A,
      k: m.k,
      executionCostTicks: m.executionCostTicks,
      maxPosition: m.maxPosition,
    }
    : { gamma: m.gamma, k: m.k, horizonDays: m.horizonDays };
  return {
    model: {
      name: m.model,
      ...model,
      widthScale: m.widthScale,
      minWidthTicks: m.minWidthTicks,
      maxWidthTicks: m.maxWidthTicks,
    },
    strategy: { ...o.strategy },
    capitalQuote: o.capitalQuote,
    gas: {
      mint: o.gas.mint,
      burn: o.gas.burn,
      collect: o.gas.collect,
      swap: o.gas.swap,
      gwei: o.gas.gwei,
      series: o.gas.series ? "data" : "constant",
    },
    hedge: o.hedge ?? "off",
    sampleSec: o.sampleSec,
    volatility: o.volatility,
  };
}

function recJson(
  rec: [TokenReconciliation, TokenReconciliation],
  p: PoolConfig,
): Record<string, unknown> {
  const one = (r: TokenReconciliation) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.toString()]));
  return {
    units: "raw token units; residual must be 0",
    [p.symbol0]: one(rec[0]),
    [p.symbol1]: one(rec[1]),
  };
}

export { DEFAULT_HEDGE };
