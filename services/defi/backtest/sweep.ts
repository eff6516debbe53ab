/**
 * Parameter sweeps: `deno task backtest --sweep grid.ini` runs the cartesian
 * grid of the `[sweep]` section (keys are flag names, values comma-separated)
 * over the base options (the file's other sections, then the command-line
 * flags) in parallel Web Workers, and writes `ranking.csv` (every point,
 * best first by `rank_by`, default `returns.vsHodl`) and `heatmap.html`
 * (the first two swept keys; each cell the best value over the other keys).
 *
 * @example
 * ```ini
 * [backtest]
 * days = 3
 * [sweep]
 * threshold = 0.05, 0.1, 0.2
 * width-scale = 1, 2, 4
 * rank_by = returns.vsHodl
 * ```
 * @module
 */
import { parseIni } from "../../common/config/ini.ts";
import { type CliOptions, iniPairs, OPTIONS } from "./cli.ts";

/** A parsed sweep file. */
export interface SweepSpec {
  base: [string, string][];
  keys: string[];
  values: string[][];
  rankBy: string;
}

/** Reads a sweep INI text. */
export function parseSweep(text: string, file: string): SweepSpec {
  const ini = parseIni(text, file, Deno.env.toObject());
  const sec = ini.sections.get("sweep");
  if (!sec) throw new Error(`Cannot read sweep ${file}: no [sweep] section`);
  const keys: string[] = [];
  const values: string[][] = [];
  let rankBy = "returns.vsHodl";
  for (const [k, e] of sec.entries) {
    if (k === "rank_by") {
      rankBy = e.value;
      continue;
    }
    if (!OPTIONS[k]) throw new Error(`Unknown option ${file}:${e.line} [sweep] ${k} (try --help)`);
    const vs = e.value.split(",").map((x) => x.trim()).filter(Boolean);
    if (vs.length === 0) throw new Error(`${file}:${e.line} [sweep] ${k}: no values`);
    keys.push(k);
    values.push(vs);
  }
  if (keys.length === 0) throw new Error(`Cannot read sweep ${file}: [sweep] lists no options`);
  return { base: iniPairs(text, file), keys, values, rankBy };
}

/** Every grid point as (flag, value) pairs, in row-major order. */
export function gridPoints(spec: SweepSpec): [string, string][][] {
  let pts: [string, string][][] = [[]];
  spec.keys.forEach((k, i) => {
    const next: [string, string][][] = [];
    for (const p of pts) for (const v of spec.values[i]) next.push([...p, [k, v]]);
    pts = next;
  });
  return pts;
}

/** One point's result (metrics flattened). */
export interface SweepRow {
  index: number;
  point: [string, string][];
  metrics: Record<string, number | null>;
  error?: string;
}

const METRICS = [
  "returns.vsHodl",
  "returns.totalReturn",
  "returns.vsFiftyFifty",
  "returns.annualizedReturn",
  "pnl.fees",
  "pnl.impermanentLoss",
  "pnl.lvr",
  "pnl.gas",
  "pnl.swapCost",
  "risk.sharpe",
  "risk.maxDrawdown",
  "risk.timeInRange",
  "risk.inventoryDeviationMean",
  "activity.rebalances",
];

/** Picks the sweep metrics from a summary. */
export function pickMetrics(
  summary: Record<string, unknown>,
  extra: string[] = [],
): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const m of [...METRICS, ...extra]) {
    let v: unknown = summary;
    for (const part of m.split(".")) v = (v as Record<string, unknown> | undefined)?.[part];
    out[m] = typeof v === "number" ? v : null;
  }
  return out;
}

/** Runs the points on `workers` Web Workers; results in point order. */
export async function runSweep(
  argv: string[],
  spec: SweepSpec,
  workers: number,
  onDone?: (done: number, total: number) => void,
): Promise<SweepRow[]> {
  const points = gridPoints(spec);
  const rows: SweepRow[] = new Array(points.length);
  let next = 0;
  let done = 0;
  const n = Math.max(1, Math.min(workers, points.length));
  const url = new URL("./sweep_worker.ts", import.meta.url).href;
  await Promise.all(Array.from({ length: n }, () =>
    new Promise<void>((resolve, reject) => {
      const w = new Worker(url, { type: "module" });
      const feed = () => {
        if (next >= points.length) {
          w.terminate();
          resolve();
          return;
        }
        const index = next++;
        w.postMessage({ index, argv, pre: [...spec.base, ...points[index]], rankBy: spec.rankBy });
      };
      w.onmessage = (e: MessageEvent) => {
        const r = e.data as {
          index: number;
          metrics?: Record<string, number | null>;
          error?: string;
        };
        rows[r.index] = {
          index: r.index,
          point: points[r.index],
          metrics: r.metrics ?? {},
          error: r.error,
        };
        done++;
        onDone?.(done, points.length);
        feed();
      };
      w.onerror = (e) => {
        e.preventDefault();
        w.terminate();
        reject(new Error(`sweep worker failed: ${e.message}`));
      };
      feed();
    })));
  return rows;
}

/** Rows sorted best first by `rankBy` (errors and nulls last; ties by index). */
export function rankRows(rows: SweepRow[], rankBy: string): SweepRow[] {
  const key = (r: SweepRow) => r.metrics[rankBy] ?? -Infinity;
  return [...rows].sort((a, b) => key(b) - key(a) || a.index - b.index);
}

