/**
 * Command-line and INI options of `deno task backtest`. One table drives the
 * flag parser, the INI reader (every key of every section is a flag name
 * without `--`) and `--help`.
 *
 * @module
 */
import { parseIni } from "../../common/config/ini.ts";
import { type BadRowCounts, newBadRowCounts } from "../data/bars_csv.ts";
import { defaultRunOptions, type RunOptions } from "./run.ts";
import { DEFAULT_HEDGE, type PoolConfig } from "./types.ts";

/** Options beyond one run's parameters. */
export interface CliOptions extends RunOptions {
  /** Data files or directories (empty: the embedded synthetic market). */
  data: string[];
  format: "auto" | "swaps" | "bars";
  /** Output folder ("" = out/backtest-<seed>/ or out/sweep-<seed>/). */
  out: string;
  skipBadRows: boolean;
  progress: boolean;
  gasData: string;
  poolConfig: string;
  /** Sweep INI file, or "". */
  sweep: string;
  /** Worker count for sweeps (0 = hardware concurrency). */
  workers: number;
  /** Max gap between bars, in bar intervals, before it counts as a bad gap. */
  maxGapBars: number;
  help: boolean;
  /** True when --mode was given (else the data decides). */
  modeExplicit: boolean;
  /** Skipped-row counters (filled while reading bars). */
  badRows: BadRowCounts;
}

/** Defaults of every option. */
export function defaultCliOptions(): CliOptions {
  return {
    ...defaultRunOptions(),
    data: [],
    format: "auto",
    out: "",
    skipBadRows: false,
    progress: true,
    gasData: "",
    poolConfig: "",
    sweep: "",
    workers: 0,
    maxGapBars: 1,
    help: false,
    modeExplicit: false,
    badRows: newBadRowCounts(),
  };
}

type Apply = (o: CliOptions, v: string, flag: string) => void;
interface Spec {
  arg: string;
  help: string;
  apply: Apply;
  /** A flag without a value. */
  bool?: boolean;
}

function num(flag: string, v: string, min = -Infinity, max = Infinity): number {
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n < min || n > max) {
    throw new Error(`Cannot parse ${flag}: '${v}' is not a number in [${min}, ${max}]`);
  }
  return n;
}

function int(flag: string, v: string, min = -Infinity, max = Infinity): number {
  const n = num(flag, v, min, max);
  if (!Number.isInteger(n)) throw new Error(`Cannot parse ${flag}: '${v}' is not an integer`);
  return n;
}

/** Parses an ISO date or date-time (UTC when no zone) into unix seconds. */
export function parseTime(flag: string, v: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?(Z)?$/.exec(v.trim());
  if (!m) throw new Error(`Cannot parse ${flag}: '${v}' is not YYYY-MM-DD[THH:MM[:SS]] (UTC)`);
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0)) / 1000;
}

function bool(flag: string, v: string): boolean {
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  if (/^(0|false|no|off)$/i.test(v)) return false;
  throw new Error(`Cannot parse ${flag}: '${v}' is not a boolean (true/false)`);
}

const hedgeOn = (o: CliOptions) => (o.hedge ??= { ...DEFAULT_HEDGE });

