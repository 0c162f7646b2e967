/**
 * A JSON body its handler validates, documented by reference to the component `name`, which
 * the route's app registers from the very schema the handler validates with. For validation a
 * route schema cannot do the same way: admin saves list cross-field problems on the raw input
 * too (validateSale), and an update may leave out the SKU its URL names. @hono/zod-openapi
 * installs no validator for a body given by reference, so nothing reads the body before the
 * handler does, within its limit; what that reading can answer goes in the route's `errors`.
 */
export function handlerValidatedBody(name: string, description: string) {
  return {
    required: true,
    description,
    content: { "application/json": { schema: { $ref: `#/components/schemas/${name}` } } },
  };
}
