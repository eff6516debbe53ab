/**
 * The OHLC downloader: pool logs -> swap CSV and bars.
 *
 * @module
 */
export * from "./bars.ts";
export * from "./downloader.ts";
export * from "./logs.ts";
export * from "./rpc.ts";
