/**
 * L2 order books held in core.wasm: integer price ticks and integer size
 * lots (i64 inside, safe-integer JS numbers at the boundary), snapshot +
 * sequenced delta batches applied in one wasm call each, best levels, depth,
 * price-bucket aggregation, mid and microprice.
 *
 * Levels are `[priceTicks, sizeLots]` pairs, or a flat Float64Array
 * `[p0, s0, p1, s1, ...]` for hot paths (no per-level objects). Every value
 * must be a safe integer, sizes ≥ 0; a delta of size 0 deletes the level.
 *
 * @example
 * ```ts
 * import { loadCore } from "./mod.ts";
 * const core = await loadCore();
 * const book = core.createOrderBook();
 * book.applySnapshot({ seq: 10, bids: [[100, 5], [99, 7]], asks: [[101, 2]] });
 * book.applyDeltas({ firstSeq: 11, lastSeq: 12, bids: [[100, 0]], asks: [[102, 4]] }); // { status: "ok", gap: 0 }
 * console.log(book.bestBid(), book.microprice()); // { price: 99, size: 7 }, 100.555...
 * book.free();
 * ```
 * @module
 */
import type { CoreExports } from "./_loader.ts";
import { type Scratch, scratchFor } from "./_scratch.ts";

/** One level: price in ticks, size in lots. */
export type BookLevel = readonly [price: number, size: number];
/** Levels as pairs, or flat `[p0, s0, p1, s1, ...]`. */
export type BookLevels = ReadonlyArray<BookLevel> | Float64Array;
/** A sequence number (exchange update id / change id). */
export type Seq = number | bigint;

/** A full book at sequence `seq`. */
export interface BookSnapshot {
  seq: Seq;
  bids: BookLevels;
  asks: BookLevels;
}

/**
 * An update covering sequence numbers firstSeq..lastSeq (Binance U..u;
 * Deribit prev_change_id + 1..change_id), with absolute new sizes.
 */
export interface BookDeltaBatch {
  firstSeq: Seq;
  lastSeq: Seq;
  bids?: BookLevels;
  asks?: BookLevels;
}

/**
 * - `ok`: applied;
 * - `stale`: lastSeq ≤ the book's last sequence, ignored;
 * - `gap`: firstSeq > the book's last + 1, not applied (`gap` = missing
 *   count; resync with a snapshot, or feed the missing update first);
 * - `noSnapshot`: no snapshot applied yet, ignored.
 */
export type SequenceStatus = "ok" | "stale" | "gap" | "noSnapshot";

/** Result of `applyDeltas`. */
export interface DeltaResult {
  status: SequenceStatus;
  /** Sequence numbers missing before this update (0 unless status is "gap"). */
  gap: number;
}

/** A price level. */
export interface PriceLevel {
  price: number;
  size: number;
}

/** Levels per side, best first. */
export interface BookDepth {
  bids: PriceLevel[];
  asks: PriceLevel[];
}

const STATUS: readonly SequenceStatus[] = ["ok", "stale", "gap", "noSnapshot"];
const RESULTS: readonly DeltaResult[] = STATUS.map((status) => Object.freeze({ status, gap: 0 }));
const E_BAD_HANDLE = 20;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

function seqBig(fn: string, name: string, x: unknown): bigint {
  if (typeof x === "bigint") {
    if (x < I64_MIN || x > I64_MAX) {
      throw new RangeError(`Cannot ${fn}: ${name} ${x} is outside the int64 range`);
    }
    return x;
  }
  if (typeof x !== "number" || !Number.isSafeInteger(x)) {
    throw new RangeError(`Cannot ${fn}: ${name} ${String(x)} must be a safe integer or a bigint`);
  }
  return BigInt(x);
}

function levelsLength(fn: string, name: string, levels: BookLevels | undefined): number {
  if (levels === undefined) return 0;
  if (levels instanceof Float64Array) {
    if (levels.length % 2 !== 0) {
      throw new RangeError(
        `Cannot ${fn}: ${name} is a flat Float64Array of odd length ${levels.length}`,
      );
    }
    return levels.length / 2;
  }
  if (!Array.isArray(levels)) {
    throw new TypeError(
      `Cannot ${fn}: ${name} must be an array of [price, size] or a Float64Array`,
    );
  }
  return levels.length;
}

