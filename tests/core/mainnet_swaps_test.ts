/**
 * Real mainnet swaps, reproduced exactly: Ethereum USDC/WETH 0.05% on
 * 2024-01-05 (shared/data/README.md §1).
 *
 * Each SWAP row carries the pool state right after the swap (sqrtPriceX96,
 * active liquidity, tick). A swap that crossed no initialized tick ran at one
 * liquidity, so it must be reproducible from the previous swap's post-state on
 * a pool holding a single range with that liquidity. The liquidity before a
 * swap is the previous swap's post liquidity plus the liquidity of the
 * MINT/BURN rows in between whose range contains the current tick (Uniswap's
 * rule: tickLower <= tick < tickUpper; demeter's own total_liquidity estimates
 * on those rows are not used). A swap crossed no tick when that equals its own
 * post liquidity.
 *
 * Every such swap must be reproduced (amount0, amount1, post sqrtPriceX96 and
 * tick all equal to the row's) by at least one of three readings of what the
 * caller asked for:
 *   1. exact input of the amount paid in (the positive amount),
 *   2. exact output of the amount paid out (the negative amount's magnitude),
 *   3. a swap stopped by its price limit at the post-swap price (an unbounded
 *      exact input; the fee is then rounded up from the amount in).
 * The swaps run through `V3Pool.swap` on a pool made by `loadPool`, so every
 * implementation (reference and WASM) is held to the real chain.
 *
 * The file also tests the CSV loader (services/defi/data/swap_events_csv.ts)
 * on these files: gzip input, float-written integers, the pool.tick.csv
 * header variant and error locations.
 */
import { type Reading, READINGS, swapArgs } from "../support/swap_readings.ts";
import assert from "node:assert/strict";
import type { PoolSnapshot, SwapResult, V3Implementation } from "../../core-wasm/types.ts";
import { implementations } from "../support/implementations.ts";
import {
  DataFormatError,
  type DemeterEvent,
  type DemeterSwap,
  openDemeterEvents,
  streamDemeterEvents,
} from "../../services/defi/data/swap_events_csv.ts";

const DATA = new URL("../../../shared/data/", import.meta.url);
const TICK_CSV = new URL(
  "mainnet-usdc-weth-005-2024-01-05/ethereum-0x88e6a0c2ddd26feeb64f039a2c41296fcb3f5640-2024-01-05.tick.csv",
  DATA,
);
const POOL_TICK_CSV_03 = new URL(
  "mainnet-usdc-weth-03-2024-01-05/ethereum-0x8ad599c3a0ff1de082011efddc58f1908eb6e6d8-2024-01-05.pool.tick.csv",
  DATA,
);

const FEE = 500;
const TICK_SPACING = 10;
/** The widest spacing-aligned range: no swap of the day gets near its ends. */
const RANGE_LOWER = -887270;
const RANGE_UPPER = 887270;

/** SWAP rows in the day's file (README §1). */
const DAY_SWAPS = 6046;
/**
 * Swaps whose liquidity before equals their post liquidity. The brief quoted
 * 5,454 as the acceptance figure, but the definition it gives (and every
 * variant tried: demeter's tick_lower-exclusive range test, its
 * total_liquidity_delta column, the rows' own current_tick, ignoring
 * MINT/BURN) never yields 5,454; the definition yields 5,478 = 6,046 swaps −
 * 1 (the first, with no previous state) − 567 (whose liquidity changed; each of
 * those moved across a multiple of the tick spacing, i.e. crossed a tick).
 */
const EXPECTED_NO_CROSS = 5478;

interface Case {
  /** The previous swap: its post-state is this swap's pre-state. */
  pre: DemeterSwap;
  swap: DemeterSwap;
}

interface Day {
  swaps: number;
  cases: Case[];
}

let dayPromise: Promise<Day> | undefined;

