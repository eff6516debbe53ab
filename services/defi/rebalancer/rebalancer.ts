/**
 * The live rebalancer: watches the pool block by block, values our
 * inventory exactly, asks the same {@link AsymmetricLpStrategy} and
 * {@link RangeModel} the backtest uses whether and how to rebalance, and
 * executes the rebalance as a persisted {@link Plan} (see `plan.ts`): remove
 * the old positions, swap toward the target if the strategy says so, compute
 * the new asymmetric ranges from the post-swap state, mint the main range and
 * the leftover range. After every confirmed transaction, and whenever other
 * traders' swaps change our token mix, an InventoryDelta is published.
 *
 * The strategy inputs are built as in the backtest engines
 * (`backtest/common.ts` `EngineCore.decide`): holdings = wallet + position
 * principal, value and base ratio at the pool price, rolling volatility of
 * the pool price on block time, the pool's fee flow × our active share as the
 * fee rate, gas of a full rebalance at the current fee, pool fee as the swap
 * cost, the model's inventory bound.
 *
 * @module
 */
import { type Address, getAbiItem, type Hex } from "viem";
import type { RangeModel } from "../models/types.ts";
import type { AsymmetricLpStrategy, StrategyDecision } from "../strategy.ts";
import { PriceScale } from "../ticks.ts";
import { RollingVolatility, type VolatilityOptions } from "../volatility.ts";
import type { GasConfig } from "../backtest/types.ts";
import { POOL_ABI, POSITION_MANAGER_ABI } from "../chain/abis.ts";
import type { ChainClient, TxCall, TxReceipt } from "../chain/client.ts";
import { ChainRevertError, describeError } from "../chain/errors.ts";
import type { NpmPosition, PositionValue } from "../positions/valuation.ts";
import type { PoolState, PositionManager } from "../positions/manager.ts";
import { InventoryPublisher, InventoryReason } from "../inventory/publisher.ts";
import type { Logger } from "../../common/log.ts";
import type { Plan, PlanStep, PlanStore } from "./plan.ts";

/** Settings of the rebalancer beyond strategy and model. */
export interface RebalancerSettings {
  /** The base (priced) token. */
  baseToken: 0 | 1;
  /** The native gas token if it is one of the pool's tokens, else null. */
  nativeToken: 0 | 1 | null;
  /** Native token price in quote units when it is not a pool token. */
  nativePriceQuote: number;
  /** Skip rebalance swaps below this fraction of value. */
  minSwapFraction: number;
  gas: GasConfig;
  volatility: VolatilityOptions;
  /** Test hook: stop (hang) after step `step` reaches `phase`. */
  pauseAt?: { step: number; phase: "signed" | "sent" | "done" } | null;
}

/** One observation of the pool and our inventory. */
export interface Observation {
  blockNumber: bigint;
  t: number;
  state: PoolState;
  positions: Array<NpmPosition & PositionValue>;
  wallet: [bigint, bigint];
  /** wallet + principal + fees, raw. */
  exposure: [bigint, bigint];
  price: number;
  /** wallet + principal, human units (the strategy's holdings). */
  h0: number;
  h1: number;
  value: number;
  ratio: number;
  main: NpmPosition | null;
  inRange: boolean;
}

const MAX_STEP_RETRIES = 1;

/** See the module doc. */
export class LiveRebalancer {
  readonly client: ChainClient;
  readonly pm: PositionManager;
  readonly model: RangeModel;
  readonly strategy: AsymmetricLpStrategy;
  readonly store: PlanStore;
  readonly inventory: InventoryPublisher;
  readonly s: RebalancerSettings;
  readonly scale: PriceScale;
  readonly vol: RollingVolatility;
  readonly #log: Logger;
  #lastBlock = -1n;
  #busy = false;
  #feeFlow = 0;
  #feeFlowT = NaN;
  #lastShare = 0;
  #decisionAt = 0;
  /** Decision-to-first-broadcast latency of each finished plan, ms. */
  readonly latenciesMs: number[] = [];
  /** Counters. */
  readonly counts = { blocks: 0, decisions: 0, rebalances: 0, txs: 0, reverts: 0, errors: 0 };

