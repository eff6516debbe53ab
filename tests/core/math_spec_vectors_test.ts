/**
 * Inline expectations of Uniswap v3-core's spec files (SqrtPriceMath,
 * SwapMath, FullMath, LiquidityMath, Tick, UniswapV3Pool), as listed in
 * shared/data/README.md section 4, plus a few more inline values of the same
 * upstream specs (marked "upstream spec"). Where a case needs a value the
 * spec does not print, it is computed independently in this file with plain
 * BigInt arithmetic, never taken from an implementation.
 */
import { equal, ok, throws } from "node:assert/strict";
import type { PoolSnapshot, V3Implementation, V3Pool } from "../../core-wasm/types.ts";
import { V3MathError } from "../../core-wasm/errors.ts";
import { implementations } from "../support/implementations.ts";

const Q96 = 1n << 96n;
const Q128 = 1n << 128n;
const P1 = Q96; // encodePriceSqrt(1, 1)
const E18 = 10n ** 18n;
const MAX_UINT128 = (1n << 128n) - 1n;
const MAX_UINT256 = (1n << 256n) - 1n;
const MIN_TICK = -887272;
const MAX_TICK = 887272;
const MIN_SQRT_RATIO = 4295128739n;
const MAX_SQRT_RATIO = 1461446703485210103287273052203988822378723970342n;
// encodePriceSqrt values quoted in the README.
const ENCODE_121_100 = 87150978765690771352898345369n;
const ENCODE_1_10 = 25054144837504793118641380156n;
const ENCODE_1_2 = 56022770974786139918731938227n;
const ENCODE_1000_100 = 250541448375047931186413801569n; // = encodePriceSqrt(10, 1)
const ENCODE_10000_100 = 10n * Q96; // sqrt(100) is exact

function expectRevert(fn: () => unknown, code: string) {
  throws(fn, (err: unknown) => {
    ok(err instanceof V3MathError, `expected V3MathError, got ${err}`);
    equal(err.code, code, err.message);
    return true;
  });
}

const impls = await implementations();

/**
 * Tick.getFeeGrowthInside through a pool: load a state with ticks -2 and 2
 * (initialized by someone else) and the given outside values and global
 * growth 15/15, add a tiny position on [-2, 2] and read the fee growth
 * inside it stores.
 */
function feeGrowthInsideViaPool(
  impl: V3Implementation,
  tickCurrent: number,
  lowerOutside: [bigint, bigint],
  upperOutside: [bigint, bigint],
): [bigint, bigint] {
  const snapshot: PoolSnapshot = {
    fee: 100,
    tickSpacing: 1,
    sqrtPriceX96: impl.math.getSqrtRatioAtTick(tickCurrent),
    tick: tickCurrent,
    liquidity: tickCurrent >= -2 && tickCurrent < 2 ? 1000n : 0n,
    feeGrowthGlobal0X128: 15n,
    feeGrowthGlobal1X128: 15n,
    feeProtocol: 0,
    protocolFees0: 0n,
    protocolFees1: 0n,
    ticks: [
      {
        tick: -2,
        liquidityGross: 1000n,
        liquidityNet: 1000n,
        feeGrowthOutside0X128: lowerOutside[0],
        feeGrowthOutside1X128: lowerOutside[1],
        initialized: true,
      },
      {
        tick: 2,
        liquidityGross: 1000n,
        liquidityNet: -1000n,
        feeGrowthOutside0X128: upperOutside[0],
        feeGrowthOutside1X128: upperOutside[1],
        initialized: true,
      },
    ],
    positions: [],
  };
  const pool = impl.loadPool(snapshot);
  pool.mint("probe", -2, 2, 1n);
  const p = pool.positions("probe", -2, 2);
  return [p.feeGrowthInside0LastX128, p.feeGrowthInside1LastX128];
}

// ---------------------------------------------------------------------------
// SqrtPriceMath

