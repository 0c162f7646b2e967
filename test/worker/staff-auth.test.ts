import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { databaseSettings } from "../../src/config.ts";
import { withDatabase } from "../../src/db/client.ts";
import type { StaffIdentity } from "../../src/staff/identity.ts";
import { setPassword } from "../../src/staff/manage.ts";
import type { PresentedApiKey } from "../../src/staff/present.ts";
import { issueStaffSession, STAFF_SESSION_TTL_MS } from "../../src/staff/session-token.ts";
import { TEST_SECRETS } from "../support/test-secrets.ts";
import {
  asOwner,
  call,
  errorOf,
  freshAddress,
  freshEmail,
  makeAccount,
  makeApiKey,
  ORIGIN,
  PASSWORD,
  sessionCookie,
  signIn,
  STAFF_SECRET,
} from "./staff-support.ts";

const me = async (init: Parameters<typeof call>[1]) => call("/me", init);
const staffOf = async (response: Response) => (await response.json<{ staff: StaffIdentity }>()).staff;

describe("signing in with a staff account", () => {
  it("sets an HttpOnly, SameSite=Strict, Secure cookie under /admin that then works on admin routes", async () => {
    const account = await makeAccount("marketer", { name: "王芳" });
    const { response, cookie } = await signIn(account.email.toUpperCase(), PASSWORD, freshAddress());
    expect(response.status).toBe(200);
    expect(await staffOf(response)).toEqual({
      id: account.id,
      name: "王芳",
      email: account.email,
      role: "marketer",
      stores: [],
      via: "session",
    });
    const set = response.headers.get("Set-Cookie")!;
    expect(set).toMatch(/^fs_staff=/);
    for (const attribute of ["HttpOnly", "Secure", "SameSite=Strict", "Path=/admin", `Max-Age=${STAFF_SESSION_TTL_MS / 1000}`])
      expect(set).toContain(attribute);
    expect(response.headers.get("Cache-Control")).toBe("no-store");

    expect(await staffOf(await me({ cookie }))).toMatchObject({ id: account.id, via: "session" });
    expect((await call("/sales", { cookie })).status).toBe(200);
  });

  it("answers a wrong password and an unknown email alike, 401 with WWW-Authenticate", async () => {
    const account = await makeAccount("analyst");
    const address = freshAddress();
    const wrong = await signIn(account.email, "not the password at all", address);
    const unknown = await signIn(freshEmail("nobody"), "not the password at all", address);
    for (const { response, cookie } of [wrong, unknown]) {
      expect(response.status).toBe(401);
      expect(response.headers.get("WWW-Authenticate")).toBe('Bearer realm="admin"');
      expect(cookie).toBe("");
    }
    expect(await errorOf(wrong.response)).toEqual(await errorOf(unknown.response));
  });

  it("refuses the sixth failed try for one email with 429 and Retry-After, even with the right password", async () => {
    const account = await makeAccount("marketer");
    for (let i = 0; i < 5; i++) expect((await signIn(account.email, `wrong password ${i}`, freshAddress())).response.status).toBe(401);
    const limited = await signIn(account.email, PASSWORD, freshAddress());
    expect(limited.response.status).toBe(429);
    expect(limited.cookie).toBe("");
    const error = await errorOf(limited.response);
    expect(error.code).toBe("rate_limited");
    const retryAfter = Number(limited.response.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(error.retryAfter).toBe(retryAfter);
    // Another account is not held back by this one's failures.
    const other = await makeAccount("marketer");
    expect((await signIn(other.email, PASSWORD, freshAddress())).response.status).toBe(200);
  });

  it("refuses the 21st failed try from one address, whatever the email", async () => {
    const address = freshAddress();
    for (let i = 0; i < 20; i++) expect((await signIn(freshEmail("guess"), "some wrong password", address)).response.status).toBe(401);
    const account = await makeAccount("owner");
    expect((await signIn(account.email, PASSWORD, address)).response.status).toBe(429);
    expect((await signIn(account.email, PASSWORD, freshAddress())).response.status).toBe(200);
  });

  it("counts only failures: signing in again and again is never limited", async () => {
    const account = await makeAccount("analyst");
    const address = freshAddress();
    for (let i = 0; i < 8; i++) expect((await signIn(account.email, PASSWORD, address)).response.status).toBe(200);
  });

  it("needs JSON, a same-site Origin and a well-formed body; every problem listed", async () => {
    const address = { "CF-Connecting-IP": freshAddress() };
    expect(
      (await call("/session", { body: "email=a&password=b", headers: { ...address, "Content-Type": "application/x-www-form-urlencoded" } }))
        .status,
    ).toBe(415);
    const foreign = await call("/session", {
      body: { email: "a@example.com", password: "x" },
      headers: { ...address, Origin: "https://evil.example" },
    });
    expect(foreign.status).toBe(403);
    expect((await errorOf(foreign)).code).toBe("forbidden_origin");
    const bad = await call("/session", { body: { email: "", extra: true }, headers: address });
    expect(bad.status).toBe(400);
    expect(((await errorOf(bad)).problems as string[]).map((p) => p.split(":")[0])).toEqual(
      expect.arrayContaining(["email", "password", "body"]),
    );
  });

  it("is closed without STAFF_SESSION_SECRET (503 admin_closed), while ADMIN_TOKEN still opens admin", async () => {
    const response = await call("/session", {
      body: { email: "a@example.com", password: "whatever it is" },
      env: { STAFF_SESSION_SECRET: "" },
    });
    expect(response.status).toBe(503);
    expect((await errorOf(response)).code).toBe("admin_closed");
  });

  it("refuses an account with no password (Access only) like a wrong password", async () => {
    const account = await makeAccount("marketer", { password: null });
    expect(account.hasPassword).toBe(false);
    expect((await signIn(account.email, "", freshAddress())).response.status).toBe(400);
    expect((await signIn(account.email, "any password at all", freshAddress())).response.status).toBe(401);
  });
});

describe("staff sessions", () => {
  it("end with sign-out: the cookie is cleared", async () => {
    const account = await makeAccount("analyst");
    const { cookie } = await signIn(account.email, PASSWORD, freshAddress());
    const out = await call("/session", { method: "DELETE", cookie, headers: { Origin: ORIGIN } });
    expect(out.status).toBe(204);
    const cleared = out.headers.get("Set-Cookie")!;
    expect(cleared).toMatch(/^fs_staff=;/);
    expect(cleared).toContain("Max-Age=0");
    expect(cleared).toContain("Path=/admin");
    expect(sessionCookie(out)).toBe("");
  });

  it("are refused once the account is disabled, and stay refused after it is enabled again", async () => {
    const account = await makeAccount("marketer");
    const { cookie } = await signIn(account.email, PASSWORD, freshAddress());
    expect((await me({ cookie })).status).toBe(200);
    const disabled = await asOwner(`/staff/${account.id}`, { method: "PATCH", body: { disabled: true } });
    expect(disabled.status).toBe(200);
    expect((await disabled.json<{ staff: { disabledAt: number | null } }>()).staff.disabledAt).toBeTypeOf("number");
    const refused = await me({ cookie });
    expect(refused.status).toBe(401);
    expect((await errorOf(refused)).code).toBe("unauthorized");
    expect((await signIn(account.email, PASSWORD, freshAddress())).response.status).toBe(401);

    expect((await asOwner(`/staff/${account.id}`, { method: "PATCH", body: { disabled: false } })).status).toBe(200);
    expect((await me({ cookie })).status).toBe(401);
    const again = await signIn(account.email, PASSWORD, freshAddress());
    expect((await me({ cookie: again.cookie })).status).toBe(200);
  });

  it("are all ended by a new password", async () => {
    const account = await makeAccount("analyst");
    const { cookie } = await signIn(account.email, PASSWORD, freshAddress());
    await withDatabase(databaseSettings(env), (db) => setPassword(db, account.id, "the new passphrase 2027", Date.now() + 1));
    expect((await me({ cookie })).status).toBe(401);
    expect((await signIn(account.email, PASSWORD, freshAddress())).response.status).toBe(401);
    expect((await signIn(account.email, "the new passphrase 2027", freshAddress())).response.status).toBe(200);
  });

  it("expire after 12 hours, and a cookie not signed with the staff secret is nobody", async () => {
    const account = await makeAccount("analyst");
    const stale = await issueStaffSession(account.id, STAFF_SECRET, Date.now() - STAFF_SESSION_TTL_MS - 1);
    expect((await me({ cookie: `fs_staff=${encodeURIComponent(stale.token)}` })).status).toBe(401);
    const fresh = await issueStaffSession(account.id, STAFF_SECRET, Date.now());
    expect((await me({ cookie: `fs_staff=${encodeURIComponent(fresh.token)}` })).status).toBe(200);
    const shopperSecret = await issueStaffSession(account.id, TEST_SECRETS.SESSION_SECRET, Date.now());
    expect((await me({ cookie: `fs_staff=${encodeURIComponent(shopperSecret.token)}` })).status).toBe(401);
  });

  it("must come from this origin to change anything: a cookie-authenticated POST from another site is 403", async () => {
    const account = await makeAccount("owner");
    const { cookie } = await signIn(account.email, PASSWORD, freshAddress());
    const body = { name: "from a page", role: "integration" };
    const foreign = await call("/api-keys", { cookie, body, headers: { Origin: "https://evil.example" } });
    expect(foreign.status).toBe(403);
    expect((await errorOf(foreign)).code).toBe("forbidden_origin");
    const keys = await (await asOwner("/api-keys")).json<{ apiKeys: PresentedApiKey[] }>();
    expect(keys.apiKeys.some((k) => k.createdBy === account.email && k.name === "from a page")).toBe(false);
    // Reading is not a change; the same page may read.
    expect((await call("/staff", { cookie, headers: { Origin: "https://evil.example" } })).status).toBe(200);
    const own = await call("/api-keys", { cookie, body, headers: { Origin: ORIGIN } });
    expect(own.status).toBe(201);
    expect((await own.json<{ apiKey: PresentedApiKey }>()).apiKey.createdBy).toBe(account.email);
    // A bearer credential is not sent by a browser on its own: no Origin rule for it.
    expect((await asOwner("/api-keys", { body, headers: { Origin: "https://evil.example" } })).status).toBe(201);
  });

  it("carry a store member's stores", async () => {
    const account = await makeAccount("store_staff", { stores: ["sh-02", "sh-01"] });
    const { cookie } = await signIn(account.email, PASSWORD, freshAddress());
    expect(await staffOf(await me({ cookie }))).toMatchObject({ role: "store_staff", stores: ["sh-01", "sh-02"] });
  });
});

describe("API keys", () => {
  it("work as a bearer credential, record their last use after the answer, and are 401 once revoked", async () => {
    const { key, apiKey } = await makeApiKey("integration");
    expect(apiKey.lastUsedAt).toBeNull();
    const response = await call("/sales", { bearer: key });
    expect(response.status).toBe(200);
    expect(await staffOf(await me({ bearer: key }))).toEqual({
      id: apiKey.id,
      name: "test integration",
      email: null,
      role: "integration",
      stores: [],
      via: "api_key",
    });
    const listed = (await (await asOwner("/api-keys")).json<{ apiKeys: PresentedApiKey[] }>()).apiKeys.find((k) => k.id === apiKey.id)!;
    expect(listed.lastUsedAt).toBeTypeOf("number");
    expect(JSON.stringify(listed)).not.toContain(key.slice(-43));

    const revoked = await asOwner(`/api-keys/${apiKey.id}`, { method: "DELETE" });
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toMatchObject({ apiKey: { id: apiKey.id }, changed: true });
    const again = await asOwner(`/api-keys/${apiKey.id}`, { method: "DELETE" });
    expect(await again.json()).toMatchObject({ changed: false });
    const refused = await call("/sales", { bearer: key });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("WWW-Authenticate")).toBe('Bearer realm="admin"');
  });

  it("refuse a key that is not one: a changed secret, an unknown id, a malformed one", async () => {
    const { key } = await makeApiKey("analyst");
    const changed = `${key.slice(0, -1)}${key.endsWith("A") ? "B" : "A"}`;
    for (const bearer of [changed, `fsk_0000000000000000_${key.slice(-43)}`, "fsk_nonsense"]) {
      expect((await call("/sales", { bearer })).status, bearer).toBe(401);
    }
  });

  it("are answered once: the list never shows a key", async () => {
    const response = await asOwner("/api-keys", { body: { name: "warehouse", role: "analyst" } });
    expect(response.status).toBe(201);
    const { key } = await response.json<{ key: string }>();
    expect(key).toMatch(/^fsk_[0-9a-z]{16}_[A-Za-z0-9_-]{43}$/);
    expect(await (await asOwner("/api-keys")).text()).not.toContain(key);
  });
});

