/**
 * MiniPMS tests: position arithmetic against an independent exact-rational
 * average-cost model written here (not the PMS code), flips through zero,
 * fees and balances, reconciliation diffs, and the risk checks (also wired
 * into the MiniOMS).
 */
import fc from "fast-check";
import { deepEqual, equal, match, ok, throws } from "node:assert/strict";
import { instrument, type InstrumentSpecInput } from "../../services/cefi/trader/instrument.ts";
import { MiniOMS } from "../../services/cefi/trader/mini_oms.ts";
import { MiniPMS } from "../../services/cefi/trader/mini_pms.ts";

const V = "binance";
const RUNS = 1000;

function pmsWith(over: Partial<InstrumentSpecInput> = {}, symbol = "ETHUSDT") {
  const pms = new MiniPMS();
  pms.addInstrument(
    V,
    instrument({
      symbol,
      baseAsset: "ETH",
      quoteAsset: "USDT",
      tickSize: "0.01",
      lotSize: "0.001",
      ...over,
    }),
  );
  return pms;
}

// ------------------------------------------------------- independent model

/** A rational n/d with d > 0. */
interface Q {
  n: bigint;
  d: bigint;
}
const absB = (x: bigint) => (x < 0n ? -x : x);
function gcd(a: bigint, b: bigint): bigint {
  a = absB(a);
  b = absB(b);
  while (b) [a, b] = [b, a % b];
  return a || 1n;
}
function q(n: bigint, d = 1n): Q {
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d);
  return { n: n / g, d: d / g };
}
const add = (a: Q, b: Q) => q(a.n * b.d + b.n * a.d, a.d * b.d);
const sub = (a: Q, b: Q) => q(a.n * b.d - b.n * a.d, a.d * b.d);
const mul = (a: Q, b: Q) => q(a.n * b.n, a.d * b.d);

/**
 * Textbook average-cost accounting with exact fractions: the average price
 * moves only when the position grows; closing realizes (price − avg) per lot
 * closed; crossing zero re-opens the remainder at the fill price.
 */
class Model {
  pos = 0n;
  avg: Q = q(0n);
  realized: Q = q(0n);
  cash = 0n;
  /** Partially closing fills since the position was last flat or flipped. */
  partials = 0;

  fill(d: bigint, p: bigint): void {
    this.cash -= p * d;
    if (this.pos === 0n || (this.pos > 0n) === (d > 0n)) {
      const newPos = this.pos + d;
      // new avg = (avg·|pos| + p·|d|) / |pos + d|
      this.avg = q(
        this.avg.n * absB(this.pos) + p * absB(d) * this.avg.d,
        this.avg.d * absB(newPos),
      );
      this.pos = newPos;
      return;
    }
    const held = absB(this.pos);
    const closed = absB(d) < held ? absB(d) : held;
    const sign = this.pos > 0n ? 1n : -1n;
    this.realized = add(this.realized, mul(sub(q(p), this.avg), q(closed * sign)));
    if (absB(d) < held) {
      this.pos += d;
      this.partials++;
    } else if (absB(d) === held) {
      this.pos = 0n;
      this.avg = q(0n);
      this.partials = 0;
    } else {
      this.pos += d;
      this.avg = q(p);
      this.partials = 0;
    }
  }
}

// ------------------------------------------------------------- properties

const fillArb = fc.record({
  buy: fc.boolean(),
  lots: fc.bigInt({ min: 1n, max: 50n }),
  price: fc.bigInt({ min: 1n, max: 10_000n }),
  /** quote fee in 10^-8 USDT (negative = rebate), or a BNB fee */
  fee: fc.bigInt({ min: -1000n, max: 100_000n }),
  bnb: fc.nat({ max: 4 }).map((x) => x === 0),
});

function fee8(k: bigint): string {
  const neg = k < 0n;
  const s = absB(k).toString().padStart(9, "0");
  return `${neg ? "-" : ""}${s.slice(0, -8)}.${s.slice(-8)}`;
}

