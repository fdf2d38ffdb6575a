import { defineComponent } from "convex/server";

// Declares convex/betterAuth/ as a locally installed component, so its schema is ours to extend.
const component = defineComponent("betterAuth");

export default component;
