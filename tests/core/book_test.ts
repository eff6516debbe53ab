/**
 * The core.wasm L2 book against a naive Map-based model written here:
 * random snapshot/delta sequences (fast-check), sequence gap/stale
 * detection, depth, aggregation, mid and microprice, input validation, and
 * a throughput floor.
 */
import fc from "fast-check";
import { deepEqual, equal, ok, throws } from "node:assert/strict";
import {
  type BookDepth,
  type BookLevel,
  type BookLevels,
  loadCore,
  type SequenceStatus,
  type WasmOrderBook,
} from "../../core-wasm/mod.ts";

const core = await loadCore();
const MAX = Number.MAX_SAFE_INTEGER;

/** The obvious book: a Map per side, sorted on read, BigInt for sums. */
class ModelBook {
  bids = new Map<number, number>();
  asks = new Map<number, number>();
  lastSeq = 0n;
  hasSnapshot = false;

  static #set(side: Map<number, number>, [p, s]: BookLevel): void {
    if (s === 0) side.delete(p);
    else side.set(p, s);
  }

  snapshot(seq: bigint, bids: BookLevel[], asks: BookLevel[]): void {
    this.bids.clear();
    this.asks.clear();
    for (const l of bids) ModelBook.#set(this.bids, l);
    for (const l of asks) ModelBook.#set(this.asks, l);
    this.lastSeq = seq;
    this.hasSnapshot = true;
  }

  apply(first: bigint, last: bigint, bids: BookLevel[], asks: BookLevel[]) {
    if (!this.hasSnapshot) return { status: "noSnapshot" as SequenceStatus, gap: 0 };
    if (last <= this.lastSeq) return { status: "stale" as SequenceStatus, gap: 0 };
    if (first > this.lastSeq + 1n) {
      return { status: "gap" as SequenceStatus, gap: Number(first - this.lastSeq - 1n) };
    }
    for (const l of bids) ModelBook.#set(this.bids, l);
    for (const l of asks) ModelBook.#set(this.asks, l);
    this.lastSeq = last;
    return { status: "ok" as SequenceStatus, gap: 0 };
  }

  sorted(): { bids: [number, number][]; asks: [number, number][] } {
    return {
      bids: [...this.bids].sort((a, b) => b[0] - a[0]),
      asks: [...this.asks].sort((a, b) => a[0] - b[0]),
    };
  }

  depth(n: number): BookDepth {
    const { bids, asks } = this.sorted();
    const lv = ([price, size]: [number, number]) => ({ price, size });
    return { bids: bids.slice(0, n).map(lv), asks: asks.slice(0, n).map(lv) };
  }

  aggregate(bucket: number, n: number): BookDepth {
    const b = BigInt(bucket);
    const floor = (p: bigint) => (p >= 0n ? p / b : -((-p + b - 1n) / b)) * b;
    const ceil = (p: bigint) => (p >= 0n ? (p + b - 1n) / b : -(-p / b)) * b;
    const agg = (levels: [number, number][], f: (p: bigint) => bigint) => {
      const out: { price: bigint; size: bigint }[] = [];
      for (const [p, s] of levels) {
        const bp = f(BigInt(p));
        const top = out[out.length - 1];
        if (top && top.price === bp) top.size += BigInt(s);
        else out.push({ price: bp, size: BigInt(s) });
      }
      return out.slice(0, n).map((x) => ({ price: Number(x.price), size: Number(x.size) }));
    };
    const { bids, asks } = this.sorted();
    return { bids: agg(bids, floor), asks: agg(asks, ceil) };
  }

  best(): [[number, number] | undefined, [number, number] | undefined] {
    const { bids, asks } = this.sorted();
    return [bids[0], asks[0]];
  }

  mid(): number | null {
    const [b, a] = this.best();
    return b && a ? (b[0] + a[0]) * 0.5 : null;
  }

  microprice(): number | null {
    const [b, a] = this.best();
    return b && a ? (b[0] * a[1] + a[0] * b[1]) / (b[1] + a[1]) : null;
  }
}

function flat(levels: BookLevel[]): Float64Array {
  return new Float64Array(levels.flat());
}

