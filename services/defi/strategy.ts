/**
 * The asymmetric LP strategy's decision logic: when to rebalance and how much
 * inventory to swap. Pure: the caller passes the market, our inventory and
 * cost estimates; the strategy keeps only its own trigger state. The same
 * object drives the backtest and (later) the live rebalancer.
 *
 * Rebalancing is edge-triggered, never on a timer:
 * - **deviation**: |ratio − target| rises through `threshold` (re-armed once
 *   it falls below `threshold × rearm`; after a declined trigger it fires
 *   again only if the deviation grows by another `threshold / 2`);
 * - **out-of-range**: the price leaves our main range (the in→out edge);
 * - **drift**: the ratio moved by `threshold` since the last rebalance;
 * - **bound**: the model reports the inventory bound (GLFT max position).
 * A trigger waits for `minIntervalSec` since the last rebalance, then passes
 * a cost check: expected benefit over `benefitHorizonSec` — fees regained
 * when out of range, plus the inventory-risk reduction
 * `riskWeight · V · σ²_day · days · (dev² − dev_after²)` — must reach
 * `minBenefitToCost ×` (gas + swap cost). A declined out-of-range or
 * deviation trigger is re-evaluated (at most once per `minIntervalSec`)
 * only while its condition still holds — gas, fee rate and volatility
 * change — so a rebalance still happens only on a crossing or while a
 * crossed condition persists, never on a timer. The very first placement is
 * unconditional.
 *
 * @example
 * ```ts
 * import { AsymmetricLpStrategy } from "./strategy.ts";
 * const s = new AsymmetricLpStrategy({ targetRatio: 0.5, threshold: 0.1 });
 * const d = s.decide({
 *   t: 0, baseRatio: 0.5, valueQuote: 1e5, hasPosition: false, inRange: false,
 *   sigmaPerSqrtDay: 0.03, feeRatePerSec: 0, gasCostQuote: 20, swapCostRate: 0.001,
 *   atBound: false,
 * });
 * console.log(d.action, d.trigger); // "rebalance" "initial"
 * ```
 * @module
 */

/** Strategy parameters. */
export interface StrategyParams {
  /** Target value share of the base token (0..1). Default 0.5. */
  targetRatio: number;
  /** Deviation |ratio − target| that triggers a rebalance. Default 0.15. */
  threshold: number;
  /** Re-arm below `threshold × rearm`. Default 0.5. */
  rearm: number;
  /** Minimum seconds between rebalances. Default 3600. */
  minIntervalSec: number;
  /** Horizon over which benefits are counted, seconds. Default 86400. */
  benefitHorizonSec: number;
  /** Rebalance only when benefit ≥ this × cost. Default 1. */
  minBenefitToCost: number;
  /** Fraction of the excess (vs target) swapped at a rebalance, 0..1. Default 0.5. */
  swapFraction: number;
  /** Fraction of the remaining deviation the new asymmetric layout is expected to pull back. Default 0.5. */
  layoutReversion: number;
  /** Weight of the inventory-variance term in the benefit. Default 1. */
  riskWeight: number;
  /** Rebalance when the price leaves the main range. Default true. */
  rebalanceOnExit: boolean;
}

/** Defaults for {@link StrategyParams}. */
export const DEFAULT_STRATEGY: StrategyParams = {
  targetRatio: 0.5,
  threshold: 0.15,
  rearm: 0.5,
  minIntervalSec: 3600,
  benefitHorizonSec: 86400,
  minBenefitToCost: 1,
  swapFraction: 0.5,
  layoutReversion: 0.5,
  riskWeight: 1,
  rebalanceOnExit: true,
};