Deno.test("pms property: position, realized, avg price and total PnL match the rational model", () => {
  fc.assert(
    fc.property(
      fc.array(fillArb, { minLength: 1, maxLength: 30, size: "max" }),
      fc.bigInt({ min: 1n, max: 10_000n }),
      (fills, mark) => {
        const pms = pmsWith({ kind: "spot" });
        const m = new Model();
        let quoteFees = 0n; // 10^-8 USDT
        let bnbFees = 0n;
        let baseLots = 0n;
        let i = 0;
        for (const f of fills) {
          const d = f.buy ? f.lots : -f.lots;
          const r = pms.applyFill({
            venue: V,
            symbol: "ETHUSDT",
            side: f.buy ? "BUY" : "SELL",
            lots: f.lots,
            priceTicks: f.price,
            fee: fee8(f.fee),
            feeAsset: f.bnb ? "BNB" : "USDT",
            tradeId: `T${i++}`,
            tsNs: BigInt(i),
          });
          ok(r.applied);
          m.fill(d, f.price);
          baseLots += d;
          if (f.bnb) bnbFees += f.fee;
          else quoteFees += f.fee;
          pms.setMark(V, "ETHUSDT", mark, BigInt(i));
          const p = pms.position(V, "ETHUSDT");
          equal(p.lots, m.pos);
          // total PnL is exact: realized + unrealized = cash flow + mark value
          equal(p.realizedPnl + p.unrealizedPnl, m.cash + mark * m.pos);
          equal(p.realizedPnl - p.cost, m.cash);
          // split differs from the rational one by < 1 tick·lot per partial close
          const err = sub(q(p.realizedPnl), m.realized);
          if (m.partials === 0) {
            deepEqual(
              err,
              q(0n),
              `realized ${p.realizedPnl} vs model ${m.realized.n}/${m.realized.d}`,
            );
          } else {
            ok(
              absB(err.n) < BigInt(m.partials) * err.d,
              `error ${err.n}/${err.d} >= ${m.partials}`,
            );
          }
          const costErr = sub(q(p.cost), mul(m.avg, q(m.pos)));
          deepEqual(costErr, err, "cost basis carries exactly the realized rounding");
          if (m.pos === 0n) {
            equal(p.cost, 0n);
            equal(p.avgEntryPrice, undefined);
          }
          // fees: quote fees against net PnL, others tracked apart (money = 10^-18)
          equal(p.feesQuote, quoteFees * 10n ** 10n);
          equal(p.feesOther.BNB ?? 0n, bnbFees * 10n ** 10n);
          // 1 tick·lot = 0.01 × 0.001 USDT = 10^13 money units
          equal(p.netPnl, (p.realizedPnl + p.unrealizedPnl) * 10n ** 13n - quoteFees * 10n ** 10n);
        }
        // spot balances: base moves by the lots, quote by the cash flow, fees debit their asset
        equal(pms.balance(V, "ETH"), baseLots * 10n ** 15n);
        equal(pms.balance(V, "USDT"), m.cash * 10n ** 13n - quoteFees * 10n ** 10n);
        equal(pms.balance(V, "BNB"), -bnbFees * 10n ** 10n);
      },
    ),
    { numRuns: RUNS },
  );
});

Deno.test("pms property: linear instruments settle realized PnL into the quote balance", () => {
  fc.assert(
    fc.property(fc.array(fillArb, { minLength: 1, maxLength: 30, size: "max" }), (fills) => {
      const pms = pmsWith({ kind: "linear" }, "ETHUSDT-PERP");
      let fees = 0n;
      for (const f of fills) {
        pms.applyFill({
          venue: V,
          symbol: "ETHUSDT-PERP",
          side: f.buy ? "BUY" : "SELL",
          lots: f.lots,
          priceTicks: f.price,
          fee: fee8(f.fee),
          tsNs: 1n,
        });
        fees += f.fee;
      }
      const p = pms.position(V, "ETHUSDT-PERP");
      equal(pms.balance(V, "USDT"), p.realizedPnl * 10n ** 13n - fees * 10n ** 10n);
      equal(pms.balance(V, "ETH"), 0n);
    }),
    { numRuns: RUNS },
  );
});

