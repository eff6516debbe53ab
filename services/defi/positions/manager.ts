/**
 * LP position manager over NonfungiblePositionManager: add liquidity (mint),
 * remove it (decrease + collect + optional burn, one multicall transaction),
 * modify it, collect fees, swap through the router, list our positions and
 * value them exactly (see `valuation.ts`).
 *
 * Every mint, decrease and swap carries slippage protection computed from
 * the exact math (core.wasm for liquidity amounts, QuoterV2 for swaps) and a
 * deadline from the chain's clock. Each operation is available in two
 * forms: `build*` returns the {@link TxCall} with its expected amounts (so the
 * rebalancer can persist it before sending) and `parse*` reads the result
 * from a receipt; the plain methods send and parse.
 *
 * @example
 * ```ts
 * import { loadCore } from "../../../core-wasm/mod.ts";
 * import { ChainClient, loadChainTable, resolveChain } from "../chain/mod.ts";
 * import { PositionManager } from "./manager.ts";
 * const chain = resolveChain(await loadChainTable(), "arbitrum", {});
 * const client = new ChainClient({ rpcUrl: "http://127.0.0.1:8545", chain, privateKey: Deno.env.get("KEY") });
 * const pm = await PositionManager.open(client, chain, "0xC6962004f452bE9203591991D15f6b388e09E8D0", await loadCore());
 * for (const p of await pm.listPositions()) console.log(p.tokenId, await pm.value(p));
 * ```
 * @module
 */
import { type Address, getAddress, type Hex, type Log, parseEventLogs } from "viem";
import { encodeFunctionData } from "viem";
import type { WasmCore } from "../../../core-wasm/mod.ts";
import {
  POOL_ABI,
  POSITION_MANAGER_ABI,
  QUOTER_V2_ABI,
  SWAP_ROUTER02_ABI,
  SWAP_ROUTER_ABI,
} from "../chain/abis.ts";
import type { ChainInfo } from "../chain/chains.ts";
import type { ChainClient, TokenInfo, TxCall, TxReceipt } from "../chain/client.ts";
import { type NpmPosition, type PositionValue, valuePosition } from "./valuation.ts";

const U128 = (1n << 128n) - 1n;

/** A pool and its tokens. */
export interface PoolInfo {
  address: Address;
  token0: TokenInfo;
  token1: TokenInfo;
  fee: number;
  tickSpacing: number;
}

/** Pool state at one block. */
export interface PoolState {
  blockNumber: bigint;
  sqrtPriceX96: bigint;
  tick: number;
  liquidity: bigint;
  feeGrowthGlobal0X128: bigint;
  feeGrowthGlobal1X128: bigint;
}

/** Slippage and deadline settings. */
export interface ExecutionParams {
  /** Max adverse move of a mint/decrease/swap amount, basis points. Default 50. */
  slippageBps: number;
  /** Deadline = latest block timestamp + this, seconds. Default 600. */
  deadlineSec: number;
}

/** A built transaction with what we expect from it. */
export interface BuiltCall<E> {
  call: TxCall;
  expected: E;
}

/** Expected result of a mint. */
export interface MintExpectation {
  tickLower: number;
  tickUpper: number;
  liquidity: bigint;
  amount0: bigint;
  amount1: bigint;
  amount0Min: bigint;
  amount1Min: bigint;
}

/** Result of a mint. */
export interface MintResult {
  tokenId: bigint;
  liquidity: bigint;
  amount0: bigint;
  amount1: bigint;
}

/** Result of a removal (decrease + collect [+ burn]). */
export interface RemoveResult {
  tokenId: bigint;
  liquidity: bigint;
  /** Principal returned by the decrease. */
  amount0: bigint;
  amount1: bigint;
  /** Everything collected (principal + fees). */
  collected0: bigint;
  collected1: bigint;
  burned: boolean;
}

/** Result of a swap (signed from our side: > 0 received). */
export interface SwapResultLive {
  amountIn: bigint;
  amountOut: bigint;
  zeroForOne: boolean;
}

/** See the module doc. */
export class PositionManager {
  readonly client: ChainClient;
  readonly chain: ChainInfo;
  readonly pool: PoolInfo;
  readonly core: WasmCore;
  readonly exec: ExecutionParams;

