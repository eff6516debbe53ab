/**
 * A token-bucket rate limiter driven by the timestamps it is given (no clock):
 * up to `capacity` tokens, one more every `refillIntervalNs`. Integer
 * arithmetic only, so a backtest and a live run with the same timestamps
 * decide identically.
 *
 * @example
 * ```ts
 * import { TokenBucket } from "./token_bucket.ts";
 * // 2 orders burst, then 10 per second
 * const bucket = new TokenBucket({ capacity: 2, refillIntervalNs: 100_000_000n });
 * console.log(bucket.tryTake(0n), bucket.tryTake(0n), bucket.tryTake(0n)); // true true false
 * console.log(bucket.tryTake(100_000_000n)); // true
 * ```
 * @module
 */

/** Options of {@link TokenBucket}. */
export interface TokenBucketOptions {
  /** Maximum (and initial) tokens, an integer >= 1. */
  capacity: number;
  /** Time to earn one token, ns > 0. */
  refillIntervalNs: bigint;
}

/** See the module doc. */
export class TokenBucket {
  readonly capacity: number;
  readonly refillIntervalNs: bigint;
  #tokens: number;
  /** Time the partially earned next token started accruing; unset until first use. */
  #anchorNs: bigint | undefined;

  /** @throws {RangeError} on a capacity < 1 or an interval <= 0 */
  constructor(o: TokenBucketOptions) {
    if (!Number.isInteger(o.capacity) || o.capacity < 1) {
      throw new RangeError(
        `Cannot create token bucket: capacity ${o.capacity} is not an integer >= 1`,
      );
    }
    if (o.refillIntervalNs <= 0n) {
      throw new RangeError(
        `Cannot create token bucket: refillIntervalNs ${o.refillIntervalNs} is not > 0`,
      );
    }
    this.capacity = o.capacity;
    this.refillIntervalNs = o.refillIntervalNs;
    this.#tokens = o.capacity;
  }

  #refill(tsNs: bigint): void {
    if (this.#anchorNs === undefined || this.#tokens >= this.capacity) {
      // full: accrual restarts now; time going backwards never moves the anchor back
      if (this.#anchorNs === undefined || tsNs > this.#anchorNs) this.#anchorNs = tsNs;
      return;
    }
    if (tsNs <= this.#anchorNs) return;
    const earned = (tsNs - this.#anchorNs) / this.refillIntervalNs;
    if (earned === 0n) return;
    const room = BigInt(this.capacity - this.#tokens);
    if (earned >= room) {
      this.#tokens = this.capacity;
      this.#anchorNs = tsNs;
    } else {
      this.#tokens += Number(earned);
      this.#anchorNs += earned * this.refillIntervalNs;
    }
  }

  /**
   * Tokens available at `tsNs`.
   *
   * @example
   * ```ts
   * import { TokenBucket } from "./token_bucket.ts";
   * const b = new TokenBucket({ capacity: 5, refillIntervalNs: 10n });
   * console.log(b.available(0n)); // 5
   * ```
   */
  available(tsNs: bigint): number {
    this.#refill(tsNs);
    return this.#tokens;
  }

  /**
   * Takes `n` tokens at `tsNs` if available; returns whether it did.
   *
   * @example
   * ```ts
   * import { TokenBucket } from "./token_bucket.ts";
   * const b = new TokenBucket({ capacity: 1, refillIntervalNs: 10n });
   * console.log(b.tryTake(0n), b.tryTake(5n), b.tryTake(10n)); // true false true
   * ```
   */
  tryTake(tsNs: bigint, n = 1): boolean {
    this.#refill(tsNs);
    if (this.#tokens < n) return false;
    this.#tokens -= n;
    return true;
  }
}