// ------------------------------------------------------------ hand cases

Deno.test("pms: average price, partial close, flip long -> short -> flat (hand computed)", () => {
  const pms = pmsWith({ tickSize: "1", lotSize: "1" });
  const f = (side: "BUY" | "SELL", lots: bigint, price: bigint) =>
    pms.applyFill({ venue: V, symbol: "ETHUSDT", side, lots, priceTicks: price, tsNs: 0n });
  f("BUY", 3n, 100n);
  f("BUY", 1n, 104n);
  equal(pms.position(V, "ETHUSDT").avgEntryPrice, "101.0000");
  const r1 = f("SELL", 2n, 110n); // realize (110 − 101) × 2
  ok(r1.applied && r1.realizedDelta === 18n);
  equal(pms.position(V, "ETHUSDT").avgEntryPrice, "101.0000");
  const r2 = f("SELL", 4n, 95n); // close 2 at −6 each, then short 2 @ 95
  ok(r2.applied && r2.realizedDelta === -12n);
  let p = pms.position(V, "ETHUSDT");
  deepEqual([p.lots, p.avgEntryPrice, p.realizedPnl, p.cost], [-2n, "95.0000", 6n, -190n]);
  const r3 = f("BUY", 5n, 90n); // cover 2 at +5 each, flip long 3 @ 90
  ok(r3.applied && r3.realizedDelta === 10n);
  p = pms.position(V, "ETHUSDT");
  deepEqual([p.lots, p.avgEntryPrice, p.realizedPnl], [3n, "90.0000", 16n]);
  f("SELL", 3n, 90n);
  p = pms.position(V, "ETHUSDT");
  deepEqual([p.lots, p.avgEntryPrice, p.realizedPnl, p.cost, p.fills], [0n, undefined, 16n, 0n, 6]);
  equal(p.volumeLots, 18n);
});

Deno.test("pms: a non-integer average is carried exactly in the cost basis; flat is exact", () => {
  const pms = pmsWith({ tickSize: "1", lotSize: "1" });
  const f = (side: "BUY" | "SELL", lots: bigint, price: bigint) =>
    pms.applyFill({ venue: V, symbol: "ETHUSDT", side, lots, priceTicks: price, tsNs: 0n });
  f("BUY", 1n, 100n);
  f("BUY", 2n, 101n); // avg 100.666…
  equal(pms.position(V, "ETHUSDT").avgEntryPrice, "100.6667");
  f("SELL", 1n, 102n); // exact 1.333…; basis removed 302·1/3 truncated = 100
  let p = pms.position(V, "ETHUSDT");
  deepEqual([p.realizedPnl, p.cost], [2n, 202n]);
  f("SELL", 2n, 102n);
  p = pms.position(V, "ETHUSDT");
  equal(p.realizedPnl, 4n, "= the cash flow −100 −202 +102 +204");
});

Deno.test("pms: short average and unrealized PnL in quote with tick·lot units", () => {
  const pms = pmsWith(); // tick 0.01, lot 0.001 -> 1 tick·lot = 0.00001 USDT
  pms.applyFill({
    venue: V,
    symbol: "ETHUSDT",
    side: "SELL",
    lots: 1500n,
    priceTicks: 300_050n,
    tsNs: 0n,
  });
  pms.setMark(V, "ETHUSDT", 299_000n, 1n);
  const p = pms.position(V, "ETHUSDT");
  deepEqual([p.qty, p.avgEntryPrice, p.unrealizedPnlQuote], ["-1.500", "3000.500000", "15.75000"]);
  equal(p.netPnlQuote, "15.75");
});

