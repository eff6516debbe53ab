/**
 * Streaming reader for the decoded Uniswap V3 pool-event CSV written by
 * demeter-fetch (`<chain>-<pool>-<day>.tick.csv` and its `pool.tick.csv`
 * variant): one row per SWAP, MINT, BURN or COLLECT event.
 *
 * The file is read as a byte stream, split into lines and parsed in batches of
 * lines with uDSV, so a year of events never sits in memory at once. Integer
 * columns become `bigint` (amounts, sqrtPriceX96, liquidity) or `number` (ticks,
 * block numbers, indices), never going through a float: a value written by
 * pandas as `199045.0` is accepted, `199045.5` is refused. Gzip input is
 * decompressed with `DecompressionStream`.
 *
 * Column conventions (see shared/data/README.md §1):
 * - SWAP amounts are signed from the pool's side (positive = paid into the pool);
 *   `sqrtPriceX96`, `total_liquidity` and `current_tick` are the pool state
 *   right after the swap, as in the Swap event.
 * - MINT/BURN/COLLECT amounts are positive token amounts; `liquidity` is the
 *   position's liquidity delta (positive for a burn too), empty on COLLECT.
 *   Their `total_liquidity*` columns are demeter-fetch's own estimates (they
 *   treat `current_tick == tick_lower` as out of range), and their
 *   `sqrtPriceX96`/`current_tick` are carried forward from the last swap.
 *
 * @example
 * ```ts
 * import { openDemeterEvents } from "./swap_events_csv.ts";
 * let volume0 = 0n;
 * for await (const ev of openDemeterEvents("pool.tick.csv.gz")) {
 *   if (ev.type === "SWAP" && ev.amount0 > 0n) volume0 += ev.amount0;
 * }
 * ```
 *
 * @module
 */
import { inferSchema, initParser, type Parser } from "udsv";

/**
 * A malformed data file. The message names the file, the 1-based line and
 * column (and the column's name where there is one) and the offending value.
 *
 * @example
 * ```ts
 * import { DataFormatError } from "./swap_events_csv.ts";
 * const e = new DataFormatError("tick.csv", 12, 10, "amount0", "1.5", "not an integer");
 * console.log(e.message); // tick.csv:12:10 (amount0): not an integer: "1.5"
 * ```
 */
export class DataFormatError extends Error {
  /** The file (or source name) being read. */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column: the field index for CSV, the character column for JSON. */
  readonly column: number;
  /** The offending text, as read. */
  readonly value: string;

  constructor(
    file: string,
    line: number,
    column: number,
    field: string | undefined,
    value: string,
    problem: string,
  ) {
    const where = `${file}:${line}:${column}${field ? ` (${field})` : ""}`;
    super(`${where}: ${problem}: ${JSON.stringify(clip(value))}`);
    this.name = "DataFormatError";
    this.file = file;
    this.line = line;
    this.column = column;
    this.value = value;
  }
}

