/**
 * Generates a fast encoder and decoder per message type from protobufjs
 * reflection (the parsed `.proto` files), the way protobufjs itself generates
 * its codecs, but producing what the bus needs directly:
 *
 * - decode returns a plain object literal with every field in declaration
 *   order (one stable hidden class per type), defaults filled in, 64-bit
 *   integers as bigint; it throws {@link WireError} on truncation, wrong wire
 *   types, unknown field numbers, undefined enum values, invalid UTF-8, or
 *   nesting deeper than 64;
 * - encode writes canonical proto3 (fields in number order, default values
 *   omitted, repeated numerics packed) into a reused scratch buffer in one
 *   pass (sub-message lengths are back-patched) and returns a copy.
 *
 * Supported: every scalar type, enums, nested messages, repeated fields.
 * Not supported (rejected when the type is compiled): maps, oneofs, proto3
 * `optional` and proto2 groups. The generated code only uses reflection
 * data; no field is written by hand. protobufjs's own codecs remain the
 * reference the tests compare against.
 *
 * @example
 * ```ts
 * import { compileType } from "./codec_gen.ts";
 * import { loadProtoRoot } from "./codec.ts";
 * const c = compileType(loadProtoRoot().lookupType("alp.PriceLevel"));
 * console.log(c.decode(c.encode({ price: "1.5", quantity: "2" })).price); // "1.5"
 * ```
 * @module
 */
import protobuf from "protobufjs";
import { allocBytes } from "./bytes.ts";

/** Why bytes could not be decoded (or a value could not be encoded). */
export type WireErrorKind = "truncated" | "malformed" | "unknown_field" | "bad_enum" | "encode";

/** A wire-level failure with its kind and position. */
export class WireError extends Error {
  readonly kind: WireErrorKind;
  constructor(kind: WireErrorKind, message: string) {
    super(message);
    this.name = "WireError";
    this.kind = kind;
  }
}

/** Compiled encoder/decoder of one type. */
export interface CompiledType {
  encode(message: unknown): Uint8Array;
  decode(bytes: Uint8Array): Record<string, unknown>;
}

const MAX_DEPTH = 64;

// ---------------------------------------------------------------------------
// Reader runtime (shared by every generated decoder)

const fatalUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Mutable read position; one per decode call. */
class R {
  buf: Uint8Array;
  pos: number;
  view: DataView | null = null;
  constructor(buf: Uint8Array) {
    this.buf = buf;
    this.pos = 0;
  }
}

function truncated(r: R, what: string): WireError {
  return new WireError("truncated", `truncated ${what} at offset ${r.pos}`);
}

function v32(r: R, end: number): number {
  const b = r.buf;
  let p = r.pos;
  let x = 0;
  let shift = 0;
  for (let i = 0; i < 10; i++) {
    if (p >= end) throw truncated(r, "varint");
    const c = b[p++];
    if (i < 5) x |= (c & 0x7f) << shift;
    shift += 7;
    if (c < 0x80) {
      r.pos = p;
      return x;
    }
  }
  throw new WireError("malformed", `varint longer than 10 bytes at offset ${r.pos}`);
}

// 64-bit <-> two 32-bit halves through one 8-byte scratch (no bigint arithmetic:
// about 4x faster than shifts and masks). Little-endian hosts only (checked).
const SCR64 = new BigUint64Array(1);
const SCRI64 = new BigInt64Array(SCR64.buffer);
const SCR32 = new Uint32Array(SCR64.buffer);
SCR64[0] = 1n;
if (SCR32[0] !== 1) throw new Error("codec_gen: big-endian hosts are not supported");

function join64(lo: number, hi: number): bigint {
  SCR32[0] = lo;
  SCR32[1] = hi;
  return SCR64[0];
}

function vU64(r: R, end: number): bigint {
  const b = r.buf;
  let p = r.pos;
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < 10; i++) {
    if (p >= end) throw truncated(r, "varint");
    const c = b[p++];
    const v = c & 0x7f;
    if (i < 4) lo |= v << (7 * i);
    else if (i === 4) {
      lo |= (v & 0x0f) << 28;
      hi |= v >> 4;
    } else hi |= v << (7 * i - 32);
    if (c < 0x80) {
      r.pos = p;
      if (hi === 0) return BigInt(lo >>> 0);
      return join64(lo, hi);
    }
  }
  throw new WireError("malformed", `varint longer than 10 bytes at offset ${r.pos}`);
}

