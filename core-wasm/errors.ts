/**
 * Typed errors for math the Uniswap V3 contracts revert on.
 *
 * @module
 */

/**
 * Thrown where the contract would revert. `code` is the contract's revert
 * string ("T", "R", "SPL", "AS", "LOK", "TLU", "TLM", "TUM", "LO", "LS", "LA",
 * "NP", "AI", ...) or a descriptive code for reverts without one
 * ("OVERFLOW", "DIV_ZERO", "ZERO_AMOUNT"); the message names the function,
 * the constraint and the offending value.
 *
 * @example
 * ```ts
 * import { V3MathError } from "./errors.ts";
 * try {
 *   throw new V3MathError("T", "getSqrtRatioAtTick", "tick 887273 is outside [-887272, 887272]");
 * } catch (e) {
 *   if (e instanceof V3MathError) console.log(e.code); // "T"
 * }
 * ```
 */
export class V3MathError extends RangeError {
  /** The contract's revert code, e.g. "SPL". */
  readonly code: string;
  /** The function that refused, e.g. "swap". */
  readonly fn: string;

  constructor(code: string, fn: string, detail: string) {
    super(`Cannot ${describe(fn)}: ${detail} (revert ${code})`);
    this.name = "V3MathError";
    this.code = code;
    this.fn = fn;
  }
}

function describe(fn: string): string {
  switch (fn) {
    case "getSqrtRatioAtTick":
      return "compute sqrt ratio";
    case "getTickAtSqrtRatio":
      return "compute tick";
    default:
      return fn;
  }
}