function clip(s: string): string {
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

/** Fields every decoded event row has. */
export interface DemeterEventBase {
  /** Block the event was emitted in. */
  blockNumber: number;
  /** Block time, unix seconds (the file's `YYYY-MM-DD HH:MM:SS` is UTC). */
  timestamp: number;
  /** Transaction hash, as written (lowercase hex). */
  transactionHash: string;
  /** Transaction index within the block (`pool_tx_index` / `tx_index`). */
  txIndex: number;
  /** Log index of the pool event within the block (`pool_log_index` / `log_index`). */
  logIndex: number;
  /** Log index of the NonfungiblePositionManager event, when the file has it and it is set. */
  proxyLogIndex: number | null;
  /** The `sender` column as decoded by demeter-fetch (on BURN/COLLECT it is the position owner). */
  sender: string;
  /** 1-based line in the file, for error messages. */
  line: number;
}

/** A Swap event: pool-side signed amounts and the pool state after the swap. */
export interface DemeterSwap extends DemeterEventBase {
  type: "SWAP";
  /** Swap recipient (`receipt` column). */
  recipient: string;
  /** Token0 delta from the pool's side: > 0 paid in, < 0 paid out. */
  amount0: bigint;
  /** Token1 delta from the pool's side. */
  amount1: bigint;
  /** Pool price after the swap, Q64.96. */
  sqrtPriceX96: bigint;
  /** Active liquidity after the swap (`total_liquidity`, from the event). */
  liquidity: bigint;
  /** Pool tick after the swap (`current_tick`). */
  tick: number;
}

/** Fields shared by MINT and BURN rows. */
export interface DemeterLiquidityChange extends DemeterEventBase {
  /** Token0 amount (positive): paid in by a mint, owed to the position by a burn. */
  amount0: bigint;
  /** Token1 amount (positive). */
  amount1: bigint;
  /** The position's liquidity delta, positive for both MINT and BURN. */
  liquidity: bigint;
  tickLower: number;
  tickUpper: number;
  /** NonfungiblePositionManager token id, when the event went through it. */
  positionId: bigint | null;
  /** Pool tick carried forward from the last swap (`current_tick`). */
  currentTick: number;
  /** Pool price carried forward from the last swap. */
  sqrtPriceX96: bigint;
  /** demeter-fetch's estimate of the active liquidity after the event; not authoritative. */
  estimatedTotalLiquidity: bigint;
  /** demeter-fetch's estimate of the active-liquidity change; not authoritative. */
  estimatedTotalLiquidityDelta: bigint;
}

/** A Mint event. */
export interface DemeterMint extends DemeterLiquidityChange {
  type: "MINT";
}

/** A Burn event (amounts are credited to the position's tokensOwed). */
export interface DemeterBurn extends DemeterLiquidityChange {
  type: "BURN";
}

/** A Collect event: amounts paid out to `recipient`. */
export interface DemeterCollect extends DemeterEventBase {
  type: "COLLECT";
  recipient: string;
  amount0: bigint;
  amount1: bigint;
  tickLower: number;
  tickUpper: number;
  positionId: bigint | null;
  /** Pool tick carried forward from the last swap. */
  currentTick: number;
}

/** Any decoded pool event row. */
export type DemeterEvent = DemeterSwap | DemeterMint | DemeterBurn | DemeterCollect;

/** Options for {@link streamDemeterEvents} and {@link openDemeterEvents}. */
export interface DemeterCsvOptions {
  /** Name used in error messages (default: the path, or "<stream>"). */
  source?: string;
  /**
   * `true`: the bytes are gzip; `false`: plain text; `"auto"` (default): gzip
   * when the stream starts with the gzip magic bytes 1f 8b.
   */
  gzip?: boolean | "auto";
  /** Lines parsed per uDSV batch (default 4096). */
  batchLines?: number;
}

const COLUMN_ALIASES: Record<string, readonly string[]> = {
  block_number: ["block_number"],
  block_timestamp: ["block_timestamp"],
  tx_type: ["tx_type"],
  transaction_hash: ["transaction_hash"],
  tx_index: ["pool_tx_index", "tx_index"],
  log_index: ["pool_log_index", "log_index"],
  proxy_log_index: ["proxy_log_index"],
  sender: ["sender"],
  receipt: ["receipt"],
  amount0: ["amount0"],
  amount1: ["amount1"],
  total_liquidity: ["total_liquidity"],
  total_liquidity_delta: ["total_liquidity_delta"],
  sqrtPriceX96: ["sqrtPriceX96"],
  current_tick: ["current_tick"],
  position_id: ["position_id"],
  tick_lower: ["tick_lower"],
  tick_upper: ["tick_upper"],
  liquidity: ["liquidity"],
};
const OPTIONAL_COLUMNS = new Set(["proxy_log_index", "position_id"]);

type ColumnKey = keyof typeof COLUMN_ALIASES;

/** Column positions resolved from the header line. */
type ColumnMap = Record<ColumnKey, number>;

const INTEGER_RE = /^([+-]?\d+)(?:\.0*)?$/;
const TIMESTAMP_RE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;

/**
 * Parses an integer field that may be written as a float with a zero
 * fraction (`"199045.0"`), exactly, as a bigint.
 *
 * @example
 * ```ts
 * import { parseIntegerText } from "./swap_events_csv.ts";
 * parseIntegerText("199045.0"); // 199045n
 * parseIntegerText("-22686110"); // -22686110n
 * parseIntegerText("1.5"); // undefined
 * ```
 */
export function parseIntegerText(text: string): bigint | undefined {
  const m = INTEGER_RE.exec(text);
  return m ? BigInt(m[1]) : undefined;
}

/** Reads one row's fields with file/line/column context for errors. */
class RowReader {
  fields: string[] = [];
  line = 0;
  constructor(readonly source: string, readonly cols: ColumnMap, readonly names: string[]) {}

  fail(key: ColumnKey, problem: string): never {
    const idx = this.cols[key];
    throw new DataFormatError(
      this.source,
      this.line,
      idx + 1,
      this.names[idx],
      this.fields[idx] ?? "",
      problem,
    );
  }

  raw(key: ColumnKey): string {
    const idx = this.cols[key];
    return idx < 0 ? "" : this.fields[idx];
  }

  str(key: ColumnKey): string {
    const v = this.raw(key);
    if (v === "") this.fail(key, "required value is empty");
    return v;
  }

  optStr(key: ColumnKey): string | null {
    const v = this.raw(key);
    return v === "" ? null : v;
  }

  big(key: ColumnKey): bigint {
    const v = parseIntegerText(this.str(key));
    if (v === undefined) this.fail(key, "not an integer");
    return v;
  }

  optBig(key: ColumnKey): bigint | null {
    return this.raw(key) === "" ? null : this.big(key);
  }

  unsigned(key: ColumnKey): bigint {
    const v = this.big(key);
    if (v < 0n) this.fail(key, "negative value where an unsigned integer is required");
    return v;
  }

  int(key: ColumnKey): number {
    const v = this.big(key);
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) {
      this.fail(key, "integer too large for a number");
    }
    return Number(v);
  }

  optInt(key: ColumnKey): number | null {
    return this.raw(key) === "" ? null : this.int(key);
  }

  tick(key: ColumnKey): number {
    const v = this.int(key);
    if (v < -887272 || v > 887272) this.fail(key, "tick outside [-887272, 887272]");
    return v;
  }

  timestamp(key: ColumnKey): number {
    const v = this.str(key);
    const m = TIMESTAMP_RE.exec(v);
    if (!m) this.fail(key, "not a YYYY-MM-DD HH:MM:SS timestamp");
    const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
    const back = new Date(ms);
    if (
      back.getUTCDate() !== +m[3] || back.getUTCHours() !== +m[4] ||
      back.getUTCMonth() !== +m[2] - 1
    ) {
      this.fail(key, "not a valid calendar time");
    }
    return ms / 1000;
  }
}

