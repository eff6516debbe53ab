/**
 * Protobuf contracts and codec: fast-check round trips for every message
 * type (arbitraries derived from the same reflection, so a new field is
 * covered automatically), exact int64/uint64 and ns timestamps, agreement
 * with protobufjs's own codecs in both directions, typed errors on garbage,
 * and the generated TypeScript types being up to date.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import protobuf from "protobufjs";
import {
  CodecError,
  codecFor,
  create,
  decode,
  encode,
  loadProtoRoot,
  PROTO_PACKAGE,
} from "../../services/common/codec.ts";
import { MESSAGE_NAMES, type MessageName } from "../../proto/types.ts";
import { generateProtoTypes, TYPES_FILE } from "../../tasks/gen_proto_types.ts";

const root = loadProtoRoot();
const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

/** Edge values that must survive exactly. */
const u64Edges = [0n, 1n, (1n << 53n) + 1n, 1_795_486_680_836_142_117n, 1n << 63n, U64_MAX];
const i64Edges = [I64_MIN, -1n, 0n, 1n, (1n << 53n) + 1n, I64_MAX];

function scalarArb(type: string): fc.Arbitrary<unknown> {
  switch (type) {
    case "string":
      return fc.string({ unit: "grapheme", maxLength: 12 });
    case "bool":
      return fc.boolean();
    case "uint32":
    case "fixed32":
      return fc.nat({ max: 0xffffffff });
    case "int32":
    case "sint32":
    case "sfixed32":
      return fc.integer();
    case "uint64":
    case "fixed64":
      return fc.oneof(fc.constantFrom(...u64Edges), fc.bigInt({ min: 0n, max: U64_MAX }));
    case "int64":
    case "sint64":
    case "sfixed64":
      return fc.oneof(fc.constantFrom(...i64Edges), fc.bigInt({ min: I64_MIN, max: I64_MAX }));
    case "double":
      return fc.double({ noNaN: true });
    case "float":
      return fc.float({ noNaN: true }).map((x) => Math.fround(x));
    case "bytes":
      return fc.uint8Array({ maxLength: 16 });
  }
  throw new Error(`no arbitrary for ${type}`);
}

const arbCache = new Map<string, fc.Arbitrary<Record<string, unknown>>>();

/** A complete message of a type (every field present, as decode returns it). */
function messageArb(type: protobuf.Type, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const key = `${type.fullName}@${depth}`;
  const hit = arbCache.get(key);
  if (hit) return hit;
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of type.fieldsArray) {
    f.resolve();
    const rt = f.resolvedType;
    let one: fc.Arbitrary<unknown>;
    if (rt instanceof protobuf.Type) one = messageArb(rt, depth + 1);
    else if (rt instanceof protobuf.Enum) one = fc.constantFrom(...Object.values(rt.values));
    else one = scalarArb(f.type);
    if (f.repeated) fields[f.name] = fc.array(one, { maxLength: depth > 0 ? 3 : 5 });
    else if (rt instanceof protobuf.Type) fields[f.name] = fc.option(one, { nil: null });
    else fields[f.name] = one;
  }
  const arb = fc.record(fields, { noNullPrototype: true }) as fc.Arbitrary<Record<string, unknown>>;
  arbCache.set(key, arb);
  return arb;
}

function typeOf(name: MessageName): protobuf.Type {
  return root.lookupType(`${PROTO_PACKAGE}.${name}`);
}

/** Our message -> protobufjs plain object (64-bit as decimal strings). */
function toPbjsObject(v: unknown): unknown {
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Uint8Array) return v;
  if (Array.isArray(v)) return v.map(toPbjsObject);
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, toPbjsObject(x)]),
    );
  }
  return v;
}

/** JSON-comparable form: 64-bit values as strings, bytes as arrays, nulls kept. */
function comparable(v: unknown): unknown {
  return JSON.parse(
    JSON.stringify(
      v,
      (_k, x) => typeof x === "bigint" ? x.toString() : x instanceof Uint8Array ? [...x] : x,
    ),
  );
}

Deno.test("codec: every message type round-trips exactly (fast-check)", () => {
  for (const name of MESSAGE_NAMES) {
    const c = codecFor(name);
    fc.assert(
      fc.property(messageArb(typeOf(name)), (msg) => {
        const bytes = c.encode(msg as never);
        const back = c.decode(bytes);
        assert.deepStrictEqual(back, msg, `${name} round trip`);
        // canonical: re-encoding the decoded message gives the same bytes
        assert.deepStrictEqual(c.encode(back as never), bytes);
      }),
      { numRuns: 150 },
    );
  }
});

Deno.test("codec: int64, uint64 and ns timestamps are exact at the edges", () => {
  for (const v of u64Edges) {
    const h = decode("Header", encode("Header", { sequence: v, publishTsNs: v, sessionId: v }));
    assert.equal(h.sequence, v);
    assert.equal(h.publishTsNs, v);
    assert.equal(typeof h.sequence, "bigint");
  }
  const ts = 1_795_486_680_836_142_117n; // 2026 in ns: beyond 2^53, must not round
  const t = decode(
    "Trade",
    encode("Trade", { header: { exchangeTsNs: ts, receiveTsNs: ts + 1n } }),
  );
  assert.equal(t.header!.exchangeTsNs, ts);
  assert.equal(t.header!.receiveTsNs, ts + 1n);
  assert.equal(Number(ts), Number(ts + 1n)); // a double could not tell them apart
});

