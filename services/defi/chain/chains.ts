/**
 * Chains and their Uniswap V3 deployments: Ethereum, Arbitrum, Optimism,
 * Polygon, Base and a local dev chain. The addresses live in
 * `config/uniswap_chains.ini`; a service overrides any of them in its own
 * `[chain]` section ({@link resolveChain}).
 *
 * @example
 * ```ts
 * import { loadChainTable, resolveChain } from "./chains.ts";
 * const table = await loadChainTable();
 * const arb = resolveChain(table, "arbitrum", {});
 * console.log(arb.id, arb.positionManager); // 42161 0xC364...
 * ```
 * @module
 */
import { type Address, type Chain, defineChain, getAddress, isAddress } from "viem";
import { ConfigError, oneOf, parseConfig, section, str } from "../../common/config/schema.ts";
import { int } from "../../common/config/schema.ts";

/** Names of the supported chains. */
export const CHAIN_NAMES = [
  "ethereum",
  "arbitrum",
  "optimism",
  "polygon",
  "base",
  "local",
] as const;
/** A supported chain name. */
export type ChainName = typeof CHAIN_NAMES[number];

/** Which swap router interface the chain's `swap_router` address speaks. */
export type RouterKind = "swap_router" | "swap_router02";

/** One chain's id and Uniswap V3 addresses. */
export interface ChainInfo {
  name: ChainName;
  id: number;
  nativeSymbol: string;
  factory: Address;
  positionManager: Address;
  swapRouter: Address;
  routerKind: RouterKind;
  quoterV2: Address;
}

/** Address fields a service may override. */
export interface ChainOverrides {
  chain_id?: number;
  factory?: string;
  position_manager?: string;
  swap_router?: string;
  router_kind?: RouterKind;
  quoter_v2?: string;
}

const addr = () => str({ default: "", pattern: /^(0x[0-9a-fA-F]{40})?$/ });
const chainSection = section({
  chain_id: int({ min: 1 }),
  native_symbol: str({ default: "ETH" }),
  factory: addr(),
  position_manager: addr(),
  swap_router: addr(),
  router_kind: oneOf(["swap_router", "swap_router02"] as const, { default: "swap_router02" }),
  quoter_v2: addr(),
});
const TABLE_SCHEMA = Object.fromEntries(CHAIN_NAMES.map((n) => [n, chainSection])) as Record<
  ChainName,
  typeof chainSection
>;

/** The parsed chain table (name -> raw section). */
export type ChainTable = Record<ChainName, {
  chain_id: number;
  native_symbol: string;
  factory: string;
  position_manager: string;
  swap_router: string;
  router_kind: RouterKind;
  quoter_v2: string;
}>;

/** Default location of the chain table. */
export const DEFAULT_CHAIN_TABLE = new URL("../../../config/uniswap_chains.ini", import.meta.url);

/** Reads `config/uniswap_chains.ini` (or another table). */
export async function loadChainTable(
  path: string | URL = DEFAULT_CHAIN_TABLE,
): Promise<ChainTable> {
  const text = await Deno.readTextFile(path);
  return parseConfig(text, String(path), TABLE_SCHEMA, {}) as unknown as ChainTable;
}

/**
 * The chain `name` with `overrides` applied; throws naming every address
 * that is still missing (a local chain must get them from its deployment).
 */
export function resolveChain(
  table: ChainTable,
  name: string,
  overrides: ChainOverrides,
): ChainInfo {
  if (!(CHAIN_NAMES as readonly string[]).includes(name)) {
    throw new ConfigError([{
      file: "chain",
      line: 0,
      section: "chain",
      key: "name",
      value: name,
      problem: `unknown chain (known: ${CHAIN_NAMES.join(", ")})`,
    }]);
  }
  const base = table[name as ChainName];
  const pick = (k: "factory" | "position_manager" | "swap_router" | "quoter_v2"): Address => {
    const v = overrides[k] || base[k];
    if (!v || !isAddress(v)) {
      throw new Error(
        `Cannot use chain ${name}: ${k} is ${v ? `'${v}', not an address` : "not set"} ` +
          `(set it in config/uniswap_chains.ini or the service's [chain] section)`,
      );
    }
    return getAddress(v);
  };
  return {
    name: name as ChainName,
    id: overrides.chain_id ?? base.chain_id,
    nativeSymbol: base.native_symbol,
    factory: pick("factory"),
    positionManager: pick("position_manager"),
    swapRouter: pick("swap_router"),
    routerKind: overrides.router_kind ?? base.router_kind,
    quoterV2: pick("quoter_v2"),
  };
}

/** A viem chain definition for a chain and RPC URL. */
export function viemChain(
  info: { name: string; id: number; nativeSymbol: string },
  rpcUrl: string,
): Chain {
  return defineChain({
    id: info.id,
    name: info.name,
    nativeCurrency: { name: info.nativeSymbol, symbol: info.nativeSymbol, decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
}
