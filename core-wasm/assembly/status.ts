// Failure reporting without exceptions: a function that would revert in the
// contract sets `status` (first failure wins) and returns; callers check it.
// The TS facade turns a nonzero status into a V3MathError with the
// contract's revert code (see core-wasm/_status.ts for the names).

export const OK: i32 = 0;
export const E_T: i32 = 1; // tick out of range
export const E_R: i32 = 2; // sqrt ratio out of range
export const E_OVERFLOW: i32 = 3; // result does not fit its type
export const E_DIV_ZERO: i32 = 4; // division by zero
export const E_LS: i32 = 5; // liquidity underflow
export const E_LA: i32 = 6; // liquidity overflow
export const E_SPL: i32 = 7; // swap price limit
export const E_AS: i32 = 8; // zero amount specified
export const E_LOK: i32 = 9; // pool not initialized (locked)
export const E_TLU: i32 = 10; // tickLower >= tickUpper
export const E_TLM: i32 = 11; // tickLower < MIN_TICK
export const E_TUM: i32 = 12; // tickUpper > MAX_TICK
export const E_LO: i32 = 13; // liquidity per tick above max
export const E_NP: i32 = 14; // poke of a position with no liquidity
export const E_AI: i32 = 15; // already initialized
export const E_ZERO_AMOUNT: i32 = 16; // mint of zero liquidity
export const E_PRICE_ZERO: i32 = 17; // sqrtP == 0 or liquidity == 0 in next-price math
export const E_PRICE_BOUND: i32 = 18; // next price would cross zero / product overflow
export const E_FEE_PROTOCOL: i32 = 19; // invalid protocol fee
export const E_BAD_HANDLE: i32 = 20; // unknown pool handle
export const E_TICK_SPACING: i32 = 21; // tick not a multiple of spacing / bad spacing
export const E_BAD_INPUT: i32 = 22; // malformed state passed in

export let status: i32 = OK;

// @ts-ignore: decorator
@inline
export function fail(code: i32): void {
  if (status == OK) status = code;
}

export function resetStatus(): void {
  status = OK;
}
