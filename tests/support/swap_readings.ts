/**
 * The three readings of a recorded Swap event that the exact pool can replay
 * (used by the mainnet-day and WBTC/WETH replay tests): exact input of the
 * amount paid, exact output of the amount received, or a swap stopped by its
 * price limit at the recorded post-swap price.
 *
 * @example
 * ```ts
 * const a = swapArgs({ amount0: 10n, amount1: -9n, sqrtPriceX96: 2n ** 96n }, "exactInput");
 * ```
 * @module
 */
import { MAX_SQRT_RATIO, MIN_SQRT_RATIO } from "../../core-wasm/mod.ts";

/** How a recorded swap is replayed. */
export type Reading = "exactInput" | "exactOutput" | "priceLimit";
/** Every reading, in the order the tests try them. */
export const READINGS: readonly Reading[] = ["exactInput", "exactOutput", "priceLimit"];
const INT256_MAX = (1n << 255n) - 1n;

/** swap() arguments for one reading of a swap event (pool-side signed amounts). */
export function swapArgs(
  ev: { amount0: bigint; amount1: bigint; sqrtPriceX96: bigint },
  reading: Reading,
): { zeroForOne: boolean; amountSpecified: bigint; sqrtPriceLimitX96: bigint } {
  const zeroForOne = ev.amount0 > 0n;
  const paid = zeroForOne ? ev.amount0 : ev.amount1;
  const received = zeroForOne ? -ev.amount1 : -ev.amount0;
  const noLimit = zeroForOne ? MIN_SQRT_RATIO + 1n : MAX_SQRT_RATIO - 1n;
  switch (reading) {
    case "exactInput":
      return { zeroForOne, amountSpecified: paid, sqrtPriceLimitX96: noLimit };
    case "exactOutput":
      return { zeroForOne, amountSpecified: -received, sqrtPriceLimitX96: noLimit };
    case "priceLimit":
      return { zeroForOne, amountSpecified: INT256_MAX, sqrtPriceLimitX96: ev.sqrtPriceX96 };
  }
}