/** Reads the day once and selects the swaps that crossed no tick. */
function day(): Promise<Day> {
  dayPromise ??= (async () => {
    let swaps = 0;
    let pre: DemeterSwap | undefined;
    let delta = 0n;
    const cases: Case[] = [];
    for await (const ev of openDemeterEvents(TICK_CSV)) {
      if (ev.type === "SWAP") {
        swaps++;
        if (pre && pre.liquidity + delta === ev.liquidity) cases.push({ pre, swap: ev });
        pre = ev;
        delta = 0n;
      } else if ((ev.type === "MINT" || ev.type === "BURN") && pre) {
        if (ev.tickLower <= pre.tick && pre.tick < ev.tickUpper) {
          delta += ev.type === "MINT" ? ev.liquidity : -ev.liquidity;
        }
      }
    }
    return { swaps, cases };
  })();
  return dayPromise;
}

/** A pool at `pre`'s post-state holding one wide range of liquidity `liquidity`. */
function singleRangeSnapshot(pre: DemeterSwap, liquidity: bigint): PoolSnapshot {
  const zeroTick = { feeGrowthOutside0X128: 0n, feeGrowthOutside1X128: 0n, initialized: true };
  return {
    fee: FEE,
    tickSpacing: TICK_SPACING,
    sqrtPriceX96: pre.sqrtPriceX96,
    tick: pre.tick,
    liquidity,
    feeGrowthGlobal0X128: 0n,
    feeGrowthGlobal1X128: 0n,
    feeProtocol: 0,
    protocolFees0: 0n,
    protocolFees1: 0n,
    ticks: [
      { tick: RANGE_LOWER, liquidityGross: liquidity, liquidityNet: liquidity, ...zeroTick },
      { tick: RANGE_UPPER, liquidityGross: liquidity, liquidityNet: -liquidity, ...zeroTick },
    ],
    positions: [{
      owner: "lp",
      tickLower: RANGE_LOWER,
      tickUpper: RANGE_UPPER,
      liquidity,
      feeGrowthInside0LastX128: 0n,
      feeGrowthInside1LastX128: 0n,
      tokensOwed0: 0n,
      tokensOwed1: 0n,
    }],
  };
}

function describeResult(r: SwapResult | Error): string {
  if (r instanceof Error) return `threw ${r.message}`;
  return `amount0 ${r.amount0} amount1 ${r.amount1} sqrtPriceX96 ${r.sqrtPriceX96} tick ${r.tick}` +
    ` liquidity ${r.liquidity} ticksCrossed ${r.ticksCrossed}`;
}

function reproduces(r: SwapResult | Error, ev: DemeterSwap): boolean {
  return !(r instanceof Error) && r.amount0 === ev.amount0 && r.amount1 === ev.amount1 &&
    r.sqrtPriceX96 === ev.sqrtPriceX96 && r.tick === ev.tick && r.liquidity === ev.liquidity &&
    r.ticksCrossed === 0;
}

