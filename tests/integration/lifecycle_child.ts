/**
 * A minimal service run by the lifecycle and launcher tests (not a test
 * itself): publishes a Trade every 20 ms on market_data, subscribes to
 * market_data and counts what it gets, logs a marker on stop.
 *
 * Flags after `--config <ini>`: `--exit-after <ms> [--exit-code <n>]` exits
 * by itself (hard, like a crash); `--hang-stop` makes its stop hook never
 * finish (to test the stop bound).
 */
import { runService } from "../../services/common/app.ts";
import { int, section } from "../../services/common/config/schema.ts";

const args = Deno.args;
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

await runService({
  name: "lifecycle_child",
  schema: { child: section({ publish_every_ms: int({ default: 20, min: 1 }) }) },
  start(ctx) {
    const pub = ctx.publisher("market_data");
    let received = 0;
    ctx.registry.onType("market_data", "Trade", () => void received++, { name: "count" });
    ctx.registry.onType("market_data", "Trade", () => {
      throw new Error("this handler always fails");
    }, { name: "faulty" });
    ctx.subscribe("market_data");
    let n = 0;
    ctx.every(ctx.config.child.publish_every_ms, () => {
      pub.publish("Trade", {
        header: { venue: "test", symbol: "LIFE" },
        tradeId: String(++n),
      });
    });
    ctx.every(200, () => ctx.logger.debug("progress", { sent: n, received }));
    const exitAfter = flag("--exit-after");
    if (exitAfter) {
      setTimeout(() => Deno.exit(Number(flag("--exit-code") ?? "3")), Number(exitAfter));
    }
    ctx.logger.info("child started", { pid: Deno.pid });
  },
  async stop(ctx) {
    ctx.logger.info("child stop hook: flushing state");
    if (args.includes("--hang-stop")) await new Promise(() => {});
  },
});
