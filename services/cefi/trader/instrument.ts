/**
 * Instrument specs and the exact conversions between venue decimal strings
 * and the integer units used inside the trader:
 *
 * - price = ticks × tickSize
 * - quantity (base) = lots × lotSize
 * - notional (quote) = ticks × lots × tickSize × lotSize, i.e. one
 *   "tick·lot" unit is `tickSize × lotSize` of the quote asset. Position PnL
 *   is kept in tick·lot units; {@link tickLotsToMoney} turns it into money
 *   units (10^-18 quote, see `money.ts`) exactly.
 *
 * Only linear instruments are modelled (spot and USDT-margined style
 * perpetuals/futures, PnL in the quote asset); inverse contracts are not.
 *
 * @example
 * ```ts
 * import { instrument, lotsToQty, priceToTicks, qtyToLots } from "./instrument.ts";
 * const btc = instrument({
 *   symbol: "BTCUSDT", baseAsset: "BTC", quoteAsset: "USDT", tickSize: "0.1", lotSize: "0.001",
 * });
 * console.log(priceToTicks(btc, "65000.5")); // 650005n
 * console.log(lotsToQty(btc, qtyToLots(btc, "0.25"))); // "0.250"
 * ```
 * @module
 */
import {
  DecimalError,
  decimalToMultiple,
  formatScaled,
  multipleToDecimal,
  parseStep,
  pow10,
  type ScaledDecimal,
} from "./decimal.ts";
import { MONEY_SCALE } from "./money.ts";

/** How fills move balances: spot trades both assets, linear settles PnL in quote. */
export type InstrumentKind = "spot" | "linear";

/** What a venue says about an instrument (decimal strings as the venue prints them). */
export interface InstrumentSpecInput {
  /** Venue spelling ("BTCUSDT"). */
  symbol: string;
  baseAsset: string;
  quoteAsset: string;
  /** Price increment, decimal string > 0. */
  tickSize: string;
  /** Quantity increment in base units, decimal string > 0. */
  lotSize: string;
  /** Default "spot". */
  kind?: InstrumentKind;
}

/** A validated instrument with its steps parsed. Build with {@link instrument}. */
export interface InstrumentSpec extends Required<InstrumentSpecInput> {
  readonly tick: ScaledDecimal;
  readonly lot: ScaledDecimal;
  /** Money units (10^-18 quote) per tick·lot. */
  readonly moneyPerTickLot: bigint;
  /** Money units (10^-18 base) per lot. */
  readonly moneyPerLot: bigint;
}

/**
 * Validates an instrument description and parses its steps.
 *
 * @throws {DecimalError} when tickSize/lotSize are not positive decimals or
 *   together have more than 18 fractional digits
 *
 * @example
 * ```ts
 * import { instrument } from "./instrument.ts";
 * const eth = instrument({
 *   symbol: "ETHUSDT", baseAsset: "ETH", quoteAsset: "USDT", tickSize: "0.01", lotSize: "0.0001",
 *   kind: "linear",
 * });
 * console.log(eth.moneyPerTickLot); // 1000000000000n (= 1e-6 USDT)
 * ```
 */
export function instrument(input: InstrumentSpecInput): InstrumentSpec {
  const tick = parseStep(input.tickSize, `tickSize of ${input.symbol}`);
  const lot = parseStep(input.lotSize, `lotSize of ${input.symbol}`);
  if (tick.scale + lot.scale > MONEY_SCALE) {
    throw new DecimalError(
      `tickSize × lotSize of ${input.symbol}`,
      `${input.tickSize} × ${input.lotSize}`,
      `has more than ${MONEY_SCALE} fractional digits`,
    );
  }
  return {
    symbol: input.symbol,
    baseAsset: input.baseAsset,
    quoteAsset: input.quoteAsset,
    tickSize: input.tickSize,
    lotSize: input.lotSize,
    kind: input.kind ?? "spot",
    tick,
    lot,
    moneyPerTickLot: tick.units * lot.units * pow10(MONEY_SCALE - tick.scale - lot.scale),
    moneyPerLot: lot.units * pow10(MONEY_SCALE - lot.scale),
  };
}

