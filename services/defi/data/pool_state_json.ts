/**
 * Lossless loaders for the Uniswap-Simulator data files
 * (chris-aubin/Uniswap-Simulator `data/<test>/`): a pool state dump
 * (`pool.txt`, `poolAfter.txt`) and the pool's events over a window
 * (`transactions.txt`). The files are JSON despite the extension and hold bare
 * integers far beyond 2^53, so they are parsed with lossless-json and every
 * integer becomes a `bigint` (or a `number` only where it is a tick, fee,
 * block or similar small value, checked to be exact).
 *
 * Known quirks of the format, handled here or documented on the fields
 * (shared/data/README.md §6):
 * - `ticks` is only a window of ticks around the current one, so the pool's
 *   active liquidity must be taken from `liquidity`, never from a sum of
 *   `liquidityNet`.
 * - `slot0.feeProtocol` is not a protocol-fee setting (200 is not even a valid
 *   encoding); by default the snapshot's `feeProtocol` is 0 and the raw value is
 *   kept in {@link SimulatorPoolState.rawFeeProtocol}.
 * - BURN `amount0` is an upstream collection bug (a copy of the liquidity
 *   `amount`); it is kept as read, see {@link SimulatorBurn.amount0}.
 * - COLLECT events are not recorded.
 * - Position keys are `owner + tickLower + tickUpper` with no separator; see
 *   {@link splitPositionKey}.
 *
 * @example
 * ```ts
 * import { loadPoolStateJson, loadTransactionsJson } from "./pool_state_json.ts";
 * const before = await loadPoolStateJson("data/testNil1/pool.txt");
 * const txs = await loadTransactionsJson("data/testNil1/transactions.txt");
 * console.log(before.snapshot.tick, before.snapshot.ticks.length, txs.events.length);
 * ```
 *
 * @module
 */
import { isLosslessNumber, type LosslessNumber, parse } from "lossless-json";
import type { PoolSnapshot, TickInfo } from "../../../core-wasm/types.ts";
import { DataFormatError } from "./swap_events_csv.ts";

/** One entry of a state dump's `ticks` map, oracle fields included. */
export interface SimulatorTick extends TickInfo {
  tick: number;
  tickCumulativeOutside: bigint;
  secondsPerLiquidityOutsideX128: bigint;
  secondsOutside: bigint;
}

/** A parsed `pool.txt` / `poolAfter.txt`. */
export interface SimulatorPoolState {
  /** Pool contract address, as written. */
  poolAddress: string;
  /** Block the state was read at. */
  block: number;
  token0: string;
  token1: string;
  /** The contract's `maxLiquidityPerTick`. */
  maxLiquidityPerTick: bigint;
  /** Pool token balances (these include uncollected owed tokens and protocol fees). */
  balance0: bigint;
  balance1: bigint;
  /** `slot0.feeProtocol` as written; not a reliable fee setting in this format. */
  rawFeeProtocol: number;
  observationIndex: number;
  observationCardinality: number;
  /**
   * Every entry of `ticks`, ascending, uninitialized ones included: the
   * window of ticks the dump covers. Ticks outside it are unknown, not absent.
   */
  tickWindow: SimulatorTick[];
  /** The state in the form `V3PoolFactory.loadPool` takes (initialized ticks only). */
  snapshot: PoolSnapshot;
}

/** Options for {@link parsePoolStateJson}. */
export interface PoolStateOptions {
  /** Name used in error messages (default: the path, or "<string>"). */
  source?: string;
  /**
   * How to fill `snapshot.feeProtocol`: `"off"` (default) sets 0, since this
   * format's `slot0.feeProtocol` is not the protocol-fee setting; `"raw"` uses
   * the written value and refuses one that is not a valid
   * `feeProtocol0 + (feeProtocol1 << 4)` encoding (each 0 or 4..10).
   */
  feeProtocol?: "off" | "raw";
}

/** Fields every event of `transactions.txt` has. */
export interface SimulatorEventBase {
  /** 0-based position in the file's `data` array. */
  index: number;
  blockNo: number;
  /** Block time, unix seconds. */
  timestamp: number;
  /** Gas price, wei. */
  gasPrice: bigint;
  gasUsed: bigint;
  /** Gas cost in ETH, a float as written (informational). */
  gasTotal: number;
}

