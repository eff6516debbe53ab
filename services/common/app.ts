/**
 * AppService: the lifecycle every service process shares, so a service is
 * only its own logic.
 *
 * `created -> starting -> running -> stopping -> stopped`, or `failed` when
 * start-up, a subscriber or the stop itself fails. Start-up loads and
 * validates the INI file (common sections from `config/common.ts` plus the
 * service's own), sets up logging, the bus transport, the `/health` and
 * `/stats` endpoint and the periodic stats line, then calls the service's
 * `start`. SIGINT and SIGTERM trigger a graceful stop bounded by
 * `[service] stop_timeout_ms`: the service's `stop` runs, timers are
 * cancelled, the subscriber and publishers close (publishers linger
 * `[bus] linger_ms` to flush), the health server closes and the log is
 * flushed. A stop that overruns the bound is logged and the process exits
 * with code 1; a clean stop exits 0. A second signal at least a second after
 * the first exits at once (130).
 *
 * @example
 * ```ts
 * import { runService } from "./app.ts";
 * import { int, section } from "./config/schema.ts";
 *
 * await runService({
 *   name: "quoter",
 *   schema: { quoter: section({ spread_bps: int({ default: 10 }) }) },
 *   start(ctx) {
 *     const pub = ctx.publisher("orders");
 *     ctx.subscribe("market_data", { venue: "binance" });
 *     ctx.registry.onType("market_data", "BestBidOffer", (bbo) => {
 *       ctx.logger.debug("bbo", { bid: bbo.bidPrice, spread: ctx.config.quoter.spread_bps });
 *     });
 *     ctx.every(1000, () => ctx.logger.trace("tick"));
 *     void pub;
 *   },
 * });
 * ```
 * @module
 */
import { COMMON_SCHEMA, COMMON_SECTIONS } from "./config/common.ts";
import { ConfigError, type ConfigOf, type ConfigSchema, loadConfig } from "./config/schema.ts";
import { createLogging, type Logger, type Logging } from "./log.ts";
import { redact } from "./redact.ts";
import { BusStats } from "./stats.ts";
import { type HealthServer, startHealthServer, toJson } from "./health.ts";
import { Publisher } from "./bus/publisher.ts";
import { Subscriber } from "./bus/subscriber.ts";
import { HandlerRegistry } from "./bus/registry.ts";
import type { TopicFilter, TopicName } from "./bus/topics.ts";
import type { Transport } from "./bus/transport.ts";
import { openZmqTransport } from "./bus/zmq_ffi.ts";

/** Lifecycle states. */
export type ServiceState = "created" | "starting" | "running" | "stopping" | "stopped" | "failed";

/** The config type of the common sections. */
export type CommonConfig = ConfigOf<typeof COMMON_SCHEMA>;

/** The full config type of a service: common sections plus its own. */
export type ServiceConfig<S extends ConfigSchema> = ConfigOf<typeof COMMON_SCHEMA & S>;

/** What a service's start/stop get. */
export interface ServiceContext<S extends ConfigSchema> {
  /** `[service] name`. */
  readonly name: string;
  /** `<name>.<instance>`: the publisher id in every header this process sends. */
  readonly publisherId: string;
  /** The validated config. */
  readonly config: ServiceConfig<S>;
  /** Logger tagged with the service name. */
  readonly logger: Logger;
  readonly logging: Logging;
  readonly stats: BusStats;
  readonly transport: Transport;
  /** Routes received messages to handlers (see `bus/registry.ts`). */
  readonly registry: HandlerRegistry;
  /** Aborted when the service starts stopping. */
  readonly signal: AbortSignal;
  /** A publisher of a topic on its configured endpoint (closed on stop). */
  publisher<T extends TopicName>(topic: T): Publisher<T>;
  /** Subscribes the process's subscriber (created on first use, run after start). */
  subscribe(topic: TopicName, filter?: TopicFilter): void;
  /** Calls fn every ms milliseconds until stop; errors are logged and counted. */
  every(ms: number, fn: () => void | Promise<void>): () => void;
  /** Calls fn once after ms milliseconds unless stopped first. */
  after(ms: number, fn: () => void | Promise<void>): () => void;
  /** Asks the service to stop (as a signal would). */
  requestStop(reason: string): void;
}

/** A service: its name, extra config sections and its logic. */
export interface ServiceDefinition<S extends ConfigSchema> {
  /** Default name (the config's `[service] name` wins); also the default config file. */
  name: string;
  /** Config sections beyond the common ones. */
  schema?: S;
  /** Sets up publishers, subscriptions, handlers, timers. May be async. */
  start(ctx: ServiceContext<S>): void | Promise<void>;
  /** Service-specific cleanup before the bus closes. */
  stop?(ctx: ServiceContext<S>): void | Promise<void>;
}