function resolveColumns(header: string[], source: string): ColumnMap {
  const cols = {} as ColumnMap;
  for (const key of Object.keys(COLUMN_ALIASES) as ColumnKey[]) {
    const idx = header.findIndex((h) => COLUMN_ALIASES[key].includes(h));
    if (idx < 0 && !OPTIONAL_COLUMNS.has(key)) {
      throw new DataFormatError(
        source,
        1,
        1,
        undefined,
        header.join(","),
        `header lacks column ${COLUMN_ALIASES[key].join(" or ")}`,
      );
    }
    cols[key] = idx;
  }
  return cols;
}

function toEvent(r: RowReader): DemeterEvent {
  const type = r.str("tx_type");
  const base: DemeterEventBase = {
    blockNumber: r.int("block_number"),
    timestamp: r.timestamp("block_timestamp"),
    transactionHash: r.str("transaction_hash"),
    txIndex: r.int("tx_index"),
    logIndex: r.int("log_index"),
    proxyLogIndex: r.optInt("proxy_log_index"),
    sender: r.str("sender"),
    line: r.line,
  };
  switch (type) {
    case "SWAP": {
      const sqrtPriceX96 = r.unsigned("sqrtPriceX96");
      if (sqrtPriceX96 === 0n) r.fail("sqrtPriceX96", "zero price");
      return {
        type,
        ...base,
        recipient: r.str("receipt"),
        amount0: r.big("amount0"),
        amount1: r.big("amount1"),
        sqrtPriceX96,
        liquidity: r.unsigned("total_liquidity"),
        tick: r.tick("current_tick"),
      };
    }
    case "MINT":
    case "BURN": {
      const ev: DemeterLiquidityChange = {
        ...base,
        amount0: r.unsigned("amount0"),
        amount1: r.unsigned("amount1"),
        liquidity: r.unsigned("liquidity"),
        tickLower: r.tick("tick_lower"),
        tickUpper: r.tick("tick_upper"),
        positionId: r.optBig("position_id"),
        currentTick: r.tick("current_tick"),
        sqrtPriceX96: r.unsigned("sqrtPriceX96"),
        estimatedTotalLiquidity: r.big("total_liquidity"),
        estimatedTotalLiquidityDelta: r.big("total_liquidity_delta"),
      };
      if (ev.tickLower >= ev.tickUpper) r.fail("tick_upper", "tick_upper is not above tick_lower");
      return type === "MINT" ? { type, ...ev } : { type, ...ev };
    }
    case "COLLECT":
      return {
        type,
        ...base,
        recipient: r.str("receipt"),
        amount0: r.unsigned("amount0"),
        amount1: r.unsigned("amount1"),
        tickLower: r.tick("tick_lower"),
        tickUpper: r.tick("tick_upper"),
        positionId: r.optBig("position_id"),
        currentTick: r.tick("current_tick"),
      };
    default:
      return r.fail("tx_type", "unknown tx_type (expected SWAP, MINT, BURN or COLLECT)");
  }
}

