/**
 * Queue-position model of the simulated venue: our order joins the back of
 * its level, trades at our price consume the queue ahead first, trades
 * through our price fill us completely, shrinking levels move us up.
 */
import { equal, throws } from "node:assert/strict";
import fc from "fast-check";
import { joinQueue, onLevelChange, onTrade } from "../../services/cefi/sim/queue.ts";

Deno.test("queue: joins behind the resting size; an empty level puts us first", () => {
  equal(joinQueue("BUY", 100, 3, 25).ahead, 25);
  equal(joinQueue("SELL", 101, 3, 0).ahead, 0);
  throws(() => joinQueue("BUY", 100, 0, 5), RangeError);
});

Deno.test("queue: trades at our price consume the queue ahead first, then us", () => {
  const o = joinQueue("BUY", 100, 5, 10);
  equal(onTrade(o, 100, 4, "SELL"), 0);
  equal(o.ahead, 6);
  equal(onTrade(o, 100, 8, "SELL"), 2); // 6 ahead, then 2 of ours
  equal(o.ahead, 0);
  equal(o.lots, 3);
  equal(onTrade(o, 100, 10, "SELL"), 3);
  equal(o.lots, 0);
  equal(onTrade(o, 100, 10, "SELL"), 0);
});

Deno.test("queue: trades on the other side, at other prices or by our side do not fill", () => {
  const o = joinQueue("SELL", 101, 2, 3);
  equal(onTrade(o, 101, 10, "SELL"), 0); // aggressor on our side: not against us
  equal(onTrade(o, 100, 10, "BUY"), 0); // a buyer paying less than our ask
  equal(o.ahead, 3);
  equal(o.lots, 2);
});

Deno.test("queue: a trade through our price fills us completely", () => {
  const bid = joinQueue("BUY", 100, 4, 50);
  equal(onTrade(bid, 99, 1, "SELL"), 4);
  const ask = joinQueue("SELL", 101, 4, 50);
  equal(onTrade(ask, 102, 1, "BUY"), 4);
});

Deno.test("queue: cancels ahead move us up only as far as the level shrinks; growth queues behind", () => {
  const o = joinQueue("BUY", 100, 2, 10);
  onLevelChange(o, 30);
  equal(o.ahead, 10);
  onLevelChange(o, 4);
  equal(o.ahead, 4);
  onLevelChange(o, 8);
  equal(o.ahead, 4);
  equal(onTrade(o, 100, 5, "SELL"), 1);
});

Deno.test("queue property: at-price fills = clamp(traded − ahead, 0, lots), never more", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 100 }),
      fc.integer({ min: 1, max: 50 }),
      fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 20 }),
      (ahead, lots, trades) => {
        const o = joinQueue("SELL", 10, lots, ahead);
        let filled = 0;
        let traded = 0;
        for (const q of trades) {
          filled += onTrade(o, 10, q, "BUY");
          traded += q;
          if (filled > lots || o.lots !== lots - filled) return false;
          if (filled !== Math.min(lots, Math.max(0, traded - ahead))) return false;
        }
        return true;
      },
    ),
  );
});
