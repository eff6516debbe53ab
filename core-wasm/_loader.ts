/**
 * Instantiates core.wasm in Deno (from the file beside this module) or in a
 * browser (with fetch). No Deno-only API is touched on the browser path.
 *
 * @module
 */

/** The raw exports of core.wasm (see core-wasm/assembly/index.ts). */
export interface CoreExports {
  memory: WebAssembly.Memory;
  ioPtr(): number;
  sqrtRatioAtTick(tick: number): number;
  tickAtSqrtRatio(): number;
  mulDivX(roundUp: number): number;
  amount0Delta(roundUp: number): number;
  amount1Delta(roundUp: number): number;
  amount0DeltaSigned(): number;
  amount1DeltaSigned(): number;
  nextSqrtPriceFromInput(zeroForOne: number): number;
  nextSqrtPriceFromOutput(zeroForOne: number): number;
  swapStep(feePips: number): number;
  liquidityAddDelta(): number;
  liquidityForAmount0(): number;
  liquidityForAmount1(): number;
  liquidityForAmounts(): number;
  amountsForLiquidity(): number;
  maxLiquidityPerTick(tickSpacing: number): number;
  poolCreate(fee: number, tickSpacing: number): number;
  poolFree(h: number): void;
  poolInitialize(h: number): number;
  poolSetFeeProtocol(h: number, f0: number, f1: number): number;
  poolSwap(h: number, zeroForOne: number, amountSlot: number, limitSlot: number): number;
  lastTicksCrossed(): number;
  poolTick(h: number): number;
  poolMint(h: number, owner: number, tickLower: number, tickUpper: number): number;
  poolBurn(h: number, owner: number, tickLower: number, tickUpper: number): number;
  poolCollect(h: number, owner: number, tickLower: number, tickUpper: number): number;
  poolGetState(h: number): number;
  poolSetState(h: number, tick: number, feeProtocol: number): number;
  poolTickCount(h: number): number;
  poolTickAt(h: number, i: number): number;
  poolGetTick(h: number, tick: number): number;
  poolSetTick(h: number, tick: number): number;
  poolPositionCount(h: number): number;
  poolPositionAt(h: number, i: number): number;
  poolGetPosition(h: number, owner: number, tickLower: number, tickUpper: number): number;
  poolSetPosition(h: number, owner: number, tickLower: number, tickUpper: number): number;
  // swap-level replay kernel (assembly/replay.ts)
  poolReplay(h: number, start: number, end: number): number;
  replayEvents(bytes: number): number;
  replayCtx(): number;
  replayVol(): number;
  // quoting models (assembly/quoting.ts)
  quoteParamsPtr(): number;
  asQuotes(inPtr: number, n: number, outPtr: number): number;
  glftCoefficients(): number;
  glftQuotes(inPtr: number, n: number, outPtr: number): number;
  sigmaFromMids(ptr: number, n: number, dt: number, logReturns: number): number;
  tradeIntensities(
    depthPtr: number,
    nSteps: number,
    gridPtr: number,
    nGrid: number,
    duration: number,
    outPtr: number,
  ): number;
  fitIntensity(depthPtr: number, lambdaPtr: number, n: number): number;
  // L2 books (assembly/book.ts)
  scratchPtr(bytes: number): number;
  bookOutPtr(): number;
  bookCreate(): number;
  bookFree(h: number): void;
  bookSnapshot(h: number, seq: bigint, ptr: number, nBids: number, nAsks: number): number;
  bookApplyDeltas(
    h: number,
    firstSeq: bigint,
    lastSeq: bigint,
    ptr: number,
    nBids: number,
    nAsks: number,
  ): number;
  bookLastSeq(h: number): bigint;
  bookLevelCount(h: number, side: number): number;
  bookBest(h: number): number;
  bookDepth(h: number, n: number, outPtr: number): number;
  bookAggregate(h: number, bucket: bigint, n: number, outPtr: number): number;
  bookMid(h: number): number;
  bookMicroprice(h: number): number;
}

/** Where core.wasm is by default: `build/core.wasm` next to this module. */
export const DEFAULT_WASM_URL: URL = new URL("./build/core.wasm", import.meta.url);

async function readBytes(url: URL): Promise<ArrayBuffer> {
  // deno-lint-ignore no-explicit-any
  const deno = (globalThis as any).Deno;
  if (url.protocol === "file:" && deno?.readFile) {
    try {
      const bytes: Uint8Array = await deno.readFile(url);
      return bytes.buffer.slice(
        bytes.byteOffset,
        bytes.byteOffset + bytes.byteLength,
      ) as ArrayBuffer;
    } catch (e) {
      if (e instanceof deno.errors.NotFound) {
        throw new Error(
          `Cannot load core.wasm: ${url.pathname} does not exist; run 'deno task build' first`,
        );
      }
      throw e;
    }
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`Cannot load core.wasm: GET ${url} answered ${res.status}`);
  return await res.arrayBuffer();
}

/**
 * Compiles and instantiates core.wasm.
 *
 * @example
 * ```ts
 * import { instantiateCore } from "./_loader.ts";
 * const core = await instantiateCore();
 * console.log(core.sqrtRatioAtTick(0)); // 0 = ok
 * ```
 */
export async function instantiateCore(
  source: URL | ArrayBuffer | Uint8Array = DEFAULT_WASM_URL,
): Promise<CoreExports> {
  const bytes = source instanceof URL ? await readBytes(source) : source;
  const { instance } = await WebAssembly.instantiate(bytes as ArrayBuffer, {
    env: {
      abort(_msg: number, _file: number, line: number, col: number) {
        throw new Error(`core.wasm aborted at line ${line}:${col}`);
      },
    },
  });
  return instance.exports as unknown as CoreExports;
}
