/**
 * The market-making research harness: runs a strategy container with the
 * GLFT market maker against the simulated venue over a seeded synthetic
 * market, with latency (order entry, venue responses, market data; constant
 * plus seeded exponential jitter, FIFO per channel), a feed that can drop
 * book updates (sequence gaps) and re-snapshots periodically, optional DeFi
 * inventory deltas on a schedule, and collects what the report needs.
 *
 * One discrete-event loop over a time-ordered queue (ties in insertion
 * order); every random draw comes from streams seeded by `seed`, and the
 * container uses event time as its clock, so the same config gives the
 * same result, bit for bit.
 *
 * @example
 * ```ts
 * import { defaultBacktestConfig, runBacktest } from "./runner.ts";
 * const r = await runBacktest(defaultBacktestConfig({ seed: 1, durationSec: 60 }));
 * console.log(r.summary.trading.makerFills >= 0); // true
 * ```
 * @module
 */
import { loadCore, type WasmCore } from "../../../core-wasm/mod.ts";
import { SeededRandom } from "../../common/random.ts";
import { StrategyContainer } from "../trader/container.ts";
import { instrument, type InstrumentSpecInput } from "../trader/instrument.ts";
import type { MarketDataEvent } from "../trader/market_data.ts";
import { MiniOMS } from "../trader/mini_oms.ts";
import { MiniPMS } from "../trader/mini_pms.ts";
import { CounterIdGenerator } from "../trader/client_order_id.ts";
import type { OrderEvent, OrderRequest, Side } from "../trader/types.ts";
import {
  GlftMarketMaker,
  type GlftMarketMakerConfig,
} from "../trader/strategies/glft_market_maker.ts";
import { DEFAULT_MARKET, type MarketConfig, SyntheticMarket } from "./market.ts";
import { type FeeModel, SimVenue, type VenueFill } from "./venue.ts";

/** Latency model, ns: constant + exponential jitter with the given mean. */
export interface LatencyModel {
  orderEntryNs: number;
  orderEntryJitterNs: number;
  responseNs: number;
  responseJitterNs: number;
  marketDataNs: number;
  marketDataJitterNs: number;
}

/** One scheduled DeFi inventory change. */
export interface ScheduledDelta {
  atSec: number;
  /** Signed base-token amount, decimal string ("1.5" = we got 1.5 WETH). */
  amount: string;
}

/** The strategy part of the config (venue, symbol, instrument come from the harness). */
export type SimStrategyConfig = Omit<
  GlftMarketMakerConfig,
  "instrument" | "venue" | "symbol" | "name"
>;

/** Everything a run depends on. */
export interface BacktestConfig {
  seed: number;
  durationSec: number;
  /** Market step and sampling of the mid, ms. */
  stepMs: number;
  /** Strategy timer period, ms. */
  timerMs: number;
  /** Time series sampling for the report, ms. */
  sampleMs: number;
  market: MarketConfig;
  instrument: InstrumentSpecInput;
  fees: FeeModel;
  latency: LatencyModel;
  feed: {
    /** Periodic snapshot interval, s (0 = only the first). */
    snapshotEverySec: number;
    /** Probability that a book update is lost (sequence gap). */
    dropUpdateProb: number;
  };
  inventoryDeltas: ScheduledDelta[];
  /** DeFi token symbol of the base asset. */
  defiBaseToken: string;
  strategy: SimStrategyConfig;
  oms: {
    nativeAmend: boolean;
    rateCapacity: number;
    rateRefillMs: number;
    maxOpenOrders: number;
  };
  markoutHorizonsSec: number[];
}

