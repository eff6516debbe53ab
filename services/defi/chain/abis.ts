/**
 * Contract ABIs, taken from the npm artifacts of @uniswap/v3-core,
 * @uniswap/v3-periphery and @uniswap/swap-router-contracts (never pasted by
 * hand), typed as viem `Abi`.
 *
 * @module
 */
import type { Abi } from "viem";
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
import erc20Artifact from "@uniswap/v3-periphery/artifacts/contracts/interfaces/IERC20Metadata.sol/IERC20Metadata.json" with {
  type: "json",
};
import router02Artifact from "@uniswap/swap-router-contracts/artifacts/contracts/SwapRouter02.sol/SwapRouter02.json" with {
  type: "json",
};

/** UniswapV3Factory. */
export const FACTORY_ABI = factoryArtifact.abi as Abi;
/** UniswapV3Pool (events Swap / Mint / Burn / Collect, slot0, ticks, ...). */
export const POOL_ABI = poolArtifact.abi as Abi;
/** NonfungiblePositionManager. */
export const POSITION_MANAGER_ABI = npmArtifact.abi as Abi;
/** SwapRouter (v1: `exactInputSingle` takes a deadline). */
export const SWAP_ROUTER_ABI = routerArtifact.abi as Abi;
/** SwapRouter02 (`exactInputSingle` without deadline; deadline via `multicall(uint256,bytes[])`). */
export const SWAP_ROUTER02_ABI = router02Artifact.abi as Abi;
/** QuoterV2. */
export const QUOTER_V2_ABI = quoterV2Artifact.abi as Abi;
/** ERC20 with metadata (decimals, symbol). */
export const ERC20_ABI = erc20Artifact.abi as Abi;