/** Options of {@link AppService}. */
export interface AppOptions {
  /** INI file path. */
  configPath: string;
  /** Environment for `${VAR}` substitution. Default: the process environment. */
  env?: Record<string, string | undefined>;
  /** Transport to use (tests); default a new libzmq FFI transport. */
  transport?: Transport;
  /** Install SIGINT/SIGTERM handlers. Default true. */
  handleSignals?: boolean;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** One service process's lifecycle (see the module doc). */
export class AppService<S extends ConfigSchema = Record<never, never>> {
  #def: ServiceDefinition<S>;
  #opts: AppOptions;
  #state: ServiceState = "created";
  #startedAt = performance.now();
  #logging: Logging | null = null;
  #log: Logger | null = null;
  #stats = new BusStats();
  #transport: Transport | null = null;
  #ctx: ServiceContext<S> | null = null;
  #publishers: Publisher<TopicName>[] = [];
  #subscriber: Subscriber | null = null;
  #subscriberRun: Promise<void> | null = null;
  #registry: HandlerRegistry | null = null;
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #health: HealthServer | null = null;
  #abort = new AbortController();
  #done: Promise<number>;
  #resolveDone!: (code: number) => void;
  #stopping: Promise<void> | null = null;
  #signalHandlers: [Deno.Signal, () => void][] = [];
  #failure: Error | null = null;
  #firstSignalAt = 0;

  constructor(def: ServiceDefinition<S>, options: AppOptions) {
    for (const k of Object.keys(def.schema ?? {})) {
      if (COMMON_SECTIONS.includes(k)) {
        throw new Error(`Service ${def.name} may not redefine the common config section [${k}]`);
      }
    }
    this.#def = def;
    this.#opts = options;
    this.#done = new Promise((r) => this.#resolveDone = r);
  }

  /** Current lifecycle state. */
  get state(): ServiceState {
    return this.#state;
  }

  /** The service context (after start). */
  get context(): ServiceContext<S> | null {
    return this.#ctx;
  }

  /** Bound port of /health (after start; 0 when disabled). */
  get healthPort(): number {
    return this.#health?.port ?? 0;
  }

  /** Resolves with the exit code once stopped or failed. */
  get done(): Promise<number> {
    return this.#done;
  }

