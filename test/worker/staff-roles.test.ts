import { beforeAll, describe, expect, it } from "vitest";
import { ADMITS, ROLES, type Capability, type Role } from "../../src/staff/roles.ts";
import { adminApi } from "../../workers/storefront/admin/index.ts";
import { call, errorOf, freshAddress, makeAccount, makeApiKey, PASSWORD, signIn } from "./staff-support.ts";

/**
 * Every role against every admin route (issue 11): each role holds an API key, and calls
 * every route the admin API serves. A role the route's capability admits (ADMITS) gets past
 * admission (whatever the route then answers to a probe, never 401 or 403); any other role
 * is 403 `forbidden`, naming its role and the roles admitted. A route served but missing
 * from this table fails the test: each new route must say who may call it.
 */
const CAPABILITY_OF: Record<string, Capability | "public"> = {
  "GET /advisers": "manageAdvisers",
  "POST /advisers": "manageAdvisers",
  "PATCH /advisers/:id": "manageAdvisers",
  "DELETE /advisers/:id": "manageAdvisers",
  "GET /conversations": "serveShoppers",
  "GET /conversations/:id": "serveShoppers",
  "POST /conversations/:id/messages": "serveShoppers",
  "POST /conversations/:id/resolve": "serveShoppers",
  "POST /conversations/:id/reopen": "serveShoppers",
  "PUT /conversations/:id/wecom-user": "serveShoppers",
  "GET /conversations/:id/socket": "serveShoppers",
  "GET /reconciliation": "reconcile",
  "GET /sales": "readSales",
  "POST /sales": "editSales",
  "GET /sales/:sku": "readSales",
  "PUT /sales/:sku": "editSales",
  "POST /sales/:sku/pause": "editSales",
  "POST /sales/:sku/resume": "editSales",
  "GET /sales/:sku/history": "readSales",
  "GET /audit": "readAudit",
  "GET /sales/:sku/dead-letters": "readDeadLetters",
  "POST /sales/:sku/dead-letters/retry": "retryDeadLetters",
  "POST /session": "public",
  "DELETE /session": "public",
  "GET /me": "self",
  "GET /staff": "manageStaff",
  "POST /staff": "manageStaff",
  "PATCH /staff/:id": "manageStaff",
  "GET /api-keys": "manageStaff",
  "POST /api-keys": "manageStaff",
  "DELETE /api-keys/:id": "manageStaff",
  "POST /experiments/stats": "readExperiments",
  "GET /shoppers/:id/profile": "readShoppers",
  "GET /shoppers/:id/events": "readShoppers",
  "GET /events/overview": "readShoppers",
  "GET /experiments": "readExperiments",
  "POST /experiments": "editExperiments",
  "GET /experiments/:key": "readExperiments",
  "PUT /experiments/:key": "editExperiments",
  "POST /experiments/:key/start": "editExperiments",
  "POST /experiments/:key/stop": "editExperiments",
  "GET /experiments/:key/history": "readExperiments",
  "GET /experiments/:key/audit": "readAudit",
  "GET /experiments/:key/results": "readExperiments",
  "GET /metrics/summary": "readMetrics",
  "GET /coupons": "readSales",
  "POST /coupons": "editSales",
  "GET /coupons/:id": "readSales",
  "PUT /coupons/:id": "editSales",
  "GET /coupons/:id/history": "readSales",
  "GET /coupons/:id/audit": "readAudit",
  "GET /team-campaigns": "readSales",
  "POST /team-campaigns": "editSales",
  "GET /team-campaigns/:id": "readSales",
  "PUT /team-campaigns/:id": "editSales",
  "GET /team-campaigns/:id/history": "readSales",
  "GET /team-campaigns/:id/audit": "readAudit",
  "GET /livestreams": "readSales",
  "POST /livestreams": "editSales",
  "GET /livestreams/:id": "readSales",
  "PUT /livestreams/:id": "editSales",
  "GET /livestreams/:id/history": "readSales",
  "GET /livestreams/:id/audit": "readAudit",
  "GET /livestreams/:id/stats": "readSales",
  "GET /crm/webhooks": "readCrm",
  "PUT /crm/webhooks": "editCrm",
  "GET /crm/deliveries": "readCrm",
  "POST /crm/deliveries/:id/resend": "editCrm",
  "GET /crm/keys": "manageCrmKeys",
  "POST /crm/keys": "manageCrmKeys",
  "DELETE /crm/keys/:keyId": "manageCrmKeys",
  "GET /crm/config/:id/history": "readSales",
  "GET /crm/config/:id/audit": "readAudit",
  "GET /stores/:id/stats": "readSales",
  "GET /store-coupons/stats": "readSales",
  "GET /propagation": "readSales",
  "GET /propagation/:campaign": "readSales",
  "GET /stores": "readSales",
  "POST /stores": "editSales",
  "GET /stores/:id": "readSales",
  "PUT /stores/:id": "editSales",
  "POST /stores/:id/deactivate": "editSales",
  "POST /stores/import": "editSales",
  "GET /stores/:id/staff-tokens": "editSales",
  "POST /stores/:id/staff-tokens": "editSales",
  "DELETE /stores/:id/staff-tokens/:tokenId": "editSales",
  "GET /stores/:id/audit": "readAudit",
  "POST /orders/:id/refunds": "refundOrders",
  "GET /orders/:id/refunds": "readSales",
  "GET /shoppers/:id/points": "readShoppers",
  "GET /invoices": "readShoppers",
  "GET /membership/tiers": "readSales",
  "PUT /membership/tiers": "editSales",
  "GET /membership/:id/history": "readSales",
  "GET /membership/:id/audit": "readAudit",
  "GET /members/:id": "readShoppers",
  "GET /price-protection/claims": "readSales",
  "GET /adviser-board": "readAdviserBoard",
  "GET /adviser-board/settings": "readAdviserBoard",
  "PUT /adviser-board/settings": "editAdviserBoard",
  "GET /adviser-board/:id/history": "readSales",
  "GET /adviser-board/:id/audit": "readAudit",
  "GET /segments": "readSegments",
  "GET /segments/runs": "readSegments",
  "POST /segments/runs": "runSegments",
  "GET /segments/shoppers/:id": "readShoppers",
  "GET /segments/:segment/export.csv": "readSegments",
  "GET /audiences": "readAudiences",
  "POST /audiences": "editAudiences",
  "GET /audiences/:id": "readAudiences",
  "GET /audiences/:id/export.csv": "readAudiences",
  "GET /sequences": "readFollowUps",
  "POST /sequences": "editFollowUps",
  "GET /sequences/:id": "readFollowUps",
  "PUT /sequences/:id": "editFollowUps",
  "GET /sequences/:id/figures": "readFollowUps",
  "GET /sequences/:id/history": "readSales",
  "GET /sequences/:id/audit": "readAudit",
  // Issue 18, part A: ad campaigns and creative images.
  "GET /ad-campaigns": "readAds",
  "POST /ad-campaigns": "editAds",
  "GET /ad-campaigns/:id": "readAds",
  "PUT /ad-campaigns/:id": "editAds",
  "GET /ad-campaigns/:id/export": "readAds",
  "GET /ad-campaigns/:id/history": "readSales",
  "GET /ad-campaigns/:id/audit": "readAudit",
  // Issue 18, part B: a campaign's CTR report.
  "GET /ad-campaigns/:id/report": "readAds",
  "POST /ad-creatives": "editAds",
  "GET /ad-creatives": "readAds",
  "GET /ad-creatives/:id": "readAds",
  // Issue 18, part E: recommendations.
  "GET /recommendations/models": "readRecs",
  "POST /recommendations/models": "editRecs",
  "POST /recommendations/models/:version/activate": "editRecs",
  "POST /recommendations/models/rollback": "editRecs",
  "GET /recommendations/audit": "readAudit",
  "GET /recommendations/ctr": "readRecs",
  // Issue 19: demand forecasts.
  "GET /forecasts": "readForecasts",
  "GET /forecasts/:kind/:key": "readForecasts",
  "POST /forecasts/runs": "editForecasts",
  "GET /forecasts/runs/:id": "readForecasts",
};