/** Checks parameters, naming the first bad one. */
export function checkStrategyParams(p: StrategyParams): StrategyParams {
  const in01 = (k: keyof StrategyParams) => {
    const v = p[k] as number;
    if (!(v >= 0 && v <= 1)) throw new RangeError(`strategy ${k} ${v} must be in [0, 1]`);
  };
  in01("targetRatio");
  in01("rearm");
  in01("swapFraction");
  in01("layoutReversion");
  if (!(p.threshold > 0 && p.threshold <= 1)) {
    throw new RangeError(`strategy threshold ${p.threshold} must be in (0, 1]`);
  }
  for (
    const k of ["minIntervalSec", "benefitHorizonSec", "minBenefitToCost", "riskWeight"] as const
  ) {
    if (!(p[k] >= 0) || !Number.isFinite(p[k])) {
      throw new RangeError(`strategy ${k} ${p[k]} must be a finite number >= 0`);
    }
  }
  return p;
}

/** What the strategy sees at one decision point. */
export interface StrategyInput {
  /** Time, seconds. */
  t: number;
  /** Value share of the base token in everything we hold (wallet + positions). */
  baseRatio: number;
  /** Total value in quote units. */
  valueQuote: number;
  /** Whether we hold any position. */
  hasPosition: boolean;
  /** Whether the current tick is inside our main range. */
  inRange: boolean;
  /** Volatility, log units per √day. */
  sigmaPerSqrtDay: number;
  /** Expected fee income per second per unit of value while in range. */
  feeRatePerSec: number;
  /** Gas of a full rebalance (burns, collects, mints, one swap), quote units. */
  gasCostQuote: number;
  /** Pool fee + price impact per unit of notional swapped (fraction). */
  swapCostRate: number;
  /** The model reports the inventory bound (reduce inventory). */
  atBound: boolean;
}

/** What the strategy decided. */
export interface StrategyDecision {
  action: "hold" | "rebalance";
  /** The trigger that fired (or was declined), if any. */
  trigger: "initial" | "deviation" | "out-of-range" | "drift" | "bound" | null;
  /** Value share of base to swap toward the target (signed: < 0 sells base). */
  swapRatioDelta: number;
  /** Expected benefit and cost (quote units) of the evaluated trigger. */
  benefit: number;
  cost: number;
  /** True when a trigger was evaluated and refused by the cost check. */
  declined: boolean;
}

type Trigger = NonNullable<StrategyDecision["trigger"]>;

const HOLD: StrategyDecision = {
  action: "hold",
  trigger: null,
  swapRatioDelta: 0,
  benefit: 0,
  cost: 0,
  declined: false,
};

/** See {@link AsymmetricLpStrategy.quietState}. */
export interface QuietState {
  armed: boolean;
  escalate: number;
  wasInRange: boolean;
  lastRatio: number;
  retry: 0 | 1 | 2;
  retryAt: number;
  pending: boolean;
  lastT: number;
}

/** The asymmetric LP decision logic; see the module doc. */
export class AsymmetricLpStrategy {
  readonly params: StrategyParams;
  #armed = true;
  #escalate = Infinity;
  #wasInRange = true;
  #lastT = -Infinity;
  #lastRatio = NaN;
  #pending: Trigger | null = null;
  #retry: Trigger | null = null;
  #retryAt = Infinity;
  /** Counters, for reports. */
  readonly stats = { triggers: 0, declined: 0, deferred: 0, rebalances: 0 };

  constructor(params: Partial<StrategyParams> = {}) {
    this.params = checkStrategyParams({ ...DEFAULT_STRATEGY, ...params });
  }