/** Throws naming the first bad value of `levels`; returns when all are good. */
function checkLevels(fn: string, name: string, levels: BookLevels | undefined): void {
  if (levels === undefined) return;
  const n = levelsLength(fn, name, levels);
  for (let i = 0; i < n; i++) {
    let p: unknown, s: unknown;
    if (levels instanceof Float64Array) {
      p = levels[2 * i];
      s = levels[2 * i + 1];
    } else {
      const l = (levels as ReadonlyArray<BookLevel>)[i];
      if (!Array.isArray(l)) {
        throw new TypeError(
          `Cannot ${fn}: ${name}[${i}] ${String(l)} must be a [price, size] pair`,
        );
      }
      p = l[0];
      s = l[1];
    }
    if (typeof p !== "number" || !Number.isSafeInteger(p)) {
      throw new RangeError(
        `Cannot ${fn}: ${name}[${i}] price ${String(p)} must be a safe integer (ticks)`,
      );
    }
    if (typeof s !== "number" || !Number.isSafeInteger(s) || s < 0) {
      throw new RangeError(
        `Cannot ${fn}: ${name}[${i}] size ${String(s)} must be a safe integer >= 0 (lots)`,
      );
    }
  }
}

/**
 * An L2 book in core.wasm; create it with `WasmCore.createOrderBook()` and
 * call `free()` when done.
 */
export class WasmOrderBook {
  readonly #c: CoreExports;
  readonly #s: Scratch;
  #h: number;

  constructor(core: CoreExports) {
    this.#c = core;
    this.#s = scratchFor(core);
    this.#h = core.bookCreate();
  }

  #handle(fn: string): number {
    if (this.#h < 0) throw new Error(`Cannot ${fn}: the order book was freed`);
    return this.#h;
  }