  #uptimeS(): number {
    return Math.round((performance.now() - this.#startedAt) / 100) / 10;
  }

  /** /stats body. */
  statsBody(): Record<string, unknown> {
    const snap = this.#stats.snapshot();
    const mem = Deno.memoryUsage();
    return {
      service: this.#ctx?.name ?? this.#def.name,
      publisherId: this.#ctx?.publisherId,
      state: this.#state,
      pid: Deno.pid,
      uptimeS: this.#uptimeS(),
      transport: this.#transport ? `${this.#transport.name} ${this.#transport.version}` : null,
      endpoints: {
        subscriber: this.#subscriber?.endpoints() ?? {},
        publishers: Object.fromEntries(this.#publishers.map((p) => [p.topic, p.endpoint])),
      },
      messages: snap.topics,
      gaps: snap.gaps,
      errors: snap.errors,
      handlerErrors: snap.handlerErrors,
      unhandled: this.#registry?.unhandled ?? 0,
      queues: snap.queues,
      log: this.#logging?.counts ?? {},
      memory: { rssBytes: mem.rss, heapUsedBytes: mem.heapUsed },
    };
  }

  /** Loads config, sets everything up and calls the service's start. */
  async start(): Promise<void> {
    if (this.#state !== "created") throw new Error(`start() in state ${this.#state}`);
    this.#state = "starting";
    const schema = { ...COMMON_SCHEMA, ...(this.#def.schema ?? {}) } as typeof COMMON_SCHEMA & S;
    let config: ServiceConfig<S>;
    try {
      config = await loadConfig(this.#opts.configPath, schema, this.#opts.env) as ServiceConfig<S>;
    } catch (e) {
      this.#state = "failed";
      this.#failure = e as Error;
      this.#resolveDone(2);
      throw e;
    }
    const common = config as unknown as CommonConfig;
    const svc = common.service;
    const logCfg = common.log;
    this.#logging = createLogging({
      level: logCfg.level,
      levels: common["log.levels"],
      console: logCfg.console,
      file: logCfg.file,
      color: logCfg.color,
      base: { service: svc.name, pid: Deno.pid },
    });
    const log = this.#logging.logger(svc.name);
    this.#log = log;
    try {
      await this.#setup(config, log);
    } catch (e) {
      log.error("start-up failed", e as Error);
      await this.#teardown();
      this.#state = "failed";
      this.#failure = e as Error;
      await this.#logging.close();
      this.#resolveDone(1);
      throw e;
    }
  }

  async #setup(config: ServiceConfig<S>, log: Logger): Promise<void> {
    const common = config as unknown as CommonConfig;
    const svc = common.service;
    const bus = common.bus;
    if (this.#opts.handleSignals ?? true) {
      for (const sig of ["SIGINT", "SIGTERM"] as const) {
        const handler = () => {
          if (this.#stopping) {
            // Ctrl-C under the launcher delivers SIGINT (terminal) and SIGTERM
            // (launcher) together: only a repeat a second later forces the exit.
            if (performance.now() - this.#firstSignalAt < 1000) return;
            log.warn(`second ${sig}: exiting now`);
            this.#logging?.flushSync();
            Deno.exit(130);
          }
          this.#firstSignalAt = performance.now();
          log.info(`received ${sig}: stopping`);
          this.stop(sig);
        };
        Deno.addSignalListener(sig, handler);
        this.#signalHandlers.push([sig, handler]);
      }
    }
    this.#transport = this.#opts.transport ?? openZmqTransport();
    const socketOptions = {
      hwm: bus.hwm,
      lingerMs: bus.linger_ms,
      reconnectIvlMs: bus.reconnect_ivl_ms,
      reconnectIvlMaxMs: bus.reconnect_ivl_max_ms,
      heartbeatIvlMs: bus.heartbeat_ivl_ms,
    };
    const publisherId = `${svc.name}.${svc.instance}`;
    const endpoints = common.endpoints as Record<TopicName, string>;
    this.#registry = new HandlerRegistry({ stats: this.#stats, logger: log });
    const registry = this.#registry;
    const transport = this.#transport;
    const timerError = (e: unknown) => {
      this.#stats.countError("timer");
      log.error("timer callback failed", e instanceof Error ? e : new Error(String(e)));
    };
    const ctx: ServiceContext<S> = {
      name: svc.name,
      publisherId,
      config,
      logger: log,
      logging: this.#logging!,
      stats: this.#stats,
      transport,
      registry,
      signal: this.#abort.signal,
      publisher: <T extends TopicName>(topic: T): Publisher<T> => {
        const p = new Publisher(transport, topic, {
          ...socketOptions,
          endpoint: endpoints[topic],
          publisherId,
          stats: this.#stats,
          logger: log,
        });
        this.#publishers.push(p as unknown as Publisher<TopicName>);
        return p;
      },
      subscribe: (topic: TopicName, filter?: TopicFilter): void => {
        if (!this.#subscriber) {
          this.#subscriber = new Subscriber(transport, {
            ...socketOptions,
            endpoints,
            registry,
            stats: this.#stats,
            logger: log,
            batchMax: bus.batch_max,
          });
        }
        this.#subscriber.subscribe(topic, filter);
        if (this.#state === "running" && !this.#subscriberRun) this.#runSubscriber();
      },
      every: (ms: number, fn: () => void | Promise<void>): () => void => {
        const id = setInterval(() => {
          try {
            const r = fn();
            if (r) r.catch(timerError);
          } catch (e) {
            timerError(e);
          }
        }, ms);
        this.#timers.add(id);
        return () => {
          clearInterval(id);
          this.#timers.delete(id);
        };
      },
      after: (ms: number, fn: () => void | Promise<void>): () => void => {
        const id = setTimeout(() => {
          this.#timers.delete(id);
          try {
            const r = fn();
            if (r) r.catch(timerError);
          } catch (e) {
            timerError(e);
          }
        }, ms);
        this.#timers.add(id);
        return () => {
          clearTimeout(id);
          this.#timers.delete(id);
        };
      },
      requestStop: (reason: string): void => {
        this.stop(reason);
      },
    };
    this.#ctx = ctx;
    if (svc.health_enabled) {
      this.#health = startHealthServer({
        hostname: svc.health_host,
        port: svc.health_port,
        health: () => ({
          ok: this.#state === "running",
          body: {
            status: this.#state === "running" ? "ok" : "unavailable",
            service: svc.name,
            state: this.#state,
            uptimeS: this.#uptimeS(),
            pid: Deno.pid,
          },
        }),
        stats: () => this.statsBody(),
      });
    }
    log.info("starting", {
      config: this.#opts.configPath,
      publisherId,
      transport: `${transport.name} ${transport.version}`,
      health: this.#health ? `http://${this.#health.hostname}:${this.#health.port}/health` : "off",
      pid: Deno.pid,
    });
    await this.#def.start(ctx);
    if (svc.stats_interval_s > 0) {
      const id = setInterval(() => this.#logStats(), svc.stats_interval_s * 1000);
      this.#timers.add(id);
    }
    this.#state = "running";
    if (this.#subscriber) this.#runSubscriber();
    log.info("running");
  }

  #runSubscriber(): void {
    const sub = this.#subscriber!;
    this.#subscriberRun = sub.run().catch((e) => {
      this.#log?.error("subscriber failed", e as Error);
      this.#failure = e as Error;
      this.stop("subscriber failure");
    });
  }

