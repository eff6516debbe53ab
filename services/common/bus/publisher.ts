/**
 * Publisher of one topic: encodes messages with the protobuf codec, stamps
 * their header (publisher id, session id, per-stream sequence, publish time)
 * and sends `[topic frame, payload]` on the transport.
 *
 * The session id is the publisher's creation time in ns, so a restarted
 * publisher has a larger one and subscribers report the restart. Sequences
 * start at 1 per stream (topic frame). Sending never blocks: ZeroMQ drops
 * messages for a subscriber whose queue is at the high-water mark and that
 * subscriber's gap detector reports the loss.
 *
 * @example
 * ```ts
 * import { openZmqTransport } from "./zmq_ffi.ts";
 * import { Publisher } from "./publisher.ts";
 * const transport = openZmqTransport();
 * const pub = new Publisher(transport, "market_data", {
 *   endpoint: "tcp://127.0.0.1:7001",
 *   publisherId: "market_server.1",
 * });
 * pub.publish("BestBidOffer", {
 *   header: { venue: "binance", symbol: "ETHUSDT" },
 *   bidPrice: "3000.1",
 *   askPrice: "3000.2",
 * });
 * pub.close();
 * await transport.close();
 * ```
 * @module
 */
import { codecFor, type DeepPartial, type MessageTypes } from "../codec.ts";
import { nowNs } from "../clock.ts";
import type { Logger } from "../log.ts";
import { nullLogger } from "../log.ts";
import { BusStats } from "../stats.ts";
import { topicCarries, topicFrame, type TopicName, TOPICS, type TopicType } from "./topics.ts";
import type { PubSocket, SocketOptions, Transport } from "./transport.ts";

/** Options of a {@link Publisher}. */
export interface PublisherOptions extends SocketOptions {
  /** Endpoint of the topic ("tcp://127.0.0.1:7001"). */
  endpoint: string;
  /** Stable id of this process instance, put in every header. */
  publisherId: string;
  /** Bind (default: the topic's binding side is the publisher) or connect. */
  bind?: boolean;
  /** Session id; default: creation time in ns. */
  sessionId?: bigint;
  /** Shared counters (the service's); default a private one. */
  stats?: BusStats;
  logger?: Logger;
}

interface Stream {
  frame: Uint8Array;
  seq: bigint;
}

/** A message of type K, header optional (the publisher fills its bus fields). */
export type Publishable<K extends keyof MessageTypes> = DeepPartial<MessageTypes[K]>;

/** Publishes the messages of one topic. */
export class Publisher<T extends TopicName> {
  /** Topic published. */
  readonly topic: T;
  /** Endpoint bound or connected (the actual one when bound to port `*`). */
  readonly endpoint: string;
  /** Put in every header. */
  readonly publisherId: string;
  /** This publisher's session (creation time in ns unless given). */
  readonly sessionId: bigint;
  #socket: PubSocket;
  #streams = new Map<string, Stream>();
  #lastType = "";
  #lastVenue = "";
  #lastSymbol = "";
  #lastStream: Stream | null = null;
  #stats: BusStats;
  #log: Logger;
  #closed = false;

  constructor(transport: Transport, topic: T, options: PublisherOptions) {
    if (!(topic in TOPICS)) throw new Error(`Unknown topic '${topic}'`);
    if (!options.publisherId) throw new Error(`Publisher of ${topic}: publisherId is required`);
    this.topic = topic;
    this.publisherId = options.publisherId;
    this.sessionId = options.sessionId ?? nowNs();
    this.#stats = options.stats ?? new BusStats();
    this.#log = (options.logger ?? nullLogger).child(`pub.${topic}`);
    this.#socket = transport.publisher(options);
    const bind = options.bind ?? TOPICS[topic].binds === "publisher";
    try {
      this.endpoint = bind ? this.#socket.bind(options.endpoint) : options.endpoint;
      if (!bind) this.#socket.connect(options.endpoint);
    } catch (e) {
      this.#socket.close();
      throw new Error(
        `Publisher of ${topic} cannot ${bind ? "bind" : "connect"} ${options.endpoint}: ${
          (e as Error).message
        }`,
        { cause: e },
      );
    }
    this.#stats.topic(topic);
    this.#log.info(bind ? "bound" : "connected", {
      endpoint: this.endpoint,
      publisherId: this.publisherId,
      sessionId: this.sessionId,
    });
  }

  /**
   * Encodes and sends one message; returns its sequence number (0n when it
   * could not be queued). `header.venue` and `header.symbol` select the
   * stream; the publisher sets publisherId, sessionId, sequence and
   * publishTsNs (given values are overwritten).
   */
  publish<K extends TopicType<T>>(type: K, message: Publishable<K>): bigint {
    if (this.#closed) throw new Error(`Publisher of ${this.topic} is closed`);
    const h = (message as { header?: DeepPartial<MessageTypes["Header"]> | null }).header ?? {};
    const venue = h.venue ?? "";
    const symbol = h.symbol ?? "";
    let stream: Stream | undefined;
    if (type === this.#lastType && venue === this.#lastVenue && symbol === this.#lastSymbol) {
      stream = this.#lastStream!;
    } else {
      stream = this.#streams.get(`${type}\u0000${venue}\u0000${symbol}`);
    }
    if (!stream) {
      const key = `${type}\u0000${venue}\u0000${symbol}`;
      if (!topicCarries(this.topic, type)) {
        throw new Error(`Topic ${this.topic} does not carry ${type}`);
      }
      stream = { frame: topicFrame(this.topic, venue, symbol, type), seq: 0n };
      this.#streams.set(key, stream);
    }
    this.#lastType = type;
    this.#lastVenue = venue;
    this.#lastSymbol = symbol;
    this.#lastStream = stream;
    const seq = stream.seq + 1n;
    const header = {
      ...h,
      publisherId: this.publisherId,
      sessionId: this.sessionId,
      sequence: seq,
      publishTsNs: nowNs(),
    };
    const payload = codecFor(type).encode({ ...message, header } as Publishable<K>);
    if (!this.#socket.send([stream.frame, payload])) {
      this.#stats.topic(this.topic).dropped++;
      return 0n;
    }
    stream.seq = seq;
    this.#stats.countOut(this.topic, payload.byteLength);
    return seq;
  }

  /** Last sequence sent per stream (topic frame text -> sequence). */
  sequences(): Map<string, bigint> {
    const out = new Map<string, bigint>();
    const dec = new TextDecoder();
    for (const s of this.#streams.values()) out.set(dec.decode(s.frame), s.seq);
    return out;
  }

  /** Closes the socket (queued messages get the linger time to leave). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.close();
    this.#log.debug("closed");
  }
}
