/**
 * Streaming reader of bars in the two supported forms (our bars format,
 * `bars_format.ts`, and demeter-fetch's per-minute CSV), plain or gzip,
 * into columnar chunks of f64 for the bar engine. A year of 1-second bars
 * streams through in chunks; nothing holds the whole file.
 *
 * Bad rows (a missing column, a non-number, time not increasing, a gap
 * larger than `maxGapBars` intervals) throw a {@link DataFormatError} naming
 * file, line and column; with `skipBadRows` they are skipped (a gap is kept
 * but counted with its missing bars) and counted in {@link BadRowCounts}.
 *
 * @example
 * ```ts
 * import { readBars } from "./bars_csv.ts";
 * for await (const c of readBars(["minute.csv"], { decimals0: 6, decimals1: 18 })) {
 *   console.log(c.length, c.closeTick[0]);
 * }
 * ```
 * @module
 */
import { DataFormatError, maybeGunzip, textLines } from "./swap_events_csv.ts";
import { barsFormatOf } from "./bars_format.ts";

/** Columnar bars: amounts in human units, liquidity raw (as f64). */
export interface BarChunk {
  length: number;
  t: Float64Array;
  openTick: Float64Array;
  highTick: Float64Array;
  lowTick: Float64Array;
  closeTick: Float64Array;
  in0: Float64Array;
  in1: Float64Array;
  liquidity: Float64Array;
  swaps: Float64Array;
}

/** Skipped-row counters. */
export interface BadRowCounts {
  missingColumn: number;
  notANumber: number;
  timeNotIncreasing: number;
  gaps: number;
  missingBars: number;
  /** The first few problems, as messages. */
  examples: string[];
}

/** Reader options. */
export interface BarsReadOptions {
  decimals0: number;
  decimals1: number;
  skipBadRows?: boolean;
  /** Bars may be at most this many intervals apart (default 1: no gap allowed). */
  maxGapBars?: number;
  /** Rows outside [from, to) are ignored (not checked). */
  from?: number;
  to?: number;
  chunkSize?: number;
  /** Filled in while reading. */
  bad?: BadRowCounts;
}

/** Fresh counters. */
export function newBadRowCounts(): BadRowCounts {
  return {
    missingColumn: 0,
    notANumber: 0,
    timeNotIncreasing: 0,
    gaps: 0,
    missingBars: 0,
    examples: [],
  };
}

function allocChunk(n: number): BarChunk {
  return {
    length: 0,
    t: new Float64Array(n),
    openTick: new Float64Array(n),
    highTick: new Float64Array(n),
    lowTick: new Float64Array(n),
    closeTick: new Float64Array(n),
    in0: new Float64Array(n),
    in1: new Float64Array(n),
    liquidity: new Float64Array(n),
    swaps: new Float64Array(n),
  };
}

const TS_RE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.0+)?Z?$/;

function parseTs(s: string): number {
  if (/^\d+(\.0*)?$/.test(s)) return Number(s);
  const m = TS_RE.exec(s);
  if (!m) return NaN;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) / 1000;
}

/** Yields the lines of a byte stream, plain or gzip (detected by magic bytes). No file I/O. */
export async function* linesOfStream(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  yield* textLines(await maybeGunzip(stream, "auto"));
}

/** Yields the lines of a file (gzip detected by magic bytes). Deno only. */
export async function* readLines(path: string): AsyncGenerator<string> {
  const file = await Deno.open(path, { read: true });
  yield* linesOfStream(file.readable);
}

/** Reads the header line of a (possibly gzip) file. */
export async function readHeader(path: string): Promise<string> {
  for await (const line of readLines(path)) return line;
  return "";
}

/** A named source of CSV lines (a file, an upload, a string). */
export interface BarsSource {
  /** The name errors give (file path or upload name). */
  name: string;
  /** Opens the lines (called once, when the source's turn comes). */
  lines(): AsyncIterable<string> | Iterable<string>;
}

/**
 * Streams bars from files (one after another, time continuing across files),
 * in chunks of `chunkSize` bars. Deno only (reads files); see {@link parseBars}.
 */
export function readBars(
  paths: readonly string[],
  opts: BarsReadOptions,
): AsyncGenerator<BarChunk> {
  return parseBars(paths.map((p) => ({ name: p, lines: () => readLines(p) })), opts);
}

/**
 * Parses bars from named line sources (one after another, time continuing
 * across sources), in chunks of `chunkSize` bars: the same parser and the
 * same errors as {@link readBars}, with no file I/O (runs in a browser).
 */