/** The default research setup (see the README of services/cefi/sim). */
export function defaultBacktestConfig(
  o: { seed?: number; durationSec?: number } = {},
): BacktestConfig {
  const durationSec = o.durationSec ?? 3600;
  return {
    seed: o.seed ?? 1,
    durationSec,
    stepMs: 100,
    timerMs: 100,
    sampleMs: 1000,
    market: DEFAULT_MARKET,
    instrument: {
      symbol: "ETHUSDT",
      baseAsset: "ETH",
      quoteAsset: "USDT",
      tickSize: "0.5",
      lotSize: "0.01",
      kind: "linear",
    },
    fees: { makerBps: -0.5, takerBps: 3 },
    latency: {
      orderEntryNs: 2_000_000,
      orderEntryJitterNs: 500_000,
      responseNs: 2_000_000,
      responseJitterNs: 500_000,
      marketDataNs: 1_000_000,
      marketDataJitterNs: 500_000,
    },
    feed: { snapshotEverySec: 10, dropUpdateProb: 0.0002 },
    inventoryDeltas: [
      { atSec: Math.round(durationSec / 3), amount: "1.5" },
      { atSec: Math.round((2 * durationSec) / 3), amount: "-1" },
    ],
    defiBaseToken: "WETH",
    strategy: {
      orderLots: 10n,
      maxPositionLots: 200n,
      maxNotional: "1000000",
      gamma: 0.05,
      initial: { sigma: 1, A: 1, k: 1 },
      calibration: { windowSteps: 6000, minSteps: 600 },
      requoteThresholdTicks: 1,
      staleBookNs: 1_000_000_000n,
      riskLimits: { maxPosition: "3" },
      hedge: {
        baseTokenSymbol: "WETH",
        targetNetLots: 0n,
        toleranceLots: 30n,
        passiveTimeoutNs: 30_000_000_000n,
        maxAggressiveLots: 50n,
        maxSlippageTicks: 2,
      },
      kill: { maxPositionLots: 400n, flatten: true },
    },
    oms: { nativeAmend: true, rateCapacity: 10, rateRefillMs: 100, maxOpenOrders: 10 },
    markoutHorizonsSec: [0.1, 1, 5, 30],
  };
}

/** Time series sampled every `sampleMs` for the report. */
export interface BacktestSeries {
  tSec: number[];
  midTicks: number[];
  /** CeFi PnL (mark to mid, after fees), quote. */
  pnlQuote: number[];
  /** CeFi PnL plus the mark-to-mid change of the DeFi exposure we were hedging. */
  combinedPnlQuote: number[];
  cefiLots: number[];
  netLots: number[];
}

/** What {@link runBacktest} returns. */
export interface BacktestResult {
  summary: BacktestSummary;
  series: BacktestSeries;
  fills: VenueFill[];
}

/** The summary written to summary.json (plain JSON values only). */
export interface BacktestSummary {
  run: Record<string, unknown>;
  market: Record<string, unknown>;
  pnl: Record<string, number>;
  inventory: Record<string, number>;
  trading: Record<string, number>;
  spreadCaptured: Record<string, number>;
  adverseSelection: {
    horizonsSec: number[];
    markoutTicks: number[];
    midMoveTicks: number[];
  };
  latencyNs: Record<string, unknown>;
  container: Record<string, unknown>;
  strategy: Record<string, unknown>;
  oms: Record<string, unknown>;
  venue: Record<string, number>;
}

/** Rounds for stable, readable JSON. */
export function round(x: number, digits = 6): number {
  if (!Number.isFinite(x)) return 0;
  const f = 10 ** digits;
  const r = Math.round(x * f) / f;
  return Object.is(r, -0) ? 0 : r;
}

const EPOCH = 1_700_000_000_000_000_000n;

const K_STEP = 0;
const K_SWEEP = 1;
const K_ARRIVE = 2;
const K_MD = 3;
const K_OEVT = 4;
const K_TIMER = 5;
const K_INV = 6;

interface QEvent {
  t: number;
  seq: number;
  k: number;
  // deno-lint-ignore no-explicit-any
  a?: any;
}

/** Min-heap on (t, seq). */
class EventQueue {
  readonly #h: QEvent[] = [];
  #seq = 0;

  get size(): number {
    return this.#h.length;
  }

