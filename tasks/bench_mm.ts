/**
 * Market-making benchmarks:
 *
 * 1. Decision latency: one market data event (book update or trade from the
 *    seeded synthetic market) into the StrategyContainer hosting the GLFT
 *    market maker (WASM book update, calibration step, WASM GLFT quote,
 *    quote management, MiniOMS checks) until its order requests reached the
 *    sink; each event timed alone with `performance.now()` (p50/p99 over
 *    >= 100,000 events; the venue's answers are fed back untimed so quotes
 *    really rest, amend and fill). Target: p99 < 50 µs.
 * 2. Book throughput: price-level updates per second through the core.wasm
 *    L2 book, `applyDeltas` on batches of 64 levels (flat Float64Array).
 *    Target: >= 1,000,000 levels/s. Reference in the same run: the same
 *    updates applied to a plain JS `Map` per side (no sorting, no sequence
 *    check), for scale.
 *
 * @example
 * ```sh
 * deno run -A tasks/bench_mm.ts           # full
 * deno run -A tasks/bench_mm.ts --quick   # fewer rounds, still >= 100,000 events
 * ```
 * @module
 */
import { loadCore } from "../core-wasm/mod.ts";
import { SeededRandom } from "../services/common/random.ts";
import { StrategyContainer } from "../services/cefi/trader/container.ts";
import { instrument } from "../services/cefi/trader/instrument.ts";
import type { MarketDataEvent } from "../services/cefi/trader/market_data.ts";
import { MiniOMS } from "../services/cefi/trader/mini_oms.ts";
import { MiniPMS } from "../services/cefi/trader/mini_pms.ts";
import { GlftMarketMaker } from "../services/cefi/trader/strategies/glft_market_maker.ts";
import type { OrderRequest } from "../services/cefi/trader/types.ts";
import { DEFAULT_MARKET, SyntheticMarket } from "../services/cefi/sim/market.ts";

/** Results of {@link benchMm}. */
export interface BenchMmResult {
  decision: {
    events: number;
    bookEvents: number;
    tradeEvents: number;
    requests: number;
    p50Us: number;
    p90Us: number;
    p99Us: number;
    p999Us: number;
    maxUs: number;
    meanUs: number;
    targetP99Us: number;
    pass: boolean;
  };
  book: {
    levelUpdates: number;
    batchLevels: number;
    seconds: number;
    levelsPerSec: number;
    jsMapLevelsPerSec: number;
    ratioVsJsMap: number;
    target: number;
    pass: boolean;
  };
}

const EPOCH = 1_700_000_000_000_000_000n;