export async function* parseBars(
  sources: Iterable<BarsSource>,
  opts: BarsReadOptions,
): AsyncGenerator<BarChunk> {
  const size = opts.chunkSize ?? 65536;
  const bad = opts.bad ?? newBadRowCounts();
  const from = opts.from ?? -Infinity;
  const to = opts.to ?? Infinity;
  const maxGap = opts.maxGapBars ?? 1;
  const u0 = 10 ** opts.decimals0;
  const u1 = 10 ** opts.decimals1;
  let chunk = allocChunk(size);
  let lastT = NaN;
  let interval = NaN;
  for (const source of sources) {
    const path = source.name;
    let lineNo = 0;
    let form: "bars" | "demeter-minute" | null = null;
    let idx: number[] = [];
    let names: string[] = [];
    for await (const line of source.lines()) {
      lineNo++;
      if (lineNo === 1) {
        form = barsFormatOf(line);
        if (!form) {
          throw new DataFormatError(
            path,
            1,
            1,
            undefined,
            line,
            "header is neither the bars format nor demeter minute bars",
          );
        }
        names = line.split(",").map((c) => c.trim());
        const want = form === "bars"
          ? [
            "timestamp",
            "open_tick",
            "high_tick",
            "low_tick",
            "close_tick",
            "amount0_in",
            "amount1_in",
            "liquidity",
            "swap_count",
          ]
          : [
            "timestamp",
            "openTick",
            "highestTick",
            "lowestTick",
            "closeTick",
            "inAmount0",
            "inAmount1",
            "currentLiquidity",
          ];
        idx = want.map((w) => names.indexOf(w));
        continue;
      }
      if (line === "") continue;
      const f = line.split(",");
      const fail = (
        col: number,
        problem: string,
        kind: keyof Omit<BadRowCounts, "examples" | "missingBars">,
      ): boolean => {
        const e = new DataFormatError(path, lineNo, col + 1, names[col], f[col] ?? line, problem);
        if (!opts.skipBadRows) throw e;
        bad[kind]++;
        if (bad.examples.length < 10) bad.examples.push(e.message);
        return false;
      };
      if (f.length < names.length) {
        fail(
          Math.min(f.length, names.length - 1),
          `row has ${f.length} of the header's ${names.length} columns`,
          "missingColumn",
        );
        continue;
      }
      const t = parseTs(f[idx[0]]);
      if (!Number.isFinite(t)) {
        fail(idx[0], "not a unix time or YYYY-MM-DD HH:MM:SS timestamp", "notANumber");
        continue;
      }
      if (t < from || t >= to) continue;
      let ok = true;
      const vals: number[] = [];
      for (let k = 1; k < idx.length; k++) {
        const s = f[idx[k]];
        const v = s === "" && form === "bars" && k === 8 ? 0 : Number(s);
        if (s === "" || !Number.isFinite(v)) {
          ok = fail(idx[k], "not a number", "notANumber");
          break;
        }
        vals.push(v);
      }
      if (!ok) continue;
      if (!Number.isNaN(lastT)) {
        const dt = t - lastT;
        if (dt <= 0) {
          fail(
            idx[0],
            `time does not increase (previous bar at ${new Date(lastT * 1000).toISOString()})`,
            "timeNotIncreasing",
          );
          continue;
        }
        if (Number.isNaN(interval)) interval = dt;
        else if (dt > interval * maxGap) {
          const missing = Math.round(dt / interval) - 1;
          if (!opts.skipBadRows) {
            throw new DataFormatError(
              path,
              lineNo,
              idx[0] + 1,
              names[idx[0]],
              f[idx[0]],
              `gap of ${dt} s (${missing} missing ${interval}-s bars) after ${
                new Date(lastT * 1000).toISOString()
              }`,
            );
          }
          bad.gaps++;
          bad.missingBars += missing;
          if (bad.examples.length < 10) {
            bad.examples.push(`${path}:${lineNo}: gap of ${dt} s (${missing} missing bars)`);
          }
        }
      }
      lastT = t;
      const i = chunk.length;
      chunk.t[i] = t;
      chunk.openTick[i] = vals[0];
      chunk.highTick[i] = vals[1];
      chunk.lowTick[i] = vals[2];
      chunk.closeTick[i] = vals[3];
      if (form === "bars") {
        chunk.in0[i] = vals[4];
        chunk.in1[i] = vals[5];
        chunk.liquidity[i] = vals[6];
        chunk.swaps[i] = vals[7];
      } else {
        chunk.in0[i] = vals[4] / u0;
        chunk.in1[i] = vals[5] / u1;
        chunk.liquidity[i] = vals[6];
        chunk.swaps[i] = vals[4] > 0 || vals[5] > 0 ? 1 : 0;
      }
      chunk.length++;
      if (chunk.length === size) {
        yield chunk;
        chunk = allocChunk(size);
      }
    }
  }
  if (chunk.length > 0) yield chunk;
}
