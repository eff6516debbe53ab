/**
 * Core-math benchmark: our WASM core vs `@uniswap/v3-sdk` (JSBI) vs the plain
 * BigInt reference (`core-wasm/reference/`), all measured in the same run on
 * the same inputs.
 *
 * Methodology
 * -----------
 * - Inputs are fixed and seeded (mulberry32, `SEED`): 1024 argument sets per
 *   per-call operation, cycled. Before any timing, every operation is run on
 *   a sample of those inputs by all three implementations and the results are
 *   compared; any difference throws, so the bench never compares different
 *   work.
 * - Per-call math (getSqrtRatioAtTick, getTickAtSqrtRatio, getAmount0Delta,
 *   getAmount1Delta, computeSwapStep): ours take and return `bigint` (the
 *   conversion in and out of wasm memory is part of the measured cost). The
 *   v3-sdk is handed pre-built JSBI arguments and its JSBI results are kept
 *   as they are (no conversion is charged to it), which favours the v3-sdk.
 * - Pool swaps: one pool layout (fee 500, tick spacing 10, a full-range
 *   position plus 60 nested positions whose 120 bounds are initialized ticks
 *   at seeded gaps of 1..8 spacings either side of the start price). For
 *   N in {0, 5, 20, 50} the bench alternates two swaps:
 *     1. "down": exact input of A_N token0 (zeroForOne, no price limit), A_N
 *        chosen so the swap crosses exactly N initialized ticks and ends
 *        mid-range (amount-terminated);
 *     2. "back": exact input of a huge token1 amount with the price limit at
 *        the start price (limit-terminated), crossing the same N ticks back.
 *   For our pools (WASM and reference, both mutable) the pair restores the
 *   price, tick and active liquidity exactly (only fee growth accumulates,
 *   which does not change any amount), so every "down" and every "back" swap
 *   does identical work on every iteration. v3-sdk pools are immutable, so it
 *   runs the same two swaps from two fixed `Pool` objects (a `Pool` at the
 *   start state, and the `Pool` at the post-"down" state) with a
 *   `TickListDataProvider` over the same ticks: the same inputs, the same
 *   steps, the same results (checked). The v3-sdk is timed two ways,
 *   awaiting each call: its public swap, `Pool.getOutputAmount` (what the
 *   issue's "for scale" figures of 31k and 5.7k swaps/s measure; it also
 *   builds a `CurrencyAmount` and the post-swap `Pool`), against which the
 *   issue's swap targets are evaluated; and the `Pool`'s internal swap
 *   (`Pool.swap`, what `getOutputAmount` calls, returning just the post-swap
 *   state our `V3Pool.swap` returns), reported alongside as the stricter
 *   like-for-like figure.
 * - Each operation: every implementation is warmed up (0.1 s each, quick
 *   0.02 s), then all are timed in 5 interleaved rounds (quick: 3) of
 *   >= 60 ms each (quick ~17 ms), i.e. >= 0.3 s (quick 0.05 s) of timed
 *   iterations per implementation; ops/s is the median of the rounds' rates,
 *   so a load spike on the machine affects all implementations alike and
 *   one round at most. Results go into a small sink array so nothing is
 *   optimised away; every implementation runs through the same harness (so
 *   the same per-call overhead).
 *
 * @example
 * ```sh
 * deno run -A tasks/bench_core.ts           # full run, prints the table
 * deno run -A tasks/bench_core.ts --quick   # quick run
 * ```
 * @module
 */
import { SeededRandom } from "../services/common/random.ts";
import { loadCore } from "../core-wasm/mod.ts";
import { referenceImplementation } from "../core-wasm/reference/mod.ts";
import type { PoolSnapshot, SwapResult, V3Math, V3Pool } from "../core-wasm/types.ts";

import {
  fromJsbi as b,
  type Jsbi,
  sdkCore,
  type SdkPool,
  type SdkSwapState,
  toJsbi as j,
  v3Sdk as sdk,
} from "../core-wasm/reference/v3_sdk.ts";

// ---------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------