  // deno-lint-ignore no-explicit-any
  push(t: number, k: number, a?: any): void {
    const h = this.#h;
    const e: QEvent = { t, seq: this.#seq++, k, a };
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (less(h[p], e)) break;
      h[i] = h[p];
      i = p;
    }
    h[i] = e;
  }

  pop(): QEvent | undefined {
    const h = this.#h;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      const n = h.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && less(h[r], h[l]) ? r : l;
        if (less(last, h[c])) break;
        h[i] = h[c];
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}

function less(a: QEvent, b: QEvent): boolean {
  return a.t < b.t || (a.t === b.t && a.seq < b.seq);
}

function ts(t: number): bigint {
  return EPOCH + BigInt(Math.round(t));
}

/**
 * Runs one backtest.
 *
 * @param core a loaded core.wasm (default: `await loadCore()`)
 */
export async function runBacktest(cfg: BacktestConfig, core?: WasmCore): Promise<BacktestResult> {
  const wasm = core ?? await loadCore();
  const VENUE = "sim";
  const spec = instrument(cfg.instrument);
  const SYMBOL = spec.symbol;
  const tick = Number(spec.tickSize);
  const lot = Number(spec.lotSize);
  const marketRng = new SeededRandom(cfg.seed);
  const latRng = new SeededRandom((cfg.seed ^ 0x5bd1e995) >>> 0);
  const feedRng = new SeededRandom((cfg.seed ^ 0x27d4eb2f) >>> 0);
  const market = new SyntheticMarket(cfg.market, marketRng);

  const pms = new MiniPMS();
  pms.addInstrument(VENUE, spec);
  const oms = new MiniOMS({
    ids: new CounterIdGenerator("mm-"),
    venues: { [VENUE]: { nativeAmend: cfg.oms.nativeAmend } },
    limits: {
      maxOpenOrders: cfg.oms.maxOpenOrders,
      rate: {
        capacity: cfg.oms.rateCapacity,
        refillIntervalNs: BigInt(cfg.oms.rateRefillMs) * 1_000_000n,
      },
    },
    risk: pms,
  });
  const mm = new GlftMarketMaker({
    ...cfg.strategy,
    name: "glft",
    venue: VENUE,
    symbol: SYMBOL,
    instrument: spec,
  }, wasm);

  const q = new EventQueue();
  let now = 0;
  let lastEntry = 0;
  let lastResp = 0;
  let lastMd = 0;
  const jitter = (mean: number) => mean > 0 ? -Math.log(1 - latRng.next()) * mean : 0;
  const L = cfg.latency;

  const container = new StrategyContainer({
    strategy: mm,
    oms,
    pms,
    sink: (r: OrderRequest) => {
      const at = Math.max(lastEntry, now + L.orderEntryNs + jitter(L.orderEntryJitterNs));
      lastEntry = at;
      q.push(at, K_ARRIVE, r);
    },
  });

  // market data publication
  let venueSeq = 0n;
  let tradeSeq = 0;
  let dropped = 0;
  let snapshots = 0;
  let bookUpdates = 0;
  let publicTrades = 0;
  const md = (ev: MarketDataEvent) => {
    const at = Math.max(lastMd, now + L.marketDataNs + jitter(L.marketDataJitterNs));
    lastMd = at;
    q.push(at, K_MD, ev);
  };
  const publishBook = () => {
    const d = market.takeDirty();
    if (d.bids.length === 0 && d.asks.length === 0) return;
    venueSeq++;
    bookUpdates++;
    if (cfg.feed.dropUpdateProb > 0 && feedRng.chance(cfg.feed.dropUpdateProb)) {
      dropped++;
      return;
    }
    md({
      kind: "book_update",
      venue: VENUE,
      symbol: SYMBOL,
      tsNs: 0n,
      exchangeTsNs: ts(now),
      bids: d.bids,
      asks: d.asks,
      firstVenueSequence: venueSeq,
      lastVenueSequence: venueSeq,
    });
  };
  const publishSnapshot = () => {
    market.takeDirty();
    const s = market.snapshot();
    snapshots++;
    md({
      kind: "book_snapshot",
      venue: VENUE,
      symbol: SYMBOL,
      tsNs: 0n,
      exchangeTsNs: ts(now),
      bids: s.bids,
      asks: s.asks,
      venueSequence: venueSeq,
    });
  };

  // our position as the venue sees it, for the report
  const fills: VenueFill[] = [];
  let pos = 0;
  let cash = 0;
  let fees = 0;
  let volumeQuote = 0;
  const venue = new SimVenue(market, spec, cfg.fees, {
    orderEvent: (ev: OrderEvent) => {
      const at = Math.max(lastResp, now + L.responseNs + jitter(L.responseJitterNs));
      lastResp = at;
      q.push(at, K_OEVT, ev);
    },
    trade: (priceTicks: number, lots: number, aggressor: Side, t: bigint) => {
      publicTrades++;
      md({
        kind: "trade",
        venue: VENUE,
        symbol: SYMBOL,
        tsNs: 0n,
        exchangeTsNs: t,
        tradeId: `P${++tradeSeq}`,
        priceTicks,
        lots,
        aggressorSide: aggressor,
        venueSequence: venueSeq,
      });
    },
    fill: (f: VenueFill) => {
      fills.push(f);
      const s = f.side === "BUY" ? 1 : -1;
      pos += s * f.lots;
      cash -= s * f.priceTicks * tick * f.lots * lot;
      fees += f.feeQuote;
      volumeQuote += f.priceTicks * tick * f.lots * lot;
    },
  });

  const stepNs = cfg.stepMs * 1e6;
  const endNs = cfg.durationSec * 1e9;
  const nSteps = Math.floor(endNs / stepNs);
  const mids = new Float64Array(nSteps + 1);
  mids[0] = market.bookMid();
  const series: BacktestSeries = {
    tSec: [],
    midTicks: [],
    pnlQuote: [],
    combinedPnlQuote: [],
    cefiLots: [],
    netLots: [],
  };
  const stepsPerSample = Math.max(1, Math.round(cfg.sampleMs / cfg.stepMs));
  const stepsPerSnapshot = cfg.feed.snapshotEverySec > 0
    ? Math.max(1, Math.round((cfg.feed.snapshotEverySec * 1000) / cfg.stepMs))
    : 0;
  let defiLots = 0;
  let defiPnl = 0;
  let maxAbsPos = 0;
  let sumAbsNet = 0;
  let peak = 0;
  let maxDrawdown = 0;

  container.start(ts(0));
  publishSnapshot();
  for (let i = 1; i <= nSteps; i++) q.push(i * stepNs, K_STEP, i);
  for (let t = cfg.timerMs * 1e6; t <= endNs; t += cfg.timerMs * 1e6) q.push(t, K_TIMER);
  q.push(market.nextSweepInSec() * 1e9, K_SWEEP);
  for (const d of cfg.inventoryDeltas) {
    if (d.atSec >= 0 && d.atSec <= cfg.durationSec) q.push(d.atSec * 1e9, K_INV, d);
  }

  let e: QEvent | undefined;
  while ((e = q.pop()) !== undefined) {
    if (e.t > endNs) break;
    now = e.t;
    switch (e.k) {
      case K_STEP: {
        const i = e.a as number;
        market.step(cfg.stepMs / 1000);
        venue.afterStep(ts(now));
        if (stepsPerSnapshot > 0 && i % stepsPerSnapshot === 0) publishSnapshot();
        else publishBook();
        const mid = market.bookMid();
        mids[i] = mid;
        defiPnl += defiLots * (mid - mids[i - 1]) * tick * lot;
        if (i % stepsPerSample === 0) {
          const pnl = cash + pos * mid * tick * lot - fees;
          series.tSec.push(round(now / 1e9, 3));
          series.midTicks.push(round(mid, 3));
          series.pnlQuote.push(round(pnl, 4));
          series.combinedPnlQuote.push(round(pnl + defiPnl, 4));
          series.cefiLots.push(pos);
          series.netLots.push(pos + defiLots);
          if (pnl > peak) peak = pnl;
          if (peak - pnl > maxDrawdown) maxDrawdown = peak - pnl;
          pms.setMark(VENUE, SYMBOL, BigInt(Math.round(mid)), ts(now));
        }
        if (Math.abs(pos) > maxAbsPos) maxAbsPos = Math.abs(pos);
        sumAbsNet += Math.abs(pos + defiLots);
        break;
      }
      case K_SWEEP:
        venue.sweep(ts(now));
        publishBook();
        q.push(now + market.nextSweepInSec() * 1e9, K_SWEEP);
        break;
      case K_ARRIVE:
        venue.onRequest(e.a as OrderRequest, ts(now));
        publishBook();
        break;
      case K_MD: {
        const ev = e.a as MarketDataEvent;
        ev.tsNs = ts(now);
        container.onMarketData(ev);
        break;
      }
      case K_OEVT: {
        const ev = e.a as OrderEvent;
        container.onOrderEvent({ ...ev, tsNs: ts(now) });
        break;
      }
      case K_TIMER:
        container.onTimer(ts(now));
        break;
      case K_INV: {
        const d = e.a as ScheduledDelta;
        const lots = Math.round(Number(d.amount) / lot);
        defiLots += lots;
        container.onInventoryDelta({
          kind: "inventory_delta",
          venue: "uniswap_v3:sim",
          symbol: "0xpool",
          tsNs: ts(now),
          token0Symbol: "USDC",
          token1Symbol: cfg.defiBaseToken,
          amount0: "0",
          amount1: d.amount,
          reason: "POOL_SWAP",
        });
        break;
      }
    }
  }
  now = endNs;
  container.stop(ts(endNs));

  const finalMid = market.bookMid();
  const gross = cash + pos * finalMid * tick * lot;
  const net = gross - fees;

  // spread captured and markouts of maker fills
  const hs = cfg.markoutHorizonsSec;
  const markout = hs.map(() => 0);
  const midMove = hs.map(() => 0);
  const markoutN = hs.map(() => 0);
  let capturedTicksLots = 0;
  let makerLots = 0;
  const midAt = (tNs: number) => mids[Math.min(nSteps, Math.max(0, Math.floor(tNs / stepNs)))];
  for (const f of fills) {
    if (!f.maker) continue;
    const s = f.side === "BUY" ? 1 : -1;
    capturedTicksLots += s * (f.midTicks - f.priceTicks) * f.lots;
    makerLots += f.lots;
    const t = Number(f.ts - EPOCH);
    for (let j = 0; j < hs.length; j++) {
      const th = t + hs[j] * 1e9;
      if (th > endNs) continue;
      const m1 = midAt(th);
      markout[j] += s * (m1 - f.priceTicks) * f.lots;
      midMove[j] += s * (m1 - f.midTicks) * f.lots;
      markoutN[j] += f.lots;
    }
  }

  const cs = container.stats();
  const os = oms.stats();
  const placedQuotes = Number(cs.strategy.quotesPlaced ?? 0);
  const filledOrders = new Set(fills.filter((f) => f.maker).map((f) => f.venueOrderId)).size;
  const vs = venue.stats;
  const summary: BacktestSummary = {
    run: {
      seed: cfg.seed,
      durationSec: cfg.durationSec,
      stepMs: cfg.stepMs,
      symbol: SYMBOL,
      tickSize: spec.tickSize,
      lotSize: spec.lotSize,
      fees: cfg.fees,
      latencyNs: cfg.latency,
      feed: cfg.feed,
      inventoryDeltas: cfg.inventoryDeltas,
      strategy: jsonSafe(cfg.strategy),
    },
    market: {
      steps: nSteps,
      startMidTicks: cfg.market.startMidTicks,
      finalMidTicks: round(finalMid, 3),
      regimes: cfg.market.regimes.map((r, i) => ({
        ...r,
        seconds: round(market.regimeSeconds[i], 1),
      })),
      bookUpdates,
      droppedUpdates: dropped,
      snapshots,
      publicTrades,
      sweeps: vs.sweeps,
      sweepsWithoutTrade: vs.sweepsWithoutTrade,
    },
    pnl: {
      netQuote: round(net, 4),
      grossQuote: round(gross, 4),
      feesQuote: round(fees, 4),
      maxDrawdownQuote: round(maxDrawdown, 4),
      netPerHourQuote: round(net / (cfg.durationSec / 3600), 4),
      defiExposurePnlQuote: round(defiPnl, 4),
      combinedQuote: round(net + defiPnl, 4),
      pmsRealizedQuote: Number(pms.position(VENUE, SYMBOL).realizedPnlQuote),
    },
    inventory: {
      finalCefiLots: pos,
      finalDefiLots: defiLots,
      finalNetLots: pos + defiLots,
      maxAbsCefiLots: maxAbsPos,
      meanAbsNetLots: round(sumAbsNet / Math.max(1, nSteps), 3),
      pmsLots: Number(pms.position(VENUE, SYMBOL).lots),
    },
    trading: {
      makerFills: vs.makerFills,
      takerFills: vs.takerFills,
      makerLots: vs.makerLots,
      takerLots: vs.takerLots,
      volumeQuote: round(volumeQuote, 4),
      quotesPlaced: placedQuotes,
      quotesFilled: filledOrders,
      fillRatio: round(placedQuotes ? filledOrders / placedQuotes : 0, 6),
      requestsNew: cs.ordersOut.NEW,
      requestsReplace: cs.ordersOut.REPLACE,
      requestsCancel: cs.ordersOut.CANCEL,
      requestsPerMinute: round(cs.ordersOut.total / (cfg.durationSec / 60), 3),
      postOnlyRejects: vs.postOnlyRejects,
      amendRejects: vs.amendRejects,
      refusedByOms: cs.refused.total,
    },
    spreadCaptured: {
      meanTicksPerLot: round(makerLots ? capturedTicksLots / makerLots : 0, 6),
      totalQuote: round(capturedTicksLots * tick * lot, 4),
    },
    adverseSelection: {
      horizonsSec: hs,
      markoutTicks: markout.map((x, j) => round(markoutN[j] ? x / markoutN[j] : 0, 6)),
      midMoveTicks: midMove.map((x, j) => round(markoutN[j] ? x / markoutN[j] : 0, 6)),
    },
    latencyNs: jsonSafe(cs.latencyNs) as Record<string, unknown>,
    container: jsonSafe({
      state: cs.state,
      eventsIn: cs.eventsIn,
      intents: cs.intents,
      ordersOut: cs.ordersOut,
      refused: cs.refused,
      killSwitch: cs.killSwitch,
    }) as Record<string, unknown>,
    strategy: roundAll(cs.strategy),
    oms: jsonSafe({
      submitted: os.submitted,
      refused: os.refused,
      refusedByReason: os.refusedByReason,
      acked: os.acked,
      amended: os.amended,
      fills: os.fills,
      cancelled: os.cancelled,
      rejected: os.rejected,
      expired: os.expired,
      replaceRejects: os.replaceRejects,
      illegalTotal: os.illegalTotal,
      open: os.open,
    }) as Record<string, unknown>,
    venue: { ...vs },
  };
  mm.dispose();
  return { summary, series, fills };
}

function roundAll(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = typeof v === "number" ? round(v, 9) : v;
  return out;
}

/** bigint -> string, recursively (for JSON). */
export function jsonSafe(x: unknown): unknown {
  if (typeof x === "bigint") return x.toString();
  if (Array.isArray(x)) return x.map(jsonSafe);
  if (x && typeof x === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) out[k] = jsonSafe(v);
    return out;
  }
  return x;
}
