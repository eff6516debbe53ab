/**
 * What the simulator page lets a user choose, and how it maps onto the
 * backtest's own options: every strategy/model knob is applied through the
 * CLI's option table (`applyOption`), so a scenario is exactly the run that
 * `deno task backtest` with {@link cliArgs} does. The synthetic market's
 * regime/volatility/flow sliders and the pool's fee tier change the
 * generator's parameters directly (the CLI has no flags for them; at their
 * defaults the market is the CLI's byte for byte). Pure: no DOM, no Deno.
 *
 * @example
 * ```ts
 * import { DEFAULT_SCENARIO, cliArgs, scenarioOptions } from "./scenario.ts";
 * const o = scenarioOptions({ ...DEFAULT_SCENARIO, model: "glft" });
 * console.log(o.model.model, cliArgs({ ...DEFAULT_SCENARIO, seed: 7 })); // glft [ "--seed", "7" ]
 * ```
 * @module
 */
import { applyOption, type CliOptions, defaultCliOptions } from "../defi/backtest/cli.ts";
import { DEFAULT_SYNTHETIC } from "../defi/backtest/synthetic.ts";
import { DEFAULT_MODEL } from "../defi/backtest/run.ts";
import { DEFAULT_STRATEGY } from "../defi/strategy.ts";

/** Volatility regime choices of the synthetic market. */
export const REGIMES = ["switching", "calm", "normal", "stressed"] as const;
/** One regime choice. */
export type RegimeChoice = typeof REGIMES[number];

/** Uniswap V3 fee tiers (pips) and their tick spacings. */
export const FEE_TIERS: readonly { fee: number; tickSpacing: number; label: string }[] = [
  { fee: 100, tickSpacing: 1, label: "0.01%" },
  { fee: 500, tickSpacing: 10, label: "0.05%" },
  { fee: 3000, tickSpacing: 60, label: "0.3%" },
  { fee: 10000, tickSpacing: 200, label: "1%" },
];

/** Everything the page's panels set. */
export interface Scenario {
  seed: number;
  days: number;
  /** Synthetic market: which volatility regimes the fair price switches between. */
  regime: RegimeChoice;
  /** Multiplier of every regime's annual volatility (1 = the generator's default). */
  volScale: number;
  /** Multiplier of the noise-trade arrival rate (1 = default). */
  flowScale: number;
  /** Pool fee in pips and tick spacing. */
  fee: number;
  tickSpacing: number;
  capital: number;
  targetRatio: number;
  threshold: number;
  model: "as" | "glft";
  // A-S
  gamma: number;
  horizonDays: number;
  // GLFT
  inventoryPenalty: number;
  /** NaN: = inventoryPenalty. */
  terminalPenalty: number;
  fillIntensity: number;
  executionCost: number;
  maxPosition: number;
  // both
  k: number;
  widthScale: number;
  gasPrice: number;
}

/** The page's defaults: exactly `deno task backtest` with no flags. */
export const DEFAULT_SCENARIO: Readonly<Scenario> = {
  seed: 1,
  days: DEFAULT_SYNTHETIC.days,
  regime: "switching",
  volScale: 1,
  flowScale: 1,
  fee: 500,
  tickSpacing: 10,
  capital: 100_000,
  targetRatio: DEFAULT_STRATEGY.targetRatio,
  threshold: DEFAULT_STRATEGY.threshold,
  model: "as",
  gamma: DEFAULT_MODEL.gamma,
  horizonDays: DEFAULT_MODEL.horizonDays,
  inventoryPenalty: DEFAULT_MODEL.inventoryPenalty,
  terminalPenalty: NaN,
  fillIntensity: DEFAULT_MODEL.A,
  executionCost: DEFAULT_MODEL.executionCostTicks,
  maxPosition: DEFAULT_MODEL.maxPosition,
  k: DEFAULT_MODEL.k,
  widthScale: DEFAULT_MODEL.widthScale,
  gasPrice: 20,
};

