/**
 * Swaps → bars (the bar form the bar engine reads): per interval, the ticks
 * after the first and last swap, min/max post-swap tick, gross inputs per
 * token (human units), swap count and the active liquidity after the last
 * swap; bars without swaps repeat the previous close with zero volume.
 *
 * @module
 */
import type { BarChunk } from "../data/bars_csv.ts";

/** One swap as observed (pool-side amounts, raw) with the state after it. */
export interface SwapObservation {
  t: number;
  amount0: bigint;
  amount1: bigint;
  tick: number;
  liquidity: bigint;
}

/** Aggregates swaps into dense bars of `intervalSec` from `start` to `end`. */
export class BarAggregator {
  readonly intervalSec: number;
  readonly unit0: number;
  readonly unit1: number;
  readonly #t: number[] = [];
  readonly #o: number[] = [];
  readonly #h: number[] = [];
  readonly #l: number[] = [];
  readonly #c: number[] = [];
  readonly #i0: number[] = [];
  readonly #i1: number[] = [];
  readonly #L: number[] = [];
  readonly #n: number[] = [];
  #cur = NaN;
  #lastTick = 0;
  #lastL = 0;

  constructor(
    intervalSec: number,
    decimals0: number,
    decimals1: number,
    start: number,
    tick: number,
    liquidity: bigint,
  ) {
    this.intervalSec = intervalSec;
    this.unit0 = 10 ** decimals0;
    this.unit1 = 10 ** decimals1;
    this.#cur = Math.floor(start / intervalSec) * intervalSec;
    this.#lastTick = tick;
    this.#lastL = Number(liquidity);
    this.#open(this.#cur);
  }

  #open(t: number): void {
    this.#t.push(t);
    this.#o.push(this.#lastTick);
    this.#h.push(-Infinity);
    this.#l.push(Infinity);
    this.#c.push(this.#lastTick);
    this.#i0.push(0);
    this.#i1.push(0);
    this.#L.push(this.#lastL);
    this.#n.push(0);
  }

  #rollTo(t: number): void {
    const bt = Math.floor(t / this.intervalSec) * this.intervalSec;
    while (this.#cur < bt) {
      this.#close();
      this.#cur += this.intervalSec;
      this.#open(this.#cur);
    }
  }

  #close(): void {
    const k = this.#t.length - 1;
    if (this.#n[k] === 0) {
      this.#h[k] =
        this.#l[k] =
        this.#o[k] =
        this.#c[k] =
          this.#lastTick;
    }
  }

  /** Adds one swap (times non-decreasing). */
  add(s: SwapObservation): void {
    this.#rollTo(s.t);
    const k = this.#t.length - 1;
    if (this.#n[k] === 0) this.#o[k] = s.tick;
    this.#n[k]++;
    if (s.tick > this.#h[k]) this.#h[k] = s.tick;
    if (s.tick < this.#l[k]) this.#l[k] = s.tick;
    this.#c[k] = s.tick;
    if (s.amount0 > 0n) this.#i0[k] += Number(s.amount0) / this.unit0;
    if (s.amount1 > 0n) this.#i1[k] += Number(s.amount1) / this.unit1;
    this.#L[k] = Number(s.liquidity);
    this.#lastTick = s.tick;
    this.#lastL = Number(s.liquidity);
  }

  /** Closes bars up to `end` and returns them as one chunk. */
  finish(end: number): BarChunk {
    this.#rollTo(Math.max(end - 1, this.#cur));
    this.#close();
    const f = (a: number[]) => Float64Array.from(a);
    return {
      length: this.#t.length,
      t: f(this.#t),
      openTick: f(this.#o),
      highTick: f(this.#h),
      lowTick: f(this.#l),
      closeTick: f(this.#c),
      in0: f(this.#i0),
      in1: f(this.#i1),
      liquidity: f(this.#L),
      swaps: f(this.#n),
    };
  }
}