function vI64(r: R, end: number): bigint {
  SCR64[0] = vU64(r, end);
  return SCRI64[0];
}

function vS64(r: R, end: number): bigint {
  const u = vU64(r, end);
  return (u >> 1n) ^ -(u & 1n);
}

function f32raw(r: R, end: number): number {
  if (r.pos + 4 > end) throw truncated(r, "fixed32");
  const b = r.buf;
  const p = r.pos;
  r.pos = p + 4;
  return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
}

function dv(r: R): DataView {
  return r.view ??= new DataView(r.buf.buffer, r.buf.byteOffset, r.buf.byteLength);
}

function fU64(r: R, end: number): bigint {
  const lo = f32raw(r, end);
  const hi = f32raw(r, end);
  return join64(lo, hi);
}

function fFloat(r: R, end: number): number {
  if (r.pos + 4 > end) throw truncated(r, "float");
  const v = dv(r).getFloat32(r.pos, true);
  r.pos += 4;
  return v;
}

function fDouble(r: R, end: number): number {
  if (r.pos + 8 > end) throw truncated(r, "double");
  const v = dv(r).getFloat64(r.pos, true);
  r.pos += 8;
  return v;
}

function len(r: R, end: number): number {
  const n = v32(r, end) >>> 0;
  if (r.pos + n > end) throw truncated(r, `length-delimited field (${n} bytes)`);
  return n;
}

function str(r: R, end: number): string {
  const n = len(r, end);
  const b = r.buf;
  const p = r.pos;
  r.pos = p + n;
  if (n <= 32) {
    // Short ASCII (the common case: ids, venues, decimal strings): build directly.
    let s = "";
    for (let i = p; i < p + n; i++) {
      const c = b[i];
      if (c >= 0x80) return utf8At(b, p, n);
      s += String.fromCharCode(c);
    }
    return s;
  }
  return utf8At(b, p, n);
}

function utf8At(b: Uint8Array, p: number, n: number): string {
  try {
    return fatalUtf8.decode(b.subarray(p, p + n));
  } catch {
    throw new WireError("malformed", `invalid UTF-8 in string at offset ${p}`);
  }
}

function bytes(r: R, end: number): Uint8Array {
  const n = len(r, end);
  const out = allocBytes(n);
  out.set(r.buf.subarray(r.pos, r.pos + n));
  r.pos += n;
  return out;
}

function skip(r: R, end: number, wire: number): void {
  switch (wire) {
    case 0:
      v32(r, end);
      return;
    case 1:
      if (r.pos + 8 > end) throw truncated(r, "fixed64");
      r.pos += 8;
      return;
    case 2:
      r.pos += len(r, end);
      return;
    case 5:
      if (r.pos + 4 > end) throw truncated(r, "fixed32");
      r.pos += 4;
      return;
    default:
      throw new WireError("malformed", `invalid wire type ${wire} at offset ${r.pos}`);
  }
}

// ---------------------------------------------------------------------------
// Writer runtime (shared scratch buffer; encode is synchronous and not re-entrant)

class W {
  buf = new Uint8Array(4096);
  pos = 0;
  view = new DataView(this.buf.buffer);
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
}

const w = new W();
const utf8 = new TextEncoder();

function wV32(x: number): void {
  // x is a uint32 (or a negative int32, written as 10-byte two's complement)
  if (x < 0) {
    wV64(BigInt(x));
    return;
  }
  w.ensure(5);
  const b = w.buf;
  let p = w.pos;
  while (x > 0x7f) {
    b[p++] = (x & 0x7f) | 0x80;
    x >>>= 7;
  }
  b[p++] = x;
  w.pos = p;
}

function wV64(x: bigint): void {
  w.ensure(10);
  const b = w.buf;
  let p = w.pos;
  SCR64[0] = x; // two's complement for negatives
  let lo = SCR32[0];
  let hi = SCR32[1];
  while (hi > 0 || lo > 0x7f) {
    b[p++] = (lo & 0x7f) | 0x80;
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
  }
  b[p++] = lo;
  w.pos = p;
}

function wTag(tag: number): void {
  wV32(tag);
}

function wStr(s: string): void {
  const n = s.length;
  w.ensure(n + 5);
  // ASCII fast path: byte length == UTF-16 length.
  const start = w.pos;
  wV32(n);
  const b = w.buf;
  let p = w.pos;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) {
      w.pos = start;
      const enc = utf8.encode(s);
      wV32(enc.length);
      w.ensure(enc.length);
      w.buf.set(enc, w.pos);
      w.pos += enc.length;
      return;
    }
    b[p++] = c;
  }
  w.pos = p;
}

