/**
 * Bar-mode backtest (f64 over columnar bars): for each bar and each of our
 * ranges,
 *
 *   fee_i = in_i × fee × inRangeShare × L_ours / (L_active + L_ours)
 *
 * where `in_i` is the bar's gross input of token i normalized by decimals,
 * `inRangeShare` the part of the bar's [low, high] tick span inside the range
 * (1 or 0 for a bar that stayed on one tick) and `L_active` the pool's active
 * liquidity from the data (other LPs; we are never assumed to be alone).
 * Positions are valued with the f64 liquidity formulas at the bar's close
 * tick; rebalance swaps pay the pool fee and the price impact of swapping
 * through the data's active liquidity; gas as in swap-level mode. Our trades
 * do not move the data's price path (that is what swap-level mode is for).
 *
 * @module
 */
import type { StrategyDecision } from "../strategy.ts";
import type { BarChunk } from "../data/bars_csv.ts";
import { LN_TICK, principalF64, type RangeF64, sqrtAtTick } from "../ticks.ts";
import { EngineCore, type Holdings, type RunParams } from "./common.ts";

interface BarPosition extends RangeF64 {
  lower: number;
  upper: number;
}

/** The bar-mode engine; see the module doc. */
export class BarEngine extends EngineCore {
  readonly positions: BarPosition[] = [];
  /** Wallet, human units. */
  w0 = 0;
  w1 = 0;
  /** Uncollected fees, human units. */
  owed0 = 0;
  owed1 = 0;
  /** Cumulative fees earned, human units. */
  fees0 = 0;
  fees1 = 0;
  /** Active liquidity of others at the current bar (raw, f64). */
  activeL = 0;
  bars = 0;
  #amt: [number, number] = [0, 0];
  #started = false;

  constructor(params: RunParams) {
    super(params);
  }

