/**
 * The strategy contract: a strategy is pure decision code that receives
 * events (market data, order events, fills, position/balance updates, DeFi
 * inventory deltas, timer ticks) and answers with {@link Intent}s. It never
 * calls a venue, a socket or a clock: time is the event's `tsNs`, orders are
 * values the {@link StrategyContainer} passes through the MiniOMS.
 *
 * The container gives the strategy a read-only {@link StrategyContext}
 * (the MiniOMS and MiniPMS, for queries only) and reports what became of each
 * intent through {@link AbstractStrategy.onIntentResult}.
 *
 * @example
 * ```ts
 * import { AbstractStrategy, type Intent, NO_INTENTS } from "./strategy.ts";
 * import type { MarketDataEvent } from "./market_data.ts";
 * class Idle extends AbstractStrategy {
 *   onMarketData(_ev: MarketDataEvent): readonly Intent[] {
 *     return NO_INTENTS;
 *   }
 * }
 * const s = new Idle({ name: "idle", venue: "sim", symbol: "ETHUSDT" });
 * console.log(s.name); // "idle"
 * ```
 * @module
 */
import type {
  BalanceUpdate,
  InventoryDelta,
  MarketDataEvent,
  PositionUpdate,
} from "./market_data.ts";
import type { ActionResult, EventResult, MiniOMS, NewOrder } from "./mini_oms.ts";
import type { MiniPMS, PositionView, RiskLimitsInput } from "./mini_pms.ts";
import type { Fill, OrderEvent } from "./types.ts";

/** Place a new order (the container fills in `strategy`). */
export interface PlaceIntent {
  kind: "place";
  order: NewOrder;
  /** The strategy's own label for the order ("bid", "ask", "hedge"). */
  tag?: string;
}

/** Cancel one order. */
export interface CancelIntent {
  kind: "cancel";
  clientOrderId: string;
  tag?: string;
}

/** Amend price and/or total lots of a resting order (native amend or cancel + new). */
export interface ReplaceIntent {
  kind: "replace";
  clientOrderId: string;
  priceTicks?: bigint;
  lots?: bigint;
  tag?: string;
}

/** Kill switch: cancel every open order of the strategy, optionally flatten, stop. */
export interface KillIntent {
  kind: "kill";
  reason: string;
  /** Send a reduce-only market IOC for the whole position. */
  flatten?: boolean;
}

/** What a strategy asks for. */
export type Intent = PlaceIntent | CancelIntent | ReplaceIntent | KillIntent;

/** The shared empty answer (no allocation on the hot path). */
export const NO_INTENTS: readonly Intent[] = Object.freeze([]) as readonly Intent[];

/** Read-only view the container hands to its strategy. */
export interface StrategyContext {
  /** Query only (order, openOrders, openLots): never submit/cancel from a strategy. */
  readonly oms: MiniOMS;
  /** Query only (position, balances). */
  readonly pms: MiniPMS;
}

/** Configuration every strategy has. */
export interface StrategyConfig {
  /** Unique name; written into every order's `strategy` field. */
  name: string;
  venue: string;
  symbol: string;
  /** Pre-trade limits installed in the MiniPMS at start (human units). */
  riskLimits?: RiskLimitsInput;
}

/** A flat stats record (numbers, strings, booleans). */
export type StrategyStats = Record<string, number | string | boolean | null>;

/** Base class: every handler defaults to "no intents". */
export abstract class AbstractStrategy<C extends StrategyConfig = StrategyConfig> {
  readonly config: C;
  #ctx: StrategyContext | undefined;

  constructor(config: C) {
    if (!config.name) throw new RangeError("Cannot create strategy: config.name is empty");
    this.config = config;
  }

  /** The strategy's name (`config.name`). */
  get name(): string {
    return this.config.name;
  }

  /** Called once by the container before `start`. */
  attach(ctx: StrategyContext): void {
    this.#ctx = ctx;
  }

  /** The context given by the container; throws before `attach`. */
  protected get ctx(): StrategyContext {
    if (!this.#ctx) throw new Error(`Cannot use strategy ${this.name}: it is not attached`);
    return this.#ctx;
  }

  /** Lifecycle: the container started routing events. */
  start(_tsNs: bigint): readonly Intent[] {
    return NO_INTENTS;
  }

  /** Lifecycle: the container stops; the default cancels the strategy's open orders. */
  stop(_tsNs: bigint): readonly Intent[] {
    const c = this.config;
    return this.ctx.oms.openOrders({ venue: c.venue, symbol: c.symbol })
      .filter((o) => o.strategy === c.name && o.pending !== "cancel")
      .map((o): Intent => ({ kind: "cancel", clientOrderId: o.clientOrderId }));
  }

  /** A book snapshot/update, trade or BBO of a subscribed instrument. */
  abstract onMarketData(ev: MarketDataEvent): readonly Intent[];

  /** An order event the OMS accepted (`result.accepted`) or refused. */
  onOrderEvent(_ev: OrderEvent, _result: EventResult): readonly Intent[] {
    return NO_INTENTS;
  }

  /** One of our fills, after the MiniPMS applied it. */
  onTradeExecution(_fill: Fill, _position: PositionView): readonly Intent[] {
    return NO_INTENTS;
  }

  /** A position update from the position server. */
  onPositionUpdate(_ev: PositionUpdate): readonly Intent[] {
    return NO_INTENTS;
  }

  /** A balance update from the position server. */
  onBalanceUpdate(_ev: BalanceUpdate): readonly Intent[] {
    return NO_INTENTS;
  }

  /** An inventory change on the DeFi side. */
  onInventoryDelta(_ev: InventoryDelta): readonly Intent[] {
    return NO_INTENTS;
  }

  /** A periodic tick at `tsNs` (lets a strategy notice silence, e.g. stale data). */
  onTimer(_tsNs: bigint): readonly Intent[] {
    return NO_INTENTS;
  }

  /** What the OMS did with one of this strategy's intents. */
  onIntentResult(_intent: Intent, _result: ActionResult): void {}

  /** The container executed the kill switch. */
  onKill(_reason: string, _tsNs: bigint): void {}

  /** Strategy-specific counters and gauges. */
  stats(): StrategyStats {
    return {};
  }
}