for (const impl of impls) {
  const m = impl.math;

  Deno.test(`${impl.name}: SqrtPriceMath.getNextSqrtPriceFromInput spec values`, () => {
    equal(m.getNextSqrtPriceFromInput(P1, E18, E18 / 10n, false), 87150978765690771352898345369n);
    equal(m.getNextSqrtPriceFromInput(P1, E18, E18 / 10n, true), 72025602285694852357767227579n);
    equal(m.getNextSqrtPriceFromInput(P1, 10n * E18, 1n << 100n, true), 624999999995069620n);
    equal(m.getNextSqrtPriceFromInput(P1, 1n, MAX_UINT256 / 2n, true), 1n);
    // upstream spec: a zero input leaves the price unchanged
    equal(m.getNextSqrtPriceFromInput(P1, E18 / 10n, 0n, true), P1);
    equal(m.getNextSqrtPriceFromInput(P1, E18 / 10n, 0n, false), P1);
    // upstream spec: any input amount cannot underflow the price
    equal(m.getNextSqrtPriceFromInput(1n, 1n, 1n << 255n, true), 1n);
    // upstream spec: returns the minimum price for max inputs
    const sqrtP = (1n << 160n) - 1n;
    const liquidity = MAX_UINT128;
    const maxAmountNoOverflow = MAX_UINT256 - (liquidity << 96n) / sqrtP;
    equal(m.getNextSqrtPriceFromInput(sqrtP, liquidity, maxAmountNoOverflow, true), 1n);
    // upstream spec: fails if the input amount overflows the price
    expectRevert(
      () => m.getNextSqrtPriceFromInput((1n << 160n) - 1n, 1024n, 1024n, false),
      "OVERFLOW",
    );
    // upstream spec: fails if price or liquidity is zero
    expectRevert(
      () => m.getNextSqrtPriceFromInput(0n, 1n, E18 / 10n, false),
      "ZERO_PRICE_OR_LIQUIDITY",
    );
    expectRevert(
      () => m.getNextSqrtPriceFromInput(1n, 0n, E18 / 10n, true),
      "ZERO_PRICE_OR_LIQUIDITY",
    );
  });

  Deno.test(`${impl.name}: SqrtPriceMath.getNextSqrtPriceFromOutput spec values`, () => {
    equal(m.getNextSqrtPriceFromOutput(P1, E18, E18 / 10n, false), 88031291682515930659493278152n);
    equal(m.getNextSqrtPriceFromOutput(P1, E18, E18 / 10n, true), 71305346262837903834189555302n);
    const price = 20282409603651670423947251286016n;
    equal(m.getNextSqrtPriceFromOutput(price, 1024n, 262143n, true), 77371252455336267181195264n);
    // Output equal to or above the virtual reserves reverts (require without a reason).
    expectRevert(() => m.getNextSqrtPriceFromOutput(price, 1024n, 4n, false), "PRICE_BOUND");
    expectRevert(() => m.getNextSqrtPriceFromOutput(price, 1024n, 5n, false), "PRICE_BOUND");
    expectRevert(() => m.getNextSqrtPriceFromOutput(price, 1024n, 262144n, true), "PRICE_BOUND");
    expectRevert(() => m.getNextSqrtPriceFromOutput(price, 1024n, 262145n, true), "PRICE_BOUND");
    // upstream spec: a zero output leaves the price unchanged; zero price/liquidity fail
    equal(m.getNextSqrtPriceFromOutput(P1, E18 / 10n, 0n, true), P1);
    equal(m.getNextSqrtPriceFromOutput(P1, E18 / 10n, 0n, false), P1);
    expectRevert(
      () => m.getNextSqrtPriceFromOutput(0n, 1n, E18 / 10n, false),
      "ZERO_PRICE_OR_LIQUIDITY",
    );
    expectRevert(
      () => m.getNextSqrtPriceFromOutput(1n, 0n, E18 / 10n, true),
      "ZERO_PRICE_OR_LIQUIDITY",
    );
  });

  Deno.test(`${impl.name}: SqrtPriceMath.getAmount0Delta / getAmount1Delta spec values`, () => {
    equal(m.getAmount0Delta(P1, ENCODE_121_100, E18, true), 90909090909090910n);
    equal(m.getAmount0Delta(P1, ENCODE_121_100, E18, false), 90909090909090909n);
    equal(m.getAmount1Delta(P1, ENCODE_121_100, E18, true), 100000000000000000n);
    equal(m.getAmount1Delta(P1, ENCODE_121_100, E18, false), 99999999999999999n);
    // prices in either order
    equal(m.getAmount0Delta(ENCODE_121_100, P1, E18, true), 90909090909090910n);
    equal(m.getAmount1Delta(ENCODE_121_100, P1, E18, false), 99999999999999999n);
    // upstream spec: zero liquidity or equal prices give 0
    equal(m.getAmount0Delta(P1, ENCODE_121_100, 0n, true), 0n);
    equal(m.getAmount0Delta(P1, P1, E18, true), 0n);
    equal(m.getAmount1Delta(P1, ENCODE_121_100, 0n, true), 0n);
    equal(m.getAmount1Delta(P1, P1, E18, true), 0n);
    // Signed variants: +L rounds up (owed to the pool), -L rounds down and negates.
    equal(m.getAmount0DeltaSigned(P1, ENCODE_121_100, E18), 90909090909090910n);
    equal(m.getAmount0DeltaSigned(P1, ENCODE_121_100, -E18), -90909090909090909n);
    equal(m.getAmount1DeltaSigned(P1, ENCODE_121_100, E18), 100000000000000000n);
    equal(m.getAmount1DeltaSigned(P1, ENCODE_121_100, -E18), -99999999999999999n);
  });

  Deno.test(`${impl.name}: SqrtPriceMath swap computation spec value (406)`, () => {
    const sqrtP = 1025574284609383690408304870162715216695788925244n;
    const liquidity = 50015962439936049619261659728067971248n;
    const sqrtQ = m.getNextSqrtPriceFromInput(sqrtP, liquidity, 406n, true);
    equal(sqrtQ, 1025574284609383582644711336373707553698163132913n);
    equal(m.getAmount0Delta(sqrtQ, sqrtP, liquidity, true), 406n);
  });

  // -------------------------------------------------------------------------
  // SwapMath

  Deno.test(`${impl.name}: SwapMath.computeSwapStep spec values`, () => {
    const target = 79623317895830914510639640423n;
    for (const amount of [E18, -E18]) {
      const s = m.computeSwapStep(P1, target, 2n * E18, amount, 600);
      equal(s.amountIn, 9975124224178055n);
      equal(s.feeAmount, 5988667735148n);
      equal(s.amountOut, 9925619580021728n);
      equal(s.sqrtRatioNextX96, target);
      if (amount > 0n) ok(s.amountIn + s.feeAmount < amount);
      else ok(s.amountOut < -amount);
    }

    const exactIn = m.computeSwapStep(P1, ENCODE_1000_100, 2n * E18, E18, 600);
    equal(exactIn.amountIn, 999400000000000000n);
    equal(exactIn.feeAmount, 600000000000000n);
    equal(exactIn.amountOut, 666399946655997866n);
    equal(exactIn.amountIn + exactIn.feeAmount, E18);
    ok(exactIn.sqrtRatioNextX96 < ENCODE_1000_100);

    const exactOut = m.computeSwapStep(P1, ENCODE_10000_100, 2n * E18, -E18, 600);
    equal(exactOut.amountIn, 2000000000000000000n);
    equal(exactOut.feeAmount, 1200720432259356n);
    equal(exactOut.amountOut, E18);
    ok(exactOut.sqrtRatioNextX96 < ENCODE_10000_100);

    const capped = m.computeSwapStep(
      417332158212080721273783715441582n,
      1452870262520218020823638996n,
      159344665391607089467575320103n,
      -1n,
      1,
    );
    equal(capped.amountIn, 1n);
    equal(capped.feeAmount, 1n);
    equal(capped.amountOut, 1n);
    equal(capped.sqrtRatioNextX96, 417332158212080721273783715441581n);

    const toMin = m.computeSwapStep(2n, 1n, 1n, 3915081100057732413702495386755767n, 1);
    equal(toMin.amountIn, 39614081257132168796771975168n);
    equal(toMin.feeAmount, 39614120871253040049813n);
    equal(toMin.amountOut, 0n);
    equal(toMin.sqrtRatioNextX96, 1n);

    const allFee = m.computeSwapStep(
      2413n,
      79887613182836312n,
      1985041575832132834610021537970n,
      10n,
      1872,
    );
    equal(allFee.amountIn, 0n);
    equal(allFee.feeAmount, 10n);
    equal(allFee.amountOut, 0n);
    equal(allFee.sqrtRatioNextX96, 2413n);

    const price = 20282409603651670423947251286016n;
    const up = 22310650564016837466341976414617n;
    const zeroOut = m.computeSwapStep(price, up, 1024n, -4n, 3000);
    equal(zeroOut.amountIn, 26215n);
    equal(zeroOut.feeAmount, 79n);
    equal(zeroOut.amountOut, 0n);
    equal(zeroOut.sqrtRatioNextX96, up);

    const down = 18254168643286503381552526157414n;
    const oneIn = m.computeSwapStep(price, down, 1024n, -263000n, 3000);
    equal(oneIn.amountIn, 1n);
    equal(oneIn.feeAmount, 1n);
    equal(oneIn.amountOut, 26214n);
    equal(oneIn.sqrtRatioNextX96, down);
  });

  // -------------------------------------------------------------------------
  // FullMath

  Deno.test(`${impl.name}: FullMath spec values`, () => {
    equal(m.mulDiv(Q128, 35n * Q128, 8n * Q128), (4375n * Q128) / 1000n);
    equal(m.mulDiv(Q128, 1000n * Q128, 3000n * Q128), Q128 / 3n);
    equal(m.mulDiv(Q128, (50n * Q128) / 100n, (150n * Q128) / 100n), Q128 / 3n);
    equal(m.mulDiv(MAX_UINT256, MAX_UINT256, MAX_UINT256), MAX_UINT256);
    equal(m.mulDivRoundingUp(Q128, 35n * Q128, 8n * Q128), (4375n * Q128) / 1000n);
    equal(m.mulDivRoundingUp(Q128, 1000n * Q128, 3000n * Q128), Q128 / 3n + 1n);
    equal(m.mulDivRoundingUp(Q128, (50n * Q128) / 100n, (150n * Q128) / 100n), Q128 / 3n + 1n);
    equal(m.mulDivRoundingUp(MAX_UINT256, MAX_UINT256, MAX_UINT256), MAX_UINT256);
    // reverts (the contract's requires carry no reason string)
    expectRevert(() => m.mulDiv(Q128, 5n, 0n), "DIV_ZERO");
    expectRevert(() => m.mulDiv(Q128, Q128, 0n), "DIV_ZERO");
    expectRevert(() => m.mulDiv(Q128, Q128, 1n), "OVERFLOW");
    expectRevert(() => m.mulDiv(MAX_UINT256, MAX_UINT256, MAX_UINT256 - 1n), "OVERFLOW");
    expectRevert(() => m.mulDivRoundingUp(Q128, 5n, 0n), "DIV_ZERO");
    expectRevert(() => m.mulDivRoundingUp(Q128, Q128, 1n), "OVERFLOW");
    expectRevert(() => m.mulDivRoundingUp(MAX_UINT256, MAX_UINT256, MAX_UINT256 - 1n), "OVERFLOW");
    // floor is exactly MAX_UINT256 with a remainder: rounding up overflows
    expectRevert(
      () =>
        m.mulDivRoundingUp(
          535006138814359n,
          432862656469423142931042426214547535783388063929571229938474969n,
          2n,
        ),
      "OVERFLOW",
    );
    expectRevert(
      () =>
        m.mulDivRoundingUp(
          115792089237316195423570985008687907853269984659341747863450311749907997002549n,
          115792089237316195423570985008687907853269984659341747863450311749907997002550n,
          115792089237316195423570985008687907853269984653042931687443039491902864365164n,
        ),
      "OVERFLOW",
    );
  });

  // -------------------------------------------------------------------------
  // LiquidityMath

  Deno.test(`${impl.name}: LiquidityMath.addDelta spec values`, () => {
    equal(m.addDelta(1n, 0n), 1n);
    equal(m.addDelta(1n, -1n), 0n);
    equal(m.addDelta(1n, 1n), 2n);
    expectRevert(() => m.addDelta((1n << 128n) - 15n, 15n), "LA");
    expectRevert(() => m.addDelta(0n, -1n), "LS");
    expectRevert(() => m.addDelta(3n, -4n), "LS");
  });

  // -------------------------------------------------------------------------
  // Tick

  Deno.test(`${impl.name}: Tick.tickSpacingToMaxLiquidityPerTick spec values`, () => {
    equal(m.tickSpacingToMaxLiquidityPerTick(10), 1917569901783203986719870431555990n);
    equal(m.tickSpacingToMaxLiquidityPerTick(60), 11505743598341114571880798222544994n);
    equal(m.tickSpacingToMaxLiquidityPerTick(200), 38350317471085141830651933667504588n);
    equal(m.tickSpacingToMaxLiquidityPerTick(2302), 441351967472034323558203122479595605n);
    equal(m.tickSpacingToMaxLiquidityPerTick(887272), MAX_UINT128 / 3n);
    equal(m.tickSpacingToMaxLiquidityPerTick(1), MAX_UINT128 / 1774545n);
  });

  Deno.test(`${impl.name}: Tick.getFeeGrowthInside spec cases, through a pool`, () => {
    const none: [bigint, bigint] = [0n, 0n];
    // "uninitialized" (zero outside) ticks: all inside / nothing above / nothing below
    equal(String(feeGrowthInsideViaPool(impl, 0, none, none)), "15,15");
    equal(String(feeGrowthInsideViaPool(impl, 4, none, none)), "0,0");
    equal(String(feeGrowthInsideViaPool(impl, -4, none, none)), "0,0");
    // subtracts upper tick if below / lower tick if above / both if inside
    equal(String(feeGrowthInsideViaPool(impl, 0, none, [2n, 3n])), "13,12");
    equal(String(feeGrowthInsideViaPool(impl, 0, [2n, 3n], none)), "13,12");
    equal(String(feeGrowthInsideViaPool(impl, 0, [2n, 3n], [4n, 1n])), "9,11");
    // works correctly with uint256 overflow on the inside tick
    equal(
      String(feeGrowthInsideViaPool(impl, 0, [MAX_UINT256 - 3n, MAX_UINT256 - 2n], [3n, 5n])),
      "16,13",
    );
  });
}