/** A Swap event: pool-side signed amounts and the pool state after the swap. */
export interface SimulatorSwap extends SimulatorEventBase {
  method: "SWAP";
  sender: string;
  recipient: string;
  /** Token0 delta from the pool's side: > 0 paid in, < 0 paid out. */
  amount0: bigint;
  amount1: bigint;
  /** Price after the swap. */
  sqrtPriceX96: bigint;
  /** Active liquidity after the swap. */
  liquidity: bigint;
  /** Tick after the swap. */
  tick: number;
}

/** A Mint event. */
export interface SimulatorMint extends SimulatorEventBase {
  method: "MINT";
  sender: string;
  owner: string;
  tickLower: number;
  tickUpper: number;
  /** Liquidity added. */
  amount: bigint;
  /** Tokens paid in. */
  amount0: bigint;
  amount1: bigint;
}

/** A Burn event. */
export interface SimulatorBurn extends SimulatorEventBase {
  method: "BURN";
  owner: string;
  tickLower: number;
  tickUpper: number;
  /** Liquidity removed. */
  amount: bigint;
  /**
   * As written, which is WRONG upstream: a copy of `amount` (the liquidity),
   * a collection bug. Recompute the token0 owed from liquidity and price.
   */
  amount0: bigint;
  /** Token1 credited to the position's tokensOwed1. */
  amount1: bigint;
}

/** Any event of `transactions.txt`. */
export type SimulatorEvent = SimulatorSwap | SimulatorMint | SimulatorBurn;

/** A parsed `transactions.txt`. */
export interface SimulatorTransactions {
  poolAddress: string;
  /** As written (`DD/MM/YYYY`). */
  startDate: string;
  endDate: string;
  startBlock: number;
  endBlock: number;
  /** Events in file order. */
  events: SimulatorEvent[];
}

/** Options for {@link parseTransactionsJson}. */
export interface TransactionsOptions {
  /** Name used in error messages (default: the path, or "<string>"). */
  source?: string;
}

type Path = Array<string | number>;
type Json = unknown;

const MAX_TICK = 887272;
const UINT256_MAX = (1n << 256n) - 1n;

/** Reads typed values out of a parsed document, reporting errors at their line and column. */
class JsonReader {
  constructor(readonly text: string, readonly source: string) {}

  fail(path: Path, problem: string): never {
    const loc = locateJsonPath(this.text, path);
    throw new DataFormatError(
      this.source,
      loc.line,
      loc.column,
      pathText(path),
      loc.raw,
      problem,
    );
  }

  obj(v: Json, path: Path): Record<string, Json> {
    if (typeof v !== "object" || v === null || Array.isArray(v) || isLosslessNumber(v)) {
      this.fail(path, "expected an object");
    }
    return v as Record<string, Json>;
  }

  field(o: Record<string, Json>, key: string, path: Path): Json {
    if (!Object.hasOwn(o, key)) this.fail(path, `missing field "${key}"`);
    return o[key];
  }

  arr(v: Json, path: Path): Json[] {
    if (!Array.isArray(v)) this.fail(path, "expected an array");
    return v;
  }

  str(v: Json, path: Path): string {
    if (typeof v !== "string") this.fail(path, "expected a string");
    return v;
  }

  bool(v: Json, path: Path): boolean {
    if (typeof v !== "boolean") this.fail(path, "expected true or false");
    return v;
  }

  big(v: Json, path: Path, min = -UINT256_MAX, max = UINT256_MAX): bigint {
    if (!isLosslessNumber(v)) this.fail(path, "expected an integer");
    const text = (v as LosslessNumber).value;
    if (!/^-?\d+$/.test(text)) this.fail(path, "expected an integer");
    const n = BigInt(text);
    if (n < min || n > max) this.fail(path, `integer outside [${min}, ${max}]`);
    return n;
  }

  uint(v: Json, path: Path, bits = 256): bigint {
    return this.big(v, path, 0n, (1n << BigInt(bits)) - 1n);
  }

  int(v: Json, path: Path, min = -Number.MAX_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
    return Number(this.big(v, path, BigInt(min), BigInt(max)));
  }

  float(v: Json, path: Path): number {
    if (!isLosslessNumber(v)) this.fail(path, "expected a number");
    return Number((v as LosslessNumber).value);
  }

  tick(v: Json, path: Path): number {
    return this.int(v, path, -MAX_TICK, MAX_TICK);
  }
}