/** Scenario field -> backtest CLI flag (without --). */
const FLAGS: [keyof Scenario, string][] = [
  ["seed", "seed"],
  ["days", "days"],
  ["capital", "capital"],
  ["targetRatio", "target-ratio"],
  ["threshold", "threshold"],
  ["model", "model"],
  ["gamma", "gamma"],
  ["horizonDays", "horizon-days"],
  ["inventoryPenalty", "inventory-penalty"],
  ["terminalPenalty", "terminal-penalty"],
  ["fillIntensity", "fill-intensity"],
  ["executionCost", "execution-cost"],
  ["maxPosition", "max-position"],
  ["k", "k"],
  ["widthScale", "width-scale"],
  ["gasPrice", "gas-price"],
];

function differs(s: Scenario, k: keyof Scenario): boolean {
  const a = s[k];
  const b = DEFAULT_SCENARIO[k];
  if (typeof a === "number" && typeof b === "number" && Number.isNaN(a) && Number.isNaN(b)) {
    return false;
  }
  return a !== b;
}

/**
 * The `deno task backtest` flags of the scenario's strategy and market
 * (only those that differ from the defaults). Market sliders and the fee
 * tier have no flags: see {@link marketNotes}.
 */
export function cliArgs(s: Scenario): string[] {
  const out: string[] = [];
  for (const [k, flag] of FLAGS) {
    if (!differs(s, k)) continue;
    const v = s[k];
    if (typeof v === "number" && Number.isNaN(v)) continue;
    out.push(`--${flag}`, String(v));
  }
  return out;
}

/** Scenario choices the CLI cannot express with a flag (empty at their defaults). */
export function marketNotes(s: Scenario): string[] {
  const notes: string[] = [];
  if (s.regime !== "switching") notes.push(`regime ${s.regime}`);
  if (s.volScale !== 1) notes.push(`volatility x${s.volScale}`);
  if (s.flowScale !== 1) notes.push(`noise flow x${s.flowScale}`);
  if (s.fee !== 500 || s.tickSpacing !== 10) {
    notes.push(`pool fee ${s.fee} pips, tick spacing ${s.tickSpacing} (--pool-config)`);
  }
  return notes;
}

/** Checks a scenario's market fields, naming the first bad one. */
export function checkScenario(s: Scenario): void {
  const pos = (k: keyof Scenario) => {
    const v = s[k] as number;
    if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) {
      throw new RangeError(`Cannot run: ${k} ${v} must be a positive number`);
    }
  };
  pos("volScale");
  pos("flowScale");
  if (!Number.isInteger(s.tickSpacing) || s.tickSpacing < 1 || s.tickSpacing > 16384) {
    throw new RangeError(`Cannot run: tick spacing ${s.tickSpacing} must be an integer 1..16384`);
  }
  if (!Number.isInteger(s.fee) || s.fee < 0 || s.fee >= 1_000_000) {
    throw new RangeError(`Cannot run: fee ${s.fee} pips must be an integer 0..999999`);
  }
  if (!(REGIMES as readonly string[]).includes(s.regime)) {
    throw new RangeError(`Cannot run: unknown regime '${s.regime}'`);
  }
}

/**
 * The backtest options of a scenario: the CLI's defaults, the scenario's
 * flags applied through the CLI's option table, then the market fields.
 */
export function scenarioOptions(s: Scenario): CliOptions {
  checkScenario(s);
  const o = defaultCliOptions();
  o.progress = false;
  for (const [k, flag] of FLAGS) {
    if (!differs(s, k)) continue;
    const v = s[k];
    if (typeof v === "number" && Number.isNaN(v)) continue;
    applyOption(o, flag, String(v));
  }
  o.pool = { ...o.pool, fee: s.fee, tickSpacing: s.tickSpacing };
  const base = DEFAULT_SYNTHETIC.regimes;
  const pick = { calm: 0, normal: 1, stressed: 2 } as const;
  // one regime = two identical states (the generator switches between >= 2)
  const regimes = s.regime === "switching"
    ? base.map((r) => ({ ...r }))
    : [base[pick[s.regime]], base[pick[s.regime]]].map((r) => ({ ...r }));
  if (s.volScale !== 1) { for (const r of regimes) r.annualVol *= s.volScale; }
  o.synthetic = { ...o.synthetic, regimes };
  if (s.flowScale !== 1) o.synthetic.noisePerSec = DEFAULT_SYNTHETIC.noisePerSec * s.flowScale;
  return o;
}
