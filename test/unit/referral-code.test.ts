import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isReferralCode, REFERRAL_CODE_LENGTH, referralCode, referralCodeRow } from "../../src/share/referral-code.ts";

const SECRET = "test-referral-secret";

describe("referral codes (src/share/referral-code.ts)", () => {
  it("is 12 characters of lowercase base32, the same every time for one shopper", async () => {
    const code = await referralCode(SECRET, "shp_alice");
    expect(code).toMatch(/^[a-z2-7]{12}$/);
    expect(code).toHaveLength(REFERRAL_CODE_LENGTH);
    expect(await referralCode(SECRET, "shp_alice")).toBe(code);
    expect(isReferralCode(code)).toBe(true);
  });

  it("differs between shoppers and between secrets, and does not contain the shopper id", async () => {
    const alice = await referralCode(SECRET, "shp_alice");
    expect(await referralCode(SECRET, "shp_bob")).not.toBe(alice);
    expect(await referralCode("another-secret", "shp_alice")).not.toBe(alice);
    expect(alice).not.toContain("alice");
  });

  it("is HMAC-SHA256(secret, shopper id), its first 60 bits in base32", async () => {
    const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(SECRET), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode("shp_alice")));
    const bits = Array.from(mac.slice(0, 8), (b) => b.toString(2).padStart(8, "0"))
      .join("")
      .slice(0, 60);
    const expected = bits
      .match(/.{5}/g)!
      .map((chunk) => "abcdefghijklmnopqrstuvwxyz234567"[Number.parseInt(chunk, 2)])
      .join("");
    expect(await referralCode(SECRET, "shp_alice")).toBe(expected);
  });

  it("refuses what is not a code: wrong length, case, alphabet or type", () => {
    for (const value of [
      "",
      "abcdefghijk",
      "abcdefghijklm",
      "ABCDEFGHIJKL",
      "abcdefghijk1",
      "abcdefghijk8",
      " abcdefghijk",
      null,
      42,
      undefined,
    ]) {
      expect(isReferralCode(value)).toBe(false);
    }
    expect(isReferralCode("abcdefgh2345")).toBe(true);
  });

  it("builds the lookup row that resolves a code to its shopper", async () => {
    expect(await referralCodeRow(SECRET, "shp_alice", 1_700_000_000_000)).toEqual({
      code: await referralCode(SECRET, "shp_alice"),
      shopperId: "shp_alice",
      createdAt: new Date(1_700_000_000_000),
    });
  });

  it("always makes a well-formed code, for any shopper id", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 64 }), async (id) => {
        expect(isReferralCode(await referralCode(SECRET, id))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
