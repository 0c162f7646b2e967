import { describe, expect, it } from "vitest";
import { apiKeyId, apiKeyIdentity, apiKeyMatches, generateApiKey, hashApiKey, type ApiKeyRecord } from "../../src/staff/api-key.ts";
import { newStaffAccountId } from "../../src/staff/account.ts";
import { constantTimeEqual, fromBase64url, toBase64url } from "../../src/encoding.ts";
import {
  DUMMY_PASSWORD_HASH,
  generatePassword,
  hashPassword,
  passwordProblems,
  PBKDF2_MAX_ITERATIONS,
  verifyPassword,
} from "../../src/staff/password.ts";
import { issueStaffSession, readStaffSession, sessionHonoured, STAFF_SESSION_TTL_MS } from "../../src/staff/session-token.ts";
import { sign } from "../../src/signing.ts";

const SECRET = "unit-staff-session-secret";
const NOW = Date.UTC(2026, 10, 11, 0, 0, 0);

describe("passwords (PBKDF2-SHA256 through WebCrypto)", () => {
  it("verifies the right password and refuses a wrong one", async () => {
    const stored = await hashPassword("correct horse battery staple");
    expect(stored).toMatch(/^pbkdf2-sha256\$100000\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await verifyPassword("correct horse battery staple", stored)).toEqual({ ok: true, rehash: false });
    expect((await verifyPassword("correct horse battery stapler", stored)).ok).toBe(false);
    expect((await verifyPassword("", stored)).ok).toBe(false);
  });

  it("salts every hash: the same password hashes differently twice", async () => {
    const [a, b] = await Promise.all([hashPassword("same password here"), hashPassword("same password here")]);
    expect(a).not.toBe(b);
  });

  it("reads the same text however it was composed (NFKC), so 王芳 typed either way signs in", async () => {
    const stored = await hashPassword("ｐａｓｓ　word 王芳 é!");
    expect((await verifyPassword("pass word 王芳 é!", stored)).ok).toBe(true);
  });

  it("refuses a hash whose parameters were tampered with, and never derives above Cloudflare's cap", async () => {
    const stored = await hashPassword("tampered parameters");
    const [scheme, iterations, salt, hash] = stored.split("$");
    const variants = [
      [scheme, "99999", salt, hash], // fewer iterations: a different derivation
      [scheme, String(PBKDF2_MAX_ITERATIONS + 1), salt, hash], // above what workerd allows in production
      [scheme, "600000", salt, hash],
      [scheme, "1", salt, hash], // too cheap to be ours
      ["pbkdf2-sha1", iterations, salt, hash],
      [scheme, iterations, toBase64url(new Uint8Array(16).fill(1)), hash], // another salt
      [scheme, iterations, salt, hash!.slice(0, -2)], // a shorter hash
      [scheme, iterations, "!!not base64!!", hash],
      [scheme, iterations, salt],
    ];
    for (const parts of variants) expect((await verifyPassword("tampered parameters", parts.join("$"))).ok, parts.join("$")).toBe(false);
    expect((await verifyPassword("anything", "")).ok).toBe(false);
  });

  it("asks for a re-hash when a hash was made with fewer iterations than today's", async () => {
    const older = await hashPassword("made a while ago", 50_000);
    expect(await verifyPassword("made a while ago", older)).toEqual({ ok: true, rehash: true });
    expect(await verifyPassword("not the password", older)).toEqual({ ok: false, rehash: false });
    await expect(hashPassword("x".repeat(20), PBKDF2_MAX_ITERATIONS + 1)).rejects.toThrow(RangeError);
  });

  it("has a dummy hash that is well formed and matches no password", async () => {
    expect(DUMMY_PASSWORD_HASH.split("$")[1]).toBe(String(PBKDF2_MAX_ITERATIONS));
    expect((await verifyPassword("", DUMMY_PASSWORD_HASH)).ok).toBe(false);
    expect((await verifyPassword("anything at all", DUMMY_PASSWORD_HASH)).ok).toBe(false);
  });

  it("policy: 12 to 256 characters, not one or two repeated; generated passwords pass it", () => {
    expect(passwordProblems("short")).toEqual(["at least 12 characters"]);
    expect(passwordProblems("x".repeat(257))).toEqual(["at most 256 characters", "not one or two characters repeated"]);
    expect(passwordProblems("abababababab")).toEqual(["not one or two characters repeated"]);
    expect(passwordProblems("王芳的密码很长很长很长很长")).toEqual([]);
    expect(passwordProblems("a perfectly fine passphrase")).toEqual([]);
    for (let i = 0; i < 50; i++) {
      const generated = generatePassword();
      expect(generated).toMatch(/^[A-Za-z0-9_-]{20}$/);
      expect(passwordProblems(generated)).toEqual([]);
    }
  });
});

