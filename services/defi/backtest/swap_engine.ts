/**
 * Swap-level backtest: every market event goes through an exact Uniswap V3
 * pool in core.wasm that holds our positions next to everyone else's, so
 * fees accrue by fee growth exactly as the contract computes them and our
 * liquidity changes the price path (a swap of the same size moves the price
 * less when we add liquidity; arbitrageurs trade the pool back to the fair
 * price against our liquidity too).
 *
 * Token accounting is exact (bigint, raw units): every pool call's returned
 * amounts move our wallet, and {@link SwapLevelEngine.reconcile} proves, per
 * token and to the last unit, that
 *
 *   wallet + position principal + uncollected fees
 *     = initial + fees earned + LP principal change + swap flow − gas paid from the wallet
 *
 * where uncollected fees are recomputed from the pool's fee growth as
 * `Position.update` does, and principal as `burn` would return it.
 *
 * @module
 */
import type { WasmCore, WasmPool } from "../../../core-wasm/mod.ts";
import { MAX_SQRT_RATIO, MIN_SQRT_RATIO } from "../../../core-wasm/mod.ts";
import type { StrategyDecision } from "../strategy.ts";
import { C, MAX_KERNEL_POSITIONS, ReplayKernel, STOP } from "../../../core-wasm/replay.ts";
import { LN_TICK, principalF64, type RangeF64, sqrtAtTick } from "../ticks.ts";
import { arbSwap, toX96 } from "./arb.ts";
import { EngineCore, FEE_FLOW_TAU_SEC, type Holdings, type RunParams } from "./common.ts";
import type { MarketEvent } from "./types.ts";

const Q128 = 1n << 128n;
const U256 = 1n << 256n;
const U128_MAX = (1n << 128n) - 1n;
/** "Unlimited" exact input for swaps bounded by their price limit. */
export const HUGE_IN = 1n << 200n;

/** One of our positions in the pool (lf, sa, sb: float values for decisions only). */
interface OurPosition extends RangeF64 {
  owner: string;
  lower: number;
  upper: number;
  liquidity: bigint;
  sqrtLower: bigint;
  sqrtUpper: bigint;
}

/** Exact per-token reconciliation (raw units); `residual` must be 0. */
export interface TokenReconciliation {
  initial: bigint;
  wallet: bigint;
  positionPrincipal: bigint;
  uncollectedFees: bigint;
  feesEarned: bigint;
  minted: bigint;
  burned: bigint;
  swapReceived: bigint;
  swapPaid: bigint;
  gasPaid: bigint;
  /** (wallet + principal + uncollected) − (initial + fees + (principal + burned − minted) + swap flow − gas). */
  residual: bigint;
}

/** Options specific to the swap-level engine. */
export interface SwapEngineOptions {
  /** Arbitrage only when the pool is this far (fraction) beyond the fee band. Default 0.0001. */
  arbMinEdge?: number;
  /**
   * Replay runs of market events in core.wasm's replay kernel (default true).
   * false replays every event in JS: slower, same decisions; kept as the
   * reference the kernel is tested against.
   */
  kernel?: boolean;
}

/** Events packed per kernel chunk. */
const KERNEL_CHUNK = 4096;

/** The swap-level engine; see the module doc. */
export class SwapLevelEngine extends EngineCore {
  readonly core: WasmCore;
  readonly pool: WasmPool;
  readonly positions: OurPosition[] = [];
  readonly arbMinEdge: number;
  sqrtX96 = 0n;
  poolLiquidity = 0n;
  wallet: [bigint, bigint] = [0n, 0n];
  initialRaw: [bigint, bigint] = [0n, 0n];
  readonly minted: [bigint, bigint] = [0n, 0n];
  readonly burned: [bigint, bigint] = [0n, 0n];
  readonly feesCollected: [bigint, bigint] = [0n, 0n];
  readonly swapPaid: [bigint, bigint] = [0n, 0n];
  readonly swapReceived: [bigint, bigint] = [0n, 0n];
  readonly gasPaid: [bigint, bigint] = [0n, 0n];
  /** Market swaps replayed, arbitrage swaps, swaps the pool refused. */
  readonly counts = { swaps: 0, arbs: 0, rejected: 0, mints: 0, burns: 0, tickDrift: 0 };
  /** Replay-kernel runs, why each stopped (STOP order), and events replayed in JS. */
  readonly kernelStats = { runs: 0, stops: [0, 0, 0, 0, 0, 0], jsEvents: 0 };
  #posSeq = 0;
  readonly #kernel: ReplayKernel | null;
  #posF: [number, number] = [0, 0];
  #started = false;

