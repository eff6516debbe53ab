/**
 * MiniPMS: positions per venue and instrument, balances per venue and asset,
 * and the pre-trade risk check the OMS consults. Pure: fills, marks and venue
 * snapshots come in as arguments; nothing is read from a clock or a socket.
 *
 * Numbers (all exact, no float anywhere):
 * - quantities in lots, prices in ticks (`instrument.ts`);
 * - position PnL (realized, unrealized, cost basis) in tick·lot units, i.e.
 *   multiples of `tickSize × lotSize` quote, with average-cost accounting
 *   (`position_math.ts` documents the rounding-free invariant);
 * - fees, balances and net PnL in money units, 10^-18 of the asset
 *   (`money.ts`). Fees in the quote asset count against the position's net
 *   PnL; fees in any other asset (BNB, the base) are tracked separately per
 *   asset and only debit that asset's balance. A negative fee is a rebate.
 * - Balances: a spot fill moves base and quote; a linear (perpetual) fill
 *   settles its realized PnL into the quote balance. Fees always debit the
 *   fee asset.
 *
 * Risk ({@link MiniPMS.checkOrder}, the OMS's {@link RiskChecker}): per
 * instrument max |position| (base quantity), max |notional| (quote) and max
 * loss (quote, net PnL), judged on the worst case where every open order on
 * the same side fills. An order that lowers that worst-case |position| is
 * always allowed.
 *
 * @example
 * ```ts
 * import { MiniPMS } from "./mini_pms.ts";
 * import { instrument } from "./instrument.ts";
 * const pms = new MiniPMS();
 * pms.addInstrument("binance", instrument({
 *   symbol: "ETHUSDT", baseAsset: "ETH", quoteAsset: "USDT", tickSize: "0.01", lotSize: "0.001",
 * }));
 * pms.applyFill({ venue: "binance", symbol: "ETHUSDT", side: "BUY", lots: 1000n, priceTicks: 300000n, fee: "3", feeAsset: "USDT", tsNs: 1n });
 * pms.applyFill({ venue: "binance", symbol: "ETHUSDT", side: "SELL", lots: 1000n, priceTicks: 310000n, tsNs: 2n });
 * const p = pms.position("binance", "ETHUSDT");
 * console.log(p.realizedPnlQuote, p.netPnlQuote); // "100.00000" "97"
 * ```
 * @module
 */
import { DecimalError, divRoundHalfAway, divToDecimal, parseDecimal, pow10 } from "./decimal.ts";
import {
  type InstrumentSpec,
  lotsToQty,
  qtyToLots,
  tickLotsToMoney,
  tickLotsToQuote,
} from "./instrument.ts";
import { silentLogger, type TraderLogger } from "./logger.ts";
import { formatMoney, parseMoney } from "./money.ts";
import { applyTrade, FLAT, type PositionState, unrealizedPnl } from "./position_math.ts";
import type { RiskChecker, RiskDecision, RiskIntent } from "./risk.ts";
import type { Side } from "./types.ts";

/** A fill as the PMS needs it (an OMS `Fill` fits). */
export interface PmsFill {
  venue: string;
  symbol: string;
  side: Side;
  /** > 0. */
  lots: bigint;
  priceTicks: bigint;
  /** Decimal string, negative = rebate; empty/absent = none. */
  fee?: string;
  /** Default: the instrument's quote asset. */
  feeAsset?: string;
  /** Fills with a trade id already applied on this venue/symbol are ignored. */
  tradeId?: string;
  tsNs: bigint;
}

/** One position, as of the last fill / mark / reconciliation. */
export interface PositionView {
  venue: string;
  symbol: string;
  baseAsset: string;
  quoteAsset: string;
  /** Signed lots (+ long, − short) and the same as a base quantity. */
  lots: bigint;
  qty: string;
  /** Signed cost basis of the open part, tick·lot units. */
  cost: bigint;
  /** cost / lots × tickSize, rounded half away from zero; absent when flat. */
  avgEntryPrice?: string;
  markTicks?: bigint;
  /** tick·lot units. */
  realizedPnl: bigint;
  /** tick·lot units at the mark; 0 without a mark. */
  unrealizedPnl: bigint;
  /** The two above in quote, exact decimal strings. */
  realizedPnlQuote: string;
  unrealizedPnlQuote: string;
  /** Quote-asset fees, money units (10^-18 quote). */
  feesQuote: bigint;
  /** Fees in other assets by asset, money units. */
  feesOther: Record<string, bigint>;
  /** realized + unrealized − quote fees, money units, and as a decimal string. */
  netPnl: bigint;
  netPnlQuote: string;
  fills: number;
  /** Σ |lots| traded. */
  volumeLots: bigint;
  updatedTsNs: bigint;
}