describe("staff session tokens", () => {
  const accountId = newStaffAccountId();

  it("carries the account, issued-at and a 12-hour expiry, and reads back until it expires", async () => {
    const { session, token } = await issueStaffSession(accountId, SECRET, NOW);
    expect(session).toEqual({ accountId, issuedAt: NOW, expiresAt: NOW + 12 * 3_600_000 });
    expect(await readStaffSession(token, SECRET, NOW)).toEqual(session);
    expect(await readStaffSession(token, SECRET, NOW + STAFF_SESSION_TTL_MS - 1)).toEqual(session);
    expect(await readStaffSession(token, SECRET, NOW + STAFF_SESSION_TTL_MS)).toBeNull();
  });

  it("refuses a tampered token, another secret, and a token whose expiry was moved", async () => {
    const { token } = await issueStaffSession(accountId, SECRET, NOW);
    expect(await readStaffSession(token, "another-secret", NOW)).toBeNull();
    expect(await readStaffSession(`${token.slice(0, -4)}AAA=`, SECRET, NOW)).toBeNull();
    const [value, signature] = [token.slice(0, token.lastIndexOf(".")), token.slice(token.lastIndexOf(".") + 1)];
    const extended = value.replace(/:(\d+)$/, (_, exp: string) => `:${Number(exp) + STAFF_SESSION_TTL_MS}`);
    expect(await readStaffSession(`${extended}.${signature}`, SECRET, NOW)).toBeNull();
    expect(await readStaffSession("", SECRET, NOW)).toBeNull();
    expect(await readStaffSession("garbage", SECRET, NOW)).toBeNull();
  });

  it("is apart from the shopper cookie: a signed shp_ id under the same secret is no session", async () => {
    const shopperCookie = await sign("shp_abcdefghijklmnopqrstuvwx", SECRET);
    expect(await readStaffSession(shopperCookie, SECRET, NOW)).toBeNull();
    const forged = await sign(`${accountId}:${NOW}:${NOW + 1000}`, SECRET); // signed, but without the staff context
    expect(await readStaffSession(forged, SECRET, NOW)).toBeNull();
  });

  it("is honoured only by an enabled account whose sessions were not ended after it was issued", async () => {
    const { session } = await issueStaffSession(accountId, SECRET, NOW);
    expect(sessionHonoured(session, { disabledAt: null, sessionsValidAfter: NOW - 1 })).toBe(true);
    expect(sessionHonoured(session, { disabledAt: null, sessionsValidAfter: NOW })).toBe(true);
    expect(sessionHonoured(session, { disabledAt: null, sessionsValidAfter: NOW + 1 })).toBe(false); // signed out everywhere / new password
    expect(sessionHonoured(session, { disabledAt: NOW + 5, sessionsValidAfter: NOW - 1 })).toBe(false);
  });
});

describe("API keys", () => {
  it("look like fsk_<16 id>_<43 secret>, name their id, and differ every time", () => {
    const keys = Array.from({ length: 20 }, generateApiKey);
    for (const { id, key } of keys) {
      expect(key).toMatch(/^fsk_[0-9a-z]{16}_[A-Za-z0-9_-]{43}$/);
      expect(apiKeyId(key)).toBe(id);
    }
    expect(new Set(keys.map((k) => k.key)).size).toBe(20);
    expect(apiKeyId("fsk_short_x")).toBeNull();
    expect(apiKeyId(`${keys[0]!.key}x`)).toBeNull();
  });

  it("are stored as SHA-256 only, and match only the key they were made from", async () => {
    const { id, key } = generateApiKey();
    const secretHash = await hashApiKey(key);
    expect(secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(secretHash).not.toContain(key.slice(22));
    const record: ApiKeyRecord = {
      id,
      name: "crm",
      role: "integration",
      stores: [],
      secretHash,
      createdBy: "test",
      createdAt: NOW,
      lastUsedAt: null,
      revokedAt: null,
    };
    expect(await apiKeyMatches(key, record)).toBe(true);
    expect(await apiKeyMatches(`${key.slice(0, -1)}${key.endsWith("A") ? "B" : "A"}`, record)).toBe(false);
    expect(apiKeyIdentity(record)).toEqual({ id, name: "crm", email: null, role: "integration", stores: [], via: "api_key" });
    expect(apiKeyIdentity({ ...record, role: "store_staff", stores: ["sh-01"] }).stores).toEqual(["sh-01"]);
  });

  it("compares bytes in constant time, and base64url round-trips", () => {
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(true);
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 3]))).toBe(false);
    const bytes = crypto.getRandomValues(new Uint8Array(33));
    expect(fromBase64url(toBase64url(bytes))).toEqual(bytes);
    expect(fromBase64url("a")).toBeNull();
    expect(fromBase64url("a+b/")).toBeNull();
  });
});
