/**
 * Secret redaction for everything a process writes: log lines (console and
 * file), error messages and /stats output. Secrets enter the process only
 * from the environment (see `config/ini.ts`); the config loader registers
 * each secret value here, and {@link redact} replaces every occurrence with
 * `***`. Values under keys that look secret (api_key, private_key, secret,
 * password, passphrase, access_token, mnemonic, ...) are redacted by key as well.
 *
 * @example
 * ```ts
 * import { redact, registerSecret } from "./redact.ts";
 * registerSecret("s3cr3t-key-value");
 * console.log(redact("key=s3cr3t-key-value")); // "key=***"
 * ```
 * @module
 */

/** The replacement text. */
export const REDACTED = "***";

/** Secrets shorter than this are not registered (too likely to match innocent text). */
export const MIN_SECRET_LENGTH = 4;

const secrets = new Set<string>();
let ordered: string[] = [];

/** Key names whose values are always redacted. */
export const SECRET_KEY_PATTERN =
  /(secret|private_?key|api_?key|passw(or)?d|passphrase|mnemonic|seed_?phrase|(access|auth|bearer|refresh)_?token|credential)/i;

/**
 * Registers a secret value: from now on it is replaced by `***` in all output.
 *
 * @example
 * ```ts
 * import { registerSecret } from "./redact.ts";
 * registerSecret(Deno.env.get("BINANCE_API_SECRET") ?? "");
 * ```
 */
export function registerSecret(value: string): void {
  if (value.length < MIN_SECRET_LENGTH || secrets.has(value)) return;
  secrets.add(value);
  // Longest first, so a secret containing another is replaced whole.
  ordered = [...secrets].sort((a, b) => b.length - a.length);
}

/**
 * Replaces every registered secret in `text` with `***`.
 *
 * @example
 * ```ts
 * import { redact } from "./redact.ts";
 * console.log(redact("nothing secret here"));
 * ```
 */
export function redact(text: string): string {
  if (ordered.length === 0) return text;
  let out = text;
  for (const s of ordered) {
    if (out.includes(s)) out = out.replaceAll(s, REDACTED);
  }
  return out;
}

/**
 * True when a key name looks like it holds a secret.
 *
 * @example
 * ```ts
 * import { isSecretKey } from "./redact.ts";
 * console.log(isSecretKey("api_key"), isSecretKey("venue")); // true false
 * ```
 */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY_PATTERN.test(key);
}

/** Forgets all registered secrets (tests only). */
export function clearSecretsForTest(): void {
  secrets.clear();
  ordered = [];
}

/**
 * A secret value that never prints itself: `String()`, `JSON.stringify()`,
 * template literals and `Deno.inspect` all show `***`. Call
 * {@link Secret.reveal} where the real value is needed (signing a request).
 *
 * @example
 * ```ts
 * import { Secret } from "./redact.ts";
 * const key = new Secret("abcd-1234", "BINANCE_API_KEY");
 * console.log(`${key}`, key.reveal().length); // *** 9
 * ```
 */
export class Secret {
  #value: string;
  /** Name of the environment variable it came from. */
  readonly source: string;
  constructor(value: string, source: string) {
    this.#value = value;
    this.source = source;
    registerSecret(value);
  }
  /** The actual value. */
  reveal(): string {
    return this.#value;
  }
  /** Always `***`. */
  toString(): string {
    return REDACTED;
  }
  /** Always `***`. */
  toJSON(): string {
    return REDACTED;
  }
  /** Always `Secret(***)` in console.log / Deno.inspect. */
  [Symbol.for("Deno.customInspect")](): string {
    return `Secret(${REDACTED} from $${this.source})`;
  }
}
