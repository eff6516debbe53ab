/**
 * StrategyContainer and TraderLib: the plumbing between events and a pure
 * strategy. A container hosts one {@link AbstractStrategy}: it routes market
 * data, order events (applied to the MiniOMS, fills to the MiniPMS), position
 * and balance updates, DeFi inventory deltas and timer ticks to it, passes the
 * intents it returns through the MiniOMS (limits, risk, rate) and hands the
 * resulting {@link OrderRequest}s to an injected sink. It owns the lifecycle
 * (initialized -> running -> stopped | killed), the kill switch (cancel all,
 * optionally flatten with a reduce-only market IOC, retried until flat) and
 * the statistics (events in, intents, orders out, refusals, latency).
 *
 * Latency: `clock` is injected. Live harnesses pass a wall clock; without one
 * (backtest) the event's own `tsNs` is "now", so every figure comes from
 * event time and a rerun gives identical stats. Stages, in ns:
 * - `feed`: receive − exchange time of market data (venue + network);
 * - `decide`: clock after the strategy returned − clock at dispatch;
 * - `toOrder`: clock when the last request of an event reached the sink −
 *   the event's `tsNs` (events that emitted requests only).
 *
 * TraderLib hosts several containers over one shared MiniOMS/MiniPMS and
 * routes each event to the containers it concerns (order events by the
 * order's `strategy` field).
 *
 * @example
 * ```ts
 * import { MiniOMS, MiniPMS, instrument } from "./mod.ts";
 * import { StrategyContainer } from "./container.ts";
 * import { AbstractStrategy, type Intent, NO_INTENTS } from "./strategy.ts";
 * class OneBid extends AbstractStrategy {
 *   onMarketData(): readonly Intent[] {
 *     return this.ctx.oms.openOrders().length ? NO_INTENTS : [{
 *       kind: "place", order: { venue: "v", symbol: "S", side: "BUY", lots: 1n, priceTicks: 10n },
 *     }];
 *   }
 * }
 * const pms = new MiniPMS();
 * pms.addInstrument("v", instrument({ symbol: "S", baseAsset: "B", quoteAsset: "Q", tickSize: "1", lotSize: "1" }));
 * const sent: unknown[] = [];
 * const c = new StrategyContainer({
 *   strategy: new OneBid({ name: "one", venue: "v", symbol: "S" }),
 *   oms: new MiniOMS({ risk: pms }), pms, sink: (r) => sent.push(r),
 * });
 * c.start(0n);
 * c.onMarketData({ kind: "trade", venue: "v", symbol: "S", tsNs: 1n, tradeId: "1", priceTicks: 10, lots: 1, venueSequence: 1n });
 * console.log(sent.length, c.stats().ordersOut.NEW); // 1 1
 * ```
 * @module
 */
import { LatencyHistogram, type LatencySummary } from "./latency.ts";
import { silentLogger, type TraderLogger } from "./logger.ts";
import type {
  BalanceUpdate,
  InventoryDelta,
  MarketDataEvent,
  PositionUpdate,
} from "./market_data.ts";
import type { ActionResult, EventResult, MiniOMS, RefusalReason } from "./mini_oms.ts";
import type { MiniPMS, PositionView } from "./mini_pms.ts";
import type { AbstractStrategy, Intent, StrategyStats } from "./strategy.ts";
import type { Fill, OrderAction, OrderEvent, OrderRequest } from "./types.ts";

/** Container lifecycle. */
export type ContainerState = "initialized" | "running" | "stopped" | "killed";

/** Where order requests go (the trading engine publisher, or a simulated venue). */
export type OrderSink = (request: OrderRequest) => void;

/** Options of {@link StrategyContainer}. */
export interface StrategyContainerOptions {
  strategy: AbstractStrategy;
  oms: MiniOMS;
  pms: MiniPMS;
  sink: OrderSink;
  /** ns now; default: the current event's `tsNs` (event time, for backtests). */
  clock?: () => bigint;
  logger?: TraderLogger;
}

/** A kill switch command. */
export interface KillCommand {
  reason: string;
  /** Also close the position with a reduce-only market IOC. */
  flatten?: boolean;
}

