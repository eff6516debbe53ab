/**
 * GLFT market maker: one instrument, one post-only quote per side, prices in
 * integer ticks, quotes from core.wasm's GLFT (Guéant's infinite-horizon
 * closed form, see core-wasm/quoting.ts):
 *
 *   c1 = (1/(ξΔ))·ln(1+ξΔ/k),  c2 = √((γσ²/(2AΔk))·(1+ξΔ/k)^(k/(ξΔ)+1))
 *   half spread = adj1·(c1 + Δ/2·c2), skew = adj2·c2
 *   bid = floor(mid − half − skew·q − fee), ask = ceil(mid − skew·q + half + fee)
 *
 * in ticks and seconds (σ ticks/√s, A 1/s, k 1/tick), Δ = 1 order, q =
 * (CeFi + DeFi − target) / orderLots clamped to ±maxPosition/orderLots. The
 * bid is kept below the best ask and the ask above the best bid (post-only).
 *
 * - Calibration: σ, A and k are re-estimated online from the mids and the
 *   trade stream on a rolling window ({@link OnlineCalibrator}).
 * - Quote management: a resting quote is amended (REPLACE) only when its
 *   target moved more than `requoteThresholdTicks`; a filled quote is
 *   replaced by a new one; nothing is sent while a request is in flight, so a
 *   quiet market produces no requests. Rate limits are the MiniOMS's; a
 *   refused request is retried at the next event.
 * - Max position / notional: the side whose fill would take |CeFi position|
 *   beyond `maxPositionLots` (or its notional beyond `maxNotional`) is not
 *   quoted (and a resting quote on it is cancelled).
 * - Hedging: InventoryDelta messages move the DeFi exposure; the target of
 *   the CeFi position becomes `targetNetLots − DeFi`, so the skew works the
 *   net exposure back to target passively. When |net − target| stays above
 *   `toleranceLots` for `passiveTimeoutNs`, an aggressive IOC limit order of
 *   at most `maxAggressiveLots` at most `maxSlippageTicks` through the touch
 *   takes the rest (again every `passiveTimeoutNs` until within tolerance).
 * - Stale data guard: with no book, an open sequence gap (until the next
 *   snapshot) or a book older than `staleBookNs` (exchange time when given,
 *   else receive time, against the event time), both quotes are cancelled and
 *   none is placed until the book is fresh again.
 * - Kill switch: |CeFi position| above `kill.maxPositionLots`, or a net loss
 *   beyond `kill.maxLoss` (checked on fills and timer ticks), returns a kill
 *   intent (the container cancels everything and flattens when configured).
 *
 * Everything is visible in {@link GlftMarketMaker.stats}.
 *
 * @module
 */
import type { WasmCore, WasmOrderBook, WasmQuoting } from "../../../../core-wasm/mod.ts";
import { divRoundHalfAway, parseDecimal, pow10 } from "../decimal.ts";
import { type InstrumentSpec, qtyToLots } from "../instrument.ts";
import type { InventoryDelta, MarketDataEvent, PositionUpdate } from "../market_data.ts";
import type { ActionResult, EventResult, Order } from "../mini_oms.ts";
import type { PositionView } from "../mini_pms.ts";
import { parseMoney } from "../money.ts";
import {
  AbstractStrategy,
  type Intent,
  NO_INTENTS,
  type StrategyConfig,
  type StrategyStats,
} from "../strategy.ts";
import { type Fill, isTerminal, type OrderEvent, type Side } from "../types.ts";
import { type CalibrationConfig, type GlftInputs, OnlineCalibrator } from "./glft_calibration.ts";

/** Hedging of the DeFi inventory. */
export interface GlftHedgeConfig {
  /** DeFi token symbol that is this instrument's base asset ("WETH"). */
  baseTokenSymbol: string;
  /** Net (CeFi + DeFi) exposure to reach, lots. Default 0. */
  targetNetLots?: bigint;
  /** |net − target| within this is hedged. Default orderLots. */
  toleranceLots?: bigint;
  /** Time the passive skew gets before an aggressive order, ns. */
  passiveTimeoutNs: bigint;
  /** Size cap of one aggressive order, lots. */
  maxAggressiveLots: bigint;
  /** Price cap of an aggressive order, ticks through the touch. */
  maxSlippageTicks: number;
}

