/**
 * INI file parsing with environment substitution.
 *
 * Syntax:
 * - `[section]` headers (names: letters, digits, `_`, `.`, `-`); every key
 *   belongs to a section; a section may appear only once;
 * - `key = value` lines (keys: letters, digits, `_`, `.`, `-`); the value is
 *   trimmed; a value wrapped in double quotes keeps its inner spaces;
 * - full-line comments start with `;` or `#`; blank lines are ignored;
 * - `${VAR}` is replaced by the environment variable VAR and fails when VAR
 *   is unset; `${VAR:-default}` uses `default` when VAR is unset or empty;
 *   `$$` is a literal `$`.
 *
 * Every problem is reported as a {@link ConfigError} listing each issue with
 * file, line, section, key and the offending value.
 *
 * @example
 * ```ts
 * import { parseIni } from "./ini.ts";
 * const ini = parseIni("[bus]\nhwm = ${HWM:-1000}\n", "inline.ini", {});
 * console.log(ini.sections.get("bus")?.entries.get("hwm")?.value); // "1000"
 * ```
 * @module
 */
import { redact } from "../redact.ts";

/** One problem found in a config file. */
export interface ConfigIssue {
  /** File path as given. */
  file: string;
  /** 1-based line number; 0 when the problem has no line (a missing section). */
  line: number;
  /** Section name, "" when none. */
  section: string;
  /** Key name, "" when the problem is about a section or a line. */
  key: string;
  /** The offending value as written (secrets shown as `<redacted>`); absent when none. */
  value?: string;
  /** What is wrong. */
  problem: string;
}

function formatIssue(i: ConfigIssue): string {
  const loc = i.line > 0 ? `${i.file}:${i.line}` : i.file;
  const parts: string[] = [];
  if (i.section) parts.push(`[${i.section}]`);
  if (i.key) parts.push(i.key);
  if (i.value !== undefined) {
    parts.push(i.key ? `= ${JSON.stringify(i.value)}` : JSON.stringify(i.value));
  }
  return parts.length ? `${loc}: ${parts.join(" ")}: ${i.problem}` : `${loc}: ${i.problem}`;
}

/**
 * The configuration is invalid. `issues` lists every problem; the message
 * has one line per issue: `file:line: [section] key = "value": problem`.
 *
 * @example
 * ```ts
 * import { ConfigError, parseIni } from "./ini.ts";
 * try {
 *   parseIni("key = 1\n", "x.ini", {});
 * } catch (e) {
 *   if (e instanceof ConfigError) console.log(e.issues[0].line); // 1
 * }
 * ```
 */
export class ConfigError extends Error {
  /** Every problem found. */
  readonly issues: readonly ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    const file = issues[0]?.file ?? "config";
    super(
      redact(
        `Invalid configuration ${file} (${issues.length} problem${
          issues.length === 1 ? "" : "s"
        }):\n` +
          issues.map((i) => "  " + formatIssue(i)).join("\n"),
      ),
    );
    this.name = "ConfigError";
    this.issues = issues;
  }
}

/** A parsed `key = value` line. */
export interface IniEntry {
  key: string;
  /** Value after substitution. */
  value: string;
  /** Value as written in the file (before substitution). */
  raw: string;
  line: number;
  /** Environment variables the value referenced. */
  vars: string[];
}

/** A parsed `[section]`. */
export interface IniSection {
  name: string;
  /** Line of the header. */
  line: number;
  entries: Map<string, IniEntry>;
  /** Keys whose line had a problem (reported), so they are not also "missing". */
  failed: Set<string>;
}

/** A parsed INI file. */
export interface IniFile {
  file: string;
  sections: Map<string, IniSection>;
}

const NAME = /^[A-Za-z0-9_.-]+$/;
const VAR = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Result of {@link substitute}. */
export interface Substituted {
  value: string;
  vars: string[];
}

/**
 * Replaces `${VAR}`, `${VAR:-default}` and `$$` in one value. Throws an
 * Error whose message says which variable or syntax is wrong.
 *
 * @example
 * ```ts
 * import { substitute } from "./ini.ts";
 * console.log(substitute("tcp://${HOST:-127.0.0.1}:7001", {}).value);
 * ```
 */
