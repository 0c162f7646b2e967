import { exports } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it, vi } from "vitest";
import { ERROR_CODES, statusOf } from "../../src/error-codes.ts";
import { AppError, type ErrorCode } from "../../src/errors.ts";
import { ADMITS, type Capability } from "../../src/staff/roles.ts";
import { handleError } from "../../workers/storefront/errors.ts";
import worker from "../../workers/storefront/index.ts";

/**
 * `GET /api/openapi.json` is generated from the routes' contracts (workers/storefront/contract/).
 * What is checked here in workerd: it covers exactly the routes hono serves, every operation
 * lists its errors by code under the status the error handler answers them with, and admin
 * operations their roles. That it is valid OpenAPI 3.1 is checked in Node, where the validator
 * can compile its schemas (test/integration/openapi-document.test.ts).
 */

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
/** The API's prefixes: the pages, the console and static files are not part of it. */
const API_PATH = /^\/(api|admin\/api|healthz|metrics)(\/|$)/;

// biome-ignore lint/suspicious/noExplicitAny: the OpenAPI document read as plain JSON, field by field
type Json = Record<string, any>;
type Operation = { where: string; path: string; method: string; operation: Json };

async function fetchDocument(): Promise<{ response: Response; doc: Json }> {
  const response = await exports.default.fetch("https://shop.test/api/openapi.json");
  return { response, doc: await response.clone().json<Json>() };
}

function operations(doc: Json): Operation[] {
  return Object.entries(doc.paths as Json).flatMap(([path, item]) =>
    Object.entries(item as Json)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]) => ({ where: `${method.toUpperCase()} ${path}`, path, method, operation: operation as Json })),
  );
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
  if (Array.isArray(node)) {
    for (const item of node) collectRefs(item, found);
  } else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string") found.push(value);
      else collectRefs(value, found);
    }
  }
  return found;
}

/** The codes an error response lists, by `x-error-codes`, its schema's `code` enum and its description. */
function listedCodes(response: Json): { listed: string[]; enumerated: string[]; described: string[] } {
  const narrowing = (response.content["application/json"].schema.allOf as Json[]).find((part) => !part.$ref)!;
  return {
    listed: response["x-error-codes"],
    enumerated: narrowing.properties.error.properties.code.enum,
    described: [...(response.description as string).matchAll(/(?:^|; )`(\w+)`:/g)].map((m) => m[1]!),
  };
}