// ---------------------------------------------------------------------------
// UniswapV3Pool.spec

const MEDIUM_MIN = -887220; // getMinTick(60)
const MEDIUM_MAX = 887220; // getMaxTick(60)

/** The upstream spec's fixture: MEDIUM pool at encodePriceSqrt(1, 10) with 3161 full range. */
function fixture(impl: V3Implementation): { pool: V3Pool; balance0: bigint; balance1: bigint } {
  const pool = impl.createPool(3000, 60);
  pool.initialize(ENCODE_1_10);
  const { amount0, amount1 } = pool.mint("wallet", MEDIUM_MIN, MEDIUM_MAX, 3161n);
  return { pool, balance0: amount0, balance1: amount1 };
}

for (const impl of impls) {
  Deno.test(`${impl.name}: UniswapV3Pool.spec initialize`, () => {
    const pool = impl.createPool(3000, 60);
    expectRevert(() => pool.swap(true, 1000n, MIN_SQRT_RATIO + 1n), "LOK");
    expectRevert(() => pool.mint("wallet", -60, 60, 1n), "LOK");
    expectRevert(() => pool.initialize(1n), "R");
    expectRevert(() => pool.initialize(MIN_SQRT_RATIO - 1n), "R");
    expectRevert(() => pool.initialize(MAX_SQRT_RATIO), "R");
    expectRevert(() => pool.initialize((1n << 160n) - 1n), "R");
    pool.initialize(ENCODE_1_2);
    equal(pool.slot0().sqrtPriceX96, ENCODE_1_2);
    equal(pool.slot0().tick, -6932);
    expectRevert(() => pool.initialize(ENCODE_1_2), "AI");

    const atMin = impl.createPool(3000, 60);
    atMin.initialize(MIN_SQRT_RATIO);
    equal(atMin.slot0().tick, MIN_TICK);
    const atMax = impl.createPool(3000, 60);
    atMax.initialize(MAX_SQRT_RATIO - 1n);
    equal(atMax.slot0().tick, MAX_TICK - 1);
  });

  Deno.test(`${impl.name}: UniswapV3Pool.spec fixture and mint amounts`, () => {
    const f = fixture(impl);
    equal(f.balance0, 9996n);
    equal(f.balance1, 1000n);
    equal(f.pool.slot0().tick, -23028);

    const above = fixture(impl).pool.mint("wallet", -22980, 0, 10000n);
    equal(above.amount0, 21549n);
    equal(above.amount1, 0n);

    const including = fixture(impl).pool.mint("wallet", MEDIUM_MIN + 60, MEDIUM_MAX - 60, 100n);
    equal(including.amount0, 317n);
    equal(including.amount1, 32n);

    // upstream spec: max tick with max leverage / works for max tick / works for min tick
    const maxLeverage = fixture(impl).pool.mint("wallet", MEDIUM_MAX - 60, MEDIUM_MAX, 1n << 102n);
    equal(maxLeverage.amount0, 828011525n);
    equal(maxLeverage.amount1, 0n);
    const maxTick = fixture(impl).pool.mint("wallet", -22980, MEDIUM_MAX, 10000n);
    equal(maxTick.amount0, 31549n);
    equal(maxTick.amount1, 0n);
    const minTick = fixture(impl).pool.mint("wallet", MEDIUM_MIN, -23040, 10000n);
    equal(minTick.amount0, 0n);
    equal(minTick.amount1, 3161n);
  });

  Deno.test(`${impl.name}: UniswapV3Pool.spec mint failure cases`, () => {
    const { pool } = fixture(impl);
    expectRevert(() => pool.mint("wallet", 1, 0, 1n), "TLU");
    expectRevert(() => pool.mint("wallet", MIN_TICK - 1, 0, 1n), "TLM");
    expectRevert(() => pool.mint("wallet", 0, MAX_TICK + 1, 1n), "TUM");
    expectRevert(() => pool.mint("wallet", MEDIUM_MIN + 60, MEDIUM_MAX - 60, 0n), "ZERO_AMOUNT");
    const maxGross = pool.maxLiquidityPerTick;
    equal(maxGross, 11505743598341114571880798222544994n);
    expectRevert(() => pool.mint("wallet", MEDIUM_MIN + 60, MEDIUM_MAX - 60, maxGross + 1n), "LO");
    pool.mint("wallet", MEDIUM_MIN + 60, MEDIUM_MAX - 60, maxGross);

    const f2 = fixture(impl).pool;
    f2.mint("wallet", MEDIUM_MIN + 60, MEDIUM_MAX - 60, 1000n);
    const over = maxGross - 1000n + 1n;
    expectRevert(() => f2.mint("wallet", MEDIUM_MIN + 60, MEDIUM_MAX - 60, over), "LO");
    expectRevert(() => f2.mint("wallet", MEDIUM_MIN + 120, MEDIUM_MAX - 60, over), "LO");
    expectRevert(() => f2.mint("wallet", MEDIUM_MIN + 60, MEDIUM_MAX - 120, over), "LO");
    f2.mint("wallet", MEDIUM_MIN + 60, MEDIUM_MAX - 60, maxGross - 1000n);
  });

  Deno.test(`${impl.name}: mint at a tick not a multiple of tickSpacing reverts (flipTick)`, () => {
    // TickBitmap.flipTick: require(tick % tickSpacing == 0), no reason string.
    const { pool } = fixture(impl);
    expectRevert(() => pool.mint("wallet", -30, 60, 1n), "TICK_SPACING");
    expectRevert(() => pool.mint("wallet", -60, 30, 1n), "TICK_SPACING");
    equal(pool.ticks(-60).initialized, false);
    equal(pool.ticks(60).initialized, false);
    equal(pool.positions("wallet", -30, 60).liquidity, 0n);
  });

  Deno.test(`${impl.name}: UniswapV3Pool.spec liquidityGross bookkeeping and tick clearing`, () => {
    const { pool } = fixture(impl);
    pool.mint("wallet", -240, 0, 100n);
    equal(pool.ticks(-240).liquidityGross, 100n);
    equal(pool.ticks(0).liquidityGross, 100n);
    equal(pool.ticks(60).liquidityGross, 0n);
    equal(pool.ticks(120).liquidityGross, 0n);
    pool.mint("wallet", -240, 60, 150n);
    equal(pool.ticks(-240).liquidityGross, 250n);
    equal(pool.ticks(0).liquidityGross, 100n);
    equal(pool.ticks(60).liquidityGross, 150n);
    pool.mint("wallet", 0, 120, 60n);
    equal(pool.ticks(-240).liquidityGross, 250n);
    equal(pool.ticks(0).liquidityGross, 160n);
    equal(pool.ticks(60).liquidityGross, 150n);
    equal(pool.ticks(120).liquidityGross, 60n);
    equal(pool.ticks(-240).liquidityNet, 250n);
    equal(pool.ticks(0).liquidityNet, -100n + 60n);
    equal(pool.ticks(60).liquidityNet, -150n);
    equal(pool.ticks(120).liquidityNet, -60n);

    const removes = fixture(impl).pool;
    removes.mint("wallet", -240, 0, 100n);
    removes.mint("wallet", -240, 0, 40n);
    removes.burn("wallet", -240, 0, 90n);
    equal(removes.ticks(-240).liquidityGross, 50n);
    equal(removes.ticks(0).liquidityGross, 50n);

    const clears = fixture(impl).pool;
    clears.mint("wallet", -240, 0, 100n);
    clears.burn("wallet", -240, 0, 100n);
    for (const t of [-240, 0]) {
      const info = clears.ticks(t);
      equal(info.initialized, false);
      equal(info.liquidityGross, 0n);
      equal(info.liquidityNet, 0n);
      equal(info.feeGrowthOutside0X128, 0n);
      equal(info.feeGrowthOutside1X128, 0n);
    }
    equal(clears.initializedTicks().join(), `${MEDIUM_MIN},${MEDIUM_MAX}`);

    const partial = fixture(impl).pool;
    partial.mint("wallet", -240, 0, 100n);
    partial.mint("wallet", -60, 0, 250n);
    partial.burn("wallet", -240, 0, 100n);
    equal(partial.ticks(-240).initialized, false);
    equal(partial.ticks(-240).liquidityGross, 0n);
    equal(partial.ticks(-60).liquidityGross, 250n);
    equal(partial.ticks(0).liquidityGross, 250n);
  });

  Deno.test(`${impl.name}: UniswapV3Pool.spec burn/collect (removing works)`, () => {
    const { pool } = fixture(impl);
    pool.mint("wallet", -240, 0, 10000n);
    const burned = pool.burn("wallet", -240, 0, 10000n);
    equal(burned.amount0, 120n);
    equal(burned.amount1, 0n);
    equal(pool.positions("wallet", -240, 0).tokensOwed0, 120n);
    // partial collects pay min(requested, owed)
    const first = pool.collect("wallet", -240, 0, 50n, 50n);
    equal(first.amount0, 50n);
    equal(first.amount1, 0n);
    const rest = pool.collect("wallet", -240, 0, MAX_UINT128, MAX_UINT128);
    equal(rest.amount0, 70n);
    equal(rest.amount1, 0n);
    const nothing = pool.collect("wallet", -240, 0, MAX_UINT128, MAX_UINT128);
    equal(nothing.amount0, 0n);
    // poking a position without liquidity is not allowed
    expectRevert(() => pool.burn("wallet", -240, 0, 0n), "NP");
    expectRevert(() => pool.burn("nobody", -240, 0, 0n), "NP");
    // burning more than the position holds underflows
    pool.mint("wallet", -240, 0, 10n);
    expectRevert(() => pool.burn("wallet", -240, 0, 11n), "LS");
  });

  Deno.test(`${impl.name}: UniswapV3Pool.spec swap argument checks`, () => {
    const { pool } = fixture(impl);
    const price = pool.slot0().sqrtPriceX96;
    expectRevert(() => pool.swap(true, 0n, MIN_SQRT_RATIO + 1n), "AS");
    expectRevert(() => pool.swap(true, 1000n, price), "SPL");
    expectRevert(() => pool.swap(true, 1000n, MIN_SQRT_RATIO), "SPL");
    expectRevert(() => pool.swap(false, 1000n, price), "SPL");
    expectRevert(() => pool.swap(false, 1000n, MAX_SQRT_RATIO), "SPL");
    // a revert leaves the state untouched
    equal(pool.slot0().sqrtPriceX96, price);
  });

  Deno.test(`${impl.name}: swap crosses initialized ticks (ticksCrossed, liquidity, tick)`, () => {
    const pool = impl.createPool(3000, 60);
    pool.initialize(P1);
    pool.mint("lp", MEDIUM_MIN, MEDIUM_MAX, E18);
    pool.mint("lp", -120, 120, 3n * E18);
    equal(pool.liquidity(), 4n * E18);
    // Down to the price of tick -180: crosses -120 only.
    const down = pool.swap(true, 10n ** 30n, impl.math.getSqrtRatioAtTick(-180));
    equal(down.ticksCrossed, 1);
    equal(down.tick, -180);
    equal(down.liquidity, E18);
    equal(pool.liquidity(), E18);
    // Back up to the price of tick 180: crosses -120 and 120.
    const up = pool.swap(false, 10n ** 30n, impl.math.getSqrtRatioAtTick(180));
    equal(up.ticksCrossed, 2);
    equal(up.tick, 180);
    equal(up.liquidity, E18);
    // Tick 120 started above the price (outside = 0) and was crossed once,
    // upward: its outside becomes the global growth at that moment. Token0
    // growth only happened before (the 0->1 swap), so it is the final global;
    // token1 growth continued on the 120 -> 180 leg, above the tick.
    ok(pool.feeGrowthGlobal0X128() > 0n && pool.feeGrowthGlobal1X128() > 0n);
    equal(pool.ticks(120).feeGrowthOutside0X128, pool.feeGrowthGlobal0X128());
    const outside1 = pool.ticks(120).feeGrowthOutside1X128;
    ok(outside1 > 0n && outside1 < pool.feeGrowthGlobal1X128());
  });

  Deno.test(`${impl.name}: UniswapV3Pool.spec collect works with multiple LPs`, () => {
    const pool = impl.createPool(500, 10);
    pool.initialize(P1);
    pool.mint("wallet", -887270, 887270, E18);
    pool.mint("wallet", -887260, 887260, 2n * E18);
    pool.swap(true, E18, MIN_SQRT_RATIO + 1n);
    pool.burn("wallet", -887270, 887270, 0n);
    pool.burn("wallet", -887260, 887260, 0n);
    equal(pool.positions("wallet", -887270, 887270).tokensOwed0, 166666666666667n);
    equal(pool.positions("wallet", -887260, 887260).tokensOwed0, 333333333333334n);
  });

  Deno.test(`${impl.name}: UniswapV3Pool.spec setFeeProtocol and protocol fees`, () => {
    const pool = impl.createPool(3000, 60);
    pool.initialize(P1);
    for (const [a, b] of [[3, 3], [6, 3], [3, 6], [11, 11], [6, 11], [11, 6], [1, 0], [0, 3]]) {
      expectRevert(() => pool.setFeeProtocol(a, b), "FEE_PROTOCOL");
    }
    pool.setFeeProtocol(4, 4);
    pool.setFeeProtocol(10, 10);
    pool.setFeeProtocol(7, 7);
    equal(pool.slot0().feeProtocol, 119);
    pool.setFeeProtocol(5, 8);
    equal(pool.slot0().feeProtocol, 133);
    pool.setFeeProtocol(0, 0);
    equal(pool.slot0().feeProtocol, 0);

    // protocol fees accumulate as expected during swap
    pool.mint("wallet", MEDIUM_MIN, MEDIUM_MAX, E18);
    pool.setFeeProtocol(6, 6);
    pool.swap(true, E18 / 10n, MIN_SQRT_RATIO + 1n);
    pool.swap(false, E18 / 100n, MAX_SQRT_RATIO - 1n);
    equal(pool.protocolFees().amount0, 50000000000000n);
    equal(pool.protocolFees().amount1, 5000000000000n);
  });

  // -------------------------------------------------------------------------
  // Fee accounting through a pool, with expectations derived from the
  // SwapMath spec case computeSwapStep(P1, encodePriceSqrt(1000, 100), 2e18,
  // 1e18, 600) = in 999400000000000000, fee 600000000000000, out
  // 666399946655997866. A fee-600 pool with 2e18 full-range liquidity at 1:1
  // does this swap in one step (its first bitmap-word boundary, tick 15300,
  // is above the price the swap reaches).

  const STEP_IN = 999400000000000000n;
  const STEP_FEE = 600000000000000n;
  const STEP_OUT = 666399946655997866n;
  const L = 2n * E18;

  Deno.test(`${impl.name}: single-step swap fees, protocol fee split and tokensOwed`, () => {
    for (const feeProtocol of [0, 4, 10]) {
      const pool = impl.createPool(600, 60);
      pool.initialize(P1);
      pool.mint("lp", MEDIUM_MIN, MEDIUM_MAX, L);
      if (feeProtocol) pool.setFeeProtocol(feeProtocol, feeProtocol);
      const r = pool.swap(false, E18, MAX_SQRT_RATIO - 1n);
      equal(r.amount1, STEP_IN + STEP_FEE);
      equal(r.amount0, -STEP_OUT);
      equal(r.ticksCrossed, 0);
      const protocol = feeProtocol ? STEP_FEE / BigInt(feeProtocol) : 0n;
      const growth = ((STEP_FEE - protocol) * Q128) / L;
      equal(pool.protocolFees().amount1, protocol);
      equal(pool.protocolFees().amount0, 0n);
      equal(pool.feeGrowthGlobal1X128(), growth);
      equal(pool.feeGrowthGlobal0X128(), 0n);
      pool.burn("lp", MEDIUM_MIN, MEDIUM_MAX, 0n);
      const owed = (growth * L) / Q128;
      equal(pool.positions("lp", MEDIUM_MIN, MEDIUM_MAX).tokensOwed1, owed);
      equal(pool.positions("lp", MEDIUM_MIN, MEDIUM_MAX).tokensOwed0, 0n);
      const paid = pool.collect("lp", MEDIUM_MIN, MEDIUM_MAX, MAX_UINT128, MAX_UINT128);
      equal(paid.amount1, owed);
      ok(owed + protocol <= STEP_FEE);
    }
  });

  Deno.test(`${impl.name}: fee growth wraps around uint256 (global, inside, tokensOwed)`, () => {
    const start = MAX_UINT256 - 4n; // 2^256 - 5
    const snapshot: PoolSnapshot = {
      fee: 600,
      tickSpacing: 60,
      sqrtPriceX96: P1,
      tick: 0,
      liquidity: L,
      feeGrowthGlobal0X128: 0n,
      feeGrowthGlobal1X128: start,
      feeProtocol: 0,
      protocolFees0: 0n,
      protocolFees1: 0n,
      ticks: [
        // the lower tick was initialized at or below the price: outside = global then
        {
          tick: MEDIUM_MIN,
          liquidityGross: L,
          liquidityNet: L,
          feeGrowthOutside0X128: 0n,
          feeGrowthOutside1X128: start,
          initialized: true,
        },
        {
          tick: MEDIUM_MAX,
          liquidityGross: L,
          liquidityNet: -L,
          feeGrowthOutside0X128: 0n,
          feeGrowthOutside1X128: 0n,
          initialized: true,
        },
      ],
      positions: [{
        owner: "lp",
        tickLower: MEDIUM_MIN,
        tickUpper: MEDIUM_MAX,
        liquidity: L,
        feeGrowthInside0LastX128: 0n,
        feeGrowthInside1LastX128: 0n,
        tokensOwed0: 0n,
        tokensOwed1: 0n,
      }],
    };
    const pool = impl.loadPool(snapshot);
    const r = pool.swap(false, E18, MAX_SQRT_RATIO - 1n);
    equal(r.amount0, -STEP_OUT);
    const growth = (STEP_FEE * Q128) / L;
    equal(pool.feeGrowthGlobal1X128(), growth - 5n); // (2^256 - 5 + growth) mod 2^256
    pool.burn("lp", MEDIUM_MIN, MEDIUM_MAX, 0n);
    const p = pool.positions("lp", MEDIUM_MIN, MEDIUM_MAX);
    equal(p.feeGrowthInside1LastX128, growth);
    equal(p.tokensOwed1, (growth * L) / Q128);
  });
}
