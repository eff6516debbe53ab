/// <reference lib="dom" />
/**
 * The simulator page: reads the panels into a {@link Scenario}, runs it in
 * a Web Worker (progress bar, cancel = terminate the worker), draws the
 * charts and the summary table, and drives the GLFT playground with the
 * quoting models of core.wasm loaded through the same facade as in Deno.
 *
 * `window.simulator` exposes the state for tests and the benchmark.
 *
 * @module
 */
import { loadCore, type WasmCore } from "../../core-wasm/mod.ts";
import { LN_TICK } from "../defi/ticks.ts";
import { drawLadder, drawLiquidity, drawResultCharts, liquidityData } from "./charts.ts";
import { cliArgs, DEFAULT_SCENARIO, marketNotes, type Scenario } from "./scenario.ts";
import type { SimResult } from "./simulate.ts";
import type { RunRequest, WorkerMessage } from "./worker.ts";

type State = "loading" | "idle" | "running" | "done" | "error" | "cancelled";

/** What tests and the benchmark read. */
export interface SimulatorHandle {
  state: State;
  result: SimResult | null;
  error: { message: string; where: { line: number; column: number; file: string } | null } | null;
  runs: number;
  /** Wall time of the last run as the page saw it (post to result), ms. */
  lastWallMs: number;
  run(): void;
  cancel(): void;
}

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const form = $<HTMLFormElement>("form");
const field = (name: string) => form.elements.namedItem(name) as HTMLInputElement;

const handle: SimulatorHandle = {
  state: "loading",
  result: null,
  error: null,
  runs: 0,
  lastWallMs: NaN,
  run: () => startRun(),
  cancel: () => cancelRun(),
};
(globalThis as unknown as { simulator: SimulatorHandle }).simulator = handle;

function setState(s: State, text = ""): void {
  handle.state = s;
  document.body.dataset.state = s;
  $("status").textContent = text;
  const running = s === "running";
  $<HTMLButtonElement>("cancel").disabled = !running;
}

// ---------- panels ----------

function num(name: string): number {
  const v = field(name).value.trim();
  return v === "" ? NaN : Number(v);
}

function scenario(): Scenario {
  return {
    ...DEFAULT_SCENARIO,
    seed: num("seed"),
    days: num("days"),
    regime: field("regime").value as Scenario["regime"],
    volScale: num("volScale"),
    flowScale: num("flowScale"),
    fee: num("fee"),
    tickSpacing: num("tickSpacing"),
    capital: num("capital"),
    targetRatio: num("targetRatio"),
    threshold: num("threshold"),
    model: field("model").value as Scenario["model"],
    gamma: num("gamma"),
    horizonDays: num("horizonDays"),
    inventoryPenalty: num("inventoryPenalty"),
    terminalPenalty: num("terminalPenalty"),
    fillIntensity: num("fillIntensity"),
    executionCost: num("executionCost"),
    maxPosition: num("maxPosition"),
    k: num("k"),
    widthScale: num("widthScale"),
    gasPrice: num("gasPrice"),
  };
}

function source(): "synthetic" | "upload" {
  return (form.elements.namedItem("source") as RadioNodeList).value as "synthetic" | "upload";
}

function syncOutputs(f: HTMLFormElement): void {
  for (const o of f.querySelectorAll("output")) {
    const name = o.htmlFor.value;
    const el = f.elements.namedItem(name) as HTMLInputElement | null;
    if (el) o.textContent = el.value;
  }
}

function syncPanels(): void {
  syncOutputs(form);
  const up = source() === "upload";
  $("synthetic-fields").hidden = up;
  $("upload-fields").hidden = !up;
  const glft = field("model").value === "glft";
  $("glft-fields").hidden = !glft;
  $("as-fields").hidden = glft;
  const s = scenario();
  const args = up ? ["--data", $<HTMLInputElement>("csv").files?.[0]?.name ?? "FILE"] : [];
  const notes = up ? [] : marketNotes(s);
  $("cli").textContent = `CLI: deno task backtest ${[...args, ...cliArgs(s)].join(" ")}`.trim() +
    (notes.length ? ` (plus ${notes.join(", ")})` : "");
}

