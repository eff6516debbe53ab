/**
 * Subscriber: one SUB socket per process for every topic it reads. It
 * connects to (or, for topics whose subscriber side binds, binds) each
 * topic's endpoint on first subscription, filters by topic-frame prefix,
 * decodes payloads with the protobuf codec, runs the sequence-gap detector
 * and hands each message to a {@link HandlerRegistry}.
 *
 * Queues are bounded: libzmq holds at most `hwm` messages per publisher
 * (beyond that the publisher drops and the gap detector reports it), and the
 * subscriber takes at most `batchMax` messages off the socket at a time,
 * awaiting async handlers before taking more. Reconnection after a publisher
 * restart is libzmq's (every `reconnectIvlMs`, backing off to
 * `reconnectIvlMaxMs`); the restart shows up as a `restart` gap event.
 *
 * Malformed input (wrong frame count, unknown topic frame, undecodable
 * payload, missing header) is counted in the stats, logged at most once a
 * second per kind, and skipped.
 *
 * @example
 * ```ts
 * import { openZmqTransport } from "./zmq_ffi.ts";
 * import { HandlerRegistry } from "./registry.ts";
 * import { Subscriber } from "./subscriber.ts";
 * const transport = openZmqTransport();
 * const registry = new HandlerRegistry();
 * registry.onType("market_data", "BestBidOffer", (bbo) => console.log(bbo.bidPrice));
 * const sub = new Subscriber(transport, { registry });
 * sub.subscribe("market_data", { venue: "binance" });
 * const done = sub.run();
 * // ... later
 * await sub.close();
 * await done;
 * await transport.close();
 * ```
 * @module
 */
import { CodecError, codecFor, type MessageName } from "../codec.ts";
import { nowNs } from "../clock.ts";
import { type Logger, nullLogger, RateLimiter } from "../log.ts";
import { BusStats } from "../stats.ts";
import { GapDetector, type GapEvent } from "./gaps.ts";
import { HandlerRegistry, type MessageMeta } from "./registry.ts";
import {
  defaultEndpoint,
  parseTopicFrame,
  subscriptionPrefix,
  type TopicFilter,
  type TopicFrameParts,
  type TopicName,
  TOPICS,
} from "./topics.ts";
import type { SocketOptions, SubSocket, Transport } from "./transport.ts";

/** Options of a {@link Subscriber}. */
export interface SubscriberOptions extends SocketOptions {
  /** Endpoint per topic; default {@link defaultEndpoint}. */
  endpoints?: Partial<Record<TopicName, string>>;
  /** Where messages go; default a new registry. */
  registry?: HandlerRegistry;
  /** Shared counters (the service's); default a private one. */
  stats?: BusStats;
  logger?: Logger;
  /** Most messages taken off the socket at once. Default 1024. */
  batchMax?: number;
  /** Called for every non-`ok` gap event (joins, gaps, restarts, ...). */
  onGap?: (event: GapEvent) => void;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Reads the bus topics of one process. */
export class Subscriber {
  /** Where decoded messages are dispatched. */
  readonly registry: HandlerRegistry;
  /** The gap detector (exposed for inspection). */
  readonly gaps = new GapDetector();
  #socket: SubSocket;
  #stats: BusStats;
  #log: Logger;
  #limiter = new RateLimiter(1000);
  #endpoints: Partial<Record<TopicName, string>>;
  #attached = new Map<TopicName, string>();
  #prefixes = new Map<string, number>();
  #batchMax: number;
  #onGap?: (event: GapEvent) => void;
  #frames = new Map<string, TopicFrameParts>();
  #lastFrame: Uint8Array | null = null;
  #lastParts: TopicFrameParts | null = null;
  #pending = 0;
  #running: Promise<void> | null = null;
  #closed = false;
  #removeGauge: () => void;

