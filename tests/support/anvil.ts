/**
 * Local-chain harness for live-path tests: starts an `anvil` node, deploys the
 * real Uniswap V3 contracts from their npm artifacts (WETH9, two test tokens,
 * UniswapV3Factory, NonfungiblePositionManager, SwapRouter, QuoterV2) and
 * drives pools directly through a tiny callee contract, reading every result
 * from the pool's own event logs and storage.
 *
 * - {@link startAnvil} spawns the binary installed by `deno task setup`
 *   (`config/node-tools`) on a free loopback port and returns
 *   {@link AnvilInstance} with viem clients; `stop()` kills it and awaits the
 *   exit. Every live instance is killed on process unload and on SIGINT/SIGTERM,
 *   so a failing test leaves no orphan node (tests still call `stop()` in
 *   `finally`, or use `await using`).
 * - {@link deployUniswapV3} deploys the contracts and funds a few
 *   {@link POOL_CALLER_RUNTIME PoolCaller} contracts with both tokens.
 *   {@link UniswapV3Deployment.createPool} returns a {@link PoolHandle} with
 *   mint / burn / collect / swap helpers (exact amounts from the events) and
 *   readers for slot0, liquidity, fee growth, ticks, positions and a whole
 *   {@link PoolSnapshot}.
 *
 * Why a callee rather than the router: `UniswapV3Pool.mint` / `swap` call back
 * `uniswapV3MintCallback` / `uniswapV3SwapCallback` on `msg.sender`. The
 * PoolCaller (hand-assembled below, 195 bytes, no compiler needed) forwards any
 * call to a pool and pays whatever the callback asks, so a test can run exact
 * input or exact output swaps with any price limit, and partial fills at the
 * limit, exactly as the pool itself defines them; SwapRouter's
 * `exactOutputSingle` would revert on a partial fill. The periphery contracts
 * are deployed too, for tests of the position manager and router paths
 * ({@link PoolHandle.mintWithPositionManager}, {@link PoolHandle.routerExactInputSingle}).
 *
 * @example
 * ```ts
 * const anvil = await startAnvil();
 * try {
 *   const uni = await deployUniswapV3(anvil);
 *   const pool = await uni.createPool(3000, 2n ** 96n);
 *   await pool.mintPosition({ tickLower: -600, tickUpper: 600, liquidity: 10n ** 18n });
 *   const swap = await pool.swapExactInput(true, 10n ** 15n);
 *   console.log(swap.amount0, swap.amount1, await pool.readPoolState());
 * } finally {
 *   await anvil.stop();
 * }
 * ```
 * @module
 */
import {
  type Abi,
  type Address,
  type Chain,
  concat,
  createPublicClient,
  createWalletClient,
  decodeFunctionResult,
  defineChain,
  encodeAbiParameters,
  encodeDeployData,
  encodeFunctionData,
  encodePacked,
  getAddress,
  getCreate2Address,
  type Hex,
  http,
  keccak256,
  type Log,
  numberToHex,
  pad,
  parseEventLogs,
  type PublicClient,
  toHex,
  type WalletClient,
} from "viem";
import factoryArtifact from "@uniswap/v3-core/artifacts/contracts/UniswapV3Factory.sol/UniswapV3Factory.json" with {
  type: "json",
};
import poolArtifact from "@uniswap/v3-core/artifacts/contracts/UniswapV3Pool.sol/UniswapV3Pool.json" with {
  type: "json",
};
import npmArtifact from "@uniswap/v3-periphery/artifacts/contracts/NonfungiblePositionManager.sol/NonfungiblePositionManager.json" with {
  type: "json",
};
import routerArtifact from "@uniswap/v3-periphery/artifacts/contracts/SwapRouter.sol/SwapRouter.json" with {
  type: "json",
};
import quoterV2Artifact from "@uniswap/v3-periphery/artifacts/contracts/lens/QuoterV2.sol/QuoterV2.json" with {
  type: "json",
};
import weth9Artifact from "canonical-weth/build/contracts/WETH9.json" with { type: "json" };
import type { PoolSnapshot, PositionInfo, TickInfo, TokenAmounts } from "../../core-wasm/types.ts";

// ---------------------------------------------------------------------------
// Artifacts (ABIs and bytecode come from the npm packages, never pasted)

/** ABI + creation bytecode of a contract. */
export interface Artifact {
  abi: Abi;
  bytecode: Hex;
}

function artifact(json: { abi: unknown; bytecode: string }): Artifact {
  return { abi: json.abi as Abi, bytecode: json.bytecode as Hex };
}

/** The artifacts the harness deploys, exported for tests that call them directly. */
export const artifacts = {
  factory: artifact(factoryArtifact),
  pool: artifact(poolArtifact),
  positionManager: artifact(npmArtifact),
  swapRouter: artifact(routerArtifact),
  quoterV2: artifact(quoterV2Artifact),
  weth9: artifact(weth9Artifact),
} as const;

/** `PoolAddress.POOL_INIT_CODE_HASH` hard-coded in v3-periphery 1.4.4. */
export const PERIPHERY_POOL_INIT_CODE_HASH: Hex =
  "0xe34f199b19b2b4f47f68442619d555527d244f78a3297ea89325f843f87b8b54";

/** keccak256 of the npm v3-core pool creation code (what the factory CREATE2s). */
export const POOL_INIT_CODE_HASH: Hex = keccak256(artifacts.pool.bytecode);

/** TickMath.MIN_SQRT_RATIO. */
export const MIN_SQRT_RATIO = 4295128739n;
/** TickMath.MAX_SQRT_RATIO. */
export const MAX_SQRT_RATIO = 1461446703485210103287273052203988822378723970342n;
/** TickMath.MIN_TICK / MAX_TICK. */
export const MIN_TICK = -887272;
export const MAX_TICK = 887272;
const MAX_UINT128 = (1n << 128n) - 1n;

/** Default anvil mnemonic (accounts are deterministic). */
export const ANVIL_MNEMONIC = "test test test test test test test test test test test junk";

// ---------------------------------------------------------------------------
// anvil process

