/**
 * The logging interface the trader core writes to. It is the subset of
 * `services/common/log.ts`'s `Logger`, so a real component logger can be
 * passed in directly; tests pass a recorder. The core never formats or writes
 * lines itself.
 *
 * @example
 * ```ts
 * import { silentLogger, type TraderLogger } from "./logger.ts";
 * const lines: string[] = [];
 * const log: TraderLogger = { ...silentLogger, warn: (msg) => lines.push(msg) };
 * log.warn("illegal transition");
 * console.log(lines); // ["illegal transition"]
 * ```
 * @module
 */

/** Structured fields of a log line. */
export type TraderLogFields = Record<string, unknown>;

/** Where the OMS/PMS report what they refused or changed. */
export interface TraderLogger {
  debug(msg: string, fields?: TraderLogFields): void;
  info(msg: string, fields?: TraderLogFields): void;
  warn(msg: string, fields?: TraderLogFields): void;
}

/**
 * A logger that drops everything (the default).
 *
 * @example
 * ```ts
 * import { silentLogger } from "./logger.ts";
 * silentLogger.warn("nobody hears this");
 * ```
 */
export const silentLogger: TraderLogger = {
  debug() {},
  info() {},
  warn() {},
};
