/**
 * Money: amounts of one asset (balances, fees, PnL in quote) as a bigint
 * count of 10^-18 of the asset ("atto-units"). Exact for every decimal string
 * with at most 18 fractional digits, which covers every venue's precision;
 * sums of fees, balances and PnL never round.
 *
 * Position arithmetic itself runs in ticks and lots (see `position_math.ts`)
 * and is converted to money only where it meets fees or balances (see
 * `instrument.ts`, {@link MONEY_SCALE}).
 *
 * @example
 * ```ts
 * import { formatMoney, parseMoney } from "./money.ts";
 * const fee = parseMoney("0.00012", "fee");
 * console.log(formatMoney(fee * 3n)); // "0.00036"
 * ```
 * @module
 */
import { decimalToScaled, formatScaled, pow10 } from "./decimal.ts";

/** Fractional digits of money units: 1 money unit = 10^-18 of the asset. */
export const MONEY_SCALE = 18;

/** 10^18: money units per whole unit of an asset. */
export const MONEY_ONE: bigint = pow10(MONEY_SCALE);

/**
 * Parses a decimal string into money units.
 *
 * @throws {DecimalError} when malformed or more precise than 18 digits
 *
 * @example
 * ```ts
 * import { parseMoney } from "./money.ts";
 * console.log(parseMoney("-1.5")); // -1500000000000000000n
 * ```
 */
export function parseMoney(text: string, what = "amount"): bigint {
  return decimalToScaled(text, MONEY_SCALE, what);
}

/**
 * Formats money units as a decimal string without trailing zeros.
 *
 * @example
 * ```ts
 * import { formatMoney } from "./money.ts";
 * console.log(formatMoney(2500000000000000000n)); // "2.5"
 * ```
 */
export function formatMoney(units: bigint): string {
  return formatScaled(units, MONEY_SCALE, true);
}