function assertSame(book: WasmOrderBook, model: ModelBook, bucket = 3, n = 5): void {
  const all = book.bidLevels + book.askLevels + 1;
  equal(book.bidLevels, model.bids.size, "bid level count");
  equal(book.askLevels, model.asks.size, "ask level count");
  deepEqual(book.depth(all), model.depth(all), "full depth");
  deepEqual(book.depth(n), model.depth(n), `depth(${n})`);
  deepEqual(book.aggregate(bucket, n), model.aggregate(bucket, n), `aggregate(${bucket}, ${n})`);
  const [b, a] = model.best();
  deepEqual(book.bestBid(), b ? { price: b[0], size: b[1] } : null, "best bid");
  deepEqual(book.bestAsk(), a ? { price: a[0], size: a[1] } : null, "best ask");
  equal(book.mid(), model.mid(), "mid");
  equal(book.microprice(), model.microprice(), "microprice");
  equal(book.lastSeq, model.lastSeq, "lastSeq");
}

Deno.test("book: worked example", () => {
  const book = core.createOrderBook();
  book.applySnapshot({ seq: 10, bids: [[100, 5], [99, 7]], asks: [[101, 2]] });
  deepEqual(book.applyDeltas({ firstSeq: 11, lastSeq: 12, bids: [[100, 0]], asks: [[102, 4]] }), {
    status: "ok",
    gap: 0,
  });
  deepEqual(book.bestBid(), { price: 99, size: 7 });
  deepEqual(book.bestAsk(), { price: 101, size: 2 });
  equal(book.mid(), 100);
  equal(book.microprice(), (99 * 2 + 101 * 7) / 9);
  deepEqual(book.aggregate(2, 5), {
    bids: [{ price: 98, size: 7 }],
    asks: [{ price: 102, size: 6 }],
  });
  equal(book.lastSeq, 12n);
  book.free();
});

Deno.test("book: sequence check — ok, overlap, stale, gap (book untouched), late fill-in, no snapshot", () => {
  const book = core.createOrderBook();
  deepEqual(book.applyDeltas({ firstSeq: 1, lastSeq: 1, bids: [[5, 1]] }), {
    status: "noSnapshot",
    gap: 0,
  });
  equal(book.bidLevels, 0);
  book.applySnapshot({ seq: 100n, bids: [[50, 1]], asks: [[60, 1]] });
  const r = (firstSeq: number, lastSeq: number, price: number) =>
    book.applyDeltas({ firstSeq, lastSeq, bids: [[price, lastSeq]] });
  deepEqual(r(101, 105, 40), { status: "ok", gap: 0 });
  deepEqual(r(103, 106, 41), { status: "ok", gap: 0 }); // overlaps the book: applied whole
  deepEqual(r(90, 106, 42), { status: "stale", gap: 0 });
  deepEqual(r(106, 106, 43), { status: "stale", gap: 0 });
  deepEqual(r(108, 110, 44), { status: "gap", gap: 1 }); // 107 missing
  deepEqual(r(200, 300, 45), { status: "gap", gap: 93 });
  equal(book.lastSeq, 106n);
  deepEqual(book.depth(10).bids.map((l) => l.price), [50, 41, 40]);
  deepEqual(r(107, 107, 46), { status: "ok", gap: 0 }); // the missing update arrives late
  deepEqual(r(108, 110, 44), { status: "ok", gap: 0 });
  equal(book.lastSeq, 110n);
  // a new snapshot resets the sequence, even backwards
  book.applySnapshot({ seq: 5, bids: [], asks: [] });
  deepEqual(r(6, 6, 1), { status: "ok", gap: 0 });
  // sequence numbers beyond 2^53 as bigint
  const big = (1n << 62n) + 7n;
  book.applySnapshot({ seq: big, bids: [], asks: [] });
  deepEqual(book.applyDeltas({ firstSeq: big + 1n, lastSeq: big + 1n, asks: [[1, 1]] }), {
    status: "ok",
    gap: 0,
  });
  deepEqual(book.applyDeltas({ firstSeq: big + 5n, lastSeq: big + 9n }), { status: "gap", gap: 3 });
  equal(book.lastSeq, big + 1n);
  book.free();
});