  constructor(
    client: ChainClient,
    chain: ChainInfo,
    pool: PoolInfo,
    core: WasmCore,
    exec: Partial<ExecutionParams> = {},
  ) {
    this.client = client;
    this.chain = chain;
    this.pool = pool;
    this.core = core;
    this.exec = { slippageBps: 50, deadlineSec: 600, ...exec };
    if (!(this.exec.slippageBps >= 0 && this.exec.slippageBps < 10_000)) {
      throw new RangeError(`slippageBps ${this.exec.slippageBps} must be in [0, 10000)`);
    }
  }

  /** Reads the pool's tokens, fee and spacing and returns a manager for it. */
  static async open(
    client: ChainClient,
    chain: ChainInfo,
    pool: Address,
    core: WasmCore,
    exec: Partial<ExecutionParams> = {},
  ): Promise<PositionManager> {
    return new PositionManager(client, chain, await readPoolInfo(client, pool), core, exec);
  }

  // ---------------------------------------------------------------- reads

  /** slot0, liquidity and fee growth at one block (default latest). */
  async poolState(blockNumber?: bigint): Promise<PoolState> {
    const bn = blockNumber ?? await this.client.blockNumber();
    const a = this.pool.address;
    const [slot0, liquidity, g0, g1] = await Promise.all([
      this.client.read<readonly [bigint, number]>(a, POOL_ABI, "slot0", [], bn),
      this.client.read<bigint>(a, POOL_ABI, "liquidity", [], bn),
      this.client.read<bigint>(a, POOL_ABI, "feeGrowthGlobal0X128", [], bn),
      this.client.read<bigint>(a, POOL_ABI, "feeGrowthGlobal1X128", [], bn),
    ]);
    return {
      blockNumber: bn,
      sqrtPriceX96: slot0[0],
      tick: Number(slot0[1]),
      liquidity,
      feeGrowthGlobal0X128: g0,
      feeGrowthGlobal1X128: g1,
    };
  }

  /** `positions(tokenId)` of the manager. */
  async position(tokenId: bigint, blockNumber?: bigint): Promise<NpmPosition> {
    const r = await this.client.read<readonly unknown[]>(
      this.chain.positionManager,
      POSITION_MANAGER_ABI,
      "positions",
      [tokenId],
      blockNumber,
    );
    return {
      tokenId,
      token0: getAddress(r[2] as string),
      token1: getAddress(r[3] as string),
      fee: Number(r[4]),
      tickLower: Number(r[5]),
      tickUpper: Number(r[6]),
      liquidity: r[7] as bigint,
      feeGrowthInside0LastX128: r[8] as bigint,
      feeGrowthInside1LastX128: r[9] as bigint,
      tokensOwed0: r[10] as bigint,
      tokensOwed1: r[11] as bigint,
    };
  }

  /**
   * Our positions in this pool (NFTs owned by `owner`, default us), at one
   * block. `includeEmpty` keeps positions with zero liquidity and nothing owed.
   */
  async listPositions(
    opts: { owner?: Address; blockNumber?: bigint; includeEmpty?: boolean } = {},
  ): Promise<NpmPosition[]> {
    const owner = opts.owner ?? this.client.address;
    const bn = opts.blockNumber ?? await this.client.blockNumber();
    const npm = this.chain.positionManager;
    const n = await this.client.read<bigint>(npm, POSITION_MANAGER_ABI, "balanceOf", [owner], bn);
    const ids = await Promise.all(
      Array.from(
        { length: Number(n) },
        (_, i) =>
          this.client.read<bigint>(npm, POSITION_MANAGER_ABI, "tokenOfOwnerByIndex", [
            owner,
            BigInt(i),
          ], bn),
      ),
    );
    const all = await Promise.all(ids.map((id) => this.position(id, bn)));
    return all.filter((p) =>
      p.token0 === this.pool.token0.address && p.token1 === this.pool.token1.address &&
      p.fee === this.pool.fee &&
      (opts.includeEmpty || p.liquidity > 0n || p.tokensOwed0 > 0n || p.tokensOwed1 > 0n)
    ).sort((a, b) => (a.tokenId < b.tokenId ? -1 : 1));
  }