  constructor(transport: Transport, options: SubscriberOptions = {}) {
    this.#stats = options.stats ?? new BusStats();
    this.#log = (options.logger ?? nullLogger).child("sub");
    this.registry = options.registry ??
      new HandlerRegistry({ stats: this.#stats, logger: options.logger });
    this.#endpoints = options.endpoints ?? {};
    this.#batchMax = options.batchMax ?? 1024;
    this.#onGap = options.onGap;
    this.#socket = transport.subscriber(options);
    this.#removeGauge = this.#stats.gauge("subscriber.batch", () => this.#pending);
  }

  /** Messages taken off the socket and not yet dispatched. */
  get queueDepth(): number {
    return this.#pending;
  }

  /** Endpoints in use per topic (bound or connected). */
  endpoints(): Record<string, string> {
    return Object.fromEntries(this.#attached);
  }

  #attach(topic: TopicName): void {
    if (this.#attached.has(topic)) return;
    const ep = this.#endpoints[topic] ?? defaultEndpoint(topic);
    const binds = TOPICS[topic].binds === "subscriber";
    try {
      if (binds) {
        if (this.#running) {
          throw new Error("topics whose subscriber binds must be subscribed before run()");
        }
        this.#attached.set(topic, this.#socket.bind(ep));
      } else {
        this.#socket.connect(ep);
        this.#attached.set(topic, ep);
      }
    } catch (e) {
      throw new Error(
        `Subscriber cannot ${binds ? "bind" : "connect"} ${topic} endpoint ${ep}: ${
          (e as Error).message
        }`,
        { cause: e },
      );
    }
    this.#stats.topic(topic);
    this.#log.info(binds ? "bound" : "connected", { topic, endpoint: this.#attached.get(topic) });
  }

  /**
   * Receives a topic, optionally only one venue / instrument / type of it
   * (prefix filters, see `topics.ts`). Subscribing twice to the same prefix
   * is counted; unsubscribe the same number of times to stop.
   */
  subscribe(topic: TopicName, filter: TopicFilter = {}): void {
    if (this.#closed) throw new Error("Subscriber is closed");
    if (!(topic in TOPICS)) throw new Error(`Unknown topic '${topic}'`);
    const prefix = subscriptionPrefix(topic, filter);
    this.#attach(topic);
    this.#prefixes.set(prefix, (this.#prefixes.get(prefix) ?? 0) + 1);
    this.#socket.subscribe(enc.encode(prefix));
    this.#log.debug("subscribed", { prefix });
  }

  /** Undoes one {@link subscribe} with the same arguments. */
  unsubscribe(topic: TopicName, filter: TopicFilter = {}): void {
    const prefix = subscriptionPrefix(topic, filter);
    const n = this.#prefixes.get(prefix) ?? 0;
    if (n === 0) throw new Error(`Not subscribed to '${prefix}'`);
    if (n === 1) this.#prefixes.delete(prefix);
    else this.#prefixes.set(prefix, n - 1);
    this.#socket.unsubscribe(enc.encode(prefix));
  }

  #frameParts(frame: Uint8Array): TopicFrameParts | null {
    // Bursts usually repeat one stream: compare bytes with the last frame first.
    const last = this.#lastFrame;
    if (last !== null && last.length === frame.length) {
      let same = true;
      for (let i = last.length - 1; i >= 0; i--) {
        if (last[i] !== frame[i]) {
          same = false;
          break;
        }
      }
      if (same) return this.#lastParts;
    }
    const parts = this.#lookupFrame(frame);
    if (parts) {
      this.#lastFrame = frame.slice();
      this.#lastParts = parts;
    }
    return parts;
  }

  #lookupFrame(frame: Uint8Array): TopicFrameParts | null {
    const text = dec.decode(frame);
    let parts = this.#frames.get(text);
    if (parts) return parts;
    parts = parseTopicFrame(frame) ?? undefined;
    if (!parts) return null;
    if (this.#frames.size < 100_000) this.#frames.set(text, parts);
    return parts;
  }

  #bad(kind: string, detail: Record<string, unknown>): void {
    this.#stats.countError(kind);
    this.#limiter.run(kind, (suppressed) => {
      this.#log.warn(`dropped malformed message (${kind})`, { ...detail, suppressed });
    });
  }