Deno.test("book: snapshots in any order (best first, worst first, shuffled, duplicates, zeros) match the model", () => {
  const bids: BookLevel[] = Array.from({ length: 300 }, (_, i) => [1000 - i, i + 1]);
  const asks: BookLevel[] = Array.from({ length: 300 }, (_, i) => [1001 + i, 2 * i + 1]);
  const shuffled = <T>(xs: T[]) =>
    xs.map((x, i) => [((i * 7919) % 301) / 301, x] as const)
      .sort((a, b) => a[0] - b[0]).map((x) => x[1]);
  const variants: [BookLevel[], BookLevel[]][] = [
    [bids, asks],
    [[...bids].reverse(), [...asks].reverse()],
    [shuffled(bids), shuffled(asks)],
    [[...bids, [1000, 99], [999, 0], [5000, 0]], [[1001, 0], ...asks, [1002, 7]]],
    [[[1, 0], [2, 0]], []],
  ];
  for (const [b, a] of variants) {
    const book = core.createOrderBook();
    const model = new ModelBook();
    book.applySnapshot({ seq: 1, bids: b, asks: a });
    model.snapshot(1n, b, a);
    assertSame(book, model, 10, 20);
    const book2 = core.createOrderBook();
    book2.applySnapshot({ seq: 1, bids: flat(b), asks: flat(a) });
    assertSame(book2, model, 7, 3);
    book.free();
    book2.free();
  }
});

// Random operation sequences against the model.
const price = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: -40, max: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom(MAX, -MAX, MAX - 1, -MAX + 3, 2 ** 40) },
);
const size = fc.oneof(
  { weight: 3, arbitrary: fc.constant(0) },
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 1000 }) },
  { weight: 1, arbitrary: fc.constantFrom(MAX, 2 ** 52, 1) },
);
const level: fc.Arbitrary<BookLevel> = fc.tuple(price, size);
const levels = fc.array(level, { maxLength: 8 });
type Op =
  | { kind: "snapshot"; seq: number; bids: BookLevel[]; asks: BookLevel[]; packed: boolean }
  | {
    kind: "delta";
    start: number;
    len: number;
    bids: BookLevel[];
    asks: BookLevel[];
    packed: boolean;
  }
  | { kind: "query"; bucket: number; n: number };
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("snapshot" as const),
      seq: fc.integer({ min: 0, max: 1000 }),
      bids: fc.array(level, { maxLength: 30 }),
      asks: fc.array(level, { maxLength: 30 }),
      packed: fc.boolean(),
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant("delta" as const),
      start: fc.oneof(
        { weight: 6, arbitrary: fc.constant(1) },
        { weight: 2, arbitrary: fc.integer({ min: -3, max: 4 }) },
      ),
      len: fc.integer({ min: 0, max: 3 }),
      bids: levels,
      asks: levels,
      packed: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("query" as const),
      bucket: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.constantFrom(1000, 2 ** 50)),
      n: fc.integer({ min: 0, max: 12 }),
    }),
  },
);

Deno.test("book: random snapshot/delta/query sequences equal the Map model (fast-check)", () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
      const book = core.createOrderBook();
      const model = new ModelBook();
      try {
        for (const o of ops) {
          const pack = (ls: BookLevel[], packed: boolean): BookLevels => packed ? flat(ls) : ls;
          if (o.kind === "snapshot") {
            book.applySnapshot({
              seq: o.seq,
              bids: pack(o.bids, o.packed),
              asks: pack(o.asks, o.packed),
            });
            model.snapshot(BigInt(o.seq), o.bids, o.asks);
          } else if (o.kind === "delta") {
            const first = model.lastSeq + BigInt(o.start);
            const last = first + BigInt(o.len);
            const got = book.applyDeltas({
              firstSeq: first,
              lastSeq: last,
              bids: pack(o.bids, o.packed),
              asks: pack(o.asks, o.packed),
            });
            deepEqual(got, model.apply(first, last, o.bids, o.asks));
          } else {
            assertSame(book, model, o.bucket, o.n);
          }
        }
        assertSame(book, model);
      } finally {
        book.free();
      }
    }),
    { numRuns: 1500 },
  );
});