/** Kill-switch triggers. */
export interface GlftKillConfig {
  /** Hard |CeFi position| limit, lots (above maxPositionLots). */
  maxPositionLots?: bigint;
  /** Net PnL floor in quote, decimal string ("500" = kill below −500). */
  maxLoss?: string;
  /** Flatten when killed. */
  flatten: boolean;
}

/** Configuration of {@link GlftMarketMaker}. */
export interface GlftMarketMakerConfig extends StrategyConfig {
  instrument: InstrumentSpec;
  /** Size of each quote, lots. */
  orderLots: bigint;
  /** No quoting on a side that would take |CeFi position| above this, lots. */
  maxPositionLots: bigint;
  /** No quoting on a side whose worst-case notional exceeds this, quote decimal. */
  maxNotional?: string;
  /** Risk aversion γ. */
  gamma: number;
  /** ξ; default γ. */
  xi?: number;
  /** hftbacktest adj1 / adj2. Default 1. */
  halfSpreadScale?: number;
  skewScale?: number;
  /** Extra depth per side (fees, hedge cost), ticks. Default 0. */
  feeTicks?: number;
  /** σ (ticks/√s), A (1/s), k (1/tick) until calibrated. */
  initial: GlftInputs;
  /** Online calibration settings, or false to keep `initial`. */
  calibration?: Partial<CalibrationConfig> | false;
  /** Amend only when the target moved more than this many ticks. Default 1. */
  requoteThresholdTicks?: number;
  /** Book age bound, ns. Default 2 s. */
  staleBookNs?: bigint;
  /** Default true. */
  postOnly?: boolean;
  hedge?: GlftHedgeConfig;
  kill?: GlftKillConfig;
}

interface Slot {
  id: string;
  /** Earlier id while an amend is pending. */
  alt?: string;
}

function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

function toLots(spec: InstrumentSpec, amount: string, what: string): bigint {
  const d = parseDecimal(amount, what);
  // amount / lotSize = (units / 10^scale) / (lot.units / 10^lot.scale)
  return divRoundHalfAway(d.units * pow10(spec.lot.scale), spec.lot.units * pow10(d.scale));
}

/** See the module doc. */
export class GlftMarketMaker extends AbstractStrategy<GlftMarketMakerConfig> {
  readonly book: WasmOrderBook;
  readonly #q: WasmQuoting;
  readonly #cal: OnlineCalibrator | undefined;
  #params: GlftInputs;
  readonly #threshold: number;
  readonly #staleNs: bigint;
  readonly #maxNotional: bigint | undefined;
  readonly #maxLossMoney: bigint | undefined;
  readonly #qMax: number;

  #haveBook = false;
  #gapOpen = false;
  #bookTs = 0n;
  #stale = true;
  #cefi = 0n;
  #defi = 0n;
  #bid: Slot | undefined;
  #ask: Slot | undefined;
  #hedgeId: string | undefined;
  #hedgeSince: bigint | undefined;
  #hedgeAggressive = false;
  #killed = false;
  #killReason: string | null = null;
  #coeff = { halfSpread: NaN, skew: NaN };
  #lastBid: number | null = null;
  #lastAsk: number | null = null;