function pathText(path: Path): string {
  return path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("").replace(/^\./, "");
}

function parseDocument(text: string, source: string): Json {
  try {
    // lossless-json's default number parser yields LosslessNumber (exact text).
    return parse(text);
  } catch (e) {
    const m = e instanceof SyntaxError ? /position (\d+)/.exec(e.message) : null;
    if (!m) throw e;
    const offset = Number(m[1]);
    const { line, column } = lineColumn(text, offset);
    throw new DataFormatError(
      source,
      line,
      column,
      undefined,
      text.slice(offset, offset + 40),
      `invalid JSON (${e instanceof Error ? e.message : e})`,
    );
  }
}

/**
 * Splits a Uniswap-Simulator position key (`owner + tickLower + tickUpper`
 * with no separator, e.g. `0xC364…FE88254700260340`) into its parts. The owner
 * is the leading `0x` + 40 hex digits; the rest must split into exactly one
 * pair of canonical integers that are multiples of `tickSpacing` (when given),
 * inside ±887272, with tickLower < tickUpper. Returns undefined otherwise.
 *
 * @example
 * ```ts
 * import { splitPositionKey } from "./pool_state_json.ts";
 * splitPositionKey("0xC36442b4a4522E871399CD717aBDD847Ab11FE88254700260340", 60);
 * // { owner: "0xC36442b4a4522E871399CD717aBDD847Ab11FE88", tickLower: 254700, tickUpper: 260340 }
 * ```
 */
export function splitPositionKey(
  key: string,
  tickSpacing?: number,
): { owner: string; tickLower: number; tickUpper: number } | undefined {
  const m = /^(0x[0-9a-fA-F]{40})(-?\d+)$/.exec(key);
  if (!m) return undefined;
  const [, owner, rest] = m;
  const canonical = /^(?:0|-?[1-9]\d*)$/;
  const found: Array<{ owner: string; tickLower: number; tickUpper: number }> = [];
  for (let i = 1; i < rest.length; i++) {
    const a = rest.slice(0, i);
    const b = rest.slice(i);
    if (!canonical.test(a) || !canonical.test(b)) continue;
    const lo = Number(a);
    const hi = Number(b);
    if (lo < -MAX_TICK || hi > MAX_TICK || lo >= hi) continue;
    if (tickSpacing !== undefined && (lo % tickSpacing !== 0 || hi % tickSpacing !== 0)) continue;
    found.push({ owner, tickLower: lo, tickUpper: hi });
  }
  return found.length === 1 ? found[0] : undefined;
}

function validFeeProtocol(v: number): boolean {
  const ok = (x: number) => x === 0 || (x >= 4 && x <= 10);
  return v >= 0 && v < 256 && ok(v & 15) && ok(v >> 4);
}

/**
 * Parses a Uniswap-Simulator pool state dump (`pool.txt` / `poolAfter.txt`).
 * Every integer is read exactly; malformed or out-of-range values throw a
 * {@link DataFormatError} naming the source, line, column and value.
 * `snapshot.ticks` holds the initialized ticks of the window, ascending;
 * `snapshot.positions` every position of the dump (zero ones included), with
 * the owner address as the key.
 *
 * @example
 * ```ts
 * import { parsePoolStateJson } from "./pool_state_json.ts";
 * const state = parsePoolStateJson(await Deno.readTextFile("pool.txt"), { source: "pool.txt" });
 * state.snapshot.liquidity; // 1766665637075101135n
 * ```
 */
