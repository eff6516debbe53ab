/**
 * `deno task download`: a pool's on-chain swap events -> swap CSV and bars
 * for the backtest (see services/defi/download/downloader.ts).
 *
 * ```sh
 * deno task download --rpc https://arb1.arbitrum.io/rpc \
 *   --pool 0xC6962004f452bE9203591991D15f6b388e09E8D0 \
 *   --from-date 2024-01-01 --to-date 2024-01-02 --intervals 1s,1m,5m --out out/download/arb-weth-usdc
 * ```
 *
 * Options: `--rpc URL` (or $ALP_RPC_URL), `--pool ADDRESS`, `--from-block N` /
 * `--from-date YYYY-MM-DD[THH:MM:SSZ]`, `--to-block N` / `--to-date ...`
 * (default latest), `--intervals 1s,1m` (default), `--mint-burn` (also
 * Mint/Burn events), `--concurrency 4`, `--span 2000` (first getLogs range),
 * `--out DIR`. A re-run with the same arguments resumes from the checkpoint.
 * @module
 */
import { type Address, isAddress } from "viem";
import { createLogging } from "../services/common/log.ts";
import { blockAtOrAfter, downloadPool, parseInterval } from "../services/defi/download/mod.ts";
import { JsonRpc } from "../services/defi/download/rpc.ts";

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  if (i >= 0) return args[i + 1];
  const eq = args.find((a) => a.startsWith(`--${name}=`));
  return eq?.slice(name.length + 3);
}

function dateTs(s: string): number {
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s);
  if (!Number.isFinite(t)) throw new Error(`Cannot parse date '${s}': expected YYYY-MM-DD or ISO`);
  return Math.floor(t / 1000);
}

/** Runs the CLI; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(
      "usage: deno task download --rpc URL --pool ADDRESS (--from-block N | --from-date D) " +
        "[--to-block N | --to-date D] [--intervals 1s,1m] [--mint-burn] [--concurrency 4] " +
        "[--span 2000] [--out DIR]",
    );
    return 0;
  }
  const rpcUrl = arg(args, "rpc") ?? Deno.env.get("ALP_RPC_URL");
  const pool = arg(args, "pool");
  if (!rpcUrl) throw new Error("--rpc URL (or ALP_RPC_URL) is required");
  if (!pool || !isAddress(pool)) throw new Error(`--pool must be an address, got '${pool}'`);
  const fromDate = arg(args, "from-date");
  const toDate = arg(args, "to-date");
  const fromBlock = arg(args, "from-block") !== undefined
    ? BigInt(arg(args, "from-block")!)
    : fromDate
    ? await blockAtOrAfter(rpcUrl, dateTs(fromDate))
    : (() => {
      throw new Error("--from-block or --from-date is required");
    })();
  const latest = BigInt(await new JsonRpc(rpcUrl).call<string>("eth_blockNumber"));
  const toBlock = arg(args, "to-block") !== undefined
    ? BigInt(arg(args, "to-block")!)
    : toDate
    ? await blockAtOrAfter(rpcUrl, dateTs(toDate)) - 1n
    : latest;
  const intervals = (arg(args, "intervals") ?? "1s,1m").split(",").map(parseInterval);
  const outDir = arg(args, "out") ?? `out/download/${pool.toLowerCase()}-${fromBlock}-${toBlock}`;
  const logging = createLogging({ level: "info", console: true });
  const r = await downloadPool({
    rpcUrl,
    pool: pool as Address,
    fromBlock,
    toBlock,
    outDir,
    intervals,
    liquidityEvents: args.includes("--mint-burn"),
    concurrency: Number(arg(args, "concurrency") ?? 4),
    initialSpan: Number(arg(args, "span") ?? 2000),
    logger: logging.logger("download"),
  });
  console.log(
    `${r.swaps} swaps from blocks ${fromBlock}..${toBlock} in ${
      (r.elapsedMs / 1000).toFixed(1)
    } s ` +
      `(${Math.round(r.logs.logs / (r.elapsedMs / 1000))} logs/s, ${r.logs.ranges} ranges, ` +
      `${r.logs.splits} splits, ${r.logs.retries} retries${
        r.resumedFrom !== null ? `, resumed at ${r.resumedFrom}` : ""
      })`,
  );
  for (const [k, v] of Object.entries({ swaps: r.files.swaps, ...r.files.bars })) {
    console.log(`  ${k.padEnd(6)} ${v}`);
  }
  if (r.files.events) console.log(`  events ${r.files.events}`);
  await logging.close();
  return 0;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (e) {
    console.error(`download: ${(e as Error).message}`);
    Deno.exit(1);
  }
}
