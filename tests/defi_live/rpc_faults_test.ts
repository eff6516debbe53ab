/**
 * RPC faults through a proxy in front of anvil: errors and timeouts for a
 * while -> retries, then success; faults beyond the limit -> one clear error
 * naming the attempts; a revert is never retried.
 */
import assert from "node:assert/strict";
import { ERC20_ABI } from "../../services/defi/chain/abis.ts";
import { ChainRevertError } from "../../services/defi/chain/errors.ts";
import { RetryExhaustedError } from "../../services/defi/chain/retry.ts";
import { startFixture } from "./fixture.ts";
import { startRpcProxy } from "./rpc_proxy.ts";

Deno.test("rpc faults: retries through 503/429/rate limits/timeouts, clear error after the limit, no retry on revert", async () => {
  const fx = await startFixture({ tiers: [[3000, 60]] });
  const proxy = startRpcProxy(fx.anvil.rpcUrl);
  try {
    const client = fx.client(proxy.url, {
      requestTimeoutMs: 300,
      retry: { retries: 5, baseMs: 10, maxMs: 80 },
    });
    // a while of faults, then success
    proxy.faults.push("503", "429", "rpc-limit", "hang");
    assert.equal(await client.balanceOf(fx.uni.token0), 10n ** 21n);
    assert.equal(proxy.faults.length, 0);
    assert.ok(client.stats.retries >= 4, `retries ${client.stats.retries}`);
    // a transaction goes through a fault too (simulation, estimate, send, receipt)
    proxy.faults.push("503", "rpc-limit");
    const r = await client.send({
      address: fx.uni.token0,
      abi: ERC20_ABI,
      functionName: "transfer",
      args: [fx.uni.callers[0], 5n],
    });
    assert.equal(r.status, "success");
    // beyond the limit: a clear error
    proxy.always = "503";
    const t0 = performance.now();
    await assert.rejects(() => client.balanceOf(fx.uni.token0), (e: unknown) => {
      assert.ok(e instanceof RetryExhaustedError);
      assert.match(e.message, /eth_call balanceOf failed after 6 attempts over \d+ ms/);
      return true;
    });
    assert.ok(performance.now() - t0 < 5000);
    proxy.always = null;
    // a revert is not retried
    const before = proxy.counts.get("eth_call") ?? 0;
    await assert.rejects(
      () =>
        client.simulate({
          address: fx.uni.token0,
          abi: ERC20_ABI,
          functionName: "transfer",
          args: [fx.uni.callers[0], 10n ** 30n],
        }),
      (e: unknown) => e instanceof ChainRevertError,
    );
    assert.equal((proxy.counts.get("eth_call") ?? 0) - before, 1, "one eth_call, no retry");
  } finally {
    await proxy.stop();
    await fx.stop();
  }
});
