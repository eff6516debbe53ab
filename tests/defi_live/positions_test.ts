/**
 * Chain client and LP position manager against the real contracts on anvil:
 * token metadata, approve only when needed, back-to-back nonces, the fee cap,
 * mint / modify / collect / remove with slippage bounds, exact valuation
 * (principal and uncollected fees equal what decrease + collect return, for
 * positions below, around and above the price), slippage reverts decoded
 * without corrupting balances or nonces; calculateTickRange properties.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { loadCore } from "../../core-wasm/mod.ts";
import { ERC20_ABI, POSITION_MANAGER_ABI } from "../../services/defi/chain/abis.ts";
import { ChainRevertError } from "../../services/defi/chain/errors.ts";
import { GasPriceCapError } from "../../services/defi/chain/client.ts";
import { calculateTickRange, PositionManager } from "../../services/defi/positions/mod.ts";
import { startFixture } from "./fixture.ts";

const U128 = (1n << 128n) - 1n;

Deno.test("calculateTickRange: aligned, ordered, inside the bounds, covers the base", () => {
  fc.assert(fc.property(
    fc.integer({ min: -887272, max: 887272 }),
    fc.constantFrom(1, 10, 60, 200),
    fc.integer({ min: 0, max: 50_000 }),
    fc.integer({ min: 0, max: 50_000 }),
    (tick, s, below, above) => {
      const r = calculateTickRange({ tick, tickSpacing: s, below, above });
      assert.equal(Math.abs(r.tickLower % s), 0);
      assert.equal(Math.abs(r.tickUpper % s), 0);
      assert.ok(r.tickLower < r.tickUpper);
      assert.ok(r.tickLower >= -887272 && r.tickUpper <= 887272);
      const b = Math.floor(tick / s) * s;
      if (b - below >= -887272 + s && b + above <= 887272 - s && below + above > 0) {
        assert.ok(r.tickLower <= b - below && r.tickUpper >= b + above);
      }
    },
  ));
  assert.deepEqual(calculateTickRange({ tick: 1234, tickSpacing: 60, below: 300, above: 100 }), {
    tickLower: 900,
    tickUpper: 1320,
  });
  assert.throws(
    () => calculateTickRange({ tick: 0, tickSpacing: 0, below: 1, above: 1 }),
    /tickSpacing/,
  );
});

Deno.test("chain client: metadata, approve only when needed, back-to-back nonces, fee cap", async () => {
  const fx = await startFixture({ tiers: [[3000, 60]] });
  try {
    const client = fx.client();
    const t0 = await client.token(fx.uni.token0);
    assert.equal(t0.symbol, "WETH");
    assert.equal(t0.decimals, 18);
    assert.equal(await client.balanceOf(fx.uni.token0), 10n ** 21n);
    const first = await client.ensureAllowance(fx.uni.token0, fx.uni.positionManager, 10n ** 18n);
    assert.ok(first && first.status === "success");
    const second = await client.ensureAllowance(fx.uni.token0, fx.uni.positionManager, 10n ** 20n);
    assert.equal(second, null, "no second approval when the allowance suffices");
    // back-to-back: both signed before either is mined, consecutive nonces
    const mk = (to: string, amount: bigint) => ({
      address: fx.uni.token1,
      abi: ERC20_ABI,
      functionName: "transfer",
      args: [to, amount],
    });
    const [a, b] = await Promise.all([
      client.prepare(mk(fx.uni.callers[0], 1n)),
      client.prepare(mk(fx.uni.callers[1], 2n)),
    ]);
    assert.equal(b.nonce, a.nonce + 1);
    await Promise.all([client.broadcast(a), client.broadcast(b)]);
    // a re-broadcast of the same raw transaction is harmless (idempotent)
    await client.broadcast(a);
    const [ra, rb] = await Promise.all([
      client.waitForReceipt(a.hash),
      client.waitForReceipt(b.hash),
    ]);
    assert.equal(ra.status, "success");
    assert.equal(rb.status, "success");
    const capped = fx.client(undefined, { maxFeeGwei: 1e-9 });
    await assert.rejects(() => capped.fees(), GasPriceCapError);
    const fees = await client.fees();
    assert.ok(fees.maxFeePerGas >= fees.baseFeePerGas + fees.maxPriorityFeePerGas);
  } finally {
    await fx.stop();
  }
});

Deno.test("positions: exact valuation equals decrease + collect, below / around / above the price", async () => {
  const fx = await startFixture({ tiers: [[3000, 60]] });
  try {
    const core = await loadCore();
    const client = fx.client();
    const pool = fx.pools.get(3000)!;
    const pm = await PositionManager.open(client, fx.chain, pool.address, core, {
      slippageBps: 10,
    });
    const E18 = 10n ** 18n;
    const minted = [];
    for (const [lo, hi] of [[-1200, -60], [-600, 600], [120, 1800], [-3000, 3000]]) {
      minted.push(
        await pm.addLiquidity({
          tickLower: lo,
          tickUpper: hi,
          amount0Desired: 5n * E18,
          amount1Desired: 5n * E18,
        }),
      );
    }
    for (const m of minted) assert.ok(m.tokenId > 0n && m.liquidity > 0n);
    const listed = await pm.listPositions();
    assert.deepEqual(listed.map((p) => p.tokenId), minted.map((m) => m.tokenId));
    // others trade across our ranges: fees accrue, some ranges are crossed
    await fx.trade(pool, 40, { seed: 7, sizeMax: 0.5 });
    // modify: add to #2, remove part of #3
    await pm.modifyLiquidity(minted[1].tokenId, { amount0: E18, amount1: E18 });
    const p3 = await pm.position(minted[2].tokenId);
    await pm.modifyLiquidity(minted[2].tokenId, { remove: p3.liquidity / 3n });
    assert.equal(
      (await pm.position(minted[2].tokenId)).liquidity,
      p3.liquidity - p3.liquidity / 3n,
    );
    await fx.trade(pool, 30, { seed: 8, sizeMax: 0.5 });
    const state = await pm.poolState();
    const values = await pm.valueAll(await pm.listPositions(), state);
    assert.equal(values.length, 4);
    const ticks = values.map((v) => [v.tickLower, v.tickUpper, state.tick]);
    // fees only: a simulated collect returns exactly our uncollected fees
    for (const v of values) {
      const sim = await client.simulate({
        address: fx.chain.positionManager,
        abi: POSITION_MANAGER_ABI,
        functionName: "collect",
        args: [{ tokenId: v.tokenId, recipient: fx.lpAddress, amount0Max: U128, amount1Max: U128 }],
      }) as readonly [bigint, bigint];
      assert.deepEqual([sim[0], sim[1]], [v.fees0, v.fees1], `collect of #${v.tokenId} ${ticks}`);
    }
    assert.ok(values.some((v) => v.fees0 > 0n) && values.some((v) => v.fees1 > 0n));
    // the first: collect fees for real, they equal the valuation
    const c = await pm.collectFees(values[0].tokenId);
    assert.deepEqual([c.amount0, c.amount1], [values[0].fees0, values[0].fees1]);
    // remove all: principal and collected amounts equal the exact valuation
    for (const v of values) {
      const before0 = await client.balanceOf(fx.uni.token0);
      const before1 = await client.balanceOf(fx.uni.token1);
      const r = await pm.removeLiquidity(v.tokenId);
      const fees = v.tokenId === values[0].tokenId ? [0n, 0n] : [v.fees0, v.fees1];
      assert.deepEqual([r.amount0, r.amount1], [v.amount0, v.amount1], `principal #${v.tokenId}`);
      assert.deepEqual(
        [r.collected0, r.collected1],
        [v.amount0 + fees[0], v.amount1 + fees[1]],
        `collected #${v.tokenId}`,
      );
      assert.ok(r.burned);
      assert.equal(await client.balanceOf(fx.uni.token0), before0 + r.collected0);
      assert.equal(await client.balanceOf(fx.uni.token1), before1 + r.collected1);
    }
    assert.equal((await pm.listPositions({ includeEmpty: true })).length, 0);
  } finally {
    await fx.stop();
  }
});

Deno.test("slippage: a stale swap or mint reverts with a clear reason, state and nonce intact", async () => {
  const fx = await startFixture({ tiers: [[500, 10]] });
  try {
    const core = await loadCore();
    const client = fx.client();
    const pool = fx.pools.get(500)!;
    const pm = await PositionManager.open(client, fx.chain, pool.address, core, { slippageBps: 5 });
    const E18 = 10n ** 18n;
    await client.ensureAllowance(fx.uni.token0, fx.chain.swapRouter, 10n * E18);
    await client.ensureAllowance(fx.uni.token0, fx.chain.positionManager, 10n * E18);
    await client.ensureAllowance(fx.uni.token1, fx.chain.positionManager, 10n * E18);
    const swap = await pm.buildSwap(true, E18);
    const mint = await pm.buildMint({
      tickLower: -500,
      tickUpper: 500,
      amount0Desired: E18,
      amount1Desired: E18,
    });
    // someone moves the price first (sells token0 too)
    await pool.swapExactInput(true, 50n * E18);
    const b0 = await client.balanceOf(fx.uni.token0);
    const b1 = await client.balanceOf(fx.uni.token1);
    const nonce = await client.public.getTransactionCount({ address: fx.lpAddress });
    await assert.rejects(() => client.send(swap.call), (e: unknown) => {
      assert.ok(e instanceof ChainRevertError);
      assert.equal(e.reason, "Too little received");
      assert.match(
        e.message,
        /swap 0->1 .* reverted in simulation: "Too little received" \(output below amountOutMinimum/,
      );
      return true;
    });
    await assert.rejects(() => client.send(mint.call), (e: unknown) => {
      assert.ok(e instanceof ChainRevertError);
      assert.equal(e.reason, "Price slippage check");
      return true;
    });
    assert.equal(await client.balanceOf(fx.uni.token0), b0);
    assert.equal(await client.balanceOf(fx.uni.token1), b1);
    assert.equal(await client.public.getTransactionCount({ address: fx.lpAddress }), nonce);
    // the next transactions use the right nonce and succeed
    const ok = await pm.swapExactInput(true, E18 / 10n);
    assert.ok(ok.amountOut > 0n);
    const m = await pm.addLiquidity({
      tickLower: -500,
      tickUpper: 500,
      amount0Desired: E18,
      amount1Desired: E18,
    });
    assert.ok(m.liquidity > 0n);
  } finally {
    await fx.stop();
  }
});