const SEED = 0x5eed_c0de;
const N_INPUTS = 1024;
const MASK = N_INPUTS - 1;
const MIN_TICK = -887272;
const MAX_TICK = 887272;
const MIN_SQRT_RATIO = 4295128739n;
const MAX_SQRT_RATIO = 1461446703485210103287273052203988822378723970342n;

/** Seeded draws shared with the rest of the project. */
const Rng = SeededRandom;

interface AmountDeltaArgs {
  a: bigint;
  b: bigint;
  liquidity: bigint;
  roundUp: boolean;
}
interface SwapStepArgs {
  current: bigint;
  target: bigint;
  liquidity: bigint;
  amountRemaining: bigint;
  fee: number;
}

interface Inputs {
  ticks: number[];
  sqrtPrices: bigint[];
  deltas: AmountDeltaArgs[];
  steps: SwapStepArgs[];
}

function makeInputs(seed: number): Inputs {
  const rng = new Rng(seed);
  const ref = referenceImplementation.math;
  const ticks: number[] = [];
  const sqrtPrices: bigint[] = [];
  const deltas: AmountDeltaArgs[] = [];
  const steps: SwapStepArgs[] = [];
  for (let i = 0; i < N_INPUTS; i++) {
    ticks.push(rng.int(MIN_TICK, MAX_TICK));
    // A price anywhere inside a random tick's interval (not only on a boundary).
    const t = rng.int(MIN_TICK, MAX_TICK - 1);
    const lo = ref.getSqrtRatioAtTick(t);
    const hi = t + 1 === MAX_TICK ? MAX_SQRT_RATIO : ref.getSqrtRatioAtTick(t + 1);
    sqrtPrices.push(i % 8 === 0 ? lo : rng.range(lo, hi));
    // Realistic prices (|tick| <= 300000) and liquidity (2^40..2^100).
    const ta = rng.int(-300_000, 300_000);
    const tb = Math.max(MIN_TICK, Math.min(MAX_TICK, ta + rng.int(-20_000, 20_000)));
    deltas.push({
      a: ref.getSqrtRatioAtTick(ta),
      b: ref.getSqrtRatioAtTick(tb),
      liquidity: rng.bits(rng.int(40, 100)),
      roundUp: (i & 1) === 0,
    });
    // A swap step from a price inside a range toward a nearby tick, either
    // direction, exact in or out, sometimes reaching the target, sometimes not.
    const tc = rng.int(-300_000, 300_000);
    const current = rng.range(ref.getSqrtRatioAtTick(tc), ref.getSqrtRatioAtTick(tc + 1));
    const tt = tc + (i & 2 ? 1 : -1) * rng.int(1, 2_000);
    const liquidity = rng.bits(rng.int(50, 100));
    const magnitude = rng.bits(rng.int(10, 90)) + 1n;
    steps.push({
      current,
      target: ref.getSqrtRatioAtTick(tt),
      liquidity,
      amountRemaining: i & 4 ? -magnitude : magnitude,
      fee: rng.pick([100, 500, 3000, 10000]),
    });
  }
  return { ticks, sqrtPrices, deltas, steps };
}

// ---------------------------------------------------------------------------
// Pool layout and swap plans
// ---------------------------------------------------------------------------

const FEE = 500;
const TICK_SPACING = 10;
const NESTED = 60;
const SWAP_TICKS = [0, 5, 20, 50] as const;
/** The "back" swap's exact input: far more than any swap here needs. */
const HUGE = 10n ** 40n;

interface SwapPlan {
  ticks: number;
  /** Exact token0 input of the "down" swap. */
  amountDown: bigint;
  /** Results every implementation must give, from the reference. */
  down: SwapResult;
  back: SwapResult;
}

interface Layout {
  snapshot: PoolSnapshot;
  startPrice: bigint;
  plans: SwapPlan[];
}