/** Risk limits of one instrument, in human units; absent = unchecked. */
export interface RiskLimitsInput {
  /** Max |position| in base units, e.g. "2.5". */
  maxPosition?: string;
  /** Max |position| × price in quote, e.g. "50000". */
  maxNotional?: string;
  /** Max loss in quote (net PnL floor = −maxLoss), e.g. "1000". */
  maxLoss?: string;
}

/** One side of {@link MiniPMS.reconcilePositions}. */
export interface VenuePosition {
  symbol: string;
  /** Signed quantity in base units. */
  qty: string;
  avgEntryPrice?: string;
}

/** Position reconciliation result for one instrument. */
export interface PositionDiff {
  symbol: string;
  /** Lots: ours, the venue's, venue − ours. */
  ours: bigint;
  venue: bigint;
  delta: bigint;
  oursQty: string;
  venueQty: string;
  deltaQty: string;
  oursAvgEntryPrice?: string;
  venueAvgEntryPrice?: string;
  /** Whether ours was replaced by the venue's. */
  adopted: boolean;
}

/** One asset of a venue balance snapshot. */
export interface VenueBalance {
  asset: string;
  /** Decimal string. */
  total: string;
}

/** Balance reconciliation result for one asset (money units and decimal strings). */
export interface BalanceDiff {
  asset: string;
  ours: bigint;
  venue: bigint;
  delta: bigint;
  oursText: string;
  venueText: string;
  deltaText: string;
  adopted: boolean;
}

/** Answer of {@link MiniPMS.applyFill}. */
export type ApplyFillResult =
  | { applied: true; realizedDelta: bigint; position: PositionView }
  | { applied: false; reason: "duplicate_trade"; message: string };

/** Options of {@link MiniPMS}. */
export interface MiniPmsOptions {
  logger?: TraderLogger;
  /** Fractional digits of avgEntryPrice beyond the tick's. Default 4. */
  avgPriceExtraDigits?: number;
}

interface Limits {
  maxPositionLots?: bigint;
  maxNotional?: bigint;
  maxLoss?: bigint;
  input: RiskLimitsInput;
}

interface PositionRecord {
  state: PositionState;
  markTicks?: bigint;
  feesQuote: bigint;
  feesOther: Map<string, bigint>;
  fills: number;
  volumeLots: bigint;
  updatedTsNs: bigint;
}

function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

function key(venue: string, symbol: string): string {
  return `${venue}\0${symbol}`;
}

/** See the module doc. */
export class MiniPMS implements RiskChecker {
  readonly #log: TraderLogger;
  readonly #extraDigits: number;
  readonly #specs = new Map<string, InstrumentSpec>();
  readonly #positions = new Map<string, PositionRecord>();
  readonly #balances = new Map<string, Map<string, bigint>>();
  readonly #limits = new Map<string, Limits>();
  readonly #tradeIds = new Set<string>();
  #duplicates = 0;

  constructor(o: MiniPmsOptions = {}) {
    this.#log = o.logger ?? silentLogger;
    this.#extraDigits = o.avgPriceExtraDigits ?? 4;
  }

  /**
   * Registers an instrument of a venue (needed before fills, limits, checks).
   *
   * @example
   * ```ts
   * import { MiniPMS } from "./mini_pms.ts";
   * import { instrument } from "./instrument.ts";
   * const pms = new MiniPMS();
   * pms.addInstrument("v", instrument({ symbol: "S", baseAsset: "B", quoteAsset: "Q", tickSize: "1", lotSize: "1" }));
   * console.log(pms.position("v", "S").lots); // 0n
   * ```
   */
  addInstrument(venue: string, spec: InstrumentSpec): void {
    this.#specs.set(key(venue, spec.symbol), spec);
  }

