/**
 * The backtest report: `summary.json` text (stable key order, fixed
 * rounding, so the same run gives the same bytes) and a self-contained
 * `report.html` whose charts are inline SVG drawn here (no script, no
 * network).
 *
 * @example
 * ```ts
 * import { lineChartSvg } from "./report.ts";
 * const svg = lineChartSvg("PnL", [0, 1, 2], [{ name: "pnl", color: "#06c", y: [0, 1, -1] }]);
 * console.log(svg.startsWith("<svg")); // true
 * ```
 * @module
 */
import type { BacktestResult, BacktestSummary } from "./runner.ts";

/** summary.json text (2-space indent, trailing newline). */
export function summaryJson(summary: BacktestSummary): string {
  return JSON.stringify(summary, null, 2) + "\n";
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(
    /"/g,
    "&quot;",
  );
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return "–";
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return x.toExponential(2);
  return String(Math.round(x * 1000) / 1000);
}

/** One line of a chart. */
export interface ChartSeries {
  name: string;
  color: string;
  y: readonly number[];
}

/**
 * A line chart as an SVG string: shared x, several series, min/max labels,
 * a zero line when the range crosses 0; at most ~1200 points per series.
 */
export function lineChartSvg(
  title: string,
  x: readonly number[],
  series: readonly ChartSeries[],
  o: { width?: number; height?: number; xLabel?: string } = {},
): string {
  const W = o.width ?? 920;
  const H = o.height ?? 230;
  const L = 70, R = 12, T = 26, B = 30;
  const n = x.length;
  const stride = Math.max(1, Math.ceil(n / 1200));
  let lo = Infinity, hi = -Infinity;
  for (const s of series) {
    for (const v of s.y) {
      if (Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
  }
  if (!Number.isFinite(lo)) lo = hi = 0;
  if (hi === lo) {
    hi += 1;
    lo -= 1;
  }
  const x0 = n ? x[0] : 0;
  const x1 = n ? x[n - 1] : 1;
  const sx = (v: number) => L + ((v - x0) / (x1 - x0 || 1)) * (W - L - R);
  const sy = (v: number) => T + (1 - (v - lo) / (hi - lo)) * (H - T - B);
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ` +
      `role="img" aria-label="${esc(title)}">`,
    `<rect x="0" y="0" width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${L}" y="16" font-size="13" font-weight="bold">${esc(title)}</text>`,
    `<line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="#999"/>`,
    `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="#999"/>`,
    `<text x="${L - 6}" y="${T + 4}" font-size="11" text-anchor="end">${fmt(hi)}</text>`,
    `<text x="${L - 6}" y="${H - B}" font-size="11" text-anchor="end">${fmt(lo)}</text>`,
    `<text x="${L}" y="${H - 10}" font-size="11">${fmt(x0)}</text>`,
    `<text x="${W - R}" y="${H - 10}" font-size="11" text-anchor="end">${fmt(x1)}${
      o.xLabel ? " " + esc(o.xLabel) : ""
    }</text>`,
  );
  if (lo < 0 && hi > 0) {
    const z = sy(0).toFixed(1);
    parts.push(
      `<line x1="${L}" y1="${z}" x2="${W - R}" y2="${z}" stroke="#ccc" stroke-dasharray="4 3"/>`,
    );
  }
  let lx = L + 200;
  for (const s of series) {
    const pts: string[] = [];
    for (let i = 0; i < n; i += stride) {
      const v = s.y[i];
      if (Number.isFinite(v)) pts.push(`${sx(x[i]).toFixed(1)},${sy(v).toFixed(1)}`);
    }
    if (n > 0 && (n - 1) % stride !== 0 && Number.isFinite(s.y[n - 1])) {
      pts.push(`${sx(x[n - 1]).toFixed(1)},${sy(s.y[n - 1]).toFixed(1)}`);
    }
    parts.push(
      `<polyline fill="none" stroke="${s.color}" stroke-width="1.4" points="${pts.join(" ")}"/>`,
      `<rect x="${lx}" y="8" width="12" height="3" fill="${s.color}"/>`,
      `<text x="${lx + 16}" y="13" font-size="11">${esc(s.name)}</text>`,
    );
    lx += 24 + 7 * s.name.length;
  }
  parts.push("</svg>");
  return parts.join("\n");
}

/** A bar chart (one bar per label, positive up, negative down) as SVG. */
export function barChartSvg(
  title: string,
  labels: readonly string[],
  groups: readonly ChartSeries[],
): string {
  const W = 460, H = 230, L = 60, R = 10, T = 26, B = 34;
  let lo = 0, hi = 0;
  for (const g of groups) {
    for (const v of g.y) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (hi === lo) hi = lo + 1;
  const sy = (v: number) => T + (1 - (v - lo) / (hi - lo)) * (H - T - B);
  const slot = (W - L - R) / Math.max(1, labels.length);
  const bw = (slot * 0.7) / Math.max(1, groups.length);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ` +
    `role="img" aria-label="${esc(title)}">`,
    `<rect x="0" y="0" width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${L}" y="16" font-size="13" font-weight="bold">${esc(title)}</text>`,
    `<line x1="${L}" y1="${sy(0).toFixed(1)}" x2="${W - R}" y2="${
      sy(0).toFixed(1)
    }" stroke="#999"/>`,
    `<text x="${L - 6}" y="${T + 4}" font-size="11" text-anchor="end">${fmt(hi)}</text>`,
    `<text x="${L - 6}" y="${H - B}" font-size="11" text-anchor="end">${fmt(lo)}</text>`,
  ];
  labels.forEach((lab, i) => {
    const cx = L + slot * i + slot * 0.15;
    groups.forEach((g, j) => {
      const v = g.y[i] ?? 0;
      const y = Math.min(sy(v), sy(0));
      const h = Math.abs(sy(v) - sy(0));
      parts.push(
        `<rect x="${(cx + j * bw).toFixed(1)}" y="${y.toFixed(1)}" width="${
          (bw - 2).toFixed(1)
        }" height="${h.toFixed(1)}" fill="${g.color}"><title>${esc(g.name)} ${
          fmt(v)
        }</title></rect>`,
      );
    });
    parts.push(
      `<text x="${(L + slot * i + slot / 2).toFixed(1)}" y="${
        H - 14
      }" font-size="11" text-anchor="middle">${esc(lab)}</text>`,
    );
  });
  let lx = L + 180;
  for (const g of groups) {
    parts.push(
      `<rect x="${lx}" y="8" width="12" height="6" fill="${g.color}"/>`,
      `<text x="${lx + 16}" y="14" font-size="11">${esc(g.name)}</text>`,
    );
    lx += 24 + 7 * g.name.length;
  }
  parts.push("</svg>");
  return parts.join("\n");
}

function table(rows: [string, string | number][]): string {
  return `<table>${
    rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(String(v))}</td></tr>`).join("")
  }</table>`;
}

/** The self-contained HTML report. */
export function reportHtml(r: BacktestResult): string {
  const s = r.summary;
  const x = r.series.tSec;
  const st = s.strategy as Record<string, number | string | boolean | null>;
  const run = s.run as Record<string, unknown>;
  const pnl = lineChartSvg("PnL (quote, mark to mid, after fees)", x, [
    { name: "CeFi", color: "#0a58ca", y: r.series.pnlQuote },
    { name: "CeFi + DeFi exposure", color: "#d63384", y: r.series.combinedPnlQuote },
  ], { xLabel: "s" });
  const inv = lineChartSvg("Inventory (lots)", x, [
    { name: "CeFi position", color: "#198754", y: r.series.cefiLots },
    { name: "net (CeFi + DeFi)", color: "#fd7e14", y: r.series.netLots },
  ], { xLabel: "s" });
  const mid = lineChartSvg("Mid (ticks)", x, [
    { name: "mid", color: "#6c757d", y: r.series.midTicks },
  ], { xLabel: "s", height: 180 });
  const adv = s.adverseSelection;
  const bars = barChartSvg(
    "Maker fills: markout after fill (ticks per lot)",
    adv.horizonsSec.map((h) => `${h}s`),
    [
      { name: "vs fill price", color: "#0a58ca", y: adv.markoutTicks },
      { name: "mid move", color: "#dc3545", y: adv.midMoveTicks },
    ],
  );
  const t = s.trading;
  const lat = s.latencyNs as Record<string, Record<string, number>>;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>GLFT market maker backtest — seed ${esc(String(run.seed))}</title>
<style>
body{font:14px system-ui,sans-serif;margin:24px;color:#222;max-width:1000px}
h1{font-size:20px} h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse;margin:6px 16px 6px 0;display:inline-table;vertical-align:top}
th{text-align:left;font-weight:normal;color:#555;padding:2px 12px 2px 0}
td{text-align:right;font-variant-numeric:tabular-nums;padding:2px 0}
svg{display:block;margin:10px 0;border:1px solid #eee}
pre{background:#f6f6f6;padding:10px;overflow:auto;font-size:12px}
</style></head><body>
<h1>GLFT market maker — simulated venue, seed ${esc(String(run.seed))}, ${
    esc(String(run.durationSec))
  } s</h1>
<p>Synthetic ${esc(String(run.symbol))} (tick ${esc(String(run.tickSize))}, lot ${
    esc(String(run.lotSize))
  }): regime-switching random-walk mid, Poisson sweeps with depth λ(δ)=A·e^(−kδ),
queue-position passive fills, latency and maker/taker fees. Same seed, same summary.json.</p>
<h2>Summary</h2>
${
    table([
      ["net PnL (quote)", s.pnl.netQuote],
      ["gross PnL (quote)", s.pnl.grossQuote],
      ["fees (quote, − = rebate)", s.pnl.feesQuote],
      ["CeFi + DeFi exposure PnL", s.pnl.combinedQuote],
      ["max drawdown (quote)", s.pnl.maxDrawdownQuote],
      ["spread captured (ticks/lot)", s.spreadCaptured.meanTicksPerLot],
    ])
  }
${
    table([
      ["maker fills / lots", `${t.makerFills} / ${t.makerLots}`],
      ["taker fills / lots", `${t.takerFills} / ${t.takerLots}`],
      ["quotes placed / filled", `${t.quotesPlaced} / ${t.quotesFilled}`],
      ["fill ratio", t.fillRatio],
      [
        "requests new / amend / cancel",
        `${t.requestsNew} / ${t.requestsReplace} / ${t.requestsCancel}`,
      ],
      ["requests per minute", t.requestsPerMinute],
      ["post-only rejects", t.postOnlyRejects],
    ])
  }
${
    table([
      [
        "final CeFi / DeFi / net lots",
        `${s.inventory.finalCefiLots} / ${s.inventory.finalDefiLots} / ${s.inventory.finalNetLots}`,
      ],
      ["max |CeFi| lots", s.inventory.maxAbsCefiLots],
      ["mean |net| lots", s.inventory.meanAbsNetLots],
      ["calibrated σ (ticks/√s)", fmt(Number(st.sigma))],
      ["calibrated A (1/s), k (1/tick)", `${fmt(Number(st.A))}, ${fmt(Number(st.k))}`],
      [
        "half spread / skew (ticks)",
        `${fmt(Number(st.halfSpreadTicks))} / ${fmt(Number(st.skewTicksPerOrder))}`,
      ],
      ["stale episodes / seq gaps", `${st.staleEpisodes} / ${st.seqGaps}`],
      ["hedges passive / aggressive", `${st.hedgesDonePassively} / ${st.aggressiveHedgeOrders}`],
      [
        "md latency p50 / p99 (µs)",
        `${fmt((lat.feed?.p50 ?? 0) / 1e3)} / ${fmt((lat.feed?.p99 ?? 0) / 1e3)}`,
      ],
    ])
  }
<h2>PnL</h2>
${pnl}
<h2>Inventory</h2>
${inv}
${mid}
<h2>Adverse selection</h2>
<p>Per lot of maker fills: <b>vs fill price</b> = side·(mid(t+h) − fill price) (spread earned
net of adverse moves); <b>mid move</b> = side·(mid(t+h) − mid(t)) (negative = adverse selection).</p>
${bars}
<h2>summary.json</h2>
<pre>${esc(summaryJson(s))}</pre>
</body></html>
`;
}