Deno.test("pms: fees in quote, in another asset, and rebates", () => {
  const pms = pmsWith();
  pms.setBalance(V, "USDT", "1000");
  pms.setBalance(V, "BNB", "1");
  const base = { venue: V, symbol: "ETHUSDT", priceTicks: 200_000n, tsNs: 0n };
  pms.applyFill({ ...base, side: "BUY", lots: 100n, fee: "0.2", feeAsset: "USDT", tradeId: "a" });
  pms.applyFill({ ...base, side: "SELL", lots: 50n, fee: "0.0003", feeAsset: "BNB", tradeId: "b" });
  pms.applyFill({ ...base, side: "SELL", lots: 50n, fee: "-0.05", tradeId: "c" }); // maker rebate
  const p = pms.position(V, "ETHUSDT");
  equal(p.feesQuote, 150_000_000_000_000_000n); // 0.2 − 0.05
  deepEqual(p.feesOther, { BNB: 300_000_000_000_000n });
  equal(p.netPnlQuote, "-0.15");
  deepEqual(pms.balances(V), { USDT: "999.85", BNB: "0.9997", ETH: "0" });
  deepEqual(pms.totals(), {
    USDT: {
      realized: 0n,
      unrealized: 0n,
      fees: 150_000_000_000_000_000n,
      net: -150_000_000_000_000_000n,
    },
  });
});

Deno.test("pms: duplicate trade ids are ignored; bad input fails with what/where/value", () => {
  const pms = pmsWith();
  const f = {
    venue: V,
    symbol: "ETHUSDT",
    side: "BUY" as const,
    lots: 1n,
    priceTicks: 1n,
    tradeId: "x",
    tsNs: 0n,
  };
  ok(pms.applyFill(f).applied);
  const d = pms.applyFill(f);
  ok(!d.applied && d.reason === "duplicate_trade");
  equal(pms.duplicateFills, 1);
  equal(pms.position(V, "ETHUSDT").lots, 1n);
  throws(
    () => pms.applyFill({ ...f, symbol: "XRPUSDT" }),
    /instrument binance\/XRPUSDT is not registered/,
  );
  throws(() => pms.applyFill({ ...f, tradeId: "y", lots: 0n }), /lots 0 is not > 0/);
  throws(
    () => pms.applyFill({ ...f, tradeId: "z", fee: "1e-3" }),
    /Cannot convert fee of trade z on ETHUSDT: "1e-3" is not a decimal string/,
  );
  throws(() => pms.position(V, "NOPE"), /NOPE is not registered/);
});

// -------------------------------------------------------- reconciliation

Deno.test("pms reconcile: per-instrument diff (ours, venue, delta), missing sides count as flat", () => {
  const pms = pmsWith();
  pms.addInstrument(
    V,
    instrument({
      symbol: "BTCUSDT",
      baseAsset: "BTC",
      quoteAsset: "USDT",
      tickSize: "0.1",
      lotSize: "0.0001",
    }),
  );
  pms.addInstrument(
    V,
    instrument({
      symbol: "SOLUSDT",
      baseAsset: "SOL",
      quoteAsset: "USDT",
      tickSize: "0.01",
      lotSize: "0.1",
    }),
  );
  pms.applyFill({
    venue: V,
    symbol: "ETHUSDT",
    side: "BUY",
    lots: 2000n,
    priceTicks: 300_000n,
    tsNs: 0n,
  });
  pms.applyFill({
    venue: V,
    symbol: "SOLUSDT",
    side: "SELL",
    lots: 30n,
    priceTicks: 15_000n,
    tsNs: 0n,
  });
  const diff = pms.reconcilePositions(V, [
    { symbol: "ETHUSDT", qty: "2.000" },
    { symbol: "BTCUSDT", qty: "-0.0500", avgEntryPrice: "65000.5" },
  ], 10n);
  deepEqual(
    diff.map((d) => [d.symbol, d.oursQty, d.venueQty, d.deltaQty, d.adopted]),
    [
      ["BTCUSDT", "0.0000", "-0.0500", "-0.0500", false],
      ["ETHUSDT", "2.000", "2.000", "0.000", false],
      ["SOLUSDT", "-3.0", "0.0", "3.0", false],
    ],
  );
  equal(diff[1].oursAvgEntryPrice, "3000.000000");
  equal(pms.position(V, "BTCUSDT").lots, 0n, "not adopted without the option");
});

