/**
 * Simulated venue: matches our order requests and the synthetic market's
 * sweeps, with the queue-position model for passive fills, post-only
 * rejection, native amends (a price change loses queue priority), IOC and
 * market orders against the others' book, and maker/taker fees. It emits
 * order events and public trades stamped with venue time; the runner adds
 * the latency. Our orders are not shown in the public book (as when
 * replaying recorded data).
 *
 * @module
 */
import { divRoundHalfAway } from "../trader/decimal.ts";
import type { InstrumentSpec } from "../trader/instrument.ts";
import { formatMoney } from "../trader/money.ts";
import type { OrderEvent, OrderRequest, Side } from "../trader/types.ts";
import type { SyntheticMarket } from "./market.ts";
import { joinQueue, onLevelChange, onTrade, type QueuedOrder } from "./queue.ts";

/** Fees in basis points of notional (negative = rebate). */
export interface FeeModel {
  makerBps: number;
  takerBps: number;
}

/** One of our fills as the venue saw it (for the report). */
export interface VenueFill {
  ts: bigint;
  clientOrderId: string;
  venueOrderId: string;
  side: Side;
  priceTicks: number;
  lots: number;
  maker: boolean;
  /** Fee in quote (float, for the report; the event carries the exact string). */
  feeQuote: number;
  /** Others' book mid when the fill happened, ticks. */
  midTicks: number;
}

/** Where the venue's output goes. */
export interface VenueSink {
  orderEvent(ev: OrderEvent): void;
  trade(priceTicks: number, lots: number, aggressor: Side, ts: bigint): void;
  fill(f: VenueFill): void;
}

interface SimOrder {
  clientOrderId: string;
  venueOrderId: string;
  side: Side;
  priceTicks: number;
  lots: number;
  filled: number;
  postOnly: boolean;
  q: QueuedOrder;
}

/** Venue counters. */
export interface VenueStats {
  newOrders: number;
  acks: number;
  amends: number;
  cancels: number;
  postOnlyRejects: number;
  amendRejects: number;
  unknownOrderRequests: number;
  makerFills: number;
  takerFills: number;
  makerLots: number;
  takerLots: number;
  expired: number;
  sweeps: number;
  sweepsWithoutTrade: number;
  publicTrades: number;
  crossedByMarket: number;
}

/** See the module doc. */
export class SimVenue {
  readonly #m: SyntheticMarket;
  readonly #spec: InstrumentSpec;
  readonly #fees: { maker: bigint; taker: bigint; makerBps: number; takerBps: number };
  readonly #sink: VenueSink;
  readonly #live = new Map<string, SimOrder>();
  #venueIds = 0;
  #tradeIds = 0;
  readonly stats: VenueStats = {
    newOrders: 0,
    acks: 0,
    amends: 0,
    cancels: 0,
    postOnlyRejects: 0,
    amendRejects: 0,
    unknownOrderRequests: 0,
    makerFills: 0,
    takerFills: 0,
    makerLots: 0,
    takerLots: 0,
    expired: 0,
    sweeps: 0,
    sweepsWithoutTrade: 0,
    publicTrades: 0,
    crossedByMarket: 0,
  };

