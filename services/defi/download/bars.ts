/**
 * Swap events -> OHLC bars in the project's bars format
 * (`../data/bars_format.ts`): per interval, OHLC of the post-swap tick (and
 * the decimal-adjusted price), per-token in/out volume normalized by
 * decimals, swap count and the active liquidity after the bar's last swap.
 * Bars run without gaps from the first swap's bar to the last: a bar with no
 * swap repeats the previous close with zero volume. Volumes are summed
 * exactly in raw units (bigint) and normalized once per bar.
 *
 * @example
 * ```ts
 * import { BarBuilder } from "./bars.ts";
 * const rows: string[] = [];
 * const b = new BarBuilder({ intervalSec: 60, decimals0: 6, decimals1: 18 }, (r) => rows.push(r));
 * b.push({ timestamp: 120, amount0: 10n ** 6n, amount1: -(10n ** 15n), tick: 200000, liquidity: 1n });
 * b.finish();
 * ```
 * @module
 */
import { formatUnits } from "viem";
import { type BarRow, formatBarRow } from "../data/bars_format.ts";

/** What a bar needs of a swap. */
export interface BarSwap {
  /** Block timestamp, unix seconds. */
  timestamp: number;
  /** Pool-side signed amounts (positive = paid into the pool), raw units. */
  amount0: bigint;
  amount1: bigint;
  /** Post-swap tick and active liquidity. */
  tick: number;
  liquidity: bigint;
}

/** Options of {@link BarBuilder}. */
export interface BarOptions {
  intervalSec: number;
  decimals0: number;
  decimals1: number;
}

interface Acc {
  t: number;
  open: number;
  high: number;
  low: number;
  close: number;
  in0: bigint;
  out0: bigint;
  in1: bigint;
  out1: bigint;
  n: number;
  liquidity: bigint;
}

/** Streams swaps (time order) into formatted bar rows; see the module doc. */
export class BarBuilder {
  readonly o: BarOptions;
  readonly #emit: (row: string, bar: BarRow) => void;
  #cur: Acc | null = null;
  /** Bars emitted. */
  count = 0;

  constructor(o: BarOptions, emit: (row: string, bar: BarRow) => void) {
    if (!(Number.isInteger(o.intervalSec) && o.intervalSec > 0)) {
      throw new RangeError(`Cannot build bars: interval ${o.intervalSec} s must be an integer > 0`);
    }
    this.o = o;
    this.#emit = emit;
  }

  #out(a: Acc): void {
    const bar: BarRow = {
      timestamp: a.t,
      openTick: a.open,
      highTick: a.high,
      lowTick: a.low,
      closeTick: a.close,
      amount0In: Number(formatUnits(a.in0, this.o.decimals0)),
      amount0Out: Number(formatUnits(a.out0, this.o.decimals0)),
      amount1In: Number(formatUnits(a.in1, this.o.decimals1)),
      amount1Out: Number(formatUnits(a.out1, this.o.decimals1)),
      swapCount: a.n,
      liquidity: a.liquidity,
      decimals0: this.o.decimals0,
      decimals1: this.o.decimals1,
    };
    this.count++;
    this.#emit(formatBarRow(bar), bar);
  }

  /** Adds one swap (timestamps must not decrease). */
  push(s: BarSwap): void {
    const iv = this.o.intervalSec;
    const t = Math.floor(s.timestamp / iv) * iv;
    let a = this.#cur;
    if (a && t < a.t) {
      throw new RangeError(`Cannot build bars: swap at ${s.timestamp} is before bar ${a.t}`);
    }
    if (a && t > a.t) {
      this.#out(a);
      // empty bars in between repeat the close
      for (let g = a.t + iv; g < t; g += iv) {
        this.#out({
          t: g,
          open: a.close,
          high: a.close,
          low: a.close,
          close: a.close,
          in0: 0n,
          out0: 0n,
          in1: 0n,
          out1: 0n,
          n: 0,
          liquidity: a.liquidity,
        });
      }
      a = null;
    }
    if (!a) {
      a = {
        t,
        open: s.tick,
        high: s.tick,
        low: s.tick,
        close: s.tick,
        in0: 0n,
        out0: 0n,
        in1: 0n,
        out1: 0n,
        n: 0,
        liquidity: s.liquidity,
      };
      this.#cur = a;
    }
    if (s.tick > a.high) a.high = s.tick;
    if (s.tick < a.low) a.low = s.tick;
    a.close = s.tick;
    a.liquidity = s.liquidity;
    if (s.amount0 > 0n) a.in0 += s.amount0;
    else a.out0 -= s.amount0;
    if (s.amount1 > 0n) a.in1 += s.amount1;
    else a.out1 -= s.amount1;
    a.n++;
  }

  /** Emits the last bar. */
  finish(): void {
    if (this.#cur) this.#out(this.#cur);
    this.#cur = null;
  }
}

/**
 * Parses an interval: `1s`, `1m`, `5m`, `1h`, `1d` or plain seconds.
 *
 * @example
 * ```ts
 * import { parseInterval } from "./bars.ts";
 * parseInterval("5m"); // 300
 * ```
 */
export function parseInterval(text: string): number {
  const m = /^(\d+)\s*([smhd]?)$/.exec(text.trim());
  if (!m) {
    throw new RangeError(`Cannot parse interval '${text}': expected e.g. 1s, 1m, 15m, 1h, 60`);
  }
  const n = Number(m[1]) * ({ "": 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2]] ?? 1);
  if (n <= 0) throw new RangeError(`Cannot use interval '${text}': must be > 0`);
  return n;
}

/** Label of an interval in seconds for file names: 60 -> "1m". */
export function intervalLabel(sec: number): string {
  if (sec % 86400 === 0) return `${sec / 86400}d`;
  if (sec % 3600 === 0) return `${sec / 3600}h`;
  if (sec % 60 === 0) return `${sec / 60}m`;
  return `${sec}s`;
}