  /** Exact principal and uncollected fees of positions at one block. */
  async valueAll(
    positions: NpmPosition[],
    state?: PoolState,
  ): Promise<Array<NpmPosition & PositionValue>> {
    const s = state ?? await this.poolState();
    const ticks = new Map<number, Promise<readonly bigint[]>>();
    const tick = (t: number) => {
      let p = ticks.get(t);
      if (!p) {
        p = this.client.read<readonly bigint[]>(
          this.pool.address,
          POOL_ABI,
          "ticks",
          [t],
          s.blockNumber,
        );
        ticks.set(t, p);
      }
      return p;
    };
    return await Promise.all(positions.map(async (p) => {
      const [lo, hi] = await Promise.all([tick(p.tickLower), tick(p.tickUpper)]);
      const v = valuePosition(this.core.math, p, {
        sqrtPriceX96: s.sqrtPriceX96,
        tick: s.tick,
        feeGrowthGlobal0X128: s.feeGrowthGlobal0X128,
        feeGrowthGlobal1X128: s.feeGrowthGlobal1X128,
        lower: { feeGrowthOutside0X128: lo[2], feeGrowthOutside1X128: lo[3] },
        upper: { feeGrowthOutside0X128: hi[2], feeGrowthOutside1X128: hi[3] },
      });
      return { ...p, ...v };
    }));
  }

  /** Exact value of one position now. */
  async value(p: NpmPosition | bigint, state?: PoolState): Promise<NpmPosition & PositionValue> {
    const s = state ?? await this.poolState();
    const pos = typeof p === "bigint" ? await this.position(p, s.blockNumber) : p;
    return (await this.valueAll([pos], s))[0];
  }

