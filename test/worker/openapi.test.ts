import { exports } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "../../src/error-codes.ts";
import { AppError, type ErrorCode } from "../../src/errors.ts";
import { handleError } from "../../workers/storefront/errors.ts";
import worker from "../../workers/storefront/index.ts";

/** Every route the app serves under /api and /admin/api, read off workers/storefront/{api,admin}. */
const ROUTES = [
  "POST /api/session",
  "GET /api/openapi.json",
  "GET /api/sales",
  "GET /api/time",
  "GET /api/skus/{sku}",
  "GET /api/skus/{sku}/live",
  "POST /api/checkout",
  "POST /api/checkout/cancel",
  "GET /api/orders/{id}",
  "POST /api/orders/{id}/pay",
  "POST /api/orders/{id}/cancel",
  "GET /admin/api/reconciliation",
  "GET /admin/api/sales",
  "POST /admin/api/sales",
  "GET /admin/api/sales/{sku}",
  "PUT /admin/api/sales/{sku}",
  "POST /admin/api/sales/{sku}/pause",
  "POST /admin/api/sales/{sku}/resume",
  "GET /admin/api/sales/{sku}/history",
  "GET /admin/api/sales/{sku}/dead-letters",
  "POST /admin/api/sales/{sku}/dead-letters/retry",
  "GET /admin/api/audit",
].sort();

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

type Json = Record<string, any>;

async function fetchDocument(): Promise<{ response: Response; doc: Json }> {
  const response = await exports.default.fetch("https://shop.test/api/openapi.json");
  return { response, doc: await response.clone().json<Json>() };
}

/** "METHOD /path" for every operation the document describes. */
function documentedRoutes(doc: Json): string[] {
  return Object.entries(doc.paths as Json)
    .flatMap(([path, item]) => Object.keys(item as Json).filter((k) => METHODS.includes(k)).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
}

/** The status workers/storefront/errors.ts really answers for a code. */
async function realStatus(code: ErrorCode): Promise<number> {
  const probe = new Hono()
    .get("/", () => {
      throw new AppError(code, "probe");
    })
    .onError(handleError);
  return (await probe.request("/")).status;
}

function resolve(doc: Json, ref: string): unknown {
  expect(ref.startsWith("#/")).toBe(true);
  return ref
    .slice(2)
    .split("/")
    .reduce<unknown>((node, key) => (node as Json | undefined)?.[key.replaceAll("~1", "/").replaceAll("~0", "~")], doc);
}

function collectRefs(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((item) => collectRefs(item, found));
  else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string") found.push(value);
      else collectRefs(value, found);
    }
  }
  return found;
}

