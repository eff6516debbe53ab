/**
 * The LP rebalancer process (`deno task lp` starts it via
 * config/launch_lp.ini): runs the asymmetric LP strategy live against a
 * chain and publishes InventoryDelta messages on `inventory_deltas`.
 *
 * ```sh
 * LP_WALLET_PRIVATE_KEY=0x... ALP_LP_POOL=0x... \
 *   deno run -A services/lp_rebalancer/main.ts --config config/lp_rebalancer.ini [--dry-run]
 * ```
 *
 * `--dry-run` prints the plan a rebalance would execute now (JSON) and exits
 * without sending anything. The test-only hook `ALP_LP_TEST_PAUSE_AT=<step>:<phase>`
 * (phase signed | sent | done) makes the process hang after that plan step,
 * so a test can kill it between two transactions deterministically.
 * @module
 */
import { type Address, isAddress } from "viem";
import { runService, toJson } from "../common/app.ts";
import { bool, int, num, oneOf, secret, section, str } from "../common/config/schema.ts";
import { loadCore } from "../../core-wasm/mod.ts";
import { loadChainTable, resolveChain, type RouterKind } from "../defi/chain/chains.ts";
import { ChainClient } from "../defi/chain/client.ts";
import { PositionManager } from "../defi/positions/manager.ts";
import { AsymmetricLpStrategy } from "../defi/strategy.ts";
import { buildModel, DEFAULT_MODEL } from "../defi/backtest/run.ts";
import { DEFAULT_GAS } from "../defi/backtest/types.ts";
import { InventoryPublisher } from "../defi/inventory/publisher.ts";
import { LiveRebalancer } from "../defi/rebalancer/rebalancer.ts";
import { PlanStore } from "../defi/rebalancer/plan.ts";

const optAddr = () => str({ default: "", pattern: /^(0x[0-9a-fA-F]{40})?$/ });

/** The rebalancer's own config sections. */
export const LP_SCHEMA = {
  chain: section({
    /** ethereum | arbitrum | optimism | polygon | base | local (config/uniswap_chains.ini). */
    name: str({ default: "local" }),
    rpc_url: str({ default: "http://127.0.0.1:8545" }),
    private_key: secret(),
    chain_id: int({ optional: true, min: 1 }),
    factory: optAddr(),
    position_manager: optAddr(),
    swap_router: optAddr(),
    router_kind: oneOf(["swap_router", "swap_router02", ""] as const, { default: "" }),
    quoter_v2: optAddr(),
    max_fee_gwei: num({ default: 500, min: 0 }),
    priority_fee_gwei: num({ optional: true, min: 0 }),
    request_timeout_ms: int({ default: 10_000, min: 100 }),
    receipt_timeout_ms: int({ default: 120_000, min: 100 }),
    retries: int({ default: 5, min: 0 }),
    retry_base_ms: int({ default: 200, min: 1 }),
    poll_ms: int({ default: 1000, min: 10 }),
  }),
  pool: section({
    address: str({ pattern: /^0x[0-9a-fA-F]{40}$/ }),
    /** The priced token (0 or 1). */
    base_token: int({ default: 1, min: 0, max: 1 }),
    /** The gas token if it is one of the pool's tokens: 0, 1 or none. */
    native_token: oneOf(["0", "1", "none"] as const, { default: "none" }),
    /** Gas token price in quote units when it is not a pool token. */
    native_price_quote: num({ default: 0, min: 0 }),
  }),
  strategy: section({
    target_ratio: num({ default: 0.5, min: 0, max: 1 }),
    threshold: num({ default: 0.15, min: 0, max: 1 }),
    rearm: num({ default: 0.5, min: 0, max: 1 }),
    min_interval_s: num({ default: 3600, min: 0 }),
    benefit_horizon_s: num({ default: 86400, min: 0 }),
    min_benefit_to_cost: num({ default: 1, min: 0 }),
    swap_fraction: num({ default: 0.5, min: 0, max: 1 }),
    layout_reversion: num({ default: 0.5, min: 0, max: 1 }),
    risk_weight: num({ default: 1, min: 0 }),
    rebalance_on_exit: bool({ default: true }),
  }),
  model: section({
    name: oneOf(["as", "glft"] as const, { default: "as" }),
    gamma: num({ default: DEFAULT_MODEL.gamma }),
    k: num({ default: DEFAULT_MODEL.k }),
    horizon_days: num({ default: DEFAULT_MODEL.horizonDays }),
    inventory_penalty: num({ default: DEFAULT_MODEL.inventoryPenalty }),
    terminal_penalty: num({ optional: true }),
    A: num({ default: DEFAULT_MODEL.A }),
    execution_cost_ticks: num({ default: DEFAULT_MODEL.executionCostTicks }),
    max_position: num({ default: DEFAULT_MODEL.maxPosition }),
    width_scale: num({ default: DEFAULT_MODEL.widthScale }),
    min_width_ticks: num({ default: DEFAULT_MODEL.minWidthTicks }),
    max_width_ticks: num({ default: DEFAULT_MODEL.maxWidthTicks }),
  }),
  volatility: section({
    sample_s: num({ default: 60, min: 0.001 }),
    window: int({ default: 1440, min: 2 }),
    min_samples: int({ default: 30, min: 1 }),
    fallback_per_sqrt_day: num({ default: 0.03, min: 0 }),
  }),
  execution: section({
    slippage_bps: int({ default: 50, min: 0, max: 9999 }),
    deadline_s: int({ default: 600, min: 1 }),
    min_swap_fraction: num({ default: 0.001, min: 0 }),
    state_file: str({ default: "out/lp/lp_state.json" }),
    gas_mint: int({ default: DEFAULT_GAS.mint }),
    gas_burn: int({ default: DEFAULT_GAS.burn }),
    gas_collect: int({ default: DEFAULT_GAS.collect }),
    gas_swap: int({ default: DEFAULT_GAS.swap }),
  }),
  inventory: section({
    /** Wait after binding before the first publish (subscribers connect). */
    warmup_ms: int({ default: 500, min: 0 }),
  }),
};

