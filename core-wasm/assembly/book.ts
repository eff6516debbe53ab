// L2 order books: one per instrument handle, prices as integer ticks and
// sizes as integer lots (i64 inside).
//
// Storage: per side a sorted key array and a parallel size array, keys
// ascending with the BEST level LAST (bids: key = price; asks: key = -price),
// so the frequent changes near the top of the book shift only a few entries.
// Lookup is a binary search; insert/delete is one memory.copy.
//
// Boundary: levels cross as f64 rows (price, size) in the scratch buffer;
// every value must be an integer with |x| <= 2^53 - 1 (exact in f64 and in
// JS numbers), sizes >= 0; a batch with any bad value is refused whole
// (nothing applied). Results come back through OUT (8 f64) or the scratch
// buffer. Sequence numbers are i64.
import { atLeast } from "./buffers";
import { E_BAD_HANDLE, E_BAD_INPUT, OK } from "./status";

/** bookApplyDeltas results (>= 0); errors are returned as -status. */
export const SEQ_OK = 0; // applied
export const SEQ_STALE = 1; // lastSeq <= book's last sequence: ignored
export const SEQ_GAP = 2; // firstSeq > book's last + 1: not applied, OUT0 = missing count
export const SEQ_NO_SNAPSHOT = 3; // no snapshot yet: not applied

const MAX_EXACT: f64 = 9007199254740991.0; // 2^53 - 1

// ---- scratch buffer shared by the array-passing exports ----

let scratch = new StaticArray<u8>(1 << 16);

/**
 * Address of a scratch buffer of at least `bytes` bytes (8-aligned). It is
 * reallocated (and the old contents dropped) only when a larger size is
 * asked for; the JS side must rebuild its memory views after this call.
 */
export function scratchPtr(bytes: i32): usize {
  scratch = atLeast(scratch, bytes);
  return changetype<usize>(scratch);
}

const OUT: usize = memory.data(8 * 8, 16);

/** Address of the book result block (8 f64). */
export function bookOutPtr(): usize {
  return OUT;
}

// @ts-ignore: decorator
@inline
function out(i: i32, v: f64): void {
  store<f64>(OUT + (<usize>i << 3), v);
}

// ---- one side ----

class Side {
  keys: StaticArray<i64> = new StaticArray<i64>(32);
  sizes: StaticArray<i64> = new StaticArray<i64>(32);
  len: i32 = 0;
  /** -1 for asks (key = -price), 1 for bids (key = price). */
  sign: i64;

  constructor(sign: i64) {
    this.sign = sign;
  }

