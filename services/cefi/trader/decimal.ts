/**
 * Exact decimal strings <-> scaled bigint, never through a float.
 *
 * Accepts the wire format of `proto/common.proto`: an optional leading '-',
 * ASCII digits, optionally one '.' followed by digits ("0.00012", "-3",
 * "25000.5"). No exponent, no '+', no spaces. A value is held as
 * `units / 10^scale` ({@link ScaledDecimal}).
 *
 * @example
 * ```ts
 * import { decimalToMultiple, multipleToDecimal } from "./decimal.ts";
 * const ticks = decimalToMultiple("25000.50", "0.01", "price"); // 2500050n
 * console.log(multipleToDecimal(ticks, "0.01")); // "25000.50"
 * ```
 * @module
 */

/** `units / 10^scale`, exactly. */
export interface ScaledDecimal {
  /** The digits as an integer, signed. */
  units: bigint;
  /** Number of fractional digits (>= 0). */
  scale: number;
}

/**
 * A decimal string that cannot be read or converted. The message names the
 * operation, the constraint and the offending value.
 *
 * @example
 * ```ts
 * import { DecimalError, decimalToMultiple } from "./decimal.ts";
 * try {
 *   decimalToMultiple("1.005", "0.01", "price of BTCUSDT");
 * } catch (e) {
 *   console.log(e instanceof DecimalError); // true
 *   // Cannot convert price of BTCUSDT: "1.005" is not a multiple of 0.01
 * }
 * ```
 */
export class DecimalError extends RangeError {
  /** What was being converted, e.g. "price of BTCUSDT". */
  readonly what: string;
  /** The offending text. */
  readonly value: string;

  constructor(what: string, value: string, detail: string) {
    super(`Cannot convert ${what}: ${JSON.stringify(value)} ${detail}`);
    this.name = "DecimalError";
    this.what = what;
    this.value = value;
  }
}

const DECIMAL_RE = /^(-?)(\d+)(?:\.(\d+))?$/;
const POW10: bigint[] = [];

/**
 * 10^n as bigint (cached for small n).
 *
 * @example
 * ```ts
 * import { pow10 } from "./decimal.ts";
 * console.log(pow10(3)); // 1000n
 * ```
 */
export function pow10(n: number): bigint {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`pow10: exponent ${n} is not >= 0`);
  if (n < 64) {
    let v = POW10[n];
    if (v === undefined) POW10[n] = v = 10n ** BigInt(n);
    return v;
  }
  return 10n ** BigInt(n);
}

/**
 * Parses a decimal string exactly.
 *
 * @param text the decimal string
 * @param what names the value in error messages
 * @throws {DecimalError} when `text` is not a plain decimal
 *
 * @example
 * ```ts
 * import { parseDecimal } from "./decimal.ts";
 * console.log(parseDecimal("-12.340")); // { units: -12340n, scale: 3 }
 * ```
 */
export function parseDecimal(text: string, what = "decimal"): ScaledDecimal {
  const m = DECIMAL_RE.exec(text);
  if (!m) {
    throw new DecimalError(what, text, "is not a decimal string (expected [-]digits[.digits])");
  }
  const frac = m[3] ?? "";
  const units = BigInt(m[2] + frac);
  return { units: m[1] ? -units : units, scale: frac.length };
}

/**
 * Formats `units / 10^scale` with exactly `scale` fractional digits, or with
 * trailing zeros removed when `trim` is set.
 *
 * @example
 * ```ts
 * import { formatScaled } from "./decimal.ts";
 * console.log(formatScaled(-5n, 2)); // "-0.05"
 * console.log(formatScaled(1500n, 3, true)); // "1.5"
 * ```
 */
export function formatScaled(units: bigint, scale: number, trim = false): string {
  const neg = units < 0n;
  let digits = (neg ? -units : units).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, "0");
    let int = digits.slice(0, digits.length - scale);
    let frac = digits.slice(digits.length - scale);
    if (trim) frac = frac.replace(/0+$/, "");
    if (int === "") int = "0";
    digits = frac === "" ? int : `${int}.${frac}`;
  }
  return neg && units !== 0n ? `-${digits}` : digits;
}

/**
 * Parses a decimal string into an integer count of `10^-scale`, refusing
 * values with more fractional digits than `scale` (trailing zeros are fine).
 *
 * @throws {DecimalError} when the text is malformed or too precise
 *
 * @example
 * ```ts
 * import { decimalToScaled } from "./decimal.ts";
 * console.log(decimalToScaled("1.5", 8)); // 150000000n
 * ```
 */
