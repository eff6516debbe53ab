/**
 * The chain client on viem: reads with retries, token metadata and balances,
 * allowances (approve only when needed), EIP-1559 fees with a cap, local nonce
 * management for back-to-back transactions, simulation before every send,
 * revert reasons decoded into {@link ChainRevertError}, and receipt waiting
 * with a timeout.
 *
 * Sending is split so a caller can persist the transaction between steps
 * (crash safety): {@link ChainClient.prepare} simulates and signs (the hash
 * is known before anything leaves the process), {@link ChainClient.broadcast}
 * sends the raw transaction (idempotent: a re-broadcast of the same raw
 * transaction is harmless), {@link ChainClient.waitForReceipt} waits.
 * {@link ChainClient.send} does all three.
 *
 * Retries (exponential backoff with jitter) apply to transport errors and
 * rate limits only, never to reverts. The private key comes from a
 * {@link Secret} (the environment); it is never logged.
 *
 * @example
 * ```ts
 * import { ChainClient } from "./client.ts";
 * const client = new ChainClient({
 *   rpcUrl: "http://127.0.0.1:8545",
 *   chain: { name: "local", id: 31337, nativeSymbol: "ETH" },
 *   privateKey: Deno.env.get("LP_WALLET_PRIVATE_KEY"),
 * });
 * console.log(await client.blockNumber());
 * ```
 * @module
 */
