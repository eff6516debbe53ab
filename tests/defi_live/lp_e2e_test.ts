/**
 * `services/lp_rebalancer/main.ts` (what `deno task lp` launches) as a
 * separate process against anvil with a test key:
 *
 * - e2e: the first placement, then swaps push the inventory off target and a
 *   rebalance happens; every range the process minted is what the model
 *   computes for the logged inputs; the positions' exact values equal what
 *   decrease + collect return; a ZeroMQ subscriber gets the InventoryDelta
 *   messages in order (sequences 1..n) and their sum is our exact exposure.
 * - crash safety: kill -9 after a confirmed step, and again after a signed but
 *   unsent transaction; each restart reconciles with the chain and finishes
 *   the plan; the signed transaction is re-broadcast (same hash), nothing is
 *   sent twice and no position is duplicated or orphaned.
 * - --dry-run prints the plan and sends nothing.
 */
import assert from "node:assert/strict";
import { parseUnits } from "viem";
import { loadCore } from "../../core-wasm/mod.ts";
import { openZmqTransport } from "../../services/common/bus/zmq_ffi.ts";
import { HandlerRegistry } from "../../services/common/bus/registry.ts";
import { Subscriber } from "../../services/common/bus/subscriber.ts";
import { buildModel, DEFAULT_MODEL } from "../../services/defi/backtest/run.ts";
import { PositionManager } from "../../services/defi/positions/manager.ts";
import { ERC20_ABI } from "../../services/defi/chain/abis.ts";
import { InventoryReason } from "../../proto/types.ts";
import type { LpState } from "../../services/defi/rebalancer/plan.ts";
import { freePort } from "../support/anvil.ts";
import { startFixture } from "./fixture.ts";
import { count, type LogRec, LpProcess, writeLpConfig } from "./lp_process.ts";

type Delta = {
  header: { sequence: bigint };
  amount0: string;
  amount1: string;
  reason: number;
  positionId: bigint;
};

