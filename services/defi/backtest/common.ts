/**
 * What both engines share: the run parameters, the strategy/model/hedge
 * wiring, the sampling clock, the PnL accumulators and the summary.
 *
 * @module
 */
import type { RangeModel, RangePlan } from "../models/types.ts";
import { type AsymmetricLpStrategy, type StrategyDecision } from "../strategy.ts";
import { PriceScale } from "../ticks.ts";
import { RollingVolatility, type VolatilityOptions } from "../volatility.ts";
import { PerpHedge } from "./hedge.ts";
import { annualize, riskStats, Series, type SeriesRow } from "./series.ts";
import { type GasConfig, gasPriceAt, type HedgeConfig, type PoolConfig } from "./types.ts";

/** Parameters of one run (either engine). */
export interface RunParams {
  pool: PoolConfig;
  model: RangeModel;
  strategy: AsymmetricLpStrategy;
  gas: GasConfig;
  /** Perp hedge settings, or null (default: off). */
  hedge: HedgeConfig | null;
  /** Seconds of market time between series rows. */
  sampleSec: number;
  volatility: VolatilityOptions;
  /** Burn and collect everything at the end (paying gas), so the final value is cash. */
  closeAtEnd: boolean;
  /** Max price move a rebalance swap accepts (fraction, e.g. 0.01). */
  maxSwapSlippage: number;
  /** Skip rebalance swaps below this fraction of value. */
  minSwapFraction: number;
}

/** One executed rebalance. */
export interface RebalanceRecord {
  t: number;
  trigger: string;
  price: number;
  ratioBefore: number;
  ratioAfter: number;
  /** Quote value swapped (≥ 0). */
  swapNotional: number;
  gasQuote: number;
  mainLower: number;
  mainUpper: number;
  limitLower: number | null;
  limitUpper: number | null;
  excessWidthTicks: number;
  deficitWidthTicks: number;
  benefit: number;
  cost: number;
}

/** Holdings in human units. */
export interface Holdings {
  amount0: number;
  amount1: number;
}

/** Time constant of the pool fee-flow EWMA, seconds. */
export const FEE_FLOW_TAU_SEC = 86400;

/** Shared engine state and bookkeeping; the engines fill in the mechanics. */
export abstract class EngineCore {
  readonly p: RunParams;
  readonly scale: PriceScale;
  readonly vol: RollingVolatility;
  readonly series = new Series();
  readonly rebalances: RebalanceRecord[] = [];
  hedge: PerpHedge | null = null;

  // market state
  t = NaN;
  t0 = NaN;
  tick = 0;
  sqrtF = 0;
  price = NaN;

  // our ranges (ticks), null when none
  main: { lower: number; upper: number } | null = null;
  limit: { lower: number; upper: number } | null = null;
  lastPlan: RangePlan | null = null;

  // initial state
  initial: Holdings = { amount0: 0, amount1: 0 };
  startPrice = NaN;
  startValue = NaN;
  fifty: Holdings = { amount0: 0, amount1: 0 };

  // cumulative PnL components (quote)
  feesQuote = 0;
  gasQuote = 0;
  swapCostQuote = 0;
  lvrQuote = 0;
  /** Gas paid outside the pool tokens (native token not in the pool, or short wallet), quote. */
  gasExternalQuote = 0;
  gasUnits = 0;

  // time-weighted statistics
  timeTotal = 0;
  timeInRange = 0;
  devIntegral = 0;
  devMax = 0;
  ourSwaps = 0;
  poolVolumeQuote = 0;
  poolFeesQuote = 0;

  // fee-rate estimate: EWMA of the pool's fee flow (quote/s) and our share when in range
  #feeFlow = 0;
  #feeFlowT = NaN;
  lastShare = 0;
  #gasCursor = { i: 0 };
  #nextSample = NaN;
  #lastBaseRatio = NaN;

  constructor(p: RunParams) {
    this.p = p;
    this.scale = new PriceScale(p.pool);
    this.vol = new RollingVolatility(p.volatility);
  }