Deno.test("pms reconcile: adopt takes the venue's quantity and cost basis, keeps realized", () => {
  const pms = pmsWith();
  pms.addInstrument(
    V,
    instrument({
      symbol: "BTCUSDT",
      baseAsset: "BTC",
      quoteAsset: "USDT",
      tickSize: "0.1",
      lotSize: "0.0001",
    }),
  );
  pms.addInstrument(
    V,
    instrument({
      symbol: "SOLUSDT",
      baseAsset: "SOL",
      quoteAsset: "USDT",
      tickSize: "0.01",
      lotSize: "0.1",
    }),
  );
  const fill = (symbol: string, side: "BUY" | "SELL", lots: bigint, priceTicks: bigint) =>
    pms.applyFill({ venue: V, symbol, side, lots, priceTicks, tsNs: 0n });
  fill("ETHUSDT", "BUY", 2000n, 300_000n);
  fill("ETHUSDT", "SELL", 1000n, 310_000n); // realized 100 USDT, long 1.000 @ 3000
  fill("SOLUSDT", "SELL", 30n, 15_000n);
  pms.setMark(V, "SOLUSDT", 14_000n, 1n);
  const diff = pms.reconcilePositions(
    V,
    [
      { symbol: "ETHUSDT", qty: "1.500" }, // same side, no avg: our average scaled
      { symbol: "BTCUSDT", qty: "-0.0501", avgEntryPrice: "65000.55" }, // avg given
    ],
    10n,
    { adopt: true },
  );
  deepEqual(diff.map((d) => [d.symbol, d.adopted]), [["BTCUSDT", true], ["ETHUSDT", true], [
    "SOLUSDT",
    true,
  ]]);
  const eth = pms.position(V, "ETHUSDT");
  deepEqual([eth.qty, eth.avgEntryPrice, eth.realizedPnlQuote], [
    "1.500",
    "3000.000000",
    "100.00000",
  ]);
  const btc = pms.position(V, "BTCUSDT");
  // 65000.55 / 0.1 × −501 lots = −325652755.5 tick·lots, rounded half away from zero
  deepEqual([btc.qty, btc.cost, btc.avgEntryPrice], ["-0.0501", -325652756n, "65000.55010"]);
  deepEqual([pms.position(V, "SOLUSDT").lots, pms.position(V, "SOLUSDT").cost], [0n, 0n]);
});

Deno.test("pms reconcile: adopting with no basis fails before changing anything", () => {
  const pms = pmsWith();
  pms.addInstrument(
    V,
    instrument({
      symbol: "BTCUSDT",
      baseAsset: "BTC",
      quoteAsset: "USDT",
      tickSize: "0.1",
      lotSize: "0.0001",
    }),
  );
  throws(
    () =>
      pms.reconcilePositions(
        V,
        [
          { symbol: "ETHUSDT", qty: "1.000", avgEntryPrice: "3000" },
          { symbol: "BTCUSDT", qty: "0.0100" },
        ],
        1n,
        { adopt: true },
      ),
    /Cannot adopt venue position 0.0100 of binance\/BTCUSDT: no average entry price/,
  );
  equal(pms.position(V, "ETHUSDT").lots, 0n, "nothing adopted");
  throws(
    () => pms.reconcilePositions(V, [{ symbol: "ETHUSDT", qty: "1.0005" }], 1n),
    /not a multiple of 0.001/,
  );
  throws(
    () => pms.reconcilePositions(V, [{ symbol: "DOGE", qty: "1" }], 1n),
    /DOGE is not registered/,
  );
});

