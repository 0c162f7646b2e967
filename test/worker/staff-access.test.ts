import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { StaffIdentity } from "../../src/staff/identity.ts";
import { asOwner, call, errorOf, freshEmail, makeAccount } from "./staff-support.ts";

/**
 * Cloudflare Access in front of admin, through the Worker's own authentication. workerd
 * cannot listen for HTTP inside a test, so the team's JWKS is answered at the fetch the
 * Worker makes for it (every other fetch goes through); the verification itself runs
 * against a served key set over HTTP in test/unit/staff-access.test.ts.
 */
const TEAM = "flashsale-test";
const ISSUER = `https://${TEAM}.cloudflareaccess.com`;
const AUD = "aud-tag-for-the-admin-application";
const CERTS = `https://access-keys.test/${crypto.randomUUID()}/cdn-certs/jwks`;
const ACCESS_ENV = { ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD, ACCESS_CERTS_URL: CERTS };

let key: { privateKey: CryptoKey; jwk: JWK };
let jwksFetches = 0;

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  key = { privateKey, jwk: { ...(await exportJWK(publicKey)), kid: "k1", alg: "RS256" } };
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url !== CERTS) return realFetch(input, init);
    jwksFetches++;
    return Promise.resolve(Response.json({ keys: [key.jwk] }));
  });
});
afterAll(() => vi.restoreAllMocks());

function assertion(email: string, options: { aud?: string; exp?: number } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ email, type: "app" })
    .setProtectedHeader({ alg: "RS256", kid: "k1" })
    .setIssuer(ISSUER)
    .setAudience([options.aud ?? AUD])
    .setIssuedAt(now - 60)
    .setExpirationTime(options.exp ?? now + 3600)
    .sign(key.privateKey);
}

const viaAccess = async (jwt: string, path = "/me") => call(path, { headers: { "Cf-Access-Jwt-Assertion": jwt }, env: ACCESS_ENV });

describe("Cloudflare Access", () => {
  it("signs in an active staff account by the assertion's email", async () => {
    const account = await makeAccount("analyst", { password: null });
    const response = await viaAccess(await assertion(account.email.toUpperCase()));
    expect(response.status).toBe(200);
    const { staff } = await response.json<{ staff: StaffIdentity }>();
    expect(staff).toEqual({ id: account.id, name: account.name, email: account.email, role: "analyst", stores: [], via: "access" });
    expect(jwksFetches).toBeGreaterThan(0);
  });

  it("answers 403 forbidden to a verified email with no account, or a disabled one", async () => {
    const unknown = await viaAccess(await assertion(freshEmail("stranger")));
    expect(unknown.status).toBe(403);
    expect((await errorOf(unknown)).code).toBe("forbidden");
    const account = await makeAccount("marketer");
    expect((await asOwner(`/staff/${account.id}`, { method: "PATCH", body: { disabled: true } })).status).toBe(200);
    expect((await viaAccess(await assertion(account.email))).status).toBe(403);
  });

  it("answers 401 to an assertion for another application, an expired one, or a forged one", async () => {
    const account = await makeAccount("marketer");
    const other = await viaAccess(await assertion(account.email, { aud: "another-app" }));
    expect(other.status).toBe(401);
    expect(other.headers.get("WWW-Authenticate")).toBe('Bearer realm="admin"');
    expect((await viaAccess(await assertion(account.email, { exp: Math.floor(Date.now() / 1000) - 10 }))).status).toBe(401);
    const { privateKey } = await generateKeyPair("RS256");
    const forged = await new SignJWT({ email: account.email })
      .setProtectedHeader({ alg: "RS256", kid: "k1" })
      .setIssuer(ISSUER)
      .setAudience(AUD)
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(privateKey);
    expect((await viaAccess(forged)).status).toBe(401);
  });

  it("ignores the header when Access is not configured: anyone could send it", async () => {
    const account = await makeAccount("owner");
    const response = await call("/me", { headers: { "Cf-Access-Jwt-Assertion": await assertion(account.email) } });
    expect(response.status).toBe(401);
  });

  it("opens admin on its own, with no ADMIN_TOKEN or local accounts", async () => {
    const account = await makeAccount("marketer");
    const response = await call("/sales", {
      headers: { "Cf-Access-Jwt-Assertion": await assertion(account.email) },
      env: { ...ACCESS_ENV, ADMIN_TOKEN: "", STAFF_SESSION_SECRET: "" },
    });
    expect(response.status).toBe(200);
  });
});
