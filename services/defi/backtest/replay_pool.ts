/**
 * Rebuilding a pool from a decoded swap-event log (demeter tick.csv) when no
 * full on-chain snapshot is at hand, so a day of real swaps can be replayed
 * through the exact pool with our liquidity added.
 *
 * Every SWAP row carries the active liquidity after it, i.e. the liquidity of
 * the tick-spacing bucket the price ended in. Pass 1 records, per bucket, the
 * first such observation, and every MINT/BURN of the log; the bucket's
 * liquidity at the *start* of the log is that observation minus the net
 * liquidity the log's earlier MINT/BURNs added to that bucket (exact, since
 * the log holds every liquidity change of the pool). Buckets never visited
 * take their nearest visited neighbour's value (they only matter if our
 * presence pushes the price there). The pool starts at the first swap's
 * post-swap price; pass 2 replays the rest: swaps as exact input of the
 * amount paid in, MINT/BURN as liquidity changes on the same buckets.
 *
 * The fidelity is measured, not assumed: `counts.tickDrift` in the replay
 * summary is the number of swaps whose post-swap tick differs from the log's.
 *
 * @module
 */
import type { WasmCore, WasmPool } from "../../../core-wasm/mod.ts";
import { type DemeterEvent, openDemeterEvents } from "../data/swap_events_csv.ts";
import { floorTick, tickBounds } from "../ticks.ts";
import type { MarketEvent, PoolConfig } from "./types.ts";

/** Opens one named event source (default: a CSV file; the browser passes an upload). */
export type OpenEvents = (path: string) => AsyncIterable<DemeterEvent>;

const openFile: OpenEvents = (path) => openDemeterEvents(path);

/** Margin of buckets minted beyond the visited band on each side. */
const MARGIN_BUCKETS = 400;

/** What pass 1 learns. */
export interface PoolProfile {
  startT: number;
  sqrtPriceX96: bigint;
  tick: number;
  /** Bucket lower tick -> liquidity at the start of the log. */
  buckets: Map<number, bigint>;
  lo: number;
  hi: number;
  swaps: number;
}

/** Pass 1 over the files. */
export async function profileFromEvents(
  paths: readonly string[],
  pool: PoolConfig,
  from = -Infinity,
  to = Infinity,
  open: OpenEvents = openFile,
): Promise<PoolProfile> {
  const s = pool.tickSpacing;
  const first = new Map<number, { L: bigint; idx: number }>();
  const changes: { idx: number; l: number; u: number; L: bigint }[] = [];
  let idx = 0;
  let start: { t: number; sqrt: bigint; tick: number } | null = null;
  let swaps = 0;
  for (const path of paths) {
    for await (const ev of open(path)) {
      if (ev.timestamp < from || ev.timestamp >= to) continue;
      idx++;
      if (ev.type === "SWAP") {
        swaps++;
        if (!start) start = { t: ev.timestamp, sqrt: ev.sqrtPriceX96, tick: ev.tick };
        const b = floorTick(ev.tick, s);
        if (!first.has(b)) first.set(b, { L: ev.liquidity, idx });
      } else if (ev.type === "MINT" || ev.type === "BURN") {
        changes.push({
          idx,
          l: ev.tickLower,
          u: ev.tickUpper,
          L: ev.type === "MINT" ? ev.liquidity : -ev.liquidity,
        });
      }
    }
  }
  if (!start) throw new Error(`Cannot replay ${paths.join(", ")}: no SWAP rows in the window`);
  const keys = [...first.keys()].sort((a, b) => a - b);
  const { min, max } = tickBounds(s);
  const lo = Math.max(min, keys[0] - MARGIN_BUCKETS * s);
  const hi = Math.min(max - s, keys[keys.length - 1] + MARGIN_BUCKETS * s);
  const buckets = new Map<number, bigint>();
  for (const b of keys) {
    const o = first.get(b)!;
    let L = o.L;
    for (const c of changes) if (c.idx < o.idx && c.l <= b && b < c.u) L -= c.L;
    buckets.set(b, L > 0n ? L : 0n);
  }
  // fill: nearest visited bucket below (or the lowest one)
  let last = buckets.get(keys[0])!;
  for (let b = lo; b <= hi; b += s) {
    const v = buckets.get(b);
    if (v !== undefined) last = v;
    else buckets.set(b, b < keys[0] ? buckets.get(keys[0])! : last);
  }
  return { startT: start.t, sqrtPriceX96: start.sqrt, tick: start.tick, buckets, lo, hi, swaps };
}

