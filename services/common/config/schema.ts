/**
 * Typed, validated configuration on top of `ini.ts`. A schema lists each
 * section and key with its type, default and limits; {@link loadConfig}
 * returns a typed object or throws one {@link ConfigError} listing every
 * problem: unknown section or key, missing required key, bad type or range,
 * unset environment variable, literal secret.
 *
 * Secrets (API keys, private keys) are declared with {@link secret}: the
 * file must reference an environment variable (`api_key = ${BINANCE_API_KEY}`),
 * a literal value is refused, and the value comes back as a {@link Secret}
 * that prints as `***` and is redacted from every log and error.
 *
 * @example
 * ```ts
 * import { int, oneOf, parseConfig, section, str } from "./schema.ts";
 * const schema = {
 *   service: section({ name: str(), health_port: int({ default: 0, min: 0, max: 65535 }) }),
 *   log: section({ level: oneOf(["debug", "info"] as const, { default: "info" }) }),
 * };
 * const cfg = parseConfig("[service]\nname = demo\n", "demo.ini", schema, {});
 * console.log(cfg.service.name, cfg.service.health_port, cfg.log.level); // demo 0 info
 * ```
 * @module
 */
import { isSecretKey, Secret } from "../redact.ts";
import { ConfigError, type IniEntry, scanIni } from "./ini.ts";

export { ConfigError, type ConfigIssue } from "./ini.ts";
export { Secret } from "../redact.ts";

/** How one key is parsed and checked. */
export interface FieldSpec<T> {
  /** Type name for messages ("integer", "endpoint", ...). */
  readonly kind: string;
  /** Default when the key is absent. */
  readonly default?: T;
  /** Absent key gives undefined instead of an error. */
  readonly optional: boolean;
  /** Value must reference an environment variable and is returned as a Secret. */
  readonly secret: boolean;
  /** Human description (shown by tooling). */
  readonly description?: string;
  /** Parses the substituted text; throws Error(problem) when invalid. */
  parse(text: string, entry: IniEntry): T;
}

/** Common options of the field constructors. */
export interface FieldOptions<T> {
  default?: T;
  optional?: boolean;
  description?: string;
}

function field<T>(
  kind: string,
  o: FieldOptions<T> | undefined,
  parse: (text: string, entry: IniEntry) => T,
  secretField = false,
): FieldSpec<T> {
  return {
    kind,
    default: o?.default,
    optional: o?.optional ?? false,
    secret: secretField,
    description: o?.description,
    parse,
  };
}

/** Options of {@link str}. */
export interface StrOptions extends FieldOptions<string> {
  /** Value must match. */
  pattern?: RegExp;
  /** Value must not be empty. Default false. */
  nonEmpty?: boolean;
}

/**
 * A string key.
 *
 * @example
 * ```ts
 * import { str } from "./schema.ts";
 * const name = str({ pattern: /^[a-z_]+$/, default: "trader" });
 * ```
 */
export function str(o: StrOptions & { optional: true }): FieldSpec<string | undefined>;
export function str(o?: StrOptions): FieldSpec<string>;
export function str(o?: StrOptions): FieldSpec<string> {
  return field("string", o, (t) => {
    if (o?.nonEmpty && t === "") throw new Error("must not be empty");
    if (o?.pattern && !o.pattern.test(t)) throw new Error(`must match ${o.pattern}`);
    return t;
  });
}

/** Options of {@link int} and {@link num}. */
export interface NumOptions extends FieldOptions<number> {
  min?: number;
  max?: number;
}

function checkRange(v: number, o?: NumOptions): number {
  if (o?.min !== undefined && v < o.min) throw new Error(`must be >= ${o.min}`);
  if (o?.max !== undefined && v > o.max) throw new Error(`must be <= ${o.max}`);
  return v;
}

/**
 * An integer key (decimal, `_` separators allowed: `100_000`).
 *
 * @example
 * ```ts
 * import { int } from "./schema.ts";
 * const port = int({ min: 0, max: 65535, default: 9101 });
 * ```
 */