/** Every option: flag name (without --) -> spec. */
export const OPTIONS: Record<string, Spec> = {
  data: {
    arg: "PATH[,PATH..]",
    help: "market data: swap-event CSV (demeter tick.csv), bars CSV (our bars format or " +
      "demeter minute.csv), .gz accepted, or a directory (files in name order). " +
      "Default: the embedded seeded synthetic market (offline)",
    apply: (o, v) => (o.data = v.split(",").map((s) => s.trim()).filter(Boolean)),
  },
  format: {
    arg: "auto|swaps|bars",
    help: "data format (default auto: from the CSV header)",
    apply: (o, v, f) => {
      if (v !== "auto" && v !== "swaps" && v !== "bars") {
        throw new Error(`Cannot parse ${f}: '${v}'`);
      }
      o.format = v;
    },
  },
  mode: {
    arg: "swap|bar",
    help: "simulation: swap-level (exact pool, needs swap events or the synthetic market) or " +
      "bar mode (fees = in-range volume x fee x our share of active liquidity). Default: swap " +
      "for swap data and the synthetic market, bar for bars",
    apply: (o, v, f) => {
      if (v !== "swap" && v !== "bar") throw new Error(`Cannot parse ${f}: '${v}' (swap|bar)`);
      o.mode = v;
      o.modeExplicit = true;
    },
  },
  "pool-config": {
    arg: "FILE",
    help: "pool/token description (JSON or INI [pool]: fee, tickSpacing, symbol0/1, " +
      "decimals0/1, baseToken, nativeToken (0|1|none), nativePriceQuote, nativeSymbol). " +
      "Default: USDC/WETH 0.05% on Ethereum",
    apply: (o, v) => (o.poolConfig = v),
  },
  model: {
    arg: "as|glft",
    help: "range model: Avellaneda-Stoikov (as) or GLFT (default as)",
    apply: (o, v, f) => {
      if (v !== "as" && v !== "glft") throw new Error(`Cannot parse ${f}: '${v}' (as|glft)`);
      o.model.model = v;
    },
  },
  from: {
    arg: "DATE",
    help: "start of the window, YYYY-MM-DD[THH:MM[:SS]] UTC (inclusive)",
    apply: (o, v, f) => (o.from = parseTime(f, v)),
  },
  to: {
    arg: "DATE",
    help: "end of the window, UTC (exclusive)",
    apply: (o, v, f) => (o.to = parseTime(f, v)),
  },
  out: {
    arg: "DIR",
    help: "run folder (default out/backtest-<seed>/, sweeps out/sweep-<seed>/)",
    apply: (o, v) => (o.out = v),
  },
  seed: {
    arg: "N",
    help: "seed of the synthetic market (default 1); same seed + same data = same summary.json",
    apply: (o, v, f) => (o.seed = int(f, v, 0, 2 ** 32 - 1)),
  },
  days: {
    arg: "N",
    help: "length of the synthetic market in days (default 7)",
    apply: (o, v, f) => (o.synthetic.days = num(f, v, 0.01, 3660)),
  },
  capital: {
    arg: "QUOTE",
    help: "initial capital in quote units, split at the target ratio (default 100000)",
    apply: (o, v, f) => (o.capitalQuote = num(f, v, 1e-6)),
  },
  "target-ratio": {
    arg: "X",
    help: "target value share of the base token, 0..1 (default 0.5)",
    apply: (o, v, f) => (o.strategy.targetRatio = num(f, v, 0, 1)),
  },
  threshold: {
    arg: "X",
    help: "rebalance when |ratio - target| rises through X (edge-triggered; default 0.15)",
    apply: (o, v, f) => (o.strategy.threshold = num(f, v, 1e-9, 1)),
  },
  "min-interval": {
    arg: "SEC",
    help: "minimum seconds between rebalances (default 3600)",
    apply: (o, v, f) => (o.strategy.minIntervalSec = num(f, v, 0)),
  },
  "swap-fraction": {
    arg: "X",
    help: "fraction of the excess swapped back toward target at a rebalance (default 0.5)",
    apply: (o, v, f) => (o.strategy.swapFraction = num(f, v, 0, 1)),
  },
  "benefit-horizon": {
    arg: "SEC",
    help: "horizon of the rebalance cost check's expected benefit (default 86400)",
    apply: (o, v, f) => (o.strategy.benefitHorizonSec = num(f, v, 0)),
  },
  "min-benefit-to-cost": {
    arg: "X",
    help: "rebalance only if expected benefit >= X x (gas + swap cost) (default 1)",
    apply: (o, v, f) => (o.strategy.minBenefitToCost = num(f, v, 0)),
  },
  "layout-reversion": {
    arg: "X",
    help: "share of the remaining deviation the new layout is expected to pull back (default 0.5)",
    apply: (o, v, f) => (o.strategy.layoutReversion = num(f, v, 0, 1)),
  },
  "rebalance-on-exit": {
    arg: "BOOL",
    help: "treat the price leaving the main range as a trigger (default true)",
    apply: (o, v, f) => (o.strategy.rebalanceOnExit = bool(f, v)),
  },
  gamma: {
    arg: "X",
    help: "A-S risk aversion per (percentage point x tick) (default 5e-5)",
    apply: (o, v, f) => (o.model.gamma = num(f, v, 1e-300)),
  },
  k: {
    arg: "X",
    help: "fill-intensity decay k in 1/tick, both models (default 0.01)",
    apply: (o, v, f) => (o.model.k = num(f, v, 1e-300)),
  },
  "horizon-days": {
    arg: "X",
    help: "A-S horizon T-t in days (default 1)",
    apply: (o, v, f) => (o.model.horizonDays = num(f, v, 0)),
  },
  "inventory-penalty": {
    arg: "X",
    help: "GLFT inventory penalty gamma (default 5e-5)",
    apply: (o, v, f) => (o.model.inventoryPenalty = num(f, v, 1e-300)),
  },
  "terminal-penalty": {
    arg: "X",
    help: "GLFT terminal inventory penalty xi (default = inventory penalty; 0 = running penalty)",
    apply: (o, v, f) => (o.model.terminalPenalty = num(f, v, 0)),
  },
  "fill-intensity": {
    arg: "A",
    help: "GLFT fill intensity at zero depth, fills/day (default 500)",
    apply: (o, v, f) => (o.model.A = num(f, v, 1e-300)),
  },
  "execution-cost": {
    arg: "TICKS",
    help: "GLFT execution cost added to each depth, ticks (default 5 = the 0.05% fee)",
    apply: (o, v, f) => (o.model.executionCostTicks = num(f, v, 0)),
  },
  "max-position": {
    arg: "PP",
    help: "GLFT max inventory deviation in percentage points (default 40)",
    apply: (o, v, f) => (o.model.maxPosition = num(f, v, 1e-9)),
  },
  "width-scale": {
    arg: "X",
    help: "range width per tick of model depth (default 2)",
    apply: (o, v, f) => (o.model.widthScale = num(f, v, 1e-9)),
  },
  "min-width": {
    arg: "TICKS",
    help: "narrowest side of a range in ticks (default 20)",
    apply: (o, v, f) => (o.model.minWidthTicks = num(f, v, 1)),
  },
  "max-width": {
    arg: "TICKS",
    help: "widest side of a range in ticks (default 20000)",
    apply: (o, v, f) => (o.model.maxWidthTicks = num(f, v, 1)),
  },
  "vol-window": {
    arg: "N",
    help: "volatility window in samples (default 1440)",
    apply: (o, v, f) => (o.volatility.window = int(f, v, 2)),
  },
  "vol-sample": {
    arg: "SEC",
    help: "volatility sampling step in seconds (default 60)",
    apply: (o, v, f) => (o.volatility.sampleSec = num(f, v, 1e-3)),
  },
  "gas-price": {
    arg: "GWEI",
    help: "constant gas price in gwei (default 20; used before/without --gas-data)",
    apply: (o, v, f) => (o.gas.gwei = num(f, v, 0)),
  },
  "gas-data": {
    arg: "FILE",
    help: "gas price series CSV (block_timestamp, gas_price in gwei), a step function",
    apply: (o, v) => (o.gasData = v),
  },
  "native-price": {
    arg: "QUOTE",
    help: "native token price in quote units when the gas token is not in the pool",
    apply: (o, v, f) => (o.pool.nativePriceQuote = num(f, v, 0)),
  },
  "gas-units": {
    arg: "M,B,C,S",
    help: "gas units of mint, burn, collect, swap (default 400000,160000,120000,130000)",
    apply: (o, v, f) => {
      const xs = v.split(",").map((x) => int(f, x, 0));
      if (xs.length !== 4) throw new Error(`Cannot parse ${f}: '${v}' needs 4 integers`);
      [o.gas.mint, o.gas.burn, o.gas.collect, o.gas.swap] = xs;
    },
  },
  hedge: {
    arg: "",
    bool: true,
    help: "hedge inventory deltas on a simulated perp (off by default)",
    apply: (o, v, f) => {
      if (v === "" || bool(f, v)) hedgeOn(o);
      else o.hedge = null;
    },
  },
  "hedge-ratio": {
    arg: "X",
    help: "hedged fraction of the base delta (default 1; implies --hedge)",
    apply: (o, v, f) => (hedgeOn(o).ratio = num(f, v, 0, 1)),
  },
  "hedge-fee": {
    arg: "X",
    help: "perp taker fee per unit notional (default 0.0005; implies --hedge)",
    apply: (o, v, f) => (hedgeOn(o).feeRate = num(f, v, 0)),
  },
  "hedge-funding": {
    arg: "X",
    help: "perp funding per year, longs pay shorts (default 0.1; implies --hedge)",
    apply: (o, v, f) => (hedgeOn(o).fundingPerYear = num(f, v)),
  },
  "hedge-threshold": {
    arg: "X",
    help: "re-hedge when off target by X of capital (default 0.02; implies --hedge)",
    apply: (o, v, f) => (hedgeOn(o).thresholdFraction = num(f, v, 0)),
  },
  sample: {
    arg: "SEC",
    help: "seconds between time-series rows (default 900)",
    apply: (o, v, f) => (o.sampleSec = num(f, v, 1)),
  },
  "max-gap": {
    arg: "BARS",
    help: "bars may be at most this many intervals apart before it is a gap (default 1)",
    apply: (o, v, f) => (o.maxGapBars = num(f, v, 1)),
  },
  "skip-bad-rows": {
    arg: "",
    bool: true,
    help: "skip (and count in the report) rows with missing columns, non-numbers, time " +
      "going backwards or gaps, instead of stopping with file:line:column",
    apply: (o, v, f) => (o.skipBadRows = v === "" || bool(f, v)),
  },
  "no-progress": {
    arg: "",
    bool: true,
    help: "no progress bar (it is off anyway when stderr is not a terminal)",
    apply: (o) => (o.progress = false),
  },
  "close-at-end": {
    arg: "BOOL",
    help: "burn and collect at the end, paying gas (default true)",
    apply: (o, v, f) => (o.closeAtEnd = bool(f, v)),
  },
  config: {
    arg: "FILE.ini",
    help: "read options from an INI file (keys = these flag names; later flags override)",
    apply: () => {},
  },
  sweep: {
    arg: "FILE.ini",
    help: "run a parameter grid ([sweep] keys = flag names, values comma-separated) in " +
      "parallel workers; writes ranking.csv and heatmap.html",
    apply: (o, v) => (o.sweep = v),
  },
  workers: {
    arg: "N",
    help: "sweep workers (default: number of CPUs)",
    apply: (o, v, f) => (o.workers = int(f, v, 1, 256)),
  },
  help: { arg: "", bool: true, help: "this help", apply: (o) => (o.help = true) },
};