/** "METHOD /path" of every route the admin API serves (middleware registered for all methods left out). */
function servedRoutes(): string[] {
  return [...new Set(adminApi.routes.filter((r) => r.method !== "ALL").map((r) => `${r.method} ${r.path}`))].sort();
}

/** A harmless probe of a route: ids that name nothing, an empty JSON body. Admitted, it is a 200, 400 or 404. */
function probe(route: string): { method: string; path: string; body?: unknown } {
  const [method, path] = route.split(" ") as [string, string];
  const concrete = path
    .replace(":sku", "no-such-sku-for-roles")
    .replace(":key", "no-such-experiment-for-roles")
    .replace(":campaign", "no-such-campaign-for-roles")
    .replace(/\/staff\/:id$/, "/staff/stf_000000000000000000000000")
    .replace(/\/api-keys\/:id$/, "/api-keys/0000000000000000")
    .replace(/\/shoppers\/:id\//, "/shoppers/shp_nobody_for_roles/");
  return method === "GET" || method === "DELETE" ? { method, path: concrete } : { method, path: concrete, body: {} };
}

const keys = new Map<Role, string>();

beforeAll(async () => {
  for (const role of ROLES) keys.set(role, (await makeApiKey(role)).key);
});

describe("roles against admin routes", () => {
  it("classifies every route the admin API serves", () => {
    expect(servedRoutes()).toEqual(Object.keys(CAPABILITY_OF).sort());
  });

  const routes = Object.entries(CAPABILITY_OF).filter((entry): entry is [string, Capability] => entry[1] !== "public");
  describe.each(routes)("%s (%s)", (route, capability) => {
    const admitted: readonly Role[] = ADMITS[capability];
    it.each(ROLES)("as %s", async (role) => {
      const { method, path, body } = probe(route);
      const response = await call(path, { method, body, bearer: keys.get(role)! });
      if (admitted.includes(role)) {
        expect([401, 403], `${role} on ${route}: ${response.status} ${await response.clone().text()}`).not.toContain(response.status);
      } else {
        expect(response.status, `${role} on ${route}`).toBe(403);
        expect(await errorOf(response)).toMatchObject({ code: "forbidden", role, admits: [...admitted] });
      }
    });
  });

  it("needs no credential to sign in or out", async () => {
    expect((await call("/session", { method: "DELETE" })).status).toBe(204);
    expect(
      (
        await call("/session", {
          body: { email: "nobody@example.com", password: "wrong password" },
          headers: { "CF-Connecting-IP": freshAddress() },
        })
      ).status,
    ).toBe(401);
  });

  it("decides the same for a role signed in with a session as with a key", async () => {
    const account = await makeAccount("analyst");
    const { cookie } = await signIn(account.email, PASSWORD, freshAddress());
    expect((await call("/audit", { cookie })).status).toBe(200);
    const refused = await call("/staff", { cookie });
    expect(refused.status).toBe(403);
    expect(await errorOf(refused)).toMatchObject({ code: "forbidden", role: "analyst", admits: ["owner"] });
  });
});