  /** Decides at one point; call {@link onRebalanced} after executing a rebalance. */
  decide(x: StrategyInput): StrategyDecision {
    const p = this.params;
    const dev = x.baseRatio - p.targetRatio;
    const ad = Math.abs(dev);
    if (!x.hasPosition) {
      return this.#evaluate(x, "initial", dev, true);
    }
    // Edges.
    if (this.#armed && ad >= p.threshold) {
      this.#armed = false;
      this.#raise("deviation");
    } else if (!this.#armed && ad < p.threshold * p.rearm) {
      this.#armed = true;
      this.#escalate = Infinity;
    } else if (ad >= this.#escalate) {
      this.#escalate = Infinity;
      this.#raise("deviation");
    }
    if (p.rebalanceOnExit && this.#wasInRange && !x.inRange) this.#raise("out-of-range");
    this.#wasInRange = x.inRange;
    if (Math.abs(x.baseRatio - this.#lastRatio) >= p.threshold) {
      this.#lastRatio = x.baseRatio; // the baseline moves: one edge per threshold of drift
      this.#raise("drift");
    }
    if (x.atBound) this.#raise("bound");
    if (this.#retry !== null) {
      const still = this.#retry === "out-of-range" ? !x.inRange : ad >= p.threshold;
      if (!still) this.#retry = null;
      else if (x.t >= this.#retryAt && this.#pending === null) {
        this.#pending = this.#retry;
        this.#retry = null;
      }
    }
    if (this.#pending === null) return HOLD;
    if (x.t - this.#lastT < p.minIntervalSec) {
      this.stats.deferred++;
      return HOLD;
    }
    const trigger = this.#pending;
    this.#pending = null;
    const d = this.#evaluate(x, trigger, dev, false);
    if (d.declined) {
      this.stats.declined++;
      this.#escalate = ad + p.threshold / 2;
      if (trigger === "out-of-range" || trigger === "deviation") {
        this.#retry = trigger;
        this.#retryAt = x.t + Math.max(p.minIntervalSec, 60);
      }
    }
    return d;
  }

  #raise(t: Trigger): void {
    this.stats.triggers++;
    // Keep the most urgent pending reason.
    const rank: Record<Trigger, number> = {
      initial: 5,
      bound: 4,
      "out-of-range": 3,
      deviation: 2,
      drift: 1,
    };
    if (this.#pending === null || rank[t] > rank[this.#pending]) this.#pending = t;
  }

  #evaluate(x: StrategyInput, trigger: Trigger, dev: number, force: boolean): StrategyDecision {
    const p = this.params;
    const swapDelta = -dev * (x.atBound ? Math.max(p.swapFraction, 0.5) : p.swapFraction);
    const devAfter = (dev + swapDelta) * (1 - p.layoutReversion);
    const days = p.benefitHorizonSec / 86400;
    const feeBenefit = x.inRange ? 0 : x.feeRatePerSec * x.valueQuote * p.benefitHorizonSec;
    const riskBenefit = p.riskWeight * x.valueQuote * x.sigmaPerSqrtDay ** 2 * days *
      (dev * dev - devAfter * devAfter);
    const benefit = feeBenefit + riskBenefit;
    const cost = x.gasCostQuote + Math.abs(swapDelta) * x.valueQuote * x.swapCostRate;
    const ok = force || benefit >= p.minBenefitToCost * cost;
    return {
      action: ok ? "rebalance" : "hold",
      trigger,
      swapRatioDelta: ok ? swapDelta : 0,
      benefit,
      cost,
      declined: !ok,
    };
  }

  /**
   * The state that decides whether {@link decide} would hold without changing
   * anything but the `deferred` counter, for a replay loop that evaluates
   * that condition itself between decisions (and reports the deferrals it
   * counted with {@link addDeferred}). `retry`: 0 none, 1 out-of-range,
   * 2 deviation.
   */
  quietState(): QuietState {
    return {
      armed: this.#armed,
      escalate: this.#escalate,
      wasInRange: this.#wasInRange,
      lastRatio: this.#lastRatio,
      retry: this.#retry === null ? 0 : this.#retry === "out-of-range" ? 1 : 2,
      retryAt: this.#retryAt,
      pending: this.#pending !== null,
      lastT: this.#lastT,
    };
  }

  /** Counts decisions a replay loop deferred (pending trigger inside the minimum interval). */
  addDeferred(n: number): void {
    this.stats.deferred += n;
  }

  /** Records an executed rebalance at time `t` leaving value share `baseRatio`. */
  onRebalanced(t: number, baseRatio: number, inRange: boolean): void {
    this.#lastT = t;
    this.#lastRatio = baseRatio;
    this.#pending = null;
    this.#escalate = Infinity;
    this.#retry = null;
    this.#wasInRange = inRange;
    this.#armed = Math.abs(baseRatio - this.params.targetRatio) < this.params.threshold;
    this.stats.rebalances++;
  }
}