/** Applies one named option (flag without --) with its text value. */
export function applyOption(o: CliOptions, name: string, value: string, where = `--${name}`): void {
  const spec = OPTIONS[name];
  if (!spec) throw new Error(`Unknown option ${where} (try --help)`);
  spec.apply(o, value, where);
}

/** The (flag, value) pairs of every section of an INI text except [sweep]. */
export function iniPairs(text: string, file: string): [string, string][] {
  const ini = parseIni(text, file, Deno.env.toObject());
  const out: [string, string][] = [];
  for (const [name, sec] of ini.sections) {
    if (name === "sweep") continue;
    for (const [key, e] of sec.entries) {
      if (!OPTIONS[key]) {
        throw new Error(`Unknown option ${file}:${e.line} [${name}] ${key} (try --help)`);
      }
      out.push([key, e.value]);
    }
  }
  return out;
}

/** Applies every key of every section of an INI text (except [sweep]). */
export function applyIni(o: CliOptions, text: string, file: string): void {
  const ini = parseIni(text, file, Deno.env.toObject());
  for (const [name, sec] of ini.sections) {
    if (name === "sweep") continue;
    for (const [key, e] of sec.entries) {
      applyOption(o, key, e.value, `${file}:${e.line} [${name}] ${key}`);
    }
  }
}

