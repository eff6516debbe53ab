/// <reference lib="dom" />
/**
 * The browser simulator in a real headless Chromium (Debian `chromium`,
 * driven by npm playwright-core): default-scenario parity with
 * `deno task backtest`, a bad CSV row reported with line and column,
 * non-empty charts and a screenshot for the README, cancel + responsiveness.
 * Chromium is installed with apt-get when missing; the test is skipped (with
 * the reason printed) only when that is impossible.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { buildWasm } from "../../tasks/build_wasm.ts";
import { buildSimulator } from "../../tasks/build_simulator.ts";
import { serveSimulator } from "../../services/simulator/server.ts";
import { ensureChromium, launchChromium } from "../../services/simulator/browser.ts";
import { BAD_BARS_CSV, BAD_BARS_NAME } from "./fixtures.ts";

const root = new URL("../../", import.meta.url);
const chromiumFound = await ensureChromium();
if (!chromiumFound.path) {
  console.error(`SKIPPED simulator browser tests: ${chromiumFound.reason}`);
}

/** Runs the real CLI (`deno task backtest`'s script) and returns stdout/stderr. */
async function cli(args: string[], cwd: string) {
  const r = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--config",
      new URL("deno.json", root).pathname,
      new URL("tasks/backtest.ts", root).pathname,
      "--no-progress",
      ...args,
    ],
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
}

const COLORED_PIXELS = `[...document.querySelectorAll(".chart")].map((el) => {
  const c = el.querySelector("canvas");
  if (!c) return [el.id, 0];
  const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) {
    const r = d[i], g = d[i + 1], b = d[i + 2];
    if (d[i + 3] > 0 && Math.max(r, g, b) - Math.min(r, g, b) > 60) n++;
  }
  return [el.id, n];
})`;

Deno.test({
  name: "simulator in headless Chromium",
  ignore: !chromiumFound.path,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await buildWasm();
    await buildSimulator();
    const tmp = await Deno.makeTempDir({ prefix: "simulator-test-" });
    const srv = serveSimulator({ port: 0 });
    const browser = await launchChromium(chromiumFound.path!);
    try {
      await Deno.writeTextFile(`${tmp}/${BAD_BARS_NAME}`, BAD_BARS_CSV);
      // the CLI runs (the parity reference and the bad-row message) while the page loads
      const cliDefault = cli(["--out", `${tmp}/cli-default`], tmp);
      const cliBad = cli(["--data", BAD_BARS_NAME, "--out", `${tmp}/cli-bad`], tmp);
      const page = await browser.context.newPage();
      const pageErrors: string[] = [];
      page.on("pageerror", (e) => pageErrors.push(e.message));
      const state = () => page.evaluate(() => document.body.dataset.state);
      const waitState = (states: string[], timeout = 30_000) =>
        page.waitForFunction(
          (s) => s.includes(document.body.dataset.state ?? ""),
          states,
          { timeout },
        );

      await t.step(
        "default scenario: summary equals deno task backtest's summary.json",
        async () => {
          await page.goto(srv.url);
          await waitState(["done", "error"]);
          assert.equal(await state(), "done");
          const json = await page.evaluate(() =>
            document.getElementById("summary-json")!.textContent
          );
          const ref = await cliDefault;
          assert.equal(ref.code, 0, ref.err);
          const expected = await Deno.readTextFile(`${tmp}/cli-default/summary.json`);
          assert.equal(json, expected);
          // the table shows the same numbers
          const s = JSON.parse(expected);
          const cell = (key: string) =>
            page.evaluate((k) => {
              for (const tr of document.querySelectorAll("#summary tr")) {
                if (tr.children[0].textContent === k) return tr.children[1].textContent;
              }
              return null;
            }, key);
          assert.equal(await cell("pnl.fees"), String(s.pnl.fees));
          assert.equal(await cell("returns.vsHodl"), String(s.returns.vsHodl));
          assert.equal(await cell("activity.rebalances"), String(s.activity.rebalances));
        },
      );

      await t.step("charts have drawn pixels; screenshot for the README", async () => {
        const counts = await page.evaluate(COLORED_PIXELS) as [string, number][];
        assert.equal(counts.length, 5, JSON.stringify(counts));
        for (const [id, n] of counts) assert.ok(n > 200, `${id} has ${n} drawn colored pixels`);
        const png = new URL("config/screenshots/simulator.png", root);
        await page.screenshot({ path: png.pathname, fullPage: true });
        const size = (await Deno.stat(png)).size;
        assert.ok(size > 50_000, `screenshot is ${size} bytes`);
      });

      await t.step(
        "a CSV with a bad row: the page shows line and column, nothing crashes",
        async () => {
          await page.check("input[name=source][value=upload]");
          await page.setInputFiles("#csv", {
            name: BAD_BARS_NAME,
            mimeType: "text/csv",
            buffer: Buffer.from(BAD_BARS_CSV),
          });
          await page.click("#run");
          await waitState(["error", "done"]);
          assert.equal(await state(), "error");
          const err = await page.evaluate(() => {
            const el = document.getElementById("error")!;
            return { text: el.textContent ?? "", line: el.dataset.line, column: el.dataset.column };
          });
          assert.equal(err.line, "4");
          assert.equal(err.column, "7");
          assert.match(err.text, /line 4, column 7/);
          const ref = await cliBad;
          assert.equal(ref.code, 1);
          const cliMessage = ref.err.trim().split("\n").pop()!;
          assert.match(cliMessage, /bad_bars\.csv:4:7 \(high_tick\)/);
          assert.ok(err.text.includes(cliMessage), `page: ${err.text}\nCLI: ${cliMessage}`);
          // the page still works: back to the synthetic market, a short run
          await page.check("input[name=source][value=synthetic]");
          await page.fill("input[name=days]", "1");
          await page.click("#run");
          await waitState(["done", "error"]);
          assert.equal(await state(), "done");
        },
      );

      await t.step("a long run: progress, page responsive, cancel", async () => {
        await page.fill("input[name=days]", "30");
        await page.click("#run");
        await page.waitForFunction(
          () => {
            const p = document.getElementById("progress") as HTMLProgressElement;
            return p.value > 0.02;
          },
          null,
          { timeout: 20_000 },
        );
        const t0 = performance.now();
        const running = await state();
        const echo = await page.evaluate(() => 1 + 1);
        const latency = performance.now() - t0;
        assert.equal(running, "running");
        assert.equal(echo, 2);
        assert.ok(latency < 1000, `page answered in ${latency.toFixed(0)} ms during a run`);
        await page.click("#cancel");
        await waitState(["cancelled"], 5_000);
        assert.equal(
          await page.evaluate(() => document.getElementById("status")!.textContent),
          "cancelled",
        );
      });

      assert.deepEqual(pageErrors, []);
    } finally {
      await browser.close();
      await srv.shutdown();
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
    }
  },
});
