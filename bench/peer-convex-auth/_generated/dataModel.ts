/* eslint-disable */
/**
 * Generated data model types. Kept by hand (no deployment here to run codegen against).
 * @module
 */
import type { DataModelFromSchemaDefinition } from "convex/server";
import schema from "../schema.js";

export type DataModel = DataModelFromSchemaDefinition<typeof schema>;
