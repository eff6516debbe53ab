/**
 * Structured logging: levels, a component tag per logger, a human console
 * output (stderr) and a JSON-lines file output, per-component levels from
 * config, and secret redaction on every line (see `redact.ts`).
 *
 * Console line: `2026-01-02T03:04:05.678Z INFO  [bus.sub] connected endpoint=tcp://...`
 * File line:    `{"ts":"2026-...","level":"info","component":"bus.sub","msg":"connected","endpoint":"tcp://..."}`
 *
 * bigint fields are written as decimal strings, Errors as name/message/stack.
 * The file output is buffered and flushed every 200 ms, when 64 KiB are
 * pending, on `flush()`/`close()` (the service lifecycle calls it on stop)
 * and synchronously for `error` lines.
 *
 * A component's level is the most specific match in `levels` ("bus.sub",
 * then "bus"), else the default level.
 *
 * @example
 * ```ts
 * import { createLogging } from "./log.ts";
 * const logging = createLogging({ level: "info", levels: { bus: "debug" } });
 * const log = logging.logger("bus.sub");
 * log.debug("subscribed", { topic: "market_data" });
 * log.info("started", { pid: Deno.pid });
 * await logging.close();
 * ```
 * @module
 */
import { isSecretKey, redact, REDACTED } from "./redact.ts";

/** Log levels, most verbose first. "off" disables a logger. */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "off"] as const;
/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

const RANK: Record<LogLevel, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4, off: 9 };

/** Extra structured data of a log line. */
export type LogFields = Record<string, unknown>;

/** Options of {@link createLogging}. */
export interface LoggingOptions {
  /** Default level. Default "info". */
  level?: LogLevel;
  /** Per-component levels, by component name or dotted prefix. */
  levels?: Record<string, LogLevel>;
  /** Write human lines to stderr. Default true. */
  console?: boolean;
  /** Path of a JSON-lines file to append to (parent directories are created). */
  file?: string;
  /** Colors on the console. Default: when stderr is a terminal. */
  color?: boolean;
  /** Fields added to every file line (e.g. service name, pid). */
  base?: LogFields;
}

/** One log line before formatting. */
export interface LogRecord {
  ts: Date;
  level: Exclude<LogLevel, "off">;
  component: string;
  msg: string;
  fields?: LogFields;
}

/**
 * A logger bound to one component.
 *
 * @example
 * ```ts
 * import { createLogging } from "./log.ts";
 * const log = createLogging().logger("trader");
 * log.warn("spread too wide", { bps: 42 });
 * log.error("order rejected", new Error("insufficient balance"));
 * ```
 */
export interface Logger {
  /** Component tag. */
  readonly component: string;
  trace(msg: string, fields?: LogFields | Error): void;
  debug(msg: string, fields?: LogFields | Error): void;
  info(msg: string, fields?: LogFields | Error): void;
  warn(msg: string, fields?: LogFields | Error): void;
  error(msg: string, fields?: LogFields | Error): void;
  /** Whether a line at `level` would be written. */
  enabled(level: LogLevel): boolean;
  /** A logger for a sub-component ("bus" -> "bus.sub"). */
  child(name: string): Logger;
}

const COLORS: Record<string, string> = {
  trace: "\x1b[90m",
  debug: "\x1b[36m",
  info: "\x1b[32m",
  warn: "\x1b[33m",
  error: "\x1b[31m",
};

function jsonValue(v: unknown, depth = 0): unknown {
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Error) {
    const o: Record<string, unknown> = { name: v.name, message: v.message, stack: v.stack };
    if (v.cause !== undefined && depth < 3) o.cause = jsonValue(v.cause, depth + 1);
    return o;
  }
  if (v instanceof Uint8Array) return `<${v.byteLength} bytes>`;
  if (v instanceof Map) return jsonValue(Object.fromEntries(v), depth);
  if (v instanceof Set) return jsonValue([...v], depth);
  if (Array.isArray(v)) return depth > 6 ? "[...]" : v.map((x) => jsonValue(x, depth + 1));
  if (v && typeof v === "object") {
    const toJSON = (v as { toJSON?: () => unknown }).toJSON;
    if (typeof toJSON === "function") return toJSON.call(v);
    if (depth > 6) return "{...}";
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      o[k] = isSecretKey(k) ? REDACTED : jsonValue(x, depth + 1);
    }
    return o;
  }
  return v;
}