export function int(o: NumOptions & { optional: true }): FieldSpec<number | undefined>;
export function int(o?: NumOptions): FieldSpec<number>;
export function int(o?: NumOptions): FieldSpec<number> {
  return field("integer", o, (t) => {
    const s = t.replaceAll("_", "");
    if (!/^[+-]?\d+$/.test(s)) throw new Error("expected an integer");
    const v = Number(s);
    if (!Number.isSafeInteger(v)) throw new Error("integer out of range");
    return checkRange(v, o);
  });
}

/**
 * A decimal number key.
 *
 * @example
 * ```ts
 * import { num } from "./schema.ts";
 * const ratio = num({ min: 0, max: 1, default: 0.5 });
 * ```
 */
export function num(o: NumOptions & { optional: true }): FieldSpec<number | undefined>;
export function num(o?: NumOptions): FieldSpec<number>;
export function num(o?: NumOptions): FieldSpec<number> {
  return field("number", o, (t) => {
    const s = t.replaceAll("_", "");
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) throw new Error("expected a number");
    return checkRange(Number(s), o);
  });
}

/**
 * A boolean key: true/false, yes/no, on/off, 1/0 (any case).
 *
 * @example
 * ```ts
 * import { bool } from "./schema.ts";
 * const dryRun = bool({ default: true });
 * ```
 */
export function bool(o: FieldOptions<boolean> & { optional: true }): FieldSpec<boolean | undefined>;
export function bool(o?: FieldOptions<boolean>): FieldSpec<boolean>;
export function bool(o?: FieldOptions<boolean>): FieldSpec<boolean> {
  return field("boolean", o, (t) => {
    const s = t.toLowerCase();
    if (["true", "yes", "on", "1"].includes(s)) return true;
    if (["false", "no", "off", "0"].includes(s)) return false;
    throw new Error("expected a boolean (true/false, yes/no, on/off, 1/0)");
  });
}

/**
 * A key whose value is one of a fixed list.
 *
 * @example
 * ```ts
 * import { oneOf } from "./schema.ts";
 * const level = oneOf(["debug", "info", "warn"] as const, { default: "info" });
 * ```
 */
export function oneOf<T extends string>(
  values: readonly T[],
  o: FieldOptions<T> & { optional: true },
): FieldSpec<T | undefined>;
export function oneOf<T extends string>(values: readonly T[], o?: FieldOptions<T>): FieldSpec<T>;
export function oneOf<T extends string>(values: readonly T[], o?: FieldOptions<T>): FieldSpec<T> {
  return field(`one of ${values.join("|")}`, o, (t) => {
    if (!(values as readonly string[]).includes(t)) {
      throw new Error(`expected one of ${values.join(", ")}`);
    }
    return t as T;
  });
}

/**
 * A comma-separated list of strings (items trimmed, empty items dropped).
 *
 * @example
 * ```ts
 * import { list } from "./schema.ts";
 * const venues = list({ default: ["binance"] });
 * ```
 */
export function list(
  o: FieldOptions<string[]> & { optional: true },
): FieldSpec<string[] | undefined>;
export function list(o?: FieldOptions<string[]>): FieldSpec<string[]>;
export function list(o?: FieldOptions<string[]>): FieldSpec<string[]> {
  return field("list", o, (t) => t.split(",").map((x) => x.trim()).filter((x) => x !== ""));
}

/**
 * A ZeroMQ endpoint: `tcp://host:port` (port 1-65535 or `*`), `ipc://path`
 * or `inproc://name`.
 *
 * @example
 * ```ts
 * import { endpoint } from "./schema.ts";
 * const md = endpoint({ default: "tcp://127.0.0.1:7001" });
 * ```
 */
export function endpoint(
  o: FieldOptions<string> & { optional: true },
): FieldSpec<string | undefined>;
export function endpoint(o?: FieldOptions<string>): FieldSpec<string>;
export function endpoint(o?: FieldOptions<string>): FieldSpec<string> {
  return field("endpoint", o, (t) => {
    const tcp = /^tcp:\/\/([^:\s]+|\[[0-9a-fA-F:]+\]):(\d+|\*)$/.exec(t);
    if (tcp) {
      if (tcp[2] !== "*") {
        const port = Number(tcp[2]);
        if (port < 1 || port > 65535) throw new Error("tcp port must be 1-65535 or *");
      }
      return t;
    }
    if (/^(ipc|inproc):\/\/\S+$/.test(t)) return t;
    throw new Error(
      "expected a ZeroMQ endpoint like tcp://127.0.0.1:7001, ipc://path or inproc://name",
    );
  });
}