function runReading(impl: V3Implementation, c: Case, reading: Reading): SwapResult | Error {
  const a = swapArgs(c.swap, reading);
  try {
    const pool = impl.loadPool(singleRangeSnapshot(c.pre, c.swap.liquidity));
    return pool.swap(a.zeroForOne, a.amountSpecified, a.sqrtPriceLimitX96);
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

Deno.test("mainnet 0.05% USDC/WETH 2024-01-05: swaps that crossed no tick", async () => {
  const { swaps, cases } = await day();
  assert.equal(swaps, DAY_SWAPS);
  assert.equal(cases.length, EXPECTED_NO_CROSS);
  for (const { swap } of cases) {
    // Pool-side signs: exactly one amount paid in, the other paid out.
    assert.ok(
      (swap.amount0 > 0n && swap.amount1 < 0n) || (swap.amount1 > 0n && swap.amount0 < 0n),
      `${swap.transactionHash}#${swap.logIndex}: amounts ${swap.amount0}, ${swap.amount1}`,
    );
  }
});

for (const impl of await implementations()) {
  Deno.test(`mainnet 0.05% USDC/WETH 2024-01-05: no-cross swaps reproduce exactly [${impl.name}]`, async () => {
    const { cases } = await day();
    const counts: Record<Reading | "firstMatch" | "onlyPriceLimit", number> = {
      exactInput: 0,
      exactOutput: 0,
      priceLimit: 0,
      firstMatch: 0,
      onlyPriceLimit: 0,
    };
    const failures: string[] = [];
    const t0 = performance.now();
    for (const c of cases) {
      const results = READINGS.map((reading) => runReading(impl, c, reading));
      const ok = results.map((r) => reproduces(r, c.swap));
      READINGS.forEach((reading, i) => {
        if (ok[i]) counts[reading]++;
      });
      if (ok.some(Boolean)) counts.firstMatch++;
      if (ok[2] && !ok[0] && !ok[1]) counts.onlyPriceLimit++;
      if (!ok.some(Boolean)) {
        const s = c.swap;
        failures.push(
          `${s.transactionHash} log ${s.logIndex} (line ${s.line}): from sqrtPriceX96 ` +
            `${c.pre.sqrtPriceX96} tick ${c.pre.tick} liquidity ${s.liquidity}; row amount0 ` +
            `${s.amount0} amount1 ${s.amount1} sqrtPriceX96 ${s.sqrtPriceX96} tick ${s.tick}\n` +
            READINGS.map((reading, i) => `    ${reading}: ${describeResult(results[i])}`).join(
              "\n",
            ),
        );
      }
    }
    const ms = performance.now() - t0;
    console.log(
      `[${impl.name}] ${cases.length} no-cross swaps: exactInput ${counts.exactInput}, ` +
        `exactOutput ${counts.exactOutput}, priceLimit ${counts.priceLimit} ` +
        `(priceLimit only ${counts.onlyPriceLimit}); reproduced by some reading ` +
        `${counts.firstMatch}; ${ms.toFixed(0)} ms`,
    );
    assert.equal(
      failures.length,
      0,
      `${failures.length} swaps reproduced by no reading:\n${failures.join("\n")}`,
    );
    assert.equal(counts.firstMatch, cases.length);
  });
}

// ---------------------------------------------------------------------------
// The loader itself, on the same files.

function textStream(text: string): ReadableStream<Uint8Array> {
  return ReadableStream.from([new TextEncoder().encode(text)]);
}

async function collect(
  bytes: ReadableStream<Uint8Array>,
  options: Parameters<typeof streamDemeterEvents>[1] = {},
): Promise<DemeterEvent[]> {
  return await Array.fromAsync(streamDemeterEvents(bytes, options));
}

Deno.test("swap_events_csv: day file parses into typed events with exact integers", async () => {
  const events = await Array.fromAsync(openDemeterEvents(TICK_CSV));
  const count = (t: string) => events.filter((e) => e.type === t).length;
  assert.deepEqual(
    [events.length, count("SWAP"), count("MINT"), count("BURN"), count("COLLECT")],
    [6234, 6046, 54, 69, 65],
  );
  // First row, written with a float tick "199045.0".
  assert.deepEqual(events[0], {
    type: "SWAP",
    blockNumber: 18937382,
    timestamp: Date.UTC(2024, 0, 5, 0, 0, 23) / 1000,
    transactionHash: "0x0bb5e0dc49ae0b5a1949beabadc64522dd5615415a168650a3b592a84ae5ee05",
    txIndex: 33,
    logIndex: 169,
    proxyLogIndex: null,
    sender: "0x3fc91a3afd70395cd496c647d5a6cc9d4b2b7fad",
    line: 2,
    recipient: "0x3fc91a3afd70395cd496c647d5a6cc9d4b2b7fad",
    amount0: -22686110n,
    amount1: 10000000000000000n,
    sqrtPriceX96: 1662995104975155420368771254341874n,
    liquidity: 12453647101533358277n,
    tick: 199045,
  });
  const mint = events.find((e) => e.type === "MINT");
  assert.ok(mint?.type === "MINT");
  assert.equal(mint.line, 184);
  assert.equal(mint.amount1, 738908802009978532321n);
  assert.equal(mint.liquidity, 389297572651811471360n);
  assert.deepEqual([mint.tickLower, mint.tickUpper, mint.currentTick], [199060, 199070, 199061]);
  const withId = events.filter((e) => e.type !== "SWAP" && e.positionId !== null);
  assert.equal(withId.length, 87);
  for (let i = 1; i < events.length; i++) {
    const a = events[i - 1];
    const b = events[i];
    assert.ok(
      a.blockNumber < b.blockNumber || (a.blockNumber === b.blockNumber && a.logIndex < b.logIndex),
    );
  }
});

Deno.test("swap_events_csv: gzip input and small batches give the same events", async () => {
  const bytes = await Deno.readFile(TICK_CSV);
  const gz = ReadableStream.from([bytes]).pipeThrough(new CompressionStream("gzip"));
  const gzBytes = new Uint8Array(await new Response(gz).arrayBuffer());
  const plain = await collect(ReadableStream.from([bytes]));
  const auto = await collect(ReadableStream.from([gzBytes]), { batchLines: 97 });
  const forced = await collect(ReadableStream.from([gzBytes]), { gzip: true, batchLines: 1 });
  assert.equal(plain.length, 6234);
  assert.deepEqual(auto, plain);
  assert.deepEqual(forced, plain);
});

Deno.test("swap_events_csv: pool.tick.csv header variant (tx_index/log_index, no position columns)", async () => {
  const events = await Array.fromAsync(openDemeterEvents(POOL_TICK_CSV_03));
  const count = (t: string) => events.filter((e) => e.type === t).length;
  assert.deepEqual([count("SWAP"), count("BURN"), count("COLLECT"), count("MINT")], [
    267,
    17,
    16,
    4,
  ]);
  const last = events.at(-1)!;
  assert.ok(last.type === "SWAP");
  assert.equal(last.logIndex, 341);
  assert.equal(last.proxyLogIndex, null);
  const burn = events.find((e) => e.type === "BURN");
  assert.ok(burn?.type === "BURN");
  assert.equal(burn.positionId, null);
  assert.deepEqual([burn.tickLower, burn.tickUpper], [197640, 201120]);
});

Deno.test("swap_events_csv: errors name file, line, column and value", async () => {
  const header = (await Deno.readTextFile(TICK_CSV)).split("\n", 1)[0];
  const good =
    "18937382,2024-01-05 00:00:23,SWAP,0xab,33,169,,0xs,0xr,-22686110,10000000000000000," +
    "12453647101533358277,0,1662995104975155420368771254341874,199045.0,,,,";
  const cases: Array<[string, RegExp]> = [
    [
      good.replace("-22686110", "-22686110.5"),
      /^bad\.csv:3:10 \(amount0\): not an integer: "-22686110\.5"$/,
    ],
    [good.replace("199045.0", "1e5"), /^bad\.csv:3:15 \(current_tick\): not an integer: "1e5"$/],
    [good.replace("SWAP", "FLASH"), /^bad\.csv:3:3 \(tx_type\): unknown tx_type/],
    [good.replace(",0xs,", ",,"), /^bad\.csv:3:8 \(sender\): required value is empty: ""$/],
    [
      good.replace("2024-01-05 00:00:23", "2024-02-30 00:00:23"),
      /^bad\.csv:3:2 \(block_timestamp\)/,
    ],
    [
      good.slice(0, good.lastIndexOf(",")),
      /^bad\.csv:3:1: row does not have the header's 19 fields/,
    ],
  ];
  for (const [row, message] of cases) {
    const text = `${header}\n${good}\n${row}\n${good}\n`;
    await assert.rejects(
      () => collect(textStream(text), { source: "bad.csv", batchLines: 2 }),
      (e: unknown) => {
        assert.ok(e instanceof DataFormatError, String(e));
        assert.match(e.message, message);
        assert.equal(e.file, "bad.csv");
        assert.equal(e.line, 3);
        return true;
      },
    );
  }
  await assert.rejects(
    () => collect(textStream("a,b\n1,2\n"), { source: "x.csv" }),
    /x\.csv:1:1: header lacks column block_number/,
  );
});