describe("GET /api/openapi.json", () => {
  it("serves OpenAPI 3.1 JSON, cacheable, without a session cookie, every reference resolving", async () => {
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
      adminSession: expect.objectContaining({ type: "apiKey", in: "cookie" }),
      cloudflareAccess: expect.objectContaining({ type: "apiKey", in: "header", name: "Cf-Access-Jwt-Assertion" }),
      metricsToken: expect.objectContaining({ type: "http", scheme: "bearer" }),
      storeStaffToken: expect.objectContaining({ type: "http", scheme: "bearer" }),
      crmApiKey: expect.objectContaining({ type: "http", scheme: "bearer" }),
    });
    for (const ref of collectRefs(doc)) expect(resolve(doc, ref), ref).toBeDefined();
  });

  it("is generated once per isolate", async () => {
    await fetchDocument();
    const generate = vi.spyOn(worker, "getOpenAPI31Document");
    try {
      const [first, second] = await Promise.all([fetchDocument(), fetchDocument()]);
      expect(second.doc).toEqual(first.doc);
      expect(generate).not.toHaveBeenCalled();
    } finally {
      generate.mockRestore();
    }
  });

  it("describes every route hono serves under /api, /admin/api, /healthz and /metrics, and no other", async () => {
    const { doc } = await fetchDocument();
    const documented = operations(doc)
      .map((o) => o.where)
      .sort();
    // What hono really routes, read off the app: a route added without a contract fails here.
    const served = [
      ...new Set(
        worker.routes
          .filter((r) => r.method !== "ALL" && API_PATH.test(r.path))
          .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")}`),
      ),
    ].sort();
    const undocumented = served.filter((route) => !documented.includes(route));
    const unserved = documented.filter((route) => !served.includes(route));
    expect(undocumented, "served without a contract: register them with app.openapi(contractRoute(…) or adminRoute(…), handler)").toEqual(
      [],
    );
    expect(unserved, "documented but not served").toEqual([]);
    // Sanity: both APIs and the health check are there.
    expect(documented).toEqual(
      expect.arrayContaining(["POST /api/checkout", "GET /admin/api/sales/{sku}", "GET /healthz", "GET /metrics", "GET /api/openapi.json"]),
    );
  });

  it("declares each path parameter, the Idempotency-Key where required, and the checkout body", async () => {
    const { doc } = await fetchDocument();
    for (const { where, path, operation } of operations(doc)) {
      expect(Object.keys(operation.responses).length, where).toBeGreaterThan(0);
      expect(operation.security, where).toBeDefined();
      const parameters = ((operation.parameters ?? []) as Json[]).map((p) => (p.$ref ? (resolve(doc, p.$ref) as Json) : p));
      for (const [, name] of path.matchAll(/\{(\w+)\}/g)) {
        expect(
          parameters.some((p) => p.in === "path" && p.name === name && p.required === true),
          `${where}: {${name}}`,
        ).toBe(true);
      }
      const needsKey = [
        "POST /api/checkout",
        "POST /api/checkout/cancel",
        "POST /api/coupons/{templateId}/claim",
        "POST /api/team-campaigns/{id}/teams",
        "POST /api/teams/{teamId}/join",
        "POST /api/livestreams/{id}/claim",
        "POST /api/stores/{storeId}/redemptions",
        "POST /api/invoices",
        "POST /api/orders/{id}/price-protection",
        "POST /admin/api/orders/{id}/refunds",
        "POST /api/orders/{id}/points",
        "POST /api/crm/members/{shopperId}/points",
        "POST /api/crm/members/{shopperId}/benefits",
        "POST /admin/api/segments/runs",
        "POST /admin/api/audiences",
        "POST /admin/api/forecasts/runs",
        "POST /api/chat/messages",
        "POST /admin/api/conversations/{id}/messages",
      ].includes(where);
      const hasKey = parameters.some((p) => p.in === "header" && p.name === "Idempotency-Key" && p.required === true);
      expect(hasKey, `${where}: Idempotency-Key`).toBe(needsKey);
    }
    expect(doc.paths["/api/checkout"].post.requestBody.content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/CheckoutRequest",
    });
    expect(doc.components.schemas.CheckoutRequest).toMatchObject({
      required: ["sku", "qty"],
      additionalProperties: false,
      properties: { qty: { type: "integer", maximum: 1000 } },
    });
    // Admin saves: documented by the very schemas validateSale checks them with.
    expect(doc.paths["/admin/api/sales"].post.requestBody.content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/SaleDraft",
    });
    expect(doc.components.schemas.SaleUpdate.required).toEqual(expect.arrayContaining(["sku", "stock", "expectedVersion"]));
  });

  it("lists every operation's errors by code, under the status the error handler answers each with", async () => {
    const { doc } = await fetchDocument();
    const statusByCode: Record<string, number> = doc.components.schemas.Error["x-status-by-code"];
    for (const { where, operation } of operations(doc)) {
      // Only the contract helper writes x-error-codes: an operation without it was not made by one.
      const declared: string[] = operation["x-error-codes"];
      expect(declared, `${where}: x-error-codes`).toEqual(expect.arrayContaining(["internal"]));
      const answered: string[] = [];
      for (const [status, response] of Object.entries(operation.responses as Json)) {
        if (!/^[45]\d\d$/.test(status) || !response["x-error-codes"]) continue;
        const { listed, enumerated, described } = listedCodes(response);
        expect(enumerated, `${where} ${status}`).toEqual(listed);
        expect(described, `${where} ${status}`).toEqual(listed);
        // 426 (not a WebSocket upgrade) is the one status an error is answered with outside the table.
        if (status !== "426") for (const code of listed) expect(statusByCode[code], `${where} ${status} ${code}`).toBe(Number(status));
        if (status !== "426") answered.push(...listed);
      }
      expect(answered.sort(), where).toEqual([...declared].sort());
    }
  });

  it("declares what a state-changing shopper call refuses before anything else, and no read declares it", async () => {
    const { doc } = await fetchDocument();
    const writeCodes = ["invalid_request", "forbidden_origin", "payload_too_large", "unsupported_media_type"];
    for (const path of ["/api/session", "/api/checkout", "/api/checkout/cancel", "/api/orders/{id}/pay", "/api/orders/{id}/cancel"]) {
      expect(doc.paths[path].post["x-error-codes"], path).toEqual(expect.arrayContaining(writeCodes));
    }
    for (const [path, method] of [
      ["/admin/api/sales", "post"],
      ["/admin/api/sales/{sku}", "put"],
    ] as const) {
      expect(doc.paths[path][method]["x-error-codes"], path).toEqual(
        expect.arrayContaining(["invalid_request", "payload_too_large", "unsupported_media_type"]),
      );
    }
    // A GET never reads a body nor checks Origin; but the chat's sockets, which carry a person's
    // conversation, check Origin, lest another site's page open one with their cookie (issue 17).
    const chatSockets = ["GET /api/chat/socket", "GET /admin/api/conversations/{id}/socket"];
    for (const { where, method, operation } of operations(doc)) {
      if (method !== "get") continue;
      for (const code of ["forbidden_origin", "payload_too_large", "unsupported_media_type"]) {
        if (code === "forbidden_origin" && chatSockets.includes(where)) expect(operation["x-error-codes"], where).toContain(code);
        else expect(operation["x-error-codes"], where).not.toContain(code);
      }
    }
  });

  it("gives every admin operation its capability's roles, the staff credentials and what signing in can refuse", async () => {
    const { doc } = await fetchDocument();
    const capabilities: Record<string, Capability | "public"> = {
      "GET /admin/api/sales": "readSales",
      "GET /admin/api/sales/{sku}": "readSales",
      "GET /admin/api/sales/{sku}/history": "readSales",
      "POST /admin/api/sales": "editSales",
      "PUT /admin/api/sales/{sku}": "editSales",
      "POST /admin/api/sales/{sku}/pause": "editSales",
      "POST /admin/api/sales/{sku}/resume": "editSales",
      "GET /admin/api/audit": "readAudit",
      "GET /admin/api/reconciliation": "reconcile",
      "GET /admin/api/sales/{sku}/dead-letters": "readDeadLetters",
      "POST /admin/api/sales/{sku}/dead-letters/retry": "retryDeadLetters",
      "POST /admin/api/session": "public",
      "DELETE /admin/api/session": "public",
      "GET /admin/api/me": "self",
      "GET /admin/api/staff": "manageStaff",
      "POST /admin/api/staff": "manageStaff",
      "PATCH /admin/api/staff/{id}": "manageStaff",
      "GET /admin/api/api-keys": "manageStaff",
      "POST /admin/api/api-keys": "manageStaff",
      "DELETE /admin/api/api-keys/{id}": "manageStaff",
      "POST /admin/api/experiments/stats": "readExperiments",
      "GET /admin/api/shoppers/{id}/profile": "readShoppers",
      "GET /admin/api/shoppers/{id}/events": "readShoppers",
      "GET /admin/api/events/overview": "readShoppers",
      "GET /admin/api/experiments": "readExperiments",
      "POST /admin/api/experiments": "editExperiments",
      "GET /admin/api/experiments/{key}": "readExperiments",
      "PUT /admin/api/experiments/{key}": "editExperiments",
      "POST /admin/api/experiments/{key}/start": "editExperiments",
      "POST /admin/api/experiments/{key}/stop": "editExperiments",
      "GET /admin/api/experiments/{key}/history": "readExperiments",
      "GET /admin/api/experiments/{key}/audit": "readAudit",
      "GET /admin/api/experiments/{key}/results": "readExperiments",
      "GET /admin/api/coupons": "readSales",
      "POST /admin/api/coupons": "editSales",
      "GET /admin/api/coupons/{id}": "readSales",
      "PUT /admin/api/coupons/{id}": "editSales",
      "GET /admin/api/coupons/{id}/history": "readSales",
      "GET /admin/api/coupons/{id}/audit": "readAudit",
      "GET /admin/api/team-campaigns": "readSales",
      "POST /admin/api/team-campaigns": "editSales",
      "GET /admin/api/team-campaigns/{id}": "readSales",
      "PUT /admin/api/team-campaigns/{id}": "editSales",
      "GET /admin/api/team-campaigns/{id}/history": "readSales",
      "GET /admin/api/team-campaigns/{id}/audit": "readAudit",
      "GET /admin/api/stores": "readSales",
      "POST /admin/api/stores": "editSales",
      "GET /admin/api/stores/{id}": "readSales",
      "PUT /admin/api/stores/{id}": "editSales",
      "POST /admin/api/stores/{id}/deactivate": "editSales",
      "POST /admin/api/stores/import": "editSales",
      "GET /admin/api/stores/{id}/staff-tokens": "editSales",
      "POST /admin/api/stores/{id}/staff-tokens": "editSales",
      "DELETE /admin/api/stores/{id}/staff-tokens/{tokenId}": "editSales",
      "GET /admin/api/stores/{id}/audit": "readAudit",
      "GET /admin/api/livestreams": "readSales",
      "POST /admin/api/livestreams": "editSales",
      "GET /admin/api/livestreams/{id}": "readSales",
      "PUT /admin/api/livestreams/{id}": "editSales",
      "GET /admin/api/livestreams/{id}/history": "readSales",
      "GET /admin/api/livestreams/{id}/audit": "readAudit",
      "GET /admin/api/metrics/summary": "readMetrics",
      "GET /admin/api/propagation": "readSales",
      "GET /admin/api/propagation/{campaign}": "readSales",
      "GET /admin/api/store-coupons/stats": "readSales",
      "GET /admin/api/livestreams/{id}/stats": "readSales",
      "GET /admin/api/stores/{id}/stats": "readSales",
      "GET /admin/api/invoices": "readShoppers",
      "GET /admin/api/membership/tiers": "readSales",
      "PUT /admin/api/membership/tiers": "editSales",
      "GET /admin/api/membership/{id}/history": "readSales",
      "GET /admin/api/membership/{id}/audit": "readAudit",
      "GET /admin/api/members/{id}": "readShoppers",
      "GET /admin/api/price-protection/claims": "readSales",
      "GET /admin/api/segments": "readSegments",
      "GET /admin/api/segments/runs": "readSegments",
      "POST /admin/api/segments/runs": "runSegments",
      "GET /admin/api/segments/shoppers/{id}": "readShoppers",
      "GET /admin/api/segments/{segment}/export.csv": "readSegments",
      "GET /admin/api/audiences": "readAudiences",
      "POST /admin/api/audiences": "editAudiences",
      "GET /admin/api/audiences/{id}": "readAudiences",
      "GET /admin/api/audiences/{id}/export.csv": "readAudiences",
      "POST /admin/api/orders/{id}/refunds": "refundOrders",
      "GET /admin/api/orders/{id}/refunds": "readSales",
      "GET /admin/api/shoppers/{id}/points": "readShoppers",
      "GET /admin/api/crm/webhooks": "readCrm",
      "PUT /admin/api/crm/webhooks": "editCrm",
      "GET /admin/api/crm/deliveries": "readCrm",
      "POST /admin/api/crm/deliveries/{id}/resend": "editCrm",
      "GET /admin/api/crm/keys": "manageCrmKeys",
      "POST /admin/api/crm/keys": "manageCrmKeys",
      "DELETE /admin/api/crm/keys/{keyId}": "manageCrmKeys",
      "GET /admin/api/crm/config/{id}/history": "readSales",
      "GET /admin/api/crm/config/{id}/audit": "readAudit",
      "GET /admin/api/adviser-board": "readAdviserBoard",
      "GET /admin/api/adviser-board/settings": "readAdviserBoard",
      "PUT /admin/api/adviser-board/settings": "editAdviserBoard",
      "GET /admin/api/adviser-board/{id}/history": "readSales",
      "GET /admin/api/adviser-board/{id}/audit": "readAudit",
      "GET /admin/api/sequences": "readFollowUps",
      "POST /admin/api/sequences": "editFollowUps",
      "GET /admin/api/sequences/{id}": "readFollowUps",
      "PUT /admin/api/sequences/{id}": "editFollowUps",
      "GET /admin/api/sequences/{id}/figures": "readFollowUps",
      "GET /admin/api/sequences/{id}/history": "readSales",
      "GET /admin/api/sequences/{id}/audit": "readAudit",
      "GET /admin/api/advisers": "manageAdvisers",
      "POST /admin/api/advisers": "manageAdvisers",
      "PATCH /admin/api/advisers/{id}": "manageAdvisers",
      "DELETE /admin/api/advisers/{id}": "manageAdvisers",
      "GET /admin/api/conversations": "serveShoppers",
      "GET /admin/api/conversations/{id}": "serveShoppers",
      "POST /admin/api/conversations/{id}/messages": "serveShoppers",
      "POST /admin/api/conversations/{id}/resolve": "serveShoppers",
      "POST /admin/api/conversations/{id}/reopen": "serveShoppers",
      "PUT /admin/api/conversations/{id}/wecom-user": "serveShoppers",
      // Issue 18, part E: recommendations.
      "GET /admin/api/recommendations/models": "readRecs",
      "POST /admin/api/recommendations/models": "editRecs",
      "POST /admin/api/recommendations/models/{version}/activate": "editRecs",
      "POST /admin/api/recommendations/models/rollback": "editRecs",
      "GET /admin/api/recommendations/audit": "readAudit",
      "GET /admin/api/recommendations/ctr": "readRecs",
      "GET /admin/api/conversations/{id}/socket": "serveShoppers",
      // Issue 18, part A.
      "GET /admin/api/ad-campaigns": "readAds",
      "POST /admin/api/ad-campaigns": "editAds",
      "GET /admin/api/ad-campaigns/{id}": "readAds",
      "PUT /admin/api/ad-campaigns/{id}": "editAds",
      "GET /admin/api/ad-campaigns/{id}/export": "readAds",
      "GET /admin/api/ad-campaigns/{id}/history": "readSales",
      "GET /admin/api/ad-campaigns/{id}/audit": "readAudit",
      "POST /admin/api/ad-creatives": "editAds",
      "GET /admin/api/ad-creatives": "readAds",
      "GET /admin/api/ad-creatives/{id}": "readAds",
      // Issue 18, part B.
      "GET /admin/api/ad-campaigns/{id}/report": "readAds",
      // Issue 19: demand forecasts.
      "GET /admin/api/forecasts": "readForecasts",
      "GET /admin/api/forecasts/{kind}/{key}": "readForecasts",
      "POST /admin/api/forecasts/runs": "editForecasts",
      "GET /admin/api/forecasts/runs/{id}": "readForecasts",
    };
    const admin = operations(doc).filter((o) => o.path.startsWith("/admin/api/"));
    for (const { where, operation } of admin) {
      const capability = capabilities[where];
      expect(capability, `${where}: which capability does it need?`).toBeDefined();
      if (capability === undefined) continue;
      if (capability === "public") {
        // Signing in and out: no credential, no role.
        expect(operation.security, where).toEqual([]);
        expect(operation["x-roles"], where).toBeUndefined();
        expect(operation["x-error-codes"], where).not.toContain("forbidden");
        continue;
      }
      expect(operation["x-roles"], where).toEqual([...ADMITS[capability]]);
      expect(operation["x-admits"], where).toBe(capability);
      expect(operation.description, where).toContain(ADMITS[capability].join(", "));
      expect(operation.security, where).toEqual([{ adminToken: [] }, { adminSession: [] }, { cloudflareAccess: [] }]);
      expect(operation["x-error-codes"], where).toEqual(expect.arrayContaining(["unauthorized", "admin_closed", "forbidden"]));
    }
    expect(admin.map((o) => o.where).sort()).toEqual(Object.keys(capabilities).sort());
    // The shopper API takes no staff credential.
    for (const { where, operation } of operations(doc).filter((o) => o.path.startsWith("/api/"))) {
      expect(JSON.stringify(operation.security), where).not.toMatch(/admin|Access/);
    }
  });

  it("documents staff sign-in and management: bodies by reference, every refusal, Retry-After on 429, never a hash", async () => {
    const { doc } = await fetchDocument();
    const bodyOf = (path: string, method: string) => doc.paths[path][method].requestBody.content["application/json"].schema;
    const signIn = doc.paths["/admin/api/session"].post;
    expect(bodyOf("/admin/api/session", "post")).toEqual({ $ref: "#/components/schemas/StaffSignIn" });
    expect([...signIn["x-error-codes"]].sort()).toEqual(
      [
        "invalid_request",
        "unsupported_media_type",
        "payload_too_large",
        "forbidden_origin",
        "unauthorized",
        "rate_limited",
        "admin_closed",
        "dependency_unavailable",
        "internal",
      ].sort(),
    );
    expect(signIn.responses["429"].headers["Retry-After"]).toMatchObject({ schema: { type: "integer" } });
    expect(signIn.responses["200"].headers).toHaveProperty("Set-Cookie");
    expect(doc.paths["/admin/api/session"].delete["x-error-codes"].sort()).toEqual(["forbidden_origin", "internal"]);
    expect(doc.paths["/admin/api/session"].delete.responses["204"]).toBeDefined();

    for (const [path, method, body] of [
      ["/admin/api/staff", "post", "NewStaffAccount"],
      ["/admin/api/staff/{id}", "patch", "StaffAccountPatch"],
      ["/admin/api/api-keys", "post", "NewApiKey"],
    ] as const) {
      expect(bodyOf(path, method), path).toEqual({ $ref: `#/components/schemas/${body}` });
      expect(doc.paths[path][method]["x-error-codes"], path).toEqual(
        expect.arrayContaining(["invalid_request", "payload_too_large", "unsupported_media_type", "forbidden_origin"]),
      );
    }
    expect(doc.paths["/admin/api/staff"].post["x-error-codes"]).toContain("conflict");
    expect(doc.paths["/admin/api/staff/{id}"].patch["x-error-codes"]).toContain("not_found");
    expect(doc.paths["/admin/api/api-keys/{id}"].delete["x-error-codes"]).toContain("not_found");
    // The key name's pattern is the one validated, usable as it is (not `…$/u`).
    const keyName = new RegExp(doc.components.schemas.NewApiKey.properties.name.pattern, "u");
    expect(["warehouse", "王芳 CRM"].every((name) => keyName.test(name))).toBe(true);
    expect(keyName.test("-dash first")).toBe(false);

    const { StaffAccount, ApiKey, StaffIdentity } = doc.components.schemas;
    expect(StaffAccount.required).toEqual(
      expect.arrayContaining(["id", "email", "role", "stores", "hasPassword", "disabledAt", "createdAt"]),
    );
    expect(ApiKey.required).toEqual(expect.arrayContaining(["id", "name", "role", "createdBy", "lastUsedAt", "revokedAt"]));
    expect(StaffIdentity.properties.via.enum).toEqual(["token", "session", "access", "api_key"]);
    for (const secret of ["passwordHash", "secretHash", "sessionsValidAfter"]) {
      expect(StaffAccount.properties, secret).not.toHaveProperty(secret);
      expect(ApiKey.properties, secret).not.toHaveProperty(secret);
    }
  });

  it("lists every error code with the status the error handler really answers", async () => {
    const { doc } = await fetchDocument();
    const error = doc.components.schemas.Error;
    expect(error.required).toEqual(["error"]);
    expect(error.properties.error.required).toEqual(["code", "message"]);
    expect([...error.properties.error.properties.code.enum].sort()).toEqual([...ERROR_CODES].sort());
    const documented: Record<string, number> = error["x-status-by-code"];
    for (const code of ERROR_CODES) {
      expect(documented[code], code).toBe(await realStatus(code));
      expect(documented[code], code).toBe(statusOf(code));
    }
  });
});