describe("GET /api/openapi.json", () => {
  it("serves OpenAPI 3.1 JSON, cacheable, without a session cookie", async () => {
    const { response, doc } = await fetchDocument();
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(response.headers.get("Cache-Control")).toBe("public, max-age=300");
    expect(response.headers.get("Set-Cookie")).toBeNull();
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(doc.servers).toEqual([{ url: "https://shop.test" }]);
    expect(doc.components.securitySchemes).toEqual({
      session: expect.objectContaining({ type: "apiKey", in: "cookie", name: "fs_session" }),
      adminToken: expect.objectContaining({ type: "http", scheme: "bearer" }),
    });
    for (const ref of collectRefs(doc)) expect(resolve(doc, ref), ref).toBeDefined();
  });

  it("describes every route the app serves under /api and /admin/api, and no other", async () => {
    const { doc } = await fetchDocument();
    expect(documentedRoutes(doc)).toEqual(ROUTES);

    // The hard-coded list is itself what hono has registered: a new route fails here until documented.
    const registered = worker.routes
      .filter((r) => r.method !== "ALL" && /^\/(admin\/)?api\//.test(r.path))
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")}`);
    expect([...new Set(registered)].sort()).toEqual(ROUTES);
  });

  it("gives every operation responses, and declares each path parameter and the Idempotency-Key where required", async () => {
    const { doc } = await fetchDocument();
    for (const [path, item] of Object.entries(doc.paths as Json)) {
      for (const [method, operation] of Object.entries(item as Json).filter(([k]) => METHODS.includes(k))) {
        const where = `${method.toUpperCase()} ${path}`;
        expect(Object.keys(operation.responses).length, where).toBeGreaterThan(0);
        expect(operation.security, where).toBeDefined();
        const parameters = ((operation.parameters ?? []) as Json[]).map((p) => (p.$ref ? (resolve(doc, p.$ref) as Json) : p));
        for (const [, name] of path.matchAll(/\{(\w+)\}/g)) {
          expect(parameters.some((p) => p.in === "path" && p.name === name && p.required === true), `${where}: {${name}}`).toBe(true);
        }
        const needsKey = where === "POST /api/checkout" || where === "POST /api/checkout/cancel";
        const hasKey = parameters.some((p) => p.in === "header" && p.name === "Idempotency-Key" && p.required === true);
        expect(hasKey, `${where}: Idempotency-Key`).toBe(needsKey);
      }
    }
    expect(doc.paths["/api/checkout"].post.requestBody.content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/CheckoutRequest",
    });
    expect(doc.components.schemas.CheckoutRequest).toMatchObject({
      required: ["sku", "qty"],
      additionalProperties: false,
      properties: { qty: { type: "integer", maximum: 1000 } },
    });
    expect(doc.paths["/admin/api/reconciliation"].get.security).toEqual([{ adminToken: [] }]);
  });

  it("declares 403 forbidden_origin, 413 payload_too_large and 415 unsupported_media_type on every route that can answer them", async () => {
    const { doc } = await fetchDocument();
    const codesOf = (operation: Json) =>
      Object.values(operation.responses as Json).flatMap((response) => [...((response as Json).description as string).matchAll(/(?:^|; )`(\w+)`:/g)].map((m) => m[1]!));
    const shopperWrites = ["/api/session", "/api/checkout", "/api/checkout/cancel", "/api/orders/{id}/pay", "/api/orders/{id}/cancel"];
    const adminBodies: Array<[string, string]> = [["/admin/api/sales", "post"], ["/admin/api/sales/{sku}", "put"]];
    for (const path of shopperWrites) {
      const operation = doc.paths[path].post;
      expect(operation.responses, path).toMatchObject({ "403": expect.anything(), "413": expect.anything(), "415": expect.anything() });
      expect(codesOf(operation), path).toEqual(expect.arrayContaining(["forbidden_origin", "payload_too_large", "unsupported_media_type"]));
    }
    for (const [path, method] of adminBodies) {
      const operation = doc.paths[path][method];
      expect(codesOf(operation), path).toEqual(expect.arrayContaining(["payload_too_large", "unsupported_media_type"]));
    }
    // No read declares them: a GET never reads a body, nor checks Origin.
    for (const item of Object.values(doc.paths as Json)) {
      if (!(item as Json).get) continue;
      const codes = codesOf((item as Json).get);
      for (const code of ["forbidden_origin", "payload_too_large", "unsupported_media_type"]) expect(codes).not.toContain(code);
    }
    expect(doc.components.schemas.Error["x-status-by-code"]).toMatchObject({ forbidden_origin: 403, payload_too_large: 413, unsupported_media_type: 415 });
  });

  it("lists every error code with the status the error handler really answers", async () => {
    const { doc } = await fetchDocument();
    const error = doc.components.schemas.Error;
    expect(error.required).toEqual(["error"]);
    expect(error.properties.error.required).toEqual(["code", "message"]);
    expect([...error.properties.error.properties.code.enum].sort()).toEqual([...ERROR_CODES].sort());
    const documented: Record<string, number> = error["x-status-by-code"];
    for (const code of ERROR_CODES) expect(documented[code], code).toBe(await realStatus(code));

    // An operation's error response ("`code`: meaning; …") names only codes of its own status.
    for (const item of Object.values(doc.paths as Json)) {
      for (const operation of Object.values(item as Json)) {
        for (const [status, response] of Object.entries(operation.responses as Json)) {
          if (!/^[45]\d\d$/.test(status) || status === "426") continue;
          const named = [...(response.description as string).matchAll(/(?:^|; )`(\w+)`:/g)].map((m) => m[1]!);
          expect(named.length, `${operation.operationId} ${status}`).toBeGreaterThan(0);
          for (const code of named) expect(documented[code], `${operation.operationId} ${status} ${code}`).toBe(Number(status));
        }
      }
    }
  });
});