Deno.test("lp e2e: rebalance on inventory drift, model ranges, exact values, ordered InventoryDeltas", async () => {
  const fx = await startFixture({ tiers: [[3000, 60]] });
  const dir = await Deno.makeTempDir({ prefix: "alp_lp_e2e_" });
  const transport = openZmqTransport();
  const zmqPort = freePort();
  const got: Delta[] = [];
  const registry = new HandlerRegistry();
  registry.onType("inventory_deltas", "InventoryDelta", (m) => {
    got.push(m as unknown as Delta);
  });
  const sub = new Subscriber(transport, {
    registry,
    endpoints: { inventory_deltas: `tcp://127.0.0.1:${zmqPort}` },
  });
  sub.subscribe("inventory_deltas");
  const subRun = sub.run();
  let lp: LpProcess | null = null;
  try {
    const pool = fx.pools.get(3000)!;
    const cfg = await writeLpConfig(dir, fx, pool.address, { zmqPort });
    lp = new LpProcess(cfg, `${dir}/lp.jsonl`, { LP_WALLET_PRIVATE_KEY: fx.lpKey });
    await lp.waitFor("initial placement", (r) => count(r, "rebalance finished") >= 1);
    // others trade: first noise, then a run that pushes the price far up
    await fx.trade(pool, 10, { seed: 3, sizeMax: 0.05 });
    const core = await loadCore();
    await pool.swap(false, 10n ** 30n, core.math.getSqrtRatioAtTick(2400));
    const recs = await lp.waitFor(
      "a triggered rebalance",
      (r) => count(r, "rebalance finished") >= 2,
    );
    const status = await lp.stop();
    assert.equal(status.code, 0, lp.output.slice(-3000));
    lp = null;
    await new Promise((r) => setTimeout(r, 300));

    const finished = recs.filter((r) => r.msg === "rebalance finished");
    assert.ok(finished.every((r) => r.status === "done"), JSON.stringify(finished));
    const triggers = recs.filter((r) => r.msg === "rebalance").map((r) => r.trigger);
    assert.equal(triggers[0], "initial");
    assert.ok(
      ["out-of-range", "deviation", "drift"].includes(triggers[1] as string),
      String(triggers),
    );
    // the ranges are the model's for the logged state
    const model = buildModel(core, DEFAULT_MODEL);
    const ranges = recs.filter((r) => r.msg === "ranges computed");
    assert.ok(ranges.length >= 2);
    for (const r of ranges) {
      const plan = model.calculateRanges({
        tick: r.tick as number,
        tickSpacing: 60,
        baseRatio: r.baseRatio as number,
        targetRatio: 0.5,
        sigmaPerSqrtDay: r.sigmaPerSqrtDay as number,
        baseToken: 1,
      });
      assert.deepEqual([r.main, r.limit0, r.limit1], [plan.main, plan.limit0, plan.limit1]);
    }
    // the positions on chain are exactly the last plan's ranges
    const last = ranges.at(-1)! as LogRec & {
      main: { tickLower: number; tickUpper: number };
      limit0: { tickLower: number; tickUpper: number } | null;
      limit1: { tickLower: number; tickUpper: number } | null;
    };
    const client = fx.client();
    const pm = await PositionManager.open(client, fx.chain, pool.address, core);
    const positions = await pm.listPositions({ includeEmpty: true });
    const want = [last.main, last.limit0, last.limit1].filter((x) => x).map((x) =>
      `${x!.tickLower}:${x!.tickUpper}`
    );
    assert.ok(positions.length >= 1 && positions.length <= 2, `${positions.length} positions`);
    assert.equal(positions[0].tickLower, last.main.tickLower);
    assert.equal(positions[0].tickUpper, last.main.tickUpper);
    for (const p of positions) assert.ok(want.includes(`${p.tickLower}:${p.tickUpper}`));
    // exact values == what decrease + collect pay; exposure == sum of the published deltas
    const state = await pm.poolState();
    const values = await pm.valueAll(positions, state);
    const exposure = [await client.balanceOf(fx.uni.token0), await client.balanceOf(fx.uni.token1)];
    for (const v of values) {
      exposure[0] += v.amount0 + v.fees0;
      exposure[1] += v.amount1 + v.fees1;
    }
    // ZeroMQ: in order, no gaps, sums to the exposure
    assert.ok(got.length >= 5, `${got.length} deltas`);
    got.forEach((m, i) => assert.equal(m.header.sequence, BigInt(i + 1)));
    assert.equal(got[0].reason, InventoryReason.RECONCILIATION);
    const reasons = new Set(got.map((m) => m.reason));
    for (const r of [InventoryReason.MINT, InventoryReason.BURN]) assert.ok(reasons.has(r));
    const sum = [0n, 0n];
    for (const m of got) {
      sum[0] += parseUnits(m.amount0, 18);
      sum[1] += parseUnits(m.amount1, 18);
    }
    assert.deepEqual(sum, exposure, "sum of InventoryDeltas == wallet + positions + fees");
    for (const v of values) {
      const r = await pm.removeLiquidity(v.tokenId);
      assert.deepEqual([r.amount0, r.amount1], [v.amount0, v.amount1]);
      assert.deepEqual([r.collected0, r.collected1], [v.amount0 + v.fees0, v.amount1 + v.fees1]);
    }
  } finally {
    if (lp) await lp.stop();
    await sub.close();
    await subRun;
    await transport.close();
    await fx.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("lp crash safety: kill -9 between transactions, restart reconciles, nothing sent twice", async () => {
  const fx = await startFixture({ tiers: [[500, 10]] });
  const dir = await Deno.makeTempDir({ prefix: "alp_lp_crash_" });
  let lp: LpProcess | null = null;
  try {
    const pool = fx.pools.get(500)!;
    const cfg = await writeLpConfig(dir, fx, pool.address, { zmqPort: freePort() });
    const env = { LP_WALLET_PRIVATE_KEY: fx.lpKey };
    // an unbalanced wallet (1000 / 400): the first plan swaps toward the target
    await fx.client().send({
      address: fx.uni.token1,
      abi: ERC20_ABI,
      functionName: "transfer",
      args: [fx.uni.callers[0], 600n * 10n ** 18n],
    });
    const readState = async () =>
      JSON.parse(await Deno.readTextFile(`${dir}/state.json`)) as LpState;
    // dry run: prints the plan, sends nothing
    const nonce0 = await fx.anvil.publicClient.getTransactionCount({ address: fx.lpAddress });
    const dry = new LpProcess(cfg, `${dir}/lp.jsonl`, env, ["--dry-run"]);
    const ds = await dry.exited();
    assert.equal(ds.code, 0, dry.output.slice(-2000));
    assert.match(dry.output, /"plan":/);
    assert.match(dry.output, /"kind": ?"mint"/);
    assert.equal(
      await fx.anvil.publicClient.getTransactionCount({ address: fx.lpAddress }),
      nonce0,
    );
    // 1) initial plan = [swap, ranges, mint main, mint limit]: die after the swap is confirmed
    lp = new LpProcess(cfg, `${dir}/lp.jsonl`, { ...env, ALP_LP_TEST_PAUSE_AT: "0:done" });
    await lp.waitFor("pause after step 0", (r) => r.some((x) => x.msg === "test hook: paused"));
    lp.kill("SIGKILL");
    await lp.exited();
    lp = null;
    let st = await readState();
    assert.equal(st.plan?.status, "running");
    assert.deepEqual(st.plan!.steps.map((s) => `${s.kind}:${s.status}`), [
      "swap:done",
      "ranges:pending",
      "mint:pending",
      "mint:pending",
    ]);
    // 2) restart: it resumes the plan; die again after signing the main mint, before sending it
    await Deno.writeTextFile(`${dir}/lp.jsonl`, "");
    lp = new LpProcess(cfg, `${dir}/lp.jsonl`, { ...env, ALP_LP_TEST_PAUSE_AT: "2:signed" });
    await lp.waitFor(
      "pause after signing step 2",
      (r) => r.some((x) => x.msg === "test hook: paused"),
    );
    lp.kill("SIGKILL");
    await lp.exited();
    lp = null;
    st = await readState();
    const signed = st.plan!.steps[2];
    assert.equal(signed.status, "signed");
    const hash = signed.tx!.hash as `0x${string}`;
    assert.equal(
      await fx.anvil.rpc("eth_getTransactionByHash", [hash]),
      null,
      "signed, never broadcast",
    );
    // 3) restart without the hook: re-broadcasts the same transaction and finishes
    await Deno.writeTextFile(`${dir}/lp.jsonl`, "");
    lp = new LpProcess(cfg, `${dir}/lp.jsonl`, env);
    const recs = await lp.waitFor("plan finished", (r) => count(r, "rebalance finished") >= 1);
    assert.ok(recs.some((r) => r.msg === "recovered: re-broadcasting the signed transaction"));
    const st2 = await lp.stop();
    assert.equal(st2.code, 0);
    lp = null;
    const receipt = await fx.anvil.publicClient.getTransactionReceipt({ hash });
    assert.equal(receipt.status, "success");
    st = await readState();
    assert.equal(st.plan, null);
    const steps = st.history.at(-1)!.steps;
    assert.deepEqual(steps.slice(0, 3), ["swap:done", "ranges:done", "mint:done"]);
    // exactly the planned positions: one main (minted by the re-broadcast transaction), no duplicate
    const core = await loadCore();
    const pm = await PositionManager.open(fx.client(), fx.chain, pool.address, core);
    const positions = await pm.listPositions({ includeEmpty: true });
    const r = st.history.at(-1)!.ranges!;
    assert.equal(positions.length, steps[3] === "mint:done" ? 2 : 1);
    assert.deepEqual([positions[0].tickLower, positions[0].tickUpper], [
      r.main.tickLower,
      r.main.tickUpper,
    ]);
    if (positions[1]) {
      const lim = [positions[1].tickLower, positions[1].tickUpper].join(":");
      assert.ok(
        [r.limit0, r.limit1].some((x) => x && `${x.tickLower}:${x.tickUpper}` === lim),
        `limit ${lim}`,
      );
    }
    const mintedBy = pm.parseMint({
      hash,
      blockNumber: receipt.blockNumber,
      status: "success",
      gasUsed: receipt.gasUsed,
      effectiveGasPrice: receipt.effectiveGasPrice,
      logs: receipt.logs,
    });
    assert.equal(positions[0].tokenId, mintedBy.tokenId);
    // nonces: 3 approvals, the swap and the mints; nothing was sent twice
    const txs = await fx.anvil.publicClient.getTransactionCount({ address: fx.lpAddress });
    assert.equal(txs - nonce0, 3 + 1 + (steps[3] === "mint:done" ? 2 : 1), `${txs - nonce0} txs`);
  } finally {
    if (lp) {
      lp.kill("SIGKILL");
      await lp.exited();
    }
    await fx.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