Deno.test("codec: agrees with protobufjs's own codecs in both directions", () => {
  for (const name of MESSAGE_NAMES) {
    const type = typeOf(name);
    const c = codecFor(name);
    fc.assert(
      fc.property(messageArb(type), (msg) => {
        // ours -> protobufjs
        const ours = c.encode(msg as never);
        const theirs = type.toObject(type.decode(ours), {
          longs: String,
          enums: Number,
          bytes: Uint8Array,
          defaults: true,
          arrays: true,
        });
        assert.deepStrictEqual(comparable(theirs), comparable(msg));
        // protobufjs -> ours
        const pbBytes = type.encode(type.fromObject(toPbjsObject(msg) as Record<string, unknown>))
          .finish();
        assert.deepStrictEqual(c.decode(pbBytes), msg);
      }),
      { numRuns: 60 },
    );
  }
});

Deno.test("codec: decoded messages are plain objects with every field present", () => {
  const ev = create("OrderEvent");
  assert.equal(Object.getPrototypeOf(ev), Object.prototype);
  assert.equal(ev.header, null);
  assert.equal(ev.status, 0);
  assert.equal(ev.cumulativeQuantity, "");
  const snap = create("OrderBookSnapshot");
  assert.deepStrictEqual(snap.bids, []);
  assert.equal(snap.venueSequence, 0n);
  assert.deepStrictEqual(Object.keys(create("PriceLevel")), ["price", "quantity"]);
});

Deno.test("codec: garbage gives a typed CodecError or a complete message, never anything else", () => {
  for (const name of MESSAGE_NAMES) {
    const c = codecFor(name);
    const fieldNames = typeOf(name).fieldsArray.map((f) => f.name).sort();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          const m = c.decode(bytes) as unknown as Record<string, unknown>;
          assert.deepStrictEqual(Object.keys(m).sort(), fieldNames);
        } catch (e) {
          assert.ok(e instanceof CodecError, `${name}: ${e}`);
          assert.equal(e.typeName, name);
        }
      }),
      { numRuns: 300 },
    );
  }
});

Deno.test("codec: each decode error kind says what, where and shows the bytes", () => {
  const cases: [MessageName, number[], string, RegExp][] = [
    ["Trade", [0x0a, 0x05, 0x01], "truncated", /from 3 bytes \[0a 05 01\]: truncated/],
    ["Trade", [0xff, 0xff], "truncated", /truncated varint at offset 0/],
    ["Trade", [0x08, 0x63], "malformed", /field 1 of Trade has wrong wire type 0/],
    ["Trade", [0x78, 0x01], "unknown_field", /unknown field number 15/],
    ["Trade", [0x12, 0x02, 0xc3, 0x28], "malformed", /invalid UTF-8 in string at offset 2/],
    ["OrderEvent", [0x20, 0x63], "bad_enum", /OrderEvent\.status = 99 .*enum OrderStatus/],
    ["Trade", [0x0f], "malformed", /invalid wire type 7|wrong wire type/],
  ];
  for (const [name, bytes, kind, re] of cases) {
    assert.throws(() => decode(name, new Uint8Array(bytes)), (e: unknown) => {
      assert.ok(e instanceof CodecError);
      assert.equal(e.kind, kind, `${name} ${bytes}: ${e.message}`);
      assert.match(e.message, re);
      assert.match(e.message, new RegExp(`Cannot decode alp\\.${name}`));
      return true;
    });
  }
});

Deno.test("codec: encode errors name the field path and the offending value", () => {
  const cases: [() => unknown, RegExp][] = [
    [
      () => encode("Trade", { header: { sequence: -1n } }),
      /field header\.sequence = -1 is not a uint64/,
    ],
    [
      () => encode("Trade", { header: { sequence: 1n << 64n } }),
      /field header\.sequence = 18446744073709551616 is not a uint64/,
    ],
    [
      () =>
        encode("OrderBookSnapshot", { bids: [{ price: "1" }, { price: 5 as unknown as string }] }),
      /field bids\[1\]\.price = 5 is not a string/,
    ],
    [
      () => encode("OrderEvent", { status: 42 as 1 }),
      /field status = 42 is not a value of OrderStatus/,
    ],
    [() => encode("OrderRequest", { postOnly: "yes" as unknown as boolean }), /postOnly = "yes"/],
  ];
  for (const [fn, re] of cases) {
    assert.throws(fn, (e: unknown) => {
      assert.ok(e instanceof CodecError);
      assert.equal(e.kind, "encode");
      assert.match(e.message, re);
      return true;
    });
  }
  assert.throws(() => codecFor("Nope" as MessageName), /Unknown message type 'Nope'/);
});

Deno.test("codec: non-ASCII strings and long strings survive", () => {
  const price = "€ 1 ünïcödé 😀";
  const long = "x".repeat(5000);
  const t = decode("Trade", encode("Trade", { price, tradeId: long }));
  assert.equal(t.price, price);
  assert.equal(t.tradeId, long);
});

Deno.test("codec: proto/types.ts is generated from the current .proto files", async () => {
  const onDisk = await Deno.readTextFile(TYPES_FILE);
  assert.equal(
    onDisk,
    generateProtoTypes(),
    "proto/types.ts is stale: run `deno task proto`",
  );
});