function wBytes(v: Uint8Array): void {
  wV32(v.length);
  w.ensure(v.length);
  w.buf.set(v, w.pos);
  w.pos += v.length;
}

function wF32(x: number): void {
  w.ensure(4);
  w.view.setUint32(w.pos, x >>> 0, true);
  w.pos += 4;
}

function wF64big(x: bigint): void {
  w.ensure(8);
  w.view.setBigUint64(w.pos, BigInt.asUintN(64, x), true);
  w.pos += 8;
}

function wFloat(x: number): void {
  w.ensure(4);
  w.view.setFloat32(w.pos, x, true);
  w.pos += 4;
}

function wDouble(x: number): void {
  w.ensure(8);
  w.view.setFloat64(w.pos, x, true);
  w.pos += 8;
}

/** Starts a length-delimited block: reserves one length byte, returns the start. */
function wBegin(): number {
  w.ensure(1);
  w.pos++;
  return w.pos;
}

/** Ends a block begun at `start`: writes its length, moving the body if needed. */
function wEnd(start: number): void {
  const n = w.pos - start;
  if (n < 0x80) {
    w.buf[start - 1] = n;
    return;
  }
  let extra = 0;
  for (let x = n >>> 7; x > 0; x >>>= 7) extra++;
  w.ensure(extra);
  w.buf.copyWithin(start + extra, start, w.pos);
  let p = start - 1;
  let x = n;
  while (x > 0x7f) {
    w.buf[p++] = (x & 0x7f) | 0x80;
    x >>>= 7;
  }
  w.buf[p] = x;
  w.pos += extra;
}

// 64-bit value checks (numbers accepted when they are safe integers).
const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

function toU64(v: unknown, field: string | number): bigint {
  const x = typeof v === "number" && Number.isSafeInteger(v) ? BigInt(v) : v;
  if (typeof x !== "bigint" || x < 0n || x > U64_MAX) {
    throw badValue(field, v, "a uint64 (bigint 0..2^64-1)");
  }
  return x;
}

function toI64(v: unknown, field: string | number): bigint {
  const x = typeof v === "number" && Number.isSafeInteger(v) ? BigInt(v) : v;
  if (typeof x !== "bigint" || x < I64_MIN || x > I64_MAX) {
    throw badValue(field, v, "an int64 (bigint -2^63..2^63-1)");
  }
  return x;
}

/** Path of the value being encoded: field names and repeated indices, pushed and popped. */
const PS: (string | number)[] = [];

function path(field: string | number): string {
  let s = "";
  for (const seg of PS) s += typeof seg === "number" ? `[${seg}]` : (s ? "." : "") + seg;
  return s + (typeof field === "number" ? `[${field}]` : (s ? "." : "") + field);
}

function badValue(field: string | number, v: unknown, want: string): WireError {
  const shown = typeof v === "string" ? JSON.stringify(v) : String(v);
  return new WireError("encode", `field ${path(field)} = ${shown} is not ${want}`);
}

const RT = {
  R,
  WireError,
  v32,
  vU64,
  vI64,
  vS64,
  f32raw,
  fU64,
  fFloat,
  fDouble,
  len,
  str,
  bytes,
  skip,
  w,
  wV32,
  wV64,
  wTag,
  wStr,
  wBytes,
  wF32,
  wF64big,
  wFloat,
  wDouble,
  wBegin,
  wEnd,
  toU64,
  toI64,
  badValue,
  PS,
  MAX_DEPTH,
};

// ---------------------------------------------------------------------------
// Code generation

const WIRE: Record<string, number> = {
  double: 1,
  float: 5,
  int32: 0,
  uint32: 0,
  sint32: 0,
  fixed32: 5,
  sfixed32: 5,
  int64: 0,
  uint64: 0,
  sint64: 0,
  fixed64: 1,
  sfixed64: 1,
  bool: 0,
  string: 2,
  bytes: 2,
};

const LONG = new Set(["int64", "uint64", "sint64", "fixed64", "sfixed64"]);

interface Gen {
  /** Type full name -> index into the generated function tables. */
  index: Map<string, number>;
  types: protobuf.Type[];
}

