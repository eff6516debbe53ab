/**
 * Bars loaders: our bars format (bars_format.ts) and demeter's minute CSV,
 * plain and gzip, streamed in chunks; bad rows reported with file, line and
 * column, or skipped and counted with --skip-bad-rows; the Polygon minute
 * files (with their missing minutes) and the gas price series.
 */
import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { newBadRowCounts, readBars } from "../../services/defi/data/bars_csv.ts";
import { BARS_HEADER, formatBarRow } from "../../services/defi/data/bars_format.ts";
import { readGasPrices } from "../../services/defi/data/gas_price_csv.ts";
import { DataFormatError } from "../../services/defi/data/swap_events_csv.ts";
import { defaultCliOptions, parseCli, readPoolConfig } from "../../services/defi/backtest/cli.ts";
import { runBacktest } from "../../services/defi/backtest/dispatch.ts";

const SHARED = new URL("../../../shared/data/", import.meta.url);
const path = (rel: string) => decodeURIComponent(new URL(rel, SHARED).pathname);
const POLY = path("polygon-usdc-weth-005-minute/");
const POOL = decodeURIComponent(
  new URL("../../config/backtest/polygon-usdc-weth-005.ini", import.meta.url).pathname,
);

function barsText(n: number, t0 = 1704067200, dt = 60): string {
  const rows = [BARS_HEADER];
  for (let i = 0; i < n; i++) {
    rows.push(formatBarRow({
      timestamp: t0 + i * dt,
      openTick: 200000 + i,
      highTick: 200005 + i,
      lowTick: 199995 + i,
      closeTick: 200001 + i,
      amount0In: 1000 + i,
      amount0Out: 0,
      amount1In: 0.5,
      amount1Out: 0.49,
      swapCount: 3,
      liquidity: 12345678901234567890n,
      decimals0: 6,
      decimals1: 18,
    }));
  }
  return rows.join("\n") + "\n";
}

async function collect(paths: string[], opts: Parameters<typeof readBars>[1]) {
  const out: number[][] = [];
  for await (const c of readBars(paths, opts)) {
    for (let i = 0; i < c.length; i++) {
      out.push([c.t[i], c.closeTick[i], c.in0[i], c.in1[i], c.liquidity[i]]);
    }
  }
  return out;
}

async function tmpFile(text: string, gzip = false): Promise<string> {
  const p = await Deno.makeTempFile({ suffix: gzip ? ".csv.gz" : ".csv" });
  let bytes = new TextEncoder().encode(text);
  if (gzip) {
    const s = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
    bytes = new Uint8Array(await new Response(s).arrayBuffer());
  }
  await Deno.writeFile(p, bytes);
  return p;
}

const OPTS = { decimals0: 6, decimals1: 18 };

Deno.test("bars format: round trip, plain and gzip, in chunks", async () => {
  const text = barsText(1000);
  const a = await tmpFile(text);
  const b = await tmpFile(text, true);
  try {
    const x = await collect([a], { ...OPTS, chunkSize: 64 });
    const y = await collect([b], OPTS);
    equal(x.length, 1000);
    deepEqual(x, y);
    deepEqual(x[3], [1704067200 + 180, 200004, 1003, 0.5, 12345678901234567890]);
  } finally {
    await Deno.remove(a);
    await Deno.remove(b);
  }
});

Deno.test("demeter minute bars: raw amounts normalized by decimals", async () => {
  const p = path(
    "mainnet-usdc-weth-005-2024-01-05/ethereum-0x88e6a0c2ddd26feeb64f039a2c41296fcb3f5640-2024-01-05.minute.csv",
  );
  const rows = await collect([p], OPTS);
  equal(rows.length, 1440);
  const first = (await Deno.readTextFile(p)).split("\n")[1].split(",");
  equal(rows[0][2], Number(first[7]) / 1e6);
  equal(rows[0][3], Number(first[8]) / 1e18);
  equal(rows[0][1], Number(first[3]));
});

Deno.test("bad rows: each kind names file, line and column; --skip-bad-rows counts them", async () => {
  const good = barsText(6).trimEnd().split("\n");
  const cases: [
    string,
    (l: string[]) => void,
    number,
    string,
    keyof ReturnType<typeof newBadRowCounts>,
  ][] = [
    [
      "missing column",
      (l) => (l[3] = l[3].split(",").slice(0, 10).join(",")),
      3,
      "columns",
      "missingColumn",
    ],
    [
      "non-numeric",
      (l) => (l[4] = l[4].replace(/,(\d+),(\d+),(\d+),(\d+),/, ",$1,abc,$3,$4,")),
      4,
      "not a number",
      "notANumber",
    ],
    [
      "time backwards",
      (l) => (l[4] = l[3].split(",")[0] + l[4].slice(l[4].indexOf(","))),
      4,
      "does not increase",
      "timeNotIncreasing",
    ],
    ["gap", (l) => l.splice(3, 1), 3, "gap of 120 s", "gaps"],
  ];
  for (const [name, edit, line, msg, counter] of cases) {
    const lines = [...good];
    edit(lines);
    const p = await tmpFile(lines.join("\n") + "\n");
    try {
      await rejects(collect([p], OPTS), (e: unknown) => {
        ok(e instanceof DataFormatError, `${name}: ${e}`);
        equal(e.file, p);
        equal(e.line, line + 1, `${name}: ${e.message}`);
        ok(e.column >= 1);
        ok(e.message.includes(msg), `${name}: ${e.message}`);
        ok(e.message.startsWith(`${p}:${e.line}:${e.column}`), e.message);
        return true;
      });
      const bad = newBadRowCounts();
      const rows = await collect([p], { ...OPTS, skipBadRows: true, bad });
      equal(bad[counter], 1, `${name}: ${JSON.stringify(bad)}`);
      ok(rows.length >= 4);
    } finally {
      await Deno.remove(p);
    }
  }
});

Deno.test("Polygon minute files: the missing minute stops the run unless --skip-bad-rows", async () => {
  const o = defaultCliOptions();
  o.pool = { ...o.pool, ...readPoolConfig(POOL) };
  o.data = [POLY];
  o.from = Date.UTC(2023, 7, 13) / 1000;
  o.to = Date.UTC(2023, 7, 16) / 1000;
  await rejects(
    runBacktest(o),
    /polygon-.*2023-08-14\.minute\.csv:2:1 \(timestamp\): gap of 120 s/,
  );
  const o2 = parseCli([
    "--data",
    POLY,
    "--pool-config",
    POOL,
    "--from",
    "2023-08-13",
    "--to",
    "2023-08-16",
    "--skip-bad-rows",
    "--gas-data",
    `${POLY}gas_price.csv`,
  ]);
  const r = await runBacktest(o2);
  // deno-lint-ignore no-explicit-any
  const s = r.summary as any;
  equal(s.mode, "bar");
  equal(s.badRows.gaps, 1);
  equal(s.badRows.missingBars, 1);
  equal(r.items, 3 * 1440 - 1);
  ok(s.pnl.fees > 0);
  ok(s.activity.gasPaidOutsidePoolTokens > 0, "MATIC gas is paid outside the pool tokens");
});

Deno.test("gas price series: gwei by minute, sorted", async () => {
  const g = await readGasPrices(`${POLY}gas_price.csv`);
  equal(g.t.length, 5760);
  equal(g.t[0], Date.UTC(2023, 7, 14) / 1000);
  for (let i = 1; i < g.t.length; i++) ok(g.t[i] > g.t[i - 1]);
  ok(Math.max(...g.gwei) > 9000);
});