/** Splits a text byte stream into lines (LF or CRLF; a last line without LF included). */
export async function* textLines(
  stream: ReadableStream<Uint8Array>,
): AsyncGenerator<string> {
  let rest = "";
  // (cast: with the DOM lib, as the browser simulator checks it, the writable side is BufferSource)
  const decoder = new TextDecoderStream() as unknown as ReadableWritablePair<string, Uint8Array>;
  for await (const chunk of stream.pipeThrough(decoder)) {
    rest += chunk;
    let start = 0;
    for (;;) {
      const nl = rest.indexOf("\n", start);
      if (nl < 0) break;
      const end = nl > start && rest.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      yield rest.slice(start, end);
      start = nl + 1;
    }
    rest = rest.slice(start);
  }
  if (rest.length > 0) yield rest.endsWith("\r") ? rest.slice(0, -1) : rest;
}

/** The stream, gunzipped when `gzip` is true or ("auto") it starts with the gzip magic bytes. */
export async function maybeGunzip(
  stream: ReadableStream<Uint8Array>,
  gzip: boolean | "auto",
): Promise<ReadableStream<Uint8Array>> {
  if (gzip === true) return gunzip(stream);
  if (gzip === false) return stream;
  // Peek at the first chunk for the gzip magic bytes, then re-emit it.
  const reader = stream.getReader();
  const first = await reader.read();
  const head = first.done ? new Uint8Array() : first.value;
  const rebuilt = new ReadableStream<Uint8Array>({
    start(controller) {
      if (head.length > 0) controller.enqueue(head);
      if (first.done) controller.close();
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  const isGzip = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  return isGzip ? gunzip(rebuilt) : rebuilt;
}

function gunzip(stream: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  // DecompressionStream's writable side is typed BufferSource; Uint8Array is one.
  return stream.pipeThrough(
    new DecompressionStream("gzip") as unknown as ReadableWritablePair<Uint8Array, Uint8Array>,
  );
}

/**
 * Parses a decoded-events CSV byte stream (plain or gzip) into batches of
 * typed events, in file order. Each batch holds the rows of up to
 * `batchLines` lines. Blank lines are skipped; a row with the wrong number
 * of fields, a bad integer, an unknown `tx_type` or a missing required value
 * throws a {@link DataFormatError} naming file, line, column and value.
 *
 * @example
 * ```ts
 * import { streamDemeterEventBatches } from "./swap_events_csv.ts";
 * const file = await Deno.open("tick.csv");
 * let swaps = 0;
 * for await (const batch of streamDemeterEventBatches(file.readable, { source: "tick.csv" })) {
 *   swaps += batch.filter((e) => e.type === "SWAP").length;
 * }
 * ```
 */
export async function* streamDemeterEventBatches(
  bytes: ReadableStream<Uint8Array>,
  options: DemeterCsvOptions = {},
): AsyncGenerator<DemeterEvent[]> {
  const source = options.source ?? "<stream>";
  const batchLines = options.batchLines ?? 4096;
  if (!Number.isInteger(batchLines) || batchLines < 1) {
    throw new RangeError(`batchLines must be a positive integer, got ${batchLines}`);
  }
  const stream = await maybeGunzip(bytes, options.gzip ?? "auto");
  let parser: Parser | undefined;
  let names: string[] = [];
  let reader: RowReader | undefined;
  let lines: string[] = [];
  let lineNos: number[] = [];
  let lineNo = 0;

  const flush = (): DemeterEvent[] => {
    if (!parser || !reader || lines.length === 0) return [];
    const rows = parser.stringArrs(lines.join("\n"));
    const out: DemeterEvent[] = [];
    for (let i = 0; i < lines.length; i++) {
      const row = rows[i];
      reader.line = lineNos[i];
      if (row === undefined || row.length !== names.length || row.some(hasNewline)) {
        throw new DataFormatError(
          source,
          lineNos[i],
          1,
          undefined,
          lines[i],
          `row does not have the header's ${names.length} fields`,
        );
      }
      reader.fields = row;
      out.push(toEvent(reader));
    }
    if (rows.length !== lines.length) {
      const i = lines.length - 1;
      throw new DataFormatError(source, lineNos[i], 1, undefined, lines[i], "unbalanced quotes");
    }
    lines = [];
    lineNos = [];
    return out;
  };

  for await (const line of textLines(stream)) {
    lineNo++;
    if (!parser) {
      const schema = inferSchema(line + "\n", { col: ",", row: "\n", encl: '"' });
      // inferSchema marks the header row to skip; batches hold data rows only.
      (schema as { skip?: number }).skip = 0;
      names = schema.cols.map((c) => c.name);
      reader = new RowReader(source, resolveColumns(names, source), names);
      parser = initParser(schema);
      continue;
    }
    if (line === "") continue;
    lines.push(line);
    lineNos.push(lineNo);
    if (lines.length >= batchLines) yield flush();
  }
  if (!parser) throw new DataFormatError(source, 1, 1, undefined, "", "empty file: no header");
  const last = flush();
  if (last.length > 0) yield last;
}

function hasNewline(s: string): boolean {
  return s.includes("\n") || s.includes("\r");
}

/**
 * Parses a decoded-events CSV byte stream (plain or gzip) into typed events,
 * one at a time, in file order. See {@link streamDemeterEventBatches}.
 *
 * @example
 * ```ts
 * import { streamDemeterEvents } from "./swap_events_csv.ts";
 * const res = await fetch(new URL("./pool.tick.csv", import.meta.url));
 * for await (const ev of streamDemeterEvents(res.body!, { source: "pool.tick.csv" })) {
 *   if (ev.type === "SWAP") console.log(ev.tick, ev.sqrtPriceX96);
 * }
 * ```
 */
export async function* streamDemeterEvents(
  bytes: ReadableStream<Uint8Array>,
  options: DemeterCsvOptions = {},
): AsyncGenerator<DemeterEvent> {
  for await (const batch of streamDemeterEventBatches(bytes, options)) yield* batch;
}

/**
 * Opens a decoded-events CSV file (path or `file:` URL, plain or `.gz`) and
 * streams its typed events. Errors name the file.
 *
 * @example
 * ```ts
 * import { openDemeterEvents } from "./swap_events_csv.ts";
 * const url = new URL("../../../../shared/data/x.tick.csv", import.meta.url);
 * const events = await Array.fromAsync(openDemeterEvents(url));
 * ```
 */
export async function* openDemeterEvents(
  path: string | URL,
  options: DemeterCsvOptions = {},
): AsyncGenerator<DemeterEvent> {
  const name = options.source ?? (path instanceof URL ? decodeURIComponent(path.pathname) : path);
  const file = await Deno.open(path, { read: true });
  yield* streamDemeterEvents(file.readable, { ...options, source: name });
}
