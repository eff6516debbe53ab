/**
 * The simulator's run code in Deno (no browser): its scenarios are the
 * CLI's options, and uploads run exactly like `deno task backtest --data`.
 */
import assert from "node:assert/strict";
import { defaultCliOptions, parseCli } from "../../services/defi/backtest/cli.ts";
import { runDataFiles } from "../../services/defi/backtest/data_runs.ts";
import { stableJson } from "../../services/defi/backtest/report.ts";
import { DataFormatError } from "../../services/defi/data/swap_events_csv.ts";
import { readBars } from "../../services/defi/data/bars_csv.ts";
import {
  cliArgs,
  DEFAULT_SCENARIO,
  marketNotes,
  scenarioOptions,
} from "../../services/simulator/scenario.ts";
import { runScenario, textUpload } from "../../services/simulator/simulate.ts";
import { BAD_BARS_CSV, BAD_BARS_NAME } from "./fixtures.ts";

const DATA = new URL("../../../shared/data/", import.meta.url);
const DAY = "mainnet-usdc-weth-005-2024-01-05/";
const TICK_CSV = new URL(
  `${DAY}ethereum-0x88e6a0c2ddd26feeb64f039a2c41296fcb3f5640-2024-01-05.tick.csv`,
  DATA,
);
const MINUTE_CSV = new URL(
  `${DAY}ethereum-0x88e6a0c2ddd26feeb64f039a2c41296fcb3f5640-2024-01-05.minute.csv`,
  DATA,
);
const haveData = await Deno.stat(TICK_CSV).then(() => true, () => false);

Deno.test("simulator scenario: defaults are the CLI's defaults, flags map both ways", () => {
  const o = scenarioOptions(DEFAULT_SCENARIO);
  const cli = { ...defaultCliOptions(), progress: false };
  assert.equal(stableJson(o), stableJson(cli));
  assert.deepEqual(cliArgs(DEFAULT_SCENARIO), []);
  assert.deepEqual(marketNotes(DEFAULT_SCENARIO), []);
  const s = { ...DEFAULT_SCENARIO, seed: 7, model: "glft" as const, threshold: 0.1 };
  const args = cliArgs(s);
  assert.deepEqual(args, ["--seed", "7", "--threshold", "0.1", "--model", "glft"]);
  const viaCli = { ...parseCli(args), progress: false };
  assert.equal(stableJson(scenarioOptions(s)), stableJson(viaCli));
  const m = scenarioOptions({ ...DEFAULT_SCENARIO, regime: "calm", volScale: 2, flowScale: 0.5 });
  assert.equal(m.synthetic.regimes.length, 2);
  assert.equal(m.synthetic.regimes[0].annualVol, 0.7);
  assert.equal(m.synthetic.noisePerSec, 0.04);
  assert.throws(() => scenarioOptions({ ...DEFAULT_SCENARIO, volScale: 0 }), /volScale/);
});

Deno.test({
  name: "simulator upload: a swap-event CSV runs exactly like --data (summary.json bytes)",
  ignore: !haveData,
  async fn() {
    const text = await Deno.readTextFile(TICK_CSV);
    const name = TICK_CSV.pathname.split("/").pop()!;
    const sim = await runScenario(DEFAULT_SCENARIO, textUpload(name, text));
    const cli = await runDataFiles(parseCli(["--data", TICK_CSV.pathname, "--no-progress"]));
    assert.equal(sim.mode, "swap");
    assert.equal(sim.summaryJson, stableJson(cli.summary));
    assert.ok(sim.snapshots.length >= 2, `${sim.snapshots.length} liquidity snapshots`);
    const snap = sim.snapshots[0];
    assert.equal(snap.ticks.length, snap.total.length);
    assert.ok(snap.total.some((x) => x > 0));
  },
});

Deno.test({
  name: "simulator upload: a bars CSV runs exactly like --data (bar mode)",
  ignore: !haveData,
  async fn() {
    const text = await Deno.readTextFile(MINUTE_CSV);
    const name = MINUTE_CSV.pathname.split("/").pop()!;
    const sim = await runScenario(DEFAULT_SCENARIO, textUpload(name, text, true));
    const cli = await runDataFiles(
      parseCli(["--data", MINUTE_CSV.pathname, "--skip-bad-rows", "--no-progress"]),
    );
    assert.equal(sim.mode, "bar");
    assert.equal(sim.summaryJson, stableJson(cli.summary));
  },
});

Deno.test("simulator upload: a bad bars row throws the CLI parser's error (line, column)", async () => {
  const err = await runScenario(DEFAULT_SCENARIO, textUpload(BAD_BARS_NAME, BAD_BARS_CSV)).then(
    () => null,
    (e) => e,
  );
  assert.ok(err instanceof DataFormatError, String(err));
  assert.equal(err.line, 4);
  assert.equal(err.column, 7);
  // the file reader of the CLI gives the same message for the same file name
  const dir = await Deno.makeTempDir();
  const cwd = Deno.cwd();
  try {
    await Deno.writeTextFile(`${dir}/${BAD_BARS_NAME}`, BAD_BARS_CSV);
    Deno.chdir(dir);
    const cliErr = await (async () => {
      for await (const _ of readBars([BAD_BARS_NAME], { decimals0: 6, decimals1: 18 })) {
        // read on
      }
    })().then(() => null, (e) => e);
    assert.ok(cliErr instanceof DataFormatError);
    assert.equal(err.message, cliErr.message);
  } finally {
    Deno.chdir(cwd);
    await Deno.remove(dir, { recursive: true });
  }
});