/** ranking.csv text. */
export function rankingCsv(rows: SweepRow[], spec: SweepSpec): string {
  const mets = [...new Set([spec.rankBy, ...METRICS])];
  const lines = [["rank", ...spec.keys, ...mets, "error"].join(",")];
  rankRows(rows, spec.rankBy).forEach((r, i) => {
    const vals = spec.keys.map((k) => r.point.find((p) => p[0] === k)?.[1] ?? "");
    lines.push(
      [
        String(i + 1),
        ...vals,
        ...mets.map((m) => String(r.metrics[m] ?? "")),
        JSON.stringify(r.error ?? ""),
      ].join(","),
    );
  });
  return lines.join("\n") + "\n";
}

/** heatmap.html: the first two swept keys, each cell the best `rankBy` over the others. */
export function heatmapHtml(rows: SweepRow[], spec: SweepSpec, title: string): string {
  const [kx, ky] = [spec.keys[0], spec.keys[1] ?? null];
  const xs = spec.values[0];
  const ys = ky ? spec.values[1] : [""];
  const cell = new Map<string, number>();
  for (const r of rows) {
    const x = r.point.find((p) => p[0] === kx)![1];
    const y = ky ? r.point.find((p) => p[0] === ky)![1] : "";
    const v = r.metrics[spec.rankBy];
    if (v === null || v === undefined) continue;
    const k = `${x}|${y}`;
    cell.set(k, Math.max(cell.get(k) ?? -Infinity, v));
  }
  const vals = [...cell.values()];
  const lo = Math.min(...vals);
  const hi = Math.max(...vals);
  const color = (v: number) => {
    const f = hi > lo ? (v - lo) / (hi - lo) : 0.5;
    const r = Math.round(220 - 180 * f);
    const g = Math.round(60 + 160 * f);
    return `rgb(${r},${g},80)`;
  };
  const esc = (s: string) =>
    s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
  const head = `<tr><th>${esc(ky ?? "")} \\ ${esc(kx)}</th>${
    xs.map((x) => `<th>${esc(x)}</th>`).join("")
  }</tr>`;
  const body = ys.map((y) =>
    `<tr><th>${esc(y)}</th>${
      xs.map((x) => {
        const v = cell.get(`${x}|${y}`);
        return v === undefined
          ? "<td>—</td>"
          : `<td style="background:${color(v)}">${v.toPrecision(4)}</td>`;
      }).join("")
    }</tr>`
  ).join("");
  const top = rankRows(rows, spec.rankBy).slice(0, 10).map((r, i) =>
    `<tr><td>${i + 1}</td><td>${esc(r.point.map(([k, v]) => `${k}=${v}`).join(" "))}</td><td>${
      r.metrics[spec.rankBy] ?? esc(r.error ?? "")
    }</td></tr>`
  ).join("");
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:20px}table{border-collapse:collapse;margin:12px 0}
td,th{border:1px solid #ccc;padding:4px 10px;text-align:right;font-variant-numeric:tabular-nums}</style>
</head><body><h1>${esc(title)}</h1>
<p>${esc(spec.rankBy)} by ${esc(kx)}${ky ? ` and ${esc(ky)}` : ""}${
    spec.keys.length > 2 ? ` (best over ${esc(spec.keys.slice(2).join(", "))})` : ""
  }; ${rows.length} points.</p>
<table>${head}${body}</table><h2>Top 10</h2><table><tr><th>#</th><th>point</th><th>${
    esc(spec.rankBy)
  }</th></tr>${top}</table>
</body></html>\n`;
}

/** `--sweep` from the CLI: runs, writes ranking.csv and heatmap.html, prints the top rows. */
export async function runSweepCli(o: CliOptions): Promise<void> {
  const text = await Deno.readTextFile(o.sweep);
  const spec = parseSweep(text, o.sweep);
  const argv = Deno.args.filter((a, i, all) =>
    a !== "--sweep" && all[i - 1] !== "--sweep" && !a.startsWith("--sweep=")
  );
  const workers = o.workers || navigator.hardwareConcurrency || 2;
  const t0 = performance.now();
  const total = gridPoints(spec).length;
  console.log(`sweep: ${total} points on ${Math.min(workers, total)} workers`);
  const rows = await runSweep(argv, spec, workers, (d, n) => {
    if (Deno.stderr.isTerminal() && o.progress) {
      Deno.stderr.writeSync(new TextEncoder().encode(`\r  ${d}/${n} points`));
    }
  });
  if (Deno.stderr.isTerminal() && o.progress) {
    Deno.stderr.writeSync(new TextEncoder().encode("\r\x1b[2K"));
  }
  const dir = o.out || `out/sweep-${o.seed}`;
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(`${dir}/ranking.csv`, rankingCsv(rows, spec));
  await Deno.writeTextFile(`${dir}/heatmap.html`, heatmapHtml(rows, spec, `Sweep ${o.sweep}`));
  const secs = (performance.now() - t0) / 1000;
  for (const [i, r] of rankRows(rows, spec.rankBy).slice(0, 5).entries()) {
    console.log(
      `  #${i + 1} ${r.point.map(([k, v]) => `${k}=${v}`).join(" ")}: ${spec.rankBy} ${
        r.metrics[spec.rankBy] ?? r.error
      }`,
    );
  }
  const errors = rows.filter((r) => r.error).length;
  console.log(
    `  ${total} points in ${secs.toFixed(2)} s${
      errors ? `, ${errors} failed` : ""
    } -> ${dir}/ (ranking.csv, heatmap.html)`,
  );
}