const SECRET_REF = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/**
 * A secret (API key, private key): must be written as `${ENV_VAR}`; comes
 * back as a {@link Secret}.
 *
 * @example
 * ```ts
 * import { secret } from "./schema.ts";
 * const apiKey = secret({ description: "Binance API key" });
 * ```
 */
export function secret(
  o: { optional: true; description?: string },
): FieldSpec<Secret | undefined>;
export function secret(o?: { optional?: boolean; description?: string }): FieldSpec<Secret>;
export function secret(o?: { optional?: boolean; description?: string }): FieldSpec<Secret> {
  return field("secret", { optional: o?.optional, description: o?.description }, (t, entry) => {
    const m = SECRET_REF.exec(entry.raw);
    if (!m) {
      throw new Error(
        "secrets must come from the environment: write ${ENV_VAR}, never the value itself",
      );
    }
    if (t === "") throw new Error(`environment variable ${m[1]} is empty`);
    return new Secret(t, m[1]);
  }, true);
}

/** A section with a fixed set of keys. */
export interface SectionSpec<F extends Record<string, FieldSpec<unknown>>> {
  readonly type: "section";
  readonly fields: F;
  /** Absent section gives undefined (otherwise: treated as empty, defaults apply). */
  readonly optional: boolean;
  readonly description?: string;
}

/** A section whose keys are free-form names, every value of one type. */
export interface MapSectionSpec<T> {
  readonly type: "map";
  readonly value: FieldSpec<T>;
  /** Optional check of the key names. */
  readonly keyPattern?: RegExp;
  readonly description?: string;
}

/**
 * A section with fixed keys.
 *
 * @example
 * ```ts
 * import { int, section } from "./schema.ts";
 * const bus = section({ hwm: int({ default: 100_000, min: 1 }) });
 * ```
 */
export function section<F extends Record<string, FieldSpec<unknown>>>(
  fields: F,
  o?: { optional?: false; description?: string },
): SectionSpec<F> & { optional: false };
export function section<F extends Record<string, FieldSpec<unknown>>>(
  fields: F,
  o: { optional: true; description?: string },
): SectionSpec<F> & { optional: true };
export function section<F extends Record<string, FieldSpec<unknown>>>(
  fields: F,
  o?: { optional?: boolean; description?: string },
): SectionSpec<F> {
  return { type: "section", fields, optional: o?.optional ?? false, description: o?.description };
}

/**
 * A section of free-form keys with one value type (e.g. per-component levels).
 *
 * @example
 * ```ts
 * import { mapSection, oneOf } from "./schema.ts";
 * const levels = mapSection(oneOf(["debug", "info"] as const));
 * ```
 */
export function mapSection<T>(
  value: FieldSpec<T>,
  o?: { keyPattern?: RegExp; description?: string },
): MapSectionSpec<T> {
  return { type: "map", value, keyPattern: o?.keyPattern, description: o?.description };
}

/** A whole config file: section name -> spec. */
export type ConfigSchema = Record<
  string,
  // deno-lint-ignore no-explicit-any
  SectionSpec<any> | MapSectionSpec<any>
>;

/** The value type of a field spec. */
export type FieldValue<F> = F extends FieldSpec<infer T> ? T : never;

/** The value type of a section spec. */
export type SectionValue<S> = S extends MapSectionSpec<infer T> ? Record<string, T>
  : S extends SectionSpec<infer F> ? { [K in keyof F]: FieldValue<F[K]> }
  : never;

/** The typed result of a schema. */
export type ConfigOf<S extends ConfigSchema> = {
  [K in keyof S]: S[K] extends { optional: true } ? SectionValue<S[K]> | undefined
    : SectionValue<S[K]>;
};

function secretChecker(schema: ConfigSchema): (section: string, key: string) => boolean {
  return (sec, key) => {
    const spec = schema[sec];
    if (spec?.type === "section") {
      const f = spec.fields[key] as FieldSpec<unknown> | undefined;
      if (f) return f.secret;
    }
    if (spec?.type === "map") return spec.value.secret;
    return isSecretKey(key);
  };
}

