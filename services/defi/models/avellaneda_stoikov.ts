/**
 * Avellaneda–Stoikov (2008) range model. In ticks, with q the inventory
 * deviation in percentage points, σ in ticks/√day and τ the horizon in days:
 *
 *   reservation r = s − q·γ·σ²·τ
 *   spread      δa + δb = γσ²τ + (2/γ)·ln(1 + γ/k)
 *   bid depth   δb = s − (r − spread/2) + fee,  ask depth δa = (r + spread/2) − s + fee
 *
 * computed by core.wasm (`quoting.avellanedaStoikov`), then laid out as
 * ranges by {@link layoutRanges}.
 *
 * @example
 * ```ts
 * import { loadCore } from "../../../core-wasm/mod.ts";
 * import { AvellanedaStoikovModel } from "./avellaneda_stoikov.ts";
 * const { quoting } = await loadCore();
 * const model = new AvellanedaStoikovModel(quoting, { gamma: 1e-4, k: 0.01, horizonDays: 1 });
 * const plan = model.calculateRanges({
 *   tick: 200003, tickSpacing: 10, baseRatio: 0.6, targetRatio: 0.5,
 *   sigmaPerSqrtDay: 0.03, baseToken: 1,
 * });
 * console.log(plan.main, plan.excessToken); // wide below (excess WETH = token1)
 * ```
 * @module
 */
import type { WasmQuoting } from "../../../core-wasm/mod.ts";
import { checkLayout, DEFAULT_LAYOUT, inventoryQ, layoutRanges, sigmaTicks } from "./layout.ts";
import type { LayoutParams, ModelState, RangeModel, RangePlan, RangeQuote } from "./types.ts";

/** A–S parameters (ticks, days, percentage points). */
export interface AvellanedaStoikovModelParams extends Partial<LayoutParams> {
  /** Risk aversion γ > 0, per (percentage point · tick). */
  gamma: number;
  /** Fill-intensity decay k > 0 in 1/tick. */
  k: number;
  /** Horizon T − t in days (the volatility window's natural scale). */
  horizonDays: number;
  /** Extra depth per side, ticks (execution cost; default 0). */
  feeTicks?: number;
}

/** Avellaneda–Stoikov behind {@link RangeModel}. */
export class AvellanedaStoikovModel implements RangeModel {
  readonly name = "as";
  readonly params: Required<AvellanedaStoikovModelParams>;
  readonly #q: WasmQuoting;

  constructor(quoting: WasmQuoting, params: AvellanedaStoikovModelParams) {
    const layout = checkLayout({ ...DEFAULT_LAYOUT, ...stripUndefined(params) });
    if (!(params.gamma > 0)) throw new RangeError(`A-S gamma ${params.gamma} must be > 0`);
    if (!(params.k > 0)) throw new RangeError(`A-S k ${params.k} must be > 0`);
    if (!(params.horizonDays >= 0)) {
      throw new RangeError(`A-S horizonDays ${params.horizonDays} must be >= 0`);
    }
    this.params = { feeTicks: 0, ...layout, ...stripUndefined(params) } as Required<
      AvellanedaStoikovModelParams
    >;
    this.#q = quoting;
  }

  quote(state: ModelState): RangeQuote {
    const q = inventoryQ(state);
    const sigma = sigmaTicks(state);
    const r = this.#q.avellanedaStoikov(
      {
        gamma: this.params.gamma,
        sigma,
        k: this.params.k,
        horizon: this.params.horizonDays,
        fee: this.params.feeTicks,
      },
      0,
      q,
    );
    return {
      q,
      sigmaTicks: sigma,
      reservationShiftTicks: r.reservation,
      bidDepthTicks: r.bidDepth,
      askDepthTicks: r.askDepth,
      withheld: "none",
    };
  }

  calculateRanges(state: ModelState): RangePlan {
    return layoutRanges(state, this.quote(state), this.params);
  }
}

/** Copies an object without its undefined values (so they don't override defaults). */
export function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}
