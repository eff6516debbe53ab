/**
 * Range models: Avellaneda–Stoikov and GLFT behind one interface.
 *
 * @module
 */
export * from "./types.ts";
export { checkLayout, DEFAULT_LAYOUT, inventoryQ, layoutRanges, sigmaTicks } from "./layout.ts";
export { AvellanedaStoikovModel, type AvellanedaStoikovModelParams } from "./avellaneda_stoikov.ts";
export { GlftModel, type GlftModelParams } from "./glft.ts";