  #logStats(): void {
    const s = this.#stats.snapshot();
    const totals = this.#stats.totals();
    this.#log?.info("stats", {
      uptimeS: this.#uptimeS(),
      in: totals.in,
      out: totals.out,
      gaps: s.gaps.events,
      missed: s.gaps.missed,
      restarts: s.gaps.restarts,
      errors: Object.values(s.errors).reduce((a, b) => a + b, 0),
      queues: s.queues,
      topics: Object.fromEntries(Object.entries(s.topics).map(([k, v]) => [k, `${v.in}/${v.out}`])),
    });
  }

  async #teardown(): Promise<void> {
    for (const id of this.#timers) clearInterval(id);
    this.#timers.clear();
    if (this.#subscriber) {
      await this.#subscriber.close();
      await this.#subscriberRun;
    }
    for (const p of this.#publishers) p.close();
    this.#publishers = [];
    if (this.#transport && !this.#opts.transport) await this.#transport.close();
    if (this.#health) await this.#health.close();
    this.#health = null;
    for (const [sig, h] of this.#signalHandlers) Deno.removeSignalListener(sig, h);
    this.#signalHandlers = [];
  }

  /**
   * Stops gracefully within `stop_timeout_ms`; idempotent. Resolves when
   * stopped (or failed). `done` then yields the exit code.
   */
  stop(reason = "requested"): Promise<void> {
    if (this.#stopping) return this.#stopping;
    if (this.#state !== "running" && this.#state !== "starting") {
      return Promise.resolve();
    }
    this.#state = "stopping";
    this.#abort.abort(reason);
    const log = this.#log!;
    const budget = (this.#ctx?.config as unknown as CommonConfig | undefined)?.service
      .stop_timeout_ms ?? 5000;
    log.info("stopping", { reason, budgetMs: budget });
    const work = (async () => {
      if (this.#def.stop && this.#ctx) await this.#def.stop(this.#ctx);
      this.#logStats();
      await this.#teardown();
    })();
    this.#stopping = withTimeout(work, budget, "graceful stop")
      .then(async () => {
        const failed = this.#failure !== null;
        this.#state = failed ? "failed" : "stopped";
        log.info(failed ? "stopped after a failure" : "stopped", { reason });
        await this.#logging?.close();
        this.#resolveDone(failed ? 1 : 0);
      }, async (e) => {
        this.#state = "failed";
        log.error("stop failed", e as Error);
        await this.#logging?.close();
        this.#resolveDone(1);
      });
    return this.#stopping;
  }
}

/** Parses `--config <path>` (default `config/<name>.ini`). */
export function configPathFromArgs(name: string, args: string[]): string {
  const i = args.indexOf("--config");
  if (i >= 0) {
    const v = args[i + 1];
    if (!v) throw new Error("--config needs a path");
    return v;
  }
  const eq = args.find((a) => a.startsWith("--config="));
  return eq ? eq.slice("--config=".length) : `config/${name}.ini`;
}

/**
 * Runs a service as the main program: starts it, waits for a signal or
 * stop request, stops it and exits with 0 (clean), 1 (failure or stop
 * timeout) or 2 (invalid configuration, message on stderr).
 *
 * @example
 * ```ts
 * import { runService } from "./app.ts";
 * if (import.meta.main) {
 *   await runService({ name: "demo", start: (ctx) => ctx.logger.info("hello") });
 * }
 * ```
 */
export async function runService<S extends ConfigSchema>(
  def: ServiceDefinition<S>,
  args: string[] = Deno.args,
): Promise<never> {
  const app = new AppService(def, { configPath: configPathFromArgs(def.name, args) });
  try {
    await app.start();
  } catch (e) {
    const msg = e instanceof ConfigError ? e.message : redact(String((e as Error)?.stack ?? e));
    console.error(`${def.name}: cannot start: ${msg}`);
    Deno.exit(e instanceof ConfigError ? 2 : 1);
  }
  const code = await app.done;
  Deno.exit(code);
}

/** JSON for logs and HTTP, bigint-safe and redacted (re-exported for services). */
export { toJson };
