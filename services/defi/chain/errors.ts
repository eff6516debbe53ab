/**
 * Revert reasons decoded into clear errors. Uniswap's contracts revert with
 * short codes ("STF", "Price slippage check", "Too little received"); a
 * {@link ChainRevertError} names the operation, the raw reason and what it
 * means.
 *
 * @example
 * ```ts
 * import { ChainRevertError } from "./errors.ts";
 * const e = new ChainRevertError("swap exactInputSingle", "Too little received");
 * console.log(e.message);
 * // swap exactInputSingle reverted: "Too little received" (output below amountOutMinimum: ...)
 * ```
 * @module
 */
import { shortMessage } from "./retry.ts";

/** Meanings of the reasons Uniswap V3 (core, periphery, router) reverts with. */
export const REVERT_MEANINGS: Record<string, string> = {
  "Price slippage check":
    "amounts below amount0Min/amount1Min: the price moved beyond the slippage bound",
  "Too little received": "output below amountOutMinimum: the price moved beyond the slippage bound",
  "Too much requested": "input above amountInMaximum: the price moved beyond the slippage bound",
  "Transaction too old": "deadline passed before the transaction was mined",
  STF: "token transferFrom failed (balance or allowance too low)",
  ST: "token transfer failed",
  SA: "token approve failed",
  SPL: "sqrtPriceLimitX96 is on the wrong side of the price or out of bounds",
  AS: "amountSpecified is zero",
  LOK: "pool is locked (reentrancy)",
  TLU: "tickLower must be below tickUpper",
  TLM: "tickLower below the minimum tick",
  TUM: "tickUpper above the maximum tick",
  "Not approved": "caller is not the owner or approved for this position NFT",
  "Not cleared": "position still has liquidity or uncollected tokens (burn before collect)",
  "Invalid token ID": "no such position NFT",
  M0: "mint: token0 balance did not increase (payment failed)",
  M1: "mint: token1 balance did not increase (payment failed)",
};

/** A transaction or call that the chain rejected with a revert. */
export class ChainRevertError extends Error {
  /** What we tried ("mint", "swap exactInputSingle"). */
  readonly operation: string;
  /** The decoded reason string or custom error name, or "" when none. */
  readonly reason: string;
  /** Mined transaction hash when the revert happened on chain (else simulation). */
  readonly txHash?: string;
  constructor(operation: string, reason: string, opts: { txHash?: string; cause?: unknown } = {}) {
    const meaning = REVERT_MEANINGS[reason];
    const where = opts.txHash ? ` in transaction ${opts.txHash}` : " in simulation";
    super(
      `${operation} reverted${where}: ${reason ? JSON.stringify(reason) : "no reason given"}` +
        (meaning ? ` (${meaning})` : ""),
      { cause: opts.cause },
    );
    this.name = "ChainRevertError";
    this.operation = operation;
    this.reason = reason;
    this.txHash = opts.txHash;
  }
}

/** Extracts a revert reason from a viem error chain, or null when it is not a revert. */
export function revertReason(e: unknown): string | null {
  let cur = e as Record<string, unknown> | undefined;
  let sawRevert = false;
  for (let i = 0; cur && i < 12; i++) {
    const name = String(cur.name ?? "");
    if (name === "ContractFunctionRevertedError") {
      sawRevert = true;
      if (typeof cur.reason === "string" && cur.reason) return cur.reason;
      const data = cur.data as { errorName?: string; args?: unknown[] } | undefined;
      if (data?.errorName) return data.errorName;
      if (typeof cur.signature === "string") return `custom error ${cur.signature}`;
    }
    const msg = String(cur.details ?? cur.shortMessage ?? cur.message ?? "");
    const m = /execution reverted(?::| with reason string)?\s*['"]?([^'"\n]*)['"]?/i.exec(msg);
    if (m) {
      sawRevert = true;
      const r = m[1].trim().replace(/^reason:\s*/i, "");
      if (r) return r;
    }
    if (name === "ExecutionRevertedError" || /reverted/i.test(msg)) sawRevert = true;
    cur = cur.cause as Record<string, unknown> | undefined;
  }
  return sawRevert ? "" : null;
}

/** Wraps an error as {@link ChainRevertError} when it is a revert, else returns it unchanged. */
export function asRevert(operation: string, e: unknown, txHash?: string): unknown {
  if (e instanceof ChainRevertError) return e;
  const r = revertReason(e);
  if (r === null) return e;
  return new ChainRevertError(operation, r, { txHash, cause: e });
}

/** A short description of any error for logs. */
export function describeError(e: unknown): string {
  return e instanceof ChainRevertError ? e.message : shortMessage(e);
}
