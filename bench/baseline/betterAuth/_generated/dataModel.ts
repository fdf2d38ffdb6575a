/* eslint-disable */
/**
 * Generated data model types. Kept by hand (codegen needs a deployment).
 * @module
 */
import type { DataModelFromSchemaDefinition } from "convex/server";
import schema from "../schema.js";

export type DataModel = DataModelFromSchemaDefinition<typeof schema>;