  /** Index of the first key >= key. */
  lowerBound(key: i64): i32 {
    const base = changetype<usize>(this.keys);
    let lo = 0;
    let hi = this.len;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (load<i64>(base + (<usize>mid << 3)) < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  grow(): void {
    const cap = this.keys.length << 1;
    const k = new StaticArray<i64>(cap);
    const s = new StaticArray<i64>(cap);
    memory.copy(changetype<usize>(k), changetype<usize>(this.keys), <usize>this.len << 3);
    memory.copy(changetype<usize>(s), changetype<usize>(this.sizes), <usize>this.len << 3);
    this.keys = k;
    this.sizes = s;
  }

  /** Sets the level at price (size 0 deletes it). */
  set(price: i64, size: i64): void {
    const key = price * this.sign;
    const n = this.len;
    // fast path: at or beyond the best level (the end of the arrays)
    let i: i32;
    if (n == 0 || unchecked(this.keys[n - 1]) < key) i = n;
    else i = this.lowerBound(key);
    const kb = changetype<usize>(this.keys);
    const sb = changetype<usize>(this.sizes);
    if (i < n && load<i64>(kb + (<usize>i << 3)) == key) {
      if (size != 0) {
        store<i64>(sb + (<usize>i << 3), size);
      } else {
        const tail = <usize>(n - i - 1) << 3;
        if (tail) {
          memory.copy(kb + (<usize>i << 3), kb + (<usize>(i + 1) << 3), tail);
          memory.copy(sb + (<usize>i << 3), sb + (<usize>(i + 1) << 3), tail);
        }
        this.len = n - 1;
      }
      return;
    }
    if (size == 0) return; // deleting an absent level is a no-op
    if (n == this.keys.length) this.grow();
    const kb2 = changetype<usize>(this.keys);
    const sb2 = changetype<usize>(this.sizes);
    const tail = <usize>(n - i) << 3;
    if (tail) {
      memory.copy(kb2 + (<usize>(i + 1) << 3), kb2 + (<usize>i << 3), tail);
      memory.copy(sb2 + (<usize>(i + 1) << 3), sb2 + (<usize>i << 3), tail);
    }
    store<i64>(kb2 + (<usize>i << 3), key);
    store<i64>(sb2 + (<usize>i << 3), size);
    this.len = n + 1;
  }

  /** Appends a level known to be better than every level held. */
  push(price: i64, size: i64): void {
    if (this.len == this.keys.length) this.grow();
    unchecked((this.keys[this.len] = price * this.sign));
    unchecked((this.sizes[this.len] = size));
    this.len++;
  }

  /**
   * Replaces the side with n (price, size) rows at ptr (already validated).
   * Sorted input (best first, as venues send it, or worst first) loads in
   * O(n); anything else (or duplicate prices, last one wins) goes through set.
   */
  load(ptr: usize, n: i32): void {
    this.len = 0;
    if (n == 0) return;
    const s = <f64>this.sign;
    let asc = true; // keys strictly ascending in input order
    let desc = true; // keys strictly descending (best first)
    let prev = load<f64>(ptr) * s;
    for (let i = 1; i < n; i++) {
      const k = load<f64>(ptr + (<usize>i << 4)) * s;
      if (!(k > prev)) asc = false;
      if (!(k < prev)) desc = false;
      prev = k;
    }
    if (desc) {
      for (let i = n - 1; i >= 0; i--) {
        const row = ptr + (<usize>i << 4);
        const size = <i64>load<f64>(row, 8);
        if (size != 0) this.push(<i64>load<f64>(row), size);
      }
    } else if (asc) {
      for (let i = 0; i < n; i++) {
        const row = ptr + (<usize>i << 4);
        const size = <i64>load<f64>(row, 8);
        if (size != 0) this.push(<i64>load<f64>(row), size);
      }
    } else {
      for (let i = 0; i < n; i++) {
        const row = ptr + (<usize>i << 4);
        this.set(<i64>load<f64>(row), <i64>load<f64>(row, 8));
      }
    }
  }

  // @ts-ignore: decorator
  @inline
  priceAt(fromBest: i32): i64 {
    return unchecked(this.keys[this.len - 1 - fromBest]) * this.sign;
  }

  // @ts-ignore: decorator
  @inline
  sizeAt(fromBest: i32): i64 {
    return unchecked(this.sizes[this.len - 1 - fromBest]);
  }
}

class Book {
  bids: Side = new Side(1);
  asks: Side = new Side(-1);
  lastSeq: i64 = 0;
  hasSnapshot: bool = false;
}

const books = new Array<Book | null>();
const freeBooks = new Array<i32>();

// @ts-ignore: decorator
@inline
function book(h: i32): Book | null {
  if (h < 0 || h >= books.length) return null;
  return unchecked(books[h]);
}

/** True when all n rows at ptr are (integer price, integer size >= 0) within 2^53 - 1. */
function rowsOk(ptr: usize, n: i32): bool {
  for (let i = 0; i < n; i++) {
    const row = ptr + (<usize>i << 4);
    const p = load<f64>(row);
    const s = load<f64>(row, 8);
    if (!(Math.abs(p) <= MAX_EXACT) || Math.floor(p) != p) return false;
    if (!(s >= 0 && s <= MAX_EXACT) || Math.floor(s) != s) return false;
  }
  return true;
}

/** Creates an empty book; returns its handle. */
export function bookCreate(): i32 {
  const b = new Book();
  if (freeBooks.length > 0) {
    const h = freeBooks.pop();
    unchecked((books[h] = b));
    return h;
  }
  books.push(b);
  return books.length - 1;
}

/** Releases a book handle. */
export function bookFree(h: i32): void {
  if (book(h) == null) return;
  unchecked((books[h] = null));
  freeBooks.push(h);
}

/**
 * Replaces the book with a snapshot at sequence `seq`: nBids rows then nAsks
 * rows (price, size) at ptr, any order; size-0 rows are ignored.
 */
export function bookSnapshot(h: i32, seq: i64, ptr: usize, nBids: i32, nAsks: i32): i32 {
  const b = book(h);
  if (b == null) return E_BAD_HANDLE;
  if (nBids < 0 || nAsks < 0 || !rowsOk(ptr, nBids + nAsks)) return E_BAD_INPUT;
  b.bids.load(ptr, nBids);
  b.asks.load(ptr + (<usize>nBids << 4), nAsks);
  b.lastSeq = seq;
  b.hasSnapshot = true;
  return OK;
}

/**
 * Applies an update covering sequence numbers firstSeq..lastSeq: nBids rows
 * then nAsks rows (price, new size; 0 deletes) at ptr, in order. Sequence
 * check against the book's last sequence L:
 *   lastSeq <= L            -> SEQ_STALE (ignored)
 *   firstSeq > L + 1        -> SEQ_GAP, OUT0 = firstSeq - L - 1 (not applied)
 *   otherwise               -> SEQ_OK, applied, L = lastSeq
 * (the Binance U <= L+1 <= u rule; an update overlapping L is applied whole,
 * which is safe because levels carry absolute sizes). Returns -status for a
 * bad handle or bad input (nothing applied).
 */
export function bookApplyDeltas(
  h: i32,
  firstSeq: i64,
  lastSeq: i64,
  ptr: usize,
  nBids: i32,
  nAsks: i32,
): i32 {
  const b = book(h);
  if (b == null) return -E_BAD_HANDLE;
  if (nBids < 0 || nAsks < 0 || firstSeq > lastSeq || !rowsOk(ptr, nBids + nAsks)) {
    return -E_BAD_INPUT;
  }
  out(0, 0);
  if (!b.hasSnapshot) return SEQ_NO_SNAPSHOT;
  const last = b.lastSeq;
  if (lastSeq <= last) return SEQ_STALE;
  if (firstSeq > last + 1) {
    out(0, <f64>(firstSeq - last - 1));
    return SEQ_GAP;
  }
  const bids = b.bids;
  for (let i = 0; i < nBids; i++) {
    const row = ptr + (<usize>i << 4);
    bids.set(<i64>load<f64>(row), <i64>load<f64>(row, 8));
  }
  const asks = b.asks;
  const aptr = ptr + (<usize>nBids << 4);
  for (let i = 0; i < nAsks; i++) {
    const row = aptr + (<usize>i << 4);
    asks.set(<i64>load<f64>(row), <i64>load<f64>(row, 8));
  }
  b.lastSeq = lastSeq;
  return SEQ_OK;
}

/** The book's last applied sequence number (0 for a bad handle). */
export function bookLastSeq(h: i32): i64 {
  const b = book(h);
  return b == null ? 0 : b.lastSeq;
}

/** Levels on a side (0 = bids, 1 = asks); -1 for a bad handle. */
export function bookLevelCount(h: i32, side: i32): i32 {
  const b = book(h);
  if (b == null) return -1;
  return side == 0 ? b.bids.len : b.asks.len;
}

/**
 * Best levels into OUT0..3 = bid price, bid size, ask price, ask size (NaN
 * for an empty side); returns flags (1: has bid, 2: has ask) or -status.
 */
export function bookBest(h: i32): i32 {
  const b = book(h);
  if (b == null) return -E_BAD_HANDLE;
  let flags = 0;
  if (b.bids.len > 0) {
    out(0, <f64>b.bids.priceAt(0));
    out(1, <f64>b.bids.sizeAt(0));
    flags |= 1;
  } else {
    out(0, NaN);
    out(1, NaN);
  }
  if (b.asks.len > 0) {
    out(2, <f64>b.asks.priceAt(0));
    out(3, <f64>b.asks.sizeAt(0));
    flags |= 2;
  } else {
    out(2, NaN);
    out(3, NaN);
  }
  return flags;
}

/**
 * The best n levels per side, best first: bid rows (price, size) at outPtr,
 * ask rows at outPtr + 16 n; OUT0/OUT1 = bid/ask rows written.
 */
export function bookDepth(h: i32, n: i32, outPtr: usize): i32 {
  const b = book(h);
  if (b == null) return E_BAD_HANDLE;
  if (n < 0) return E_BAD_INPUT;
  out(0, <f64>depthSide(b.bids, n, outPtr));
  out(1, <f64>depthSide(b.asks, n, outPtr + (<usize>n << 4)));
  return OK;
}

function depthSide(side: Side, n: i32, ptr: usize): i32 {
  const m = min(n, side.len);
  for (let i = 0; i < m; i++) {
    const row = ptr + (<usize>i << 4);
    store<f64>(row, <f64>side.priceAt(i));
    store<f64>(row, <f64>side.sizeAt(i), 8);
  }
  return m;
}

// @ts-ignore: decorator
@inline
function floorDiv(a: i64, b: i64): i64 {
  const q = a / b;
  return a % b != 0 && a < 0 ? q - 1 : q;
}

// @ts-ignore: decorator
@inline
function ceilDiv(a: i64, b: i64): i64 {
  const q = a / b;
  return a % b != 0 && a > 0 ? q + 1 : q;
}

/**
 * The best n price buckets of `bucket` ticks per side, best first, layout as
 * bookDepth. A bid at p goes to floor(p / bucket) * bucket, an ask to
 * ceil(p / bucket) * bucket (the conservative side, as venues aggregate);
 * a bucket's size is the sum of its levels' sizes (as f64: exact while it
 * stays <= 2^53).
 */
export function bookAggregate(h: i32, bucket: i64, n: i32, outPtr: usize): i32 {
  const b = book(h);
  if (b == null) return E_BAD_HANDLE;
  if (n < 0 || bucket <= 0) return E_BAD_INPUT;
  out(0, <f64>aggregateSide(b.bids, bucket, n, outPtr, false));
  out(1, <f64>aggregateSide(b.asks, bucket, n, outPtr + (<usize>n << 4), true));
  return OK;
}

function aggregateSide(side: Side, bucket: i64, n: i32, ptr: usize, up: bool): i32 {
  let count = 0;
  let cur: i64 = 0;
  let sum: i64 = 0;
  for (let i = 0; i < side.len; i++) {
    const p = side.priceAt(i);
    const bp = (up ? ceilDiv(p, bucket) : floorDiv(p, bucket)) * bucket;
    if (count > 0 && bp == cur) {
      sum += side.sizeAt(i);
      continue;
    }
    if (count > 0) {
      const row = ptr + (<usize>(count - 1) << 4);
      store<f64>(row, <f64>cur);
      store<f64>(row, <f64>sum, 8);
    }
    if (count == n) return count;
    count++;
    cur = bp;
    sum = side.sizeAt(i);
  }
  if (count > 0) {
    const row = ptr + (<usize>(count - 1) << 4);
    store<f64>(row, <f64>cur);
    store<f64>(row, <f64>sum, 8);
  }
  return count;
}

/** (best bid + best ask) / 2 in ticks; NaN when a side is empty or the handle is bad. */
export function bookMid(h: i32): f64 {
  const b = book(h);
  if (b == null || b.bids.len == 0 || b.asks.len == 0) return NaN;
  return (<f64>b.bids.priceAt(0) + <f64>b.asks.priceAt(0)) * 0.5;
}

/**
 * Size-weighted mid of the top level, in ticks:
 *   (bidPrice * askSize + askPrice * bidSize) / (bidSize + askSize)
 * (leans toward the side with less size, where the price is likelier to
 * move). NaN when a side is empty or the handle is bad.
 */
export function bookMicroprice(h: i32): f64 {
  const b = book(h);
  if (b == null || b.bids.len == 0 || b.asks.len == 0) return NaN;
  const bp = <f64>b.bids.priceAt(0);
  const bs = <f64>b.bids.sizeAt(0);
  const ap = <f64>b.asks.priceAt(0);
  const az = <f64>b.asks.sizeAt(0);
  return (bp * az + ap * bs) / (bs + az);
}