function collect(type: protobuf.Type, g: Gen): void {
  if (g.index.has(type.fullName)) return;
  g.index.set(type.fullName, g.types.length);
  g.types.push(type);
  for (const f of type.fieldsArray) {
    f.resolve();
    if (f.map) throw new Error(`${type.fullName}.${f.name}: map fields are not supported`);
    if (f.partOf) {
      throw new Error(
        `${type.fullName}.${f.name}: oneof / proto3 optional fields are not supported`,
      );
    }
    if (f.delimited) throw new Error(`${type.fullName}.${f.name}: groups are not supported`);
    if (f.resolvedType instanceof protobuf.Type) collect(f.resolvedType, g);
  }
}

function defaultExpr(f: protobuf.Field): string {
  if (f.repeated) return "[]";
  const rt = f.resolvedType;
  if (rt instanceof protobuf.Type) return "null";
  if (rt instanceof protobuf.Enum) return "0";
  if (LONG.has(f.type)) return "0n";
  if (f.type === "string") return '""';
  if (f.type === "bool") return "false";
  if (f.type === "bytes") return "new Uint8Array(0)";
  return "0";
}

/** Expression reading one scalar value (r, e in scope). */
function readExpr(type: string): string {
  switch (type) {
    case "int32":
      return "(RT.v32(r,e)|0)";
    case "uint32":
      return "(RT.v32(r,e)>>>0)";
    case "sint32":
      return "((x=RT.v32(r,e)>>>0),((x>>>1)^-(x&1))|0)";
    case "bool":
      return "(RT.v32(r,e)!==0)";
    case "int64":
      return "RT.vI64(r,e)";
    case "uint64":
      return "RT.vU64(r,e)";
    case "sint64":
      return "RT.vS64(r,e)";
    case "fixed32":
      return "RT.f32raw(r,e)";
    case "sfixed32":
      return "(RT.f32raw(r,e)|0)";
    case "fixed64":
      return "RT.fU64(r,e)";
    case "sfixed64":
      return "BigInt.asIntN(64,RT.fU64(r,e))";
    case "float":
      return "RT.fFloat(r,e)";
    case "double":
      return "RT.fDouble(r,e)";
    case "string":
      return "RT.str(r,e)";
    case "bytes":
      return "RT.bytes(r,e)";
  }
  throw new Error(`no reader for ${type}`);
}

function genDecoder(type: protobuf.Type, g: Gen): string {
  const lines: string[] = [];
  const fields = type.fieldsArray;
  lines.push(`function d${g.index.get(type.fullName)}(r,e,q){`);
  lines.push(
    `if(q>RT.MAX_DEPTH)throw new RT.WireError("malformed","nesting deeper than "+RT.MAX_DEPTH);`,
  );
  lines.push("var x,n,t,s;");
  lines.push(
    "var m={" + fields.map((f) => `${JSON.stringify(f.name)}:${defaultExpr(f)}`).join(",") + "};",
  );
  lines.push("while(r.pos<e){");
  lines.push("s=r.pos;t=RT.v32(r,e)>>>0;");
  lines.push("switch(t){");
  for (const f of fields) {
    const prop = `m[${JSON.stringify(f.name)}]`;
    const rt = f.resolvedType;
    const id = f.id;
    if (rt instanceof protobuf.Type) {
      const sub = `d${g.index.get(rt.fullName)}`;
      const call = `(n=RT.len(r,e),x=${sub}(r,r.pos+n,q+1),x)`;
      lines.push(`case ${(id << 3) | 2}:`);
      lines.push(f.repeated ? `${prop}.push(${call});break;` : `${prop}=${call};break;`);
      continue;
    }
    const isEnum = rt instanceof protobuf.Enum;
    const scalarType = isEnum ? "int32" : f.type;
    let read = readExpr(scalarType);
    if (isEnum) {
      const values = [...new Set(Object.values((rt as protobuf.Enum).values))].sort((a, b) =>
        a - b
      );
      read = `(x=${read},(${values.map((v) => `x===${v}`).join("||")})?x:RT.__badEnum(${
        JSON.stringify(`${type.name}.${f.name}`)
      },${JSON.stringify((rt as protobuf.Enum).name)},x,s))`;
    }
    const wire = isEnum ? 0 : WIRE[f.type];
    if (f.repeated) {
      lines.push(`case ${(id << 3) | wire}:${prop}.push(${read});break;`);
      if (wire !== 2) {
        // packed form
        lines.push(
          `case ${(id << 3) | 2}:{n=RT.len(r,e);var pe=r.pos+n;while(r.pos<pe){${prop}.push(${
            read.replaceAll("(r,e)", "(r,pe)")
          });}break;}`,
        );
      }
    } else {
      lines.push(`case ${(id << 3) | wire}:${prop}=${read};break;`);
    }
  }
  lines.push("default:");
  const known = JSON.stringify(fields.map((f) => f.id));
  lines.push(
    `if(${known}.indexOf(t>>>3)>=0)throw new RT.WireError("malformed","field "+(t>>>3)+" of ${type.name} has wrong wire type "+(t&7)+" at offset "+s);`,
  );
  lines.push(
    `throw new RT.WireError("unknown_field","unknown field number "+(t>>>3)+" (wire type "+(t&7)+") in ${type.name} at offset "+s);`,
  );
  lines.push("}}");
  lines.push(
    `if(r.pos!==e)throw new RT.WireError("truncated","${type.name} overruns its length");`,
  );
  lines.push("return m;}");
  return lines.join("\n");
}

