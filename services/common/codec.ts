/**
 * Protobuf encoding and decoding of every bus message. npm protobufjs parses
 * the `.proto` files in `proto/` at start-up; `codec_gen.ts` generates each
 * type's encoder and decoder from that reflection (nothing here or there
 * knows any field by hand).
 *
 * Conventions (see `proto/common.proto`):
 * - every 64-bit integer field is a `bigint` in TypeScript, exact in both
 *   directions (safe-integer numbers are accepted when encoding);
 * - a decoded message is a plain object with every field present (defaults
 *   filled in, repeated fields as fresh arrays, absent sub-messages `null`);
 * - encoding writes canonical proto3 (defaults omitted), so any conforming
 *   protobuf implementation reads it;
 * - decoding either returns a complete message or throws {@link CodecError}:
 *   truncated or malformed bytes, invalid UTF-8, unknown field numbers
 *   (strict: every process ships from this one tree, so an unknown field means
 *   garbage or a stale build) and enum values the schema does not define are
 *   all errors, never a half-filled object.
 *
 * @example
 * ```ts
 * import { decode, encode } from "./codec.ts";
 * const bytes = encode("BestBidOffer", {
 *   header: { venue: "binance", symbol: "ETHUSDT", sequence: 1n },
 *   bidPrice: "3000.1",
 * });
 * const bbo = decode("BestBidOffer", bytes);
 * console.log(bbo.bidPrice, bbo.header?.sequence); // "3000.1" 1n
 * ```
 * @module
 */
import protobuf from "protobufjs";
import { compileType, WireError } from "./codec_gen.ts";
import type { DeepPartial, MessageName, MessageTypes } from "../../proto/types.ts";

export type { DeepPartial, MessageName, MessageTypes } from "../../proto/types.ts";

/** The `.proto` files of the bus contracts, in dependency order. */
export const PROTO_FILES: readonly string[] = [
  "common.proto",
  "order.proto",
  "market_data.proto",
  "position.proto",
  "acc_balance.proto",
  "inventory.proto",
];

/** The protobuf package every contract lives in. */
export const PROTO_PACKAGE = "alp";

const PROTO_DIR = new URL("../../proto/", import.meta.url);

/** What went wrong in a {@link CodecError}. */
export type CodecErrorKind =
  | "unknown_type"
  | "truncated"
  | "malformed"
  | "unknown_field"
  | "bad_enum"
  | "encode";

/**
 * Encoding or decoding failed. Says which message type, what went wrong and
 * shows the offending bytes (first 32, hex) or value.
 *
 * @example
 * ```ts
 * import { CodecError, decode } from "./codec.ts";
 * try {
 *   decode("Trade", new Uint8Array([0xff, 0xff]));
 * } catch (e) {
 *   if (e instanceof CodecError) console.log(e.kind, e.typeName);
 * }
 * ```
 */
export class CodecError extends Error {
  /** Category of failure. */
  readonly kind: CodecErrorKind;
  /** Message type name (without package), e.g. "OrderEvent". */
  readonly typeName: string;
  constructor(kind: CodecErrorKind, typeName: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "CodecError";
    this.kind = kind;
    this.typeName = typeName;
  }
}

// ---------------------------------------------------------------------------
// Reflection

let rootCache: protobuf.Root | undefined;

/**
 * Parses the `.proto` files into one protobufjs Root (cached). Comments are
 * kept on the reflected objects (used by the TypeScript type generator).
 *
 * @example
 * ```ts
 * import { loadProtoRoot } from "./codec.ts";
 * const root = loadProtoRoot();
 * console.log(root.lookupType("alp.OrderEvent").fieldsArray.length);
 * ```
 */
export function loadProtoRoot(): protobuf.Root {
  if (rootCache) return rootCache;
  const root = new protobuf.Root();
  for (const file of PROTO_FILES) {
    const url = new URL(file, PROTO_DIR);
    let source: string;
    try {
      source = Deno.readTextFileSync(url);
    } catch (e) {
      throw new Error(`Cannot read contract ${url.pathname}: ${(e as Error).message}`);
    }
    try {
      protobuf.parse(source, root, { alternateCommentMode: true, keepCase: false });
    } catch (e) {
      throw new Error(`Cannot parse contract ${url.pathname}: ${(e as Error).message}`);
    }
  }
  root.resolveAll();
  rootCache = root;
  return root;
}