import {
  type Abi,
  type Address,
  type Chain,
  createPublicClient,
  encodeFunctionData,
  getAddress,
  type Hex,
  http,
  keccak256,
  type Log,
  maxUint256,
  type PublicClient,
} from "viem";
import { type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";
import type { Secret } from "../../common/redact.ts";
import { type Logger, nullLogger } from "../../common/log.ts";
import { ERC20_ABI } from "./abis.ts";
import { viemChain } from "./chains.ts";
import { asRevert, ChainRevertError } from "./errors.ts";
import { isRetryable, type RetryOptions, shortMessage, withRetry } from "./retry.ts";

/** A contract call to send. */
export interface TxCall {
  address: Address;
  abi: Abi;
  functionName: string;
  args: readonly unknown[];
  value?: bigint;
  /** For logs and errors ("mint", "approve WETH"). Default the function name. */
  label?: string;
}

/** A signed, not yet (necessarily) broadcast transaction. */
export interface SignedTx {
  hash: Hex;
  raw: Hex;
  nonce: number;
  gas: bigint;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
  label: string;
  /** The simulated return value. */
  simulated: unknown;
}

/** What a mined transaction left. */
export interface TxReceipt {
  hash: Hex;
  blockNumber: bigint;
  status: "success" | "reverted";
  gasUsed: bigint;
  effectiveGasPrice: bigint;
  logs: Log[];
}

/** Token metadata. */
export interface TokenInfo {
  address: Address;
  symbol: string;
  decimals: number;
}

/** EIP-1559 fee parameters. */
export interface FeeParams {
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
  baseFeePerGas: bigint;
}

/** Thrown when the base fee is above the configured cap: nothing is sent. */
export class GasPriceCapError extends Error {
  constructor(baseFee: bigint, cap: bigint) {
    super(
      `Cannot send: base fee ${gwei(baseFee)} gwei is above the configured cap ${gwei(cap)} gwei`,
    );
    this.name = "GasPriceCapError";
  }
}

function gwei(wei: bigint): string {
  return (Number(wei) / 1e9).toFixed(3);
}

/** Options of {@link ChainClient}. */
export interface ChainClientOptions {
  rpcUrl: string;
  chain: { name: string; id: number; nativeSymbol: string };
  /** 0x-prefixed private key (from the environment); omit for a read-only client. */
  privateKey?: Secret | string;
  /** Retry policy of RPC requests. */
  retry?: RetryOptions;
  /** Per-request HTTP timeout, ms. Default 10,000. */
  requestTimeoutMs?: number;
  /** Cap on maxFeePerGas, gwei. Default 500. */
  maxFeeGwei?: number;
  /** Tip, gwei (default: the node's eth_maxPriorityFeePerGas). */
  priorityFeeGwei?: number;
  /** Receipt wait bound, ms. Default 120,000. */
  receiptTimeoutMs?: number;
  /** Receipt polling interval, ms. Default 250. */
  pollMs?: number;
  /** Gas limit = estimate × this (default 1.25). */
  gasMultiplier?: number;
  logger?: Logger;
}

/** See the module doc. */
export class ChainClient {
  readonly chain: Chain;
  readonly public: PublicClient;
  readonly rpcUrl: string;
  readonly #account: PrivateKeyAccount | null;
  readonly #o: ChainClientOptions;
  readonly #log: Logger;
  readonly #tokens = new Map<string, Promise<TokenInfo>>();
  #nonce: number | null = null;
  #sendLock: Promise<unknown> = Promise.resolve();
  /** Counters, for /stats and tests. */
  readonly stats = { requests: 0, retries: 0, sent: 0, reverts: 0 };

  constructor(o: ChainClientOptions) {
    this.#o = o;
    this.rpcUrl = o.rpcUrl;
    this.#log = (o.logger ?? nullLogger).child("chain");
    this.chain = viemChain(o.chain, o.rpcUrl);
    this.public = createPublicClient({
      chain: this.chain,
      transport: http(o.rpcUrl, { retryCount: 0, timeout: o.requestTimeoutMs ?? 10_000 }),
      pollingInterval: o.pollMs ?? 250,
    }) as PublicClient;
    const pk = o.privateKey === undefined
      ? undefined
      : typeof o.privateKey === "string"
      ? o.privateKey
      : o.privateKey.reveal();
    if (pk !== undefined && !/^0x[0-9a-fA-F]{64}$/.test(pk)) {
      throw new Error("Cannot create the chain client: the private key must be 0x + 64 hex digits");
    }
    this.#account = pk ? privateKeyToAccount(pk as Hex) : null;
  }

  /** Our address (throws on a read-only client). */
  get address(): Address {
    return this.#requireAccount().address;
  }

  #requireAccount(): PrivateKeyAccount {
    if (!this.#account) throw new Error("This chain client is read-only (no private key)");
    return this.#account;
  }

  /** Runs an RPC operation with the retry policy. */
  rpc<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return withRetry(what, () => {
      this.stats.requests++;
      return fn();
    }, {
      ...this.#o.retry,
      onRetry: (i) => {
        this.stats.retries++;
        this.#log.warn("rpc retry", {
          what: i.what,
          attempt: i.attempt,
          delayMs: i.delayMs,
          error: shortMessage(i.error),
        });
        this.#o.retry?.onRetry?.(i);
      },
    });
  }

  /** Latest block number. */
  blockNumber(): Promise<bigint> {
    return this.rpc("eth_blockNumber", () => this.public.getBlockNumber({ cacheTime: 0 }));
  }

  /** A block's number and timestamp (seconds). */
  async block(n?: bigint): Promise<{ number: bigint; timestamp: bigint; baseFeePerGas: bigint }> {
    const b = await this.rpc(
      "eth_getBlockByNumber",
      () => n === undefined ? this.public.getBlock() : this.public.getBlock({ blockNumber: n }),
    );
    return { number: b.number!, timestamp: b.timestamp, baseFeePerGas: b.baseFeePerGas ?? 0n };
  }

  /** `eth_call` of a view function (reverts become {@link ChainRevertError}). */
  async read<T>(
    address: Address,
    abi: Abi,
    functionName: string,
    args: readonly unknown[] = [],
    blockNumber?: bigint,
  ): Promise<T> {
    try {
      return await this.rpc(
        `eth_call ${functionName}`,
        () =>
          this.public.readContract({ address, abi, functionName, args, blockNumber }) as Promise<T>,
      );
    } catch (e) {
      throw asRevert(functionName, e);
    }
  }

  /** Symbol and decimals (cached per token). */
  token(address: Address): Promise<TokenInfo> {
    const key = address.toLowerCase();
    let p = this.#tokens.get(key);
    if (!p) {
      p = Promise.all([
        this.read<string>(address, ERC20_ABI, "symbol"),
        this.read<number>(address, ERC20_ABI, "decimals"),
      ]).then(([symbol, decimals]) => ({
        address: getAddress(address),
        symbol,
        decimals: Number(decimals),
      }));
      p.catch(() => this.#tokens.delete(key));
      this.#tokens.set(key, p);
    }
    return p;
  }

  /** ERC20 balance (default: ours). */
  balanceOf(token: Address, owner?: Address, blockNumber?: bigint): Promise<bigint> {
    return this.read<bigint>(token, ERC20_ABI, "balanceOf", [owner ?? this.address], blockNumber);
  }

  /** Native balance (default: ours). */
  nativeBalance(owner?: Address): Promise<bigint> {
    return this.rpc(
      "eth_getBalance",
      () => this.public.getBalance({ address: owner ?? this.address }),
    );
  }

  /** ERC20 allowance of ours for `spender`. */
  allowance(token: Address, spender: Address): Promise<bigint> {
    return this.read<bigint>(token, ERC20_ABI, "allowance", [this.address, spender]);
  }

  /**
   * Approves `spender` for the maximum when the allowance is below `amount`;
   * returns the approval receipt, or null when no transaction was needed.
   */
  async ensureAllowance(
    token: Address,
    spender: Address,
    amount: bigint,
  ): Promise<TxReceipt | null> {
    const current = await this.allowance(token, spender);
    if (current >= amount) return null;
    const info = await this.token(token);
    this.#log.info("approving", { token: info.symbol, spender });
    return this.send({
      address: token,
      abi: ERC20_ABI,
      functionName: "approve",
      args: [spender, maxUint256],
      label: `approve ${info.symbol}`,
    });
  }

  /** EIP-1559 fees: maxFee = 2·baseFee + tip, capped; throws {@link GasPriceCapError} above the cap. */
  async fees(): Promise<FeeParams> {
    const cap = BigInt(Math.round((this.#o.maxFeeGwei ?? 500) * 1e9));
    const [block, tipNode] = await Promise.all([
      this.block(),
      this.#o.priorityFeeGwei !== undefined
        ? Promise.resolve(BigInt(Math.round(this.#o.priorityFeeGwei * 1e9)))
        : this.rpc(
          "eth_maxPriorityFeePerGas",
          () => this.public.estimateMaxPriorityFeePerGas({ chain: this.chain }),
        ).catch(() => 1_000_000_000n),
    ]);
    const base = block.baseFeePerGas;
    if (base > cap) throw new GasPriceCapError(base, cap);
    let maxFee = 2n * base + tipNode;
    if (maxFee > cap) maxFee = cap;
    const tip = tipNode < maxFee - base ? tipNode : maxFee - base;
    return { maxFeePerGas: maxFee, maxPriorityFeePerGas: tip, baseFeePerGas: base };
  }

  /** The next nonce to use (synced from the chain's pending count on first use). */
  async #takeNonce(): Promise<number> {
    if (this.#nonce === null) {
      this.#nonce = await this.rpc(
        "eth_getTransactionCount",
        () => this.public.getTransactionCount({ address: this.address, blockTag: "pending" }),
      );
    }
    return this.#nonce++;
  }

  /** Forgets the local nonce (the next send re-reads it from the chain). */
  resyncNonce(): void {
    this.#nonce = null;
  }

  /** Simulates `call` from our account; returns the decoded result (reverts -> ChainRevertError). */
  async simulate(call: TxCall, blockNumber?: bigint): Promise<unknown> {
    const label = call.label ?? call.functionName;
    try {
      const r = await this.rpc(`simulate ${label}`, () =>
        this.public.simulateContract({
          account: this.#requireAccount(),
          address: call.address,
          abi: call.abi,
          functionName: call.functionName,
          args: call.args,
          value: call.value,
          blockNumber,
        }));
      return r.result;
    } catch (e) {
      const err = asRevert(label, e);
      if (err instanceof ChainRevertError) this.stats.reverts++;
      throw err;
    }
  }

  /**
   * Simulates, estimates gas, takes a nonce, prices and signs `call`. Nothing
   * is sent; the result can be persisted and broadcast later. Calls are
   * serialized so back-to-back sends get consecutive nonces.
   */
  prepare(call: TxCall): Promise<SignedTx> {
    const run = this.#sendLock.then(() => this.#prepare(call));
    this.#sendLock = run.catch(() => {});
    return run;
  }

  async #prepare(call: TxCall): Promise<SignedTx> {
    const account = this.#requireAccount();
    const label = call.label ?? call.functionName;
    const simulated = await this.simulate(call);
    const data = encodeFunctionData({
      abi: call.abi,
      functionName: call.functionName,
      args: call.args,
    });
    let gasEstimate: bigint;
    try {
      gasEstimate = await this.rpc(`estimateGas ${label}`, () =>
        this.public.estimateGas({
          account,
          to: call.address,
          data,
          value: call.value,
        }));
    } catch (e) {
      throw asRevert(label, e);
    }
    const gas = gasEstimate * BigInt(Math.round((this.#o.gasMultiplier ?? 1.25) * 100)) / 100n +
      10_000n;
    const fees = await this.fees();
    const nonce = await this.#takeNonce();
    const raw = await account.signTransaction({
      chainId: this.chain.id,
      type: "eip1559",
      to: call.address,
      data,
      value: call.value ?? 0n,
      nonce,
      gas,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
    });
    return {
      hash: keccak256(raw),
      raw,
      nonce,
      gas,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
      label,
      simulated,
    };
  }

  /**
   * Broadcasts a signed transaction. Idempotent: "already known" and a
   * "nonce too low" for a transaction the node already has count as sent.
   */
  async broadcast(tx: { hash: Hex; raw: Hex; label?: string }): Promise<Hex> {
    try {
      await this.rpc(
        `eth_sendRawTransaction ${tx.label ?? ""}`.trim(),
        () => this.public.sendRawTransaction({ serializedTransaction: tx.raw }),
      );
      this.stats.sent++;
    } catch (e) {
      const msg = String((e as Error)?.message ?? e);
      if (/already known|already imported|known transaction/i.test(msg)) return tx.hash;
      if (/nonce too low|nonce.*already used/i.test(msg) && await this.transactionKnown(tx.hash)) {
        return tx.hash;
      }
      this.resyncNonce();
      throw e;
    }
    return tx.hash;
  }

  /** Whether the node knows the transaction (pending or mined). */
  async transactionKnown(hash: Hex): Promise<boolean> {
    try {
      const t = await this.rpc(
        "eth_getTransactionByHash",
        () => this.public.getTransaction({ hash }),
      );
      return t !== null;
    } catch (e) {
      if (/not found|could not be found/i.test(String((e as Error)?.message))) return false;
      throw e;
    }
  }

  /** The receipt if mined, else null. */
  async receipt(hash: Hex): Promise<TxReceipt | null> {
    try {
      const r = await this.rpc(
        "eth_getTransactionReceipt",
        () => this.public.getTransactionReceipt({ hash }),
      );
      return {
        hash,
        blockNumber: r.blockNumber,
        status: r.status,
        gasUsed: r.gasUsed,
        effectiveGasPrice: r.effectiveGasPrice ?? 0n,
        logs: r.logs as Log[],
      };
    } catch (e) {
      if ((e as Error)?.name === "TransactionReceiptNotFoundError") return null;
      if (/could not be found|not found/i.test(String((e as Error)?.message))) return null;
      throw e;
    }
  }

  /**
   * Waits for the receipt (bounded by `timeoutMs`). A reverted transaction
   * throws {@link ChainRevertError} with the reason replayed from `call`.
   */
  async waitForReceipt(
    hash: Hex,
    opts: { timeoutMs?: number; call?: TxCall } = {},
  ): Promise<TxReceipt> {
    const timeout = opts.timeoutMs ?? this.#o.receiptTimeoutMs ?? 120_000;
    const poll = this.#o.pollMs ?? 250;
    const t0 = performance.now();
    for (;;) {
      const r = await this.receipt(hash);
      if (r) {
        if (r.status === "reverted") {
          this.stats.reverts++;
          let reason = "";
          if (opts.call) {
            try {
              await this.simulate(opts.call, r.blockNumber - 1n);
            } catch (e) {
              if (e instanceof ChainRevertError) reason = e.reason;
            }
          }
          throw new ChainRevertError(
            opts.call?.label ?? opts.call?.functionName ?? "transaction",
            reason,
            {
              txHash: hash,
            },
          );
        }
        return r;
      }
      if (performance.now() - t0 > timeout) {
        throw new Error(
          `Receipt of ${hash} not seen within ${timeout} ms (still pending or dropped)`,
        );
      }
      await new Promise((res) => setTimeout(res, poll));
    }
  }

  /**
   * Simulates, signs, (optionally) lets `onSigned` persist the transaction,
   * broadcasts and waits for the receipt.
   */
  async send(
    call: TxCall,
    hooks: { onSigned?: (tx: SignedTx) => void | Promise<void> } = {},
  ): Promise<TxReceipt> {
    const signed = await this.prepare(call);
    await hooks.onSigned?.(signed);
    await this.broadcast(signed);
    this.#log.debug("sent", { label: signed.label, hash: signed.hash, nonce: signed.nonce });
    return await this.waitForReceipt(signed.hash, { call });
  }
}

export { isRetryable };