/** Options of {@link startAnvil}. */
export interface StartAnvilOptions {
  /** Path of the anvil binary; default: the one `deno task setup` installs. */
  binary?: string;
  /** EVM hardfork; default "cancun" (0.7.6 bytecode runs unchanged on any later fork). */
  hardfork?: string;
  /** Chain id; default 31337. */
  chainId?: number;
  /** Number of funded dev accounts; default 4. */
  accounts?: number;
  /** Balance of each dev account in ETH; default 10^12. */
  balanceEth?: bigint;
  /** Block gas limit; default 1e9. */
  gasLimit?: bigint;
  /** Mnemonic of the dev accounts; default {@link ANVIL_MNEMONIC}. */
  mnemonic?: string;
  /** Extra command-line arguments (e.g. `["--fork-url", url]`, `["--block-time", "1"]`). */
  extraArgs?: string[];
  /** How long to wait for JSON-RPC to answer; default 20 s. */
  startTimeoutMs?: number;
}

/** Clients and facts about a local chain: what {@link deployUniswapV3} needs. */
export interface LocalChain {
  rpcUrl: string;
  chain: Chain;
  /** Unlocked dev accounts, checksummed. */
  accounts: Address[];
  /** HTTP public client; concurrent requests are batched into one JSON-RPC call. */
  publicClient: PublicClient;
  /** Wallet client using the node's unlocked account `accounts[0]`. */
  walletClient: WalletClient;
  /** Raw JSON-RPC request (anvil_* / evm_* cheat codes included). */
  rpc<T = unknown>(method: string, params?: unknown[]): Promise<T>;
}

/** A running anvil node. */
export interface AnvilInstance extends LocalChain {
  port: number;
  /** The child's pid. */
  pid: number;
  /** Kills the node and awaits its exit; idempotent. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

function defaultAnvilBinary(): string {
  const arch = Deno.build.arch === "aarch64" ? "arm64" : "amd64";
  const os = Deno.build.os === "darwin" ? "darwin" : "linux";
  const url = new URL(
    `../../config/node-tools/node_modules/@foundry-rs/anvil-${os}-${arch}/bin/anvil`,
    import.meta.url,
  );
  return url.pathname;
}

const liveChildren = new Set<Deno.ChildProcess>();
let unloadHooked = false;
let signalHandler: (() => void) | undefined;

function killAllLive(): void {
  for (const child of liveChildren) {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }
}

function trackChild(child: Deno.ChildProcess): void {
  liveChildren.add(child);
  if (!unloadHooked) {
    unloadHooked = true;
    globalThis.addEventListener("unload", killAllLive);
  }
  if (!signalHandler) {
    signalHandler = () => {
      killAllLive();
      Deno.exit(130);
    };
    Deno.addSignalListener("SIGINT", signalHandler);
    Deno.addSignalListener("SIGTERM", signalHandler);
  }
}

function untrackChild(child: Deno.ChildProcess): void {
  liveChildren.delete(child);
  if (liveChildren.size === 0 && signalHandler) {
    Deno.removeSignalListener("SIGINT", signalHandler);
    Deno.removeSignalListener("SIGTERM", signalHandler);
    signalHandler = undefined;
  }
}

/** A free TCP port on 127.0.0.1 (bind port 0, read it, close). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

let rpcId = 0;

function rpcError(method: string, error: { message: string; data?: unknown }): Error {
  const err = new Error(`${method}: ${error.message}`) as Error & { data?: unknown };
  err.data = error.data;
  return err;
}

async function rawRpc<T>(rpcUrl: string, method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: ++rpcId, method, params }),
  });
  const body = await res.json();
  if (body.error) throw rpcError(method, body.error);
  return body.result as T;
}

/**
 * A JSON-RPC function that sends the requests issued in the same tick as one
 * batch (so `Promise.all` of many reads costs one HTTP round trip).
 */
function batchingRpc(rpcUrl: string): <T>(method: string, params?: unknown[]) => Promise<T> {
  type Pending = {
    id: number;
    method: string;
    params: unknown[];
    resolve: (v: unknown) => void;
    reject: (e: unknown) => void;
  };
  let queue: Pending[] = [];
  const flush = async () => {
    const batch = queue;
    queue = [];
    try {
      const res = await fetch(rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(
          batch.map((p) => ({ jsonrpc: "2.0", id: p.id, method: p.method, params: p.params })),
        ),
      });
      const bodies = await res.json() as Array<
        { id: number; result?: unknown; error?: { message: string; data?: unknown } }
      >;
      const byId = new Map(bodies.map((b) => [b.id, b]));
      for (const p of batch) {
        const b = byId.get(p.id);
        if (!b) p.reject(new Error(`${p.method}: no response in batch`));
        else if (b.error) p.reject(rpcError(p.method, b.error));
        else p.resolve(b.result);
      }
    } catch (e) {
      for (const p of batch) p.reject(e);
    }
  };
  return <T>(method: string, params: unknown[] = []) =>
    new Promise<T>((resolve, reject) => {
      if (queue.length === 0) queueMicrotask(() => void flush());
      queue.push({ id: ++rpcId, method, params, resolve: resolve as (v: unknown) => void, reject });
    });
}

/**
 * Starts anvil on a free 127.0.0.1 port and waits (bounded) until it answers
 * `eth_chainId`. Throws with anvil's stderr when it exits or does not answer
 * in time. Callers must `await stop()` (in `finally`) or `await using` it.
 */
export async function startAnvil(opts: StartAnvilOptions = {}): Promise<AnvilInstance> {
  let lastError: unknown;
  // The port can be taken between probing and anvil's bind: retry a few times.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startAnvilOnce(opts, freePort());
    } catch (e) {
      lastError = e;
      if (!String(e).includes("in use")) throw e;
    }
  }
  throw lastError;
}

