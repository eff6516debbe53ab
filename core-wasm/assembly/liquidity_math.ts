// LiquidityMath.addDelta: uint128 + int128, failing on under/overflow.
import { add, fitsBits, isNeg, neg, setZero, staticU256, sub, U256, cmp } from "./u256";
import { E_LA, E_LS, fail } from "./status";

const ABS = staticU256();

/** o = x + y for uint128 x and int128 y (two's complement); "LS" / "LA" on failure. */
export function addDelta(o: U256, x: U256, y: U256): void {
  if (isNeg(y)) {
    neg(ABS, y);
    if (cmp(ABS, x) > 0) {
      fail(E_LS);
      setZero(o);
      return;
    }
    sub(o, x, ABS);
  } else {
    add(o, x, y);
    if (!fitsBits(o, 128)) {
      fail(E_LA);
      setZero(o);
    }
  }
}