  constructor(core: WasmCore, pool: WasmPool, params: RunParams, opts: SwapEngineOptions = {}) {
    super(params);
    this.core = core;
    this.pool = pool;
    this.arbMinEdge = opts.arbMinEdge ?? 0.0001;
    this.#kernel = opts.kernel === false ? null : ReplayKernel.for(core.exports);
    const s0 = pool.slot0();
    this.sqrtX96 = s0.sqrtPriceX96;
    this.tick = s0.tick;
    this.poolLiquidity = pool.liquidity();
    this.#setSqrt();
  }

  #setSqrt(): void {
    this.sqrtF = Number(this.sqrtX96) / 2 ** 96;
    this.price = this.scale.sqrtToPrice(this.sqrtF);
  }

  /** Funds our wallet (raw units) at time `t`; the first event time starts the clocks. */
  fund(t: number, amount0: bigint, amount1: bigint): void {
    this.start(t);
    this.#started = true;
    this.wallet = [amount0, amount1];
    this.initialRaw = [amount0, amount1];
    this.setInitial({
      amount0: this.scale.human(0, amount0),
      amount1: this.scale.human(1, amount1),
    });
    this.vol.update(t, this.price);
    this.decide();
    this.record(t);
  }

  /**
   * Replays a batch of events (times non-decreasing). Runs of market swaps
   * and arbitrage checks go through core.wasm's replay kernel in one call
   * each (see {@link SwapEngineOptions.kernel}); the kernel hands every event
   * that needs a decision, a series sample or anything else back to the
   * event-by-event path below, so both paths make the same decisions.
   */
  process(events: readonly MarketEvent[]): void {
    if (!this.#started) throw new Error("Cannot process events before fund()");
    if (this.#kernel === null) {
      for (let i = 0; i < events.length; i++) this.#processOne(events[i]);
      return;
    }
    for (let base = 0; base < events.length; base += KERNEL_CHUNK) {
      this.#runChunk(events, base, Math.min(events.length, base + KERNEL_CHUNK));
    }
  }

  /** One event, in JS: advance the clock, apply it, decide. */
  #processOne(ev: MarketEvent): void {
    this.kernelStats.jsEvents++;
    this.advance(ev.t);
    switch (ev.kind) {
      case "swap":
        this.#marketSwap(ev.zeroForOne, ev.amount, ev.limit, ev.recordedTick);
        break;
      case "arb":
        this.#arb(ev.fairPrice);
        break;
      case "mint":
        this.pool.mint(ev.owner, ev.tickLower, ev.tickUpper, ev.liquidity);
        this.counts.mints++;
        this.poolLiquidity = this.pool.liquidity();
        return;
      case "burn":
        this.pool.burn(ev.owner, ev.tickLower, ev.tickUpper, ev.liquidity);
        this.counts.burns++;
        this.poolLiquidity = this.pool.liquidity();
        return;
    }
    this.decide();
  }

  /** Events [base, end) through the kernel, falling back to JS where it stops. */
  #runChunk(events: readonly MarketEvent[], base: number, end: number): void {
    const k = this.#kernel as ReplayKernel;
    const m = end - base;
    k.reserve(m);
    for (let j = 0; j < m; j++) {
      const ev = events[base + j];
      if (ev.kind === "swap") {
        k.packSwap(j, ev.t, ev.zeroForOne, ev.amount, ev.limit, ev.recordedTick);
      } else if (ev.kind === "arb" && ev.fairPrice > 0 && Number.isFinite(ev.fairPrice)) {
        k.packArb(j, ev.t, ev.fairPrice);
      } else k.packHost(j, ev.t);
    }
    let pos = 0;
    while (pos < m) {
      if (!this.#kernelReady()) {
        this.#processOne(events[base + pos]);
        pos++;
        continue;
      }
      this.#toKernel(k);
      const next = k.run(this.pool, pos, m);
      this.#fromKernel(k);
      const stop = k.ctx[C.STOP];
      this.kernelStats.runs++;
      this.kernelStats.stops[stop]++;
      if (k.ctx[C.DECIDE] === 1) this.decide();
      pos = next;
      if (pos < m && (stop === STOP.TIME || stop === STOP.HOST_EVENT || stop === STOP.FAILED)) {
        this.#processOne(events[base + pos]);
        pos++;
      }
    }
  }

  /** Whether the kernel can continue from the current state. */
  #kernelReady(): boolean {
    return this.hedge === null && this.main !== null &&
      this.positions.length <= MAX_KERNEL_POSITIONS;
  }

  /** Copies the state the kernel continues into its context block. */
  #toKernel(k: ReplayKernel): void {
    const c = k.ctx;
    const sc = this.scale;
    const [nextSample, lastBaseRatio, feeFlow, feeFlowT] = this.clockState();
    const q = this.p.strategy.quietState();
    const sp = this.p.strategy.params;
    const decShift = (sc.decimals0 - sc.decimals1) * Math.LN10;
    c[C.T_STOP] = nextSample;
    c[C.T] = this.t;
    c[C.TIME_TOTAL] = this.timeTotal;
    c[C.TIME_IN_RANGE] = this.timeInRange;
    c[C.DEV_INTEGRAL] = this.devIntegral;
    c[C.DEV_MAX] = this.devMax;
    c[C.LAST_BASE_RATIO] = lastBaseRatio;
    c[C.TARGET] = sp.targetRatio;
    c[C.MAIN_LO] = this.main ? this.main.lower : NaN;
    c[C.MAIN_HI] = this.main ? this.main.upper : NaN;
    c[C.UNIT0] = sc.unit0;
    c[C.UNIT1] = sc.unit1;
    c[C.BASE] = sc.baseToken;
    c[C.EXP_DEC] = Math.exp(decShift);
    c[C.DEC_SHIFT] = decShift;
    c[C.FEE] = this.p.pool.fee;
    c[C.ARB_EDGE] = this.arbMinEdge;
    c[C.WALLET0] = sc.human(0, this.wallet[0]);
    c[C.WALLET1] = sc.human(1, this.wallet[1]);
    c[C.POS_F0] = this.#posF[0];
    c[C.POS_F1] = this.#posF[1];
    c[C.LVR] = this.lvrQuote;
    c[C.POOL_FEES] = this.poolFeesQuote;
    c[C.POOL_VOLUME] = this.poolVolumeQuote;
    c[C.FEE_FLOW] = feeFlow;
    c[C.FEE_FLOW_T] = feeFlowT;
    c[C.TAU] = FEE_FLOW_TAU_SEC;
    c[C.SHARE] = this.lastShare;
    const [nextT, lastT, lastLn, pendingLn] = this.vol.gridState();
    c[C.VOL_NEXT_T] = nextT;
    c[C.VOL_LAST_T] = lastT;
    c[C.VOL_LAST_LN] = lastLn;
    c[C.VOL_PENDING_LN] = pendingLn;
    c[C.VOL_SAMPLE] = this.vol.sampleSec;
    c[C.QUIET] = 1;
    c[C.ARMED] = q.armed ? 1 : 0;
    c[C.THRESHOLD] = sp.threshold;
    c[C.REARM] = sp.rearm;
    c[C.ESCALATE] = q.escalate;
    c[C.LAST_RATIO] = q.lastRatio;
    c[C.BOUND] = this.boundPct();
    c[C.WAS_IN_RANGE] = q.wasInRange ? 1 : 0;
    c[C.N_POS] = this.positions.length;
    for (let i = 0; i < this.positions.length; i++) {
      const p = this.positions[i];
      const o = C.POS + 5 * i;
      c[o] = p.lf;
      c[o + 1] = p.sa;
      c[o + 2] = p.sb;
      c[o + 3] = p.lower;
      c[o + 4] = p.upper;
    }
    c[C.LN_TICK] = LN_TICK;
    c[C.RETRY] = q.retry;
    c[C.RETRY_AT] = q.retryAt;
    c[C.PENDING] = q.pending ? 1 : 0;
    c[C.LAST_T] = q.lastT;
    c[C.MIN_INTERVAL] = sp.minIntervalSec;
  }

  /** Takes back the state the kernel advanced. */
  #fromKernel(k: ReplayKernel): void {
    const c = k.ctx;
    this.t = c[C.T];
    this.timeTotal = c[C.TIME_TOTAL];
    this.timeInRange = c[C.TIME_IN_RANGE];
    this.devIntegral = c[C.DEV_INTEGRAL];
    this.devMax = c[C.DEV_MAX];
    this.setClockState(c[C.LAST_BASE_RATIO], c[C.FEE_FLOW], c[C.FEE_FLOW_T]);
    this.#posF = [c[C.POS_F0], c[C.POS_F1]];
    this.lvrQuote = c[C.LVR];
    this.poolFeesQuote = c[C.POOL_FEES];
    this.poolVolumeQuote = c[C.POOL_VOLUME];
    this.lastShare = c[C.SHARE];
    const nVol = c[C.VOL_COUNT];
    const v = k.vol;
    for (let i = 0; i < nVol; i++) this.vol.pushReturn(v[2 * i], v[2 * i + 1]);
    this.vol.setGridState(c[C.VOL_NEXT_T], c[C.VOL_LAST_T], c[C.VOL_LAST_LN], c[C.VOL_PENDING_LN]);
    this.counts.swaps += c[C.SWAPS];
    this.counts.arbs += c[C.ARBS];
    this.counts.rejected += c[C.REJECTED];
    this.counts.tickDrift += c[C.TICK_DRIFT];
    this.p.strategy.addDeferred(c[C.DEFERRED]);
    if (c[C.SWAPS] + c[C.ARBS] > 0) {
      const s0 = this.pool.slot0();
      this.sqrtX96 = s0.sqrtPriceX96;
      this.tick = s0.tick;
      this.poolLiquidity = this.pool.liquidity();
      this.#setSqrt();
    }
  }

  #marketSwap(zeroForOne: boolean, amount: bigint, limit?: bigint, recordedTick?: number): void {
    if (amount === 0n) return;
    const lim = limit ?? (zeroForOne ? MIN_SQRT_RATIO + 1n : MAX_SQRT_RATIO - 1n);
    if (zeroForOne ? lim >= this.sqrtX96 : lim <= this.sqrtX96) {
      this.counts.rejected++;
      return;
    }
    this.#swap(zeroForOne, amount, lim);
    this.counts.swaps++;
    if (recordedTick !== undefined && recordedTick !== this.tick) this.counts.tickDrift++;
  }

  #arb(fair: number): void {
    const a = arbSwap(this.sqrtF, fair, this.scale, this.p.pool.fee, this.arbMinEdge);
    if (a) {
      this.#swap(a.zeroForOne, HUGE_IN, a.limit);
      this.counts.arbs++;
    }
  }

  /** A swap by someone else: updates state, fee flow, LVR, volatility. */
  #swap(zeroForOne: boolean, amount: bigint, limit: bigint): void {
    const r = this.pool.swap(zeroForOne, amount, limit);
    this.sqrtX96 = r.sqrtPriceX96;
    this.tick = r.tick;
    this.poolLiquidity = r.liquidity;
    this.#setSqrt();
    const sc = this.scale;
    const in0 = r.amount0 > 0n ? sc.human(0, r.amount0) : 0;
    const in1 = r.amount1 > 0n ? sc.human(1, r.amount1) : 0;
    const vol = sc.value(in0, in1, this.price);
    this.observeFees(this.t, vol * this.p.pool.fee / 1e6, vol);
    // mark-out of our position's trade at the post-trade price (LVR)
    const [a0, a1] = this.#positionAmountsF();
    const d0 = a0 - this.#posF[0];
    const d1 = a1 - this.#posF[1];
    this.lvrQuote -= sc.value(d0, d1, this.price);
    this.#posF = [a0, a1];
    if (this.inRange() && this.poolLiquidity > 0n) {
      this.setShare(this.#activeOurL() / Number(this.poolLiquidity));
    }
    this.vol.update(this.t, this.price);
  }

  #activeOurL(): number {
    let l = 0;
    for (const p of this.positions) if (this.tick >= p.lower && this.tick < p.upper) l += p.lf;
    return l;
  }

  /** Our positions' principal in human units, f64. */
  #positionAmountsF(): [number, number] {
    const [a0, a1] = principalF64(this.positions, this.sqrtF);
    return [a0 / this.scale.unit0, a1 / this.scale.unit1];
  }

  holdingsF64(): Holdings {
    const [a0, a1] = this.#posF;
    return {
      amount0: this.scale.human(0, this.wallet[0]) + a0,
      amount1: this.scale.human(1, this.wallet[1]) + a1,
    };
  }

  override impactRate(): number {
    // Δ√P/√P for swapping 5% of our value through the active liquidity.
    const L = Number(this.poolLiquidity);
    if (!(L > 0)) return 0.01;
    const h = this.holdingsF64();
    const v = this.scale.value(h.amount0, h.amount1, this.price) * 0.05;
    const quoteIs0 = this.p.pool.baseToken === 1;
    const raw1 = quoteIs0 ? (v / this.price) * this.scale.unit1 : v * this.scale.unit1;
    return Math.min(0.05, raw1 / (L * this.sqrtF));
  }

  sampleHoldings(): { h: Holdings; fees0: number; fees1: number } {
    const rec = this.reconcile();
    const sc = this.scale;
    return {
      h: {
        amount0: sc.human(0, rec[0].wallet + rec[0].positionPrincipal + rec[0].uncollectedFees),
        amount1: sc.human(1, rec[1].wallet + rec[1].positionPrincipal + rec[1].uncollectedFees),
      },
      fees0: sc.human(0, rec[0].feesEarned),
      fees1: sc.human(1, rec[1].feesEarned),
    };
  }

  /** Fees owed to one position now (tokensOwed + growth since last update), exact. */
  uncollected(p: OurPosition): [bigint, bigint] {
    const pos = this.pool.positions(p.owner, p.lower, p.upper);
    const lo = this.pool.ticks(p.lower);
    const hi = this.pool.ticks(p.upper);
    const g0 = this.pool.feeGrowthGlobal0X128();
    const g1 = this.pool.feeGrowthGlobal1X128();
    const inside = (g: bigint, outL: bigint, outU: bigint) => {
      const below = this.tick >= p.lower ? outL : (g - outL + U256) % U256;
      const above = this.tick < p.upper ? outU : (g - outU + U256) % U256;
      return (((g - below - above) % U256) + U256) % U256;
    };
    const i0 = inside(g0, lo.feeGrowthOutside0X128, hi.feeGrowthOutside0X128);
    const i1 = inside(g1, lo.feeGrowthOutside1X128, hi.feeGrowthOutside1X128);
    const d0 = (((i0 - pos.feeGrowthInside0LastX128) % U256) + U256) % U256;
    const d1 = (((i1 - pos.feeGrowthInside1LastX128) % U256) + U256) % U256;
    return [
      pos.tokensOwed0 + ((d0 * pos.liquidity / Q128) & U128_MAX),
      pos.tokensOwed1 + ((d1 * pos.liquidity / Q128) & U128_MAX),
    ];
  }

  /** The exact reconciliation per token (see the module doc). */
  reconcile(): [TokenReconciliation, TokenReconciliation] {
    const principal: [bigint, bigint] = [0n, 0n];
    const owed: [bigint, bigint] = [0n, 0n];
    for (const p of this.positions) {
      const a = this.core.math.getAmountsForLiquidity(
        this.sqrtX96,
        p.sqrtLower,
        p.sqrtUpper,
        p.liquidity,
      );
      principal[0] += a.amount0;
      principal[1] += a.amount1;
      const [f0, f1] = this.uncollected(p);
      owed[0] += f0;
      owed[1] += f1;
    }
    const out = [0, 1].map((i) => {
      const feesEarned = this.feesCollected[i] + owed[i];
      const lhs = this.wallet[i] + principal[i] + owed[i];
      const rhs = this.initialRaw[i] + feesEarned +
        (principal[i] + this.burned[i] - this.minted[i]) +
        (this.swapReceived[i] - this.swapPaid[i]) - this.gasPaid[i];
      return {
        initial: this.initialRaw[i],
        wallet: this.wallet[i],
        positionPrincipal: principal[i],
        uncollectedFees: owed[i],
        feesEarned,
        minted: this.minted[i],
        burned: this.burned[i],
        swapReceived: this.swapReceived[i],
        swapPaid: this.swapPaid[i],
        gasPaid: this.gasPaid[i],
        residual: lhs - rhs,
      };
    });
    return out as [TokenReconciliation, TokenReconciliation];
  }

  protected payGas(units: number): void {
    if (units <= 0) return;
    this.gasUnits += units;
    const gwei = this.gweiNow();
    const quote = this.gasQuoteFor(units);
    this.gasQuote += quote;
    const native = this.p.pool.nativeToken;
    if (native === null) {
      this.gasExternalQuote += quote;
      return;
    }
    const wei = BigInt(Math.round(gwei * 1e9)) * BigInt(units);
    if (this.wallet[native] >= wei) {
      this.wallet[native] -= wei;
      this.gasPaid[native] += wei;
    } else this.gasExternalQuote += quote;
  }

  #gasWei(units: number): bigint {
    if (this.p.pool.nativeToken === null) return 0n;
    return BigInt(Math.round(this.gweiNow() * 1e9)) * BigInt(units);
  }

  protected removeAll(): number {
    let units = 0;
    for (const p of this.positions) {
      const b = this.pool.burn(p.owner, p.lower, p.upper, p.liquidity);
      const c = this.pool.collect(p.owner, p.lower, p.upper, U128_MAX, U128_MAX);
      this.burned[0] += b.amount0;
      this.burned[1] += b.amount1;
      this.feesCollected[0] += c.amount0 - b.amount0;
      this.feesCollected[1] += c.amount1 - b.amount1;
      this.wallet[0] += c.amount0;
      this.wallet[1] += c.amount1;
      units += this.p.gas.burn + this.p.gas.collect;
    }
    this.positions.length = 0;
    this.#posF = [0, 0];
    this.poolLiquidity = this.pool.liquidity();
    return units;
  }

  /** Our own swap (rebalance): pays the pool fee and moves the price. */
  protected rebalanceSwap(ratioDelta: number): number {
    const h = this.holdingsF64();
    const v = this.scale.value(h.amount0, h.amount1, this.price);
    const notional = Math.abs(ratioDelta) * v;
    if (notional < this.p.minSwapFraction * v || notional <= 0) return 0;
    const base = this.p.pool.baseToken;
    const inToken: 0 | 1 = ratioDelta < 0 ? base : (1 - base) as 0 | 1;
    const unit = inToken === 0 ? this.scale.unit0 : this.scale.unit1;
    const human = inToken === base ? notional / this.price : notional;
    let amountIn = BigInt(Math.floor(human * unit));
    if (amountIn > this.wallet[inToken]) amountIn = this.wallet[inToken];
    if (amountIn <= 0n) return 0;
    const zeroForOne = inToken === 0;
    const slip = this.p.maxSwapSlippage;
    const lim = toX96(this.sqrtF * Math.sqrt(zeroForOne ? 1 - slip : 1 + slip));
    const pre = this.price;
    const r = this.pool.swap(zeroForOne, amountIn, lim);
    this.sqrtX96 = r.sqrtPriceX96;
    this.tick = r.tick;
    this.poolLiquidity = r.liquidity;
    this.#setSqrt();
    const paid: [bigint, bigint] = [
      r.amount0 > 0n ? r.amount0 : 0n,
      r.amount1 > 0n ? r.amount1 : 0n,
    ];
    const got: [bigint, bigint] = [
      r.amount0 < 0n ? -r.amount0 : 0n,
      r.amount1 < 0n ? -r.amount1 : 0n,
    ];
    for (const i of [0, 1] as const) {
      this.wallet[i] += got[i] - paid[i];
      this.swapPaid[i] += paid[i];
      this.swapReceived[i] += got[i];
    }
    const sc = this.scale;
    const paidQ = sc.value(sc.human(0, paid[0]), sc.human(1, paid[1]), pre);
    const gotQ = sc.value(sc.human(0, got[0]), sc.human(1, got[1]), pre);
    this.swapCostQuote += paidQ - gotQ;
    this.observeFees(this.t, paidQ * this.p.pool.fee / 1e6, paidQ);
    this.ourSwaps++;
    this.vol.update(this.t, this.price);
    return paidQ;
  }

  #mint(lower: number, upper: number, a0: bigint, a1: bigint): boolean {
    const m = this.core.math;
    const sa = m.getSqrtRatioAtTick(lower);
    const sb = m.getSqrtRatioAtTick(upper);
    let L = m.getLiquidityForAmounts(this.sqrtX96, sa, sb, a0, a1);
    if (L <= 0n) return false;
    const cap = this.pool.maxLiquidityPerTick / 4n;
    if (L > cap) L = cap;
    // mint rounds amounts up: make sure we can pay
    for (let k = 0; k < 4; k++) {
      const [n0, n1] = this.#needed(sa, sb, L);
      if (n0 <= a0 && n1 <= a1) break;
      L -= L / 1_000_000_000n + 1n;
      if (L <= 0n) return false;
    }
    const owner = `us-${this.#posSeq++}`;
    const paid = this.pool.mint(owner, lower, upper, L);
    this.wallet[0] -= paid.amount0;
    this.wallet[1] -= paid.amount1;
    this.minted[0] += paid.amount0;
    this.minted[1] += paid.amount1;
    this.positions.push({
      owner,
      lower,
      upper,
      liquidity: L,
      lf: Number(L),
      sqrtLower: sa,
      sqrtUpper: sb,
      sa: sqrtAtTick(lower),
      sb: sqrtAtTick(upper),
    });
    return true;
  }

  #needed(sa: bigint, sb: bigint, L: bigint): [bigint, bigint] {
    const m = this.core.math;
    const s = this.sqrtX96;
    if (s <= sa) return [m.getAmount0Delta(sa, sb, L, true), 0n];
    if (s >= sb) return [0n, m.getAmount1Delta(sa, sb, L, true)];
    return [m.getAmount0Delta(s, sb, L, true), m.getAmount1Delta(sa, s, L, true)];
  }

  executeRebalance(d: StrategyDecision): void {
    const { ratioBefore, gasBefore, swapped } = this.unwindForRebalance(d);
    const h = this.holdingsF64();
    const plan = this.p.model.calculateRanges({
      tick: this.tick,
      tickSpacing: this.p.pool.tickSpacing,
      baseRatio: this.scale.baseRatio(h.amount0, h.amount1, this.price),
      targetRatio: this.p.strategy.params.targetRatio,
      sigmaPerSqrtDay: this.vol.sigmaPerSqrtDay(),
      baseToken: this.p.pool.baseToken,
    });
    this.lastPlan = plan;
    // keep gas for up to two mints in the native token
    const reserve = this.#gasWei(2 * this.p.gas.mint);
    const native = this.p.pool.nativeToken;
    const avail = (i: 0 | 1) => {
      const w = this.wallet[i] - (native === i ? reserve : 0n);
      return w > 0n ? w : 0n;
    };
    let mints = 0;
    this.main = null;
    this.limit = null;
    if (this.#mint(plan.main.tickLower, plan.main.tickUpper, avail(0), avail(1))) {
      mints++;
      this.main = { lower: plan.main.tickLower, upper: plan.main.tickUpper };
    }
    // leftover goes single-sided on its own side of the price
    const v = this.scale.value(h.amount0, h.amount1, this.price);
    const left0 = this.scale.value(this.scale.human(0, avail(0)), 0, this.price);
    const left1 = this.scale.value(0, this.scale.human(1, avail(1)), this.price);
    if (left0 > 1e-3 * v && plan.limit0) {
      if (this.#mint(plan.limit0.tickLower, plan.limit0.tickUpper, avail(0), 0n)) {
        mints++;
        this.limit = { lower: plan.limit0.tickLower, upper: plan.limit0.tickUpper };
      }
    } else if (left1 > 1e-3 * v && plan.limit1) {
      if (this.#mint(plan.limit1.tickLower, plan.limit1.tickUpper, 0n, avail(1))) {
        mints++;
        this.limit = { lower: plan.limit1.tickLower, upper: plan.limit1.tickUpper };
      }
    }
    this.payGas(mints * this.p.gas.mint);
    this.poolLiquidity = this.pool.liquidity();
    this.#posF = this.#positionAmountsF();
    if (this.inRange() && this.poolLiquidity > 0n) {
      this.setShare(this.#activeOurL() / Number(this.poolLiquidity));
    }
    this.recordRebalance(d, plan, ratioBefore, swapped, gasBefore);
  }

  /** Ends the run: burns and collects everything (paying gas) when `closeAtEnd`, writes the last row. */
  finish(): void {
    if (this.p.closeAtEnd && this.positions.length > 0) {
      const units = this.removeAll();
      this.payGas(units);
      this.main = null;
      this.limit = null;
      this.#posF = [0, 0];
    }
    this.record(this.t);
  }
}

export { toX96 };