form.addEventListener("input", (e) => {
  const t = e.target as HTMLInputElement;
  if (t.name === "fee") {
    const spacing: Record<string, number> = { "100": 1, "500": 10, "3000": 60, "10000": 200 };
    field("tickSpacing").value = String(spacing[t.value] ?? 10);
  }
  syncPanels();
});
form.addEventListener("change", () => syncPanels());

// ---------- worker ----------

let worker: Worker | null = null;
let runId = 0;
let t0 = 0;

function newWorker(): Worker {
  const w = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
  w.onmessage = (e: MessageEvent<WorkerMessage>) => onWorker(e.data);
  w.onerror = (e) => {
    e.preventDefault();
    showError(`The worker failed: ${e.message}`, null);
  };
  return w;
}

function startRun(): void {
  if (worker && handle.state === "running") cancelRun(true);
  worker ??= newWorker();
  const id = ++runId;
  let file: RunRequest["file"] = null;
  if (source() === "upload") {
    const f = $<HTMLInputElement>("csv").files?.[0];
    if (!f) {
      showError("Choose a CSV file to upload first.", null);
      return;
    }
    file = { name: f.name, blob: f, skipBadRows: field("skipBadRows").checked };
  }
  hideError();
  ($<HTMLProgressElement>("progress")).value = 0;
  setState("running", "running…");
  t0 = performance.now();
  const req: RunRequest = { type: "run", id, scenario: scenario(), file };
  worker.postMessage(req);
}

function cancelRun(silent = false): void {
  if (!worker) return;
  worker.terminate();
  worker = null;
  runId++;
  if (!silent) setState("cancelled", "cancelled");
}

function onWorker(m: WorkerMessage): void {
  if (m.type === "ready") return;
  if (m.id !== runId) return;
  if (m.type === "progress") {
    ($<HTMLProgressElement>("progress")).value = m.done;
    $("status").textContent = `running… ${(m.done * 100).toFixed(0)}%`;
  } else if (m.type === "result") {
    handle.lastWallMs = performance.now() - t0;
    handle.runs++;
    ($<HTMLProgressElement>("progress")).value = 1;
    showResult(m.result);
    setState(
      "done",
      `${m.result.items.toLocaleString("en-US")} ${m.result.mode === "bar" ? "bars" : "events"} ` +
        `in ${(m.result.ms / 1000).toFixed(2)} s`,
    );
  } else if (m.type === "error") {
    showError(m.message, m.where);
  }
}

function hideError(): void {
  $("error").hidden = true;
  $("error").textContent = "";
  handle.error = null;
}

function showError(
  message: string,
  where: { line: number; column: number; file: string; value?: string } | null,
): void {
  const el = $("error");
  el.hidden = false;
  el.textContent = where
    ? `Bad row in ${where.file}: line ${where.line}, column ${where.column}\n${message}`
    : message;
  if (where) {
    el.dataset.line = String(where.line);
    el.dataset.column = String(where.column);
  } else {
    delete el.dataset.line;
    delete el.dataset.column;
  }
  handle.error = { message, where };
  setState("error", "failed");
}

// ---------- results ----------

