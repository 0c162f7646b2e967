import { SESSION_COOKIE } from "../api/session.ts";
import { STAFF_SESSION_COOKIE } from "../admin/auth.ts";

/**
 * How callers prove who they are, as OpenAPI security schemes; routes name them in their
 * `security` through their middleware's contracts (api/session.ts, contract/admin-route.ts).
 * Served in the document's `components.securitySchemes` (contract/document.ts).
 */
export const SECURITY_SCHEMES = {
  session: {
    type: "apiKey",
    in: "cookie",
    name: SESSION_COOKIE,
    description:
      "A random shopper id in an HMAC-signed (SESSION_SECRET), HttpOnly, SameSite=Lax cookie valid 30 days. A request without a valid one is issued a new identity (Set-Cookie); order ownership and the per-shopper limit hang on it.",
  },
  adminToken: {
    type: "http",
    scheme: "bearer",
    description: "ADMIN_TOKEN (break-glass, acts as an owner) or a staff API key (`fsk_…`, the role of its account)",
  },
  adminSession: {
    type: "apiKey",
    in: "cookie",
    name: STAFF_SESSION_COOKIE,
    description:
      "A staff session from signing in with a local account (STAFF_SESSION_SECRET); a call that changes anything must come from this origin",
  },
  metricsToken: {
    type: "http",
    scheme: "bearer",
    description: "METRICS_TOKEN, for a Prometheus scraper on GET /metrics only; /metrics is closed (401) unless it is set",
  },
  storeStaffToken: {
    type: "http",
    scheme: "bearer",
    description: "A store staff token (`sst_<tokenId>_<secret>`), issued in the console for one store (issue 15); revoked in the console",
  },
  crmApiKey: {
    type: "http",
    scheme: "bearer",
    description:
      "A CRM API key (`crm_<keyId>_<secret>`, issue 16), created in the console with its scopes (`members:read`, `points:write`, `benefits:write`) and shown once; revoked there. The API is closed until a key exists",
  },
  cloudflareAccess: {
    type: "apiKey",
    in: "header",
    name: "Cf-Access-Jwt-Assertion",
    description: "A Cloudflare Access assertion, when Access is configured: the email must be an active staff account",
  },
} as const;
