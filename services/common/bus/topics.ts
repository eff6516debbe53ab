/**
 * The bus topics, their message types, default endpoints, which side binds,
 * and the topic frame (first frame of every bus message).
 *
 * | topic              | messages                                                   | default endpoint      | binds      | publisher -> subscribers                    |
 * |--------------------|------------------------------------------------------------|-----------------------|------------|---------------------------------------------|
 * | `market_data`      | OrderBookSnapshot, OrderBookUpdate, Trade, BestBidOffer    | tcp://127.0.0.1:7001  | publisher  | market server -> engine, trader, rebalancer |
 * | `position_updates` | PositionUpdate                                             | tcp://127.0.0.1:7002  | publisher  | position server -> trader, rebalancer       |
 * | `orders`           | OrderRequest                                               | tcp://127.0.0.1:7003  | subscriber | trader, rebalancer -> trading engine        |
 * | `order_events`     | OrderEvent                                                 | tcp://127.0.0.1:7004  | publisher  | trading engine -> position server, trader   |
 * | `balances`         | AccountBalance, AccountBalanceUpdate                       | tcp://127.0.0.1:7005  | publisher  | position server -> trader, rebalancer       |
 * | `inventory_deltas` | InventoryDelta                                             | tcp://127.0.0.1:7006  | publisher  | LP rebalancer -> position server, trader    |
 *
 * Health/stats HTTP ports are per process (see `config/*.ini`): market server
 * 9101, position server 9102, trading engine 9103, trader 9104, LP rebalancer
 * 9105. Every endpoint is configurable in the `[endpoints]` section.
 *
 * Topic frame: `<topic>/<venue>/<symbol>/<MessageType>`, ASCII, with `%` and
 * `/` inside venue and symbol escaped as `%25` and `%2F`. ZeroMQ filters by
 * prefix, so a subscriber can take a whole topic (`market_data/`), one venue
 * (`market_data/binance/`), one instrument (`market_data/binance/ETHUSDT/`)
 * or one message type of an instrument (the full frame). Each distinct frame
 * is one *stream*: sequence numbers count per publisher per stream, so any of
 * those subscriptions sees gap-free sequences when nothing is lost.
 *
 * @example
 * ```ts
 * import { parseTopicFrame, topicFrame } from "./topics.ts";
 * const frame = topicFrame("market_data", "binance", "ETH/USDT", "BestBidOffer");
 * console.log(new TextDecoder().decode(frame)); // market_data/binance/ETH%2FUSDT/BestBidOffer
 * console.log(parseTopicFrame(frame)?.symbol); // ETH/USDT
 * ```
 * @module
 */
import type { MessageName, MessageTypes } from "../codec.ts";

/** Static description of one topic. */
export interface TopicSpec {
  /** Message types carried. */
  readonly types: readonly MessageName[];
  /** Default TCP port on 127.0.0.1. */
  readonly port: number;
  /** Which side binds the endpoint (the other connects). */
  readonly binds: "publisher" | "subscriber";
  /** What flows. */
  readonly description: string;
}

/** Every topic of the bus. */
export const TOPICS = {
  market_data: {
    types: ["OrderBookSnapshot", "OrderBookUpdate", "Trade", "BestBidOffer"],
    port: 7001,
    binds: "publisher",
    description: "market server -> trading engine, trader, LP rebalancer",
  },
  position_updates: {
    types: ["PositionUpdate"],
    port: 7002,
    binds: "publisher",
    description: "position server -> trader, LP rebalancer",
  },
  orders: {
    types: ["OrderRequest"],
    port: 7003,
    binds: "subscriber",
    description: "trader, LP rebalancer -> trading engine",
  },
  order_events: {
    types: ["OrderEvent"],
    port: 7004,
    binds: "publisher",
    description: "trading engine -> position server, trader, LP rebalancer",
  },
  balances: {
    types: ["AccountBalance", "AccountBalanceUpdate"],
    port: 7005,
    binds: "publisher",
    description: "position server -> trader, LP rebalancer",
  },
  inventory_deltas: {
    types: ["InventoryDelta"],
    port: 7006,
    binds: "publisher",
    description: "LP rebalancer -> position server, trader",
  },
} as const satisfies Record<string, TopicSpec>;

/** A topic name. */
export type TopicName = keyof typeof TOPICS;

/** Message type names carried on a topic. */
export type TopicType<T extends TopicName> = (typeof TOPICS)[T]["types"][number];

/** Union of the messages carried on a topic. */
export type TopicMessage<T extends TopicName> = MessageTypes[TopicType<T>];

/** All topic names. */
export const TOPIC_NAMES: readonly TopicName[] = Object.keys(TOPICS) as TopicName[];

