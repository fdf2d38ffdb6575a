/* eslint-disable */
/**
 * Generated `ComponentApi` utility. Kept by hand (codegen needs a deployment); the component's
 * functions are the reference app's, so its type is reused.
 * @module
 */
export type { ComponentApi } from "../../../../convex/betterAuth/_generated/component";