  /** Writes bids then asks as rows into scratch; returns [nBids, nAsks]. */
  #write(fn: string, bids: BookLevels | undefined, asks: BookLevels | undefined): [number, number] {
    const nb = levelsLength(fn, "bids", bids);
    const na = levelsLength(fn, "asks", asks);
    const v = this.#s.f64(2 * (nb + na));
    this.#put(fn, "bids", v, 0, bids, nb);
    this.#put(fn, "asks", v, 2 * nb, asks, na);
    return [nb, na];
  }

  #put(
    fn: string,
    name: string,
    v: Float64Array,
    off: number,
    levels: BookLevels | undefined,
    n: number,
  ): void {
    if (n === 0 || levels === undefined) return;
    if (levels instanceof Float64Array) {
      v.set(levels, off); // validated in wasm; checkLevels names a bad value
      return;
    }
    for (let i = 0; i < n; i++) {
      const l = levels[i];
      const p = l?.[0];
      const s = l?.[1];
      if (!Number.isSafeInteger(p) || !Number.isSafeInteger(s) || s < 0) {
        checkLevels(fn, name, levels);
      }
      v[off + 2 * i] = p;
      v[off + 2 * i + 1] = s;
    }
  }

  #badInput(fn: string, bids: BookLevels | undefined, asks: BookLevels | undefined): never {
    checkLevels(fn, "bids", bids);
    checkLevels(fn, "asks", asks);
    throw new RangeError(`Cannot ${fn}: core.wasm refused the input`);
  }

  /**
   * Replaces the whole book; later deltas are checked against `seq`.
   * Levels may come in any order; size-0 levels are ignored.
   */
  applySnapshot(snapshot: BookSnapshot): void {
    const fn = "apply book snapshot";
    const h = this.#handle(fn);
    const seq = seqBig(fn, "seq", snapshot?.seq);
    const [nb, na] = this.#write(fn, snapshot.bids, snapshot.asks);
    const st = this.#c.bookSnapshot(h, seq, this.#s.ptr, nb, na);
    if (st !== 0) this.#badInput(fn, snapshot.bids, snapshot.asks);
  }

  /**
   * Applies one update if its sequence range continues the book (see
   * `SequenceStatus`); levels are applied bids first, each in order.
   */
  applyDeltas(batch: BookDeltaBatch): DeltaResult {
    const fn = "apply book deltas";
    const h = this.#handle(fn);
    const first = seqBig(fn, "firstSeq", batch?.firstSeq);
    const last = seqBig(fn, "lastSeq", batch.lastSeq);
    if (first > last) {
      throw new RangeError(`Cannot ${fn}: firstSeq ${first} is above lastSeq ${last}`);
    }
    const [nb, na] = this.#write(fn, batch.bids, batch.asks);
    const st = this.#c.bookApplyDeltas(h, first, last, this.#s.ptr, nb, na);
    if (st < 0) this.#badInput(fn, batch.bids, batch.asks);
    if (st === 2) return { status: "gap", gap: this.#s.bookOut()[0] };
    return RESULTS[st];
  }

  /** The last applied sequence number (snapshot or update). */
  get lastSeq(): bigint {
    return this.#c.bookLastSeq(this.#handle("read lastSeq"));
  }

  /** Number of bid levels. */
  get bidLevels(): number {
    return this.#c.bookLevelCount(this.#handle("count bid levels"), 0);
  }

  /** Number of ask levels. */
  get askLevels(): number {
    return this.#c.bookLevelCount(this.#handle("count ask levels"), 1);
  }

  #best(fn: string, side: 0 | 1): PriceLevel | null {
    const flags = this.#c.bookBest(this.#handle(fn));
    if (flags < 0) throw new Error(`Cannot ${fn}: core.wasm status ${-flags}`);
    if ((flags & (side + 1)) === 0) return null;
    const o = this.#s.bookOut();
    return { price: o[2 * side], size: o[2 * side + 1] };
  }

  /** Highest bid, or null when there are no bids. */
  bestBid(): PriceLevel | null {
    return this.#best("read best bid", 0);
  }

  /** Lowest ask, or null when there are no asks. */
  bestAsk(): PriceLevel | null {
    return this.#best("read best ask", 1);
  }

  #levels(fn: string, n: number, call: (h: number, ptr: number) => number): BookDepth {
    const h = this.#handle(fn);
    if (!Number.isSafeInteger(n) || n < 0 || n > 1 << 24) {
      throw new RangeError(`Cannot ${fn}: n ${n} must be an integer in [0, ${1 << 24}]`);
    }
    this.#s.f64(4 * n);
    const st = call(h, this.#s.ptr);
    if (st === E_BAD_HANDLE) throw new Error(`Cannot ${fn}: the order book was freed`);
    if (st !== 0) throw new RangeError(`Cannot ${fn}: core.wasm refused the input`);
    const o = this.#s.bookOut();
    const nb = o[0];
    const na = o[1];
    const v = this.#s.f64(4 * n);
    const bids: PriceLevel[] = new Array(nb);
    for (let i = 0; i < nb; i++) bids[i] = { price: v[2 * i], size: v[2 * i + 1] };
    const asks: PriceLevel[] = new Array(na);
    const a = 2 * n;
    for (let i = 0; i < na; i++) asks[i] = { price: v[a + 2 * i], size: v[a + 2 * i + 1] };
    return { bids, asks };
  }

  /** The best n levels of each side, best first. */
  depth(n: number): BookDepth {
    return this.#levels("read book depth", n, (h, ptr) => this.#c.bookDepth(h, n, ptr));
  }

  /**
   * The best n buckets of `bucketTicks` ticks per side, best first: a bid at
   * p counts at floor(p / bucket)·bucket, an ask at ceil(p / bucket)·bucket,
   * each bucket's size the sum of its levels (exact up to 2^53).
   */
  aggregate(bucketTicks: number, n: number): BookDepth {
    const fn = "aggregate book";
    if (!Number.isSafeInteger(bucketTicks) || bucketTicks <= 0) {
      throw new RangeError(`Cannot ${fn}: bucketTicks ${bucketTicks} must be a positive integer`);
    }
    const b = BigInt(bucketTicks);
    return this.#levels(fn, n, (h, ptr) => this.#c.bookAggregate(h, b, n, ptr));
  }

  /** (best bid + best ask) / 2 in ticks, or null when a side is empty. */
  mid(): number | null {
    const m = this.#c.bookMid(this.#handle("read mid"));
    return Number.isNaN(m) ? null : m;
  }

  /**
   * Top-of-book size-weighted mid, in ticks:
   * (bidPrice·askSize + askPrice·bidSize) / (bidSize + askSize); null when a
   * side is empty.
   */
  microprice(): number | null {
    const m = this.#c.bookMicroprice(this.#handle("read microprice"));
    return Number.isNaN(m) ? null : m;
  }

  /** Releases the book's wasm memory; the object must not be used after. */
  free(): void {
    if (this.#h >= 0) this.#c.bookFree(this.#h);
    this.#h = -1;
  }
}
