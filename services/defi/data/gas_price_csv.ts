/**
 * Gas price series CSV (`block_timestamp, gas_price`, gas price in gwei as a
 * float; demeter's `gas_price.csv`), read into ascending arrays for a step
 * function. Rows out of order are sorted; bad rows throw a DataFormatError.
 *
 * @module
 */
import { DataFormatError } from "./swap_events_csv.ts";
import { readLines } from "./bars_csv.ts";

/** Reads a gas price CSV. */
export async function readGasPrices(
  path: string,
): Promise<{ t: Float64Array; gwei: Float64Array }> {
  const rows: [number, number][] = [];
  let lineNo = 0;
  let ti = 0;
  let gi = 1;
  for await (const line of readLines(path)) {
    lineNo++;
    const f = line.split(",");
    if (lineNo === 1) {
      ti = f.findIndex((c) => /time/i.test(c));
      gi = f.findIndex((c) => /gas/i.test(c));
      if (ti < 0 || gi < 0) {
        throw new DataFormatError(
          path,
          1,
          1,
          undefined,
          line,
          "expected columns block_timestamp and gas_price",
        );
      }
      continue;
    }
    if (line === "") continue;
    const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(f[ti] ?? "");
    const t = m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) / 1000 : Number(f[ti]);
    if (!Number.isFinite(t)) {
      throw new DataFormatError(
        path,
        lineNo,
        ti + 1,
        "block_timestamp",
        f[ti] ?? "",
        "not a timestamp",
      );
    }
    const g = Number(f[gi]);
    if (!(g >= 0)) {
      throw new DataFormatError(
        path,
        lineNo,
        gi + 1,
        "gas_price",
        f[gi] ?? "",
        "not a gas price >= 0",
      );
    }
    rows.push([t, g]);
  }
  rows.sort((a, b) => a[0] - b[0]);
  return { t: Float64Array.from(rows, (r) => r[0]), gwei: Float64Array.from(rows, (r) => r[1]) };
}
