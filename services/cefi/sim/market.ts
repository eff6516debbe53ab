/**
 * Seeded synthetic market for the market-making research harness: the
 * other participants' L2 book and the arrival of their market orders.
 *
 * - Fair mid (ticks, real-valued): a Gaussian random walk whose σ (ticks/√s)
 *   depends on a regime; regimes switch as a Markov chain (exponential
 *   durations with the regime's mean).
 * - Book: `levels` price levels per side around the fair mid with the
 *   regime's spread; a level keeps its size while it stays in range
 *   (so queue positions mean something), sizes grow with depth, jitter
 *   randomly, and new levels get fresh sizes.
 * - Market orders ("sweeps") arrive per side as a Poisson process of rate A;
 *   each reaches depth δ ~ Exp(k) from the book mid, so sweeps reaching at
 *   least δ arrive at λ(δ) = A·e^(−kδ), the GLFT fill-intensity model.
 *   Each sweep pushes the fair mid by `impact`·δ in its direction (the
 *   informed part of the flow, which makes adverse selection measurable).
 *
 * Every random draw comes from the given {@link SeededRandom}: the same seed
 * gives the same market.
 *
 * @module
 */
import type { SeededRandom } from "../../common/random.ts";
import type { Side } from "../trader/types.ts";

/** One market regime. */
export interface Regime {
  name: string;
  /** Mid volatility, ticks/√s. */
  sigma: number;
  /** Sweeps per second per side reaching depth 0. */
  A: number;
  /** Depth decay, 1/tick. */
  k: number;
  /** Others' spread, ticks (integer >= 1). */
  spreadTicks: number;
  /** Mean time in the regime, s. */
  meanDurationSec: number;
  /** Fair-mid push per tick of sweep depth. */
  impact: number;
}

/** Configuration of {@link SyntheticMarket}. */
export interface MarketConfig {
  startMidTicks: number;
  /** Levels per side. */
  levels: number;
  /** Mean size of the best level, lots. */
  baseLevelLots: number;
  /** Size growth per level of depth (size_i = base·(1 + growth·i)). */
  levelGrowth: number;
  /** Probability per step that a level's size jitters. */
  jitterProb: number;
  regimes: Regime[];
}

/** Sensible defaults: a calm and a volatile regime. */
export const DEFAULT_MARKET: MarketConfig = {
  startMidTicks: 6000,
  levels: 20,
  baseLevelLots: 40,
  levelGrowth: 0.25,
  jitterProb: 0.05,
  regimes: [
    { name: "calm", sigma: 0.6, A: 1.2, k: 1.0, spreadTicks: 1, meanDurationSec: 240, impact: 0.2 },
    {
      name: "volatile",
      sigma: 2.0,
      A: 2.5,
      k: 0.6,
      spreadTicks: 2,
      meanDurationSec: 60,
      impact: 0.35,
    },
  ],
};

/** See the module doc. */
export class SyntheticMarket {
  readonly cfg: MarketConfig;
  readonly #rng: SeededRandom;
  /** Fair mid, ticks. */
  fair: number;
  regime = 0;
  readonly bids = new Map<number, number>();
  readonly asks = new Map<number, number>();
  readonly dirtyBids = new Set<number>();
  readonly dirtyAsks = new Set<number>();
  /** Seconds spent in each regime. */
  readonly regimeSeconds: number[];
  #regimeLeft: number;

  constructor(cfg: MarketConfig, rng: SeededRandom) {
    if (cfg.regimes.length === 0) throw new RangeError("Cannot create market: no regimes");
    this.cfg = cfg;
    this.#rng = rng;
    this.fair = cfg.startMidTicks;
    this.regimeSeconds = cfg.regimes.map(() => 0);
    this.#regimeLeft = this.#duration(0);
    this.#rebuild();
    this.dirtyBids.clear();
    this.dirtyAsks.clear();
  }

  #duration(i: number): number {
    return -Math.log(1 - this.#rng.next()) * this.cfg.regimes[i].meanDurationSec;
  }

  /** The current regime. */
  get current(): Regime {
    return this.cfg.regimes[this.regime];
  }

  /** Highest others' bid (ticks), NaN when empty. */
  bestBid(): number {
    let b = -Infinity;
    for (const p of this.bids.keys()) if (p > b) b = p;
    return b === -Infinity ? NaN : b;
  }

  /** Lowest others' ask (ticks), NaN when empty. */
  bestAsk(): number {
    let a = Infinity;
    for (const p of this.asks.keys()) if (p < a) a = p;
    return a === Infinity ? NaN : a;
  }

