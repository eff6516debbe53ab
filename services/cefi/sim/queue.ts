/**
 * Queue-position model for passive fills in the simulated venue
 * (hftbacktest's risk-averse queue model):
 *
 * - our order joins the back of its price level: `ahead` = the size resting
 *   there when it arrives (0 when it opens a new level);
 * - a trade at our price against our side consumes the queue ahead first and
 *   then us: fill = min(remaining, max(0, qty − ahead)), ahead −= qty;
 * - a trade through our price (a buyer paying more than our ask, a seller
 *   selling below our bid) means the whole level went: we fill completely;
 * - a level that shrinks without trades (cancels) moves us up only as far as
 *   its new size: ahead = min(ahead, size); growth queues behind us.
 *
 * Sizes are lots (integers in JS numbers).
 *
 * @example
 * ```ts
 * import { joinQueue, onLevelChange, onTrade } from "./queue.ts";
 * const o = joinQueue("SELL", 101, 2, 10); // 10 lots ahead of our 2
 * console.log(onTrade(o, 101, 7, "BUY"), o.ahead); // 0 3
 * onLevelChange(o, 1);                              // cancels: only 1 left ahead
 * console.log(onTrade(o, 101, 2, "BUY"), o.lots);  // 1 1
 * ```
 * @module
 */
import type { Side } from "../trader/types.ts";

/** Our resting order as the queue model sees it. */
export interface QueuedOrder {
  side: Side;
  priceTicks: number;
  /** Remaining lots. */
  lots: number;
  /** Lots resting ahead of us at our price. */
  ahead: number;
}

/** A new resting order behind `levelSize` lots. */
export function joinQueue(
  side: Side,
  priceTicks: number,
  lots: number,
  levelSize: number,
): QueuedOrder {
  if (!(lots > 0)) throw new RangeError(`Cannot join queue: lots ${lots} must be > 0`);
  return { side, priceTicks, lots, ahead: Math.max(0, levelSize) };
}

/**
 * A public trade of `qty` lots at `priceTicks` whose taker was `aggressor`:
 * returns the lots of ours it filled (and takes them off `o.lots`).
 */
export function onTrade(o: QueuedOrder, priceTicks: number, qty: number, aggressor: Side): number {
  if (o.lots <= 0 || qty <= 0 || aggressor === o.side) return 0;
  const through = o.side === "SELL" ? priceTicks > o.priceTicks : priceTicks < o.priceTicks;
  let fill = 0;
  if (through) {
    fill = o.lots;
    o.ahead = 0;
  } else if (priceTicks === o.priceTicks) {
    fill = Math.min(o.lots, Math.max(0, qty - o.ahead));
    o.ahead = Math.max(0, o.ahead - qty);
  }
  o.lots -= fill;
  return fill;
}

/** The displayed size of our level changed to `size` without a trade. */
export function onLevelChange(o: QueuedOrder, size: number): void {
  if (size < o.ahead) o.ahead = Math.max(0, size);
}
