/**
 * GLFT range model (Guéant 2017 infinite-horizon closed form, lot Δ = 1
 * percentage point). In ticks, with q in percentage points and σ in ticks/√day:
 *
 *   c1 = (1/(ξΔ))·ln(1 + ξΔ/k)
 *   c2 = √((γσ²/(2AΔk))·(1 + ξΔ/k)^(k/(ξΔ)+1))
 *   bid depth δb = c1 + ((2q+Δ)/2)·c2 + cost,  ask depth δa = c1 − ((2q−Δ)/2)·c2 + cost
 *
 * Parameter mapping (the names): inventory penalty → γ (drives the
 * skew c2), terminal inventory penalty → ξ (Guéant's utility exponent:
 * ξ = γ is CARA on terminal wealth, ξ = 0 a pure running penalty), execution
 * cost → `cost` (ticks added to each depth: pool fee, gas and hedge cost
 * amortized per fill), max position → Q (percentage points: at |q| ≥ Q the
 * side that would grow |q| is withheld, the deficit side collapses to the
 * minimum width and the plan asks the strategy to reduce inventory).
 * The numeric core is core.wasm's `quoting.glft`.
 *
 * @module
 */
import type { WasmQuoting } from "../../../core-wasm/mod.ts";
import { stripUndefined } from "./avellaneda_stoikov.ts";
import { checkLayout, DEFAULT_LAYOUT, inventoryQ, layoutRanges, sigmaTicks } from "./layout.ts";
import type { LayoutParams, ModelState, RangeModel, RangePlan, RangeQuote } from "./types.ts";

/** GLFT parameters (ticks, days, percentage points). */
export interface GlftModelParams extends Partial<LayoutParams> {
  /** Inventory penalty γ > 0. */
  inventoryPenalty: number;
  /** Terminal inventory penalty ξ ≥ 0 (default γ). */
  terminalPenalty?: number;
  /** Fill intensity at zero depth A > 0, fills per day. */
  A: number;
  /** Fill-intensity decay k > 0 in 1/tick. */
  k: number;
  /** Execution cost added to each side's depth, ticks (default 0). */
  executionCostTicks?: number;
  /** Inventory bound Q in percentage points (default Infinity). */
  maxPosition?: number;
}

/** GLFT behind {@link RangeModel}. */
export class GlftModel implements RangeModel {
  readonly name = "glft";
  readonly params: Required<GlftModelParams>;
  readonly #q: WasmQuoting;

  constructor(quoting: WasmQuoting, params: GlftModelParams) {
    const layout = checkLayout({ ...DEFAULT_LAYOUT, ...stripUndefined(params) });
    const p = stripUndefined(params);
    this.params = {
      terminalPenalty: params.inventoryPenalty,
      executionCostTicks: 0,
      maxPosition: Infinity,
      ...layout,
      ...p,
    } as Required<GlftModelParams>;
    const { inventoryPenalty, A, k, terminalPenalty, maxPosition } = this.params;
    if (!(inventoryPenalty > 0)) {
      throw new RangeError(`GLFT inventoryPenalty ${inventoryPenalty} must be > 0`);
    }
    if (!(A > 0)) throw new RangeError(`GLFT A ${A} must be > 0`);
    if (!(k > 0)) throw new RangeError(`GLFT k ${k} must be > 0`);
    if (!(terminalPenalty >= 0)) {
      throw new RangeError(`GLFT terminalPenalty ${terminalPenalty} must be >= 0`);
    }
    if (!(maxPosition > 0)) throw new RangeError(`GLFT maxPosition ${maxPosition} must be > 0`);
    this.#q = quoting;
  }

  quote(state: ModelState): RangeQuote {
    const q = inventoryQ(state);
    const sigma = sigmaTicks(state);
    const p = this.params;
    const r = this.#q.glft(
      {
        gamma: p.inventoryPenalty,
        xi: p.terminalPenalty,
        sigma,
        A: p.A,
        k: p.k,
        fee: p.executionCostTicks,
        maxPosition: p.maxPosition,
        lot: 1,
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
      withheld: r.bid === null ? "bid" : r.ask === null ? "ask" : "none",
    };
  }

  calculateRanges(state: ModelState): RangePlan {
    return layoutRanges(state, this.quote(state), this.params);
  }
}
