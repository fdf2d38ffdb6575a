/* eslint-disable */
/**
 * Generated `api` utility. Kept by hand (codegen needs a deployment).
 * @module
 */
import { componentsGeneric } from "convex/server";
import type { ComponentApi } from "../betterAuth/_generated/component.js";

export const components = componentsGeneric() as unknown as {
  betterAuth: ComponentApi<"betterAuth">;
};
