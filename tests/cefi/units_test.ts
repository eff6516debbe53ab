/**
 * Exact decimal <-> ticks/lots/money conversions: spec cases, error messages
 * and round-trip properties.
 */
import fc from "fast-check";
import { deepEqual, equal, throws } from "node:assert/strict";
import {
  DecimalError,
  decimalToMultiple,
  decimalToScaled,
  divRoundHalfAway,
  divToDecimal,
  formatScaled,
  multipleToDecimal,
  parseDecimal,
} from "../../services/cefi/trader/decimal.ts";
import {
  instrument,
  lotsToQty,
  priceToTicks,
  qtyToLots,
  tickLotsToMoney,
  tickLotsToQuote,
  ticksToPrice,
} from "../../services/cefi/trader/instrument.ts";
import { formatMoney, parseMoney } from "../../services/cefi/trader/money.ts";

const RUNS = 1000;
const btc = instrument({
  symbol: "BTCUSDT",
  baseAsset: "BTC",
  quoteAsset: "USDT",
  tickSize: "0.10",
  lotSize: "0.00001",
});

Deno.test("decimal: parse and format exactly", () => {
  deepEqual(parseDecimal("0.00012"), { units: 12n, scale: 5 });
  deepEqual(parseDecimal("-3"), { units: -3n, scale: 0 });
  deepEqual(parseDecimal("25000.50"), { units: 2500050n, scale: 2 });
  deepEqual(parseDecimal("-0.0"), { units: 0n, scale: 1 });
  equal(formatScaled(0n, 3), "0.000");
  equal(formatScaled(-1n, 3), "-0.001");
  equal(formatScaled(-1000n, 3, true), "-1");
  equal(formatScaled(123n, 0), "123");
  for (const bad of ["", "1e5", "+1", " 1", ".5", "1.", "--1", "1,5", "0x10", "NaN", "1.2.3"]) {
    throws(() => parseDecimal(bad, "price"), DecimalError, `accepted ${JSON.stringify(bad)}`);
  }
  throws(
    () => parseDecimal("1e5", "price of X"),
    /Cannot convert price of X: "1e5" is not a decimal string/,
  );
});

Deno.test("decimal: to ticks and lots, exact, refusing non-multiples with a clear message", () => {
  equal(priceToTicks(btc, "65000.1"), 650001n);
  equal(priceToTicks(btc, "65000.10000"), 650001n);
  equal(qtyToLots(btc, "0.00120"), 120n);
  equal(qtyToLots(btc, "-2"), -200000n);
  equal(ticksToPrice(btc, 650001n), "65000.10");
  equal(lotsToQty(btc, 120n), "0.00120");
  throws(
    () => priceToTicks(btc, "65000.15"),
    /Cannot convert price of BTCUSDT: "65000.15" is not a multiple of 0.1/,
  );
  throws(
    () => qtyToLots(btc, "0.000005"),
    /Cannot convert quantity of BTCUSDT: "0.000005" is not a multiple of 0.00001/,
  );
  equal(decimalToMultiple("7.5", "2.5"), 3n);
  equal(decimalToMultiple("-7.5", "2.5"), -3n);
  throws(() => decimalToMultiple("1", "0"), /step of decimal: "0" is not > 0/);
  throws(() => decimalToMultiple("1", "-0.1"), /is not > 0/);
  equal(multipleToDecimal(-7n, "0.25"), "-1.75");
});

Deno.test("decimal: scaled parsing, rounding division", () => {
  equal(decimalToScaled("1.50", 1), 15n);
  throws(
    () => decimalToScaled("1.55", 1, "fee"),
    /Cannot convert fee: "1.55" has more than 1 fractional digits/,
  );
  equal(divRoundHalfAway(7n, 2n), 4n);
  equal(divRoundHalfAway(-7n, 2n), -4n);
  equal(divRoundHalfAway(7n, -2n), -4n);
  equal(divRoundHalfAway(5n, 3n), 2n);
  equal(divToDecimal(1n, 3n, 3), "0.333");
  equal(divToDecimal(-2n, 3n, 0), "-1");
  throws(() => divRoundHalfAway(1n, 0n), /division of 1 by zero/);
});

Deno.test("money and instruments: tick·lot units to quote, 18-digit limit", () => {
  // 1 tick·lot = 0.1 × 0.00001 = 0.000001 USDT
  equal(tickLotsToMoney(btc, 1n), 10n ** 12n);
  equal(formatMoney(tickLotsToMoney(btc, 650001n * 120n)), "78.00012");
  equal(tickLotsToQuote(btc, 650001n * 120n), "78.0001200");
  equal(parseMoney("0.000000000000000001"), 1n);
  throws(() => parseMoney("0.0000000000000000001", "fee"), /more than 18 fractional digits/);
  throws(
    () =>
      instrument({
        symbol: "TINY",
        baseAsset: "A",
        quoteAsset: "B",
        tickSize: "0.0000000001",
        lotSize: "0.000000001",
      }),
    /tickSize × lotSize of TINY: "0.0000000001 × 0.000000001" has more than 18 fractional digits/,
  );
  throws(
    () => instrument({ symbol: "Z", baseAsset: "A", quoteAsset: "B", tickSize: "0", lotSize: "1" }),
    /tickSize of Z: "0" is not > 0/,
  );
  equal(
    instrument({ symbol: "S", baseAsset: "A", quoteAsset: "B", tickSize: "1", lotSize: "1" }).kind,
    "spot",
  );
});

Deno.test("decimal property: n × step formats and parses back to n; off-step values are refused", () => {
  const step = fc.record({
    units: fc.bigInt({ min: 1n, max: 999n }),
    scale: fc.nat({ max: 9 }),
  }).map(({ units, scale }) => formatScaled(units, scale, true));
  fc.assert(
    fc.property(step, fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), (s, n) => {
      const text = multipleToDecimal(n, s);
      equal(decimalToMultiple(text, s), n);
      // extra trailing zeros change nothing
      const padded = text.includes(".") ? `${text}00` : `${text}.00`;
      equal(decimalToMultiple(padded, s), n);
      // adding one unit of the next decimal digit makes it a non-multiple
      const { units, scale } = parseDecimal(text);
      const off = formatScaled(units * 10n + 1n, scale + 1);
      throws(() => decimalToMultiple(off, s), DecimalError);
    }),
    { numRuns: RUNS },
  );
});

Deno.test("money property: parse(format(x)) = x for every 18-digit amount", () => {
  fc.assert(
    fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), (x) => {
      equal(parseMoney(formatMoney(x)), x);
    }),
    { numRuns: RUNS },
  );
});