function makeLayout(seed: number): Layout {
  const rng = new Rng(seed ^ 0x9e3779b9);
  const ref = referenceImplementation;
  const startTick = 200_003;
  const startPrice = (ref.math.getSqrtRatioAtTick(startTick) +
    ref.math.getSqrtRatioAtTick(startTick + 1)) / 2n;
  const below: number[] = [];
  const above: number[] = [];
  let lo = Math.floor(startTick / TICK_SPACING) * TICK_SPACING;
  let hi = lo + TICK_SPACING;
  for (let i = 0; i < NESTED; i++) {
    below.push(lo);
    above.push(hi);
    lo -= TICK_SPACING * rng.int(1, 8);
    hi += TICK_SPACING * rng.int(1, 8);
  }
  const pool = ref.createPool(FEE, TICK_SPACING);
  pool.initialize(startPrice);
  const full = Math.floor(MAX_TICK / TICK_SPACING) * TICK_SPACING;
  pool.mint("base", -full, full, 10n ** 18n);
  for (let i = 0; i < NESTED; i++) {
    pool.mint(`lp${i}`, below[i], above[i], rng.range(10n ** 15n, 10n ** 18n));
  }
  const snapshot = pool.snapshot();

  const plans: SwapPlan[] = [];
  for (const n of SWAP_TICKS) {
    // End the "down" swap halfway (in price) between the n-th and (n+1)-th
    // initialized tick below the start.
    const upperEdge = n === 0 ? startPrice : ref.math.getSqrtRatioAtTick(below[n - 1]);
    const lowerEdge = ref.math.getSqrtRatioAtTick(below[n]);
    const probe = ref.loadPool(snapshot);
    const r = probe.swap(true, HUGE, (upperEdge + lowerEdge) / 2n);
    const amountDown = r.amount0;
    const p = ref.loadPool(snapshot);
    const down = p.swap(true, amountDown, MIN_SQRT_RATIO + 1n);
    const back = p.swap(false, HUGE, startPrice);
    if (down.ticksCrossed !== n || back.ticksCrossed !== n) {
      throw new Error(
        `bench setup: swap plan for ${n} ticks crossed ${down.ticksCrossed}/${back.ticksCrossed}`,
      );
    }
    plans.push({ ticks: n, amountDown, down, back });
  }
  return { snapshot, startPrice, plans };
}

// ---------------------------------------------------------------------------
// Agreement checks (before any timing)
// ---------------------------------------------------------------------------

function fail(op: string, i: number, what: string, expected: unknown, got: unknown): never {
  throw new Error(
    `bench_core: implementations disagree on ${op} (input #${i}, ${what}): ` +
      `expected ${String(expected)}, got ${String(got)}`,
  );
}

function eq(op: string, i: number, what: string, expected: unknown, got: unknown): void {
  if (expected !== got) fail(op, i, what, expected, got);
}

const CHECK_SAMPLE = 64;

function checkMath(inputs: Inputs, ours: Array<[string, V3Math]>): void {
  for (let i = 0; i < CHECK_SAMPLE; i++) {
    const k = (i * 16) & MASK;
    const tick = inputs.ticks[k];
    const sp = inputs.sqrtPrices[k];
    const d = inputs.deltas[k];
    const s = inputs.steps[k];
    const sdkSqrt = b(sdk.TickMath.getSqrtRatioAtTick(tick));
    const sdkTick = sdk.TickMath.getTickAtSqrtRatio(j(sp));
    const sdkA0 = b(sdk.SqrtPriceMath.getAmount0Delta(j(d.a), j(d.b), j(d.liquidity), d.roundUp));
    const sdkA1 = b(sdk.SqrtPriceMath.getAmount1Delta(j(d.a), j(d.b), j(d.liquidity), d.roundUp));
    const sdkStep = sdk.SwapMath.computeSwapStep(
      j(s.current),
      j(s.target),
      j(s.liquidity),
      j(s.amountRemaining),
      s.fee,
    ).map(b);
    for (const [name, m] of ours) {
      eq("getSqrtRatioAtTick", k, name, sdkSqrt, m.getSqrtRatioAtTick(tick));
      eq("getTickAtSqrtRatio", k, name, sdkTick, m.getTickAtSqrtRatio(sp));
      eq("getAmount0Delta", k, name, sdkA0, m.getAmount0Delta(d.a, d.b, d.liquidity, d.roundUp));
      eq("getAmount1Delta", k, name, sdkA1, m.getAmount1Delta(d.a, d.b, d.liquidity, d.roundUp));
      const st = m.computeSwapStep(s.current, s.target, s.liquidity, s.amountRemaining, s.fee);
      const got = [st.sqrtRatioNextX96, st.amountIn, st.amountOut, st.feeAmount];
      for (let f = 0; f < 4; f++) {
        eq("computeSwapStep", k, `${name} field ${f}`, sdkStep[f], got[f]);
      }
    }
  }
}