export function parsePoolStateJson(
  text: string,
  options: PoolStateOptions = {},
): SimulatorPoolState {
  const source = options.source ?? "<string>";
  const r = new JsonReader(text, source);
  const root = r.obj(parseDocument(text, source), []);
  const d = r.obj(r.field(root, "data", []), ["data"]);
  const f = (key: string) => r.field(d, key, ["data"]);
  const p = (key: string): Path => ["data", key];

  const fee = r.int(f("fee"), p("fee"), 0, 999_999);
  const tickSpacing = r.int(f("tickSpacing"), p("tickSpacing"), 1, 16384);
  const slot0 = r.obj(f("slot0"), p("slot0"));
  const s0 = (key: string) => r.field(slot0, key, p("slot0"));
  const sp = (key: string): Path => ["data", "slot0", key];
  const rawFeeProtocol = r.int(s0("feeProtocol"), sp("feeProtocol"), 0, 255);
  let feeProtocol = 0;
  if (options.feeProtocol === "raw") {
    if (!validFeeProtocol(rawFeeProtocol)) {
      r.fail(sp("feeProtocol"), "not a valid feeProtocol0 + (feeProtocol1 << 4) encoding");
    }
    feeProtocol = rawFeeProtocol;
  }
  const protocolFees = r.obj(f("protocolFees"), p("protocolFees"));
  const pf = (key: string) =>
    r.uint(r.field(protocolFees, key, p("protocolFees")), ["data", "protocolFees", key], 128);

  const ticksObj = r.obj(f("ticks"), p("ticks"));
  const tickWindow: SimulatorTick[] = [];
  for (const [key, value] of Object.entries(ticksObj)) {
    const tp: Path = ["data", "ticks", key];
    if (!/^(?:0|-?[1-9]\d*)$/.test(key)) r.fail(tp, `tick key "${key}" is not an integer`);
    const tick = Number(key);
    if (Math.abs(tick) > MAX_TICK || tick % tickSpacing !== 0) {
      r.fail(tp, `tick ${key} is not a multiple of tickSpacing ${tickSpacing} within ±${MAX_TICK}`);
    }
    const t = r.obj(value, tp);
    const g = (k: string) => r.field(t, k, tp);
    const entry: SimulatorTick = {
      tick,
      liquidityGross: r.uint(g("liquidityGross"), [...tp, "liquidityGross"], 128),
      liquidityNet: r.big(
        g("liquidityNet"),
        [...tp, "liquidityNet"],
        -(1n << 127n),
        (1n << 127n) - 1n,
      ),
      feeGrowthOutside0X128: r.uint(g("feeGrowthOutside0X128"), [...tp, "feeGrowthOutside0X128"]),
      feeGrowthOutside1X128: r.uint(g("feeGrowthOutside1X128"), [...tp, "feeGrowthOutside1X128"]),
      tickCumulativeOutside: r.big(
        g("tickCumulativeOutside"),
        [...tp, "tickCumulativeOutside"],
        -(1n << 55n),
        (1n << 55n) - 1n,
      ),
      secondsPerLiquidityOutsideX128: r.uint(
        g("secondsPerLiquidityOutsideX128"),
        [...tp, "secondsPerLiquidityOutsideX128"],
        160,
      ),
      secondsOutside: r.uint(g("secondsOutside"), [...tp, "secondsOutside"], 32),
      initialized: r.bool(g("initialized"), [...tp, "initialized"]),
    };
    if (entry.initialized !== (entry.liquidityGross > 0n)) {
      r.fail([...tp, "initialized"], "initialized disagrees with liquidityGross > 0");
    }
    tickWindow.push(entry);
  }
  tickWindow.sort((a, b) => a.tick - b.tick);

  const positionsObj = r.obj(f("positions"), p("positions"));
  const positions: PoolSnapshot["positions"] = [];
  for (const [key, value] of Object.entries(positionsObj)) {
    const pp: Path = ["data", "positions", key];
    const parts = splitPositionKey(key, tickSpacing) ??
      r.fail(pp, `position key "${key}" is not owner + tickLower + tickUpper`);
    const o = r.obj(value, pp);
    const g = (k: string) => r.field(o, k, pp);
    positions.push({
      ...parts,
      liquidity: r.uint(g("liquidity"), [...pp, "liquidity"], 128),
      feeGrowthInside0LastX128: r.uint(
        g("feeGrowthInside0LastX128"),
        [...pp, "feeGrowthInside0LastX128"],
      ),
      feeGrowthInside1LastX128: r.uint(
        g("feeGrowthInside1LastX128"),
        [...pp, "feeGrowthInside1LastX128"],
      ),
      tokensOwed0: r.uint(g("tokensOwed0"), [...pp, "tokensOwed0"], 128),
      tokensOwed1: r.uint(g("tokensOwed1"), [...pp, "tokensOwed1"], 128),
    });
  }

  const snapshot: PoolSnapshot = {
    fee,
    tickSpacing,
    sqrtPriceX96: r.uint(s0("sqrtPriceX96"), sp("sqrtPriceX96"), 160),
    tick: r.tick(s0("tick"), sp("tick")),
    liquidity: r.uint(f("liquidity"), p("liquidity"), 128),
    feeGrowthGlobal0X128: r.uint(f("feeGrowthGlobal0X128"), p("feeGrowthGlobal0X128")),
    feeGrowthGlobal1X128: r.uint(f("feeGrowthGlobal1X128"), p("feeGrowthGlobal1X128")),
    feeProtocol,
    protocolFees0: pf("token0"),
    protocolFees1: pf("token1"),
    ticks: tickWindow.filter((t) => t.initialized).map((t) => ({
      tick: t.tick,
      liquidityGross: t.liquidityGross,
      liquidityNet: t.liquidityNet,
      feeGrowthOutside0X128: t.feeGrowthOutside0X128,
      feeGrowthOutside1X128: t.feeGrowthOutside1X128,
      initialized: true,
    })),
    positions,
  };

  return {
    poolAddress: r.str(r.field(root, "poolAddress", []), ["poolAddress"]),
    block: r.int(r.field(root, "block", []), ["block"], 0),
    token0: r.str(f("token0"), p("token0")),
    token1: r.str(f("token1"), p("token1")),
    maxLiquidityPerTick: r.uint(f("maxLiquidityPerTick"), p("maxLiquidityPerTick"), 128),
    balance0: r.uint(f("balance0"), p("balance0")),
    balance1: r.uint(f("balance1"), p("balance1")),
    rawFeeProtocol,
    observationIndex: r.int(s0("observationIndex"), sp("observationIndex"), 0, 65535),
    observationCardinality: r.int(
      s0("observationCardinality"),
      sp("observationCardinality"),
      0,
      65535,
    ),
    tickWindow,
    snapshot,
  };
}

