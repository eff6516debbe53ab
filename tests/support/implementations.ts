/**
 * The implementations of `V3Implementation` every math/pool test runs against:
 * the plain BigInt reference and the WASM core. A test loops over this list so
 * both are held to the same cases.
 *
 * @module
 */
import type { V3Implementation } from "../../core-wasm/types.ts";

/** All implementations under test, reference first. */
export async function implementations(): Promise<V3Implementation[]> {
  const list: V3Implementation[] = [];
  const ref = await import("../../core-wasm/reference/mod.ts");
  list.push(ref.referenceImplementation);
  const wasm = await import("../../core-wasm/mod.ts");
  list.push(await wasm.loadCore());
  return list;
}