  async #deadline(): Promise<bigint> {
    const b = await this.client.block();
    return b.timestamp + BigInt(this.exec.deadlineSec);
  }

  #minOf(x: bigint): bigint {
    return x * BigInt(10_000 - this.exec.slippageBps) / 10_000n;
  }

  // ---------------------------------------------------------------- mint

  /** Approves the manager for both amounts when needed. */
  async approveFor(spender: Address, amount0: bigint, amount1: bigint): Promise<void> {
    if (amount0 > 0n) await this.client.ensureAllowance(this.pool.token0.address, spender, amount0);
    if (amount1 > 0n) await this.client.ensureAllowance(this.pool.token1.address, spender, amount1);
  }

  /**
   * A mint of the most liquidity `amount0Desired`/`amount1Desired` fund over
   * [tickLower, tickUpper) at the current price; amountMin = the exact amounts
   * the pool would take, less the slippage. Throws when the amounts fund no
   * liquidity.
   */
  async buildMint(p: {
    tickLower: number;
    tickUpper: number;
    amount0Desired: bigint;
    amount1Desired: bigint;
    recipient?: Address;
    state?: PoolState;
  }): Promise<BuiltCall<MintExpectation>> {
    const s = p.state ?? await this.poolState();
    const m = this.core.math;
    const sa = m.getSqrtRatioAtTick(p.tickLower);
    const sb = m.getSqrtRatioAtTick(p.tickUpper);
    const L = m.getLiquidityForAmounts(s.sqrtPriceX96, sa, sb, p.amount0Desired, p.amount1Desired);
    if (L <= 0n) {
      throw new Error(
        `Cannot mint [${p.tickLower}, ${p.tickUpper}): amounts ${p.amount0Desired}/${p.amount1Desired} ` +
          `fund no liquidity at tick ${s.tick}`,
      );
    }
    const sp = s.sqrtPriceX96;
    let a0 = 0n;
    let a1 = 0n;
    if (sp <= sa) a0 = m.getAmount0Delta(sa, sb, L, true);
    else if (sp >= sb) a1 = m.getAmount1Delta(sa, sb, L, true);
    else {
      a0 = m.getAmount0Delta(sp, sb, L, true);
      a1 = m.getAmount1Delta(sa, sp, L, true);
    }
    const expected: MintExpectation = {
      tickLower: p.tickLower,
      tickUpper: p.tickUpper,
      liquidity: L,
      amount0: a0,
      amount1: a1,
      amount0Min: this.#minOf(a0),
      amount1Min: this.#minOf(a1),
    };
    const call: TxCall = {
      address: this.chain.positionManager,
      abi: POSITION_MANAGER_ABI,
      functionName: "mint",
      args: [{
        token0: this.pool.token0.address,
        token1: this.pool.token1.address,
        fee: this.pool.fee,
        tickLower: p.tickLower,
        tickUpper: p.tickUpper,
        amount0Desired: p.amount0Desired,
        amount1Desired: p.amount1Desired,
        amount0Min: expected.amount0Min,
        amount1Min: expected.amount1Min,
        recipient: p.recipient ?? this.client.address,
        deadline: await this.#deadline(),
      }],
      label: `mint [${p.tickLower}, ${p.tickUpper})`,
    };
    return { call, expected };
  }

  /** Reads a mint's NFT id and amounts from its receipt. */
  parseMint(receipt: TxReceipt): MintResult {
    const ev = this.#events(receipt.logs, "IncreaseLiquidity");
    if (ev.length !== 1) throw new Error(`expected one IncreaseLiquidity in ${receipt.hash}`);
    const a = ev[0] as { tokenId: bigint; liquidity: bigint; amount0: bigint; amount1: bigint };
    return { tokenId: a.tokenId, liquidity: a.liquidity, amount0: a.amount0, amount1: a.amount1 };
  }

  /** Mints a position (approving first when needed). */
  async addLiquidity(p: {
    tickLower: number;
    tickUpper: number;
    amount0Desired: bigint;
    amount1Desired: bigint;
  }): Promise<MintResult & { receipt: TxReceipt }> {
    await this.approveFor(this.chain.positionManager, p.amount0Desired, p.amount1Desired);
    const b = await this.buildMint(p);
    const receipt = await this.client.send(b.call);
    return { ...this.parseMint(receipt), receipt };
  }

  /** increaseLiquidity of an existing position by amounts (amountMin from the exact math). */
  async buildIncrease(
    tokenId: bigint,
    amount0Desired: bigint,
    amount1Desired: bigint,
  ): Promise<BuiltCall<MintExpectation>> {
    const pos = await this.position(tokenId);
    const b = await this.buildMint({
      tickLower: pos.tickLower,
      tickUpper: pos.tickUpper,
      amount0Desired,
      amount1Desired,
    });
    const args = b.call.args[0] as Record<string, unknown>;
    return {
      expected: b.expected,
      call: {
        address: this.chain.positionManager,
        abi: POSITION_MANAGER_ABI,
        functionName: "increaseLiquidity",
        args: [{
          tokenId,
          amount0Desired,
          amount1Desired,
          amount0Min: args.amount0Min,
          amount1Min: args.amount1Min,
          deadline: args.deadline,
        }],
        label: `increase #${tokenId}`,
      },
    };
  }

  // ---------------------------------------------------------------- remove

  /**
   * decreaseLiquidity(`liquidity`, default all) + collect(everything)
   * [+ burn when the whole position is removed and `burn`], one multicall;
   * amountMin = exact principal less the slippage.
   */
  async buildRemove(
    tokenId: bigint,
    opts: { liquidity?: bigint; burn?: boolean; state?: PoolState } = {},
  ): Promise<BuiltCall<{ liquidity: bigint; amount0: bigint; amount1: bigint; burn: boolean }>> {
    const s = opts.state ?? await this.poolState();
    const pos = await this.position(tokenId, s.blockNumber);
    const L = opts.liquidity ?? pos.liquidity;
    if (L > pos.liquidity) {
      throw new RangeError(`Cannot remove ${L} from #${tokenId}: it holds ${pos.liquidity}`);
    }
    const m = this.core.math;
    const amounts = L > 0n
      ? m.getAmountsForLiquidity(
        s.sqrtPriceX96,
        m.getSqrtRatioAtTick(pos.tickLower),
        m.getSqrtRatioAtTick(pos.tickUpper),
        L,
      )
      : { amount0: 0n, amount1: 0n };
    const burn = (opts.burn ?? true) && L === pos.liquidity;
    const deadline = await this.#deadline();
    const npm = this.chain.positionManager;
    const data: Hex[] = [];
    if (L > 0n) {
      data.push(encodeFunctionData({
        abi: POSITION_MANAGER_ABI,
        functionName: "decreaseLiquidity",
        args: [{
          tokenId,
          liquidity: L,
          amount0Min: this.#minOf(amounts.amount0),
          amount1Min: this.#minOf(amounts.amount1),
          deadline,
        }],
      }));
    }
    data.push(encodeFunctionData({
      abi: POSITION_MANAGER_ABI,
      functionName: "collect",
      args: [{ tokenId, recipient: this.client.address, amount0Max: U128, amount1Max: U128 }],
    }));
    if (burn) {
      data.push(
        encodeFunctionData({ abi: POSITION_MANAGER_ABI, functionName: "burn", args: [tokenId] }),
      );
    }
    return {
      call: {
        address: npm,
        abi: POSITION_MANAGER_ABI,
        functionName: "multicall",
        args: [data],
        label: `remove #${tokenId}`,
      },
      expected: { liquidity: L, amount0: amounts.amount0, amount1: amounts.amount1, burn },
    };
  }

  /** Reads a removal's amounts from its receipt. */
  parseRemove(tokenId: bigint, receipt: TxReceipt): RemoveResult {
    const dec = this.#events(receipt.logs, "DecreaseLiquidity") as Array<
      { tokenId: bigint; liquidity: bigint; amount0: bigint; amount1: bigint }
    >;
    const col = this.#events(receipt.logs, "Collect") as Array<
      { tokenId: bigint; amount0: bigint; amount1: bigint }
    >;
    const burned =
      (this.#events(receipt.logs, "Transfer") as Array<{ to: string; tokenId: bigint }>)
        .some((t) => t.tokenId === tokenId && BigInt(t.to) === 0n);
    const d = dec.find((e) => e.tokenId === tokenId);
    const c = col.find((e) => e.tokenId === tokenId);
    return {
      tokenId,
      liquidity: d?.liquidity ?? 0n,
      amount0: d?.amount0 ?? 0n,
      amount1: d?.amount1 ?? 0n,
      collected0: c?.amount0 ?? 0n,
      collected1: c?.amount1 ?? 0n,
      burned,
    };
  }

  /** Removes liquidity (default all), collects everything and burns the NFT when emptied. */
  async removeLiquidity(
    tokenId: bigint,
    opts: { liquidity?: bigint; burn?: boolean } = {},
  ): Promise<RemoveResult & { receipt: TxReceipt }> {
    const b = await this.buildRemove(tokenId, opts);
    const receipt = await this.client.send(b.call);
    return { ...this.parseRemove(tokenId, receipt), receipt };
  }

  /**
   * Changes a position's liquidity: adds by amounts (`delta` > 0 means "the
   * liquidity these amounts fund", pass amounts) or removes `-delta`.
   */
  async modifyLiquidity(
    tokenId: bigint,
    change: { remove: bigint } | { amount0: bigint; amount1: bigint },
  ): Promise<TxReceipt> {
    if ("remove" in change) {
      return (await this.removeLiquidity(tokenId, { liquidity: change.remove, burn: false }))
        .receipt;
    }
    await this.approveFor(this.chain.positionManager, change.amount0, change.amount1);
    const b = await this.buildIncrease(tokenId, change.amount0, change.amount1);
    return await this.client.send(b.call);
  }

  /** Collects the fees (and any owed tokens) of a position to us. */
  async collectFees(
    tokenId: bigint,
  ): Promise<{ amount0: bigint; amount1: bigint; receipt: TxReceipt }> {
    const call: TxCall = {
      address: this.chain.positionManager,
      abi: POSITION_MANAGER_ABI,
      functionName: "collect",
      args: [{ tokenId, recipient: this.client.address, amount0Max: U128, amount1Max: U128 }],
      label: `collect #${tokenId}`,
    };
    const receipt = await this.client.send(call);
    const c = (this.#events(receipt.logs, "Collect") as Array<
      { tokenId: bigint; amount0: bigint; amount1: bigint }
    >).find((e) => e.tokenId === tokenId);
    return { amount0: c?.amount0 ?? 0n, amount1: c?.amount1 ?? 0n, receipt };
  }

  // ---------------------------------------------------------------- swap

  /** QuoterV2's exact output for an exact-input swap (the real pool's math, via eth_call). */
  async quoteExactInput(zeroForOne: boolean, amountIn: bigint): Promise<bigint> {
    const [tIn, tOut] = zeroForOne
      ? [this.pool.token0.address, this.pool.token1.address]
      : [this.pool.token1.address, this.pool.token0.address];
    const r = await this.client.read<readonly [bigint, bigint, number, bigint]>(
      this.chain.quoterV2,
      QUOTER_V2_ABI,
      "quoteExactInputSingle",
      [{ tokenIn: tIn, tokenOut: tOut, amountIn, fee: this.pool.fee, sqrtPriceLimitX96: 0n }],
    );
    return r[0];
  }

  /**
   * An exact-input swap through the router; amountOutMinimum = the exact
   * quote less the slippage (or `minOut` when given).
   */
  async buildSwap(
    zeroForOne: boolean,
    amountIn: bigint,
    opts: { minOut?: bigint } = {},
  ): Promise<BuiltCall<{ zeroForOne: boolean; amountIn: bigint; quote: bigint; minOut: bigint }>> {
    const [tIn, tOut] = zeroForOne
      ? [this.pool.token0.address, this.pool.token1.address]
      : [this.pool.token1.address, this.pool.token0.address];
    const quote = await this.quoteExactInput(zeroForOne, amountIn);
    const minOut = opts.minOut ?? this.#minOf(quote);
    const deadline = await this.#deadline();
    const recipient = this.client.address;
    const label = `swap ${zeroForOne ? "0->1" : "1->0"} ${amountIn}`;
    let call: TxCall;
    if (this.chain.routerKind === "swap_router") {
      call = {
        address: this.chain.swapRouter,
        abi: SWAP_ROUTER_ABI,
        functionName: "exactInputSingle",
        args: [{
          tokenIn: tIn,
          tokenOut: tOut,
          fee: this.pool.fee,
          recipient,
          deadline,
          amountIn,
          amountOutMinimum: minOut,
          sqrtPriceLimitX96: 0n,
        }],
        label,
      };
    } else {
      const inner = encodeFunctionData({
        abi: SWAP_ROUTER02_ABI,
        functionName: "exactInputSingle",
        args: [{
          tokenIn: tIn,
          tokenOut: tOut,
          fee: this.pool.fee,
          recipient,
          amountIn,
          amountOutMinimum: minOut,
          sqrtPriceLimitX96: 0n,
        }],
      });
      call = {
        address: this.chain.swapRouter,
        abi: SWAP_ROUTER02_ABI,
        functionName: "multicall",
        args: [deadline, [inner]],
        label,
      };
    }
    return { call, expected: { zeroForOne, amountIn, quote, minOut } };
  }

  /** Reads our swap's amounts from the pool's Swap event in the receipt. */
  parseSwap(receipt: TxReceipt): SwapResultLive {
    const logs = receipt.logs.filter((l) => getAddress(l.address) === this.pool.address);
    const ev = parseEventLogs({ abi: POOL_ABI, logs, eventName: "Swap" }) as unknown as Array<
      { args: { amount0: bigint; amount1: bigint } }
    >;
    if (ev.length !== 1) throw new Error(`expected one Swap of our pool in ${receipt.hash}`);
    const { amount0, amount1 } = ev[0].args;
    const zeroForOne = amount0 > 0n;
    return {
      zeroForOne,
      amountIn: zeroForOne ? amount0 : amount1,
      amountOut: zeroForOne ? -amount1 : -amount0,
    };
  }

  /** Swaps exact input (approving the router first when needed). */
  async swapExactInput(
    zeroForOne: boolean,
    amountIn: bigint,
    opts: { minOut?: bigint } = {},
  ): Promise<SwapResultLive & { receipt: TxReceipt }> {
    const token = zeroForOne ? this.pool.token0.address : this.pool.token1.address;
    await this.client.ensureAllowance(token, this.chain.swapRouter, amountIn);
    const b = await this.buildSwap(zeroForOne, amountIn, opts);
    const receipt = await this.client.send(b.call);
    return { ...this.parseSwap(receipt), receipt };
  }

  #events(logs: Log[], eventName: string): unknown[] {
    const mine = logs.filter((l) => getAddress(l.address) === this.chain.positionManager);
    return (parseEventLogs({
      abi: POSITION_MANAGER_ABI,
      logs: mine,
      eventName,
    }) as unknown as Array<
      { args: unknown }
    >).map((e) => e.args);
  }
}

/** Reads a pool's tokens (with metadata), fee and tick spacing. */
export async function readPoolInfo(client: ChainClient, pool: Address): Promise<PoolInfo> {
  const a = getAddress(pool);
  const [t0, t1, fee, spacing] = await Promise.all([
    client.read<Address>(a, POOL_ABI, "token0"),
    client.read<Address>(a, POOL_ABI, "token1"),
    client.read<number>(a, POOL_ABI, "fee"),
    client.read<number>(a, POOL_ABI, "tickSpacing"),
  ]);
  const [token0, token1] = await Promise.all([client.token(t0), client.token(t1)]);
  return { address: a, token0, token1, fee: Number(fee), tickSpacing: Number(spacing) };
}
