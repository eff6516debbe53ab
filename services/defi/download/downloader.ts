/**
 * The OHLC downloader: a pool's Swap (and optionally Mint/Burn) logs between
 * two blocks or dates -> a swap-level CSV, an event CSV and bars at any
 * intervals, resumable and atomic.
 *
 * - Logs come from {@link fetchLogs} (adaptive ranges, retries, concurrency).
 * - Timestamps come from the blocks themselves (batched header reads, cached).
 * - Rows are appended to `<file>.partial`; after each range (in block order)
 *   a checkpoint (`download.checkpoint.json`: next block and the byte length
 *   of each partial file) is written atomically. A re-run with the same
 *   parameters truncates the partial files to the checkpoint and continues.
 * - At the end, bars are built from the swap file, every output is written
 *   as a temp file and renamed into place, so an interrupted run never leaves
 *   a truncated CSV under a final name.
 *
 * Swap CSV columns: `block_number,tx_index,log_index,timestamp,tx_hash,amount0,amount1,
 * sqrt_price_x96,liquidity,tick` (amounts signed from the pool's side, raw units).
 *
 * @module
 */
import { writeFileAtomic } from "../../common/fs_atomic.ts";
import { type Address, getAbiItem, getAddress, toEventSelector } from "viem";
import { POOL_ABI } from "../chain/abis.ts";
import type { RetryOptions } from "../chain/retry.ts";
import { withRetry } from "../chain/retry.ts";
import { BARS_HEADER } from "../data/bars_format.ts";
import { readLines } from "../data/bars_csv.ts";
import { type Logger, nullLogger } from "../../common/log.ts";
import { BarBuilder, intervalLabel } from "./bars.ts";
import { fetchLogs, type LogStats } from "./logs.ts";
import { JsonRpc } from "./rpc.ts";

/** Swap CSV header. */
export const SWAPS_HEADER =
  "block_number,tx_index,log_index,timestamp,tx_hash,amount0,amount1,sqrt_price_x96,liquidity,tick";
/** Mint/Burn CSV header. */
export const LIQUIDITY_EVENTS_HEADER =
  "type,block_number,tx_index,log_index,timestamp,tx_hash,owner,tick_lower,tick_upper,liquidity,amount0,amount1";

const SWAP_TOPIC = toEventSelector(getAbiItem({ abi: POOL_ABI, name: "Swap" }) as never);
const MINT_TOPIC = toEventSelector(getAbiItem({ abi: POOL_ABI, name: "Mint" }) as never);
const BURN_TOPIC = toEventSelector(getAbiItem({ abi: POOL_ABI, name: "Burn" }) as never);

/** Options of {@link downloadPool}. */
export interface DownloadOptions {
  rpcUrl: string;
  pool: Address;
  fromBlock: bigint;
  toBlock: bigint;
  outDir: string;
  /** Bar intervals in seconds. Default [1, 60]. */
  intervals?: number[];
  /** Also write Mint/Burn events. Default false. */
  liquidityEvents?: boolean;
  /** Token decimals (default: read from the tokens). */
  decimals?: [number, number];
  concurrency?: number;
  initialSpan?: number;
  maxSpan?: number;
  sparseBelow?: number;
  retry?: RetryOptions;
  requestTimeoutMs?: number;
  /** Block headers per batch request. Default 100. */
  headerBatch?: number;
  logger?: Logger;
  signal?: AbortSignal;
  /** Called after each checkpoint (tests stop runs here). */
  onCheckpoint?: (c: Checkpoint) => void;
}

/** The resumable state. */
export interface Checkpoint {
  version: 1;
  pool: string;
  fromBlock: string;
  toBlock: string;
  nextBlock: string;
  liquidityEvents: boolean;
  swapsBytes: number;
  eventsBytes: number;
  swaps: number;
}

/** What a run did. */
export interface DownloadResult {
  swaps: number;
  liquidityEvents: number;
  logs: LogStats;
  requests: number;
  blocksRead: number;
  elapsedMs: number;
  resumedFrom: bigint | null;
  files: { swaps: string; events?: string; bars: Record<string, string> };
}

const dec = (h: string) => BigInt(h);

function int256(word: string): bigint {
  const v = BigInt("0x" + word);
  return v >= 1n << 255n ? v - (1n << 256n) : v;
}

/** Decodes a Swap log's data words (amount0, amount1, sqrtPriceX96, liquidity, tick). */
export function decodeSwapData(data: string): [bigint, bigint, bigint, bigint, number] {
  const d = data.startsWith("0x") ? data.slice(2) : data;
  return [
    int256(d.slice(0, 64)),
    int256(d.slice(64, 128)),
    BigInt("0x" + d.slice(128, 192)),
    BigInt("0x" + d.slice(192, 256)),
    Number(int256(d.slice(256, 320))),
  ];
}

async function truncateTo(path: string, bytes: number): Promise<void> {
  const f = await Deno.open(path, { write: true, create: true });
  try {
    await f.truncate(bytes);
  } finally {
    f.close();
  }
}

