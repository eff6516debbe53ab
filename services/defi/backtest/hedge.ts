/**
 * A simulated perpetual-futures hedge of the LP's base-token delta: the perp
 * position targets `−ratio × (base held − base held at start)`, re-hedged when
 * off by more than a threshold, paying a taker fee on each trade and funding
 * continuously (longs pay shorts at `fundingPerYear`). PnL is mark-to-market
 * at the price the engine passes. Pure arithmetic; no I/O.
 *
 * @example
 * ```ts
 * import { PerpHedge } from "./hedge.ts";
 * const h = new PerpHedge({ ratio: 1, thresholdFraction: 0.01, feeRate: 0.0005, fundingPerYear: 0.1 }, 10, 1e5);
 * h.update(0, 2000, 12); // 2 more base than at start: sell 2 on the perp
 * console.log(h.position); // -2
 * ```
 * @module
 */
import type { HedgeConfig } from "./types.ts";

const YEAR = 365 * 86400;

/** The perp hedge; see the module doc. */
export class PerpHedge {
  readonly cfg: HedgeConfig;
  readonly baseAtStart: number;
  readonly capital: number;
  /** Signed perp position in base units. */
  position = 0;
  /** Cash from trades (quote), excluding fees and funding. */
  #cash = 0;
  /** Fees paid (quote, ≥ 0). */
  fees = 0;
  /** Funding received (quote, signed). */
  funding = 0;
  trades = 0;
  #lastT = NaN;
  #lastPrice = NaN;

  constructor(cfg: HedgeConfig, baseAtStart: number, capital: number) {
    this.cfg = cfg;
    this.baseAtStart = baseAtStart;
    this.capital = capital;
  }

  /** Accrues funding to `t`, then re-hedges if the base holding moved enough. */
  update(t: number, price: number, baseHeld: number): void {
    if (!Number.isNaN(this.#lastT) && t > this.#lastT) {
      const notional = this.position * this.#lastPrice;
      this.funding -= notional * this.cfg.fundingPerYear * (t - this.#lastT) / YEAR;
    }
    this.#lastT = t;
    this.#lastPrice = price;
    const target = -this.cfg.ratio * (baseHeld - this.baseAtStart);
    const diff = target - this.position;
    if (Math.abs(diff) * price > this.cfg.thresholdFraction * this.capital) {
      this.#cash -= diff * price;
      this.fees += Math.abs(diff) * price * this.cfg.feeRate;
      this.position = target;
      this.trades++;
    }
  }

  /** Total hedge PnL (quote) marked at `price`: trading + funding − fees. */
  pnl(price: number): number {
    return this.#cash + this.position * price + this.funding - this.fees;
  }
}