function flatten(o: unknown, prefix = "", out: [string, string][] = []): [string, string][] {
  if (o && typeof o === "object" && !Array.isArray(o)) {
    for (const [k, v] of Object.entries(o)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else out.push([prefix, Array.isArray(o) ? JSON.stringify(o) : String(o)]);
  return out;
}

function summaryTables(json: string): HTMLElement[] {
  // parsed from the exact summary.json text, so every number shows as the CLI wrote it
  const s = JSON.parse(json) as Record<string, unknown>;
  return ["returns", "pnl", "risk", "activity", "period", "prices"].filter((k) => k in s).map(
    (k) => {
      const div = document.createElement("div");
      const h = document.createElement("h3");
      h.textContent = k;
      const table = document.createElement("table");
      table.dataset.section = k;
      for (const [a, b] of flatten(s[k], k)) {
        const tr = table.insertRow();
        tr.insertCell().textContent = a;
        tr.insertCell().textContent = b;
      }
      div.append(h, table);
      return div;
    },
  );
}

let liqChart: ReturnType<typeof drawLiquidity> = null;

function showResult(r: SimResult): void {
  handle.result = r;
  $("summary").replaceChildren(...summaryTables(r.summaryJson));
  $("summary-json").textContent = r.summaryJson;
  drawResultCharts(r, { price: $("chart-price"), ratio: $("chart-ratio"), pnl: $("chart-pnl") });
  const slider = $<HTMLInputElement>("liq-time");
  const n = r.snapshots.length;
  slider.max = String(Math.max(0, n - 1));
  slider.value = String(Math.floor(n / 2));
  slider.disabled = n === 0;
  liqChart = drawLiquidity($("chart-liquidity"), n ? r.snapshots[Math.floor(n / 2)] : null);
  showSnapshot();
}

function showSnapshot(): void {
  const r = handle.result;
  if (!r || r.snapshots.length === 0) {
    $("liq-label").textContent = "";
    return;
  }
  const s = r.snapshots[Number($<HTMLInputElement>("liq-time").value)];
  $("liq-label").textContent = `${new Date(s.t * 1000).toISOString().slice(0, 16)} UTC, price ` +
    `${s.price.toFixed(2)}, tick ${s.tick}`;
  liqChart?.setData(liquidityData(s));
}
$("liq-time").addEventListener("input", showSnapshot);

// ---------- GLFT playground ----------

const gform = $<HTMLFormElement>("glft-form");
const g = (name: string) => Number((gform.elements.namedItem(name) as HTMLInputElement).value);
let ladder: ReturnType<typeof drawLadder> | null = null;

function drawPlayground(core: WasmCore): void {
  syncOutputs(gform);
  const gamma = 10 ** g("g_log");
  const maxPosition = g("g_max");
  const sigma = g("g_sigma") / 100 / LN_TICK;
  const A = 10 ** g("g_alog");
  const k = 10 ** g("g_klog");
  const fee = g("g_fee");
  const n = 121;
  const qs = Array.from(
    { length: n },
    (_, i) => -1.2 * maxPosition + (2.4 * maxPosition * i) / (n - 1),
  );
  const params = { gamma, xi: gamma * g("g_xi"), sigma, A, k, fee, maxPosition, lot: 1 };
  const gl = core.quoting.glftLadder(params, 0, qs);
  const as = core.quoting.avellanedaStoikovLadder(
    { gamma, sigma, k, fee, maxPosition, horizon: num("horizonDays") || 1 },
    0,
    qs,
  );
  const c = core.quoting.glftCoefficients(params);
  $("glft-coef").textContent =
    `GLFT c1 ${c.c1.toFixed(2)} ticks, c2 ${c.c2.toFixed(3)} ticks/pp, ` +
    `half spread ${c.halfSpread.toFixed(2)} ticks (+ ${fee} execution cost); σ ${
      sigma.toFixed(1)
    } ` +
    `ticks/√day. Dashed: Avellaneda–Stoikov with the same γ, σ, k.`;
  ladder = drawLadder($("chart-glft"), {
    q: qs,
    glftBid: gl.map((x) => (x.bid === null ? null : x.bid)),
    glftAsk: gl.map((x) => (x.ask === null ? null : x.ask)),
    asBid: as.map((x) => (x.bid === null ? null : x.bid)),
    asAsk: as.map((x) => (x.ask === null ? null : x.ask)),
  }, ladder);
}

function usePlayground(): void {
  field("model").value = "glft";
  field("inventoryPenalty").value = String(Number((10 ** g("g_log")).toPrecision(4)));
  field("terminalPenalty").value = g("g_xi") === 1
    ? ""
    : String(Number((10 ** g("g_log") * g("g_xi")).toPrecision(4)));
  field("fillIntensity").value = String(Number((10 ** g("g_alog")).toPrecision(4)));
  field("k").value = String(Number((10 ** g("g_klog")).toPrecision(4)));
  field("executionCost").value = String(g("g_fee"));
  field("maxPosition").value = String(g("g_max"));
  syncPanels();
}

// ---------- start ----------

$("run").addEventListener("click", () => startRun());
$("cancel").addEventListener("click", () => cancelRun());
syncPanels();
try {
  const core = await loadCore();
  $("core-status").textContent = "core.wasm loaded (the same module as the Deno backtest)";
  drawPlayground(core);
  gform.addEventListener("input", () => drawPlayground(core));
  $("glft-use").addEventListener("click", usePlayground);
  setState("idle", "");
  if (new URLSearchParams(location.search).get("autorun") !== "0") startRun();
} catch (e) {
  $("core-status").textContent = "core.wasm failed to load";
  showError(e instanceof Error ? e.message : String(e), null);
}