  /** Mid of the others' book (ticks). */
  bookMid(): number {
    return (this.bestBid() + this.bestAsk()) / 2;
  }

  /** Advances `dtSec`: regime, fair mid, book. */
  step(dtSec: number): void {
    this.regimeSeconds[this.regime] += dtSec;
    this.#regimeLeft -= dtSec;
    if (this.#regimeLeft <= 0 && this.cfg.regimes.length > 1) {
      let next = this.#rng.int(0, this.cfg.regimes.length - 2);
      if (next >= this.regime) next++;
      this.regime = next;
      this.#regimeLeft = this.#duration(next);
    }
    this.fair += this.current.sigma * Math.sqrt(dtSec) * this.#rng.gaussian();
    this.#rebuild();
  }

  #size(depth: number): number {
    const c = this.cfg;
    const mean = c.baseLevelLots * (1 + c.levelGrowth * depth);
    return Math.max(1, Math.round(mean * (0.5 + this.#rng.next())));
  }

  #rebuild(): void {
    const s = this.current.spreadTicks;
    const bid0 = Math.round(this.fair - s / 2);
    const ask0 = bid0 + s;
    this.#side(this.bids, this.dirtyBids, bid0, -1);
    this.#side(this.asks, this.dirtyAsks, ask0, 1);
  }

  #side(m: Map<number, number>, dirty: Set<number>, best: number, dir: 1 | -1): void {
    const n = this.cfg.levels;
    const far = best + dir * (n - 1);
    const lo = Math.min(best, far);
    const hi = Math.max(best, far);
    for (const p of m.keys()) {
      if (p < lo || p > hi) {
        m.delete(p);
        dirty.add(p);
      }
    }
    for (let i = 0; i < n; i++) {
      const p = best + dir * i;
      const cur = m.get(p);
      if (cur === undefined) {
        m.set(p, this.#size(i));
        dirty.add(p);
      } else if (this.#rng.chance(this.cfg.jitterProb)) {
        const next = Math.max(1, Math.round(cur * (0.6 + 0.8 * this.#rng.next())));
        if (next !== cur) {
          m.set(p, next);
          dirty.add(p);
        }
      }
    }
  }

  /** Time to the next sweep of either side, s (exponential with rate 2A: A per side). */
  nextSweepInSec(): number {
    return -Math.log(1 - this.#rng.next()) / (2 * this.current.A);
  }

  /** Depth of a sweep, ticks from the book mid (Exp(k)). */
  sweepDepth(): number {
    return -Math.log(1 - this.#rng.next()) / this.current.k;
  }

  /** Fraction of the last level a sweep takes, (0, 1]. */
  lastLevelFraction(): number {
    return 1 - this.#rng.next();
  }

  /** A side for a sweep, fair coin. */
  sweepSide(): Side {
    return this.#rng.chance(0.5) ? "BUY" : "SELL";
  }

  /** Sets the others' size at a price (0 deletes) and marks it dirty. */
  setLevel(side: Side, priceTicks: number, lots: number): void {
    const m = side === "BUY" ? this.bids : this.asks;
    const d = side === "BUY" ? this.dirtyBids : this.dirtyAsks;
    if (lots <= 0) m.delete(priceTicks);
    else m.set(priceTicks, lots);
    d.add(priceTicks);
  }

  /** Moves the fair mid by `ticks` (impact). */
  push(ticks: number): void {
    this.fair += ticks;
  }

  /** The dirty levels as flat [price, size] arrays (size 0 = deleted); clears them. */
  takeDirty(): { bids: number[]; asks: number[] } {
    const out = { bids: [] as number[], asks: [] as number[] };
    for (const p of [...this.dirtyBids].sort((a, b) => b - a)) {
      out.bids.push(p, this.bids.get(p) ?? 0);
    }
    for (const p of [...this.dirtyAsks].sort((a, b) => a - b)) {
      out.asks.push(p, this.asks.get(p) ?? 0);
    }
    this.dirtyBids.clear();
    this.dirtyAsks.clear();
    return out;
  }

  /** The whole book as flat arrays, best first. */
  snapshot(): { bids: number[]; asks: number[] } {
    const bids: number[] = [];
    const asks: number[] = [];
    for (const p of [...this.bids.keys()].sort((a, b) => b - a)) bids.push(p, this.bids.get(p)!);
    for (const p of [...this.asks.keys()].sort((a, b) => a - b)) asks.push(p, this.asks.get(p)!);
    return { bids, asks };
  }
}