describe("the break-glass ADMIN_TOKEN", () => {
  it("still works, as an owner, and needs no database", async () => {
    const ok = await asOwner("/me");
    expect(await staffOf(ok)).toEqual({ id: "break-glass", name: "admin", email: null, role: "owner", stores: [], via: "token" });
    const down = { DATABASE_URL: "postgres://nobody:secret-password@127.0.0.1:1/none", NEON_WS_PROXY: "127.0.0.1:1" };
    expect((await asOwner("/me", { env: down })).status).toBe(200);
    // A credential that needs the database is 503 then, never a 401 or a 500, and leaks nothing.
    const { key } = await makeApiKey("integration");
    const unreachable = await call("/me", { bearer: key, env: down });
    expect(unreachable.status).toBe(503);
    const error = await errorOf(unreachable);
    expect(error.code).toBe("dependency_unavailable");
    expect(JSON.stringify(error)).not.toContain("secret-password");
  });

  it("a wrong bearer token is 401; nothing configured at all is 503 admin_closed", async () => {
    expect((await call("/me", { bearer: "not-the-token" })).status).toBe(401);
    const closed = await call("/me", { env: { ADMIN_TOKEN: "", STAFF_SESSION_SECRET: "", ACCESS_TEAM_DOMAIN: "", ACCESS_AUD: "" } });
    expect(closed.status).toBe(503);
    expect((await errorOf(closed)).code).toBe("admin_closed");
    // Local accounts alone open admin: a caller without a credential is then asked for one.
    const accountsOnly = await call("/me", { env: { ADMIN_TOKEN: "" } });
    expect(accountsOnly.status).toBe(401);
  });
});