async function startAnvilOnce(opts: StartAnvilOptions, port: number): Promise<AnvilInstance> {
  const binary = opts.binary ?? defaultAnvilBinary();
  try {
    await Deno.stat(binary);
  } catch {
    throw new Error(`anvil binary not found at ${binary}: run 'deno task setup'`);
  }
  const chainId = opts.chainId ?? 31337;
  const args = [
    "--host",
    "127.0.0.1",
    "--port",
    String(port),
    "--silent",
    "--chain-id",
    String(chainId),
    "--mnemonic",
    opts.mnemonic ?? ANVIL_MNEMONIC,
    "--accounts",
    String(opts.accounts ?? 4),
    "--balance",
    String(opts.balanceEth ?? 10n ** 12n),
    "--hardfork",
    opts.hardfork ?? "cancun",
    "--gas-limit",
    String(opts.gasLimit ?? 1_000_000_000n),
    // Keep the last 512 states in memory only (the rebalancer reads state at
    // recent block numbers). Otherwise anvil writes past states under
    // ~/.foundry/anvil/tmp (about 0.3 GB per test run, up to 8 GB for the
    // downloader bench), and a killed anvil never deletes them: 264 runs
    // filled this machine's 250 GB disk.
    "--prune-history",
    "512",
    ...(opts.extraArgs ?? []),
  ];
  const child = new Deno.Command(binary, {
    args,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  trackChild(child);

  // Drain stderr continuously (keeps the pipe from filling; kept for error messages).
  let stderrText = "";
  const decoder = new TextDecoder();
  const stderrDone = (async () => {
    try {
      for await (const chunk of child.stderr) {
        stderrText += decoder.decode(chunk, { stream: true });
        if (stderrText.length > 64_000) stderrText = stderrText.slice(-32_000);
      }
    } catch { /* closed */ }
  })();
  let exited = false;
  const statusPromise = child.status.then((s) => {
    exited = true;
    return s;
  });

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) {
      await statusPromise;
      return;
    }
    stopped = true;
    if (!exited) {
      try {
        child.kill("SIGKILL");
      } catch { /* already exited */ }
    }
    await statusPromise;
    await stderrDone;
    untrackChild(child);
  };

  const rpcUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.startTimeoutMs ?? 20_000);
  let lastErr: unknown;
  for (;;) {
    if (exited) {
      const status = await statusPromise;
      await stop();
      throw new Error(
        `anvil exited with code ${status.code} before answering on ${rpcUrl}:\n${stderrText}`,
      );
    }
    try {
      const id = await rawRpc<string>(rpcUrl, "eth_chainId");
      if (Number(id) === chainId) break;
      lastErr = new Error(`unexpected chain id ${id}`);
    } catch (e) {
      lastErr = e;
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `anvil did not answer on ${rpcUrl} within ${opts.startTimeoutMs ?? 20_000} ms ` +
          `(last error: ${lastErr}); stderr:\n${stderrText}`,
      );
    }
    await new Promise((r) => setTimeout(r, 40));
  }

  const chain = anvilChain(rpcUrl, chainId);
  const accounts = (await rawRpc<string[]>(rpcUrl, "eth_accounts")).map((a) => getAddress(a));
  const publicClient = createPublicClient({
    chain,
    transport: http(rpcUrl, { batch: { batchSize: 200, wait: 0 }, retryCount: 0 }),
    pollingInterval: 20,
  }) as PublicClient;
  const walletClient = createWalletClient({
    chain,
    account: accounts[0],
    transport: http(rpcUrl, { retryCount: 0 }),
  });
  return {
    rpcUrl,
    port,
    pid: child.pid,
    chain,
    accounts,
    publicClient,
    walletClient,
    rpc: batchingRpc(rpcUrl),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/** A viem chain definition for a local node. */
export function anvilChain(rpcUrl: string, chainId = 31337): Chain {
  return defineChain({
    id: chainId,
    name: "anvil",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
    testnet: true,
  });
}

// ---------------------------------------------------------------------------
// Transactions

/** A mined transaction's receipt (only the fields the harness uses). */
export interface MinedReceipt {
  transactionHash: Hex;
  blockNumber: bigint;
  gasUsed: bigint;
  contractAddress: Address | null;
  logs: Log[];
}

interface RpcReceipt {
  transactionHash: Hex;
  blockNumber: Hex;
  gasUsed: Hex;
  status: Hex;
  contractAddress: Address | null;
  logs: Log[];
}

/** Per-transaction gas limit used by the harness (skips estimation). */
export const TX_GAS = 15_000_000n;

/**
 * Sends a transaction from an unlocked account with `eth_sendTransaction`
 * (fixed gas, no estimation), waits for its receipt and throws with the
 * revert reason (replayed with `eth_call`) when it reverted.
 */
export async function sendTransaction(
  chain: LocalChain,
  tx: { from?: Address; to?: Address; data?: Hex; value?: bigint; gas?: bigint },
): Promise<MinedReceipt> {
  const request: Record<string, string> = {
    from: tx.from ?? chain.accounts[0],
    gas: numberToHex(tx.gas ?? TX_GAS),
  };
  if (tx.to) request.to = tx.to;
  if (tx.data) request.data = tx.data;
  if (tx.value) request.value = numberToHex(tx.value);
  const hash = await chain.rpc<Hex>("eth_sendTransaction", [request]);
  let receipt: RpcReceipt | null = null;
  for (let i = 0; i < 2000 && !receipt; i++) {
    receipt = await chain.rpc<RpcReceipt | null>("eth_getTransactionReceipt", [hash]);
    if (!receipt) await new Promise((r) => setTimeout(r, 5));
  }
  if (!receipt) throw new Error(`transaction ${hash} was not mined within ~10 s`);
  const blockNumber = BigInt(receipt.blockNumber);
  if (BigInt(receipt.status) !== 1n) {
    let reason = "unknown";
    try {
      await chain.rpc("eth_call", [request, numberToHex(blockNumber - 1n)]);
      reason = "eth_call replay did not revert";
    } catch (e) {
      reason = (e as Error).message;
    }
    throw new Error(`transaction ${hash} reverted (to ${tx.to ?? "create"}): ${reason}`);
  }
  return {
    transactionHash: receipt.transactionHash,
    blockNumber,
    gasUsed: BigInt(receipt.gasUsed),
    contractAddress: receipt.contractAddress ? getAddress(receipt.contractAddress) : null,
    logs: receipt.logs.map((l) => ({
      ...l,
      blockNumber: BigInt(l.blockNumber as unknown as Hex),
      logIndex: Number(l.logIndex),
      transactionIndex: Number(l.transactionIndex),
    })) as Log[],
  };
}

/** Deploys creation code (already including constructor args); returns the address. */
export async function deployBytecode(
  chain: LocalChain,
  data: Hex,
  from?: Address,
): Promise<Address> {
  const receipt = await sendTransaction(chain, { from, data });
  if (!receipt.contractAddress) throw new Error("deployment returned no contract address");
  return receipt.contractAddress;
}

/** Deploys an artifact with constructor arguments. */
export function deployArtifact(
  chain: LocalChain,
  art: Artifact,
  args: readonly unknown[] = [],
  from?: Address,
): Promise<Address> {
  const data = encodeDeployData({ abi: art.abi, bytecode: art.bytecode, args });
  return deployBytecode(chain, data, from);
}

/** `eth_call` of a function with an ABI; decoded result. */
export async function readContract<T = unknown>(
  chain: LocalChain,
  address: Address,
  abi: Abi,
  functionName: string,
  args: readonly unknown[] = [],
  blockNumber?: bigint,
): Promise<T> {
  const data = encodeFunctionData({ abi, functionName, args });
  const block = blockNumber === undefined ? "latest" : numberToHex(blockNumber);
  const out = await chain.rpc<Hex>("eth_call", [{ to: address, data }, block]);
  return decodeFunctionResult({ abi, functionName, data: out }) as T;
}

/** Sends a state-changing call of a function with an ABI. */
export function writeContract(
  chain: LocalChain,
  address: Address,
  abi: Abi,
  functionName: string,
  args: readonly unknown[] = [],
  opts: { from?: Address; value?: bigint } = {},
): Promise<MinedReceipt> {
  const data = encodeFunctionData({ abi, functionName, args });
  return sendTransaction(chain, { to: address, data, from: opts.from, value: opts.value });
}

// ---------------------------------------------------------------------------
// PoolCaller: a hand-assembled callee contract

type AsmItem = string | { push: bigint | number; bytes: number } | { label: string } | {
  ref: string;
};

const OPCODES: Record<string, number> = {
  STOP: 0x00,
  ADD: 0x01,
  SUB: 0x03,
  EQ: 0x14,
  ISZERO: 0x15,
  SGT: 0x13,
  SHL: 0x1b,
  SHR: 0x1c,
  CALLER: 0x33,
  CALLDATALOAD: 0x35,
  CALLDATASIZE: 0x36,
  CALLDATACOPY: 0x37,
  CODECOPY: 0x39,
  RETURNDATASIZE: 0x3d,
  RETURNDATACOPY: 0x3e,
  POP: 0x50,
  MSTORE: 0x52,
  JUMPI: 0x57,
  GAS: 0x5a,
  JUMPDEST: 0x5b,
  DUP1: 0x80,
  DUP3: 0x82,
  CALL: 0xf1,
  RETURN: 0xf3,
  REVERT: 0xfd,
};

/** A minimal two-pass EVM assembler: opcodes, PUSHn literals, labels (PUSH2 refs). */
function assemble(items: AsmItem[]): Hex {
  const size = (it: AsmItem) =>
    typeof it === "string" ? 1 : "push" in it ? 1 + it.bytes : "ref" in it ? 3 : 1;
  const labels = new Map<string, number>();
  let pc = 0;
  for (const it of items) {
    if (typeof it === "object" && "label" in it) labels.set(it.label, pc);
    pc += size(it);
  }
  const out: number[] = [];
  const pushBytes = (value: bigint, bytes: number) => {
    out.push(0x5f + bytes);
    for (let i = bytes - 1; i >= 0; i--) out.push(Number((value >> BigInt(8 * i)) & 0xffn));
  };
  for (const it of items) {
    if (typeof it === "string") {
      const op = OPCODES[it];
      if (op === undefined) throw new Error(`unknown opcode ${it}`);
      out.push(op);
    } else if ("push" in it) {
      pushBytes(BigInt(it.push), it.bytes);
    } else if ("ref" in it) {
      const target = labels.get(it.ref);
      if (target === undefined) throw new Error(`unknown label ${it.ref}`);
      pushBytes(BigInt(target), 2);
    } else {
      out.push(OPCODES.JUMPDEST);
    }
  }
  return toHex(new Uint8Array(out));
}

const p1 = (v: number) => ({ push: v, bytes: 1 });

/** Pays token `i` (address in the callback data) the callback's amount `i` if it is > 0. */
function payIfPositive(i: 0 | 1): AsmItem[] {
  const amountAt = 4 + 32 * i; // amount0Delta / amount1Delta word
  return [
    p1(0),
    p1(amountAt),
    "CALLDATALOAD",
    "SGT", // amount > 0 (signed)
    "ISZERO",
    { ref: `skip${i}` },
    "JUMPI",
    // mem[0..68] = transfer(msg.sender, amount)
    { push: 0xa9059cbb, bytes: 4 },
    p1(0xe0),
    "SHL",
    p1(0),
    "MSTORE",
    "CALLER",
    p1(4),
    "MSTORE",
    p1(amountAt),
    "CALLDATALOAD",
    p1(0x24),
    "MSTORE",
    // call(gas, token_i, 0, 0, 68, 0, 0); token_i = calldata[data.offset + 0x24 + 32 i]
    p1(0),
    p1(0),
    p1(0x44),
    p1(0),
    p1(0),
    p1(0x44),
    "CALLDATALOAD",
    p1(0x24 + 32 * i),
    "ADD",
    "CALLDATALOAD",
    "GAS",
    "CALL",
    "ISZERO",
    { ref: "fail" },
    "JUMPI",
    { label: `skip${i}` },
  ];
}

/**
 * Runtime code of PoolCaller, a 195-byte callee contract:
 *
 * - `uniswapV3MintCallback(uint256,uint256,bytes)` and
 *   `uniswapV3SwapCallback(int256,int256,bytes)`: for each amount > 0, calls
 *   `transfer(msg.sender, amount)` on the token whose address is word 0 / 1 of
 *   the callback `data` (the harness passes `abi.encode(token0, token1)`);
 *   reverts if a transfer fails. Anyone may call it: a test contract only.
 * - any other calldata `abi.encodePacked(uint256(target), payload)`: calls
 *   `target` with `payload` and returns (or reverts with) its return data.
 *
 * The contract is therefore `msg.sender` of `pool.mint/burn/collect/swap`, owns
 * the positions it burns and collects, and holds the tokens it pays with.
 */
export const POOL_CALLER_RUNTIME: Hex = assemble([
  p1(0),
  "CALLDATALOAD",
  p1(0xe0),
  "SHR",
  "DUP1",
  { push: 0xd3487997, bytes: 4 }, // uniswapV3MintCallback(uint256,uint256,bytes)
  "EQ",
  { ref: "callback" },
  "JUMPI",
  "DUP1",
  { push: 0xfa461e33, bytes: 4 }, // uniswapV3SwapCallback(int256,int256,bytes)
  "EQ",
  { ref: "callback" },
  "JUMPI",
  // forward: copy calldata[32..] to memory 0 and call the target in word 0
  "POP",
  p1(32),
  "CALLDATASIZE",
  "SUB", // len
  "DUP1",
  p1(32),
  p1(0),
  "CALLDATACOPY", // mem[0..len] = calldata[32..]
  p1(0),
  p1(0),
  "DUP3",
  p1(0),
  p1(0),
  p1(0),
  "CALLDATALOAD",
  "GAS",
  "CALL",
  "RETURNDATASIZE",
  p1(0),
  p1(0),
  "RETURNDATACOPY",
  { ref: "ok" },
  "JUMPI",
  "RETURNDATASIZE",
  p1(0),
  "REVERT",
  { label: "ok" },
  "RETURNDATASIZE",
  p1(0),
  "RETURN",
  { label: "callback" },
  "POP",
  ...payIfPositive(0),
  ...payIfPositive(1),
  "STOP",
  { label: "fail" },
  p1(0),
  p1(0),
  "REVERT",
]);

/** Creation code of PoolCaller: copies {@link POOL_CALLER_RUNTIME} and returns it. */
export function poolCallerCreationCode(): Hex {
  const runtimeLen = (POOL_CALLER_RUNTIME.length - 2) / 2;
  if (runtimeLen > 255) throw new Error("PoolCaller runtime too long for the 1-byte init code");
  const init = assemble([
    p1(runtimeLen),
    "DUP1",
    p1(11), // length of this init code
    p1(0),
    "CODECOPY",
    p1(0),
    "RETURN",
  ]);
  return concat([init, POOL_CALLER_RUNTIME]);
}

// ---------------------------------------------------------------------------
// Uniswap V3 deployment

/** Pool state read from chain: slot0, liquidity, fee growth, protocol fees. */
export interface ChainPoolState {
  sqrtPriceX96: bigint;
  tick: number;
  feeProtocol: number;
  unlocked: boolean;
  liquidity: bigint;
  feeGrowthGlobal0X128: bigint;
  feeGrowthGlobal1X128: bigint;
  protocolFees0: bigint;
  protocolFees1: bigint;
}

/** Pool-side amounts and the post-swap state, from the pool's `Swap` event. */
export interface SwapEventResult extends TokenAmounts {
  sqrtPriceX96: bigint;
  liquidity: bigint;
  tick: number;
  transactionHash: Hex;
  blockNumber: bigint;
  gasUsed: bigint;
}

/** A position to mint directly on the pool. */
export interface MintParams {
  tickLower: number;
  tickUpper: number;
  liquidity: bigint;
  /** Position owner (the pool's `recipient`); default the first PoolCaller. */
  owner?: Address;
  /** Which PoolCaller pays (msg.sender); default the first. */
  payer?: Address;
}

/** A Uniswap V3 pool deployed by {@link deployUniswapV3}. */
export interface PoolHandle {
  readonly address: Address;
  readonly fee: number;
  readonly tickSpacing: number;
  readonly token0: Address;
  readonly token1: Address;
  /** `pool.mint` through a PoolCaller; amounts from the `Mint` event (what the pool pulled). */
  mintPosition(params: MintParams): Promise<TokenAmounts & { owner: Address }>;
  /**
   * Mints by token amounts through NonfungiblePositionManager (the periphery
   * computes the pool address from the init code hash); the position's owner
   * in the pool is the manager. Returns the NFT id and what `mint` returned.
   */
  mintWithPositionManager(params: {
    tickLower: number;
    tickUpper: number;
    amount0Desired: bigint;
    amount1Desired: bigint;
    recipient?: Address;
  }): Promise<TokenAmounts & { tokenId: bigint; liquidity: bigint }>;
  /** `pool.burn` by `owner` (a PoolCaller); amounts credited to tokensOwed, from the `Burn` event. */
  burn(owner: Address, tickLower: number, tickUpper: number, amount: bigint): Promise<TokenAmounts>;
  /** `pool.collect` by `owner` (a PoolCaller) to itself; amounts from the `Collect` event. */
  collect(
    owner: Address,
    tickLower: number,
    tickUpper: number,
    amount0Requested?: bigint,
    amount1Requested?: bigint,
  ): Promise<TokenAmounts>;
  /**
   * `pool.swap` through a PoolCaller: amountSpecified > 0 exact input, < 0
   * exact output; the limit defaults to MIN_SQRT_RATIO+1 / MAX_SQRT_RATIO-1.
   */
  swap(
    zeroForOne: boolean,
    amountSpecified: bigint,
    sqrtPriceLimitX96?: bigint,
    payer?: Address,
  ): Promise<SwapEventResult>;
  swapExactInput(
    zeroForOne: boolean,
    amountIn: bigint,
    sqrtPriceLimitX96?: bigint,
  ): Promise<SwapEventResult>;
  swapExactOutput(
    zeroForOne: boolean,
    amountOut: bigint,
    sqrtPriceLimitX96?: bigint,
  ): Promise<SwapEventResult>;
  /** SwapRouter.exactInputSingle from the deployer (approves the router first). */
  routerExactInputSingle(
    zeroForOne: boolean,
    amountIn: bigint,
    sqrtPriceLimitX96?: bigint,
  ): Promise<SwapEventResult>;
  /** QuoterV2.quoteExactInputSingle (eth_call). */
  quoteExactInputSingle(
    zeroForOne: boolean,
    amountIn: bigint,
    sqrtPriceLimitX96?: bigint,
  ): Promise<{ amountOut: bigint; sqrtPriceX96After: bigint; initializedTicksCrossed: number }>;
  /** Owner-only `setFeeProtocol` (the deployer owns the factory). */
  setFeeProtocol(feeProtocol0: number, feeProtocol1: number): Promise<void>;
  readPoolState(blockNumber?: bigint): Promise<ChainPoolState>;
  readTick(tick: number, blockNumber?: bigint): Promise<TickInfo>;
  readPosition(owner: Address, tickLower: number, tickUpper: number): Promise<PositionInfo>;
  /** Every initialized tick, ascending, from the tick bitmap. */
  initializedTicks(): Promise<number[]>;
  /** The whole pool state; positions are the given keys (the chain cannot enumerate them). */
  snapshot(
    positions: Array<{ owner: Address; tickLower: number; tickUpper: number }>,
  ): Promise<PoolSnapshot>;
}

/** Addresses and helpers of a deployed Uniswap V3. */
export interface UniswapV3Deployment {
  chain: LocalChain;
  deployer: Address;
  weth9: Address;
  /** token0 < token1 (both WETH9 instances, any ERC20 would do). */
  token0: Address;
  token1: Address;
  factory: Address;
  positionManager: Address;
  swapRouter: Address;
  quoterV2: Address;
  /** PoolCaller contracts, funded with both tokens; usable as position owners. */
  callers: Address[];
  /** keccak256 of the pool creation code the factory uses. */
  poolInitCodeHash: Hex;
  /** The CREATE2 address the periphery computes (PoolAddress library). */
  computePoolAddress(fee: number): Address;
  /** Owner-only factory.enableFeeAmount (e.g. 100 / 1, not enabled by default). */
  enableFeeAmount(fee: number, tickSpacing: number): Promise<void>;
  /** factory.createPool + pool.initialize; checks getPool against the periphery's address. */
  createPool(fee: number, sqrtPriceX96: bigint): Promise<PoolHandle>;
  /** A handle for an existing pool of token0/token1. */
  poolAt(address: Address): Promise<PoolHandle>;
  /** Wraps ETH into both tokens and transfers them to `to`. */
  fund(to: Address, amount: bigint): Promise<void>;
}

/** Options of {@link deployUniswapV3}. */
export interface DeployOptions {
  /** Number of funded PoolCaller contracts; default 3. */
  callers?: number;
  /** Amount of each token each PoolCaller and the deployer get; default 2^125. */
  fundAmount?: bigint;
}

const UINT_MAX = (1n << 256n) - 1n;

/**
 * Deploys WETH9, two test tokens (WETH9 instances sorted so token0 < token1),
 * UniswapV3Factory, NonfungiblePositionManager (descriptor: any address, only
 * `tokenURI` would use it), SwapRouter, QuoterV2 and funded PoolCallers.
 */
export async function deployUniswapV3(
  chain: LocalChain,
  opts: DeployOptions = {},
): Promise<UniswapV3Deployment> {
  const deployer = chain.accounts[0];
  const fundAmount = opts.fundAmount ?? 1n << 125n;
  const nCallers = opts.callers ?? 3;
  // Enough ETH to wrap everything (the deployer keeps a share too).
  await chain.rpc("anvil_setBalance", [deployer, numberToHex(1n << 250n)]);

  const weth9 = await deployArtifact(chain, artifacts.weth9);
  const tA = await deployArtifact(chain, artifacts.weth9);
  const tB = await deployArtifact(chain, artifacts.weth9);
  const [token0, token1] = BigInt(tA) < BigInt(tB) ? [tA, tB] : [tB, tA];
  const factory = await deployArtifact(chain, artifacts.factory);
  const descriptor = getAddress("0x000000000000000000000000000000000000dEaD");
  const positionManager = await deployArtifact(chain, artifacts.positionManager, [
    factory,
    weth9,
    descriptor,
  ]);
  const swapRouter = await deployArtifact(chain, artifacts.swapRouter, [factory, weth9]);
  const quoterV2 = await deployArtifact(chain, artifacts.quoterV2, [factory, weth9]);
  const callers: Address[] = [];
  for (let i = 0; i < nCallers; i++) {
    callers.push(await deployBytecode(chain, poolCallerCreationCode()));
  }

  const erc20 = artifacts.weth9.abi;
  // anvil rejects a transaction value >= 2^128 ("insufficient funds"): wrap in chunks.
  const wrap = async (token: Address, amount: bigint) => {
    for (let left = amount; left > 0n;) {
      const value = left < 1n << 126n ? left : 1n << 126n;
      await writeContract(chain, token, erc20, "deposit", [], { value });
      left -= value;
    }
  };
  const fund = async (to: Address, amount: bigint) => {
    for (const token of [token0, token1]) {
      await wrap(token, amount);
      await writeContract(chain, token, erc20, "transfer", [to, amount]);
    }
  };
  for (const c of callers) await fund(c, fundAmount);
  for (const token of [token0, token1]) {
    await wrap(token, fundAmount);
    await writeContract(chain, token, erc20, "approve", [positionManager, UINT_MAX]);
    await writeContract(chain, token, erc20, "approve", [swapRouter, UINT_MAX]);
  }

  const poolInitCodeHash = POOL_INIT_CODE_HASH;
  const computePoolAddress = (fee: number) =>
    getCreate2Address({
      from: factory,
      salt: keccak256(
        encodeAbiParameters([{ type: "address" }, { type: "address" }, { type: "uint24" }], [
          token0,
          token1,
          fee,
        ]),
      ),
      bytecodeHash: PERIPHERY_POOL_INIT_CODE_HASH,
    });

  const deployment: UniswapV3Deployment = {
    chain,
    deployer,
    weth9,
    token0,
    token1,
    factory,
    positionManager,
    swapRouter,
    quoterV2,
    callers,
    poolInitCodeHash,
    computePoolAddress,
    fund,
    enableFeeAmount: async (fee, tickSpacing) => {
      await writeContract(chain, factory, artifacts.factory.abi, "enableFeeAmount", [
        fee,
        tickSpacing,
      ]);
    },
    createPool: async (fee, sqrtPriceX96) => {
      await writeContract(chain, factory, artifacts.factory.abi, "createPool", [
        token0,
        token1,
        fee,
      ]);
      const address = getAddress(
        await readContract<Address>(chain, factory, artifacts.factory.abi, "getPool", [
          token0,
          token1,
          fee,
        ]),
      );
      const expected = computePoolAddress(fee);
      if (address !== expected) {
        throw new Error(
          `factory.getPool ${address} differs from the periphery's CREATE2 address ${expected} ` +
            `(pool init code hash ${poolInitCodeHash} vs periphery ${PERIPHERY_POOL_INIT_CODE_HASH})`,
        );
      }
      await writeContract(chain, address, artifacts.pool.abi, "initialize", [sqrtPriceX96]);
      return makePoolHandle(deployment, address);
    },
    poolAt: (address) => makePoolHandle(deployment, address),
  };
  return deployment;
}

/** Reads slot0, liquidity, fee growth and protocol fees of any V3 pool (one batched request). */
export async function readPoolState(
  chain: LocalChain,
  pool: Address,
  blockNumber?: bigint,
): Promise<ChainPoolState> {
  const abi = artifacts.pool.abi;
  const [slot0, liquidity, fg0, fg1, pf] = await Promise.all([
    readContract<readonly [bigint, number, number, number, number, number, boolean]>(
      chain,
      pool,
      abi,
      "slot0",
      [],
      blockNumber,
    ),
    readContract<bigint>(chain, pool, abi, "liquidity", [], blockNumber),
    readContract<bigint>(chain, pool, abi, "feeGrowthGlobal0X128", [], blockNumber),
    readContract<bigint>(chain, pool, abi, "feeGrowthGlobal1X128", [], blockNumber),
    readContract<readonly [bigint, bigint]>(chain, pool, abi, "protocolFees", [], blockNumber),
  ]);
  return {
    sqrtPriceX96: slot0[0],
    tick: Number(slot0[1]),
    feeProtocol: Number(slot0[5]),
    unlocked: slot0[6],
    liquidity,
    feeGrowthGlobal0X128: fg0,
    feeGrowthGlobal1X128: fg1,
    protocolFees0: pf[0],
    protocolFees1: pf[1],
  };
}

/** `pool.ticks(tick)` of any V3 pool (oracle fields dropped). */
export async function readTick(
  chain: LocalChain,
  pool: Address,
  tick: number,
  blockNumber?: bigint,
): Promise<TickInfo> {
  const t = await readContract<
    readonly [bigint, bigint, bigint, bigint, bigint, bigint, number, boolean]
  >(chain, pool, artifacts.pool.abi, "ticks", [tick], blockNumber);
  return {
    liquidityGross: t[0],
    liquidityNet: t[1],
    feeGrowthOutside0X128: t[2],
    feeGrowthOutside1X128: t[3],
    initialized: t[7],
  };
}

/** `keccak256(abi.encodePacked(owner, tickLower, tickUpper))`, the pool's position key. */
export function positionKey(owner: Address, tickLower: number, tickUpper: number): Hex {
  return keccak256(
    encodePacked(["address", "int24", "int24"], [owner, tickLower, tickUpper]),
  );
}

/** `pool.positions(key)` of any V3 pool. */
export async function readPosition(
  chain: LocalChain,
  pool: Address,
  owner: Address,
  tickLower: number,
  tickUpper: number,
): Promise<PositionInfo> {
  const p = await readContract<readonly [bigint, bigint, bigint, bigint, bigint]>(
    chain,
    pool,
    artifacts.pool.abi,
    "positions",
    [positionKey(owner, tickLower, tickUpper)],
  );
  return {
    liquidity: p[0],
    feeGrowthInside0LastX128: p[1],
    feeGrowthInside1LastX128: p[2],
    tokensOwed0: p[3],
    tokensOwed1: p[4],
  };
}

/** Every initialized tick of any V3 pool, ascending, scanning the tick bitmap (batched). */
export async function readInitializedTicks(
  chain: LocalChain,
  pool: Address,
  tickSpacing: number,
): Promise<number[]> {
  const minWord = Math.floor(Math.floor(MIN_TICK / tickSpacing) / 256);
  const maxWord = Math.floor(Math.floor(MAX_TICK / tickSpacing) / 256);
  const words: number[] = [];
  for (let w = minWord; w <= maxWord; w++) words.push(w);
  const ticks: number[] = [];
  for (let i = 0; i < words.length; i += 200) {
    const chunk = words.slice(i, i + 200);
    const values = await Promise.all(
      chunk.map((w) => readContract<bigint>(chain, pool, artifacts.pool.abi, "tickBitmap", [w])),
    );
    chunk.forEach((w, j) => {
      let bits = values[j];
      for (let b = 0; bits > 0n; b++, bits >>= 1n) {
        if (bits & 1n) ticks.push((w * 256 + b) * tickSpacing);
      }
    });
  }
  return ticks;
}

function oneEvent<T>(receipt: MinedReceipt, pool: Address, eventName: string): T {
  const logs = parseEventLogs({
    abi: artifacts.pool.abi,
    logs: receipt.logs.filter((l) => getAddress(l.address) === pool),
    eventName,
  });
  if (logs.length !== 1) {
    throw new Error(`expected one ${eventName} event of ${pool}, got ${logs.length}`);
  }
  return (logs[0] as unknown as { args: T }).args;
}

async function makePoolHandle(dep: UniswapV3Deployment, address: Address): Promise<PoolHandle> {
  const { chain } = dep;
  const abi = artifacts.pool.abi;
  const fee = Number(await readContract<number>(chain, address, abi, "fee"));
  const tickSpacing = Number(await readContract<number>(chain, address, abi, "tickSpacing"));
  const token0 = getAddress(await readContract<Address>(chain, address, abi, "token0"));
  const token1 = getAddress(await readContract<Address>(chain, address, abi, "token1"));
  const callbackData = encodeAbiParameters([{ type: "address" }, { type: "address" }], [
    token0,
    token1,
  ]);
  const viaCaller = (caller: Address, functionName: string, args: readonly unknown[]) =>
    sendTransaction(chain, {
      to: caller,
      data: concat([pad(address, { size: 32 }), encodeFunctionData({ abi, functionName, args })]),
    });
  const checkCaller = (who: Address) => {
    if (!dep.callers.includes(getAddress(who))) {
      throw new Error(
        `${who} is not a PoolCaller of this deployment (burn/collect use msg.sender)`,
      );
    }
    return getAddress(who);
  };
  const defaultLimit = (zeroForOne: boolean) =>
    zeroForOne ? MIN_SQRT_RATIO + 1n : MAX_SQRT_RATIO - 1n;
  const swapResult = (receipt: MinedReceipt): SwapEventResult => {
    const ev = oneEvent<
      { amount0: bigint; amount1: bigint; sqrtPriceX96: bigint; liquidity: bigint; tick: number }
    >(receipt, address, "Swap");
    return {
      amount0: ev.amount0,
      amount1: ev.amount1,
      sqrtPriceX96: ev.sqrtPriceX96,
      liquidity: ev.liquidity,
      tick: Number(ev.tick),
      transactionHash: receipt.transactionHash,
      blockNumber: receipt.blockNumber,
      gasUsed: receipt.gasUsed,
    };
  };

  const handle: PoolHandle = {
    address,
    fee,
    tickSpacing,
    token0,
    token1,
    mintPosition: async ({ tickLower, tickUpper, liquidity, owner, payer }) => {
      const from = checkCaller(payer ?? dep.callers[0]);
      const recipient = getAddress(owner ?? from);
      const receipt = await viaCaller(from, "mint", [
        recipient,
        tickLower,
        tickUpper,
        liquidity,
        callbackData,
      ]);
      const ev = oneEvent<{ amount0: bigint; amount1: bigint }>(receipt, address, "Mint");
      return { amount0: ev.amount0, amount1: ev.amount1, owner: recipient };
    },
    mintWithPositionManager: async (p) => {
      const receipt = await writeContract(
        chain,
        dep.positionManager,
        artifacts.positionManager.abi,
        "mint",
        [{
          token0,
          token1,
          fee,
          tickLower: p.tickLower,
          tickUpper: p.tickUpper,
          amount0Desired: p.amount0Desired,
          amount1Desired: p.amount1Desired,
          amount0Min: 0n,
          amount1Min: 0n,
          recipient: p.recipient ?? dep.deployer,
          deadline: 1n << 64n,
        }],
      );
      const logs = parseEventLogs({
        abi: artifacts.positionManager.abi,
        logs: receipt.logs,
        eventName: "IncreaseLiquidity",
      });
      const args = (logs[0] as unknown as {
        args: { tokenId: bigint; liquidity: bigint; amount0: bigint; amount1: bigint };
      }).args;
      return {
        tokenId: args.tokenId,
        liquidity: args.liquidity,
        amount0: args.amount0,
        amount1: args.amount1,
      };
    },
    burn: async (owner, tickLower, tickUpper, amount) => {
      const receipt = await viaCaller(checkCaller(owner), "burn", [tickLower, tickUpper, amount]);
      const ev = oneEvent<{ amount0: bigint; amount1: bigint }>(receipt, address, "Burn");
      return { amount0: ev.amount0, amount1: ev.amount1 };
    },
    collect: async (owner, tickLower, tickUpper, req0 = MAX_UINT128, req1 = MAX_UINT128) => {
      const who = checkCaller(owner);
      const receipt = await viaCaller(who, "collect", [who, tickLower, tickUpper, req0, req1]);
      const ev = oneEvent<{ amount0: bigint; amount1: bigint }>(receipt, address, "Collect");
      return { amount0: ev.amount0, amount1: ev.amount1 };
    },
    swap: async (zeroForOne, amountSpecified, sqrtPriceLimitX96, payer) => {
      const from = checkCaller(payer ?? dep.callers[0]);
      const receipt = await viaCaller(from, "swap", [
        from,
        zeroForOne,
        amountSpecified,
        sqrtPriceLimitX96 ?? defaultLimit(zeroForOne),
        callbackData,
      ]);
      return swapResult(receipt);
    },
    swapExactInput: (zeroForOne, amountIn, limit) => {
      if (amountIn <= 0n) throw new Error("amountIn must be > 0");
      return handle.swap(zeroForOne, amountIn, limit);
    },
    swapExactOutput: (zeroForOne, amountOut, limit) => {
      if (amountOut <= 0n) throw new Error("amountOut must be > 0");
      return handle.swap(zeroForOne, -amountOut, limit);
    },
    routerExactInputSingle: async (zeroForOne, amountIn, limit) => {
      const receipt = await writeContract(
        chain,
        dep.swapRouter,
        artifacts.swapRouter.abi,
        "exactInputSingle",
        [{
          tokenIn: zeroForOne ? token0 : token1,
          tokenOut: zeroForOne ? token1 : token0,
          fee,
          recipient: dep.deployer,
          deadline: 1n << 64n,
          amountIn,
          amountOutMinimum: 0n,
          sqrtPriceLimitX96: limit ?? 0n,
        }],
      );
      return swapResult(receipt);
    },
    quoteExactInputSingle: async (zeroForOne, amountIn, limit) => {
      const abiQ = artifacts.quoterV2.abi;
      const data = encodeFunctionData({
        abi: abiQ,
        functionName: "quoteExactInputSingle",
        args: [{
          tokenIn: zeroForOne ? token0 : token1,
          tokenOut: zeroForOne ? token1 : token0,
          amountIn,
          fee,
          sqrtPriceLimitX96: limit ?? 0n,
        }],
      });
      const out = await chain.rpc<Hex>("eth_call", [{ to: dep.quoterV2, data }, "latest"]);
      const r = decodeFunctionResult({
        abi: abiQ,
        functionName: "quoteExactInputSingle",
        data: out,
      }) as unknown as readonly [bigint, bigint, number, bigint];
      return { amountOut: r[0], sqrtPriceX96After: r[1], initializedTicksCrossed: Number(r[2]) };
    },
    setFeeProtocol: async (f0, f1) => {
      await writeContract(chain, address, abi, "setFeeProtocol", [f0, f1]);
    },
    readPoolState: (blockNumber) => readPoolState(chain, address, blockNumber),
    readTick: (tick, blockNumber) => readTick(chain, address, tick, blockNumber),
    readPosition: (owner, lower, upper) => readPosition(chain, address, owner, lower, upper),
    initializedTicks: () => readInitializedTicks(chain, address, tickSpacing),
    snapshot: async (positions) => {
      const state = await readPoolState(chain, address);
      const tickList = await readInitializedTicks(chain, address, tickSpacing);
      const ticks = await Promise.all(
        tickList.map(async (tick) => ({ tick, ...(await readTick(chain, address, tick)) })),
      );
      const seen = new Set<string>();
      const keys = positions.filter((p) => {
        const k = positionKey(p.owner, p.tickLower, p.tickUpper);
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
      const infos = await Promise.all(
        keys.map(async (p) => ({
          owner: p.owner.toLowerCase(),
          tickLower: p.tickLower,
          tickUpper: p.tickUpper,
          ...(await readPosition(chain, address, p.owner, p.tickLower, p.tickUpper)),
        })),
      );
      return {
        fee,
        tickSpacing,
        sqrtPriceX96: state.sqrtPriceX96,
        tick: state.tick,
        liquidity: state.liquidity,
        feeGrowthGlobal0X128: state.feeGrowthGlobal0X128,
        feeGrowthGlobal1X128: state.feeGrowthGlobal1X128,
        feeProtocol: state.feeProtocol,
        protocolFees0: state.protocolFees0,
        protocolFees1: state.protocolFees1,
        ticks,
        positions: infos,
      };
    },
  };
  return handle;
}
