/**
 * Average-cost position accounting in integers, as pure functions.
 *
 * Units: quantities in lots (signed: + long, − short), prices in ticks, and
 * money in tick·lot units (`tickSize × lotSize` of the quote asset, see
 * `instrument.ts`). A position is its signed `lots`, its signed cost basis
 * `cost` (Σ price × lots of the part still open; same sign as `lots`) and the
 * `realized` PnL so far. The average entry price is the rational
 * `cost / lots` ticks, never rounded in storage.
 *
 * A fill of signed `d` lots at price `p`:
 * - same direction (or flat): `cost += p·d`, `lots += d`;
 * - opposite direction: the closed part `k = min(|d|, |lots|)` takes its share
 *   of the basis, `removed = cost·k / |lots|` (truncated toward zero, exact
 *   when the whole position closes), `realized += p·k·sign(lots) − removed`;
 *   any remainder past zero (a flip) opens a new position at `p`.
 *
 * Exactness: `realized − cost = Σ −p·d` (the trade cash flow) holds exactly
 * after every fill, so realized + unrealized (`mark·lots − cost`) equals the
 * exact cash-flow PnL at any mark. Only the split between realized and
 * unrealized can differ from the rational average-cost split, by less than
 * one tick·lot per partially closing fill, and it is exact whenever the
 * position is flat.
 *
 * @example
 * ```ts
 * import { applyTrade, FLAT, unrealizedPnl } from "./position_math.ts";
 * let p = applyTrade(FLAT, 10n, 100n).state; // long 10 @ 100
 * const r = applyTrade(p, -15n, 110n); // sell 15 @ 110: close 10, open short 5
 * console.log(r.realizedDelta, r.state.lots, r.state.cost); // 100n -5n -550n
 * console.log(unrealizedPnl(r.state, 108n)); // 10n
 * ```
 * @module
 */

/** Position accounting state (see the module doc for units). */
export interface PositionState {
  /** Signed lots: + long, − short. */
  readonly lots: bigint;
  /** Signed cost basis of the open part, tick·lot units (same sign as lots when prices > 0). */
  readonly cost: bigint;
  /** Realized PnL, tick·lot units. */
  readonly realized: bigint;
}

/** No position, nothing realized. */
export const FLAT: PositionState = { lots: 0n, cost: 0n, realized: 0n };

/** Result of {@link applyTrade}. */
export interface TradeResult {
  state: PositionState;
  /** PnL realized by this fill, tick·lot units. */
  realizedDelta: bigint;
  /** Lots of the previous position this fill closed. */
  closedLots: bigint;
}

function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

/**
 * Applies a fill of `signedLots` (+ buy, − sell) at `priceTicks`.
 *
 * @example
 * ```ts
 * import { applyTrade, FLAT } from "./position_math.ts";
 * const a = applyTrade(FLAT, -4n, 50n).state; // short 4 @ 50
 * const b = applyTrade(a, 4n, 45n); // buy back @ 45
 * console.log(b.realizedDelta, b.state.lots); // 20n 0n
 * ```
 */
export function applyTrade(s: PositionState, signedLots: bigint, priceTicks: bigint): TradeResult {
  const d = signedLots;
  if (d === 0n) return { state: s, realizedDelta: 0n, closedLots: 0n };
  if (s.lots === 0n || (s.lots > 0n) === (d > 0n)) {
    return {
      state: { lots: s.lots + d, cost: s.cost + priceTicks * d, realized: s.realized },
      realizedDelta: 0n,
      closedLots: 0n,
    };
  }
  const held = abs(s.lots);
  const k = abs(d) < held ? abs(d) : held;
  const removed = k === held ? s.cost : (s.cost * k) / held;
  const closedSigned = d > 0n ? k : -k;
  // cash from closing is −p·closedSigned; its basis was `removed`
  const realizedDelta = -priceTicks * closedSigned - removed;
  let lots = s.lots + closedSigned;
  let cost = s.cost - removed;
  const rest = d - closedSigned;
  if (rest !== 0n) {
    lots = rest;
    cost = priceTicks * rest;
  }
  return {
    state: { lots, cost, realized: s.realized + realizedDelta },
    realizedDelta,
    closedLots: k,
  };
}

/**
 * Unrealized PnL at `markTicks`, tick·lot units: `mark·lots − cost`.
 *
 * @example
 * ```ts
 * import { unrealizedPnl } from "./position_math.ts";
 * console.log(unrealizedPnl({ lots: 3n, cost: 300n, realized: 0n }, 90n)); // -30n
 * ```
 */
export function unrealizedPnl(s: PositionState, markTicks: bigint): bigint {
  return markTicks * s.lots - s.cost;
}

/**
 * The average entry price as the exact fraction `cost / lots` ticks
 * (denominator > 0), or undefined when flat.
 *
 * @example
 * ```ts
 * import { averageEntry } from "./position_math.ts";
 * console.log(averageEntry({ lots: -3n, cost: -301n, realized: 0n })); // { numerator: 301n, denominator: 3n }
 * ```
 */
export function averageEntry(
  s: PositionState,
): { numerator: bigint; denominator: bigint } | undefined {
  if (s.lots === 0n) return undefined;
  return s.lots > 0n
    ? { numerator: s.cost, denominator: s.lots }
    : { numerator: -s.cost, denominator: -s.lots };
}
