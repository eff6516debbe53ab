/**
 * Plain domain types of the events a strategy consumes besides order events:
 * market data (`proto/market_data.proto`), position and balance updates
 * (`proto/position.proto`, `proto/acc_balance.proto`) and DeFi inventory
 * deltas (`proto/inventory.proto`). Field names are the proto's in camelCase;
 * nothing here depends on generated code (the codec layer maps).
 *
 * Units: market data prices and sizes are integer ticks and lots held in JS
 * numbers (safe integers, as the core-wasm order book takes them, so a book
 * update goes to wasm without conversion); order types (`types.ts`) keep
 * bigint. Position, balance and inventory amounts stay decimal strings as on
 * the wire (they are rare; the strategy converts them with its instrument).
 * Every event carries `tsNs`, the time our process received it (the time a
 * strategy decides at), and `exchangeTsNs` when the venue gave one.
 *
 * @example
 * ```ts
 * import type { MarketDataEvent } from "./market_data.ts";
 * const ev: MarketDataEvent = {
 *   kind: "trade", venue: "sim", symbol: "ETHUSDT", tsNs: 5n, tradeId: "1",
 *   priceTicks: 30000, lots: 2, aggressorSide: "BUY", venueSequence: 7n,
 * };
 * console.log(ev.kind); // "trade"
 * ```
 * @module
 */
import type { Side } from "./types.ts";

/** Fields every event shares (`alp.Header` as far as a strategy needs it). */
export interface EventHeader {
  venue: string;
  symbol: string;
  /** Receive time at our process, ns since epoch: the decision time. */
  tsNs: bigint;
  /** The venue's time of the event, ns; absent/0n when unknown. */
  exchangeTsNs?: bigint;
  /** Bus sequence of the message (`header.sequence`), when known. */
  sequence?: bigint;
}

/**
 * Book levels as a flat `[price0, size0, price1, size1, ...]` array of ticks
 * and lots (a Float64Array goes to core-wasm as is).
 */
export type FlatLevels = Float64Array | readonly number[];

/** `alp.OrderBookSnapshot`: the full book at `venueSequence`. */
export interface BookSnapshotEvent extends EventHeader {
  kind: "book_snapshot";
  bids: FlatLevels;
  asks: FlatLevels;
  venueSequence: bigint;
  /** Levels per side requested (0 = full). */
  depth?: number;
}

/** `alp.OrderBookUpdate`: levels to set (size 0 deletes) for first..last. */
export interface BookUpdateEvent extends EventHeader {
  kind: "book_update";
  bids: FlatLevels;
  asks: FlatLevels;
  firstVenueSequence: bigint;
  lastVenueSequence: bigint;
  prevVenueSequence?: bigint;
}

/** `alp.Trade`: one public print. */
export interface TradeEvent extends EventHeader {
  kind: "trade";
  tradeId: string;
  priceTicks: number;
  lots: number;
  /** Taker side; absent when the venue does not say. */
  aggressorSide?: Side;
  venueSequence: bigint;
}

/** `alp.BestBidOffer`: top of book. */
export interface BboEvent extends EventHeader {
  kind: "bbo";
  bidPriceTicks: number;
  bidLots: number;
  askPriceTicks: number;
  askLots: number;
  venueSequence: bigint;
}

/** Any market data event. */
export type MarketDataEvent = BookSnapshotEvent | BookUpdateEvent | TradeEvent | BboEvent;

/** `alp.PositionSource` without its prefix. */
export type PositionSource =
  | "UNSPECIFIED"
  | "CEFI_FILL"
  | "DEFI_INVENTORY"
  | "RECONCILIATION"
  | "MARK";

/** `alp.PositionUpdate` (decimal strings as on the wire). */
export interface PositionUpdate extends EventHeader {
  kind: "position";
  account?: string;
  /** Signed base quantity. */
  quantity: string;
  averageEntryPrice?: string;
  markPrice?: string;
  realizedPnl?: string;
  unrealizedPnl?: string;
  quoteAsset?: string;
  source: PositionSource;
  causeId?: string;
}

/** `alp.AssetBalance`. */
export interface AssetBalance {
  asset: string;
  total: string;
  available?: string;
  locked?: string;
}

/** `alp.BalanceChangeReason` without its prefix. */
export type BalanceChangeReason =
  | "UNSPECIFIED"
  | "TRADE"
  | "FEE"
  | "FUNDING"
  | "DEPOSIT"
  | "WITHDRAWAL"
  | "TRANSFER"
  | "RECONCILIATION";

/** `alp.AccountBalanceUpdate` (`symbol` is the asset, as in the header). */
export interface BalanceUpdate extends EventHeader {
  kind: "balance";
  account?: string;
  asset: string;
  /** Signed change, decimal string. */
  delta: string;
  balance?: AssetBalance;
  reason: BalanceChangeReason;
  causeId?: string;
}

/** `alp.InventoryReason` without its prefix. */
export type InventoryReason =
  | "UNSPECIFIED"
  | "MINT"
  | "BURN"
  | "COLLECT"
  | "POOL_SWAP"
  | "REBALANCE_SWAP"
  | "TRANSFER"
  | "RECONCILIATION";

/**
 * `alp.InventoryDelta` from the DeFi rebalancer: `venue` is
 * "uniswap_v3:<chain>", `symbol` the pool address; amounts are signed whole
 * token units (positive = we hold more).
 */
export interface InventoryDelta extends EventHeader {
  kind: "inventory_delta";
  chainId?: bigint;
  chain?: string;
  pool?: string;
  feeTier?: number;
  positionId?: bigint;
  token0?: string;
  token1?: string;
  token0Symbol: string;
  token1Symbol: string;
  amount0: string;
  amount1: string;
  value?: string;
  valueAsset?: string;
  reason: InventoryReason;
  blockNumber?: bigint;
  txHash?: string;
  logIndex?: number;
}