/**
 * Parses argv (after reading any --config file) into options; `pre` pairs
 * (flag name, value) are applied before the config file and the flags.
 */
export function parseCli(argv: string[], pre: readonly [string, string][] = []): CliOptions {
  const o = defaultCliOptions();
  for (const [n, v] of pre) applyOption(o, n, v);
  const flags: [string, string][] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) throw new Error(`Unexpected argument '${a}' (try --help)`);
    let name = a.slice(2);
    let value: string | undefined;
    const eq = name.indexOf("=");
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    const spec = OPTIONS[name];
    if (!spec) throw new Error(`Unknown option --${name} (try --help)`);
    if (value === undefined) {
      if (spec.bool) value = "";
      else {
        value = argv[++i];
        if (value === undefined) throw new Error(`Option --${name} needs a value ${spec.arg}`);
      }
    }
    flags.push([name, value]);
  }
  for (const [n, v] of flags) {
    if (n === "config") applyIni(o, Deno.readTextFileSync(v), v);
  }
  for (const [n, v] of flags) if (n !== "config") applyOption(o, n, v);
  if (o.poolConfig) o.pool = { ...o.pool, ...readPoolConfig(o.poolConfig) };
  return o;
}

/** Reads a pool config (JSON or INI [pool]). */
export function readPoolConfig(path: string): Partial<PoolConfig> {
  const text = Deno.readTextFileSync(path);
  let raw: Record<string, string | number | null>;
  if (path.endsWith(".json")) raw = JSON.parse(text);
  else {
    const ini = parseIni(text, path, Deno.env.toObject());
    const sec = ini.sections.get("pool");
    if (!sec) throw new Error(`Cannot read pool config ${path}: no [pool] section`);
    raw = Object.fromEntries([...sec.entries].map(([k, e]) => [k, e.value]));
  }
  const out: Partial<PoolConfig> = {};
  const n = (k: string) => {
    const v = Number(raw[k]);
    if (!Number.isFinite(v)) {
      throw new Error(`Cannot read pool config ${path}: ${k} '${raw[k]}' is not a number`);
    }
    return v;
  };
  for (const [k, v] of Object.entries(raw)) {
    switch (k) {
      case "fee":
      case "tickSpacing":
      case "decimals0":
      case "decimals1":
      case "nativePriceQuote":
        (out as Record<string, number>)[k] = n(k);
        break;
      case "baseToken": {
        const b = n(k);
        if (b !== 0 && b !== 1) {
          throw new Error(`Cannot read pool config ${path}: baseToken ${b} must be 0 or 1`);
        }
        out.baseToken = b;
        break;
      }
      case "nativeToken":
        out.nativeToken = v === null || v === "none" || v === "" ? null : (n(k) === 0 ? 0 : 1);
        break;
      case "symbol0":
      case "symbol1":
      case "nativeSymbol":
        (out as Record<string, string>)[k] = String(v);
        break;
      default:
        throw new Error(`Cannot read pool config ${path}: unknown key '${k}'`);
    }
  }
  return out;
}