/** A pool holding the profile's liquidity as one position per bucket. */
export function poolFromProfile(core: WasmCore, cfg: PoolConfig, prof: PoolProfile): WasmPool {
  const pool = core.createPool(cfg.fee, cfg.tickSpacing);
  pool.initialize(prof.sqrtPriceX96);
  const s = cfg.tickSpacing;
  for (const [b, L] of [...prof.buckets].sort((x, y) => x[0] - y[0])) {
    if (L > 0n) pool.mint(`bg-${b}`, b, b + s, L);
  }
  return pool;
}

/**
 * Pass 2: the log as market events (skipping the first swap, whose post
 * state is the pool's start). Liquidity changes apply to whole positions
 * when the log's own mints created them, else to the bucket positions.
 */
export async function* replayEvents(
  paths: readonly string[],
  cfg: PoolConfig,
  prof: PoolProfile,
  from = -Infinity,
  to = Infinity,
  batchSize = 4096,
  open: OpenEvents = openFile,
): AsyncGenerator<MarketEvent[]> {
  const s = cfg.tickSpacing;
  const bucketL = new Map(prof.buckets);
  const own = new Map<string, bigint>();
  let batch: MarketEvent[] = [];
  let skippedFirst = false;
  const push = (e: MarketEvent) => {
    batch.push(e);
  };
  for (const path of paths) {
    for await (const ev of open(path)) {
      if (ev.timestamp < from || ev.timestamp >= to) continue;
      const t = ev.timestamp;
      if (ev.type === "SWAP") {
        if (!skippedFirst) {
          skippedFirst = true;
          continue;
        }
        const zeroForOne = ev.amount0 > 0n;
        const amount = zeroForOne ? ev.amount0 : ev.amount1;
        if (amount <= 0n) continue;
        push({ kind: "swap", t, zeroForOne, amount, recordedTick: ev.tick });
      } else if (ev.type === "MINT") {
        const key = `ext:${ev.tickLower}:${ev.tickUpper}`;
        own.set(key, (own.get(key) ?? 0n) + ev.liquidity);
        push({
          kind: "mint",
          t,
          owner: key,
          tickLower: ev.tickLower,
          tickUpper: ev.tickUpper,
          liquidity: ev.liquidity,
        });
      } else if (ev.type === "BURN") {
        if (ev.liquidity === 0n) continue;
        const key = `ext:${ev.tickLower}:${ev.tickUpper}`;
        const have = own.get(key) ?? 0n;
        if (have >= ev.liquidity) {
          own.set(key, have - ev.liquidity);
          push({
            kind: "burn",
            t,
            owner: key,
            tickLower: ev.tickLower,
            tickUpper: ev.tickUpper,
            liquidity: ev.liquidity,
          });
        } else {
          // a position from before the log: take it from the buckets it covers
          const lo = Math.max(ev.tickLower, prof.lo);
          const hi = Math.min(ev.tickUpper, prof.hi + s);
          for (let b = lo; b < hi; b += s) {
            const avail = bucketL.get(b) ?? 0n;
            const take = avail < ev.liquidity ? avail : ev.liquidity;
            if (take <= 0n) continue;
            bucketL.set(b, avail - take);
            push({
              kind: "burn",
              t,
              owner: `bg-${b}`,
              tickLower: b,
              tickUpper: b + s,
              liquidity: take,
            });
          }
        }
      }
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length) yield batch;
}
