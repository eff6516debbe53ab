/// <reference lib="dom" />
/**
 * The simulator's charts (uPlot, bundled from node_modules): price with our
 * ranges as bands, liquidity distribution at a chosen time, inventory ratio
 * vs target, cumulative PnL by component, and the GLFT quote ladder.
 *
 * @module
 */
// @ts-types="uplot/dist/uPlot.d.ts"
import uPlot from "uplot/dist/uPlot.esm.js";
import type { LiquiditySnapshot, SimResult } from "./simulate.ts";

type Data = uPlot.AlignedData;

function width(el: HTMLElement): number {
  return Math.max(480, Math.min(1100, el.clientWidth || 900));
}

function replace(el: HTMLElement, opts: uPlot.Options, data: Data): uPlot {
  el.replaceChildren();
  return new uPlot(opts, data, el);
}

const timeBase = (el: HTMLElement, height = 260) => ({
  width: width(el),
  height,
  scales: { x: { time: true } },
  axes: [{}, { size: 70 }],
});

/** Replaces non-finite values with null (gaps). */
function col(a: readonly number[]): (number | null)[] {
  return a.map((x) => (Number.isFinite(x) ? x : null));
}

/** Draws the four result charts; returns them (the liquidity one is redrawn by the slider). */
export function drawResultCharts(r: SimResult, els: {
  price: HTMLElement;
  ratio: HTMLElement;
  pnl: HTMLElement;
}): uPlot[] {
  const c = r.series;
  const price = replace(els.price, {
    ...timeBase(els.price),
    series: [
      {},
      { label: "price", stroke: "#222", width: 1.5 },
      { label: "main lower", stroke: "rgba(30,120,220,0.7)" },
      { label: "main upper", stroke: "rgba(30,120,220,0.7)" },
      { label: "limit lower", stroke: "rgba(230,120,20,0.7)" },
      { label: "limit upper", stroke: "rgba(230,120,20,0.7)" },
    ],
    bands: [
      { series: [3, 2], fill: "rgba(30,120,220,0.15)" },
      { series: [5, 4], fill: "rgba(230,120,20,0.2)" },
    ],
  }, [
    c.t,
    col(c.price),
    col(c.main_lower),
    col(c.main_upper),
    col(c.limit_lower),
    col(c.limit_upper),
  ] as Data);
  const ratio = replace(els.ratio, {
    ...timeBase(els.ratio, 220),
    scales: { x: { time: true }, y: { range: [0, 1] } },
    series: [
      {},
      { label: "base ratio", stroke: "#1b7", width: 1.5 },
      { label: "target", stroke: "#c33", dash: [6, 4] },
    ],
  }, [c.t, col(c.base_ratio), col(c.target_ratio)] as Data);
  const neg = (a: readonly number[]) => col(a.map((x) => -x));
  const pnl = replace(els.pnl, {
    ...timeBase(els.pnl),
    series: [
      {},
      { label: "total vs HODL", stroke: "#000", width: 2 },
      { label: "fees", stroke: "#2a2", width: 1.5 },
      { label: "impermanent loss", stroke: "#d33", width: 1.5 },
      { label: "-LVR (markout)", stroke: "#e90", dash: [4, 4] },
      { label: "gas", stroke: "#77f", width: 1.5 },
      { label: "swap cost", stroke: "#a5a" },
      { label: "hedge", stroke: "#36c" },
    ],
  }, [
    c.t,
    col(c.value.map((v, i) => v - c.hodl[i])),
    col(c.fees),
    col(c.il),
    neg(c.lvr),
    neg(c.gas),
    neg(c.swap_cost),
    col(c.hedge),
  ] as Data);
  return [price, ratio, pnl];
}

/** Liquidity chart data for one snapshot: x = price ascending, step series. */
export function liquidityData(s: LiquiditySnapshot): Data {
  const idx = s.prices.map((_, i) => i);
  if (s.prices.length > 1 && s.prices[0] > s.prices[s.prices.length - 1]) idx.reverse();
  // intervals [ticks[i], ticks[i+1]) -> value at the interval's low-price end
  const x: number[] = [];
  const total: number[] = [];
  const ours: number[] = [];
  const rev = idx[0] !== 0;
  for (let j = 0; j < idx.length; j++) {
    const i = idx[j];
    x.push(s.prices[i]);
    // reversed: the interval right of price[i] (ascending) is interval i-1
    const k = rev ? Math.max(0, i - 1) : i;
    total.push(s.total[k]);
    ours.push(s.ours[k]);
  }
  return [x, total, ours];
}

/** The liquidity distribution chart (redrawn with `setData` for other times). */
export function drawLiquidity(el: HTMLElement, s: LiquiditySnapshot | null): uPlot | null {
  if (!s) {
    el.replaceChildren(
      Object.assign(document.createElement("p"), {
        className: "hint",
        textContent: "No pool liquidity in bar mode: the data has only the active liquidity.",
      }),
    );
    return null;
  }
  const step = uPlot.paths.stepped!({ align: 1 });
  const sci = (_u: uPlot, vals: number[]) => vals.map((v) => (v === 0 ? "0" : v.toExponential(1)));
  return replace(el, {
    width: width(el),
    height: 240,
    scales: { x: { time: false }, L: {}, ours: {} },
    axes: [
      { label: "price" },
      { scale: "L", size: 70, label: "pool liquidity (raw L)", values: sci },
      { scale: "ours", side: 1, size: 70, label: "ours", values: sci, grid: { show: false } },
    ],
    series: [
      { label: "price" },
      {
        label: "pool (all LPs)",
        scale: "L",
        stroke: "#777",
        fill: "rgba(120,120,120,0.25)",
        paths: step,
        points: { show: false },
      },
      {
        label: "ours (right axis)",
        scale: "ours",
        stroke: "#1e78dc",
        fill: "rgba(30,120,220,0.45)",
        paths: step,
        points: { show: false },
      },
    ],
  }, liquidityData(s));
}

/** One row of the GLFT ladder chart. */
export interface LadderData {
  q: number[];
  glftBid: (number | null)[];
  glftAsk: (number | null)[];
  asBid: (number | null)[];
  asAsk: (number | null)[];
}

/** The GLFT playground chart: bid/ask depths (ticks from mid) vs inventory. */
export function drawLadder(el: HTMLElement, d: LadderData, prev: uPlot | null): uPlot {
  const data = [d.q, d.glftBid, d.glftAsk, d.asBid, d.asAsk] as Data;
  if (prev) {
    prev.setData(data);
    return prev;
  }
  return replace(el, {
    width: width(el),
    height: 260,
    scales: { x: { time: false } },
    axes: [{ label: "inventory q (percentage points of value off target)" }, {
      size: 70,
      label: "price offset (ticks)",
    }],
    series: [
      { label: "q" },
      { label: "GLFT bid", stroke: "#2a2", width: 2 },
      { label: "GLFT ask", stroke: "#d33", width: 2 },
      { label: "A–S bid", stroke: "#2a2", dash: [5, 5] },
      { label: "A–S ask", stroke: "#d33", dash: [5, 5] },
    ],
  }, data);
}
