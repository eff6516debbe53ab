/**
 * Counters and gauges of one process's bus traffic, served as `/stats` and
 * written to the log periodically: messages and bytes in/out per topic,
 * sequence gaps, errors by kind and handler, and queue depths.
 *
 * @example
 * ```ts
 * import { BusStats } from "./stats.ts";
 * const stats = new BusStats();
 * stats.countOut("market_data", 200);
 * stats.gauge("sub.batch", () => 0);
 * console.log(stats.snapshot().topics.market_data.out); // 1
 * ```
 * @module
 */

/** Traffic of one topic. */
export interface TopicCounters {
  in: number;
  out: number;
  bytesIn: number;
  bytesOut: number;
  /** Messages a publisher could not queue. */
  dropped: number;
}

/** Sequence-gap counters (see `bus/gaps.ts`). */
export interface GapCounters {
  /** Gap events (each a hole in one stream's sequence). */
  events: number;
  /** Messages missing in those holes. */
  missed: number;
  /** Publisher restarts seen (new session id on a known stream). */
  restarts: number;
  /** Messages with a sequence at or below the last one seen. */
  outOfOrder: number;
}

/** A point-in-time copy of all counters. */
export interface StatsSnapshot {
  topics: Record<string, TopicCounters>;
  gaps: GapCounters;
  /** Error counts by kind ("decode", "frame", "handler", ...). */
  errors: Record<string, number>;
  /** Errors by handler name. */
  handlerErrors: Record<string, number>;
  /** Current queue depths by name. */
  queues: Record<string, number>;
}

/** Mutable counters; cheap to update on the hot path. */
export class BusStats {
  readonly topics = new Map<string, TopicCounters>();
  readonly gaps: GapCounters = { events: 0, missed: 0, restarts: 0, outOfOrder: 0 };
  readonly errors = new Map<string, number>();
  readonly handlerErrors = new Map<string, number>();
  readonly #gauges = new Map<string, () => number>();

  /** Counters of a topic (created on first use). */
  topic(name: string): TopicCounters {
    let t = this.topics.get(name);
    if (!t) {
      t = { in: 0, out: 0, bytesIn: 0, bytesOut: 0, dropped: 0 };
      this.topics.set(name, t);
    }
    return t;
  }

  /** One message received on a topic. */
  countIn(topic: string, bytes: number): void {
    const t = this.topic(topic);
    t.in++;
    t.bytesIn += bytes;
  }

  /** One message published on a topic. */
  countOut(topic: string, bytes: number): void {
    const t = this.topic(topic);
    t.out++;
    t.bytesOut += bytes;
  }

  /** One error of a kind. */
  countError(kind: string, n = 1): void {
    this.errors.set(kind, (this.errors.get(kind) ?? 0) + n);
  }

  /** One error thrown by a named handler (also counted as kind "handler"). */
  countHandlerError(handler: string): void {
    this.handlerErrors.set(handler, (this.handlerErrors.get(handler) ?? 0) + 1);
    this.countError("handler");
  }

  /** Registers a queue-depth gauge read at snapshot time; returns its remover. */
  gauge(name: string, read: () => number): () => void {
    this.#gauges.set(name, read);
    return () => this.#gauges.delete(name);
  }

  /** Total messages in and out over all topics. */
  totals(): { in: number; out: number } {
    let i = 0;
    let o = 0;
    for (const t of this.topics.values()) {
      i += t.in;
      o += t.out;
    }
    return { in: i, out: o };
  }

  /** A copy of everything, for /stats and the periodic log line. */
  snapshot(): StatsSnapshot {
    const queues: Record<string, number> = {};
    for (const [k, read] of this.#gauges) {
      try {
        queues[k] = read();
      } catch {
        queues[k] = -1;
      }
    }
    return {
      topics: Object.fromEntries([...this.topics].map(([k, v]) => [k, { ...v }])),
      gaps: { ...this.gaps },
      errors: Object.fromEntries(this.errors),
      handlerErrors: Object.fromEntries(this.handlerErrors),
      queues,
    };
  }
}
