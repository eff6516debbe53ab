/**
 * Swap-level fee accrual vs the real contracts: a multi-range strategy run
 * (main + single-sided limit range, rebalanced several times) on the
 * synthetic market records every call it makes on the exact pool (its own
 * mints, burns, collects and rebalance swaps, and everyone else's swaps,
 * arbitrages, mints and burns); the same sequence is replayed on a real
 * Uniswap V3 pool deployed on anvil. Every collect the engine booked must
 * equal the chain's `Collect` event to the unit, every swap and burn too, and
 * the fee growth at the end must be identical.
 */
import { driveSynthetic } from "../support/drive.ts";
import { equal, ok } from "node:assert/strict";
import type { Address } from "viem";
import { loadCore, type WasmPool } from "../../core-wasm/mod.ts";
import { defaultRunOptions, runParams } from "../../services/defi/backtest/run.ts";
import { SwapLevelEngine } from "../../services/defi/backtest/swap_engine.ts";
import { createSyntheticPool } from "../../services/defi/backtest/synthetic.ts";
import { deployUniswapV3, startAnvil } from "../support/anvil.ts";

type Op =
  | { op: "mint"; owner: string; l: number; u: number; L: bigint; r: [bigint, bigint] }
  | { op: "burn"; owner: string; l: number; u: number; L: bigint; r: [bigint, bigint] }
  | {
    op: "collect";
    owner: string;
    l: number;
    u: number;
    a0: bigint;
    a1: bigint;
    r: [bigint, bigint];
  }
  | { op: "swap"; z: boolean; amount: bigint; limit: bigint; r: [bigint, bigint] };

/** A view of the pool that logs every state-changing call with its result. */
function recording(pool: WasmPool, log: Op[]): WasmPool {
  return new Proxy(pool, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target);
      if (typeof v !== "function") return v;
      const f = v.bind(target);
      switch (prop) {
        case "mint":
          return (owner: string, l: number, u: number, L: bigint) => {
            const r = f(owner, l, u, L);
            log.push({ op: "mint", owner, l, u, L, r: [r.amount0, r.amount1] });
            return r;
          };
        case "burn":
          return (owner: string, l: number, u: number, L: bigint) => {
            const r = f(owner, l, u, L);
            log.push({ op: "burn", owner, l, u, L, r: [r.amount0, r.amount1] });
            return r;
          };
        case "collect":
          return (owner: string, l: number, u: number, a0: bigint, a1: bigint) => {
            const r = f(owner, l, u, a0, a1);
            log.push({ op: "collect", owner, l, u, a0, a1, r: [r.amount0, r.amount1] });
            return r;
          };
        case "swap":
          return (z: boolean, amount: bigint, limit: bigint) => {
            const r = f(z, amount, limit);
            log.push({ op: "swap", z, amount, limit, r: [r.amount0, r.amount1] });
            return r;
          };
        default:
          return f;
      }
    },
  });
}

Deno.test({
  name:
    "anvil: a multi-range strategy's fees equal the real contracts' (every collect, to the unit)",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const core = await loadCore();
    const o = defaultRunOptions();
    o.synthetic = {
      ...o.synthetic,
      seed: 11,
      days: 0.08,
      noisePerSec: 0.05,
      activeLpEveryHours: 0.5,
    };
    o.strategy = {
      ...o.strategy,
      threshold: 0.04,
      minIntervalSec: 300,
      minBenefitToCost: 0,
      swapFraction: 0.5,
    };
    o.model.widthScale = 0.6;
    const raw = createSyntheticPool(core, o.synthetic);
    const setup = raw.snapshot();
    const log: Op[] = [];
    const pool = recording(raw, log);
    let engine: SwapLevelEngine;
    let fg: [bigint, bigint] = [0n, 0n];
    try {
      // event by event: the recording proxy sees every pool call (the
      // replay kernel's path is held to this one by swap_engine_test.ts)
      engine = new SwapLevelEngine(core, pool, runParams(core, o), { kernel: false });
      driveSynthetic(engine, o);
      engine.finish();
      fg = [raw.feeGrowthGlobal0X128(), raw.feeGrowthGlobal1X128()];
    } finally {
      raw.free();
    }
    const collects = log.filter((x) => x.op === "collect");
    ok(engine.rebalances.length >= 3, `rebalances ${engine.rebalances.length}`);
    ok(collects.length >= 4, `collects ${collects.length}`);
    const limitRanges = engine.rebalances.filter((r) => r.limitLower !== null).length;
    ok(limitRanges >= 2, "multi-range: limit ranges were placed");

    const anvil = await startAnvil();
    try {
      const uni = await deployUniswapV3(anvil, { callers: 3 });
      const chain = await uni.createPool(setup.fee, setup.sqrtPriceX96);
      const [us, others, trader] = uni.callers as [Address, Address, Address];
      const who = (owner: string) => (owner.startsWith("us-") ? us : others);
      // the synthetic pool's background positions
      for (const p of setup.positions) {
        await chain.mintPosition({
          tickLower: p.tickLower,
          tickUpper: p.tickUpper,
          liquidity: p.liquidity,
          owner: others,
          payer: others,
        });
      }
      let i = 0;
      let feeSum0 = 0n;
      let feeSum1 = 0n;
      for (const x of log) {
        i++;
        const where = `op ${i} ${x.op}`;
        if (x.op === "mint") {
          const r = await chain.mintPosition({
            tickLower: x.l,
            tickUpper: x.u,
            liquidity: x.L,
            owner: who(x.owner),
            payer: who(x.owner),
          });
          equal(r.amount0, x.r[0], where);
          equal(r.amount1, x.r[1], where);
        } else if (x.op === "burn") {
          const r = await chain.burn(who(x.owner), x.l, x.u, x.L);
          equal(r.amount0, x.r[0], where);
          equal(r.amount1, x.r[1], where);
        } else if (x.op === "collect") {
          const r = await chain.collect(who(x.owner), x.l, x.u, x.a0, x.a1);
          equal(r.amount0, x.r[0], `${where}: token0 collected`);
          equal(r.amount1, x.r[1], `${where}: token1 collected`);
          feeSum0 += r.amount0;
          feeSum1 += r.amount1;
        } else {
          const r = await chain.swap(x.z, x.amount, x.limit, trader);
          equal(r.amount0, x.r[0], where);
          equal(r.amount1, x.r[1], where);
        }
      }
      // our collects = principal burned + fees: the engine's fee ledger matches the chain
      equal(feeSum0 - engine.burned[0], engine.feesCollected[0]);
      equal(feeSum1 - engine.burned[1], engine.feesCollected[1]);
      ok(engine.feesCollected[0] > 0n && engine.feesCollected[1] > 0n);
      const st = await chain.readPoolState();
      const end = log.length;
      ok(end > 300, `${end} operations replayed`);
      equal(st.feeGrowthGlobal0X128, fg[0]);
      equal(st.feeGrowthGlobal1X128, fg[1]);
      ok(fg[0] > 0n && fg[1] > 0n);
      console.log(
        `  ${end} pool calls replayed on anvil; ${collects.length} collects, ` +
          `${engine.rebalances.length} rebalances; fees ${engine.feesCollected[0]} / ${
            engine.feesCollected[1]
          }`,
      );
    } finally {
      await anvil.stop();
    }
  },
});