/**
 * Default endpoint of a topic.
 *
 * @example
 * ```ts
 * import { defaultEndpoint } from "./topics.ts";
 * console.log(defaultEndpoint("orders")); // tcp://127.0.0.1:7003
 * ```
 */
export function defaultEndpoint(topic: TopicName, host = "127.0.0.1"): string {
  return `tcp://${host}:${TOPICS[topic].port}`;
}

/**
 * True when `name` is a topic.
 *
 * @example
 * ```ts
 * import { isTopic } from "./topics.ts";
 * console.log(isTopic("orders"), isTopic("nope")); // true false
 * ```
 */
export function isTopic(name: string): name is TopicName {
  return Object.hasOwn(TOPICS, name);
}

/**
 * True when `type` may be published on `topic`.
 *
 * @example
 * ```ts
 * import { topicCarries } from "./topics.ts";
 * console.log(topicCarries("market_data", "Trade")); // true
 * ```
 */
export function topicCarries(topic: TopicName, type: string): boolean {
  return (TOPICS[topic].types as readonly string[]).includes(type);
}

function escapeSegment(s: string): string {
  return s.replaceAll("%", "%25").replaceAll("/", "%2F");
}

function unescapeSegment(s: string): string {
  return s.replaceAll("%2F", "/").replaceAll("%2f", "/").replaceAll("%25", "%");
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/**
 * The topic frame text of a stream (see the module doc for the layout).
 *
 * @example
 * ```ts
 * import { topicFrameText } from "./topics.ts";
 * console.log(topicFrameText("orders", "binance", "ETHUSDT", "OrderRequest"));
 * ```
 */
export function topicFrameText(
  topic: TopicName,
  venue: string,
  symbol: string,
  type: MessageName,
): string {
  return `${topic}/${escapeSegment(venue)}/${escapeSegment(symbol)}/${type}`;
}

/**
 * The topic frame bytes of a stream.
 *
 * @example
 * ```ts
 * import { topicFrame } from "./topics.ts";
 * const f = topicFrame("orders", "binance", "ETHUSDT", "OrderRequest");
 * ```
 */
export function topicFrame(
  topic: TopicName,
  venue: string,
  symbol: string,
  type: MessageName,
): Uint8Array {
  return enc.encode(topicFrameText(topic, venue, symbol, type));
}

/** The parts of a topic frame. */
export interface TopicFrameParts {
  topic: TopicName;
  venue: string;
  symbol: string;
  type: MessageName;
  /** The frame as text (the stream key). */
  text: string;
}

/**
 * Splits a topic frame; null when it is not `<topic>/<venue>/<symbol>/<Type>`
 * with a known topic carrying that type.
 *
 * @example
 * ```ts
 * import { parseTopicFrame } from "./topics.ts";
 * const p = parseTopicFrame(new TextEncoder().encode("orders/binance/ETHUSDT/OrderRequest"));
 * console.log(p?.type); // OrderRequest
 * ```
 */
export function parseTopicFrame(frame: Uint8Array): TopicFrameParts | null {
  const text = dec.decode(frame);
  const parts = text.split("/");
  if (parts.length !== 4) return null;
  const [topic, venue, symbol, type] = parts;
  if (!isTopic(topic) || !topicCarries(topic, type)) return null;
  return {
    topic,
    venue: unescapeSegment(venue),
    symbol: unescapeSegment(symbol),
    type: type as MessageName,
    text,
  };
}

/** What a subscription selects within a topic. */
export interface TopicFilter {
  /** Only this venue. */
  venue?: string;
  /** Only this instrument (needs `venue`). */
  symbol?: string;
  /** Only this message type (needs `venue` and `symbol`). */
  type?: MessageName;
}

/**
 * The subscription prefix for a topic and optional filter.
 *
 * @example
 * ```ts
 * import { subscriptionPrefix } from "./topics.ts";
 * console.log(subscriptionPrefix("market_data", { venue: "binance" })); // market_data/binance/
 * ```
 */
export function subscriptionPrefix(topic: TopicName, filter: TopicFilter = {}): string {
  if (filter.symbol !== undefined && filter.venue === undefined) {
    throw new Error(`Topic filter on ${topic}: symbol needs venue (prefix filtering)`);
  }
  if (filter.type !== undefined && (filter.venue === undefined || filter.symbol === undefined)) {
    throw new Error(`Topic filter on ${topic}: type needs venue and symbol (prefix filtering)`);
  }
  if (filter.type !== undefined && !topicCarries(topic, filter.type)) {
    throw new Error(`Topic ${topic} does not carry ${filter.type}`);
  }
  let p = `${topic}/`;
  if (filter.venue !== undefined) p += `${escapeSegment(filter.venue)}/`;
  if (filter.symbol !== undefined) p += `${escapeSegment(filter.symbol)}/`;
  if (filter.type !== undefined) p += filter.type;
  return p;
}