/** The --help text. */
export function helpText(): string {
  const lines = [
    "usage: deno task backtest [options]",
    "",
    "Backtests the asymmetric LP strategy (Uniswap V3, model-driven ranges) and writes a run",
    "folder with summary.json, series.csv, rebalances.csv and report.html. With no --data it",
    "runs a seeded synthetic week through the exact pool (offline, a few seconds).",
    "",
    "options:",
  ];
  for (const [name, s] of Object.entries(OPTIONS)) {
    const head = `  --${name}${s.arg ? ` ${s.arg}` : ""}`;
    lines.push(head.length < 30 ? head.padEnd(30) + s.help : `${head}\n${" ".repeat(30)}${s.help}`);
  }
  lines.push(
    "",
    "examples:",
    "  deno task backtest",
    "  deno task backtest --model glft --seed 7 --days 14 --hedge",
    "  deno task backtest --data ../shared/data/mainnet-usdc-weth-005-2024-01-05/<pool>.tick.csv",
    "  deno task backtest --data <dir of minute.csv> --pool-config config/backtest/polygon-usdc-weth-005.ini \\",
    "      --gas-data <dir>/gas_price.csv --skip-bad-rows",
    "  deno task backtest --sweep config/backtest/sweep.ini",
  );
  return lines.join("\n");
}