/**
 * Parses a Uniswap-Simulator `transactions.txt` into typed SWAP/MINT/BURN
 * events, in file order, with exact bigint amounts. Values are kept as
 * written, including the upstream BURN `amount0` bug (see
 * {@link SimulatorBurn.amount0}).
 *
 * @example
 * ```ts
 * import { parseTransactionsJson } from "./pool_state_json.ts";
 * const txs = parseTransactionsJson(await Deno.readTextFile("transactions.txt"));
 * const swaps = txs.events.filter((e) => e.method === "SWAP");
 * ```
 */
export function parseTransactionsJson(
  text: string,
  options: TransactionsOptions = {},
): SimulatorTransactions {
  const source = options.source ?? "<string>";
  const r = new JsonReader(text, source);
  const root = r.obj(parseDocument(text, source), []);
  const rf = (key: string) => r.field(root, key, []);
  const data = r.arr(rf("data"), ["data"]);
  const events: SimulatorEvent[] = data.map((value, index): SimulatorEvent => {
    const ep: Path = ["data", index];
    const o = r.obj(value, ep);
    const g = (k: string) => r.field(o, k, ep);
    const at = (k: string): Path => [...ep, k];
    const base: SimulatorEventBase = {
      index,
      blockNo: r.int(g("blockNo"), at("blockNo"), 0),
      timestamp: r.int(g("timestamp"), at("timestamp"), 0),
      gasPrice: r.uint(g("gasPrice"), at("gasPrice")),
      gasUsed: r.uint(g("gasUsed"), at("gasUsed")),
      gasTotal: r.float(g("gasTotal"), at("gasTotal")),
    };
    const method = r.str(g("method"), at("method"));
    switch (method) {
      case "SWAP":
        return {
          method,
          ...base,
          sender: r.str(g("sender"), at("sender")),
          recipient: r.str(g("recipient"), at("recipient")),
          amount0: r.big(g("amount0"), at("amount0"), -(1n << 255n), (1n << 255n) - 1n),
          amount1: r.big(g("amount1"), at("amount1"), -(1n << 255n), (1n << 255n) - 1n),
          sqrtPriceX96: r.uint(g("sqrtPriceX96"), at("sqrtPriceX96"), 160),
          liquidity: r.uint(g("liquidity"), at("liquidity"), 128),
          tick: r.tick(g("tick"), at("tick")),
        };
      case "MINT":
      case "BURN": {
        const tickLower = r.tick(g("tickLower"), at("tickLower"));
        const tickUpper = r.tick(g("tickUpper"), at("tickUpper"));
        if (tickLower >= tickUpper) r.fail(at("tickUpper"), "tickUpper is not above tickLower");
        const common = {
          ...base,
          owner: r.str(g("owner"), at("owner")),
          tickLower,
          tickUpper,
          amount: r.uint(g("amount"), at("amount"), 128),
          amount0: r.uint(g("amount0"), at("amount0")),
          amount1: r.uint(g("amount1"), at("amount1")),
        };
        return method === "MINT"
          ? { method, ...common, sender: r.str(g("sender"), at("sender")) }
          : { method, ...common };
      }
      default:
        return r.fail(at("method"), "unknown method (expected SWAP, MINT or BURN)");
    }
  });
  return {
    poolAddress: r.str(rf("poolAddress"), ["poolAddress"]),
    startDate: r.str(rf("startDate"), ["startDate"]),
    endDate: r.str(rf("endDate"), ["endDate"]),
    startBlock: r.int(rf("startBlock"), ["startBlock"], 0),
    endBlock: r.int(rf("endBlock"), ["endBlock"], 0),
    events,
  };
}

