/**
 * The backtest CLI: every option is documented in --help, flags and INI
 * files set the same options (flags win), pool configs load, bad values and
 * unknown options fail with the option named, and the sweep grid expands.
 */
import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { helpText, OPTIONS, parseCli, readPoolConfig } from "../../services/defi/backtest/cli.ts";
import { gridPoints, parseSweep, rankRows } from "../../services/defi/backtest/sweep.ts";

const CONFIG = new URL("../../config/backtest/", import.meta.url);
const cfg = (n: string) => decodeURIComponent(new URL(n, CONFIG).pathname);

Deno.test("cli: --help explains every flag, including the issue's", () => {
  const h = helpText();
  for (const name of Object.keys(OPTIONS)) {
    ok(h.includes(`--${name}`), `--${name} missing from --help`);
  }
  for (
    const f of [
      "data",
      "pool-config",
      "model",
      "from",
      "to",
      "out",
      "seed",
      "sweep",
      "skip-bad-rows",
      "hedge",
    ]
  ) {
    ok(OPTIONS[f], f);
  }
});

Deno.test("cli: flags, INI config (flags win), time window and pool config", () => {
  const o = parseCli([
    "--config",
    cfg("sample.ini"),
    "--model=as",
    "--seed",
    "9",
    "--from",
    "2024-01-02",
    "--to",
    "2024-01-03T12:00",
    "--threshold",
    "0.2",
    "--hedge",
    "--pool-config",
    cfg("polygon-usdc-weth-005.ini"),
  ]);
  equal(o.model.model, "as"); // the flag overrides the file's glft
  equal(o.model.A, 500); // from the file
  equal(o.model.maxPosition, 40);
  equal(o.seed, 9);
  equal(o.strategy.threshold, 0.2);
  equal(o.from, Date.UTC(2024, 0, 2) / 1000);
  equal(o.to, Date.UTC(2024, 0, 3, 12) / 1000);
  ok(o.hedge && o.hedge.ratio === 1);
  equal(o.pool.symbol0, "USDC.e");
  equal(o.pool.nativeToken, null);
  deepEqual([o.gas.mint, o.gas.burn, o.gas.collect, o.gas.swap], [400000, 160000, 120000, 130000]);
  const m = readPoolConfig(cfg("mainnet-usdc-weth-005.ini"));
  equal(m.nativeToken, 1);
  equal(m.fee, 500);
});

Deno.test("cli: bad values and unknown options name the option", () => {
  throws(() => parseCli(["--threshold", "abc"]), /--threshold: 'abc' is not a number/);
  throws(() => parseCli(["--model", "bs"]), /--model: 'bs'/);
  throws(() => parseCli(["--frob"]), /Unknown option --frob/);
  throws(() => parseCli(["--seed"]), /--seed needs a value/);
  throws(() => parseCli(["--from", "yesterday"]), /--from: 'yesterday'/);
});

Deno.test("sweep: the grid expands in row-major order and ranks best first", () => {
  const spec = parseSweep(
    "[backtest]\ndays = 1\n[sweep]\nthreshold = 0.1, 0.2\nwidth-scale = 1,2,3\nrank_by = pnl.fees\n",
    "grid.ini",
  );
  deepEqual(spec.base, [["days", "1"]]);
  equal(spec.rankBy, "pnl.fees");
  const pts = gridPoints(spec);
  equal(pts.length, 6);
  deepEqual(pts[1], [["threshold", "0.1"], ["width-scale", "2"]]);
  const rows = pts.map((point, index) => ({ index, point, metrics: { "pnl.fees": index % 3 } }));
  deepEqual(rankRows(rows, "pnl.fees").map((r) => r.index), [2, 5, 1, 4, 0, 3]);
  throws(
    () => parseSweep("[sweep]\nfrob = 1\n", "g.ini"),
    /Unknown option g\.ini:2 \[sweep\] frob/,
  );
  // the sample sweep file is valid and has 64 points
  equal(gridPoints(parseSweep(Deno.readTextFileSync(cfg("sweep.ini")), "sweep.ini")).length, 64);
});