/** Statement(s) writing one scalar value `v` with its tag (`p`: field name or index expression). */
function writeScalar(type: string, tag: number, v: string, p: string): string {
  switch (type) {
    case "int32":
    case "sfixed32":
    case "uint32":
    case "fixed32":
    case "sint32": {
      const check =
        `if(typeof ${v}!=="number"||!Number.isInteger(${v}))throw RT.badValue(${p},${v},"an integer");`;
      if (type === "int32") return `${check}RT.wTag(${tag});RT.wV32(${v}|0);`;
      if (type === "uint32") return `${check}RT.wTag(${tag});RT.wV32(${v}>>>0);`;
      if (type === "sint32") return `${check}RT.wTag(${tag});RT.wV32(((${v}<<1)^(${v}>>31))>>>0);`;
      return `${check}RT.wTag(${tag});RT.wF32(${v});`;
    }
    case "bool":
      return `if(typeof ${v}!=="boolean")throw RT.badValue(${p},${v},"a boolean");RT.wTag(${tag});RT.wV32(${v}?1:0);`;
    case "uint64":
      return `RT.wTag(${tag});RT.wV64(RT.toU64(${v},${p}));`;
    case "int64":
      return `RT.wTag(${tag});RT.wV64(RT.toI64(${v},${p}));`;
    case "sint64":
      return `x=RT.toI64(${v},${p});RT.wTag(${tag});RT.wV64((x<<1n)^(x>>63n));`;
    case "fixed64":
      return `RT.wTag(${tag});RT.wF64big(RT.toU64(${v},${p}));`;
    case "sfixed64":
      return `RT.wTag(${tag});RT.wF64big(RT.toI64(${v},${p}));`;
    case "float":
    case "double":
      return `if(typeof ${v}!=="number")throw RT.badValue(${p},${v},"a number");RT.wTag(${tag});RT.${
        type === "float" ? "wFloat" : "wDouble"
      }(${v});`;
    case "string":
      return `if(typeof ${v}!=="string")throw RT.badValue(${p},${v},"a string");RT.wTag(${tag});RT.wStr(${v});`;
    case "bytes":
      return `if(!(${v} instanceof Uint8Array))throw RT.badValue(${p},${v},"a Uint8Array");RT.wTag(${tag});RT.wBytes(${v});`;
  }
  throw new Error(`no writer for ${type}`);
}

/** Condition under which a singular scalar differs from its default. */
function nonDefault(type: string, v: string): string {
  if (LONG.has(type)) return `${v}!==0n&&${v}!==0`;
  if (type === "string") return `${v}!==""`;
  if (type === "bool") return `${v}!==false`;
  if (type === "bytes") return `${v}.length>0`;
  return `${v}!==0`;
}