Deno.test("book: aggregation rounds bids down and asks up, negative prices included", () => {
  const book = core.createOrderBook();
  const model = new ModelBook();
  const bids: BookLevel[] = [[-1, 1], [-5, 2], [-6, 3], [-10, 4], [0, 5], [4, 6], [5, 7]];
  const asks: BookLevel[] = [[6, 1], [10, 2], [11, 3], [-4, 4], [-5, 5], [-9, 6]];
  book.applySnapshot({ seq: 0, bids, asks });
  model.snapshot(0n, bids, asks);
  deepEqual(book.aggregate(5, 10), {
    bids: [
      { price: 5, size: 7 },
      { price: 0, size: 11 },
      { price: -5, size: 3 },
      { price: -10, size: 7 },
    ],
    asks: [
      { price: -5, size: 11 },
      { price: 0, size: 4 },
      { price: 10, size: 3 },
      { price: 15, size: 3 },
    ],
  });
  for (const bucket of [1, 2, 3, 5, 7, 100]) {
    for (const n of [0, 1, 2, 5, 50]) {
      deepEqual(book.aggregate(bucket, n), model.aggregate(bucket, n), `bucket ${bucket}, n ${n}`);
    }
  }
  deepEqual(book.aggregate(1, 100), book.depth(100));
  book.free();
});

Deno.test("book: microprice leans to the thinner side; one-sided and empty books", () => {
  const book = core.createOrderBook();
  equal(book.mid(), null);
  equal(book.microprice(), null);
  equal(book.bestBid(), null);
  book.applySnapshot({ seq: 1, bids: [[100, 9]], asks: [[102, 1]] });
  equal(book.mid(), 101);
  equal(book.microprice(), (100 * 1 + 102 * 9) / 10); // 101.8: little ask size, price goes up
  book.applyDeltas({ firstSeq: 2, lastSeq: 2, asks: [[102, 0]] });
  equal(book.bestAsk(), null);
  equal(book.mid(), null);
  equal(book.microprice(), null);
  deepEqual(book.depth(3), { bids: [{ price: 100, size: 9 }], asks: [] });
  book.free();
});

Deno.test("book: deep books grow wasm memory; views are rebuilt; books are independent; handles are reused", () => {
  const a = core.createOrderBook();
  const b = core.createOrderBook();
  const n = 200_000;
  const bids = new Float64Array(2 * n);
  const asks = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    bids.set([1_000_000 - i, i + 1], 2 * i);
    asks.set([1_000_001 + i, i + 2], 2 * i);
  }
  const before = core.exports.memory.buffer.byteLength;
  a.applySnapshot({ seq: 1, bids, asks });
  b.applySnapshot({ seq: 7, bids: [[1, 1]], asks: [[3, 1]] });
  ok(core.exports.memory.buffer.byteLength >= before);
  equal(a.bidLevels, n);
  equal(a.askLevels, n);
  // grow the sides by inserting in the middle and at the far end
  const mid = new Float64Array(2 * 1000);
  for (let i = 0; i < 1000; i++) mid.set([-i, 5], 2 * i);
  equal(a.applyDeltas({ firstSeq: 2, lastSeq: 2, bids: mid }).status, "ok");
  equal(a.bidLevels, n + 1000);
  deepEqual(a.depth(2).bids, [{ price: 1_000_000, size: 1 }, { price: 999_999, size: 2 }]);
  deepEqual(a.depth(n + 1000).bids.at(-1), { price: -999, size: 5 });
  deepEqual(b.depth(5), { bids: [{ price: 1, size: 1 }], asks: [{ price: 3, size: 1 }] });
  equal(b.lastSeq, 7n);
  a.free();
  const c = core.createOrderBook(); // may reuse a's handle: must start empty
  equal(c.bidLevels, 0);
  equal(c.lastSeq, 0n);
  throws(() => a.bestBid(), /order book was freed/);
  a.free(); // idempotent
  b.free();
  c.free();
});