  /**
   * The private per-event state a replay loop continues between host steps:
   * next series sample time, last base ratio, fee-flow EWMA and its time.
   */
  protected clockState(): [number, number, number, number] {
    return [this.#nextSample, this.#lastBaseRatio, this.#feeFlow, this.#feeFlowT];
  }

  /** Restores what {@link clockState} returned, as advanced by a replay loop. */
  protected setClockState(lastBaseRatio: number, feeFlow: number, feeFlowT: number): void {
    this.#lastBaseRatio = lastBaseRatio;
    this.#feeFlow = feeFlow;
    this.#feeFlowT = feeFlowT;
  }

  /** Holdings right now (wallet + positions, fees excluded), human units, f64. */
  abstract holdingsF64(): Holdings;
  /** Executes a rebalance decision. */
  abstract executeRebalance(d: StrategyDecision): void;
  /** Burns and collects every position of ours; returns the gas units spent. */
  protected abstract removeAll(): number;
  /** Swaps `ratioDelta` of our value toward the target; returns the quote notional swapped. */
  protected abstract rebalanceSwap(ratioDelta: number): number;
  /** Pays `units` of gas at the current gas price. */
  protected abstract payGas(units: number): void;

  /**
   * The first half every rebalance shares: note the ratio and gas before,
   * remove our positions, swap toward the target when the decision says so,
   * and pay the gas of all that.
   */
  protected unwindForRebalance(d: StrategyDecision): {
    ratioBefore: number;
    gasBefore: number;
    swapped: number;
  } {
    const before = this.holdingsF64();
    const ratioBefore = this.scale.baseRatio(before.amount0, before.amount1, this.price);
    const gasBefore = this.gasQuote;
    let units = this.removeAll();
    let swapped = 0;
    if (d.swapRatioDelta !== 0) {
      swapped = this.rebalanceSwap(d.swapRatioDelta);
      if (swapped > 0) units += this.p.gas.swap;
    }
    this.payGas(units);
    return { ratioBefore, gasBefore, swapped };
  }

  /**
   * Appends the record of a rebalance just executed: the ranges now held,
   * the inventory ratio before and after, the notional swapped and the gas
   * paid since `gasBefore` (quote units).
   */
  protected recordRebalance(
    d: StrategyDecision,
    plan: RangePlan,
    ratioBefore: number,
    swapped: number,
    gasBefore: number,
  ): void {
    const sc = this.scale;
    const after = this.holdingsF64();
    const band = (r: { lower: number; upper: number } | null) =>
      r ? [sc.tickToPrice(r.lower), sc.tickToPrice(r.upper)].sort((a, b) => a - b) : [null, null];
    const [ml, mu] = band(this.main);
    const [ll, lu] = band(this.limit);
    this.rebalances.push({
      t: this.t,
      trigger: d.trigger ?? "",
      price: this.price,
      ratioBefore,
      ratioAfter: sc.baseRatio(after.amount0, after.amount1, this.price),
      swapNotional: swapped,
      gasQuote: this.gasQuote - gasBefore,
      mainLower: ml ?? NaN,
      mainUpper: mu ?? NaN,
      limitLower: ll,
      limitUpper: lu,
      excessWidthTicks: plan.excessWidthTicks,
      deficitWidthTicks: plan.deficitWidthTicks,
      benefit: d.benefit,
      cost: d.cost,
    });
  }
  /** Exact (or best) holdings and cumulative fees earned per token for a series row. */
  abstract sampleHoldings(): { h: Holdings; fees0: number; fees1: number };

  /** Starts the clocks at the first event. */
  start(t: number): void {
    this.t0 = t;
    this.t = t;
    this.#nextSample = t + this.p.sampleSec;
    this.#feeFlowT = t;
  }

  /** Sets the starting inventory (call once the price is known). */
  setInitial(h: Holdings): void {
    this.initial = { ...h };
    this.startPrice = this.price;
    this.startValue = this.scale.value(h.amount0, h.amount1, this.price);
    const half = this.startValue / 2;
    this.fifty = this.p.pool.baseToken === 1
      ? { amount0: half, amount1: half / this.price }
      : { amount0: half / this.price, amount1: half };
    if (this.p.hedge) {
      const base = this.p.pool.baseToken === 1 ? h.amount1 : h.amount0;
      this.hedge = new PerpHedge(this.p.hedge, base, this.startValue);
    }
  }

  /** Advances the clock to `t`, accumulating time-weighted stats and writing due rows. */
  advance(t: number): void {
    if (t > this.t) {
      const dt = t - this.t;
      this.timeTotal += dt;
      if (this.inRange()) this.timeInRange += dt;
      const dev = Math.abs(this.#lastBaseRatio - this.p.strategy.params.targetRatio);
      if (Number.isFinite(dev)) {
        this.devIntegral += dev * dt;
        if (dev > this.devMax) this.devMax = dev;
      }
    }
    if (t >= this.#nextSample) {
      this.record(Math.max(this.#nextSample, Math.min(t, this.#nextSample)));
      const k = Math.floor((t - this.t0) / this.p.sampleSec) + 1;
      this.#nextSample = this.t0 + k * this.p.sampleSec;
    }
    if (t > this.t) this.t = t;
  }

  /** Whether the current tick is inside the main range. */
  inRange(): boolean {
    const m = this.main;
    return m !== null && this.tick >= m.lower && this.tick < m.upper;
  }

  /** Pool fee flow observed (quote), for the strategy's fee-rate estimate. */
  observeFees(t: number, feeQuote: number, volumeQuote: number): void {
    this.poolFeesQuote += feeQuote;
    this.poolVolumeQuote += volumeQuote;
    const tau = FEE_FLOW_TAU_SEC;
    const dt = Math.max(0, t - this.#feeFlowT);
    const a = Math.exp(-dt / tau);
    this.#feeFlow = this.#feeFlow * a + feeQuote / tau;
    this.#feeFlowT = t;
  }

  /** Gas price in gwei now. */
  gweiNow(): number {
    return gasPriceAt(this.p.gas, this.t, this.#gasCursor);
  }

  /** Quote value of `units` of gas now. */
  gasQuoteFor(units: number): number {
    const native = this.p.pool.nativeToken;
    const eth = units * this.gweiNow() * 1e-9;
    if (native === null) return eth * this.p.pool.nativePriceQuote;
    return native === this.p.pool.baseToken ? eth * this.price : eth;
  }

  /** Lets the strategy decide at the current state, and executes a rebalance. */
  decide(): void {
    const h = this.holdingsF64();
    const value = this.scale.value(h.amount0, h.amount1, this.price);
    const ratio = this.scale.baseRatio(h.amount0, h.amount1, this.price);
    this.#lastBaseRatio = ratio;
    if (this.hedge) {
      this.hedge.update(this.t, this.price, this.p.pool.baseToken === 1 ? h.amount1 : h.amount0);
    }
    const g = this.p.gas;
    const positions = (this.main ? 1 : 0) + (this.limit ? 1 : 0);
    const gasCost = this.gasQuoteFor((g.burn + g.collect) * positions + 2 * g.mint + g.swap);
    const feeRate = value > 0 ? this.#feeFlow * this.lastShare / value : 0;
    const q = 100 * (ratio - this.p.strategy.params.targetRatio);
    const bound = this.boundPct();
    const d = this.p.strategy.decide({
      t: this.t,
      baseRatio: ratio,
      valueQuote: value,
      hasPosition: this.main !== null,
      inRange: this.inRange(),
      sigmaPerSqrtDay: this.vol.sigmaPerSqrtDay(),
      feeRatePerSec: feeRate,
      gasCostQuote: gasCost,
      swapCostRate: this.p.pool.fee / 1e6 + this.impactRate(),
      atBound: Math.abs(q) >= bound,
    });
    if (d.action === "rebalance") {
      this.executeRebalance(d);
      const h2 = this.holdingsF64();
      const r2 = this.scale.baseRatio(h2.amount0, h2.amount1, this.price);
      this.#lastBaseRatio = r2;
      this.p.strategy.onRebalanced(this.t, r2, this.inRange());
    }
  }

  /** The model's inventory bound on |100 (ratio − target)|, Infinity when it has none. */
  boundPct(): number {
    return (this.p.model as { params?: { maxPosition?: number } }).params?.maxPosition ?? Infinity;
  }

  /** Rough price-impact rate of swapping a few percent of our value (engines refine). */
  impactRate(): number {
    return 0;
  }

  /** Writes one series row at time `t` from the current state. */
  record(t: number): void {
    const { h, fees0, fees1 } = this.sampleHoldings();
    const price = this.price;
    const sc = this.scale;
    // fee increments valued now
    const feeNow = sc.value(fees0, fees1, price);
    this.feesQuote += feeNow - this.#feesValuedTokens(price);
    this.#fees0 = fees0;
    this.#fees1 = fees1;
    const hedgePnl = this.hedge ? this.hedge.pnl(price) : 0;
    const lpValue = sc.value(h.amount0, h.amount1, price) - this.gasExternalQuote;
    const value = lpValue + hedgePnl;
    const hodl = sc.value(this.initial.amount0, this.initial.amount1, price);
    const fifty = sc.value(this.fifty.amount0, this.fifty.amount1, price);
    const il = value - hodl - this.feesQuote + this.gasQuote + this.swapCostQuote - hedgePnl;
    const band = (r: { lower: number; upper: number } | null): [number, number] => {
      if (!r) return [NaN, NaN];
      const a = sc.tickToPrice(r.lower);
      const b = sc.tickToPrice(r.upper);
      return a < b ? [a, b] : [b, a];
    };
    const [ml, mu] = band(this.main);
    const [ll, lu] = band(this.limit);
    const row: SeriesRow = {
      t,
      price,
      tick: this.tick,
      main_lower: ml,
      main_upper: mu,
      limit_lower: ll,
      limit_upper: lu,
      in_range: this.inRange() ? 1 : 0,
      base_ratio: sc.baseRatio(h.amount0, h.amount1, price),
      target_ratio: this.p.strategy.params.targetRatio,
      value,
      hodl,
      fifty_fifty: fifty,
      amount0: h.amount0,
      amount1: h.amount1,
      fees: this.feesQuote,
      gas: this.gasQuote,
      swap_cost: this.swapCostQuote,
      hedge: hedgePnl,
      il,
      lvr: this.lvrQuote,
      sigma_day: this.vol.sigmaPerSqrtDay(),
    };
    this.series.push(row);
  }

  #fees0 = 0;
  #fees1 = 0;
  #feesValuedTokens(price: number): number {
    return this.scale.value(this.#fees0, this.#fees1, price);
  }

  /** Records our share of active liquidity while in range. */
  setShare(share: number): void {
    if (share > 0 && Number.isFinite(share)) this.lastShare = share;
  }

  /** The summary (deterministic: market time only, no wall clock). */
  summary(extra: Record<string, unknown>): Record<string, unknown> {
    const s = this.series;
    const dur = Math.max(0, this.t - this.t0);
    const end = s.last("value");
    const hodl = s.last("hodl");
    const fifty = s.last("fifty_fifty");
    const v0 = this.startValue;
    const ret = end / v0 - 1;
    const risk = riskStats(s.cols.value, this.p.sampleSec);
    const hodlRisk = riskStats(s.cols.hodl, this.p.sampleSec);
    const st = this.p.strategy.stats;
    const r = (x: number, d = 8) => Number.isFinite(x) ? Number(x.toPrecision(d)) : null;
    return {
      ...extra,
      period: {
        from: new Date(this.t0 * 1000).toISOString(),
        to: new Date(this.t * 1000).toISOString(),
        days: r(dur / 86400, 6),
      },
      prices: { start: r(this.startPrice), end: r(this.price) },
      capital: {
        start: {
          [this.p.pool.symbol0]: r(this.initial.amount0),
          [this.p.pool.symbol1]: r(this.initial.amount1),
        },
        startValue: r(v0),
      },
      returns: {
        endValue: r(end),
        totalReturn: r(ret),
        annualizedReturn: r(annualize(ret, dur)),
        hodlValue: r(hodl),
        hodlReturn: r(hodl / v0 - 1),
        vsHodl: r(end / hodl - 1),
        vsHodlAnnualized: r(annualize(end / hodl - 1, dur)),
        fiftyFiftyValue: r(fifty),
        fiftyFiftyReturn: r(fifty / v0 - 1),
        vsFiftyFifty: r(end / fifty - 1),
        vsFiftyFiftyAnnualized: r(annualize(end / fifty - 1, dur)),
      },
      pnl: {
        vsHodl: r(end - hodl),
        fees: r(this.feesQuote),
        impermanentLoss: r(s.last("il")),
        lvr: r(this.lvrQuote),
        gas: r(-this.gasQuote),
        swapCost: r(-this.swapCostQuote),
        hedge: r(s.last("hedge")),
        note: "vsHodl = fees + impermanentLoss + gas + swapCost + hedge (quote units)",
      },
      activity: {
        rebalances: this.rebalances.length,
        triggers: st.triggers,
        declinedByCost: st.declined,
        deferredByMinInterval: st.deferred,
        rebalanceSwaps: this.ourSwaps,
        gasUnits: this.gasUnits,
        gasPaidOutsidePoolTokens: r(this.gasExternalQuote),
        hedgeTrades: this.hedge?.trades ?? 0,
        hedgeFees: r(this.hedge?.fees ?? 0),
        hedgeFunding: r(this.hedge?.funding ?? 0),
        poolVolumeQuote: r(this.poolVolumeQuote),
        poolFeesQuote: r(this.poolFeesQuote),
      },
      risk: {
        timeInRange: r(this.timeTotal > 0 ? this.timeInRange / this.timeTotal : 0),
        inventoryDeviationMean: r(this.timeTotal > 0 ? this.devIntegral / this.timeTotal : 0),
        inventoryDeviationMax: r(this.devMax),
        sharpe: r(risk.sharpe),
        sortino: r(risk.sortino),
        maxDrawdown: r(risk.maxDrawdown),
        volatilityAnnual: r(risk.volatilityAnnual),
        hodlSharpe: r(hodlRisk.sharpe),
        hodlMaxDrawdown: r(hodlRisk.maxDrawdown),
      },
    };
  }
}