function genEncoder(type: protobuf.Type, g: Gen): string {
  const lines: string[] = [];
  lines.push(`function e${g.index.get(type.fullName)}(m,q){`);
  lines.push(
    `if(q>RT.MAX_DEPTH)throw new RT.WireError("encode","nesting deeper than "+RT.MAX_DEPTH);`,
  );
  lines.push("var v,x,i,s,PS=RT.PS;");
  const fields = type.fieldsArray.slice().sort((a, b) => a.id - b.id);
  for (const f of fields) {
    const name = JSON.stringify(f.name);
    const rt = f.resolvedType;
    const arrCheck = `if(!Array.isArray(v))throw RT.badValue(${name},v,"an array");`;
    lines.push(`v=m[${name}];`);
    if (rt instanceof protobuf.Type) {
      const sub = `e${g.index.get(rt.fullName)}`;
      const tag = (f.id << 3) | 2;
      const objCheck = (val: string, at: string) =>
        `if(typeof ${val}!=="object")throw RT.badValue(${at},${val},"an object");`;
      if (f.repeated) {
        lines.push(
          `if(v!=null){${arrCheck}PS.push(${name});for(i=0;i<v.length;i++){${
            objCheck("v[i]", "i")
          }RT.wTag(${tag});s=RT.wBegin();PS.push(i);${sub}(v[i],q+1);PS.pop();RT.wEnd(s);}PS.pop();}`,
        );
      } else {
        lines.push(
          `if(v!=null){${
            objCheck("v", name)
          }RT.wTag(${tag});s=RT.wBegin();PS.push(${name});${sub}(v,q+1);PS.pop();RT.wEnd(s);}`,
        );
      }
      continue;
    }
    const isEnum = rt instanceof protobuf.Enum;
    const scalarType = isEnum ? "int32" : f.type;
    const enumCheck = (val: string, at: string) => {
      if (!isEnum) return "";
      const values = [...new Set(Object.values((rt as protobuf.Enum).values))];
      return `if(!(${
        values.map((x) => `${val}===${x}`).join("||")
      }))throw RT.badValue(${at},${val},${
        JSON.stringify(`a value of ${(rt as protobuf.Enum).name}`)
      });`;
    };
    if (f.repeated) {
      const wire = isEnum ? 0 : WIRE[f.type];
      if (wire === 2) {
        lines.push(
          `if(v!=null){${arrCheck}PS.push(${name});for(i=0;i<v.length;i++){${
            writeScalar(scalarType, (f.id << 3) | 2, "v[i]", "i")
          }}PS.pop();}`,
        );
      } else {
        // packed: element bodies without tags inside one length-delimited block
        const body = writeScalar(scalarType, 0, "v[i]", "i").replace("RT.wTag(0);", "");
        lines.push(
          `if(v!=null){${arrCheck}if(v.length){PS.push(${name});RT.wTag(${
            (f.id << 3) | 2
          });s=RT.wBegin();for(i=0;i<v.length;i++){${
            enumCheck("v[i]", "i")
          }${body}}RT.wEnd(s);PS.pop();}}`,
        );
      }
      continue;
    }
    const tag = (f.id << 3) | (isEnum ? 0 : WIRE[f.type]);
    lines.push(
      `if(v!=null&&(${nonDefault(scalarType, "v")})){${enumCheck("v", name)}${
        writeScalar(scalarType, tag, "v", name)
      }}`,
    );
  }
  lines.push("}");
  return lines.join("\n");
}

const compiled = new Map<string, CompiledType>();

/**
 * Compiles (once) the encoder and decoder of a reflected type and of every
 * type it contains.
 *
 * @example
 * ```ts
 * import { compileType } from "./codec_gen.ts";
 * import { loadProtoRoot } from "./codec.ts";
 * const trade = compileType(loadProtoRoot().lookupType("alp.Trade"));
 * const bytes = trade.encode({ tradeId: "t1" });
 * ```
 */
export function compileType(type: protobuf.Type): CompiledType {
  const hit = compiled.get(type.fullName);
  if (hit) return hit;
  const g: Gen = { index: new Map(), types: [] };
  collect(type, g);
  const src: string[] = [];
  for (const t of g.types) {
    src.push(genDecoder(t, g));
    src.push(genEncoder(t, g));
  }
  src.push("return {d:d0,e:e0};");
  const rt = {
    ...RT,
    __badEnum(where: string, enumName: string, value: number, at: number): never {
      throw new WireError(
        "bad_enum",
        `field ${where} = ${value} at offset ${at} is not a value of enum ${enumName}`,
      );
    },
  };
  // deno-lint-ignore no-explicit-any
  const { d, e } = new Function("RT", src.join("\n"))(rt) as { d: any; e: any };
  const c: CompiledType = {
    decode(buf: Uint8Array) {
      const r = new R(buf);
      return d(r, buf.length, 0);
    },
    encode(message: unknown) {
      if (message === null || typeof message !== "object") {
        throw new WireError("encode", `message is ${String(message)}, not an object`);
      }
      w.pos = 0;
      PS.length = 0;
      e(message, 0);
      const out = allocBytes(w.pos);
      out.set(w.buf.subarray(0, w.pos));
      return out;
    },
  };
  compiled.set(type.fullName, c);
  return c;
}