Deno.test("pms reconcile: balances diff per asset and adopt", () => {
  const pms = pmsWith();
  pms.setBalance(V, "USDT", "1000.5");
  pms.setBalance(V, "ETH", "2");
  const d = pms.reconcileBalances(V, [{ asset: "USDT", total: "1000.25" }, {
    asset: "BNB",
    total: "0.1",
  }]);
  deepEqual(d.map((x) => [x.asset, x.oursText, x.venueText, x.deltaText, x.adopted]), [
    ["BNB", "0", "0.1", "0.1", false],
    ["ETH", "2", "0", "-2", false],
    ["USDT", "1000.5", "1000.25", "-0.25", false],
  ]);
  pms.reconcileBalances(V, [{ asset: "USDT", total: "1000.25" }], { adopt: true });
  deepEqual(pms.balances(V), { USDT: "1000.25", ETH: "0" });
  pms.adjustBalance(V, "USDT", "-0.25");
  equal(pms.balances(V).USDT, "1000");
});

// ------------------------------------------------------------------ risk

Deno.test("pms risk: max position on the worst case including open orders; reducing allowed", () => {
  const pms = pmsWith();
  pms.setRiskLimits(V, "ETHUSDT", { maxPosition: "2" });
  pms.applyFill({
    venue: V,
    symbol: "ETHUSDT",
    side: "BUY",
    lots: 1500n,
    priceTicks: 300_000n,
    tsNs: 0n,
  });
  const i = {
    venue: V,
    symbol: "ETHUSDT",
    priceTicks: 300_000n,
    openBuyLots: 0n,
    openSellLots: 0n,
  };
  ok(pms.checkOrder({ ...i, side: "BUY", lots: 500n }).ok);
  const d = pms.checkOrder({ ...i, side: "BUY", lots: 200n, openBuyLots: 400n });
  ok(!d.ok);
  if (!d.ok) {
    deepEqual([d.breach, d.limit, d.value], ["max_position", "2.000", "2.100"]);
    match(d.message, /worst-case \|position\| 2.100 ETH on binance\/ETHUSDT above 2.000/);
  }
  ok(pms.checkOrder({ ...i, side: "SELL", lots: 3000n }).ok, "1.5 -> -1.5 lowers |exposure|");
  const flip = pms.checkOrder({ ...i, side: "SELL", lots: 4000n });
  ok(!flip.ok && flip.breach === "max_position" && flip.value === "2.500");
  // over the limit already (e.g. after adoption): reducing still passes, adding does not
  pms.applyFill({
    venue: V,
    symbol: "ETHUSDT",
    side: "BUY",
    lots: 1500n,
    priceTicks: 300_000n,
    tsNs: 0n,
  });
  ok(pms.checkOrder({ ...i, side: "SELL", lots: 100n }).ok);
  ok(!pms.checkOrder({ ...i, side: "BUY", lots: 1n }).ok);
});

Deno.test("pms risk: max notional at the limit price, else the mark, else unpriced", () => {
  const pms = pmsWith();
  pms.setRiskLimits(V, "ETHUSDT", { maxNotional: "6000" });
  const i = {
    venue: V,
    symbol: "ETHUSDT",
    side: "BUY" as const,
    openBuyLots: 0n,
    openSellLots: 0n,
  };
  ok(pms.checkOrder({ ...i, lots: 2000n, priceTicks: 300_000n }).ok); // 2 × 3000 = 6000
  const d = pms.checkOrder({ ...i, lots: 2001n, priceTicks: 300_000n });
  ok(!d.ok);
  if (!d.ok) deepEqual([d.breach, d.limit, d.value], ["max_notional", "6000", "6003"]);
  const u = pms.checkOrder({ ...i, lots: 1n });
  ok(!u.ok && u.breach === "unpriced");
  pms.setMark(V, "ETHUSDT", 400_000n, 0n);
  const m = pms.checkOrder({ ...i, lots: 1600n });
  ok(!m.ok && m.breach === "max_notional" && m.value === "6400");
});

