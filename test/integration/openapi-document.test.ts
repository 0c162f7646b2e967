import { Validator } from "@seriousme/openapi-schema-validator";
import type { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildProductionBundle, runBundle } from "../../scripts/local/worker-bundle.ts";

/**
 * The document the production bundle serves at `/api/openapi.json` is valid OpenAPI 3.1, by a
 * real validator (@seriousme/openapi-schema-validator, the JSON Schemas of the specification).
 * Here in Node rather than among the workerd tests: the validator compiles those schemas with
 * ajv, which generates code with `new Function`, and workerd refuses code generation. What the
 * document says about the routes is checked in workerd (test/worker/openapi.test.ts,
 * test/worker/contract-errors.test.ts).
 */
describe("the served OpenAPI document", () => {
  let mf: Miniflare;
  let document: Record<string, unknown>;

  beforeAll(async () => {
    mf = runBundle(await buildProductionBundle(), inject("stackVars"));
    await mf.ready;
    const response = await mf.dispatchFetch("http://shop.test/api/openapi.json");
    expect(response.status).toBe(200);
    document = (await response.json()) as Record<string, unknown>;
  });
  afterAll(() => mf?.dispose());

  it("is valid OpenAPI 3.1", async () => {
    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("resolves every reference", async () => {
    const validator = new Validator();
    await validator.validate(document);
    const resolved = JSON.stringify(validator.resolveRefs());
    expect(resolved).not.toContain('"$ref"');
  });
});