function humanValue(v: unknown): string {
  if (typeof v === "string") return /^[\w.:/@+\-]*$/.test(v) && v !== "" ? v : JSON.stringify(v);
  if (typeof v === "bigint" || typeof v === "number" || typeof v === "boolean") return String(v);
  if (v === null || v === undefined) return String(v);
  if (v instanceof Error) return JSON.stringify(`${v.name}: ${v.message}`);
  return JSON.stringify(jsonValue(v));
}

/** The process-wide logging setup: outputs, levels, and its loggers. */
export class Logging {
  #level: LogLevel;
  #levels: Map<string, LogLevel>;
  #console: boolean;
  #color: boolean;
  #base: LogFields;
  #file: Deno.FsFile | null = null;
  #filePath: string | undefined;
  #pending: string[] = [];
  #pendingBytes = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #enc = new TextEncoder();
  #closed = false;
  /** Lines written per level (for /stats). */
  readonly counts: Record<Exclude<LogLevel, "off">, number> = {
    trace: 0,
    debug: 0,
    info: 0,
    warn: 0,
    error: 0,
  };

  constructor(o: LoggingOptions = {}) {
    this.#level = o.level ?? "info";
    this.#levels = new Map(Object.entries(o.levels ?? {}));
    this.#console = o.console ?? true;
    let tty = false;
    try {
      tty = Deno.stderr.isTerminal();
    } catch {
      tty = false;
    }
    this.#color = o.color ?? tty;
    this.#base = o.base ?? {};
    if (o.file) this.#openFile(o.file);
  }