Deno.test("pms risk: max loss counts realized, unrealized at the mark, and quote fees", () => {
  const pms = pmsWith();
  pms.setRiskLimits(V, "ETHUSDT", { maxLoss: "100" });
  pms.applyFill({
    venue: V,
    symbol: "ETHUSDT",
    side: "BUY",
    lots: 1000n,
    priceTicks: 300_000n,
    fee: "1",
    tsNs: 0n,
  });
  const i = {
    venue: V,
    symbol: "ETHUSDT",
    priceTicks: 290_000n,
    openBuyLots: 0n,
    openSellLots: 0n,
  };
  pms.setMark(V, "ETHUSDT", 290_100n, 0n); // −99 unrealized − 1 fee = −100: at the limit
  ok(pms.checkOrder({ ...i, side: "BUY", lots: 1n }).ok);
  pms.setMark(V, "ETHUSDT", 290_000n, 0n); // −101
  const d = pms.checkOrder({ ...i, side: "BUY", lots: 1n });
  ok(!d.ok);
  if (!d.ok) deepEqual([d.breach, d.limit, d.value], ["max_loss", "100", "101"]);
  ok(pms.checkOrder({ ...i, side: "SELL", lots: 1000n }).ok, "closing is allowed");
});

Deno.test("pms risk: unknown instruments fail closed; no limits means ok; bad limits throw", () => {
  const pms = pmsWith();
  const i = { venue: V, side: "BUY" as const, lots: 1n, openBuyLots: 0n, openSellLots: 0n };
  const u = pms.checkOrder({ ...i, symbol: "XRPUSDT" });
  ok(!u.ok && u.breach === "unknown_instrument");
  ok(pms.checkOrder({ ...i, symbol: "ETHUSDT" }).ok);
  throws(
    () => pms.setRiskLimits(V, "ETHUSDT", { maxPosition: "0.0005" }),
    /not a multiple of 0.001/,
  );
  throws(
    () => pms.setRiskLimits(V, "ETHUSDT", { maxLoss: "-5" }),
    /maxLoss of binance\/ETHUSDT: "-5" is negative/,
  );
});

Deno.test("oms + pms: the OMS consults the PMS and refuses a breaching order", () => {
  const pms = pmsWith();
  pms.setRiskLimits(V, "ETHUSDT", { maxPosition: "1" });
  const oms = new MiniOMS({ risk: pms });
  const o = { venue: V, symbol: "ETHUSDT", side: "BUY" as const, priceTicks: 300_000n };
  const a = oms.submit({ ...o, lots: 600n }, 0n);
  ok(a.ok);
  const b = oms.submit({ ...o, lots: 500n }, 0n); // 600 resting + 500 > 1000 lots
  ok(!b.ok && b.reason === "risk" && b.risk?.breach === "max_position");
  if (!b.ok) equal(b.risk?.value, "1.100");
  ok(oms.submit({ ...o, side: "SELL", lots: 500n }, 0n).ok);
  // fills flow from the OMS into the PMS
  if (a.ok) {
    oms.onEvent({ clientOrderId: a.clientOrderId, status: "SENT", tsNs: 1n });
    const f = oms.onEvent({
      clientOrderId: a.clientOrderId,
      status: "FILLED",
      lastFillLots: 600n,
      lastFillPriceTicks: 300_000n,
      tradeId: "9",
      tsNs: 2n,
    });
    ok(f.accepted && f.fill);
    if (f.accepted && f.fill) pms.applyFill(f.fill);
  }
  equal(pms.position(V, "ETHUSDT").qty, "0.600");
  ok(!oms.submit({ ...o, lots: 401n }, 3n).ok);
  ok(oms.submit({ ...o, lots: 400n }, 3n).ok);
});