function pct(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function r2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Pre-generates `n` market data events (book updates and trades) from the synthetic market. */
function marketEvents(n: number, seed: number): MarketDataEvent[] {
  const m = new SyntheticMarket(DEFAULT_MARKET, new SeededRandom(seed));
  const out: MarketDataEvent[] = [];
  let seq = 1n;
  let t = 0;
  const snap = m.snapshot();
  out.push({
    kind: "book_snapshot",
    venue: "sim",
    symbol: "ETHUSDT",
    tsNs: EPOCH,
    bids: new Float64Array(snap.bids),
    asks: new Float64Array(snap.asks),
    venueSequence: seq,
  });
  const rng = new SeededRandom(seed + 1);
  while (out.length < n) {
    t += 20_000_000; // 20 ms
    m.step(0.02);
    const d = m.takeDirty();
    if (d.bids.length || d.asks.length) {
      seq++;
      out.push({
        kind: "book_update",
        venue: "sim",
        symbol: "ETHUSDT",
        tsNs: EPOCH + BigInt(t),
        bids: new Float64Array(d.bids),
        asks: new Float64Array(d.asks),
        firstVenueSequence: seq,
        lastVenueSequence: seq,
      });
    }
    if (rng.chance(0.3)) {
      const buy = rng.chance(0.5);
      out.push({
        kind: "trade",
        venue: "sim",
        symbol: "ETHUSDT",
        tsNs: EPOCH + BigInt(t + 1000),
        tradeId: String(out.length),
        priceTicks: buy ? m.bestAsk() : m.bestBid(),
        lots: 1 + rng.int(0, 20),
        aggressorSide: buy ? "BUY" : "SELL",
        venueSequence: seq,
      });
    }
  }
  return out;
}

async function benchDecision(events: number): Promise<BenchMmResult["decision"]> {
  const core = await loadCore();
  const spec = instrument({
    symbol: "ETHUSDT",
    baseAsset: "ETH",
    quoteAsset: "USDT",
    tickSize: "0.5",
    lotSize: "0.01",
    kind: "linear",
  });
  const pms = new MiniPMS();
  pms.addInstrument("sim", spec);
  const oms = new MiniOMS({
    venues: { sim: { nativeAmend: true } },
    limits: { rate: { capacity: 50, refillIntervalNs: 10_000_000n } },
    risk: pms,
    historyLimit: 1000,
  });
  const mm = new GlftMarketMaker({
    name: "bench",
    venue: "sim",
    symbol: "ETHUSDT",
    instrument: spec,
    orderLots: 10n,
    maxPositionLots: 200n,
    gamma: 0.05,
    initial: { sigma: 1, A: 1, k: 1 },
    calibration: { windowSteps: 6000, minSteps: 300 },
    requoteThresholdTicks: 0,
    staleBookNs: 10_000_000_000n,
  }, core);
  const pending: OrderRequest[] = [];
  const c = new StrategyContainer({ strategy: mm, oms, pms, sink: (r) => pending.push(r) });
  const evs = marketEvents(events + 5000, 11);
  c.start(EPOCH);
  const lat = new Float64Array(evs.length);
  let requests = 0;
  let books = 0;
  let trades = 0;
  let fillN = 0;
  const rng = new SeededRandom(99);
  for (let i = 0; i < evs.length; i++) {
    const ev = evs[i];
    const t0 = performance.now();
    c.onMarketData(ev);
    lat[i] = performance.now() - t0;
    if (ev.kind === "trade") trades++;
    else books++;
    // the venue answers, untimed: ACK everything, sometimes fill a resting quote
    requests += pending.length;
    const ts = ev.tsNs + 1000n;
    for (const r of pending.splice(0)) {
      if (r.action === "CANCEL") {
        c.onOrderEvent({ clientOrderId: r.clientOrderId, status: "CANCELLED", tsNs: ts });
      } else {
        c.onOrderEvent({
          clientOrderId: r.clientOrderId,
          status: "ACK",
          priceTicks: r.priceTicks,
          lots: r.lots,
          tsNs: ts,
        });
      }
    }
    if (ev.kind === "trade" && rng.chance(0.2)) {
      const id = ev.aggressorSide === "BUY" ? mm.quoteIds.ask : mm.quoteIds.bid;
      const o = id === undefined ? undefined : oms.order(id);
      if (o && o.status !== "NEW" && o.pending === "none") {
        c.onOrderEvent({
          clientOrderId: o.clientOrderId,
          status: "FILLED",
          lastFillLots: o.lots - o.filledLots,
          lastFillPriceTicks: o.priceTicks,
          tradeId: `f${++fillN}`,
          tsNs: ts,
        });
      }
    }
    for (const r of pending.splice(0)) {
      requests++;
      c.onOrderEvent({
        clientOrderId: r.clientOrderId,
        status: r.action === "CANCEL" ? "CANCELLED" : "ACK",
        priceTicks: r.action === "CANCEL" ? undefined : r.priceTicks,
        lots: r.action === "CANCEL" ? undefined : r.lots,
        tsNs: ts,
      });
    }
  }
  // drop the warm-up (first 5000 events)
  const timed = lat.slice(5000).sort();
  let sum = 0;
  for (const x of timed) sum += x;
  mm.dispose();
  const p99 = pct(timed, 0.99) * 1000;
  return {
    events: timed.length,
    bookEvents: books,
    tradeEvents: trades,
    requests,
    p50Us: r2(pct(timed, 0.5) * 1000),
    p90Us: r2(pct(timed, 0.9) * 1000),
    p99Us: r2(p99),
    p999Us: r2(pct(timed, 0.999) * 1000),
    maxUs: r2(timed[timed.length - 1] * 1000),
    meanUs: r2((sum / timed.length) * 1000),
    targetP99Us: 50,
    pass: p99 < 50,
  };
}

async function benchBook(rounds: number): Promise<BenchMmResult["book"]> {
  const core = await loadCore();
  const BATCH = 64;
  const NB = 256;
  const rng = new SeededRandom(3);
  // batches of level updates around a centre of 100000 ticks, 32 bid + 32 ask levels each
  const batches: Float64Array[] = [];
  for (let b = 0; b < NB; b++) {
    const bids = new Float64Array(BATCH);
    const asks = new Float64Array(BATCH);
    for (let i = 0; i < BATCH / 2; i++) {
      bids[2 * i] = 100000 - rng.int(0, 200);
      bids[2 * i + 1] = rng.chance(0.1) ? 0 : rng.int(1, 500);
      asks[2 * i] = 100001 + rng.int(0, 200);
      asks[2 * i + 1] = rng.chance(0.1) ? 0 : rng.int(1, 500);
    }
    batches.push(bids, asks);
  }
  const book = core.createOrderBook();
  const snapB: [number, number][] = [];
  const snapA: [number, number][] = [];
  for (let i = 0; i <= 200; i++) snapB.push([100000 - i, 100]), snapA.push([100001 + i, 100]);
  book.applySnapshot({ seq: 0, bids: snapB, asks: snapA });
  let seq = 0;
  // warm-up
  for (let i = 0; i < NB; i++) {
    seq++;
    book.applyDeltas({
      firstSeq: seq,
      lastSeq: seq,
      bids: batches[2 * i],
      asks: batches[2 * i + 1],
    });
  }
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < NB; i++) {
      seq++;
      const res = book.applyDeltas({
        firstSeq: seq,
        lastSeq: seq,
        bids: batches[2 * i],
        asks: batches[2 * i + 1],
      });
      if (res.status !== "ok") throw new Error(`bench book: unexpected ${res.status}`);
    }
  }
  const secs = (performance.now() - t0) / 1000;
  const levels = rounds * NB * BATCH;
  if (book.bestBid() === null) throw new Error("bench book: empty book");
  book.free();
  // reference: a JS Map per side, same updates
  const mb = new Map<number, number>();
  const ma = new Map<number, number>();
  const apply = (m: Map<number, number>, v: Float64Array) => {
    for (let i = 0; i < v.length; i += 2) {
      if (v[i + 1] === 0) m.delete(v[i]);
      else m.set(v[i], v[i + 1]);
    }
  };
  const t1 = performance.now();
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < NB; i++) {
      apply(mb, batches[2 * i]);
      apply(ma, batches[2 * i + 1]);
    }
  }
  const jsSecs = (performance.now() - t1) / 1000;
  const lps = levels / secs;
  const jsLps = levels / jsSecs;
  return {
    levelUpdates: levels,
    batchLevels: BATCH,
    seconds: r2(secs * 1000) / 1000,
    levelsPerSec: Math.round(lps),
    jsMapLevelsPerSec: Math.round(jsLps),
    ratioVsJsMap: r2(lps / jsLps),
    target: 1_000_000,
    pass: lps >= 1_000_000,
  };
}

