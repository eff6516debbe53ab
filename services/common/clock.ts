/**
 * Nanosecond wall-clock time as bigint, the unit of every bus timestamp.
 *
 * Reads CLOCK_REALTIME with libc `clock_gettime` through Deno FFI (exact ns,
 * about 0.1 us a call, and comparable between processes on one machine, which
 * the one-way latency figures rely on). Without FFI permission or libc it
 * falls back to `performance.timeOrigin + performance.now()` (sub-microsecond
 * resolution, not exact); {@link clockSource} says which is in use.
 *
 * @example
 * ```ts
 * import { nowNs } from "./clock.ts";
 * const t0 = nowNs();
 * const elapsedNs = nowNs() - t0;
 * ```
 * @module
 */

const CLOCK_REALTIME = 0;
const CLOCK_MONOTONIC = 1;

type ClockFn = (clock: number, buf: Uint8Array) => number;

let clockGettime: ClockFn | null | undefined;
const tsWords = new BigInt64Array(2);
const tsBytes = new Uint8Array(tsWords.buffer);

function libcNames(): string[] {
  return ["libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6", "/lib/aarch64-linux-gnu/libc.so.6"];
}

function loadClock(): ClockFn | null {
  if (clockGettime !== undefined) return clockGettime;
  clockGettime = null;
  if (Deno.build.os !== "linux") return null;
  for (const name of libcNames()) {
    try {
      const lib = Deno.dlopen(name, {
        clock_gettime: { parameters: ["i32", "buffer"], result: "i32" },
      });
      clockGettime = lib.symbols.clock_gettime as ClockFn;
      break;
    } catch {
      // no FFI permission or no such library: try the next, then fall back
    }
  }
  return clockGettime;
}

/**
 * Which clock backs {@link nowNs}: "clock_gettime" (exact ns) or "performance"
 * (fallback).
 *
 * @example
 * ```ts
 * import { clockSource } from "./clock.ts";
 * console.log(clockSource());
 * ```
 */
export function clockSource(): "clock_gettime" | "performance" {
  return loadClock() ? "clock_gettime" : "performance";
}

function read(clock: number): bigint | null {
  const fn = loadClock();
  if (!fn || fn(clock, tsBytes) !== 0) return null;
  return tsWords[0] * 1_000_000_000n + tsWords[1];
}

/**
 * Nanoseconds since the Unix epoch (CLOCK_REALTIME).
 *
 * @example
 * ```ts
 * import { nowNs } from "./clock.ts";
 * console.log(nowNs() > 1_700_000_000_000_000_000n); // true
 * ```
 */
export function nowNs(): bigint {
  const v = read(CLOCK_REALTIME);
  if (v !== null) return v;
  const ms = performance.timeOrigin + performance.now();
  const whole = Math.floor(ms);
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6));
}

/**
 * Nanoseconds of CLOCK_MONOTONIC (arbitrary origin, never jumps): for
 * measuring durations.
 *
 * @example
 * ```ts
 * import { monotonicNs } from "./clock.ts";
 * const t0 = monotonicNs();
 * console.log(monotonicNs() >= t0); // true
 * ```
 */
export function monotonicNs(): bigint {
  const v = read(CLOCK_MONOTONIC);
  if (v !== null) return v;
  return BigInt(Math.round(performance.now() * 1e6));
}