function checkSwapResult(op: string, i: number, who: string, want: SwapResult, got: SwapResult) {
  eq(op, i, `${who} amount0`, want.amount0, got.amount0);
  eq(op, i, `${who} amount1`, want.amount1, got.amount1);
  eq(op, i, `${who} sqrtPriceX96`, want.sqrtPriceX96, got.sqrtPriceX96);
  eq(op, i, `${who} tick`, want.tick, got.tick);
  eq(op, i, `${who} liquidity`, want.liquidity, got.liquidity);
  eq(op, i, `${who} ticksCrossed`, want.ticksCrossed, got.ticksCrossed);
}

/** v3-sdk result in `SwapResult` terms (exact input: amountCalculated = -output). */
function sdkAsResult(
  zeroForOne: boolean,
  amountIn: bigint,
  r: SdkSwapState,
  ticksCrossed: number,
): SwapResult {
  const out = b(r.amountCalculated);
  return {
    amount0: zeroForOne ? amountIn : out,
    amount1: zeroForOne ? out : amountIn,
    sqrtPriceX96: b(r.sqrtRatioX96),
    tick: r.tickCurrent,
    liquidity: b(r.liquidity),
    ticksCrossed,
  };
}

// ---------------------------------------------------------------------------
// Timing
// ---------------------------------------------------------------------------

/** One timed measurement (the median of interleaved rounds). */
export interface Measurement {
  /** Median over the rounds of iterations / second. */
  opsPerSec: number;
  /** Each round's rate. */
  samples: number[];
  /** Timed iterations, all rounds. */
  iterations: number;
  /** Timed milliseconds, all rounds. */
  ms: number;
}

/** Runs `n` more iterations of one implementation's operation. */
type Runner = (n: number) => void | Promise<void>;

const sink: unknown[] = new Array(256);

function syncRunner(f: (i: number) => unknown): Runner {
  let i = 0;
  return (n) => {
    for (let k = 0; k < n; k++, i++) sink[i & 255] = f(i);
  };
}

