import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { edgeClock } from "../../workers/storefront/api/sku-object.ts";
import { CREDENTIAL_FAILURES } from "../../workers/storefront/api/credential-failures.ts";
import { STAFF_TOKEN_TTL_MS } from "../../workers/storefront/api/store-staff.ts";
import { admin, readError } from "./admin-support.ts";
import { withPostgres } from "./postgres-support.ts";
import { createStore, issueToken, staffGet } from "./stores-support.ts";

type TokenRecord = { id: string; label: string; revokedAt: number | null; createdBy: string };

beforeEach(() => edgeClock.hold());
afterEach(() => edgeClock.release());

/** An address of the test's own: failed attempts are counted per address. */
const address = () => `198.51.100.${Math.floor(Math.random() * 250) + 1}`;

describe("store staff tokens (issue 15)", () => {
  it("issues a token shown once, keeps only the secret's SHA-256, lists it without secrets, and it signs its store in", async () => {
    const store = await createStore();
    const issued = await admin(`/stores/${store.id}/staff-tokens`, { body: { label: "Till 2" }, actor: "ops" });
    expect(issued.status).toBe(201);
    const { token, secret } = await issued.json<{ token: TokenRecord; secret: string }>();
    expect(secret).toMatch(new RegExp(`^sst_${token.id}_[A-Za-z0-9_-]{43}$`));
    expect(token).toMatchObject({ label: "Till 2", revokedAt: null, createdBy: "ops" });

    const raw = secret.slice(`sst_${token.id}_`.length); // base64url: the secret itself may hold "_"
    const [row] = await withPostgres(
      async (pool) => (await pool.query("select secret_hash from store_staff_tokens where id = $1", [token.id])).rows,
    );
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(raw)));
    expect(row.secret_hash).toBe(Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join(""));

    const listed = await (await admin(`/stores/${store.id}/staff-tokens`)).text();
    expect(listed).toContain(token.id);
    expect(listed).not.toContain(raw);
    expect(listed).not.toContain(row.secret_hash);

    const me = await staffGet(`/stores/${store.id}/staff/me`, secret, address());
    expect(me.status).toBe(200);
    expect(me.headers.get("Cache-Control")).toBe("no-store");
    expect(await me.json()).toMatchObject({ store: { id: store.id, name: store.name }, tokenId: token.id, label: "Till 2" });
  });

  it("answers 401 for a missing, malformed, unknown or forged token, and 403 wrong_store for another store's", async () => {
    const [mine, theirs] = await Promise.all([createStore(), createStore()]);
    const { secret, tokenId } = await issueToken(mine.id);
    const from = address();
    for (const token of [null, "nonsense", `sst_${tokenId}_${"A".repeat(43)}`, `sst_zzzzzzzzzzzz_${"A".repeat(43)}`]) {
      const refused = await staffGet(`/stores/${mine.id}/staff/me`, token, from);
      expect(refused.status).toBe(401);
      expect(refused.headers.get("WWW-Authenticate")).toBe('Bearer realm="store"');
      expect((await readError(refused)).code).toBe("unauthorized");
    }
    const wrong = await staffGet(`/stores/${theirs.id}/staff/me`, secret, from);
    expect(wrong.status).toBe(403);
    expect(await readError(wrong)).toMatchObject({ code: "wrong_store", storeId: mine.id });
  });

  it("stops a revoked token at once in the revoking isolate, and within the cache's 10 s elsewhere", async () => {
    const store = await createStore();
    const first = await issueToken(store.id, "Till A");
    const second = await issueToken(store.id, "Till B");
    const from = address();
    expect((await staffGet(`/stores/${store.id}/staff/me`, first.secret, from)).status).toBe(200);
    const revoked = await admin(`/stores/${store.id}/staff-tokens/${first.tokenId}`, { method: "DELETE" });
    expect(await revoked.json()).toMatchObject({ token: { id: first.tokenId }, changed: true });
    expect((await staffGet(`/stores/${store.id}/staff/me`, first.secret, from)).status).toBe(401);
    expect(await (await admin(`/stores/${store.id}/staff-tokens/${first.tokenId}`, { method: "DELETE" })).json()).toMatchObject({
      changed: false,
    });

    // Another isolate's revocation: only Postgres changes; this isolate's memory still holds the token for up to 10 s.
    expect((await staffGet(`/stores/${store.id}/staff/me`, second.secret, from)).status).toBe(200);
    await withPostgres((pool) => pool.query("update store_staff_tokens set revoked_at = now() where id = $1", [second.tokenId]));
    expect((await staffGet(`/stores/${store.id}/staff/me`, second.secret, from)).status).toBe(200);
    edgeClock.advance(STAFF_TOKEN_TTL_MS);
    expect((await staffGet(`/stores/${store.id}/staff/me`, second.secret, from)).status).toBe(401);

    const { tokens } = await (await admin(`/stores/${store.id}/staff-tokens`)).json<{ tokens: TokenRecord[] }>();
    expect(tokens.map((t) => [t.label, t.revokedAt !== null])).toEqual([
      ["Till B", true],
      ["Till A", true],
    ]);
    const { entries } = await (await admin(`/stores/${store.id}/audit`)).json<{ entries: Array<{ action: string }> }>();
    expect(entries.map((e) => e.action)).toEqual(["revoke_staff_token", "issue_staff_token", "issue_staff_token", "create"]);
  });

  it("refuses a deactivated store's tokens, and issues none for it", async () => {
    const store = await createStore();
    const { secret } = await issueToken(store.id);
    await admin(`/stores/${store.id}/deactivate`, { method: "POST" });
    edgeClock.advance(STAFF_TOKEN_TTL_MS);
    expect((await staffGet(`/stores/${store.id}/staff/me`, secret, address())).status).toBe(401);
    const refused = await admin(`/stores/${store.id}/staff-tokens`, { body: { label: "late" } });
    expect(refused.status).toBe(409);
  });

  it(`refuses an address after ${CREDENTIAL_FAILURES.limit} wrong tokens, even with a good one (429, Retry-After)`, async () => {
    const store = await createStore();
    const { secret } = await issueToken(store.id);
    const from = `192.0.2.${Math.floor(Math.random() * 250) + 1}`;
    for (let i = 0; i < CREDENTIAL_FAILURES.limit; i++) {
      expect((await staffGet(`/stores/${store.id}/staff/me`, `sst_${"a".repeat(12)}_${"B".repeat(43)}`, from)).status).toBe(401);
    }
    const limited = await staffGet(`/stores/${store.id}/staff/me`, secret, from);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect((await staffGet(`/stores/${store.id}/staff/me`, secret, address())).status).toBe(200);
  });

  it("refuses a token request without a label, and a revocation of an unknown token", async () => {
    const store = await createStore();
    const bad = await admin(`/stores/${store.id}/staff-tokens`, { body: { label: "" } });
    expect(bad.status).toBe(400);
    expect((await admin(`/stores/${store.id}/staff-tokens/zzzzzzzzzzzz`, { method: "DELETE" })).status).toBe(404);
    expect((await admin(`/stores/nope-nope/staff-tokens`, { body: { label: "x" } })).status).toBe(404);
  });
});
