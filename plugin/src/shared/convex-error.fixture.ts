/** A `ConvexError` as another copy of `convex` makes it: same brand, name and data, another class. */
export class ForeignConvexError extends Error {
  override name = "ConvexError";
  constructor(readonly data: unknown) {
    super(JSON.stringify(data));
    Object.defineProperty(this, Symbol.for("ConvexError"), { value: true });
  }
}