  readonly #s = {
    bookSnapshots: 0,
    bookUpdates: 0,
    staleUpdates: 0,
    trades: 0,
    seqGaps: 0,
    staleEpisodes: 0,
    staleCancels: 0,
    decisions: 0,
    quotesPlaced: 0,
    amends: 0,
    cancels: 0,
    requotesSkipped: 0,
    refused: 0,
    rateLimited: 0,
    bidSuppressed: 0,
    askSuppressed: 0,
    fills: 0,
    fillLots: 0,
    recalibrations: 0,
    inventoryDeltas: 0,
    inventoryIgnored: 0,
    hedgeEpisodes: 0,
    hedgesDonePassively: 0,
    aggressiveHedgeOrders: 0,
    aggressiveHedgeLots: 0,
  };

  constructor(config: GlftMarketMakerConfig, core: WasmCore) {
    super(config);
    const c = config;
    if (c.orderLots <= 0n) {
      throw new RangeError(`Cannot create ${c.name}: orderLots ${c.orderLots}`);
    }
    if (c.maxPositionLots < c.orderLots) {
      throw new RangeError(
        `Cannot create ${c.name}: maxPositionLots ${c.maxPositionLots} below orderLots ${c.orderLots}`,
      );
    }
    this.#q = core.quoting;
    this.book = core.createOrderBook();
    this.#params = { ...c.initial };
    this.#cal = c.calibration === false
      ? undefined
      : new OnlineCalibrator(core.quoting, c.initial, c.calibration ?? {});
    this.#threshold = c.requoteThresholdTicks ?? 1;
    this.#staleNs = c.staleBookNs ?? 2_000_000_000n;
    this.#maxNotional = c.maxNotional === undefined
      ? undefined
      : parseMoney(c.maxNotional, `maxNotional of ${c.name}`) / c.instrument.moneyPerTickLot;
    this.#maxLossMoney = c.kill?.maxLoss === undefined
      ? undefined
      : parseMoney(c.kill.maxLoss, `kill.maxLoss of ${c.name}`);
    this.#qMax = Number(c.maxPositionLots) / Number(c.orderLots);
    this.#updateCoefficients();
  }

  /** Current σ, A, k. */
  get params(): GlftInputs {
    return this.#params;
  }

  /** The client ids of the live quotes. */
  get quoteIds(): { bid?: string; ask?: string } {
    return { bid: this.#bid?.id, ask: this.#ask?.id };
  }

  /** CeFi position, DeFi exposure and their net, lots. */
  get inventory(): { cefi: bigint; defi: bigint; net: bigint } {
    return { cefi: this.#cefi, defi: this.#defi, net: this.#cefi + this.#defi };
  }

  #updateCoefficients(): void {
    const c = this.config;
    const p = this.#params;
    const k = this.#q.glftCoefficients({
      gamma: c.gamma,
      xi: c.xi,
      sigma: p.sigma,
      A: p.A,
      k: p.k,
      lot: 1,
    });
    this.#coeff = {
      halfSpread: (c.halfSpreadScale ?? 1) * k.halfSpread,
      skew: (c.skewScale ?? 1) * k.skew,
    };
  }

  override start(_tsNs: bigint): readonly Intent[] {
    const c = this.config;
    this.#cefi = this.ctx.pms.position(c.venue, c.symbol).lots;
    return NO_INTENTS;
  }

  override onMarketData(ev: MarketDataEvent): readonly Intent[] {
    switch (ev.kind) {
      case "book_snapshot":
        this.book.applySnapshot({
          seq: ev.venueSequence,
          bids: flat(ev.bids),
          asks: flat(ev.asks),
        });
        this.#s.bookSnapshots++;
        this.#haveBook = true;
        this.#gapOpen = false;
        this.#bookTs = ev.exchangeTsNs || ev.tsNs;
        this.#cal?.onMid(this.book.mid() ?? NaN);
        break;
      case "book_update": {
        const r = this.book.applyDeltas({
          firstSeq: ev.firstVenueSequence,
          lastSeq: ev.lastVenueSequence,
          bids: flat(ev.bids),
          asks: flat(ev.asks),
        });
        if (r.status === "ok") {
          this.#s.bookUpdates++;
          this.#bookTs = ev.exchangeTsNs || ev.tsNs;
          const m = this.book.mid();
          if (m !== null) this.#cal?.onMid(m);
        } else if (r.status === "gap") {
          if (!this.#gapOpen) this.#s.seqGaps++;
          this.#gapOpen = true;
        } else {
          this.#s.staleUpdates++;
        }
        break;
      }
      case "trade":
        this.#s.trades++;
        this.#cal?.onTrade(ev.priceTicks, ev.aggressorSide);
        break;
      case "bbo":
        break;
    }
    return this.#decide(ev.tsNs);
  }

  override onOrderEvent(ev: OrderEvent, res: EventResult): readonly Intent[] {
    if (res.accepted && isTerminal(res.order.status)) {
      const o = res.order;
      if (this.#hedgeId !== undefined && this.#is(o, this.#hedgeId)) this.#hedgeId = undefined;
    }
    return this.#decide(ev.tsNs);
  }

  override onTradeExecution(fill: Fill, position: PositionView): readonly Intent[] {
    const c = this.config;
    if (fill.venue !== c.venue || fill.symbol !== c.symbol) return NO_INTENTS;
    this.#cefi = position.lots;
    this.#s.fills++;
    this.#s.fillLots += Number(fill.lots);
    return this.#checkKill(position);
  }

  override onPositionUpdate(ev: PositionUpdate): readonly Intent[] {
    const c = this.config;
    if (ev.venue !== c.venue || ev.symbol !== c.symbol || ev.source === "DEFI_INVENTORY") {
      return NO_INTENTS;
    }
    this.#cefi = qtyToLots(c.instrument, ev.quantity);
    return this.#decide(ev.tsNs);
  }

  override onInventoryDelta(ev: InventoryDelta): readonly Intent[] {
    const h = this.config.hedge;
    const sym = h?.baseTokenSymbol;
    const amount = sym === undefined
      ? undefined
      : ev.token0Symbol === sym
      ? ev.amount0
      : ev.token1Symbol === sym
      ? ev.amount1
      : undefined;
    if (amount === undefined) {
      this.#s.inventoryIgnored++;
      return NO_INTENTS;
    }
    this.#s.inventoryDeltas++;
    this.#defi += toLots(this.config.instrument, amount, `inventory delta of ${sym}`);
    return this.#decide(ev.tsNs);
  }

  override onTimer(tsNs: bigint): readonly Intent[] {
    if (this.#maxLossMoney !== undefined && !this.#killed) {
      const c = this.config;
      const k = this.#checkKill(this.ctx.pms.position(c.venue, c.symbol));
      if (k.length) return k;
    }
    return this.#decide(tsNs);
  }

  override onIntentResult(intent: Intent, res: ActionResult): void {
    if (intent.kind === "kill") return;
    if (!res.ok) {
      this.#s.refused++;
      if (res.reason === "rate_limited") this.#s.rateLimited++;
      return;
    }
    const tag = intent.tag;
    if (intent.kind === "place") {
      if (tag === "hedge") this.#hedgeId = res.clientOrderId;
      else if (tag === "bid") this.#bid = { id: res.clientOrderId };
      else if (tag === "ask") this.#ask = { id: res.clientOrderId };
    } else if (intent.kind === "replace") {
      const slot = tag === "bid" ? this.#bid : tag === "ask" ? this.#ask : undefined;
      if (slot) {
        slot.alt = intent.clientOrderId;
        slot.id = res.clientOrderId;
      }
    }
  }

  override onKill(reason: string, _tsNs: bigint): void {
    this.#killed = true;
    this.#killReason = reason;
  }

  #checkKill(p: PositionView): readonly Intent[] {
    const k = this.config.kill;
    if (!k || this.#killed) return NO_INTENTS;
    if (k.maxPositionLots !== undefined && abs(p.lots) > k.maxPositionLots) {
      return [{
        kind: "kill",
        reason: `max_position: |position| ${abs(p.lots)} lots above ${k.maxPositionLots}`,
        flatten: k.flatten,
      }];
    }
    if (this.#maxLossMoney !== undefined && p.netPnl < -this.#maxLossMoney) {
      return [{
        kind: "kill",
        reason: `max_loss: net PnL ${p.netPnlQuote} below -${k.maxLoss}`,
        flatten: k.flatten,
      }];
    }
    return NO_INTENTS;
  }

  #is(o: Order, id: string): boolean {
    return o.clientOrderId === id || o.previousClientOrderIds.includes(id) ||
      o.pendingReplace?.clientOrderId === id;
  }

  /** The live (non-terminal) order of a slot, or undefined (slot cleared). */
  #live(side: "bid" | "ask"): Order | undefined {
    const slot = side === "bid" ? this.#bid : this.#ask;
    if (!slot) return undefined;
    const oms = this.ctx.oms;
    let o = oms.order(slot.id);
    if (!o && slot.alt !== undefined) o = oms.order(slot.alt);
    if (!o || isTerminal(o.status)) {
      if (side === "bid") this.#bid = undefined;
      else this.#ask = undefined;
      return undefined;
    }
    return o;
  }

  #decide(now: bigint): readonly Intent[] {
    if (this.#cal && this.#cal.advance(now)) {
      this.#params = this.#cal.params;
      this.#s.recalibrations++;
      this.#updateCoefficients();
    }
    if (this.#killed) return NO_INTENTS;
    this.#s.decisions++;
    const best = this.#haveBook ? this.book.bestBid() : null;
    const bestAsk = this.#haveBook ? this.book.bestAsk() : null;
    const stale = !this.#haveBook || this.#gapOpen || best === null || bestAsk === null ||
      now - this.#bookTs > this.#staleNs;
    let out: Intent[] | undefined;
    if (stale) {
      if (!this.#stale) this.#s.staleEpisodes++;
      this.#stale = true;
      for (const side of ["bid", "ask"] as const) {
        const o = this.#live(side);
        if (o && o.pending !== "cancel") {
          (out ??= []).push({ kind: "cancel", clientOrderId: o.clientOrderId, tag: side });
          this.#s.staleCancels++;
          this.#s.cancels++;
        }
      }
      this.#lastBid = this.#lastAsk = null;
      return out ?? NO_INTENTS;
    }
    this.#stale = false;
    const c = this.config;
    const bb = best!.price;
    const ba = bestAsk!.price;
    const mid = (bb + ba) / 2;
    const net = this.#cefi + this.#defi - (c.hedge?.targetNetLots ?? 0n);
    let q = Number(net) / Number(c.orderLots);
    if (q > this.#qMax) q = this.#qMax;
    else if (q < -this.#qMax) q = -this.#qMax;
    const quote = this.#q.glft(
      {
        gamma: c.gamma,
        xi: c.xi,
        sigma: this.#params.sigma,
        A: this.#params.A,
        k: this.#params.k,
        lot: 1,
        fee: c.feeTicks ?? 0,
        tickSize: 1,
        halfSpreadScale: c.halfSpreadScale,
        skewScale: c.skewScale,
      },
      mid,
      q,
    );
    let bidT = quote.bidTick;
    let askT = quote.askTick;
    if (bidT !== null && bidT > ba - 1) bidT = ba - 1;
    if (askT !== null && askT < bb + 1) askT = bb + 1;
    // max position / notional: suppress the side that would grow |position| past the limit
    const ol = c.orderLots;
    if (bidT !== null && !this.#sideAllowed(this.#cefi + ol, bidT)) {
      bidT = null;
      this.#s.bidSuppressed++;
    }
    if (askT !== null && !this.#sideAllowed(this.#cefi - ol, askT)) {
      askT = null;
      this.#s.askSuppressed++;
    }
    this.#lastBid = bidT;
    this.#lastAsk = askT;
    out = this.#side("bid", "BUY", bidT, out);
    out = this.#side("ask", "SELL", askT, out);
    if (c.hedge) out = this.#hedge(now, net, bb, ba, out);
    return out ?? NO_INTENTS;
  }

  #sideAllowed(after: bigint, priceTicks: number): boolean {
    const c = this.config;
    const a = abs(after);
    if (a > c.maxPositionLots && a > abs(this.#cefi)) return false;
    if (this.#maxNotional !== undefined && a > abs(this.#cefi)) {
      const p = BigInt(priceTicks);
      if (a * (p < 0n ? -p : p) > this.#maxNotional) return false;
    }
    return true;
  }

  #side(
    tag: "bid" | "ask",
    side: Side,
    target: number | null,
    out: Intent[] | undefined,
  ): Intent[] | undefined {
    const o = this.#live(tag);
    if (!o) {
      if (target === null) return out;
      const c = this.config;
      (out ??= []).push({
        kind: "place",
        tag,
        order: {
          venue: c.venue,
          symbol: c.symbol,
          side,
          lots: c.orderLots,
          priceTicks: BigInt(target),
          type: "LIMIT",
          timeInForce: "GTC",
          postOnly: c.postOnly ?? true,
        },
      });
      this.#s.quotesPlaced++;
      return out;
    }
    if (o.pending !== "none" || o.status === "NEW" || o.status === "SENT") return out;
    if (target === null) {
      (out ??= []).push({ kind: "cancel", clientOrderId: o.clientOrderId, tag });
      this.#s.cancels++;
      return out;
    }
    const cur = Number(o.priceTicks);
    const move = target > cur ? target - cur : cur - target;
    if (move === 0) return out;
    if (move <= this.#threshold) {
      this.#s.requotesSkipped++;
      return out;
    }
    (out ??= []).push({
      kind: "replace",
      clientOrderId: o.clientOrderId,
      priceTicks: BigInt(target),
      tag,
    });
    this.#s.amends++;
    return out;
  }

  #hedge(
    now: bigint,
    net: bigint,
    bestBid: number,
    bestAsk: number,
    out: Intent[] | undefined,
  ): Intent[] | undefined {
    const h = this.config.hedge!;
    const tol = h.toleranceLots ?? this.config.orderLots;
    if (abs(net) <= tol) {
      if (this.#hedgeSince !== undefined && !this.#hedgeAggressive) this.#s.hedgesDonePassively++;
      this.#hedgeSince = undefined;
      this.#hedgeAggressive = false;
      return out;
    }
    if (this.#hedgeSince === undefined) {
      this.#hedgeSince = now;
      this.#s.hedgeEpisodes++;
      return out;
    }
    if (this.#hedgeId !== undefined || now - this.#hedgeSince < h.passiveTimeoutNs) return out;
    const side: Side = net > 0n ? "SELL" : "BUY";
    const lots = abs(net) < h.maxAggressiveLots ? abs(net) : h.maxAggressiveLots;
    const price = side === "BUY" ? bestAsk + h.maxSlippageTicks : bestBid - h.maxSlippageTicks;
    const c = this.config;
    (out ??= []).push({
      kind: "place",
      tag: "hedge",
      order: {
        venue: c.venue,
        symbol: c.symbol,
        side,
        lots,
        priceTicks: BigInt(price),
        type: "LIMIT",
        timeInForce: "IOC",
        postOnly: false,
      },
    });
    this.#hedgeSince = now;
    this.#hedgeAggressive = true;
    this.#s.aggressiveHedgeOrders++;
    this.#s.aggressiveHedgeLots += Number(lots);
    return out;
  }

  /** Counters, gauges and the current model state. */
  override stats(): StrategyStats {
    const cal = this.#cal?.stats();
    return {
      ...this.#s,
      staleActive: this.#stale,
      gapOpen: this.#gapOpen,
      killed: this.#killed,
      killReason: this.#killReason,
      cefiLots: Number(this.#cefi),
      defiLots: Number(this.#defi),
      sigma: this.#params.sigma,
      A: this.#params.A,
      k: this.#params.k,
      halfSpreadTicks: this.#coeff.halfSpread,
      skewTicksPerOrder: this.#coeff.skew,
      lastBidTicks: this.#lastBid,
      lastAskTicks: this.#lastAsk,
      calibrationSteps: cal?.steps ?? 0,
      calibrations: cal?.calibrations ?? 0,
      fitUpdates: cal?.fitUpdates ?? 0,
      fitRejected: cal?.fitRejected ?? 0,
      fitR2: cal?.lastR2 ?? null,
    };
  }

  /** Frees the wasm book (the strategy must not be used after). */
  dispose(): void {
    this.book.free();
  }
}

function flat(levels: Float64Array | readonly number[]): Float64Array {
  return levels instanceof Float64Array ? levels : Float64Array.from(levels);
}
