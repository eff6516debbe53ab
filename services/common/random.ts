/**
 * A small seeded random source (mulberry32) for synthetic markets, property
 * inputs and benchmarks: the same seed gives the same sequence everywhere
 * (Deno, browser, workers). Not for anything secret.
 *
 * @module
 */

/**
 * Seeded uniform and derived draws.
 *
 * @example
 * ```ts
 * import { SeededRandom } from "./random.ts";
 * const r = new SeededRandom(7);
 * r.next();        // uniform in [0, 1)
 * r.int(1, 6);     // a die roll
 * r.gaussian();    // standard normal
 * r.bits(160);     // uniform bigint below 2^160
 * ```
 */
export class SeededRandom {
  #state: number;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`Cannot seed SeededRandom with ${seed}`);
    this.#state = seed >>> 0;
  }

  /** Uniform integer in [0, 2^32). */
  nextU32(): number {
    const a = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty list. */
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(0, xs.length - 1)];
  }

  /** Standard normal (Box-Muller). */
  gaussian(): number {
    return Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
  }

  /** Uniform bigint in [0, 2^bits). */
  bits(bits: number): bigint {
    let x = 0n;
    for (let k = 0; k < bits; k += 32) x = (x << 32n) | BigInt(this.nextU32());
    return x & ((1n << BigInt(bits)) - 1n);
  }

  /** Near-uniform bigint in [lo, hi) (bias below 2^-32). */
  range(lo: bigint, hi: bigint): bigint {
    const span = hi - lo;
    if (span <= 0n) throw new RangeError(`Cannot draw from empty range [${lo}, ${hi})`);
    return lo + (this.bits(span.toString(2).length + 32) % span);
  }
}