Deno.test("book: invalid input is refused whole with RangeErrors naming the value", () => {
  const book = core.createOrderBook();
  book.applySnapshot({ seq: 1, bids: [[10, 1]], asks: [[12, 1]] });
  const cases: [() => unknown, RegExp][] = [
    [
      () => book.applyDeltas({ firstSeq: 2, lastSeq: 2, bids: [[11, 1], [9, -1]] }),
      /apply book deltas: bids\[1\] size -1 must be a safe integer >= 0/,
    ],
    [
      () => book.applyDeltas({ firstSeq: 2, lastSeq: 2, asks: [[11.5, 1]] }),
      /asks\[0\] price 11.5 must be a safe integer \(ticks\)/,
    ],
    [
      () =>
        book.applyDeltas({ firstSeq: 2, lastSeq: 2, asks: new Float64Array([13, 1, 2 ** 53, 1]) }),
      /asks\[1\] price 9007199254740992 must be a safe integer/,
    ],
    [
      () => book.applyDeltas({ firstSeq: 2, lastSeq: 2, bids: new Float64Array([13, NaN]) }),
      /bids\[0\] size NaN must be a safe integer >= 0/,
    ],
    [
      () => book.applyDeltas({ firstSeq: 2, lastSeq: 2, bids: new Float64Array([13]) }),
      /bids is a flat Float64Array of odd length 1/,
    ],
    [() => book.applyDeltas({ firstSeq: 3, lastSeq: 2 }), /firstSeq 3 is above lastSeq 2/],
    [
      () => book.applyDeltas({ firstSeq: 1.5, lastSeq: 2 }),
      /firstSeq 1.5 must be a safe integer or a bigint/,
    ],
    [() => book.applyDeltas({ firstSeq: 1n << 63n, lastSeq: 2 }), /outside the int64 range/],
    [
      () => book.applySnapshot({ seq: 5, bids: [[1, 1]], asks: [[2, 1e300]] }),
      /asks\[0\] size 1e\+300/,
    ],
    [() => book.depth(-1), /n -1 must be an integer/],
    [() => book.aggregate(0, 5), /bucketTicks 0 must be a positive integer/],
    [() => book.aggregate(1.5, 5), /bucketTicks 1.5 must be a positive integer/],
  ];
  for (const [f, re] of cases) {
    throws(f, (e: unknown) => e instanceof RangeError && re.test(e.message));
  }
  // nothing was applied
  deepEqual(book.depth(5), { bids: [{ price: 10, size: 1 }], asks: [{ price: 12, size: 1 }] });
  equal(book.lastSeq, 1n);
  book.free();
  throws(
    () => book.applyDeltas({ firstSeq: 2, lastSeq: 2 }),
    /apply book deltas: the order book was freed/,
  );
});

Deno.test("book: throughput floor (batched level updates per second)", () => {
  // A 1000-level book per side; updates cluster near the top (exponential
  // distance), 30% deletes, 20 levels per batch, packed Float64Array input.
  let s = 1;
  const rnd = () => (s = (s * 48271) % 2147483647) / 2147483647;
  const book = core.createOrderBook();
  const bids: BookLevel[] = Array.from({ length: 1000 }, (_, i) => [99_999 - i, 100]);
  const asks: BookLevel[] = Array.from({ length: 1000 }, (_, i) => [100_001 + i, 100]);
  book.applySnapshot({ seq: 0, bids, asks });
  const per = 20;
  const batches: { b: Float64Array; a: Float64Array }[] = [];
  for (let k = 0; k < 25_000; k++) {
    const b: number[] = [];
    const a: number[] = [];
    for (let i = 0; i < per; i++) {
      const dist = Math.floor(-Math.log(1 - rnd()) * 50);
      const size = rnd() < 0.3 ? 0 : 1 + Math.floor(rnd() * 1000);
      if (i % 2) b.push(99_999 - dist, size);
      else a.push(100_001 + dist, size);
    }
    batches.push({ b: new Float64Array(b), a: new Float64Array(a) });
  }
  const t0 = performance.now();
  let seq = 0;
  for (const { b, a } of batches) {
    seq++;
    book.applyDeltas({ firstSeq: seq, lastSeq: seq, bids: b, asks: a });
  }
  const ms = performance.now() - t0;
  const rate = (batches.length * per) / (ms / 1000);
  console.log(`book: ${(rate / 1e6).toFixed(2)} M level updates/s (batches of ${per})`);
  ok(rate > 250_000, `throughput ${rate.toFixed(0)} level updates/s`);
  book.free();
});
