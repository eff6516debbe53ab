/**
 * Run-folder output: `summary.json` (deterministic), `series.csv`,
 * `rebalances.csv` and a self-contained `report.html` whose charts are drawn
 * by uPlot, inlined from node_modules at report time (no network needed to
 * view the page). Also the one-screen terminal summary.
 *
 * @module
 */
import { writeFileAtomic } from "../../common/fs_atomic.ts";
import "uplot/package.json" with { type: "json" };
import { feesPerDay, fmtNum, type Series, seriesCsv } from "./series.ts";
import type { RebalanceRecord } from "./common.ts";

/** Stable JSON: keys in insertion order, bigints as strings, non-finite as null. */
export function stableJson(v: unknown): string {
  return JSON.stringify(
    v,
    (_k, x) => {
      if (typeof x === "bigint") return x.toString();
      if (typeof x === "number" && !Number.isFinite(x)) return null;
      return x;
    },
    2,
  ) + "\n";
}

/** Rebalance log as CSV. */
export function rebalancesCsv(rs: readonly RebalanceRecord[]): string {
  const cols: (keyof RebalanceRecord)[] = [
    "t",
    "trigger",
    "price",
    "ratioBefore",
    "ratioAfter",
    "swapNotional",
    "gasQuote",
    "mainLower",
    "mainUpper",
    "limitLower",
    "limitUpper",
    "excessWidthTicks",
    "deficitWidthTicks",
    "benefit",
    "cost",
  ];
  const lines = [["time", ...cols].join(",")];
  for (const r of rs) {
    const row = [new Date(r.t * 1000).toISOString()];
    for (const c of cols) {
      const v = r[c];
      row.push(typeof v === "number" ? fmtNum(v) : v === null ? "" : String(v));
    }
    lines.push(row.join(","));
  }
  return lines.join("\n") + "\n";
}

let uplotAssets: { js: string; css: string } | null = null;

/** uPlot's minified JS and CSS, read from node_modules once. */
export async function uplotAssetsText(): Promise<{ js: string; css: string }> {
  if (uplotAssets) return uplotAssets;
  const pkg = import.meta.resolve("uplot/package.json");
  const js = await Deno.readTextFile(new URL("dist/uPlot.iife.min.js", pkg));
  const css = await Deno.readTextFile(new URL("dist/uPlot.min.css", pkg));
  uplotAssets = { js, css };
  return uplotAssets;
}