describe("managing staff", () => {
  it("creates accounts once per email, case-insensitively (409), and lists them without hashes", async () => {
    const email = freshEmail("dup");
    await makeAccount("adviser", { email });
    const twice = await asOwner("/staff", { body: { email: email.toUpperCase(), name: "Again", role: "adviser" } });
    expect(twice.status).toBe(409);
    expect((await errorOf(twice)).code).toBe("conflict");
    const list = await (await asOwner("/staff")).text();
    expect(list).toContain(email);
    expect(list).not.toContain("pbkdf2");
  });

  it("lists every problem of a new account, and needs JSON", async () => {
    const response = await asOwner("/staff", { body: { email: "nope", name: "", role: "store_staff", password: "short" } });
    expect(response.status).toBe(400);
    const problems = (await errorOf(response)).problems as string[];
    expect(problems.map((p) => p.split(":")[0])).toEqual(expect.arrayContaining(["email", "name", "password", "stores"]));
    expect((await asOwner("/staff", { body: "{}", headers: { "Content-Type": "text/plain" } })).status).toBe(415);
  });

  it("changes role and stores; moving off store staff drops the stores; unknown ids are 404", async () => {
    const account = await makeAccount("store_staff", { stores: ["sh-09"] });
    const promoted = await asOwner(`/staff/${account.id}`, { method: "PATCH", body: { role: "marketer" } });
    expect((await promoted.json<{ staff: { role: string; stores: string[] } }>()).staff).toMatchObject({ role: "marketer", stores: [] });
    const bad = await asOwner(`/staff/${account.id}`, { method: "PATCH", body: { stores: ["sh-01"] } });
    expect(bad.status).toBe(400);
    expect((await asOwner("/staff/stf_000000000000000000000000", { method: "PATCH", body: { disabled: true } })).status).toBe(404);
    expect((await asOwner("/staff/nonsense", { method: "PATCH", body: { disabled: true } })).status).toBe(404);
    expect((await asOwner("/api-keys/0000000000000000", { method: "DELETE" })).status).toBe(404);
  });
});