  #spec(venue: string, symbol: string, op: string): InstrumentSpec {
    const s = this.#specs.get(key(venue, symbol));
    if (!s) {
      throw new Error(
        `Cannot ${op}: instrument ${venue}/${symbol} is not registered (call addInstrument first)`,
      );
    }
    return s;
  }

  #record(venue: string, symbol: string): PositionRecord {
    const k = key(venue, symbol);
    let r = this.#positions.get(k);
    if (!r) {
      r = {
        state: FLAT,
        feesQuote: 0n,
        feesOther: new Map(),
        fills: 0,
        volumeLots: 0n,
        updatedTsNs: 0n,
      };
      this.#positions.set(k, r);
    }
    return r;
  }

  #bal(venue: string): Map<string, bigint> {
    let b = this.#balances.get(venue);
    if (!b) this.#balances.set(venue, b = new Map());
    return b;
  }

  #addBalance(venue: string, asset: string, delta: bigint): void {
    const b = this.#bal(venue);
    b.set(asset, (b.get(asset) ?? 0n) + delta);
  }

  /**
   * Applies one fill: position, average price, realized PnL, fees, balances.
   *
   * @throws {Error} for an unregistered instrument, lots <= 0, or a malformed fee
   *
   * @example
   * ```ts
   * import { MiniPMS } from "./mini_pms.ts";
   * import { instrument } from "./instrument.ts";
   * const pms = new MiniPMS();
   * pms.addInstrument("v", instrument({ symbol: "S", baseAsset: "B", quoteAsset: "Q", tickSize: "1", lotSize: "1" }));
   * pms.applyFill({ venue: "v", symbol: "S", side: "SELL", lots: 2n, priceTicks: 10n, tradeId: "a", tsNs: 0n });
   * const again = pms.applyFill({ venue: "v", symbol: "S", side: "SELL", lots: 2n, priceTicks: 10n, tradeId: "a", tsNs: 0n });
   * console.log(again.applied, pms.position("v", "S").lots); // false -2n
   * ```
   */
  applyFill(f: PmsFill): ApplyFillResult {
    const spec = this.#spec(f.venue, f.symbol, `apply fill ${f.tradeId ?? ""}`.trimEnd());
    if (f.lots <= 0n) {
      throw new RangeError(
        `Cannot apply fill ${f.tradeId ?? ""} on ${f.venue}/${f.symbol}: lots ${f.lots} is not > 0`,
      );
    }
    const fee = f.fee ? parseMoney(f.fee, `fee of trade ${f.tradeId ?? "?"} on ${f.symbol}`) : 0n;
    if (f.tradeId !== undefined) {
      const tk = `${f.venue}\0${f.symbol}\0${f.tradeId}`;
      if (this.#tradeIds.has(tk)) {
        this.#duplicates++;
        const message = `trade ${f.tradeId} on ${f.venue}/${f.symbol} already applied`;
        this.#log.warn("duplicate fill ignored", {
          venue: f.venue,
          symbol: f.symbol,
          tradeId: f.tradeId,
        });
        return { applied: false, reason: "duplicate_trade", message };
      }
      this.#tradeIds.add(tk);
    }
    const r = this.#record(f.venue, f.symbol);
    const signed = f.side === "BUY" ? f.lots : -f.lots;
    const t = applyTrade(r.state, signed, f.priceTicks);
    r.state = t.state;
    r.fills++;
    r.volumeLots += f.lots;
    r.updatedTsNs = f.tsNs;
    if (spec.kind === "spot") {
      this.#addBalance(f.venue, spec.baseAsset, signed * spec.moneyPerLot);
      this.#addBalance(f.venue, spec.quoteAsset, -tickLotsToMoney(spec, signed * f.priceTicks));
    } else {
      this.#addBalance(f.venue, spec.quoteAsset, tickLotsToMoney(spec, t.realizedDelta));
    }
    if (fee !== 0n) {
      const asset = f.feeAsset || spec.quoteAsset;
      if (asset === spec.quoteAsset) r.feesQuote += fee;
      else r.feesOther.set(asset, (r.feesOther.get(asset) ?? 0n) + fee);
      this.#addBalance(f.venue, asset, -fee);
    }
    return {
      applied: true,
      realizedDelta: t.realizedDelta,
      position: this.#view(f.venue, spec, r),
    };
  }

  /**
   * Sets the mark price used for unrealized PnL and for pricing market orders.
   *
   * @example
   * ```ts
   * import { MiniPMS } from "./mini_pms.ts";
   * import { instrument } from "./instrument.ts";
   * const pms = new MiniPMS();
   * pms.addInstrument("v", instrument({ symbol: "S", baseAsset: "B", quoteAsset: "Q", tickSize: "1", lotSize: "1" }));
   * pms.applyFill({ venue: "v", symbol: "S", side: "BUY", lots: 2n, priceTicks: 10n, tsNs: 0n });
   * pms.setMark("v", "S", 13n, 1n);
   * console.log(pms.position("v", "S").unrealizedPnl); // 6n
   * ```
   */
  setMark(venue: string, symbol: string, markTicks: bigint, tsNs: bigint): void {
    this.#spec(venue, symbol, "set mark");
    const r = this.#record(venue, symbol);
    r.markTicks = markTicks;
    r.updatedTsNs = tsNs;
  }

  /**
   * One position (flat if never traded).
   *
   * @throws {Error} for an unregistered instrument
   */
  position(venue: string, symbol: string): PositionView {
    const spec = this.#spec(venue, symbol, "read position");
    return this.#view(venue, spec, this.#record(venue, symbol));
  }

  /**
   * Every position touched so far, optionally of one venue.
   *
   * @example
   * ```ts
   * import { MiniPMS } from "./mini_pms.ts";
   * console.log(new MiniPMS().positions("v")); // []
   * ```
   */
  positions(venue?: string): PositionView[] {
    const out: PositionView[] = [];
    for (const [k, r] of this.#positions) {
      const spec = this.#specs.get(k)!;
      const v = k.slice(0, k.indexOf("\0"));
      if (venue === undefined || v === venue) out.push(this.#view(v, spec, r));
    }
    return out;
  }

  /**
   * Realized, unrealized, quote fees and net PnL summed per quote asset,
   * money units.
   *
   * @example
   * ```ts
   * import { MiniPMS } from "./mini_pms.ts";
   * console.log(new MiniPMS().totals()); // {}
   * ```
   */
  totals(): Record<string, { realized: bigint; unrealized: bigint; fees: bigint; net: bigint }> {
    const out: Record<string, { realized: bigint; unrealized: bigint; fees: bigint; net: bigint }> =
      {};
    for (const p of this.positions()) {
      const spec = this.#specs.get(key(p.venue, p.symbol))!;
      const t = out[p.quoteAsset] ??= { realized: 0n, unrealized: 0n, fees: 0n, net: 0n };
      t.realized += tickLotsToMoney(spec, p.realizedPnl);
      t.unrealized += tickLotsToMoney(spec, p.unrealizedPnl);
      t.fees += p.feesQuote;
      t.net += p.netPnl;
    }
    return out;
  }

  /** Fills ignored as duplicates (same venue, symbol and trade id). */
  get duplicateFills(): number {
    return this.#duplicates;
  }

  // --------------------------------------------------------------- balances

  /**
   * Balance of one asset at one venue, money units (10^-18 of the asset).
   *
   * @example
   * ```ts
   * import { MiniPMS } from "./mini_pms.ts";
   * const pms = new MiniPMS();
   * pms.adjustBalance("v", "USDT", "100.5");
   * console.log(pms.balance("v", "USDT")); // 100500000000000000000n
   * ```
   */
  balance(venue: string, asset: string): bigint {
    return this.#balances.get(venue)?.get(asset) ?? 0n;
  }

  /**
   * All balances of a venue as decimal strings.
   *
   * @example
   * ```ts
   * import { MiniPMS } from "./mini_pms.ts";
   * const pms = new MiniPMS();
   * pms.setBalance("v", "BTC", "0.5");
   * console.log(pms.balances("v")); // { BTC: "0.5" }
   * ```
   */
  balances(venue: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [a, v] of this.#balances.get(venue) ?? []) out[a] = formatMoney(v);
    return out;
  }

  /** Sets a balance (decimal string), e.g. from the start-up snapshot. */
  setBalance(venue: string, asset: string, total: string): void {
    this.#bal(venue).set(asset, parseMoney(total, `balance of ${asset} at ${venue}`));
  }

  /** Adds a signed decimal amount to a balance (funding, transfers, deposits). */
  adjustBalance(venue: string, asset: string, delta: string): void {
    this.#addBalance(venue, asset, parseMoney(delta, `balance change of ${asset} at ${venue}`));
  }

  // --------------------------------------------------------- reconciliation

  /**
   * Compares our positions of one venue with the venue's snapshot (missing
   * entries on either side count as flat) and, with `adopt`, takes the
   * venue's quantity where they differ. The adopted cost basis is the venue's
   * average entry price when given (rounded to the nearest tick·lot), else
   * ours scaled when the side is unchanged, else the mark; realized PnL is not
   * touched. All entries are validated before anything changes.
   *
   * @throws {Error} for an unregistered symbol, a malformed or off-lot
   *   quantity, or an adoption with no price to base it on
   *
   * @example
   * ```ts
   * import { MiniPMS } from "./mini_pms.ts";
   * import { instrument } from "./instrument.ts";
   * const pms = new MiniPMS();
   * pms.addInstrument("v", instrument({ symbol: "S", baseAsset: "B", quoteAsset: "Q", tickSize: "0.1", lotSize: "0.01" }));
   * const [d] = pms.reconcilePositions("v", [{ symbol: "S", qty: "-0.50", avgEntryPrice: "100.0" }], 5n, { adopt: true });
   * console.log(d.delta, d.deltaQty, pms.position("v", "S").avgEntryPrice); // -50n "-0.50" "100.00000"
   * ```
   */
  reconcilePositions(
    venue: string,
    snapshot: readonly VenuePosition[],
    tsNs: bigint,
    opts: { adopt?: boolean } = {},
  ): PositionDiff[] {
    const theirs = new Map<string, { lots: bigint; avg?: string }>();
    for (const vp of snapshot) {
      const spec = this.#spec(venue, vp.symbol, `reconcile position of ${vp.symbol}`);
      if (vp.avgEntryPrice !== undefined) {
        parseDecimal(vp.avgEntryPrice, `average entry price of ${vp.symbol} at ${venue}`);
      }
      theirs.set(vp.symbol, { lots: qtyToLots(spec, vp.qty), avg: vp.avgEntryPrice });
    }
    const symbols = new Set(theirs.keys());
    for (const k of this.#positions.keys()) {
      const [v, s] = k.split("\0");
      if (v === venue) symbols.add(s);
    }
    const plans: { diff: PositionDiff; spec: InstrumentSpec; cost?: bigint }[] = [];
    for (const symbol of [...symbols].sort()) {
      const spec = this.#spec(venue, symbol, `reconcile position of ${symbol}`);
      const r = this.#positions.get(key(venue, symbol));
      const ours = r?.state.lots ?? 0n;
      const t = theirs.get(symbol) ?? { lots: 0n };
      const view = r ? this.#view(venue, spec, r) : undefined;
      const diff: PositionDiff = {
        symbol,
        ours,
        venue: t.lots,
        delta: t.lots - ours,
        oursQty: lotsToQty(spec, ours),
        venueQty: lotsToQty(spec, t.lots),
        deltaQty: lotsToQty(spec, t.lots - ours),
        oursAvgEntryPrice: view?.avgEntryPrice,
        venueAvgEntryPrice: t.avg,
        adopted: false,
      };
      let cost: bigint | undefined;
      if (opts.adopt && diff.delta !== 0n) {
        cost = this.#adoptedCost(venue, spec, r, t.lots, t.avg);
      }
      plans.push({ diff, spec, cost });
    }
    for (const { diff, cost } of plans) {
      if (cost === undefined) continue;
      const r = this.#record(venue, diff.symbol);
      r.state = { lots: diff.venue, cost, realized: r.state.realized };
      r.updatedTsNs = tsNs;
      diff.adopted = true;
      this.#log.info("position adopted from venue", {
        venue,
        symbol: diff.symbol,
        ours: diff.oursQty,
        venue_qty: diff.venueQty,
      });
    }
    return plans.map((p) => p.diff);
  }

  #adoptedCost(
    venue: string,
    spec: InstrumentSpec,
    r: PositionRecord | undefined,
    lots: bigint,
    avg: string | undefined,
  ): bigint {
    if (lots === 0n) return 0n;
    if (avg !== undefined) {
      const a = parseDecimal(avg, `average entry price of ${spec.symbol}`);
      // avg / tickSize × lots, to the nearest tick·lot
      return divRoundHalfAway(
        a.units * pow10(spec.tick.scale) * lots,
        spec.tick.units * pow10(a.scale),
      );
    }
    const s = r?.state;
    if (s && s.lots !== 0n && (s.lots > 0n) === (lots > 0n)) return (s.cost * lots) / s.lots;
    if (r?.markTicks !== undefined) return r.markTicks * lots;
    throw new Error(
      `Cannot adopt venue position ${lotsToQty(spec, lots)} of ${venue}/${spec.symbol}: ` +
        `no average entry price from the venue, no same-side position and no mark to base it on`,
    );
  }

  /**
   * Compares our balances of one venue with the venue's (missing = 0) and,
   * with `adopt`, takes the venue's where they differ.
   *
   * @example
   * ```ts
   * import { MiniPMS } from "./mini_pms.ts";
   * const pms = new MiniPMS();
   * pms.setBalance("v", "USDT", "10");
   * const [d] = pms.reconcileBalances("v", [{ asset: "USDT", total: "12.5" }]);
   * console.log(d.deltaText, d.adopted); // "2.5" false
   * ```
   */
  reconcileBalances(
    venue: string,
    snapshot: readonly VenueBalance[],
    opts: { adopt?: boolean } = {},
  ): BalanceDiff[] {
    const theirs = new Map<string, bigint>();
    for (const b of snapshot) {
      theirs.set(b.asset, parseMoney(b.total, `balance of ${b.asset} at ${venue}`));
    }
    const mine = this.#bal(venue);
    const assets = [...new Set([...theirs.keys(), ...mine.keys()])].sort();
    return assets.map((asset) => {
      const ours = mine.get(asset) ?? 0n;
      const v = theirs.get(asset) ?? 0n;
      const adopted = opts.adopt === true && v !== ours;
      if (adopted) mine.set(asset, v);
      return {
        asset,
        ours,
        venue: v,
        delta: v - ours,
        oursText: formatMoney(ours),
        venueText: formatMoney(v),
        deltaText: formatMoney(v - ours),
        adopted,
      };
    });
  }

  // ------------------------------------------------------------------- risk

  /**
   * Sets (replaces) the risk limits of one instrument.
   *
   * @throws {DecimalError} when a limit is malformed, negative or (maxPosition)
   *   not a multiple of lotSize
   *
   * @example
   * ```ts
   * import { MiniPMS } from "./mini_pms.ts";
   * import { instrument } from "./instrument.ts";
   * const pms = new MiniPMS();
   * pms.addInstrument("v", instrument({ symbol: "S", baseAsset: "B", quoteAsset: "Q", tickSize: "1", lotSize: "0.1" }));
   * pms.setRiskLimits("v", "S", { maxPosition: "1.0" });
   * const d = pms.checkOrder({ venue: "v", symbol: "S", side: "BUY", lots: 11n, priceTicks: 5n, openBuyLots: 0n, openSellLots: 0n });
   * console.log(!d.ok && [d.breach, d.limit, d.value]); // ["max_position", "1.0", "1.1"]
   * ```
   */
  setRiskLimits(venue: string, symbol: string, limits: RiskLimitsInput): void {
    const spec = this.#spec(venue, symbol, "set risk limits");
    const nonNeg = (v: bigint, what: string, text: string) => {
      if (v < 0n) throw new DecimalError(`${what} of ${venue}/${symbol}`, text, "is negative");
      return v;
    };
    const l: Limits = { input: { ...limits } };
    if (limits.maxPosition !== undefined) {
      l.maxPositionLots = nonNeg(
        qtyToLots(spec, limits.maxPosition),
        "maxPosition",
        limits.maxPosition,
      );
    }
    if (limits.maxNotional !== undefined) {
      l.maxNotional = nonNeg(
        parseMoney(limits.maxNotional, `maxNotional of ${venue}/${symbol}`),
        "maxNotional",
        limits.maxNotional,
      );
    }
    if (limits.maxLoss !== undefined) {
      l.maxLoss = nonNeg(
        parseMoney(limits.maxLoss, `maxLoss of ${venue}/${symbol}`),
        "maxLoss",
        limits.maxLoss,
      );
    }
    this.#limits.set(key(venue, symbol), l);
  }

  /**
   * Pre-trade check (see the module doc). Checks max position, then max
   * notional (priced at the order's limit price, else the mark; "unpriced"
   * when neither exists), then max loss. Unregistered instruments fail.
   *
   * @example
   * ```ts
   * import { MiniPMS } from "./mini_pms.ts";
   * console.log(new MiniPMS().checkOrder({
   *   venue: "v", symbol: "S", side: "BUY", lots: 1n, openBuyLots: 0n, openSellLots: 0n,
   * }).ok); // false (unknown_instrument)
   * ```
   */
  checkOrder(i: RiskIntent): RiskDecision {
    const k = key(i.venue, i.symbol);
    const spec = this.#specs.get(k);
    const where = `${i.venue}/${i.symbol}`;
    if (!spec) {
      return {
        ok: false,
        breach: "unknown_instrument",
        limit: "registered instrument",
        value: where,
        message: `instrument ${where} is not registered`,
      };
    }
    const lim = this.#limits.get(k);
    if (!lim) return { ok: true };
    const r = this.#positions.get(k);
    const pos = r?.state.lots ?? 0n;
    const before = i.side === "BUY" ? pos + i.openBuyLots : pos - i.openSellLots;
    const after = before + (i.side === "BUY" ? i.lots : -i.lots);
    if (abs(after) < abs(before)) return { ok: true }; // lowers worst-case exposure
    if (lim.maxPositionLots !== undefined && abs(after) > lim.maxPositionLots) {
      return {
        ok: false,
        breach: "max_position",
        limit: lotsToQty(spec, lim.maxPositionLots),
        value: lotsToQty(spec, abs(after)),
        message: `worst-case |position| ${lotsToQty(spec, abs(after))} ${spec.baseAsset} on ` +
          `${where} above ${lotsToQty(spec, lim.maxPositionLots)}`,
      };
    }
    if (lim.maxNotional !== undefined) {
      const price = i.priceTicks ?? r?.markTicks;
      if (price === undefined) {
        return {
          ok: false,
          breach: "unpriced",
          limit: lim.input.maxNotional!,
          value: "no price",
          message: `order on ${where} has no limit price and there is no mark to value it`,
        };
      }
      const notional = tickLotsToMoney(spec, abs(after) * abs(price));
      if (notional > lim.maxNotional) {
        return {
          ok: false,
          breach: "max_notional",
          limit: formatMoney(lim.maxNotional),
          value: formatMoney(notional),
          message: `worst-case notional ${formatMoney(notional)} ${spec.quoteAsset} on ${where} ` +
            `above ${formatMoney(lim.maxNotional)}`,
        };
      }
    }
    if (lim.maxLoss !== undefined && r) {
      const net = this.#netPnl(spec, r);
      if (net < -lim.maxLoss) {
        return {
          ok: false,
          breach: "max_loss",
          limit: formatMoney(lim.maxLoss),
          value: formatMoney(-net),
          message: `loss ${formatMoney(-net)} ${spec.quoteAsset} on ${where} beyond ` +
            `${formatMoney(lim.maxLoss)}; only exposure-reducing orders allowed`,
        };
      }
    }
    return { ok: true };
  }

  // -------------------------------------------------------------- internals

  #netPnl(spec: InstrumentSpec, r: PositionRecord): bigint {
    const u = r.markTicks === undefined ? 0n : unrealizedPnl(r.state, r.markTicks);
    return tickLotsToMoney(spec, r.state.realized + u) - r.feesQuote;
  }

  #view(venue: string, spec: InstrumentSpec, r: PositionRecord): PositionView {
    const s = r.state;
    const u = r.markTicks === undefined ? 0n : unrealizedPnl(s, r.markTicks);
    const net = this.#netPnl(spec, r);
    let avgEntryPrice: string | undefined;
    if (s.lots !== 0n) {
      // cost / lots ticks × tick.units / 10^tick.scale
      avgEntryPrice = divToDecimal(
        s.cost * spec.tick.units,
        s.lots * pow10(spec.tick.scale),
        spec.tick.scale + this.#extraDigits,
      );
    }
    return {
      venue,
      symbol: spec.symbol,
      baseAsset: spec.baseAsset,
      quoteAsset: spec.quoteAsset,
      lots: s.lots,
      qty: lotsToQty(spec, s.lots),
      cost: s.cost,
      avgEntryPrice,
      markTicks: r.markTicks,
      realizedPnl: s.realized,
      unrealizedPnl: u,
      realizedPnlQuote: tickLotsToQuote(spec, s.realized),
      unrealizedPnlQuote: tickLotsToQuote(spec, u),
      feesQuote: r.feesQuote,
      feesOther: Object.fromEntries(r.feesOther),
      netPnl: net,
      netPnlQuote: formatMoney(net),
      fills: r.fills,
      volumeLots: r.volumeLots,
      updatedTsNs: r.updatedTsNs,
    };
  }
}