/** Counters and gauges of one container. */
export interface ContainerStats {
  name: string;
  state: ContainerState;
  eventsIn: {
    total: number;
    marketData: number;
    orderEvents: number;
    illegalOrderEvents: number;
    fills: number;
    positionUpdates: number;
    balanceUpdates: number;
    inventoryDeltas: number;
    timers: number;
  };
  intents: { place: number; cancel: number; replace: number; kill: number };
  ordersOut: Record<OrderAction, number> & { total: number };
  refused: { total: number; byReason: Partial<Record<RefusalReason, number>> };
  killSwitch: {
    active: boolean;
    reason: string | null;
    tsNs: string | null;
    flatten: boolean;
    flattenOrders: number;
    flat: boolean | null;
  };
  latencyNs: { feed: LatencySummary; decide: LatencySummary; toOrder: LatencySummary };
  strategy: StrategyStats;
}

const ZERO = 0n;

/** See the module doc. */
export class StrategyContainer {
  readonly strategy: AbstractStrategy;
  readonly #oms: MiniOMS;
  readonly #pms: MiniPMS;
  readonly #sink: OrderSink;
  readonly #clock: (() => bigint) | undefined;
  readonly #log: TraderLogger;
  #state: ContainerState = "initialized";
  /** "now" for the event being handled when there is no clock. */
  #eventTs = ZERO;
  #emittedAt = -1n;

