import type { ZodType } from "zod";

/**
 * A schema of src/ as the component `name` of the document, with a description. A copy is
 * named, never the shared schema: @hono/zod-openapi's `.openapi()` exists only on schemas
 * built after it was first imported (zod 4 binds prototype methods as it builds a schema),
 * and a module of src/ may well be evaluated first.
 */
export function component<T extends ZodType>(name: string, schema: T, description: string): T {
  return schema.describe(description).openapi(name);
}