export function decimalToScaled(text: string, scale: number, what = "decimal"): bigint {
  const d = parseDecimal(text, what);
  if (d.scale <= scale) return d.units * pow10(scale - d.scale);
  const f = pow10(d.scale - scale);
  if (d.units % f !== 0n) {
    throw new DecimalError(what, text, `has more than ${scale} fractional digits`);
  }
  return d.units / f;
}

/**
 * Parses a positive step size ("0.01", "0.5", "5") for tick/lot conversions.
 *
 * @throws {DecimalError} when the text is malformed or not > 0
 *
 * @example
 * ```ts
 * import { parseStep } from "./decimal.ts";
 * console.log(parseStep("0.25", "tickSize")); // { units: 25n, scale: 2 }
 * ```
 */
export function parseStep(text: string, what = "step"): ScaledDecimal {
  const d = parseDecimal(text, what);
  if (d.units <= 0n) throw new DecimalError(what, text, "is not > 0");
  return d;
}

/**
 * Converts a decimal string to an exact integer multiple of `step`
 * (`text = n × step`), e.g. a price to ticks or a quantity to lots.
 *
 * @param text the value
 * @param step the positive step size as a decimal string (or pre-parsed)
 * @param what names the value in error messages ("price of BTCUSDT")
 * @throws {DecimalError} when the text is malformed or not a whole multiple
 *
 * @example
 * ```ts
 * import { decimalToMultiple } from "./decimal.ts";
 * console.log(decimalToMultiple("0.0030", "0.001", "qty")); // 3n
 * console.log(decimalToMultiple("-1.5", "0.5", "price")); // -3n
 * ```
 */
export function decimalToMultiple(
  text: string,
  step: string | ScaledDecimal,
  what = "decimal",
): bigint {
  const s = typeof step === "string" ? parseStep(step, `step of ${what}`) : step;
  const d = parseDecimal(text, what);
  // d.units/10^d.scale ÷ s.units/10^s.scale = d.units·10^s.scale / (s.units·10^d.scale)
  const num = d.units * pow10(s.scale);
  const den = s.units * pow10(d.scale);
  if (num % den !== 0n) {
    throw new DecimalError(
      what,
      text,
      `is not a multiple of ${formatScaled(s.units, s.scale, true)}`,
    );
  }
  return num / den;
}

/**
 * Formats `n × step` with the step's number of fractional digits.
 *
 * @example
 * ```ts
 * import { multipleToDecimal } from "./decimal.ts";
 * console.log(multipleToDecimal(2500050n, "0.01")); // "25000.50"
 * console.log(multipleToDecimal(-3n, "0.5")); // "-1.5"
 * ```
 */
export function multipleToDecimal(n: bigint, step: string | ScaledDecimal): string {
  const s = typeof step === "string" ? parseStep(step, "step") : step;
  return formatScaled(n * s.units, s.scale);
}

/**
 * `num / den` as a decimal string with `digits` fractional digits, rounded
 * half away from zero.
 *
 * @throws {RangeError} when `den` is 0
 *
 * @example
 * ```ts
 * import { divToDecimal } from "./decimal.ts";
 * console.log(divToDecimal(2n, 3n, 4)); // "0.6667"
 * console.log(divToDecimal(-1n, 8n, 2)); // "-0.13"
 * ```
 */
export function divToDecimal(num: bigint, den: bigint, digits: number): string {
  return formatScaled(divRoundHalfAway(num * pow10(digits), den), digits);
}

/**
 * Integer `num / den` rounded half away from zero.
 *
 * @throws {RangeError} when `den` is 0
 *
 * @example
 * ```ts
 * import { divRoundHalfAway } from "./decimal.ts";
 * console.log(divRoundHalfAway(5n, 2n)); // 3n
 * console.log(divRoundHalfAway(-5n, 2n)); // -3n
 * ```
 */
export function divRoundHalfAway(num: bigint, den: bigint): bigint {
  if (den === 0n) throw new RangeError(`divRoundHalfAway: division of ${num} by zero`);
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const neg = num < 0n;
  const a = neg ? -num : num;
  const q = (2n * a + den) / (2n * den);
  return neg ? -q : q;
}