  #gap(ev: GapEvent, topic: TopicName): void {
    const g = this.#stats.gaps;
    const fields = {
      topic,
      stream: ev.stream,
      publisherId: ev.publisherId,
      sessionId: ev.sessionId,
      sequence: ev.sequence,
      missed: ev.missed,
      previousSessionId: ev.previousSessionId,
      previousSequence: ev.previousSequence,
    };
    switch (ev.kind) {
      case "gap":
        g.events++;
        g.missed += Number(ev.missed);
        this.#limiter.run(`gap:${ev.stream}`, (suppressed) => {
          this.#log.warn("sequence gap", { ...fields, suppressed });
        });
        break;
      case "restart":
        g.restarts++;
        if (ev.missed > 0n) {
          g.events++;
          g.missed += Number(ev.missed);
        }
        this.#log.warn("publisher restarted", fields);
        break;
      case "stale":
      case "out_of_order":
        g.outOfOrder++;
        this.#limiter.run(`ooo:${ev.stream}`, (suppressed) => {
          this.#log.warn(`sequence ${ev.kind}`, { ...fields, suppressed });
        });
        break;
      case "join":
        this.#log.info("stream joined", fields);
        break;
    }
    this.#onGap?.(ev);
  }

  #handle(frames: Uint8Array[], receivedNs: bigint): Promise<void> | undefined {
    if (frames.length !== 2) {
      this.#bad("frame", { frames: frames.length });
      return undefined;
    }
    const parts = this.#frameParts(frames[0]);
    if (!parts) {
      this.#bad("topic", { frame: dec.decode(frames[0]).slice(0, 200) });
      return undefined;
    }
    const payload = frames[1];
    let msg: { header: MessageHeader | null };
    try {
      msg = codecFor(parts.type as MessageName).decode(payload) as { header: MessageHeader | null };
    } catch (e) {
      this.#bad("decode", {
        stream: parts.text,
        error: e instanceof CodecError ? e.message : String(e),
      });
      return undefined;
    }
    const h = msg.header;
    if (!h || h.publisherId === "" || h.sequence === 0n) {
      this.#bad("header", { stream: parts.text, header: h });
      return undefined;
    }
    this.#stats.countIn(parts.topic, payload.byteLength);
    const ev = this.gaps.check(parts.text, h.publisherId, h.sessionId, h.sequence);
    if (ev.kind !== "ok") this.#gap(ev, parts.topic);
    const meta: MessageMeta = {
      topic: parts.topic,
      type: parts.type,
      venue: parts.venue,
      symbol: parts.symbol,
      stream: parts.text,
      receivedNs,
      bytes: payload.byteLength,
    };
    return this.registry.dispatch(msg, meta);
  }

  /**
   * Receives and dispatches until {@link close}. Resolves when closed;
   * rejects only on a transport failure (the service then fails).
   */
  run(): Promise<void> {
    if (this.#running) return this.#running;
    this.#running = this.#loop();
    return this.#running;
  }

  async #loop(): Promise<void> {
    while (!this.#closed) {
      const batch = await this.#socket.receive(this.#batchMax);
      if (batch.length === 0) break;
      const receivedNs = nowNs();
      for (let i = 0; i < batch.length; i++) {
        this.#pending = batch.length - i;
        const r = this.#handle(batch[i], receivedNs);
        if (r) await r;
      }
      this.#pending = 0;
    }
  }

  /** Stops receiving and closes the socket. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#socket.close();
    if (this.#running) await this.#running.catch(() => {});
    this.#removeGauge();
    this.#log.debug("closed");
  }
}

interface MessageHeader {
  publisherId: string;
  sessionId: bigint;
  sequence: bigint;
}