  #openFile(path: string): void {
    const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "";
    if (dir) Deno.mkdirSync(dir, { recursive: true });
    this.#file = Deno.openSync(path, { create: true, append: true });
    this.#filePath = path;
  }

  /** Path of the JSON-lines file, if any. */
  get filePath(): string | undefined {
    return this.#filePath;
  }

  /** Changes the default level and/or per-component levels at run time. */
  setLevels(level: LogLevel, levels?: Record<string, LogLevel>): void {
    this.#level = level;
    if (levels) this.#levels = new Map(Object.entries(levels));
  }

  /** The effective level of a component. */
  levelOf(component: string): LogLevel {
    let c = component;
    for (;;) {
      const l = this.#levels.get(c);
      if (l) return l;
      const dot = c.lastIndexOf(".");
      if (dot < 0) return this.#level;
      c = c.slice(0, dot);
    }
  }

  /** A logger for a component. */
  logger(component: string): Logger {
    return new ComponentLogger(this, component);
  }

  /** Formats, redacts and writes one record (used by the loggers). */
  write(rec: LogRecord): void {
    if (this.#closed) return;
    this.counts[rec.level]++;
    if (this.#console) {
      let line = `${rec.ts.toISOString()} ${
        rec.level.toUpperCase().padEnd(5)
      } [${rec.component}] ${rec.msg}`;
      if (rec.fields) {
        for (const [k, v] of Object.entries(rec.fields)) {
          line += ` ${k}=${isSecretKey(k) ? REDACTED : humanValue(v)}`;
        }
        const err = Object.values(rec.fields).find((v) => v instanceof Error) as Error | undefined;
        if (err?.stack && (rec.level === "error" || rec.level === "warn")) {
          line += "\n" + err.stack;
        }
      }
      line = redact(line);
      if (this.#color) {
        const c = COLORS[rec.level] ?? "";
        line = line.replace(rec.level.toUpperCase(), `${c}${rec.level.toUpperCase()}\x1b[0m`);
      }
      try {
        Deno.stderr.writeSync(this.#enc.encode(line + "\n"));
      } catch {
        // stderr closed (parent gone): nothing sensible to do
      }
    }
    if (this.#file) {
      const obj: Record<string, unknown> = {
        ts: rec.ts.toISOString(),
        level: rec.level,
        component: rec.component,
        msg: rec.msg,
        ...this.#base,
      };
      if (rec.fields) {
        for (const [k, v] of Object.entries(rec.fields)) {
          obj[k] = isSecretKey(k) ? REDACTED : jsonValue(v);
        }
      }
      const line = redact(JSON.stringify(obj)) + "\n";
      this.#pending.push(line);
      this.#pendingBytes += line.length;
      if (rec.level === "error" || this.#pendingBytes >= 65536) this.flushSync();
      else if (this.#timer === undefined) {
        const timer = setTimeout(() => {
          this.#timer = undefined;
          this.flushSync();
        }, 200);
        Deno.unrefTimer(timer);
        this.#timer = timer;
      }
    }
  }

  /** Writes pending file lines now. */
  flushSync(): void {
    if (!this.#file || this.#pending.length === 0) return;
    const data = this.#enc.encode(this.#pending.join(""));
    this.#pending = [];
    this.#pendingBytes = 0;
    let off = 0;
    while (off < data.length) off += this.#file.writeSync(data.subarray(off));
  }

  /** Writes pending file lines (and syncs them to disk). */
  async flush(): Promise<void> {
    this.flushSync();
    if (this.#file) await this.#file.sync().catch(() => {});
  }

  /** Flushes and closes the file output; later lines are dropped. */
  async close(): Promise<void> {
    if (this.#closed) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.flush();
    this.#closed = true;
    this.#file?.close();
    this.#file = null;
  }
}

class ComponentLogger implements Logger {
  readonly component: string;
  #root: Logging;
  constructor(root: Logging, component: string) {
    this.#root = root;
    this.component = component;
  }
  enabled(level: LogLevel): boolean {
    return level !== "off" && RANK[level] >= RANK[this.#root.levelOf(this.component)];
  }
  #log(level: Exclude<LogLevel, "off">, msg: string, fields?: LogFields | Error): void {
    if (!this.enabled(level)) return;
    const f = fields instanceof Error ? { error: fields } : fields;
    this.#root.write({ ts: new Date(), level, component: this.component, msg, fields: f });
  }
  trace(msg: string, fields?: LogFields | Error): void {
    this.#log("trace", msg, fields);
  }
  debug(msg: string, fields?: LogFields | Error): void {
    this.#log("debug", msg, fields);
  }
  info(msg: string, fields?: LogFields | Error): void {
    this.#log("info", msg, fields);
  }
  warn(msg: string, fields?: LogFields | Error): void {
    this.#log("warn", msg, fields);
  }
  error(msg: string, fields?: LogFields | Error): void {
    this.#log("error", msg, fields);
  }
  child(name: string): Logger {
    return new ComponentLogger(this.#root, `${this.component}.${name}`);
  }
}

/**
 * Creates the process's logging setup.
 *
 * @example
 * ```ts
 * import { createLogging } from "./log.ts";
 * const logging = createLogging({ file: "out/logs/example.jsonl", console: false });
 * logging.logger("example").info("hello");
 * await logging.close();
 * ```
 */
export function createLogging(options: LoggingOptions = {}): Logging {
  return new Logging(options);
}

/**
 * A logger that writes nothing (for library code used without a service).
 *
 * @example
 * ```ts
 * import { nullLogger } from "./log.ts";
 * nullLogger.info("ignored");
 * ```
 */
export const nullLogger: Logger = new Logging({ console: false, level: "off" }).logger("null");

/**
 * Calls `fn` at most once per `intervalMs` per key; tells how many calls
 * were suppressed in between (for logging hot-path errors).
 *
 * @example
 * ```ts
 * import { RateLimiter } from "./log.ts";
 * const rl = new RateLimiter(1000);
 * rl.run("decode", (suppressed) => console.log("bad message", suppressed));
 * ```
 */
export class RateLimiter {
  #interval: number;
  #last = new Map<string, { at: number; suppressed: number }>();
  constructor(intervalMs: number) {
    this.#interval = intervalMs;
  }
  /** Runs fn(suppressedSinceLast) unless the key ran less than intervalMs ago. */
  run(key: string, fn: (suppressed: number) => void): void {
    const now = performance.now();
    const e = this.#last.get(key);
    if (e && now - e.at < this.#interval) {
      e.suppressed++;
      return;
    }
    const suppressed = e?.suppressed ?? 0;
    this.#last.set(key, { at: now, suppressed: 0 });
    fn(suppressed);
  }
}