/**
 * Runs both benchmarks; `quick` uses 100,000 timed events and fewer book
 * rounds (the full run times 200,000 events).
 */
export async function benchMm(opts: { quick?: boolean } = {}): Promise<BenchMmResult> {
  const quick = opts.quick === true;
  const decision = await benchDecision(quick ? 100_000 : 200_000);
  const book = await benchBook(quick ? 60 : 300);
  return { decision, book };
}

/** A short human-readable table. */
export function formatMm(r: BenchMmResult): string {
  const d = r.decision;
  const b = r.book;
  return [
    `mm decision (md event -> order requests), ${d.events} events, ${d.requests} requests:`,
    `  p50 ${d.p50Us} us  p90 ${d.p90Us} us  p99 ${d.p99Us} us  p99.9 ${d.p999Us} us  ` +
    `max ${d.maxUs} us  (target p99 < ${d.targetP99Us} us: ${d.pass ? "PASS" : "FAIL"})`,
    `wasm book: ${b.levelsPerSec.toLocaleString("en-US")} level updates/s in batches of ` +
    `${b.batchLevels} (JS Map reference ${b.jsMapLevelsPerSec.toLocaleString("en-US")}/s, ` +
    `ratio ${b.ratioVsJsMap}) (target >= 1,000,000: ${b.pass ? "PASS" : "FAIL"})`,
  ].join("\n");
}

if (import.meta.main) {
  const quick = Deno.args.includes("--quick");
  const r = await benchMm({ quick });
  console.log(formatMm(r));
  console.log(JSON.stringify(r));
}