function sourceName(path: string | URL, given?: string): string {
  return given ?? (path instanceof URL ? decodeURIComponent(path.pathname) : path);
}

/**
 * Reads and parses a pool state dump file (path or `file:` URL).
 *
 * @example
 * ```ts
 * import { loadPoolStateJson } from "./pool_state_json.ts";
 * const after = await loadPoolStateJson(new URL("./poolAfter.txt", import.meta.url));
 * console.log(after.snapshot.sqrtPriceX96);
 * ```
 */
export async function loadPoolStateJson(
  path: string | URL,
  options: PoolStateOptions = {},
): Promise<SimulatorPoolState> {
  const text = await Deno.readTextFile(path);
  return parsePoolStateJson(text, { ...options, source: sourceName(path, options.source) });
}

/**
 * Reads and parses a `transactions.txt` file (path or `file:` URL).
 *
 * @example
 * ```ts
 * import { loadTransactionsJson } from "./pool_state_json.ts";
 * const { events } = await loadTransactionsJson("transactions.txt");
 * ```
 */
export async function loadTransactionsJson(
  path: string | URL,
  options: TransactionsOptions = {},
): Promise<SimulatorTransactions> {
  const text = await Deno.readTextFile(path);
  return parseTransactionsJson(text, { ...options, source: sourceName(path, options.source) });
}

// ---------------------------------------------------------------------------
// Locating a value in the JSON text, for error messages only.

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Finds the value at `path` in JSON `text` (the deepest existing prefix when
 * the path is missing): its 1-based line and column and its raw text.
 */
function locateJsonPath(text: string, path: Path): { line: number; column: number; raw: string } {
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\r\n".includes(text[i])) i++;
  };
  const skipString = () => {
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    i++;
  };
  const skipValue = (): void => {
    ws();
    const c = text[i];
    if (c === '"') return skipString();
    if (c === "{" || c === "[") {
      const close = c === "{" ? "}" : "]";
      i++;
      ws();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (c === "{") {
          skipString();
          ws();
          i++; // ':'
        }
        skipValue();
        ws();
        if (text[i] === ",") i++;
        else {
          i++;
          return;
        }
      }
    }
    while (i < text.length && !",}] \t\r\n".includes(text[i])) i++;
  };
  ws();
  let start = i;
  for (const step of path) {
    ws();
    start = i;
    const c = text[i];
    let found = false;
    if (c === "{" && typeof step === "string") {
      i++;
      ws();
      while (i < text.length && text[i] !== "}") {
        ws();
        const ks = i;
        skipString();
        let key: string;
        try {
          key = JSON.parse(text.slice(ks, i));
        } catch {
          key = "";
        }
        ws();
        i++; // ':'
        ws();
        if (key === step) {
          found = true;
          break;
        }
        skipValue();
        ws();
        if (text[i] === ",") i++;
      }
    } else if (c === "[" && typeof step === "number") {
      i++;
      ws();
      for (let n = 0; i < text.length && text[i] !== "]"; n++) {
        ws();
        if (n === step) {
          found = true;
          break;
        }
        skipValue();
        ws();
        if (text[i] === ",") i++;
      }
    }
    if (!found) {
      i = start;
      break;
    }
  }
  ws();
  start = i;
  skipValue();
  const raw = text.slice(start, Math.min(i, start + 200));
  return { ...lineColumn(text, start), raw };
}