/**
 * A price decimal string as ticks.
 *
 * @throws {DecimalError} when malformed or not a multiple of tickSize
 *
 * @example
 * ```ts
 * import { instrument, priceToTicks } from "./instrument.ts";
 * const s = instrument({ symbol: "X", baseAsset: "B", quoteAsset: "Q", tickSize: "0.5", lotSize: "1" });
 * console.log(priceToTicks(s, "101.5")); // 203n
 * ```
 */
export function priceToTicks(spec: InstrumentSpec, price: string): bigint {
  return decimalToMultiple(price, spec.tick, `price of ${spec.symbol}`);
}

/**
 * A base quantity decimal string as lots.
 *
 * @throws {DecimalError} when malformed or not a multiple of lotSize
 *
 * @example
 * ```ts
 * import { instrument, qtyToLots } from "./instrument.ts";
 * const s = instrument({ symbol: "X", baseAsset: "B", quoteAsset: "Q", tickSize: "1", lotSize: "0.01" });
 * console.log(qtyToLots(s, "1.23")); // 123n
 * ```
 */
export function qtyToLots(spec: InstrumentSpec, qty: string): bigint {
  return decimalToMultiple(qty, spec.lot, `quantity of ${spec.symbol}`);
}

/**
 * Ticks as a price decimal string (tickSize's fractional digits).
 *
 * @example
 * ```ts
 * import { instrument, ticksToPrice } from "./instrument.ts";
 * const s = instrument({ symbol: "X", baseAsset: "B", quoteAsset: "Q", tickSize: "0.01", lotSize: "1" });
 * console.log(ticksToPrice(s, 12340n)); // "123.40"
 * ```
 */
export function ticksToPrice(spec: InstrumentSpec, ticks: bigint): string {
  return multipleToDecimal(ticks, spec.tick);
}

/**
 * Lots as a base quantity decimal string (lotSize's fractional digits).
 *
 * @example
 * ```ts
 * import { instrument, lotsToQty } from "./instrument.ts";
 * const s = instrument({ symbol: "X", baseAsset: "B", quoteAsset: "Q", tickSize: "1", lotSize: "0.001" });
 * console.log(lotsToQty(s, -1500n)); // "-1.500"
 * ```
 */
export function lotsToQty(spec: InstrumentSpec, lots: bigint): string {
  return multipleToDecimal(lots, spec.lot);
}

/**
 * tick·lot units (notional, PnL) as money units of the quote asset, exactly.
 *
 * @example
 * ```ts
 * import { instrument, tickLotsToMoney } from "./instrument.ts";
 * import { formatMoney } from "./money.ts";
 * const s = instrument({ symbol: "X", baseAsset: "B", quoteAsset: "Q", tickSize: "0.1", lotSize: "0.01" });
 * console.log(formatMoney(tickLotsToMoney(s, 150n))); // "0.15"
 * ```
 */
export function tickLotsToMoney(spec: InstrumentSpec, tickLots: bigint): bigint {
  return tickLots * spec.moneyPerTickLot;
}

/**
 * tick·lot units as a quote decimal string with `tickSize × lotSize` digits.
 *
 * @example
 * ```ts
 * import { instrument, tickLotsToQuote } from "./instrument.ts";
 * const s = instrument({ symbol: "X", baseAsset: "B", quoteAsset: "Q", tickSize: "0.1", lotSize: "0.01" });
 * console.log(tickLotsToQuote(s, -150n)); // "-0.150"
 * ```
 */
export function tickLotsToQuote(spec: InstrumentSpec, tickLots: bigint): string {
  return formatScaled(
    tickLots * spec.tick.units * spec.lot.units,
    spec.tick.scale + spec.lot.scale,
  );
}