function hexPreview(bytes: Uint8Array, max = 32): string {
  const n = Math.min(bytes.length, max);
  let s = "";
  for (let i = 0; i < n; i++) s += (i ? " " : "") + bytes[i].toString(16).padStart(2, "0");
  return bytes.length > max ? `${s} ...` : s;
}

/**
 * Encoder and decoder of one message type.
 *
 * @example
 * ```ts
 * import { codecFor } from "./codec.ts";
 * const c = codecFor("Trade");
 * const t = c.decode(c.encode({ tradeId: "1", price: "10" }));
 * ```
 */
export interface MessageCodec<K extends MessageName> {
  /** Type name without package, e.g. "Trade". */
  readonly name: K;
  /** Fully qualified protobuf name, e.g. "alp.Trade". */
  readonly fullName: string;
  /** Encodes a (possibly partial) message; missing fields take their defaults. */
  encode(message: DeepPartial<MessageTypes[K]>): Uint8Array;
  /** Decodes bytes into a complete message or throws {@link CodecError}. */
  decode(bytes: Uint8Array): MessageTypes[K];
}

const codecs = new Map<string, MessageCodec<MessageName>>();

/**
 * The codec for a message type by name (without the package). Throws
 * {@link CodecError} kind "unknown_type" for a name the contracts lack.
 *
 * @example
 * ```ts
 * import { codecFor } from "./codec.ts";
 * const bytes = codecFor("OrderRequest").encode({ clientOrderId: "c-1" });
 * ```
 */
export function codecFor<K extends MessageName>(name: K): MessageCodec<K> {
  const cached = codecs.get(name);
  if (cached) return cached as unknown as MessageCodec<K>;
  const root = loadProtoRoot();
  let type: protobuf.Type;
  try {
    type = root.lookupType(`${PROTO_PACKAGE}.${name}`);
  } catch {
    throw new CodecError(
      "unknown_type",
      String(name),
      `Unknown message type '${String(name)}': not defined in ${PROTO_FILES.join(", ")}`,
    );
  }
  const compiled = compileType(type);
  const fullName = `${PROTO_PACKAGE}.${name}`;
  const codec: MessageCodec<K> = {
    name,
    fullName,
    encode(message) {
      try {
        return compiled.encode(message);
      } catch (e) {
        throw new CodecError(
          "encode",
          String(name),
          `Cannot encode ${fullName}: ${(e as Error).message}`,
          { cause: e },
        );
      }
    },
    decode(bytes) {
      try {
        return compiled.decode(bytes) as unknown as MessageTypes[K];
      } catch (e) {
        const kind: CodecErrorKind = e instanceof WireError && e.kind !== "encode"
          ? e.kind
          : "malformed";
        throw new CodecError(
          kind,
          String(name),
          `Cannot decode ${fullName} from ${bytes.length} bytes [${hexPreview(bytes)}]: ${
            (e as Error).message
          }`,
          { cause: e },
        );
      }
    },
  };
  codecs.set(name, codec as unknown as MessageCodec<MessageName>);
  return codec;
}

/**
 * Encodes a message of the named type.
 *
 * @example
 * ```ts
 * import { encode } from "./codec.ts";
 * const bytes = encode("Trade", { tradeId: "42", price: "1.5", quantity: "2" });
 * ```
 */
export function encode<K extends MessageName>(
  name: K,
  message: DeepPartial<MessageTypes[K]>,
): Uint8Array {
  return codecFor(name).encode(message);
}

/**
 * Decodes a message of the named type; throws {@link CodecError}.
 *
 * @example
 * ```ts
 * import { decode, encode } from "./codec.ts";
 * const t = decode("Trade", encode("Trade", { tradeId: "42" }));
 * console.log(t.tradeId, t.price); // "42" ""
 * ```
 */
export function decode<K extends MessageName>(name: K, bytes: Uint8Array): MessageTypes[K] {
  return codecFor(name).decode(bytes);
}

/**
 * A complete message of the named type with every field at its default,
 * overlaid with `init` (decoded from its own encoding, so exactly what a
 * subscriber would see).
 *
 * @example
 * ```ts
 * import { create } from "./codec.ts";
 * const ev = create("OrderEvent", { clientOrderId: "c-1" });
 * console.log(ev.cumulativeQuantity); // ""
 * ```
 */
export function create<K extends MessageName>(
  name: K,
  init: DeepPartial<MessageTypes[K]> = {} as DeepPartial<MessageTypes[K]>,
): MessageTypes[K] {
  const c = codecFor(name);
  return c.decode(c.encode(init));
}