function pauseHook(): { step: number; phase: "signed" | "sent" | "done" } | null {
  const v = Deno.env.get("ALP_LP_TEST_PAUSE_AT");
  if (!v) return null;
  const m = /^(\d+):(signed|sent|done)$/.exec(v);
  if (!m) throw new Error(`ALP_LP_TEST_PAUSE_AT '${v}' must be <step>:<signed|sent|done>`);
  return { step: Number(m[1]), phase: m[2] as "signed" | "sent" | "done" };
}

if (import.meta.main) {
  const dryRun = Deno.args.includes("--dry-run");
  let reb: LiveRebalancer | null = null;
  await runService({
    name: "lp_rebalancer",
    schema: LP_SCHEMA,
    async start(ctx) {
      const c = ctx.config;
      const log = ctx.logger;
      const table = await loadChainTable();
      const chain = resolveChain(table, c.chain.name, {
        chain_id: c.chain.chain_id,
        factory: c.chain.factory,
        position_manager: c.chain.position_manager,
        swap_router: c.chain.swap_router,
        quoter_v2: c.chain.quoter_v2,
        router_kind: (c.chain.router_kind || undefined) as RouterKind | undefined,
      });
      const client = new ChainClient({
        rpcUrl: c.chain.rpc_url,
        chain,
        privateKey: c.chain.private_key,
        maxFeeGwei: c.chain.max_fee_gwei,
        priorityFeeGwei: c.chain.priority_fee_gwei,
        requestTimeoutMs: c.chain.request_timeout_ms,
        receiptTimeoutMs: c.chain.receipt_timeout_ms,
        pollMs: Math.min(250, c.chain.poll_ms),
        retry: { retries: c.chain.retries, baseMs: c.chain.retry_base_ms },
        logger: log,
      });
      if (!isAddress(c.pool.address)) throw new Error(`[pool] address '${c.pool.address}'`);
      const core = await loadCore();
      const pm = await PositionManager.open(client, chain, c.pool.address as Address, core, {
        slippageBps: c.execution.slippage_bps,
        deadlineSec: c.execution.deadline_s,
      });
      const m = c.model;
      const model = buildModel(core, {
        model: m.name as "as" | "glft",
        gamma: m.gamma,
        k: m.k,
        horizonDays: m.horizon_days,
        inventoryPenalty: m.inventory_penalty,
        terminalPenalty: m.terminal_penalty ?? NaN,
        A: m.A,
        executionCostTicks: m.execution_cost_ticks,
        maxPosition: m.max_position,
        widthScale: m.width_scale,
        minWidthTicks: m.min_width_ticks,
        maxWidthTicks: m.max_width_ticks,
      });
      const s = c.strategy;
      const strategy = new AsymmetricLpStrategy({
        targetRatio: s.target_ratio,
        threshold: s.threshold,
        rearm: s.rearm,
        minIntervalSec: s.min_interval_s,
        benefitHorizonSec: s.benefit_horizon_s,
        minBenefitToCost: s.min_benefit_to_cost,
        swapFraction: s.swap_fraction,
        layoutReversion: s.layout_reversion,
        riskWeight: s.risk_weight,
        rebalanceOnExit: s.rebalance_on_exit,
      });
      const store = await PlanStore.open(c.execution.state_file);
      const baseToken = c.pool.base_token as 0 | 1;
      const p = pm.pool;
      const inventory = new InventoryPublisher(dryRun ? null : ctx.publisher("inventory_deltas"), {
        chain: chain.name,
        chainId: chain.id,
        pool: p.address,
        fee: p.fee,
        token0: p.token0.address,
        token1: p.token1.address,
        symbol0: p.token0.symbol,
        symbol1: p.token1.symbol,
        decimals0: p.token0.decimals,
        decimals1: p.token1.decimals,
        quoteToken: (1 - baseToken) as 0 | 1,
      });
      reb = new LiveRebalancer({
        client,
        pm,
        model,
        strategy,
        store,
        inventory,
        logger: log,
        settings: {
          baseToken,
          nativeToken: c.pool.native_token === "none" ? null : Number(c.pool.native_token) as 0 | 1,
          nativePriceQuote: c.pool.native_price_quote,
          minSwapFraction: c.execution.min_swap_fraction,
          gas: {
            mint: c.execution.gas_mint,
            burn: c.execution.gas_burn,
            collect: c.execution.gas_collect,
            swap: c.execution.gas_swap,
            gwei: 0,
          },
          volatility: {
            sampleSec: c.volatility.sample_s,
            window: c.volatility.window,
            minSamples: c.volatility.min_samples,
            fallbackPerSqrtDay: c.volatility.fallback_per_sqrt_day,
          },
          pauseAt: pauseHook(),
        },
      });
      log.info("lp rebalancer", {
        chain: chain.name,
        chainId: chain.id,
        pool: p.address,
        pair: `${p.token0.symbol}/${p.token1.symbol}`,
        fee: p.fee,
        wallet: client.address,
        model: model.name,
        dryRun,
      });
      if (dryRun) {
        console.log(toJson(await reb.dryRun()));
        ctx.requestStop("dry run");
        return;
      }
      if (c.inventory.warmup_ms > 0) await new Promise((r) => setTimeout(r, c.inventory.warmup_ms));
      await reb.init();
      const r = reb;
      ctx.every(c.chain.poll_ms, () => r.onBlock());
    },
  });
}