  #setTick(tick: number): void {
    this.tick = Math.floor(tick);
    this.sqrtF = Math.exp((tick * LN_TICK) / 2);
    this.price = this.scale.tickToPrice(tick);
  }

  /** Principal of our positions in human units at the current price. */
  #principal(): [number, number] {
    const [a0, a1] = principalF64(this.positions, this.sqrtF);
    return [a0 / this.scale.unit0, a1 / this.scale.unit1];
  }

  holdingsF64(): Holdings {
    const [a0, a1] = this.#amt;
    return { amount0: this.w0 + a0, amount1: this.w1 + a1 };
  }

  sampleHoldings(): { h: Holdings; fees0: number; fees1: number } {
    const [a0, a1] = this.#amt;
    return {
      h: { amount0: this.w0 + a0 + this.owed0, amount1: this.w1 + a1 + this.owed1 },
      fees0: this.fees0,
      fees1: this.fees1,
    };
  }

  /** Starts at the first bar with `capital` human amounts. */
  fund(t: number, closeTick: number, liquidity: number, amount0: number, amount1: number): void {
    this.#setTick(closeTick);
    this.activeL = liquidity;
    this.start(t);
    this.#started = true;
    this.w0 = amount0;
    this.w1 = amount1;
    this.setInitial({ amount0, amount1 });
    this.vol.update(t, this.price);
    this.decide();
    this.#amt = this.#principal();
    this.record(t);
  }

  /** Processes a chunk of bars. */
  process(c: BarChunk, from = 0): void {
    if (!this.#started) throw new Error("Cannot process bars before fund()");
    const feeRate = this.p.pool.fee / 1e6;
    const sc = this.scale;
    for (let i = from; i < c.length; i++) {
      const t = c.t[i];
      this.advance(t);
      const lo = c.lowTick[i];
      const hi = c.highTick[i];
      const in0 = c.in0[i];
      const in1 = c.in1[i];
      const Lact = c.liquidity[i];
      this.activeL = Lact;
      this.#setTick(c.closeTick[i]);
      const price = this.price;
      if (in0 > 0 || in1 > 0) {
        let ours = 0;
        for (const p of this.positions) {
          const frac = hi > lo
            ? Math.max(0, Math.min(hi, p.upper) - Math.max(lo, p.lower)) / (hi - lo)
            : (lo >= p.lower && lo < p.upper ? 1 : 0);
          if (frac <= 0) continue;
          const share = p.lf / (Lact + p.lf);
          const f0 = in0 * feeRate * frac * share;
          const f1 = in1 * feeRate * frac * share;
          this.owed0 += f0;
          this.owed1 += f1;
          this.fees0 += f0;
          this.fees1 += f1;
          if (this.tick >= p.lower && this.tick < p.upper) ours += p.lf;
        }
        const vol = sc.value(in0, in1, price);
        this.observeFees(t, vol * feeRate, vol);
        if (ours > 0) this.setShare(ours / (Lact + ours));
      }
      // LVR: mark-out of the position's change at the new close
      const prev = this.#amt;
      const now = this.#principal();
      this.lvrQuote -= sc.value(now[0] - prev[0], now[1] - prev[1], price);
      this.#amt = now;
      this.vol.update(t, price);
      this.bars++;
      this.decide();
    }
  }

  protected payGas(units: number): void {
    if (units <= 0) return;
    this.gasUnits += units;
    const q = this.gasQuoteFor(units);
    this.gasQuote += q;
    const native = this.p.pool.nativeToken;
    if (native === null) {
      this.gasExternalQuote += q;
      return;
    }
    const eth = units * this.gweiNow() * 1e-9;
    if (native === 0 && this.w0 >= eth) this.w0 -= eth;
    else if (native === 1 && this.w1 >= eth) this.w1 -= eth;
    else this.gasExternalQuote += q;
  }

  protected removeAll(): number {
    const [a0, a1] = this.#principal();
    this.w0 += a0 + this.owed0;
    this.w1 += a1 + this.owed1;
    this.owed0 = 0;
    this.owed1 = 0;
    const units = this.positions.length * (this.p.gas.burn + this.p.gas.collect);
    this.positions.length = 0;
    this.#amt = [0, 0];
    return units;
  }

  protected rebalanceSwap(ratioDelta: number): number {
    const sc = this.scale;
    const v = sc.value(this.w0, this.w1, this.price);
    const notional = Math.abs(ratioDelta) * v;
    if (notional < this.p.minSwapFraction * v || notional <= 0) return 0;
    const base = this.p.pool.baseToken;
    const inToken = ratioDelta < 0 ? base : 1 - base;
    let human = inToken === base ? notional / this.price : notional;
    human = Math.min(human, inToken === 0 ? this.w0 : this.w1);
    if (!(human > 0)) return 0;
    const f = this.p.pool.fee / 1e6;
    const L = Math.max(this.activeL, 1);
    const s = this.sqrtF;
    let out: number;
    if (inToken === 0) {
      const x = human * sc.unit0 * (1 - f);
      const s2 = 1 / (1 / s + x / L);
      out = (L * (s - s2)) / sc.unit1;
      this.w0 -= human;
      this.w1 += out;
    } else {
      const y = human * sc.unit1 * (1 - f);
      const s2 = s + y / L;
      out = (L * (1 / s - 1 / s2)) / sc.unit0;
      this.w1 -= human;
      this.w0 += out;
    }
    const paidQ = inToken === 0 ? sc.value(human, 0, this.price) : sc.value(0, human, this.price);
    const gotQ = inToken === 0 ? sc.value(0, out, this.price) : sc.value(out, 0, this.price);
    this.swapCostQuote += paidQ - gotQ;
    this.ourSwaps++;
    return paidQ;
  }

  #mint(lower: number, upper: number, a0: number, a1: number): boolean {
    const sa = sqrtAtTick(lower);
    const sb = sqrtAtTick(upper);
    const sc = this.scale;
    const r0 = a0 * sc.unit0;
    const r1 = a1 * sc.unit1;
    const s = this.sqrtF;
    let L: number;
    if (s <= sa) L = r0 * sa * sb / (sb - sa);
    else if (s >= sb) L = r1 / (sb - sa);
    else L = Math.min(r0 * s * sb / (sb - s), r1 / (s - sa));
    L *= 1 - 1e-12;
    if (!(L > 0)) return false;
    const p = { lower, upper, lf: L, sa, sb };
    this.positions.push(p);
    let u0 = 0;
    let u1 = 0;
    if (s <= sa) u0 = L * (sb - sa) / (sa * sb);
    else if (s >= sb) u1 = L * (sb - sa);
    else {
      u0 = L * (sb - s) / (s * sb);
      u1 = L * (s - sa);
    }
    this.w0 -= u0 / sc.unit0;
    this.w1 -= u1 / sc.unit1;
    return true;
  }

  executeRebalance(d: StrategyDecision): void {
    const sc = this.scale;
    const { ratioBefore, gasBefore, swapped } = this.unwindForRebalance(d);
    const plan = this.p.model.calculateRanges({
      tick: this.tick,
      tickSpacing: this.p.pool.tickSpacing,
      baseRatio: sc.baseRatio(this.w0, this.w1, this.price),
      targetRatio: this.p.strategy.params.targetRatio,
      sigmaPerSqrtDay: this.vol.sigmaPerSqrtDay(),
      baseToken: this.p.pool.baseToken,
    });
    this.lastPlan = plan;
    const native = this.p.pool.nativeToken;
    const reserve = native === null ? 0 : 2 * this.p.gas.mint * this.gweiNow() * 1e-9;
    const avail = (i: 0 | 1) =>
      Math.max(0, (i === 0 ? this.w0 : this.w1) - (native === i ? reserve : 0));
    const v = sc.value(this.w0, this.w1, this.price);
    let mints = 0;
    this.main = null;
    this.limit = null;
    if (this.#mint(plan.main.tickLower, plan.main.tickUpper, avail(0), avail(1))) {
      mints++;
      this.main = { lower: plan.main.tickLower, upper: plan.main.tickUpper };
    }
    const left0 = sc.value(avail(0), 0, this.price);
    const left1 = sc.value(0, avail(1), this.price);
    if (left0 > 1e-3 * v && plan.limit0) {
      if (this.#mint(plan.limit0.tickLower, plan.limit0.tickUpper, avail(0), 0)) {
        mints++;
        this.limit = { lower: plan.limit0.tickLower, upper: plan.limit0.tickUpper };
      }
    } else if (left1 > 1e-3 * v && plan.limit1) {
      if (this.#mint(plan.limit1.tickLower, plan.limit1.tickUpper, 0, avail(1))) {
        mints++;
        this.limit = { lower: plan.limit1.tickLower, upper: plan.limit1.tickUpper };
      }
    }
    this.payGas(mints * this.p.gas.mint);
    this.#amt = this.#principal();
    this.recordRebalance(d, plan, ratioBefore, swapped, gasBefore);
  }

  /** Ends the run (closing positions when configured) and writes the last row. */
  finish(): void {
    if (this.p.closeAtEnd && this.positions.length > 0) {
      this.payGas(this.removeAll());
      this.main = null;
      this.limit = null;
    }
    this.record(this.t);
  }
}