/** See the module doc. */
export async function downloadPool(o: DownloadOptions): Promise<DownloadResult> {
  const t0 = performance.now();
  const log = (o.logger ?? nullLogger).child("download");
  const rpc = new JsonRpc(o.rpcUrl, o.requestTimeoutMs ?? 30_000);
  const call = <T>(method: string, params: unknown[]) =>
    withRetry(method, () => rpc.call<T>(method, params), o.retry);
  const pool = getAddress(o.pool);
  if (o.toBlock < o.fromBlock) {
    throw new RangeError(
      `Cannot download: toBlock ${o.toBlock} is before fromBlock ${o.fromBlock}`,
    );
  }
  await Deno.mkdir(o.outDir, { recursive: true });
  const swapsPath = `${o.outDir}/swaps.csv`;
  const eventsPath = `${o.outDir}/liquidity_events.csv`;
  const ckPath = `${o.outDir}/download.checkpoint.json`;
  const liq = o.liquidityEvents ?? false;

  let decimals = o.decimals;
  if (!decimals) {
    const word = async (fn: string, to: string) =>
      BigInt(await call<string>("eth_call", [{ to, data: fn }, "latest"]));
    const t0a = "0x" + (await word("0x0dfe1681", pool)).toString(16).padStart(40, "0"); // token0()
    const t1a = "0x" + (await word("0xd21220a7", pool)).toString(16).padStart(40, "0"); // token1()
    decimals = [Number(await word("0x313ce567", t0a)), Number(await word("0x313ce567", t1a))];
  }

  // resume?
  let ck: Checkpoint | null = null;
  try {
    ck = JSON.parse(await Deno.readTextFile(ckPath)) as Checkpoint;
  } catch { /* none */ }
  if (
    ck && (ck.pool !== pool.toLowerCase() || ck.fromBlock !== String(o.fromBlock) ||
      ck.toBlock !== String(o.toBlock) || ck.liquidityEvents !== liq)
  ) {
    log.warn("checkpoint is for another download: starting over", { checkpoint: ck });
    ck = null;
  }
  const resumedFrom = ck ? BigInt(ck.nextBlock) : null;
  const swapsPart = `${swapsPath}.partial`;
  const eventsPart = `${eventsPath}.partial`;
  const enc = new TextEncoder();
  if (ck) {
    await truncateTo(swapsPart, ck.swapsBytes);
    if (liq) await truncateTo(eventsPart, ck.eventsBytes);
    log.info("resuming", { nextBlock: ck.nextBlock, swaps: ck.swaps });
  } else {
    await Deno.writeFile(swapsPart, enc.encode(SWAPS_HEADER + "\n"));
    if (liq) await Deno.writeFile(eventsPart, enc.encode(LIQUIDITY_EVENTS_HEADER + "\n"));
    ck = {
      version: 1,
      pool: pool.toLowerCase(),
      fromBlock: String(o.fromBlock),
      toBlock: String(o.toBlock),
      nextBlock: String(o.fromBlock),
      liquidityEvents: liq,
      swapsBytes: SWAPS_HEADER.length + 1,
      eventsBytes: liq ? LIQUIDITY_EVENTS_HEADER.length + 1 : 0,
      swaps: 0,
    };
    await writeFileAtomic(ckPath, JSON.stringify(ck));
  }
  const swapsFile = await Deno.open(swapsPart, { append: true });
  const eventsFile = liq ? await Deno.open(eventsPart, { append: true }) : null;
  const times = new Map<bigint, number>();
  let blocksRead = 0;
  let nLiq = 0;
  const headerBatch = o.headerBatch ?? 100;
  const stats: LogStats = { ranges: 0, splits: 0, grows: 0, retries: 0, logs: 0 };
  try {
    if (BigInt(ck.nextBlock) <= o.toBlock) {
      await fetchLogs({
        rpc,
        address: pool,
        topics0: liq ? [SWAP_TOPIC, MINT_TOPIC, BURN_TOPIC] : [SWAP_TOPIC],
        fromBlock: BigInt(ck.nextBlock),
        toBlock: o.toBlock,
        initialSpan: o.initialSpan,
        maxSpan: o.maxSpan,
        sparseBelow: o.sparseBelow,
        concurrency: o.concurrency,
        retry: o.retry,
        signal: o.signal,
        stats,
        onRange: async (_from, to, logs) => {
          // block timestamps (from the blocks)
          const need: bigint[] = [];
          for (const l of logs) {
            const b = dec(l.blockNumber);
            if (!times.has(b) && (need.length === 0 || need[need.length - 1] !== b)) need.push(b);
          }
          const uniq = [...new Set(need)];
          for (let i = 0; i < uniq.length; i += headerBatch) {
            const chunk = uniq.slice(i, i + headerBatch);
            const blocks = await withRetry(
              "eth_getBlockByNumber",
              () =>
                rpc.batch<{ timestamp: string } | null>(
                  "eth_getBlockByNumber",
                  chunk.map((b) => ["0x" + b.toString(16), false]),
                ),
              o.retry,
            );
            blocks.forEach((b, j) => {
              if (!b) throw new Error(`block ${chunk[j]} not found (reorg or pruned node?)`);
              times.set(chunk[j], Number(BigInt(b.timestamp)));
            });
            blocksRead += chunk.length;
          }
          let sw = "";
          let ev = "";
          for (const l of logs) {
            if (l.removed) continue;
            const b = dec(l.blockNumber);
            const ts = times.get(b)!;
            const head = `${b},${Number(dec(l.transactionIndex))},${
              Number(dec(l.logIndex))
            },${ts},${l.transactionHash}`;
            const t0 = l.topics[0];
            if (t0 === SWAP_TOPIC) {
              const [a0, a1, sp, L, tick] = decodeSwapData(l.data);
              sw += `${head},${a0},${a1},${sp},${L},${tick}\n`;
              ck!.swaps++;
            } else if (eventsFile) {
              const d = l.data.slice(2);
              const owner = "0x" + l.topics[1].slice(26);
              const lower = Number(int256(l.topics[2].slice(2)));
              const upper = Number(int256(l.topics[3].slice(2)));
              // Mint: sender, amount, amount0, amount1; Burn: amount, amount0, amount1
              const words = t0 === MINT_TOPIC ? d.slice(64) : d;
              const amount = BigInt("0x" + words.slice(0, 64));
              const a0 = BigInt("0x" + words.slice(64, 128));
              const a1 = BigInt("0x" + words.slice(128, 192));
              ev += `${
                t0 === MINT_TOPIC ? "MINT" : "BURN"
              },${head},${owner},${lower},${upper},${amount},${a0},${a1}\n`;
              nLiq++;
            }
          }
          if (sw) {
            const bytes = enc.encode(sw);
            let w = 0;
            while (w < bytes.length) w += await swapsFile.write(bytes.subarray(w));
            ck!.swapsBytes += bytes.length;
          }
          if (ev && eventsFile) {
            const bytes = enc.encode(ev);
            let w = 0;
            while (w < bytes.length) w += await eventsFile.write(bytes.subarray(w));
            ck!.eventsBytes += bytes.length;
          }
          ck!.nextBlock = String(to + 1n);
          await writeFileAtomic(ckPath, JSON.stringify(ck));
          o.onCheckpoint?.(ck!);
        },
      });
    }
  } finally {
    swapsFile.close();
    eventsFile?.close();
  }
  // bars from the swap file, then every output into place
  const intervals = o.intervals ?? [1, 60];
  const barFiles: Record<string, string> = {};
  const bodies = intervals.map(() => [BARS_HEADER] as string[]);
  const builders = intervals.map((iv, i) =>
    new BarBuilder(
      { intervalSec: iv, decimals0: decimals![0], decimals1: decimals![1] },
      (row) => bodies[i].push(row),
    )
  );
  let first = true;
  for await (const line of readLines(swapsPart)) {
    if (first) {
      first = false;
      continue;
    }
    if (!line) continue;
    const c = line.split(",");
    const s = {
      timestamp: Number(c[3]),
      amount0: BigInt(c[5]),
      amount1: BigInt(c[6]),
      liquidity: BigInt(c[8]),
      tick: Number(c[9]),
    };
    for (const b of builders) b.push(s);
  }
  for (let i = 0; i < intervals.length; i++) {
    builders[i].finish();
    const path = `${o.outDir}/bars_${intervalLabel(intervals[i])}.csv`;
    await writeFileAtomic(path, bodies[i].join("\n") + "\n");
    barFiles[intervalLabel(intervals[i])] = path;
  }
  await Deno.rename(swapsPart, swapsPath);
  if (liq) await Deno.rename(eventsPart, eventsPath);
  await Deno.remove(ckPath).catch(() => {});
  const result: DownloadResult = {
    swaps: ck.swaps,
    liquidityEvents: nLiq,
    logs: stats,
    requests: rpc.requests,
    blocksRead,
    elapsedMs: performance.now() - t0,
    resumedFrom,
    files: { swaps: swapsPath, events: liq ? eventsPath : undefined, bars: barFiles },
  };
  log.info("download complete", {
    swaps: result.swaps,
    ranges: stats.ranges,
    splits: stats.splits,
    retries: stats.retries,
    ms: Math.round(result.elapsedMs),
  });
  return result;
}

/**
 * The first block whose timestamp is at or after `ts` (binary search over
 * block headers; block times are read, never assumed).
 */
export async function blockAtOrAfter(
  rpcUrl: string,
  ts: number,
  retry?: RetryOptions,
): Promise<bigint> {
  const rpc = new JsonRpc(rpcUrl);
  const time = async (n: bigint) => {
    const b = await withRetry(
      "eth_getBlockByNumber",
      () => rpc.call<{ timestamp: string }>("eth_getBlockByNumber", ["0x" + n.toString(16), false]),
      retry,
    );
    return Number(BigInt(b.timestamp));
  };
  let hi = BigInt(
    await withRetry("eth_blockNumber", () => rpc.call<string>("eth_blockNumber"), retry),
  );
  let lo = 0n;
  if (await time(hi) < ts) return hi + 1n;
  while (lo < hi) {
    const mid = (lo + hi) / 2n;
    if (await time(mid) < ts) lo = mid + 1n;
    else hi = mid;
  }
  return lo;
}