  constructor(market: SyntheticMarket, spec: InstrumentSpec, fees: FeeModel, sink: VenueSink) {
    this.#m = market;
    this.#spec = spec;
    this.#fees = {
      maker: BigInt(Math.round(fees.makerBps * 1e4)),
      taker: BigInt(Math.round(fees.takerBps * 1e4)),
      makerBps: fees.makerBps,
      takerBps: fees.takerBps,
    };
    this.#sink = sink;
  }

  /** Our live orders (for tests and the report). */
  liveOrders(): { clientOrderId: string; side: Side; priceTicks: number; lots: number }[] {
    return [...this.#live.values()].map((o) => ({
      clientOrderId: o.clientOrderId,
      side: o.side,
      priceTicks: o.priceTicks,
      lots: o.lots - o.filled,
    }));
  }

  /** A request of ours arriving at the venue at `ts`. */
  onRequest(r: OrderRequest, ts: bigint): void {
    switch (r.action) {
      case "NEW":
        return this.#new(r, ts);
      case "CANCEL":
        return this.#cancel(r, ts);
      case "REPLACE":
        return this.#replace(r, ts);
    }
  }

  #event(ev: OrderEvent): void {
    this.#sink.orderEvent(ev);
  }

  #new(r: OrderRequest, ts: bigint): void {
    this.stats.newOrders++;
    const venueOrderId = `V${++this.#venueIds}`;
    const lots = Number(r.lots ?? 0n);
    const side = r.side;
    const o: SimOrder = {
      clientOrderId: r.clientOrderId,
      venueOrderId,
      side,
      priceTicks: r.priceTicks === undefined ? NaN : Number(r.priceTicks),
      lots,
      filled: 0,
      postOnly: r.postOnly,
      q: undefined as unknown as QueuedOrder,
    };
    const crosses = this.#crosses(side, o.priceTicks, r.type === "MARKET");
    if (crosses && r.postOnly) {
      this.stats.postOnlyRejects++;
      this.#event({
        clientOrderId: r.clientOrderId,
        venueOrderId,
        status: "REJECTED",
        rejectReason: "post-only order would cross",
        tsNs: ts,
      });
      return;
    }
    this.#event({
      clientOrderId: r.clientOrderId,
      venueOrderId,
      status: "ACK",
      priceTicks: r.priceTicks,
      lots: r.lots,
      tsNs: ts,
    });
    this.stats.acks++;
    if (crosses) this.#take(o, r.type === "MARKET" ? NaN : o.priceTicks, ts);
    if (o.filled >= o.lots) return;
    if (r.type === "MARKET" || r.timeInForce !== "GTC") {
      this.stats.expired++;
      this.#event({ clientOrderId: o.clientOrderId, venueOrderId, status: "EXPIRED", tsNs: ts });
      return;
    }
    o.q = joinQueue(side, o.priceTicks, o.lots - o.filled, this.#others(side, o.priceTicks));
    this.#live.set(o.clientOrderId, o);
  }

  #find(r: OrderRequest): SimOrder | undefined {
    return this.#live.get(r.origClientOrderId ?? r.clientOrderId) ??
      this.#live.get(r.clientOrderId);
  }

  #cancel(r: OrderRequest, ts: bigint): void {
    const o = this.#find(r);
    if (!o) {
      // already filled or gone: its terminal event is on its way
      this.stats.unknownOrderRequests++;
      return;
    }
    this.#live.delete(o.clientOrderId);
    this.stats.cancels++;
    this.#event({
      clientOrderId: o.clientOrderId,
      venueOrderId: o.venueOrderId,
      status: "CANCELLED",
      tsNs: ts,
    });
  }

  #replace(r: OrderRequest, ts: bigint): void {
    const o = this.#find(r);
    if (!o) {
      this.stats.unknownOrderRequests++;
      return;
    }
    const price = r.priceTicks === undefined ? o.priceTicks : Number(r.priceTicks);
    const lots = r.lots === undefined ? o.lots : Number(r.lots);
    if ((o.postOnly && this.#crosses(o.side, price, false)) || lots <= o.filled) {
      this.stats.amendRejects++;
      this.#event({
        clientOrderId: r.clientOrderId,
        venueOrderId: o.venueOrderId,
        status: "REJECTED",
        rejectReason: lots <= o.filled ? "amend below filled" : "post-only amend would cross",
        tsNs: ts,
      });
      return;
    }
    this.#live.delete(o.clientOrderId);
    o.clientOrderId = r.clientOrderId;
    this.#live.set(o.clientOrderId, o);
    this.stats.amends++;
    const remaining = lots - o.filled;
    if (price !== o.priceTicks || lots > o.lots) {
      // a new price (or more size) goes to the back of the queue
      o.priceTicks = price;
      o.q = joinQueue(o.side, price, remaining, this.#others(o.side, price));
    } else {
      o.q.lots = remaining;
    }
    o.lots = lots;
    this.#event({
      clientOrderId: o.clientOrderId,
      venueOrderId: o.venueOrderId,
      status: "ACK",
      priceTicks: BigInt(o.priceTicks),
      lots: BigInt(o.lots),
      tsNs: ts,
    });
  }

  #others(side: Side, price: number): number {
    return (side === "BUY" ? this.#m.bids : this.#m.asks).get(price) ?? 0;
  }

  #crosses(side: Side, price: number, market: boolean): boolean {
    if (market) return true;
    return side === "BUY" ? price >= this.#m.bestAsk() : price <= this.#m.bestBid();
  }

  /** Our aggressive order takes the others' book up to `limit` (NaN = no limit). */
  #take(o: SimOrder, limit: number, ts: bigint): void {
    const m = this.#m;
    const book = o.side === "BUY" ? m.asks : m.bids;
    const prices = [...book.keys()].sort((a, b) => o.side === "BUY" ? a - b : b - a);
    for (const p of prices) {
      if (o.filled >= o.lots) break;
      if (!Number.isNaN(limit) && (o.side === "BUY" ? p > limit : p < limit)) break;
      const size = book.get(p)!;
      const take = Math.min(size, o.lots - o.filled);
      m.setLevel(o.side === "BUY" ? "SELL" : "BUY", p, size - take);
      this.#sink.trade(p, take, o.side, ts);
      this.stats.publicTrades++;
      this.#fill(o, p, take, false, ts);
    }
  }

  #fill(o: SimOrder, price: number, lots: number, maker: boolean, ts: bigint): void {
    o.filled += lots;
    const spec = this.#spec;
    const notional = BigInt(price) * BigInt(lots) * spec.moneyPerTickLot;
    const rate = maker ? this.#fees.maker : this.#fees.taker;
    const fee = divRoundHalfAway(notional * rate, 100_000_000n);
    const feeQuote = (price * lots * Number(spec.moneyPerTickLot) / 1e18) *
      (maker ? this.#fees.makerBps : this.#fees.takerBps) / 1e4;
    if (maker) {
      this.stats.makerFills++;
      this.stats.makerLots += lots;
    } else {
      this.stats.takerFills++;
      this.stats.takerLots += lots;
    }
    this.#event({
      clientOrderId: o.clientOrderId,
      venueOrderId: o.venueOrderId,
      status: o.filled >= o.lots ? "FILLED" : "PARTIALLY_FILLED",
      lastFillLots: BigInt(lots),
      lastFillPriceTicks: BigInt(price),
      cumulativeLots: BigInt(o.filled),
      fee: fee === 0n ? undefined : formatMoney(fee),
      feeAsset: fee === 0n ? undefined : spec.quoteAsset,
      tradeId: `T${++this.#tradeIds}`,
      tsNs: ts,
    });
    this.#sink.fill({
      ts,
      clientOrderId: o.clientOrderId,
      venueOrderId: o.venueOrderId,
      side: o.side,
      priceTicks: price,
      lots,
      maker,
      feeQuote,
      midTicks: this.#m.bookMid(),
    });
  }

  #resting(side: Side): SimOrder[] {
    const out: SimOrder[] = [];
    for (const o of this.#live.values()) if (o.side === side) out.push(o);
    return out;
  }

  /**
   * After the market stepped: orders the book moved through fill at their
   * price; the others' level sizes update our queue positions.
   */
  afterStep(ts: bigint): void {
    const m = this.#m;
    const bb = m.bestBid();
    const ba = m.bestAsk();
    for (const o of [...this.#live.values()]) {
      const through = o.side === "BUY" ? o.priceTicks >= ba : o.priceTicks <= bb;
      if (through) {
        this.stats.crossedByMarket++;
        const lots = o.lots - o.filled;
        this.#sink.trade(o.priceTicks, lots, o.side === "BUY" ? "SELL" : "BUY", ts);
        this.stats.publicTrades++;
        o.q.lots = 0;
        this.#live.delete(o.clientOrderId);
        this.#fill(o, o.priceTicks, lots, true, ts);
      } else {
        onLevelChange(o.q, this.#others(o.side, o.priceTicks));
      }
    }
  }

  /** One sweep of the others' flow at `ts` (see market.ts). */
  sweep(ts: bigint): void {
    const m = this.#m;
    this.stats.sweeps++;
    const side = m.sweepSide();
    const depth = m.sweepDepth();
    const mid = m.bookMid();
    const buy = side === "BUY";
    const reach = buy ? Math.floor(mid + depth) : Math.ceil(mid - depth);
    const book = buy ? m.asks : m.bids;
    const ours = this.#resting(buy ? "SELL" : "BUY");
    const set = new Set<number>();
    for (const p of book.keys()) if (buy ? p <= reach : p >= reach) set.add(p);
    for (const o of ours) {
      if (buy ? o.priceTicks <= reach : o.priceTicks >= reach) set.add(o.priceTicks);
    }
    if (set.size === 0) {
      this.stats.sweepsWithoutTrade++;
      return;
    }
    const prices = [...set].sort((a, b) => buy ? a - b : b - a);
    const frac = m.lastLevelFraction();
    for (let i = 0; i < prices.length; i++) {
      const p = prices[i];
      const others = book.get(p) ?? 0;
      const here = ours.filter((o) => o.priceTicks === p && this.#live.has(o.clientOrderId));
      let total = others;
      for (const o of here) total += o.lots - o.filled;
      const c = i < prices.length - 1 ? total : Math.max(1, Math.ceil(frac * total));
      this.#sink.trade(p, c, side, ts);
      this.stats.publicTrades++;
      let oursFilled = 0;
      for (const o of here) {
        const f = onTrade(o.q, p, c, side);
        if (f > 0) {
          oursFilled += f;
          if (o.q.lots === 0) this.#live.delete(o.clientOrderId);
          this.#fill(o, p, f, true, ts);
        }
      }
      m.setLevel(buy ? "SELL" : "BUY", p, Math.max(0, others - (c - oursFilled)));
    }
    m.push((buy ? 1 : -1) * m.current.impact * depth);
  }
}