  constructor(deps: {
    client: ChainClient;
    pm: PositionManager;
    model: RangeModel;
    strategy: AsymmetricLpStrategy;
    store: PlanStore;
    inventory: InventoryPublisher;
    settings: RebalancerSettings;
    logger: Logger;
  }) {
    this.client = deps.client;
    this.pm = deps.pm;
    this.model = deps.model;
    this.strategy = deps.strategy;
    this.store = deps.store;
    this.inventory = deps.inventory;
    this.s = deps.settings;
    this.#log = deps.logger.child("rebalancer");
    const p = this.pm.pool;
    this.scale = new PriceScale({
      decimals0: p.token0.decimals,
      decimals1: p.token1.decimals,
      baseToken: this.s.baseToken,
    });
    this.vol = new RollingVolatility(this.s.volatility);
  }

  // ------------------------------------------------------------ observation

  /** Reads the pool, our positions (valued exactly) and our wallet at one block. */
  async observe(blockNumber?: bigint): Promise<Observation> {
    const bn = blockNumber ?? await this.client.blockNumber();
    const pm = this.pm;
    const [state, list, w0, w1, block] = await Promise.all([
      pm.poolState(bn),
      pm.listPositions({ blockNumber: bn }),
      this.client.balanceOf(pm.pool.token0.address, undefined, bn),
      this.client.balanceOf(pm.pool.token1.address, undefined, bn),
      this.client.block(bn),
    ]);
    const positions = await pm.valueAll(list, state);
    let p0 = 0n;
    let p1 = 0n;
    let f0 = 0n;
    let f1 = 0n;
    for (const p of positions) {
      p0 += p.amount0;
      p1 += p.amount1;
      f0 += p.fees0;
      f1 += p.fees1;
    }
    const price = this.scale.sqrtX96ToPrice(state.sqrtPriceX96);
    const h0 = this.scale.human(0, w0 + p0);
    const h1 = this.scale.human(1, w1 + p1);
    // main range: the widest live position (limit ranges sit inside the main one)
    let main: NpmPosition | null = null;
    for (const p of positions) {
      if (p.liquidity === 0n) continue;
      if (!main || p.tickUpper - p.tickLower > main.tickUpper - main.tickLower) main = p;
    }
    return {
      blockNumber: bn,
      t: Number(block.timestamp),
      state,
      positions,
      wallet: [w0, w1],
      exposure: [w0 + p0 + f0, w1 + p1 + f1],
      price,
      h0,
      h1,
      value: this.scale.value(h0, h1, price),
      ratio: this.scale.baseRatio(h0, h1, price),
      main,
      inRange: main !== null && state.tick >= main.tickLower && state.tick < main.tickUpper,
    };
  }

