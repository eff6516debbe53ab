/**
 * The config sections every service process has (`[service]`, `[log]`,
 * `[log.levels]`, `[bus]`, `[endpoints]`); a service adds its own sections
 * next to these (see `app.ts`). Sample files: `config/*.ini`.
 *
 * @example
 * ```ini
 * [service]
 * name = trader
 * health_port = 9104
 *
 * [log]
 * level = info
 * file = out/logs/trader.jsonl
 *
 * [log.levels]
 * bus = debug
 *
 * [endpoints]
 * market_data = tcp://127.0.0.1:7001
 * ```
 * @module
 */
import { LOG_LEVELS, type LogLevel } from "../log.ts";
import { defaultEndpoint, TOPIC_NAMES, type TopicName } from "../bus/topics.ts";
import { bool, endpoint, type FieldSpec, int, mapSection, oneOf, section, str } from "./schema.ts";

const endpointFields = Object.fromEntries(
  TOPIC_NAMES.map((t) => [t, endpoint({ default: defaultEndpoint(t) })]),
) as Record<TopicName, FieldSpec<string>>;

/** Sections shared by every service. */
export const COMMON_SCHEMA = {
  service: section({
    /** Process name: logs, publisher ids, /health. */
    name: str({ pattern: /^[a-z][a-z0-9_]*$/ }),
    /** Instance label, for several copies of one service ("1", "eu"). */
    instance: str({ default: "1", pattern: /^[A-Za-z0-9_-]+$/ }),
    /** Health/stats HTTP listener; port 0 picks a free one. */
    health_host: str({ default: "127.0.0.1" }),
    health_port: int({ default: 0, min: 0, max: 65535 }),
    /** Serve /health and /stats at all. */
    health_enabled: bool({ default: true }),
    /** Seconds between stats lines in the log; 0 = never. */
    stats_interval_s: int({ default: 30, min: 0 }),
    /** Graceful stop budget; beyond it the process exits with code 1. */
    stop_timeout_ms: int({ default: 5000, min: 100 }),
  }),
  log: section({
    level: oneOf<LogLevel>(LOG_LEVELS, { default: "info" }),
    /** Human lines on stderr. */
    console: bool({ default: true }),
    /** JSON-lines file (appended; directories created). */
    file: str({ optional: true }),
    /** Colored console; default when stderr is a terminal. */
    color: bool({ optional: true }),
  }),
  "log.levels": mapSection(oneOf<LogLevel>(LOG_LEVELS), {
    keyPattern: /^[A-Za-z0-9_.-]+$/,
    description: "per-component level, e.g. bus = debug, bus.sub = trace",
  }),
  bus: section({
    /** ZeroMQ high-water mark, messages per peer queue. */
    hwm: int({ default: 100_000, min: 1 }),
    linger_ms: int({ default: 200, min: 0 }),
    reconnect_ivl_ms: int({ default: 100, min: 1 }),
    reconnect_ivl_max_ms: int({ default: 2000, min: 0 }),
    heartbeat_ivl_ms: int({ default: 1000, min: 0 }),
    /** Most messages taken off the subscriber socket at once. */
    batch_max: int({ default: 1024, min: 1 }),
  }),
  endpoints: section(endpointFields),
};

/** The names of the common sections (a service may not redefine them). */
export const COMMON_SECTIONS: readonly string[] = Object.keys(COMMON_SCHEMA);
