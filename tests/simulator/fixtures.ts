/** Shared inputs of the simulator tests. */
import { BARS_HEADER } from "../../services/defi/data/bars_format.ts";

/** The name the bad bars file is uploaded as. */
export const BAD_BARS_NAME = "bad_bars.csv";

const row = (t: number, tick: string) =>
  `${t},2000,2000,2000,2000,200311,${tick},200311,200311,100,0,0.05,0,3,1e18`;

/** Our bars format with a non-number in high_tick (column 7) on line 4. */
export const BAD_BARS_CSV = [
  BARS_HEADER,
  row(1704067200, "200311"),
  row(1704067260, "200311"),
  row(1704067320, "abc"),
  row(1704067380, "200311"),
].join("\n") + "\n";