/**
 * Parses and validates INI text against a schema.
 *
 * @example
 * ```ts
 * import { int, parseConfig, section } from "./schema.ts";
 * const cfg = parseConfig("[a]\nx = 5\n", "a.ini", { a: section({ x: int() }) }, {});
 * console.log(cfg.a.x); // 5
 * ```
 */
export function parseConfig<S extends ConfigSchema>(
  text: string,
  file: string,
  schema: S,
  env: Record<string, string | undefined>,
): ConfigOf<S> {
  const isSecret = secretChecker(schema);
  const { ini, issues } = scanIni(text, file, env, isSecret);
  const out: Record<string, unknown> = {};
  const show = (sec: string, key: string, raw: string) =>
    isSecret(sec, key) && !SECRET_REF.test(raw) ? "<redacted>" : raw;

  for (const [name, sec] of ini.sections) {
    if (!(name in schema)) {
      issues.push({
        file,
        line: sec.line,
        section: name,
        key: "",
        problem: `unknown section (known: ${Object.keys(schema).join(", ")})`,
      });
    }
  }

  for (const [name, spec] of Object.entries(schema)) {
    const sec = ini.sections.get(name);
    if (spec.type === "map") {
      const values: Record<string, unknown> = {};
      for (const [key, entry] of sec?.entries ?? []) {
        if (spec.keyPattern && !spec.keyPattern.test(key)) {
          issues.push({
            file,
            line: entry.line,
            section: name,
            key,
            value: show(name, key, entry.raw),
            problem: `key name must match ${spec.keyPattern}`,
          });
          continue;
        }
        try {
          values[key] = spec.value.parse(entry.value, entry);
        } catch (e) {
          issues.push({
            file,
            line: entry.line,
            section: name,
            key,
            value: show(name, key, entry.raw),
            problem: `${(e as Error).message} (${spec.value.kind})`,
          });
        }
      }
      out[name] = values;
      continue;
    }
    if (!sec && spec.optional) {
      out[name] = undefined;
      continue;
    }
    const values: Record<string, unknown> = {};
    const fields = spec.fields as Record<string, FieldSpec<unknown>>;
    for (const [key, entry] of sec?.entries ?? []) {
      if (!(key in fields)) {
        issues.push({
          file,
          line: entry.line,
          section: name,
          key,
          value: show(name, key, entry.raw),
          problem: `unknown key (known in [${name}]: ${Object.keys(fields).join(", ")})`,
        });
      }
    }
    for (const [key, f] of Object.entries(fields)) {
      const entry = sec?.entries.get(key);
      if (sec?.failed.has(key)) continue;
      if (!entry) {
        if (f.default !== undefined) values[key] = f.default;
        else if (f.optional) values[key] = undefined;
        else {
          issues.push({
            file,
            line: sec?.line ?? 0,
            section: name,
            key,
            problem: sec
              ? `missing required key (${f.kind})`
              : `missing required key (${f.kind}); section [${name}] is absent`,
          });
        }
        continue;
      }
      try {
        values[key] = f.parse(entry.value, entry);
      } catch (e) {
        issues.push({
          file,
          line: entry.line,
          section: name,
          key,
          value: show(name, key, entry.raw),
          problem: f.secret ? (e as Error).message : `${(e as Error).message} (${f.kind})`,
        });
      }
    }
    out[name] = values;
  }
  if (issues.length) {
    issues.sort((a, b) => a.line - b.line);
    throw new ConfigError(issues);
  }
  return out as ConfigOf<S>;
}

/**
 * Reads, parses and validates an INI file. `env` defaults to the process
 * environment. A missing file is a {@link ConfigError} too.
 *
 * @example
 * ```ts
 * import { loadConfig, section, str } from "./schema.ts";
 * const cfg = await loadConfig("config/trader.ini", { service: section({ name: str() }) });
 * ```
 */
export async function loadConfig<S extends ConfigSchema>(
  path: string,
  schema: S,
  env: Record<string, string | undefined> = Deno.env.toObject(),
): Promise<ConfigOf<S>> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new ConfigError([{
      file: path,
      line: 0,
      section: "",
      key: "",
      problem: `cannot read config file: ${(e as Error).message}`,
    }]);
  }
  return parseConfig(text, path, schema, env);
}