export function substitute(raw: string, env: Record<string, string | undefined>): Substituted {
  let out = "";
  const vars: string[] = [];
  let i = 0;
  while (i < raw.length) {
    const c = raw[i];
    if (c !== "$") {
      out += c;
      i++;
      continue;
    }
    const next = raw[i + 1];
    if (next === "$") {
      out += "$";
      i += 2;
      continue;
    }
    if (next !== "{") {
      out += "$";
      i++;
      continue;
    }
    const end = raw.indexOf("}", i + 2);
    if (end < 0) throw new Error(`unterminated "\${" at column ${i + 1}`);
    const body = raw.slice(i + 2, end);
    const sep = body.indexOf(":-");
    const name = sep >= 0 ? body.slice(0, sep) : body;
    if (!VAR.test(name)) throw new Error(`invalid variable name "${name}" in "\${${body}}"`);
    vars.push(name);
    const v = env[name];
    if (sep >= 0) {
      out += v === undefined || v === "" ? body.slice(sep + 2) : v;
    } else {
      if (v === undefined) throw new Error(`environment variable ${name} is not set`);
      out += v;
    }
    i = end + 1;
  }
  return { value: out, vars };
}

/**
 * Parses INI text. `env` supplies the variables for substitution (pass
 * `Deno.env.toObject()` in services). Throws {@link ConfigError} with every
 * syntax and substitution problem.
 *
 * @example
 * ```ts
 * import { parseIni } from "./ini.ts";
 * const ini = parseIni("[log]\nlevel = info\n", "svc.ini", {});
 * console.log([...ini.sections.keys()]); // ["log"]
 * ```
 */
export function parseIni(
  text: string,
  file: string,
  env: Record<string, string | undefined>,
  isSecret: (section: string, key: string) => boolean = () => false,
): IniFile {
  const { ini, issues } = scanIni(text, file, env, isSecret);
  if (issues.length) throw new ConfigError(issues);
  return ini;
}

/**
 * Like {@link parseIni} but returns the problems instead of throwing, so a
 * caller can add its own (schema) problems and report all at once. Keys whose
 * line had a problem are listed in their section's `failed` set.
 *
 * @example
 * ```ts
 * import { scanIni } from "./ini.ts";
 * const { issues } = scanIni("[a]\nx = ${NOPE}\n", "a.ini", {});
 * console.log(issues[0].problem); // environment variable NOPE is not set
 * ```
 */
export function scanIni(
  text: string,
  file: string,
  env: Record<string, string | undefined>,
  isSecret: (section: string, key: string) => boolean = () => false,
): { ini: IniFile; issues: ConfigIssue[] } {
  const sections = new Map<string, IniSection>();
  const issues: ConfigIssue[] = [];
  let current: IniSection | null = null;
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const lineNo = n + 1;
    const line = lines[n].trim();
    if (line === "" || line.startsWith(";") || line.startsWith("#")) continue;
    if (line.startsWith("[")) {
      const m = /^\[([^\]]*)\]$/.exec(line);
      const name = m?.[1].trim() ?? "";
      if (!m || !NAME.test(name)) {
        issues.push({
          file,
          line: lineNo,
          section: "",
          key: "",
          value: line,
          problem: "malformed section header (expected [name] with letters, digits, _ . -)",
        });
        current = null;
        continue;
      }
      if (sections.has(name)) {
        issues.push({
          file,
          line: lineNo,
          section: name,
          key: "",
          value: line,
          problem: `duplicate section (first at line ${sections.get(name)!.line})`,
        });
        current = sections.get(name)!;
        continue;
      }
      current = { name, line: lineNo, entries: new Map(), failed: new Set() };
      sections.set(name, current);
      continue;
    }
    const eq = line.indexOf("=");
    if (eq < 0) {
      issues.push({
        file,
        line: lineNo,
        section: current?.name ?? "",
        key: "",
        value: line,
        problem: "expected 'key = value', '[section]' or a ; comment",
      });
      continue;
    }
    const key = line.slice(0, eq).trim();
    let raw = line.slice(eq + 1).trim();
    if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) raw = raw.slice(1, -1);
    const secret = current ? isSecret(current.name, key) : false;
    const shown = secret && !/^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(raw) ? "<redacted>" : raw;
    if (!current) {
      issues.push({
        file,
        line: lineNo,
        section: "",
        key,
        value: shown,
        problem: "key outside any [section]",
      });
      continue;
    }
    if (!NAME.test(key)) {
      issues.push({
        file,
        line: lineNo,
        section: current.name,
        key,
        value: shown,
        problem: "invalid key name (letters, digits, _ . - only)",
      });
      continue;
    }
    if (current.entries.has(key)) {
      issues.push({
        file,
        line: lineNo,
        section: current.name,
        key,
        value: shown,
        problem: `duplicate key (first at line ${current.entries.get(key)!.line})`,
      });
      continue;
    }
    try {
      const { value, vars } = substitute(raw, env);
      current.entries.set(key, { key, value, raw, line: lineNo, vars });
    } catch (e) {
      current.failed.add(key);
      issues.push({
        file,
        line: lineNo,
        section: current.name,
        key,
        value: shown,
        problem: (e as Error).message,
      });
    }
  }
  return { ini: { file, sections }, issues };
}
