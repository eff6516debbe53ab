/**
 * Client order ids: a prefix plus a counter, deterministic so that a backtest
 * replays identically. Uniqueness across restarts comes from the prefix: give
 * each process session its own (e.g. `t${sessionId}-`); the OMS additionally
 * refuses an id it already knows.
 *
 * @example
 * ```ts
 * import { CounterIdGenerator } from "./client_order_id.ts";
 * const ids = new CounterIdGenerator("mm7-");
 * console.log(ids.next(), ids.next()); // "mm7-1" "mm7-2"
 * ```
 * @module
 */

/** Produces a fresh client order id per call. */
export interface ClientOrderIdGenerator {
  next(): string;
}

/** Characters every venue we target accepts in a client order id. */
const PREFIX_RE = /^[A-Za-z0-9_-]{0,24}$/;

/**
 * `${prefix}${counter}` with the counter starting at `start` (default 1).
 *
 * @example
 * ```ts
 * import { CounterIdGenerator } from "./client_order_id.ts";
 * const ids = new CounterIdGenerator("x", 41n);
 * console.log(ids.next()); // "x41"
 * ```
 */
export class CounterIdGenerator implements ClientOrderIdGenerator {
  readonly prefix: string;
  #counter: bigint;

  /**
   * @throws {RangeError} when the prefix has characters outside
   *   `[A-Za-z0-9_-]` or is longer than 24, or `start` is negative
   */
  constructor(prefix: string, start = 1n) {
    if (!PREFIX_RE.test(prefix)) {
      throw new RangeError(
        `Cannot create client order id generator: prefix ${
          JSON.stringify(prefix)
        } must be at most 24 characters of [A-Za-z0-9_-]`,
      );
    }
    if (start < 0n) {
      throw new RangeError(
        `Cannot create client order id generator: start ${start} is negative`,
      );
    }
    this.prefix = prefix;
    this.#counter = start;
  }

  /** The next id. */
  next(): string {
    return `${this.prefix}${this.#counter++}`;
  }

  /** The counter the next id will carry. */
  get counter(): bigint {
    return this.#counter;
  }
}