function esc(s: string): string {
  return s.replace(
    /[&<>"]/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!,
  );
}

/** Rounds a column for embedding (keeps pages small). */
function col(a: readonly number[], digits = 7): (number | null)[] {
  return a.map((x) => (Number.isFinite(x) ? Number(x.toPrecision(digits)) : null));
}

function flatten(o: unknown, prefix = "", out: [string, string][] = []): [string, string][] {
  if (o && typeof o === "object" && !Array.isArray(o)) {
    for (const [k, v] of Object.entries(o)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else out.push([prefix, Array.isArray(o) ? JSON.stringify(o) : String(o)]);
  return out;
}

/** The HTML report for one run. */
export async function reportHtml(
  summary: Record<string, unknown>,
  s: Series,
  title: string,
): Promise<string> {
  const { js, css } = await uplotAssetsText();
  const fpd = feesPerDay(s);
  const c = s.cols;
  const data = {
    t: c.t,
    price: col(c.price),
    mainLo: col(c.main_lower),
    mainHi: col(c.main_upper),
    limLo: col(c.limit_lower),
    limHi: col(c.limit_upper),
    ratio: col(c.base_ratio, 5),
    target: col(c.target_ratio, 5),
    vsHodl: col(c.value.map((v, i) => v - c.hodl[i])),
    fees: col(c.fees),
    il: col(c.il),
    gas: col(c.gas.map((x) => -x)),
    swap: col(c.swap_cost.map((x) => -x)),
    hedge: col(c.hedge),
    lvr: col(c.lvr.map((x) => -x)),
    feeDays: fpd.day,
    feePerDay: col(fpd.fees),
  };
  const keys = ["returns", "pnl", "risk", "activity"];
  const tables = keys.map((k) => {
    const rows = flatten(summary[k]).map(([a, b]) =>
      `<tr><td>${esc(a)}</td><td>${esc(b)}</td></tr>`
    ).join("");
    return `<div class="tbl"><h3>${esc(k)}</h3><table>${rows}</table></div>`;
  }).join("");
  const params = flatten({ pool: summary.pool, params: summary.params, period: summary.period })
    .map(([a, b]) => `<tr><td>${esc(a)}</td><td>${esc(b)}</td></tr>`).join("");
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>${css}
body{font:14px system-ui,sans-serif;margin:20px;color:#222}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}h3{font-size:14px;margin:4px 0}
.tbls{display:flex;flex-wrap:wrap;gap:18px}.tbl table{border-collapse:collapse}
td{padding:2px 8px;border-bottom:1px solid #eee;font-variant-numeric:tabular-nums}
details{margin-top:20px}
</style></head><body>
<h1>${esc(title)}</h1>
<div class="tbls">${tables}</div>
<h2>Price and our ranges</h2><div id="c1"></div>
<h2>Inventory ratio (base value share) vs target</h2><div id="c2"></div>
<h2>Cumulative PnL vs HODL by component (quote units)</h2><div id="c3"></div>
<h2>Fees per day (quote units)</h2><div id="c4"></div>
<details><summary>Parameters</summary><table>${params}</table></details>
<script>${js}</script>
<script>
const D = ${JSON.stringify(data)};
const W = Math.min(1100, window.innerWidth - 40);
const base = (title) => ({ width: W, height: 300, title, scales: { x: { time: true } },
  axes: [{}, { size: 70 }] });
new uPlot({ ...base("price"),
  series: [{}, { label: "price", stroke: "#222", width: 1.5 },
    { label: "main lower", stroke: "rgba(30,120,220,0.5)" }, { label: "main upper", stroke: "rgba(30,120,220,0.5)" },
    { label: "limit lower", stroke: "rgba(230,120,20,0.5)" }, { label: "limit upper", stroke: "rgba(230,120,20,0.5)" }],
  bands: [{ series: [3, 2], fill: "rgba(30,120,220,0.12)" }, { series: [5, 4], fill: "rgba(230,120,20,0.18)" }],
}, [D.t, D.price, D.mainLo, D.mainHi, D.limLo, D.limHi], document.getElementById("c1"));
new uPlot({ ...base("inventory ratio"), scales: { x: { time: true }, y: { range: [0, 1] } },
  series: [{}, { label: "base ratio", stroke: "#1b7" }, { label: "target", stroke: "#c33", dash: [6, 4] }],
}, [D.t, D.ratio, D.target], document.getElementById("c2"));
new uPlot({ ...base("PnL components"),
  series: [{}, { label: "total vs HODL", stroke: "#000", width: 2 }, { label: "fees", stroke: "#2a2" },
    { label: "impermanent loss", stroke: "#d33" }, { label: "gas", stroke: "#888" },
    { label: "swap cost", stroke: "#a5a" }, { label: "hedge", stroke: "#36c" },
    { label: "-LVR (markout)", stroke: "#e90", dash: [4, 4] }],
}, [D.t, D.vsHodl, D.fees, D.il, D.gas, D.swap, D.hedge, D.lvr], document.getElementById("c3"));
new uPlot({ ...base("fees per day"),
  series: [{}, { label: "fees", fill: "rgba(40,160,60,0.5)", stroke: "#2a2",
    paths: uPlot.paths.bars({ size: [0.8, 60] }), points: { show: false } }],
}, [D.feeDays, D.feePerDay], document.getElementById("c4"));
</script></body></html>
`;
}

/** Writes the run folder; returns the paths written. */
export async function writeRunFolder(
  dir: string,
  summary: Record<string, unknown>,
  s: Series,
  rebalances: readonly RebalanceRecord[],
  title: string,
): Promise<string[]> {
  await Deno.mkdir(dir, { recursive: true });
  const files: [string, string][] = [
    ["summary.json", stableJson(summary)],
    ["series.csv", seriesCsv(s)],
    ["rebalances.csv", rebalancesCsv(rebalances)],
    ["report.html", await reportHtml(summary, s, title)],
  ];
  const out: string[] = [];
  for (const [name, text] of files) {
    // an interrupted run never leaves a truncated file
    const path = `${dir.replace(/\/$/, "")}/${name}`;
    await writeFileAtomic(path, text);
    out.push(path);
  }
  return out;
}

function pct(x: unknown): string {
  return typeof x === "number" ? `${(x * 100).toFixed(2)}%` : "n/a";
}
function money(x: unknown): string {
  return typeof x === "number" ? x.toLocaleString("en-US", { maximumFractionDigits: 2 }) : "n/a";
}

/** The one-screen terminal summary. */
export function terminalSummary(summary: Record<string, unknown>): string {
  // deno-lint-ignore no-explicit-any
  const s = summary as any;
  const q = s.pool?.pair?.split("/")[s.pool?.base === s.pool?.pair?.split("/")[0] ? 1 : 0] ?? "";
  const lines = [
    `Asymmetric LP backtest — ${s.market} market, ${s.mode}-level, model ${s.model}, seed ${s.seed}`,
    `  ${s.pool?.pair} fee ${
      s.pool?.feePips / 1e4
    }%  ${s.period?.from} -> ${s.period?.to} (${s.period?.days} days)`,
    `  price ${money(s.prices?.start)} -> ${money(s.prices?.end)} ${q}`,
    `  value ${money(s.capital?.startValue)} -> ${money(s.returns?.endValue)} ${q}: ${
      pct(s.returns?.totalReturn)
    } ` +
    `(annualized ${pct(s.returns?.annualizedReturn)})`,
    `  vs HODL ${pct(s.returns?.vsHodl)} (${money(s.pnl?.vsHodl)} ${q}), vs 50/50 ${
      pct(s.returns?.vsFiftyFifty)
    }`,
    `  PnL vs HODL = fees ${money(s.pnl?.fees)} + IL ${money(s.pnl?.impermanentLoss)} + gas ${
      money(s.pnl?.gas)
    }` +
    ` + swap cost ${money(s.pnl?.swapCost)} + hedge ${money(s.pnl?.hedge)}   (LVR ${
      money(s.pnl?.lvr)
    })`,
    `  rebalances ${s.activity?.rebalances} (declined by cost ${s.activity?.declinedByCost}), ` +
    `time in range ${pct(s.risk?.timeInRange)}, inventory deviation mean ${
      pct(s.risk?.inventoryDeviationMean)
    } ` +
    `max ${pct(s.risk?.inventoryDeviationMax)}`,
    `  Sharpe ${s.risk?.sharpe} Sortino ${s.risk?.sortino} max drawdown ${
      pct(s.risk?.maxDrawdown)
    } ` +
    `(HODL: Sharpe ${s.risk?.hodlSharpe}, max drawdown ${pct(s.risk?.hodlMaxDrawdown)})`,
  ];
  const b = s.badRows;
  if (b && b.missingColumn + b.notANumber + b.timeNotIncreasing + b.gaps > 0) {
    lines.push(
      `  bad rows skipped: ${b.missingColumn} missing column, ${b.notANumber} not a number, ` +
        `${b.timeNotIncreasing} time not increasing; ${b.gaps} gaps (${b.missingBars} missing bars)`,
    );
  }
  return lines.join("\n");
}

/** A progress bar with ETA on stderr; silent when stderr is not a terminal. */
export class ProgressBar {
  readonly #on: boolean;
  readonly #t0 = performance.now();
  #last = 0;
  readonly #label: string;
  constructor(label: string, enabled = Deno.stderr.isTerminal()) {
    this.#on = enabled;
    this.#label = label;
  }
  update(frac: number): void {
    if (!this.#on) return;
    const now = performance.now();
    if (now - this.#last < 100 && frac < 1) return;
    this.#last = now;
    const w = 30;
    const n = Math.round(frac * w);
    const el = (now - this.#t0) / 1000;
    const eta = frac > 0 ? el * (1 - frac) / frac : 0;
    const line =
      `\r${this.#label} [${"#".repeat(n)}${".".repeat(w - n)}] ${(frac * 100).toFixed(0)}% ` +
      `${el.toFixed(1)}s ETA ${eta.toFixed(1)}s `;
    Deno.stderr.writeSync(new TextEncoder().encode(line));
  }
  done(): void {
    if (this.#on) Deno.stderr.writeSync(new TextEncoder().encode("\r\x1b[2K"));
  }
}