  async #publish(o: Observation, reason: InventoryReason, extra: {
    txHash?: string;
    positionId?: bigint;
    force?: boolean;
  } = {}): Promise<void> {
    const d = this.inventory.delta(o.exposure);
    if (d[0] === 0n && d[1] === 0n && !extra.force) return;
    // persist first: at-most-once across a crash
    this.store.state.lastExposure = [String(o.exposure[0]), String(o.exposure[1])];
    await this.store.save();
    const pub = this.inventory.publish(o.exposure, {
      reason,
      blockNumber: o.blockNumber,
      price: o.price,
      txHash: extra.txHash,
      positionId: extra.positionId,
      force: extra.force,
    });
    if (pub) {
      this.#log.info("inventory delta", {
        seq: pub.sequence,
        reason: Object.entries(InventoryReason).find(([, v]) => v === reason)?.[0],
        amount0: pub.amount0,
        amount1: pub.amount1,
        block: o.blockNumber,
      });
    }
  }

  // ------------------------------------------------------------ start-up

  /**
   * Start-up: finishes (rolls forward) a plan left by a previous process,
   * starts the book and publishes the exposure change since the last
   * published delta as a RECONCILIATION delta.
   */
  async init(): Promise<void> {
    const plan = this.store.state.plan;
    if (plan && plan.status === "running") {
      this.#log.warn("found an unfinished rebalance plan: reconciling with the chain", {
        plan: plan.id,
        steps: plan.steps.map((s) => `${s.kind}:${s.status}`).join(" "),
      });
      await this.#execute(plan);
    } else if (plan) {
      await this.store.finish();
    }
    const o = await this.observe();
    if (!this.store.state.book) {
      this.store.state.book = {
        startPrice: o.price,
        startValue: this.scale.value(
          this.scale.human(0, o.exposure[0]),
          this.scale.human(1, o.exposure[1]),
          o.price,
        ),
        initial: [String(o.exposure[0]), String(o.exposure[1])],
        feesCollected: ["0", "0"],
        gasWei: "0",
        swapCostQuote: 0,
        rebalances: 0,
        swaps: 0,
      };
      await this.store.save();
    }
    this.inventory.lastExposure = [
      BigInt(this.store.state.lastExposure[0]),
      BigInt(this.store.state.lastExposure[1]),
    ];
    await this.#publish(o, InventoryReason.RECONCILIATION);
    this.vol.update(o.t, o.price);
    // #lastBlock stays behind: the first poll decides even if no new block comes
    const last = this.store.state.history.at(-1);
    if (last && o.main) this.strategy.onRebalanced(last.t, o.ratio, o.inRange);
    this.#log.info("ready", {
      block: o.blockNumber,
      tick: o.state.tick,
      positions: o.positions.map((p) => `#${p.tokenId}[${p.tickLower},${p.tickUpper})`).join(" "),
      exposure0: o.exposure[0],
      exposure1: o.exposure[1],
      ratio: round(o.ratio),
    });
  }

  // ------------------------------------------------------------ the loop

  /** Called on every poll: acts once per new block. Never runs twice at once. */
  async onBlock(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      const bn = await this.client.blockNumber();
      if (bn === this.#lastBlock) return;
      await this.#step(bn);
    } catch (e) {
      this.counts.errors++;
      this.#log.error("block handling failed (will retry on the next block)", {
        error: describeError(e),
      });
    } finally {
      this.#busy = false;
    }
  }

  async #step(bn: bigint): Promise<void> {
    this.counts.blocks++;
    const plan = this.store.state.plan;
    if (plan && plan.status === "running") {
      await this.#execute(plan);
      return;
    }
    await this.#observeFees(this.#lastBlock + 1n, bn);
    this.#lastBlock = bn;
    const o = await this.observe(bn);
    this.vol.update(o.t, o.price);
    await this.#publish(o, InventoryReason.POOL_SWAP);
    const d = await this.decide(o);
    if (d.action !== "rebalance") return;
    this.#decisionAt = performance.now();
    const p = this.buildPlan(o, d);
    this.store.state.plan = p;
    await this.store.save();
    this.#log.info("rebalance", {
      plan: p.id,
      trigger: d.trigger,
      tick: o.state.tick,
      ratio: round(o.ratio),
      swapRatioDelta: round(d.swapRatioDelta),
      benefit: round(d.benefit),
      cost: round(d.cost),
      steps: p.steps.map((s) => s.kind).join(","),
    });
    await this.#execute(p);
  }

  async #observeFees(from: bigint, to: bigint): Promise<void> {
    if (from > to || from <= 0n) return;
    const logs = await this.client.rpc("eth_getLogs Swap", () =>
      this.client.public.getLogs({
        address: this.pm.pool.address,
        event: getAbiItem({ abi: POOL_ABI, name: "Swap" }) as never,
        fromBlock: from,
        toBlock: to,
      }));
    for (const l of logs as unknown as Array<{ args: { amount0: bigint; amount1: bigint } }>) {
      if (l.args.amount0 > 0n) this.#pendingIn0 += this.scale.human(0, l.args.amount0);
      if (l.args.amount1 > 0n) this.#pendingIn1 += this.scale.human(1, l.args.amount1);
    }
  }

  /** Pool input volume (human units) seen since the last decision. */
  #pendingIn0 = 0;
  #pendingIn1 = 0;

  /** The strategy's decision at an observation (inputs as in the backtest engines). */
  async decide(o: Observation): Promise<StrategyDecision> {
    this.counts.decisions++;
    const fee = this.pm.pool.fee / 1e6;
    // pool fee flow (quote/s), EWMA over a day as in EngineCore.observeFees
    const feeQuote = this.scale.value(this.#pendingIn0 * fee, this.#pendingIn1 * fee, o.price);
    this.#pendingIn0 = 0;
    this.#pendingIn1 = 0;
    if (Number.isNaN(this.#feeFlowT)) this.#feeFlowT = o.t;
    const dt = Math.max(0, o.t - this.#feeFlowT);
    this.#feeFlow = this.#feeFlow * Math.exp(-dt / 86400) + feeQuote / 86400;
    this.#feeFlowT = o.t;
    if (o.inRange && o.state.liquidity > 0n) {
      let ours = 0n;
      for (const p of o.positions) {
        if (o.state.tick >= p.tickLower && o.state.tick < p.tickUpper) ours += p.liquidity;
      }
      const share = Number(ours) / Number(o.state.liquidity);
      if (share > 0 && Number.isFinite(share)) this.#lastShare = share;
    }
    const g = this.s.gas;
    const units = (g.burn + g.collect) * o.positions.length + 2 * g.mint + g.swap;
    let gwei = 0;
    try {
      const f = await this.client.fees();
      gwei = Number(f.baseFeePerGas + f.maxPriorityFeePerGas) / 1e9;
    } catch (e) {
      this.#log.warn("fee estimate failed; gas cost counted as 0", { error: describeError(e) });
    }
    const eth = units * gwei * 1e-9;
    const native = this.s.nativeToken;
    const gasCost = native === null
      ? eth * this.s.nativePriceQuote
      : native === this.s.baseToken
      ? eth * o.price
      : eth;
    const q = 100 * (o.ratio - this.strategy.params.targetRatio);
    const bound = (this.model as { params?: { maxPosition?: number } }).params?.maxPosition ??
      Infinity;
    return this.strategy.decide({
      t: o.t,
      baseRatio: o.ratio,
      valueQuote: o.value,
      hasPosition: o.main !== null,
      inRange: o.inRange,
      sigmaPerSqrtDay: this.vol.sigmaPerSqrtDay(),
      feeRatePerSec: o.value > 0 ? this.#feeFlow * this.#lastShare / o.value : 0,
      gasCostQuote: gasCost,
      swapCostRate: fee,
      atBound: Math.abs(q) >= bound,
    });
  }

  /** The plan of a rebalance decision (nothing sent). */
  buildPlan(o: Observation, d: StrategyDecision): Plan {
    const steps: PlanStep[] = [];
    for (const p of o.positions) {
      steps.push({ kind: "remove", tokenId: String(p.tokenId), status: "pending" });
    }
    if (d.swapRatioDelta !== 0) {
      steps.push({ kind: "swap", ratioDelta: d.swapRatioDelta, status: "pending" });
    }
    steps.push({ kind: "ranges", status: "pending" });
    steps.push({ kind: "mint", which: "main", status: "pending" });
    steps.push({ kind: "mint", which: "limit", status: "pending" });
    return {
      id: `${o.blockNumber}-${crypto.randomUUID().slice(0, 8)}`,
      trigger: d.trigger ?? "",
      createdAtMs: Date.now(),
      t: o.t,
      blockNumber: String(o.blockNumber),
      ratioBefore: o.ratio,
      benefit: d.benefit,
      cost: d.cost,
      status: "running",
      steps,
    };
  }

  /** The ranges the model gives for an observation. */
  computeRanges(o: Observation): NonNullable<Plan["ranges"]> {
    const sigma = this.vol.sigmaPerSqrtDay();
    const r = this.model.calculateRanges({
      tick: o.state.tick,
      tickSpacing: this.pm.pool.tickSpacing,
      baseRatio: o.ratio,
      targetRatio: this.strategy.params.targetRatio,
      sigmaPerSqrtDay: sigma,
      baseToken: this.s.baseToken,
    });
    return {
      tick: o.state.tick,
      baseRatio: o.ratio,
      sigmaPerSqrtDay: sigma,
      main: r.main,
      limit0: r.limit0,
      limit1: r.limit1,
      excessToken: r.excessToken,
    };
  }

  /** `--dry-run`: what a rebalance would do now (nothing is sent). */
  async dryRun(): Promise<Record<string, unknown>> {
    const o = await this.observe();
    this.vol.update(o.t, o.price);
    const d = await this.decide(o);
    const forced: StrategyDecision = d.action === "rebalance" ? d : {
      ...d,
      action: "rebalance",
      swapRatioDelta: -(o.ratio - this.strategy.params.targetRatio) *
        this.strategy.params.swapFraction,
    };
    const plan = this.buildPlan(o, forced);
    plan.ranges = this.computeRanges(o);
    return {
      decision: d,
      block: o.blockNumber,
      tick: o.state.tick,
      ratio: o.ratio,
      positions: o.positions.map((p) => ({
        tokenId: p.tokenId,
        tickLower: p.tickLower,
        tickUpper: p.tickUpper,
        liquidity: p.liquidity,
        amount0: p.amount0,
        amount1: p.amount1,
        fees0: p.fees0,
        fees1: p.fees1,
      })),
      wallet: o.wallet,
      plan: { ...plan, note: d.action === "rebalance" ? "would execute now" : "not triggered now" },
    };
  }

  // ------------------------------------------------------------ execution

  async #pause(step: number, phase: "signed" | "sent" | "done"): Promise<void> {
    const p = this.s.pauseAt;
    if (p && p.step === step && p.phase === phase) {
      this.#log.warn("test hook: paused", { step, phase });
      await new Promise(() => {});
    }
  }

  async #execute(plan: Plan): Promise<void> {
    for (let i = 0; i < plan.steps.length; i++) {
      const step = plan.steps[i];
      if (step.status === "done" || step.status === "skipped" || step.status === "failed") continue;
      if (step.kind === "ranges") {
        const o = await this.observe();
        plan.ranges = this.computeRanges(o);
        step.status = "done";
        await this.store.save();
        this.#log.info("ranges computed", { plan: plan.id, ...plan.ranges });
        continue;
      }
      const ok = await this.#runTxStep(plan, i);
      if (!ok && step.kind === "remove") {
        plan.status = "failed";
        break;
      }
    }
    if (plan.status === "running") {
      plan.status = plan.steps.some((s) => s.status === "failed") ? "failed" : "done";
    }
    const o = await this.observe();
    this.#lastBlock = o.blockNumber;
    const book = this.store.state.book;
    if (book) book.rebalances++;
    if (plan.decisionToFirstSendMs !== undefined) this.latenciesMs.push(plan.decisionToFirstSendMs);
    this.counts.rebalances++;
    this.strategy.onRebalanced(o.t, o.ratio, o.inRange);
    await this.store.save();
    const positions = o.positions.map((p) => ({
      tokenId: p.tokenId,
      tickLower: p.tickLower,
      tickUpper: p.tickUpper,
      liquidity: p.liquidity,
    }));
    this.#log.info("rebalance finished", {
      plan: plan.id,
      status: plan.status,
      steps: plan.steps.map((s) => `${s.kind}:${s.status}`).join(" "),
      positions,
      ratio: round(o.ratio),
      decisionToFirstSendMs: plan.decisionToFirstSendMs,
      ...this.bookSummary(o),
    });
    await this.store.finish();
  }

  /** Fees, gas, swap cost and PnL vs HODL so far (quote units), like the backtest summary. */
  bookSummary(o: Observation): Record<string, number> {
    const b = this.store.state.book;
    if (!b) return {};
    const sc = this.scale;
    const fees = sc.value(
      sc.human(0, BigInt(b.feesCollected[0])),
      sc.human(1, BigInt(b.feesCollected[1])),
      o.price,
    );
    const value = sc.value(sc.human(0, o.exposure[0]), sc.human(1, o.exposure[1]), o.price);
    const hodl = sc.value(
      sc.human(0, BigInt(b.initial[0])),
      sc.human(1, BigInt(b.initial[1])),
      o.price,
    );
    const native = this.s.nativeToken;
    const gasEth = Number(BigInt(b.gasWei)) / 1e18;
    const gas = native === null
      ? gasEth * this.s.nativePriceQuote
      : native === this.s.baseToken
      ? gasEth * o.price
      : gasEth;
    return {
      valueQuote: round(value),
      hodlQuote: round(hodl),
      pnlVsHodl: round(value - hodl - gas),
      feesCollectedQuote: round(fees),
      gasQuote: round(gas),
      swapCostQuote: round(b.swapCostQuote),
      rebalances: b.rebalances,
    };
  }

  /** Runs one transaction step; false when it failed (reverted). */
  async #runTxStep(plan: Plan, i: number): Promise<boolean> {
    const step = plan.steps[i];
    let attempts = 0;
    for (;;) {
      try {
        let receipt: TxReceipt | null = null;
        let call: TxCall | null = null;
        if (step.status === "signed" && step.tx) {
          receipt = await this.#recoverSigned(step);
        }
        if (!receipt) {
          call = await this.#buildStep(plan, step);
          if (!call) {
            step.status = "skipped";
            await this.store.save();
            continue_(this.#log, plan, step);
            return true;
          }
          const signed = await this.client.prepare(call);
          step.tx = { hash: signed.hash, raw: signed.raw, nonce: signed.nonce };
          step.status = "signed";
          await this.store.save();
          await this.#pause(i, "signed");
          await this.client.broadcast(signed);
          this.counts.txs++;
          if (plan.decisionToFirstSendMs === undefined && this.#decisionAt > 0) {
            plan.decisionToFirstSendMs = Math.round((performance.now() - this.#decisionAt) * 100) /
              100;
          }
          await this.#pause(i, "sent");
          receipt = await this.client.waitForReceipt(signed.hash, { call });
        }
        await this.#onReceipt(plan, step, receipt);
        step.status = "done";
        const o = await this.observe(receipt.blockNumber);
        await this.store.save();
        const reason = step.kind === "remove"
          ? InventoryReason.BURN
          : step.kind === "swap"
          ? InventoryReason.REBALANCE_SWAP
          : InventoryReason.MINT;
        await this.#publish(o, reason, {
          txHash: receipt.hash,
          positionId: step.result?.tokenId ? BigInt(step.result.tokenId as string) : undefined,
          force: true,
        });
        await this.#pause(i, "done");
        return true;
      } catch (e) {
        if (!(e instanceof ChainRevertError)) throw e;
        this.counts.reverts++;
        const retry = attempts < MAX_STEP_RETRIES && step.kind === "mint" &&
          /slippage/i.test(e.reason);
        this.#log.error(`step ${step.kind}${"which" in step ? ` ${step.which}` : ""} reverted`, {
          plan: plan.id,
          error: e.message,
          action: retry
            ? "rebuilding it with fresh amounts"
            : step.kind === "swap"
            ? "continuing without the swap"
            : step.kind === "remove"
            ? "stopping the plan (positions stay as they are)"
            : "continuing",
        });
        if (e.txHash) this.client.resyncNonce();
        step.tx = undefined;
        step.error = e.message;
        if (retry) {
          attempts++;
          step.status = "pending";
          continue;
        }
        step.status = step.kind === "swap" ? "skipped" : "failed";
        await this.store.save();
        return step.kind === "swap";
      }
    }
  }

  /** A signed step from a previous process: find it on chain, re-broadcast it, or rebuild it. */
  async #recoverSigned(step: PlanStep): Promise<TxReceipt | null> {
    const tx = step.tx!;
    const hash = tx.hash as Hex;
    const mined = await this.client.receipt(hash);
    if (mined) {
      this.#log.info("recovered: transaction had landed", { step: step.kind, hash });
      if (mined.status === "reverted") throw new ChainRevertError(step.kind, "", { txHash: hash });
      return mined;
    }
    if (!(await this.client.transactionKnown(hash))) {
      const used = await this.client.public.getTransactionCount({
        address: this.client.address,
        blockTag: "latest",
      });
      if (used > tx.nonce) {
        // its nonce went to another transaction: this one can never land
        this.#log.warn("recovered: signed transaction was superseded; rebuilding the step", {
          step: step.kind,
          hash,
          nonce: tx.nonce,
        });
        step.status = "pending";
        step.tx = undefined;
        await this.store.save();
        return null;
      }
      this.#log.info("recovered: re-broadcasting the signed transaction", {
        step: step.kind,
        hash,
      });
      await this.client.broadcast({ hash, raw: tx.raw as Hex, label: step.kind });
      this.client.resyncNonce();
    } else {
      this.#log.info("recovered: transaction is pending; waiting", { step: step.kind, hash });
    }
    return await this.client.waitForReceipt(hash);
  }

  /** Builds a step's transaction from the current chain state (null: nothing to do). */
  async #buildStep(plan: Plan, step: PlanStep): Promise<TxCall | null> {
    const pm = this.pm;
    const pool = pm.pool;
    if (step.kind === "remove") {
      const id = BigInt(step.tokenId);
      const owner = await this.client.read<Address>(
        pm.chain.positionManager,
        POSITION_MANAGER_ABI,
        "ownerOf",
        [id],
      ).catch(() => null);
      if (owner === null || owner.toLowerCase() !== this.client.address.toLowerCase()) {
        step.result = { alreadyGone: true };
        return null;
      }
      return (await pm.buildRemove(id)).call;
    }
    if (step.kind === "swap") {
      const o = await this.observe();
      const notional = Math.abs(step.ratioDelta) * o.value;
      if (notional <= 0 || notional < this.s.minSwapFraction * o.value) return null;
      const base = this.s.baseToken;
      const inToken: 0 | 1 = step.ratioDelta < 0 ? base : (1 - base) as 0 | 1;
      const unit = inToken === 0 ? this.scale.unit0 : this.scale.unit1;
      const human = inToken === base ? notional / o.price : notional;
      let amountIn = BigInt(Math.floor(human * unit));
      if (amountIn > o.wallet[inToken]) amountIn = o.wallet[inToken];
      if (amountIn <= 0n) return null;
      const token = inToken === 0 ? pool.token0.address : pool.token1.address;
      await this.client.ensureAllowance(token, pm.chain.swapRouter, amountIn);
      const b = await pm.buildSwap(inToken === 0, amountIn);
      step.result = { quote: String(b.expected.quote), minOut: String(b.expected.minOut) };
      return b.call;
    }
    if (step.kind === "mint") {
      const r = plan.ranges;
      if (!r) throw new Error(`plan ${plan.id}: mint before the ranges were computed`);
      const o = await this.observe();
      let range = r.main;
      let a0 = o.wallet[0];
      let a1 = o.wallet[1];
      if (step.which === "limit") {
        const left0 = this.scale.value(this.scale.human(0, a0), 0, o.price);
        const left1 = this.scale.value(0, this.scale.human(1, a1), o.price);
        if (left0 > 1e-3 * o.value && r.limit0) {
          range = r.limit0;
          a1 = 0n;
        } else if (left1 > 1e-3 * o.value && r.limit1) {
          range = r.limit1;
          a0 = 0n;
        } else return null;
      }
      if (a0 === 0n && a1 === 0n) return null;
      await pm.approveFor(pm.chain.positionManager, a0, a1);
      try {
        const b = await pm.buildMint({
          tickLower: range.tickLower,
          tickUpper: range.tickUpper,
          amount0Desired: a0,
          amount1Desired: a1,
          state: o.state,
        });
        return b.call;
      } catch (e) {
        if (/fund no liquidity/.test(String((e as Error).message))) return null;
        throw e;
      }
    }
    return null;
  }

  async #onReceipt(_plan: Plan, step: PlanStep, receipt: TxReceipt): Promise<void> {
    const book = this.store.state.book;
    if (book) {
      book.gasWei = String(BigInt(book.gasWei) + receipt.gasUsed * receipt.effectiveGasPrice);
    }
    if (step.kind === "remove") {
      const r = this.pm.parseRemove(BigInt(step.tokenId), receipt);
      step.result = {
        tokenId: String(r.tokenId),
        amount0: String(r.amount0),
        amount1: String(r.amount1),
        collected0: String(r.collected0),
        collected1: String(r.collected1),
        burned: r.burned,
      };
      if (book) {
        book.feesCollected = [
          String(BigInt(book.feesCollected[0]) + r.collected0 - r.amount0),
          String(BigInt(book.feesCollected[1]) + r.collected1 - r.amount1),
        ];
      }
    } else if (step.kind === "swap") {
      const r = this.pm.parseSwap(receipt);
      const sc = this.scale;
      const price = sc.sqrtX96ToPrice(
        (await this.pm.poolState(receipt.blockNumber - 1n)).sqrtPriceX96,
      );
      const paid = r.zeroForOne
        ? sc.value(sc.human(0, r.amountIn), 0, price)
        : sc.value(0, sc.human(1, r.amountIn), price);
      const got = r.zeroForOne
        ? sc.value(0, sc.human(1, r.amountOut), price)
        : sc.value(sc.human(0, r.amountOut), 0, price);
      step.result = {
        ...step.result,
        amountIn: String(r.amountIn),
        amountOut: String(r.amountOut),
        zeroForOne: r.zeroForOne,
      };
      if (book) {
        book.swapCostQuote += paid - got;
        book.swaps++;
      }
    } else if (step.kind === "mint") {
      const r = this.pm.parseMint(receipt);
      step.result = {
        tokenId: String(r.tokenId),
        liquidity: String(r.liquidity),
        amount0: String(r.amount0),
        amount1: String(r.amount1),
      };
      const pos = await this.pm.position(r.tokenId, receipt.blockNumber);
      step.result.tickLower = pos.tickLower;
      step.result.tickUpper = pos.tickUpper;
    }
  }
}

function continue_(log: Logger, plan: Plan, step: PlanStep): void {
  log.info("step skipped (nothing to do)", {
    plan: plan.id,
    step: step.kind + ("which" in step ? ` ${step.which}` : ""),
  });
}

function round(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(8)) : x;
}
