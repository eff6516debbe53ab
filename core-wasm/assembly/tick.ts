// Tick library pieces that do not need pool storage.
import { div, setLimbs, setU64, staticU256, U256 } from "./u256";
import { MAX_TICK, MIN_TICK } from "./tick_math";

const U128_MAX = staticU256();
setLimbs(U128_MAX, 0xffffffffffffffff, 0xffffffffffffffff, 0, 0);
const N = staticU256();

/** o = type(uint128).max / number of usable ticks for the spacing. */
export function tickSpacingToMaxLiquidityPerTick(o: U256, tickSpacing: i32): void {
  const minTick = (MIN_TICK / tickSpacing) * tickSpacing;
  const maxTick = (MAX_TICK / tickSpacing) * tickSpacing;
  const numTicks = <u64>((maxTick - minTick) / tickSpacing + 1);
  setU64(N, numTicks);
  div(o, U128_MAX, N);
}

/** floor(tick / spacing), rounding toward negative infinity. */
// @ts-ignore: decorator
@inline
export function compress(tick: i32, tickSpacing: i32): i32 {
  let c = tick / tickSpacing;
  if (tick < 0 && tick % tickSpacing != 0) c--;
  return c;
}
