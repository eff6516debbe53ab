/**
 * Routes decoded bus messages by topic (and optionally message type) to
 * callbacks, isolating handlers from each other: a handler that throws (or
 * whose promise rejects) is logged (rate-limited) and counted in the stats
 * under its name and under "handler", and the other handlers still run.
 *
 * Dispatch is synchronous for synchronous handlers. When any handler returns
 * a promise, {@link HandlerRegistry.dispatch} returns a promise that settles
 * when all of them have (never rejecting); the subscriber awaits it before
 * the next message, so per-topic order is kept and a slow async handler
 * applies back-pressure instead of growing an unbounded queue.
 *
 * @example
 * ```ts
 * import { HandlerRegistry } from "./registry.ts";
 * const registry = new HandlerRegistry();
 * registry.on("market_data", (msg, meta) => console.log(meta.type, meta.symbol));
 * registry.onType("market_data", "BestBidOffer", (bbo) => console.log(bbo.bidPrice), {
 *   name: "quoter",
 * });
 * ```
 * @module
 */
import type { MessageTypes } from "../codec.ts";
import { type Logger, nullLogger, RateLimiter } from "../log.ts";
import { BusStats } from "../stats.ts";
import type { TopicMessage, TopicName, TopicType } from "./topics.ts";

/** Where a message came from. */
export interface MessageMeta {
  topic: TopicName;
  /** Message type name ("BestBidOffer"). */
  type: string;
  venue: string;
  symbol: string;
  /** Stream key: the topic frame text. */
  stream: string;
  /** When the subscriber took the message off the socket, ns since epoch. */
  receivedNs: bigint;
  /** Payload size. */
  bytes: number;
}

/** A message callback. May be async (see the module doc). */
export type Handler<M> = (message: M, meta: MessageMeta) => void | Promise<void>;

interface Entry {
  name: string;
  type: string | null;
  // deno-lint-ignore no-explicit-any
  fn: Handler<any>;
}

/** Options of {@link HandlerRegistry}. */
export interface RegistryOptions {
  stats?: BusStats;
  logger?: Logger;
}

/** Topic -> handlers. */
export class HandlerRegistry {
  #handlers = new Map<string, Entry[]>();
  #stats: BusStats;
  #log: Logger;
  #limiter = new RateLimiter(1000);
  #seq = 0;
  /** Messages that had no handler. */
  unhandled = 0;

  constructor(options: RegistryOptions = {}) {
    this.#stats = options.stats ?? new BusStats();
    this.#log = (options.logger ?? nullLogger).child("registry");
  }

  /** Topics with at least one handler. */
  topics(): TopicName[] {
    return [...this.#handlers.keys()] as TopicName[];
  }

  #add(topic: string, entry: Entry): () => void {
    const list = this.#handlers.get(topic) ?? [];
    if (list.some((e) => e.name === entry.name)) {
      throw new Error(`A handler named '${entry.name}' is already registered on ${topic}`);
    }
    // Copy on write: dispatch iterates a stable array.
    this.#handlers.set(topic, [...list, entry]);
    return () => {
      const cur = this.#handlers.get(topic) ?? [];
      const next = cur.filter((e) => e !== entry);
      if (next.length) this.#handlers.set(topic, next);
      else this.#handlers.delete(topic);
    };
  }

  /**
   * Handles every message of a topic; returns a function that removes the
   * handler. `name` (default `<topic>#<n>`) labels its errors in /stats.
   */
  on<T extends TopicName>(
    topic: T,
    handler: Handler<TopicMessage<T>>,
    options: { name?: string } = {},
  ): () => void {
    const name = options.name ?? `${topic}#${++this.#seq}`;
    return this.#add(topic, { name, type: null, fn: handler });
  }

  /** Handles the messages of one type on a topic. */
  onType<T extends TopicName, K extends TopicType<T>>(
    topic: T,
    type: K,
    handler: Handler<MessageTypes[K]>,
    options: { name?: string } = {},
  ): () => void {
    const name = options.name ?? `${topic}.${type}#${++this.#seq}`;
    return this.#add(topic, { name, type, fn: handler });
  }

  #failed(entry: Entry, meta: MessageMeta, err: unknown): void {
    this.#stats.countHandlerError(entry.name);
    this.#limiter.run(entry.name, (suppressed) => {
      this.#log.error("handler failed", {
        handler: entry.name,
        topic: meta.topic,
        type: meta.type,
        stream: meta.stream,
        suppressed,
        error: err instanceof Error ? err : new Error(String(err)),
      });
    });
  }

  /**
   * Calls every matching handler with the message. Returns undefined when all
   * of them finished synchronously, else a promise that resolves (never
   * rejects) when the async ones have settled.
   */
  dispatch(message: unknown, meta: MessageMeta): Promise<void> | undefined {
    const list = this.#handlers.get(meta.topic);
    if (!list) {
      this.unhandled++;
      return undefined;
    }
    let pending: Promise<void>[] | undefined;
    let handled = false;
    for (const entry of list) {
      if (entry.type !== null && entry.type !== meta.type) continue;
      handled = true;
      try {
        const r = entry.fn(message, meta);
        if (r && typeof (r as Promise<void>).then === "function") {
          (pending ??= []).push(
            (r as Promise<void>).then(undefined, (e) => this.#failed(entry, meta, e)),
          );
        }
      } catch (e) {
        this.#failed(entry, meta, e);
      }
    }
    if (!handled) this.unhandled++;
    if (!pending) return undefined;
    return Promise.all(pending).then(() => {});
  }
}