  readonly #in = {
    total: 0,
    marketData: 0,
    orderEvents: 0,
    illegalOrderEvents: 0,
    fills: 0,
    positionUpdates: 0,
    balanceUpdates: 0,
    inventoryDeltas: 0,
    timers: 0,
  };
  readonly #intents = { place: 0, cancel: 0, replace: 0, kill: 0 };
  readonly #out = { total: 0, NEW: 0, CANCEL: 0, REPLACE: 0 };
  #refusedTotal = 0;
  readonly #refused: Partial<Record<RefusalReason, number>> = {};
  readonly #feed = new LatencyHistogram();
  readonly #decide = new LatencyHistogram();
  readonly #toOrder = new LatencyHistogram();
  #kill: { reason: string; tsNs: bigint; flatten: boolean } | undefined;
  #flattenOrders = 0;
  #flattenId: string | undefined;

  constructor(o: StrategyContainerOptions) {
    this.strategy = o.strategy;
    this.#oms = o.oms;
    this.#pms = o.pms;
    this.#sink = o.sink;
    this.#clock = o.clock;
    this.#log = o.logger ?? silentLogger;
    this.strategy.attach({ oms: o.oms, pms: o.pms });
  }

  /** Lifecycle state. */
  get state(): ContainerState {
    return this.#state;
  }

  /** Whether events reach the strategy. */
  isRunning(): boolean {
    return this.#state === "running";
  }

  #now(): bigint {
    return this.#clock ? this.#clock() : this.#eventTs;
  }

  /** Installs the strategy's risk limits and starts routing events. */
  start(tsNs: bigint): void {
    if (this.#state !== "initialized" && this.#state !== "stopped") {
      throw new Error(`Cannot start strategy ${this.strategy.name}: it is ${this.#state}`);
    }
    const c = this.strategy.config;
    if (c.riskLimits) this.#pms.setRiskLimits(c.venue, c.symbol, c.riskLimits);
    this.#state = "running";
    this.#eventTs = tsNs;
    this.#log.info("strategy started", { strategy: c.name, venue: c.venue, symbol: c.symbol });
    this.#execute(this.strategy.start(tsNs), tsNs);
  }

  /** Stops routing events; the strategy's `stop` intents (default: cancel all) are executed. */
  stop(tsNs: bigint): void {
    if (this.#state !== "running") return;
    this.#eventTs = tsNs;
    const intents = this.strategy.stop(tsNs);
    this.#state = "stopped";
    this.#execute(intents, tsNs);
    this.#log.info("strategy stopped", { strategy: this.strategy.name });
  }

  /**
   * The kill switch: cancels every open order of the strategy, optionally
   * flattens (reduce-only market IOC, retried on later events until flat),
   * and stops routing events to the strategy. Idempotent; a later command
   * can add `flatten`.
   */
  kill(cmd: KillCommand, tsNs: bigint): void {
    this.#eventTs = tsNs;
    const flatten = cmd.flatten === true;
    if (this.#kill) {
      if (flatten && !this.#kill.flatten) {
        this.#kill.flatten = true;
        this.#flatten(this.#now());
      }
      return;
    }
    this.#kill = { reason: cmd.reason, tsNs, flatten };
    this.#state = "killed";
    this.#log.warn("kill switch", { strategy: this.strategy.name, reason: cmd.reason, flatten });
    this.#cancelAll(this.#now());
    this.strategy.onKill(cmd.reason, tsNs);
    if (flatten) this.#flatten(this.#now());
  }

  /** A market data event. */
  onMarketData(ev: MarketDataEvent): void {
    this.#in.total++;
    this.#in.marketData++;
    if (ev.exchangeTsNs !== undefined && ev.exchangeTsNs > ZERO) {
      this.#feed.record(Number(ev.tsNs - ev.exchangeTsNs));
    }
    this.#eventTs = ev.tsNs;
    if (this.#state !== "running") {
      if (this.#kill?.flatten) this.#flatten(this.#now());
      return;
    }
    const t0 = this.#now();
    const intents = this.strategy.onMarketData(ev);
    this.#after(intents, t0, ev.tsNs);
  }

  /** An order event: applied to the MiniOMS (fills to the MiniPMS), then routed. */
  onOrderEvent(ev: OrderEvent): void {
    this.#eventTs = ev.tsNs;
    const res = this.#oms.onEvent(ev);
    let position: PositionView | undefined;
    if (res.accepted && res.fill) position = this.#applyFill(res.fill);
    this.deliverOrderEvent(ev, res, position);
  }

  /**
   * Routes an order event the caller already applied to the OMS/PMS (used
   * by {@link TraderLib}, which shares one OMS between containers).
   */
  deliverOrderEvent(ev: OrderEvent, res: EventResult, position?: PositionView): void {
    this.#in.total++;
    this.#in.orderEvents++;
    this.#eventTs = ev.tsNs;
    if (!res.accepted) this.#in.illegalOrderEvents++;
    if (res.accepted && res.fill) this.#in.fills++;
    if (res.accepted && this.#flattenId !== undefined) {
      const ids = [res.order.clientOrderId, ...res.order.previousClientOrderIds];
      if (ids.includes(this.#flattenId) && isDone(res.order.status)) {
        this.#flattenId = undefined;
      }
    }
    if (this.#state !== "running") {
      if (this.#kill?.flatten) this.#flatten(this.#now());
      return;
    }
    const t0 = this.#now();
    // the fill first, so the strategy sees its new position when it reacts to the event
    if (res.accepted && res.fill && position) {
      const intents = this.strategy.onTradeExecution(res.fill, position);
      if (intents.length) this.#execute(intents, this.#now());
    }
    if (this.isRunning()) {
      const intents = this.strategy.onOrderEvent(ev, res);
      if (intents.length) this.#execute(intents, this.#now());
    }
    this.#decide.record(Number(this.#now() - t0));
  }

  #applyFill(fill: Fill): PositionView | undefined {
    const r = this.#pms.applyFill(fill);
    return r.applied ? r.position : undefined;
  }

  /** A position update from the position server. */
  onPositionUpdate(ev: PositionUpdate): void {
    this.#in.total++;
    this.#in.positionUpdates++;
    this.#route(ev.tsNs, () => this.strategy.onPositionUpdate(ev));
  }

  /** A balance update from the position server. */
  onBalanceUpdate(ev: BalanceUpdate): void {
    this.#in.total++;
    this.#in.balanceUpdates++;
    this.#route(ev.tsNs, () => this.strategy.onBalanceUpdate(ev));
  }

  /** An inventory delta from the DeFi rebalancer. */
  onInventoryDelta(ev: InventoryDelta): void {
    this.#in.total++;
    this.#in.inventoryDeltas++;
    this.#route(ev.tsNs, () => this.strategy.onInventoryDelta(ev));
  }

  /** A timer tick (the harness's, at `tsNs`). */
  onTimer(tsNs: bigint): void {
    this.#in.total++;
    this.#in.timers++;
    this.#route(tsNs, () => this.strategy.onTimer(tsNs));
  }

  #route(tsNs: bigint, f: () => readonly Intent[]): void {
    this.#eventTs = tsNs;
    if (this.#state !== "running") {
      if (this.#kill?.flatten) this.#flatten(this.#now());
      return;
    }
    const t0 = this.#now();
    this.#after(f(), t0, tsNs);
  }

  #after(intents: readonly Intent[], t0: bigint, evTs: bigint): void {
    if (intents.length === 0) {
      this.#decide.record(Number(this.#now() - t0));
      return;
    }
    const t1 = this.#now();
    this.#decide.record(Number(t1 - t0));
    this.#emittedAt = -1n;
    this.#execute(intents, t1);
    if (this.#emittedAt >= ZERO) this.#toOrder.record(Number(this.#emittedAt - evTs));
  }

  #execute(intents: readonly Intent[], tsNs: bigint): void {
    const name = this.strategy.name;
    for (let i = 0; i < intents.length; i++) {
      const it = intents[i];
      let res: ActionResult;
      switch (it.kind) {
        case "place":
          this.#intents.place++;
          res = this.#oms.submit({ ...it.order, strategy: name }, tsNs);
          break;
        case "cancel":
          this.#intents.cancel++;
          res = this.#oms.cancel(it.clientOrderId, tsNs);
          break;
        case "replace":
          this.#intents.replace++;
          res = this.#oms.replace(
            it.clientOrderId,
            { priceTicks: it.priceTicks, lots: it.lots },
            tsNs,
          );
          break;
        case "kill":
          this.#intents.kill++;
          this.kill({ reason: it.reason, flatten: it.flatten }, tsNs);
          return;
      }
      this.#handle(res);
      this.strategy.onIntentResult(it, res);
      if (this.#state === "killed") return;
    }
  }

  #handle(res: ActionResult): void {
    if (!res.ok) {
      this.#refusedTotal++;
      this.#refused[res.reason] = (this.#refused[res.reason] ?? 0) + 1;
      return;
    }
    const reqs = res.requests;
    for (let i = 0; i < reqs.length; i++) {
      const r = reqs[i];
      this.#out.total++;
      this.#out[r.action]++;
      this.#sink(r);
    }
    if (reqs.length) this.#emittedAt = this.#now();
  }

  #ownOpen() {
    const c = this.strategy.config;
    return this.#oms.openOrders({ venue: c.venue, symbol: c.symbol })
      .filter((o) => o.strategy === c.name);
  }

  #cancelAll(tsNs: bigint): void {
    for (const o of this.#ownOpen()) {
      if (o.pending === "cancel" || o.clientOrderId === this.#flattenId) continue;
      this.#handle(this.#oms.cancel(o.clientOrderId, tsNs));
    }
  }

  #flatten(tsNs: bigint): void {
    if (this.#flattenId !== undefined) return;
    const c = this.strategy.config;
    const lots = this.#pms.position(c.venue, c.symbol).lots;
    if (lots === ZERO) return;
    const res = this.#oms.submit({
      venue: c.venue,
      symbol: c.symbol,
      side: lots > ZERO ? "SELL" : "BUY",
      lots: lots > ZERO ? lots : -lots,
      type: "MARKET",
      timeInForce: "IOC",
      reduceOnly: true,
      strategy: c.name,
    }, tsNs);
    this.#handle(res);
    if (res.ok) {
      this.#flattenId = res.clientOrderId;
      this.#flattenOrders++;
    }
  }

  /** Counters, gauges, latency summaries and the strategy's own stats. */
  stats(): ContainerStats {
    const c = this.strategy.config;
    const k = this.#kill;
    return {
      name: c.name,
      state: this.#state,
      eventsIn: { ...this.#in },
      intents: { ...this.#intents },
      ordersOut: { ...this.#out },
      refused: { total: this.#refusedTotal, byReason: { ...this.#refused } },
      killSwitch: {
        active: k !== undefined,
        reason: k?.reason ?? null,
        tsNs: k ? String(k.tsNs) : null,
        flatten: k?.flatten ?? false,
        flattenOrders: this.#flattenOrders,
        flat: k ? this.#pms.position(c.venue, c.symbol).lots === ZERO : null,
      },
      latencyNs: {
        feed: this.#feed.summary(),
        decide: this.#decide.summary(),
        toOrder: this.#toOrder.summary(),
      },
      strategy: this.strategy.stats(),
    };
  }
}

function isDone(s: string): boolean {
  return s === "FILLED" || s === "CANCELLED" || s === "REJECTED" || s === "EXPIRED";
}

/** Options of {@link TraderLib}. */
export interface TraderLibOptions {
  oms: MiniOMS;
  pms: MiniPMS;
  sink: OrderSink;
  clock?: () => bigint;
  logger?: TraderLogger;
}

/**
 * Several strategies over one MiniOMS/MiniPMS: market data goes to the
 * containers of its venue/symbol, order events to the container of the
 * order's strategy, everything else to all.
 */
export class TraderLib {
  readonly oms: MiniOMS;
  readonly pms: MiniPMS;
  readonly #o: TraderLibOptions;
  readonly #byName = new Map<string, StrategyContainer>();
  readonly #byInstrument = new Map<string, StrategyContainer[]>();

  constructor(o: TraderLibOptions) {
    this.#o = o;
    this.oms = o.oms;
    this.pms = o.pms;
  }

  /** Hosts a strategy in a new container (not started). */
  add(strategy: AbstractStrategy): StrategyContainer {
    const name = strategy.name;
    if (this.#byName.has(name)) {
      throw new Error(`Cannot add strategy ${name}: a strategy with that name is hosted`);
    }
    const c = new StrategyContainer({ ...this.#o, strategy });
    this.#byName.set(name, c);
    const key = `${strategy.config.venue}\0${strategy.config.symbol}`;
    const list = this.#byInstrument.get(key) ?? [];
    list.push(c);
    this.#byInstrument.set(key, list);
    return c;
  }

  /** The container of a strategy. */
  container(name: string): StrategyContainer | undefined {
    return this.#byName.get(name);
  }

  /** Starts every container. */
  start(tsNs: bigint): void {
    for (const c of this.#byName.values()) if (c.state === "initialized") c.start(tsNs);
  }

  /** Stops every container. */
  stop(tsNs: bigint): void {
    for (const c of this.#byName.values()) c.stop(tsNs);
  }

  /** Kill switch on every container. */
  killAll(cmd: KillCommand, tsNs: bigint): void {
    for (const c of this.#byName.values()) c.kill(cmd, tsNs);
  }

  onMarketData(ev: MarketDataEvent): void {
    const list = this.#byInstrument.get(`${ev.venue}\0${ev.symbol}`);
    if (list) { for (let i = 0; i < list.length; i++) list[i].onMarketData(ev); }
  }

  onOrderEvent(ev: OrderEvent): void {
    const res = this.oms.onEvent(ev);
    let position: PositionView | undefined;
    if (res.accepted && res.fill) {
      const r = this.pms.applyFill(res.fill);
      if (r.applied) position = r.position;
    }
    const name = res.accepted ? res.order.strategy : undefined;
    const c = name === undefined ? undefined : this.#byName.get(name);
    if (c) c.deliverOrderEvent(ev, res, position);
  }

  onPositionUpdate(ev: PositionUpdate): void {
    for (const c of this.#byName.values()) c.onPositionUpdate(ev);
  }

  onBalanceUpdate(ev: BalanceUpdate): void {
    for (const c of this.#byName.values()) c.onBalanceUpdate(ev);
  }

  onInventoryDelta(ev: InventoryDelta): void {
    for (const c of this.#byName.values()) c.onInventoryDelta(ev);
  }

  onTimer(tsNs: bigint): void {
    for (const c of this.#byName.values()) c.onTimer(tsNs);
  }

  /** Stats of every container by strategy name. */
  stats(): Record<string, ContainerStats> {
    const out: Record<string, ContainerStats> = {};
    for (const [n, c] of this.#byName) out[n] = c.stats();
    return out;
  }
}
