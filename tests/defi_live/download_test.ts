/**
 * The OHLC downloader against anvil: bars built from the chain's logs equal
 * bars computed directly from the swaps the fixture made (1 s, 1 m and 5 m),
 * the swap CSV equals the fixture's swaps, getLogs ranges halve on "too many
 * results" (a proxy refuses large ranges), transport faults are retried, and
 * an interrupted run leaves no final CSV and resumes to identical files.
 */
import assert from "node:assert/strict";
import { formatUnits } from "viem";
import { BARS_HEADER, formatBarRow } from "../../services/defi/data/bars_format.ts";
import { downloadPool, SWAPS_HEADER } from "../../services/defi/download/mod.ts";
import { startFixture, type TraderSwap } from "./fixture.ts";
import { startRpcProxy } from "./rpc_proxy.ts";

/** Bars straight from the trader's own records (independent of the downloader). */
function referenceBars(swaps: TraderSwap[], iv: number): string[] {
  const groups = new Map<number, TraderSwap[]>();
  for (const s of swaps) {
    const t = Math.floor(s.timestamp / iv) * iv;
    if (!groups.has(t)) groups.set(t, []);
    groups.get(t)!.push(s);
  }
  const keys = [...groups.keys()].sort((a, b) => a - b);
  const rows = [BARS_HEADER];
  let prev: TraderSwap | null = null;
  for (let t = keys[0]; t <= keys[keys.length - 1]; t += iv) {
    const g = groups.get(t) ?? [];
    const sum = (f: (s: TraderSwap) => bigint) => g.reduce((a, s) => a + f(s), 0n);
    const pos = (x: bigint) => (x > 0n ? x : 0n);
    const neg = (x: bigint) => (x < 0n ? -x : 0n);
    const ticks = g.map((s) => s.tick);
    const close = g.length ? g[g.length - 1] : prev!;
    rows.push(formatBarRow({
      timestamp: t,
      openTick: g.length ? g[0].tick : prev!.tick,
      highTick: g.length ? Math.max(...ticks) : prev!.tick,
      lowTick: g.length ? Math.min(...ticks) : prev!.tick,
      closeTick: close.tick,
      amount0In: Number(formatUnits(sum((s) => pos(s.amount0)), 18)),
      amount0Out: Number(formatUnits(sum((s) => neg(s.amount0)), 18)),
      amount1In: Number(formatUnits(sum((s) => pos(s.amount1)), 18)),
      amount1Out: Number(formatUnits(sum((s) => neg(s.amount1)), 18)),
      swapCount: g.length,
      liquidity: close.liquidity,
      decimals0: 18,
      decimals1: 18,
    }));
    if (g.length) prev = g[g.length - 1];
  }
  return rows;
}

const lines = async (p: string) => (await Deno.readTextFile(p)).trimEnd().split("\n");

Deno.test("download: bars from anvil's logs equal bars from the fixture's swaps; splits, retries, resume", async () => {
  const fx = await startFixture({ tiers: [[3000, 60]] });
  const proxy = startRpcProxy(fx.anvil.rpcUrl);
  const dir = await Deno.makeTempDir({ prefix: "alp_download_" });
  try {
    const pool = fx.pools.get(3000)!;
    const swaps = await fx.trade(pool, 240, { seed: 11, dtMax: 9, sizeMax: 0.3 });
    const toBlock = await fx.anvil.publicClient.getBlockNumber();
    // hosted-node behaviour: ranges over 6 blocks are "too many results"; a few transport faults
    proxy.maxLogRange = 6;
    proxy.faults.push("503", "429", "rpc-limit");
    const r = await downloadPool({
      rpcUrl: proxy.url,
      pool: pool.address,
      fromBlock: 0n,
      toBlock,
      outDir: `${dir}/a`,
      intervals: [1, 60, 300],
      initialSpan: 64,
      concurrency: 3,
      retry: { retries: 4, baseMs: 10, maxMs: 50 },
    });
    assert.equal(r.swaps, swaps.length);
    assert.ok(r.logs.splits > 0 && proxy.refused > 0, "ranges were halved");
    assert.equal(proxy.faults.length, 0, "the injected faults were met (and retried)");
    // the swap CSV is the fixture's swaps
    const sw = await lines(r.files.swaps);
    assert.equal(sw[0], SWAPS_HEADER);
    assert.equal(sw.length - 1, swaps.length);
    sw.slice(1).forEach((line, i) => {
      const c = line.split(",");
      const s = swaps[i];
      assert.deepEqual(
        [
          BigInt(c[0]),
          Number(c[3]),
          c[4],
          BigInt(c[5]),
          BigInt(c[6]),
          BigInt(c[7]),
          BigInt(c[8]),
          Number(c[9]),
        ],
        [
          s.blockNumber,
          s.timestamp,
          s.transactionHash,
          s.amount0,
          s.amount1,
          s.sqrtPriceX96,
          s.liquidity,
          s.tick,
        ],
      );
    });
    // bars equal the reference at every interval
    for (const [label, iv] of [["1s", 1], ["1m", 60], ["5m", 300]] as const) {
      assert.deepEqual(await lines(r.files.bars[label]), referenceBars(swaps, iv), `bars ${label}`);
    }
    // interrupted run: no final files, a checkpoint; the re-run resumes to identical output
    proxy.maxLogRange = 0;
    let checkpoints = 0;
    await assert.rejects(() =>
      downloadPool({
        rpcUrl: proxy.url,
        pool: pool.address,
        fromBlock: 0n,
        toBlock,
        outDir: `${dir}/b`,
        intervals: [1, 60, 300],
        initialSpan: 8,
        maxSpan: 8,
        concurrency: 2,
        onCheckpoint: () => {
          if (++checkpoints === 5) throw new Error("simulated crash");
        },
      }), /simulated crash/);
    const names = [...Deno.readDirSync(`${dir}/b`)].map((e) => e.name).sort();
    assert.deepEqual(names, ["download.checkpoint.json", "swaps.csv.partial"]);
    const again = await downloadPool({
      rpcUrl: proxy.url,
      pool: pool.address,
      fromBlock: 0n,
      toBlock,
      outDir: `${dir}/b`,
      intervals: [1, 60, 300],
      initialSpan: 8,
    });
    assert.ok(again.resumedFrom !== null && again.resumedFrom > 0n);
    for (const f of ["swaps.csv", "bars_1s.csv", "bars_1m.csv", "bars_5m.csv"]) {
      assert.equal(
        await Deno.readTextFile(`${dir}/b/${f}`),
        await Deno.readTextFile(`${dir}/a/${f}`),
        f,
      );
    }
    assert.deepEqual(
      [...Deno.readDirSync(`${dir}/b`)].map((e) => e.name).sort(),
      ["bars_1m.csv", "bars_1s.csv", "bars_5m.csv", "swaps.csv"],
    );
  } finally {
    await proxy.stop();
    await fx.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