function asyncRunner(f: (i: number) => Promise<unknown>): Runner {
  let i = 0;
  return async (n) => {
    for (let k = 0; k < n; k++, i++) sink[i & 255] = await f(i);
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/**
 * Measures several implementations of one operation: each is warmed up, then
 * they are timed in interleaved rounds (so load changes on the machine hit
 * all alike) of >= targetMs / rounds each. Batches are even and start at 16,
 * so alternating swap pairs always complete.
 */
async function measureGroup(
  runners: Runner[],
  warmupMs: number,
  targetMs: number,
  rounds: number,
): Promise<Measurement[]> {
  const batch = runners.map(() => 16);
  for (let r = 0; r < runners.length; r++) {
    const w0 = performance.now();
    while (performance.now() - w0 < warmupMs) {
      const t = performance.now();
      await runners[r](batch[r]);
      if (performance.now() - t < 2) batch[r] *= 2;
    }
  }
  const slice = targetMs / rounds;
  const out: Measurement[] = runners.map(() => ({
    opsPerSec: 0,
    samples: [],
    iterations: 0,
    ms: 0,
  }));
  for (let round = 0; round < rounds; round++) {
    for (let r = 0; r < runners.length; r++) {
      let n = 0;
      const t0 = performance.now();
      let elapsed = 0;
      while (elapsed < slice) {
        await runners[r](batch[r]);
        n += batch[r];
        elapsed = performance.now() - t0;
      }
      out[r].samples.push(Math.round((n / elapsed) * 1000));
      out[r].iterations += n;
      out[r].ms += elapsed;
    }
  }
  for (const m of out) m.opsPerSec = median(m.samples);
  return out;
}

// ---------------------------------------------------------------------------
// The bench
// ---------------------------------------------------------------------------

/** A target ratio from the issue; null where the issue sets none. */
type Target = number | null;

interface OpResult {
  op: string;
  kind: "per-call" | "swap";
  wasm: Measurement;
  v3sdk: Measurement;
  bigintRef: Measurement;
  wasmOverV3sdk: number;
  wasmOverBigintRef: number;
  targetOverV3sdk: Target;
  targetOverBigintRef: Target;
  metOverV3sdk: boolean | null;
  metOverBigintRef: boolean | null;
}

/** The per-call targets apply to the tick math (TickMath) functions. */
const TICK_MATH_TARGETS = { v3sdk: 25, ref: 2 };
const NO_TARGET = { v3sdk: null, ref: null };
const SWAP_TARGETS: Record<number, { v3sdk: Target; ref: Target }> = {
  0: { v3sdk: 50, ref: 3 },
  5: { v3sdk: null, ref: 3 },
  20: { v3sdk: 30, ref: 3 },
  50: { v3sdk: null, ref: 3 },
};

function result(
  op: string,
  kind: OpResult["kind"],
  wasm: Measurement,
  v3sdk: Measurement,
  bigintRef: Measurement,
  target: { v3sdk: Target; ref: Target },
): OpResult {
  const wasmOverV3sdk = wasm.opsPerSec / v3sdk.opsPerSec;
  const wasmOverBigintRef = wasm.opsPerSec / bigintRef.opsPerSec;
  return {
    op,
    kind,
    wasm,
    v3sdk,
    bigintRef,
    wasmOverV3sdk,
    wasmOverBigintRef,
    targetOverV3sdk: target.v3sdk,
    targetOverBigintRef: target.ref,
    metOverV3sdk: target.v3sdk === null ? null : wasmOverV3sdk >= target.v3sdk,
    metOverBigintRef: target.ref === null ? null : wasmOverBigintRef >= target.ref,
  };
}

function fmtOps(x: number): string {
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)}k`;
  return x.toFixed(0);
}

function fmtRatio(r: number, target: Target, met: boolean | null): string {
  const t = target === null ? "(no target)" : `>=${target}x ${met ? "met" : "UNMET"}`;
  return `${r.toFixed(1)}x ${t}`;
}

/** The printed table of a `benchCore` result. */
export function formatCoreTable(res: Record<string, unknown>): string {
  const ops = res.operations as OpResult[];
  const header = [
    "operation",
    "wasm ops/s",
    "v3-sdk ops/s",
    "bigint-ref ops/s",
    "wasm/v3-sdk",
    "wasm/bigint-ref",
  ];
  const rows = ops.map((o) => [
    o.op,
    fmtOps(o.wasm.opsPerSec),
    fmtOps(o.v3sdk.opsPerSec),
    fmtOps(o.bigintRef.opsPerSec),
    fmtRatio(o.wasmOverV3sdk, o.targetOverV3sdk, o.metOverV3sdk),
    fmtRatio(o.wasmOverBigintRef, o.targetOverBigintRef, o.metOverBigintRef),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) =>
    cells.map((s, c) => (c === 0 ? s.padEnd(widths[c]) : s.padStart(widths[c]))).join("  ");
  const out = [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)];
  out.push("(swaps: v3-sdk is its public swap, Pool.getOutputAmount, as in the issue's figures)");
  const internal = res.v3sdkPoolSwap as Array<
    { op: string; opsPerSec: number; wasmOverIt: number }
  >;
  if (internal?.length) {
    out.push("");
    out.push("v3-sdk internal Pool.swap (no CurrencyAmount, no new Pool: the like-for-like call):");
    for (const p of internal) {
      out.push(
        `  ${p.op.padEnd(widths[0])}  ${fmtOps(p.opsPerSec).padStart(8)} ops/s` +
          `   wasm is ${p.wasmOverIt.toFixed(1)}x (no target)`,
      );
    }
  }
  const s = res.summary as { met: number; total: number };
  out.push("");
  out.push(`targets met: ${s.met}/${s.total}`);
  return out.join("\n");
}

/**
 * Runs the core benchmark and returns JSON-able figures.
 *
 * @example
 * ```ts
 * import { benchCore, formatCoreTable } from "./bench_core.ts";
 * console.log(formatCoreTable(await benchCore({ quick: true })));
 * ```
 */
export async function benchCore(opts: { quick?: boolean } = {}): Promise<Record<string, unknown>> {
  const quick = opts.quick ?? false;
  const warmupMs = quick ? 20 : 100;
  const targetMs = quick ? 50 : 300;
  const rounds = quick ? 3 : 5;
  const started = performance.now();

  const core = await loadCore();
  const wasm = core.math;
  const ref = referenceImplementation.math;
  const inputs = makeInputs(SEED);
  const layout = makeLayout(SEED);

  // --- agreement: per-call math -------------------------------------------
  checkMath(inputs, [["wasm", wasm], ["bigint-ref", ref]]);

  // --- pools ------------------------------------------------------------------
  const wasmPool: V3Pool = core.loadPool(layout.snapshot);
  const refPool: V3Pool = referenceImplementation.loadPool(layout.snapshot);
  const token0 = new sdkCore.Token(1, "0x0000000000000000000000000000000000000001", 18);
  const token1 = new sdkCore.Token(1, "0x0000000000000000000000000000000000000002", 18);
  const provider = new sdk.TickListDataProvider(
    layout.snapshot.ticks.map((t) => ({
      index: t.tick,
      liquidityGross: t.liquidityGross.toString(),
      liquidityNet: t.liquidityNet.toString(),
    })),
    TICK_SPACING,
  );
  const snap = layout.snapshot;
  const sdkStart = new sdk.Pool(
    token0,
    token1,
    FEE,
    snap.sqrtPriceX96.toString(),
    snap.liquidity.toString(),
    snap.tick,
    provider,
  );
  const hugeJ = j(HUGE);
  const startLimitJ = j(layout.startPrice);
  const noLimitDownJ = j(MIN_SQRT_RATIO + 1n);
  const noLimitDown = MIN_SQRT_RATIO + 1n;

  interface SdkPlan {
    amountDownJ: Jsbi;
    afterDown: SdkPool;
    inputDown: unknown;
    inputBack: unknown;
  }
  const sdkPlans: SdkPlan[] = [];
  for (const plan of layout.plans) {
    const amountDownJ = j(plan.amountDown);
    const op = `swap ${plan.ticks} ticks`;
    const rDown = await sdkStart.swap(true, amountDownJ, noLimitDownJ);
    checkSwapResult(
      op,
      0,
      "v3-sdk down",
      plan.down,
      sdkAsResult(true, plan.amountDown, rDown, plan.ticks),
    );
    const afterDown = new sdk.Pool(
      token0,
      token1,
      FEE,
      rDown.sqrtRatioX96.toString(),
      rDown.liquidity.toString(),
      rDown.tickCurrent,
      provider,
    );
    const rBack = await afterDown.swap(false, hugeJ, startLimitJ);
    checkSwapResult(
      op,
      0,
      "v3-sdk back",
      { ...plan.back, amount1: 0n },
      { ...sdkAsResult(false, 0n, rBack, plan.ticks), amount1: 0n },
    );
    // The public API must agree too.
    const [outDown] = await sdkStart.getOutputAmount(
      sdkCore.CurrencyAmount.fromRawAmount(token0, plan.amountDown.toString()),
    );
    eq(op, 0, "v3-sdk getOutputAmount", -plan.down.amount1, b(outDown.quotient));
    const [outBack, poolBack] = await afterDown.getOutputAmount(
      sdkCore.CurrencyAmount.fromRawAmount(token1, HUGE.toString()),
      startLimitJ,
    );
    eq(op, 0, "v3-sdk getOutputAmount back", -plan.back.amount0, b(outBack.quotient));
    eq(
      op,
      0,
      "v3-sdk getOutputAmount back price",
      plan.back.sqrtPriceX96,
      b(poolBack.sqrtRatioX96),
    );
    eq(op, 0, "v3-sdk getOutputAmount back tick", plan.back.tick, poolBack.tickCurrent);
    for (let i = 0; i < 3; i++) {
      for (const [who, p] of [["wasm", wasmPool], ["bigint-ref", refPool]] as const) {
        checkSwapResult(
          op,
          i,
          `${who} down`,
          plan.down,
          p.swap(true, plan.amountDown, noLimitDown),
        );
        const back = p.swap(false, HUGE, layout.startPrice);
        checkSwapResult(op, i, `${who} back`, plan.back, back);
      }
    }
    sdkPlans.push({
      amountDownJ,
      afterDown,
      inputDown: sdkCore.CurrencyAmount.fromRawAmount(token0, plan.amountDown.toString()),
      inputBack: sdkCore.CurrencyAmount.fromRawAmount(token1, HUGE.toString()),
    });
  }

  // --- timing: per-call math -------------------------------------------------
  const sqrtJ = inputs.sqrtPrices.map(j);
  const deltasJ = inputs.deltas.map((d) => ({
    a: j(d.a),
    b: j(d.b),
    liquidity: j(d.liquidity),
    roundUp: d.roundUp,
  }));
  const stepsJ = inputs.steps.map((s) => ({
    current: j(s.current),
    target: j(s.target),
    liquidity: j(s.liquidity),
    amountRemaining: j(s.amountRemaining),
    fee: s.fee,
  }));

  const group = (runners: Runner[]) => measureGroup(runners, warmupMs, targetMs, rounds);
  const operations: OpResult[] = [];
  const perCall = async (
    op: string,
    fw: (i: number) => unknown,
    fs: (i: number) => unknown,
    fr: (i: number) => unknown,
  ) => {
    const [w, s, r] = await group([syncRunner(fw), syncRunner(fs), syncRunner(fr)]);
    const target = op.startsWith("getSqrtRatioAtTick") || op.startsWith("getTickAtSqrtRatio")
      ? TICK_MATH_TARGETS
      : NO_TARGET;
    operations.push(result(op, "per-call", w, s, r, target));
  };

  const { ticks, sqrtPrices, deltas, steps } = inputs;
  await perCall(
    "getSqrtRatioAtTick (bigint result)",
    (i) => wasm.getSqrtRatioAtTick(ticks[i & MASK]),
    (i) => sdk.TickMath.getSqrtRatioAtTick(ticks[i & MASK]),
    (i) => ref.getSqrtRatioAtTick(ticks[i & MASK]),
  );
  await perCall(
    "getTickAtSqrtRatio",
    (i) => wasm.getTickAtSqrtRatio(sqrtPrices[i & MASK]),
    (i) => sdk.TickMath.getTickAtSqrtRatio(sqrtJ[i & MASK]),
    (i) => ref.getTickAtSqrtRatio(sqrtPrices[i & MASK]),
  );
  await perCall(
    "getAmount0Delta",
    (i) => {
      const d = deltas[i & MASK];
      return wasm.getAmount0Delta(d.a, d.b, d.liquidity, d.roundUp);
    },
    (i) => {
      const d = deltasJ[i & MASK];
      return sdk.SqrtPriceMath.getAmount0Delta(d.a, d.b, d.liquidity, d.roundUp);
    },
    (i) => {
      const d = deltas[i & MASK];
      return ref.getAmount0Delta(d.a, d.b, d.liquidity, d.roundUp);
    },
  );
  await perCall(
    "getAmount1Delta",
    (i) => {
      const d = deltas[i & MASK];
      return wasm.getAmount1Delta(d.a, d.b, d.liquidity, d.roundUp);
    },
    (i) => {
      const d = deltasJ[i & MASK];
      return sdk.SqrtPriceMath.getAmount1Delta(d.a, d.b, d.liquidity, d.roundUp);
    },
    (i) => {
      const d = deltas[i & MASK];
      return ref.getAmount1Delta(d.a, d.b, d.liquidity, d.roundUp);
    },
  );
  await perCall(
    "computeSwapStep",
    (i) => {
      const s = steps[i & MASK];
      return wasm.computeSwapStep(s.current, s.target, s.liquidity, s.amountRemaining, s.fee);
    },
    (i) => {
      const s = stepsJ[i & MASK];
      return sdk.SwapMath.computeSwapStep(
        s.current,
        s.target,
        s.liquidity,
        s.amountRemaining,
        s.fee,
      );
    },
    (i) => {
      const s = steps[i & MASK];
      return ref.computeSwapStep(s.current, s.target, s.liquidity, s.amountRemaining, s.fee);
    },
  );

  // --- timing: pool swaps ------------------------------------------------------
  const poolSwap: Array<{ op: string; ticks: number; opsPerSec: number; wasmOverIt: number }> = [];
  for (let k = 0; k < layout.plans.length; k++) {
    const plan = layout.plans[k];
    const sp = sdkPlans[k];
    const op = `swap crossing ${plan.ticks} ticks`;
    const ours = (p: V3Pool) => (i: number) =>
      (i & 1) === 0
        ? p.swap(true, plan.amountDown, noLimitDown)
        : p.swap(false, HUGE, layout.startPrice);
    const [wm, sm, rm, pm] = await group([
      syncRunner(ours(wasmPool)),
      asyncRunner((i) =>
        (i & 1) === 0
          ? sdkStart.swap(true, sp.amountDownJ, noLimitDownJ)
          : sp.afterDown.swap(false, hugeJ, startLimitJ)
      ),
      syncRunner(ours(refPool)),
      asyncRunner((i) =>
        (i & 1) === 0
          ? sdkStart.getOutputAmount(sp.inputDown)
          : sp.afterDown.getOutputAmount(sp.inputBack, startLimitJ)
      ),
    ]);
    operations.push(result(op, "swap", wm, pm, rm, SWAP_TARGETS[plan.ticks]));
    poolSwap.push({
      op,
      ticks: plan.ticks,
      opsPerSec: sm.opsPerSec,
      wasmOverIt: wm.opsPerSec / sm.opsPerSec,
    });
  }

  // The pools must still be in the start state (every batch is an even number of swaps).
  for (const [who, p] of [["wasm", wasmPool], ["bigint-ref", refPool]] as const) {
    eq("final state", 0, `${who} sqrtPriceX96`, layout.startPrice, p.slot0().sqrtPriceX96);
    eq("final state", 0, `${who} liquidity`, snap.liquidity, p.liquidity());
  }
  (wasmPool as { free?: () => void }).free?.();

  const checks = operations.flatMap((o) => [o.metOverV3sdk, o.metOverBigintRef]).filter((x) =>
    x !== null
  );
  return {
    name: "core",
    quick,
    config: {
      seed: SEED,
      inputsPerOperation: N_INPUTS,
      warmupMs,
      minMeasureMs: targetMs,
      rounds,
      pool: {
        fee: FEE,
        tickSpacing: TICK_SPACING,
        initializedTicks: snap.ticks.length,
        startTick: snap.tick,
        swaps: layout.plans.map((p) => ({
          ticksCrossed: p.ticks,
          amountDown: p.amountDown.toString(),
        })),
      },
      methodology: "alternating down (exact-in, amount-terminated) / back (limit-terminated at " +
        "the start price) swaps; ours restore the state exactly, v3-sdk swaps from two fixed " +
        "immutable Pools (start and post-down state); v3-sdk swaps timed via its public " +
        "Pool.getOutputAmount (targets) and its internal Pool.swap (v3sdkPoolSwap), with " +
        "pre-built JSBI and CurrencyAmount inputs; results checked identical before timing",
    },
    operations,
    v3sdkPoolSwap: poolSwap,
    summary: {
      met: checks.filter((x) => x).length,
      total: checks.length,
      allMet: checks.every((x) => x),
    },
    elapsedMs: performance.now() - started,
  };
}

if (import.meta.main) {
  const quick = Deno.args.includes("--quick");
  const res = await benchCore({ quick });
  console.log(formatCoreTable(res));
}
