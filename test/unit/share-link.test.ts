import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_UTM_LENGTH, readLanding, shareLink } from "../../src/share/share-link.ts";

const CODE = "abcdefgh2345";
const BASE = {
  origin: "https://shop.example",
  path: "/sales/sku-1",
  source: "wechat",
  medium: "social",
  campaign: "double11",
  referralCode: CODE,
};

describe("share links (src/share/share-link.ts)", () => {
  it("carries all five UTM parameters and the referral code, term defaulting to the SKU and content to team", () => {
    const url = new URL(shareLink({ ...BASE, sku: "sku-1" }));
    expect(url.origin + url.pathname).toBe("https://shop.example/sales/sku-1");
    expect([...url.searchParams]).toEqual([
      ["utm_source", "wechat"],
      ["utm_medium", "social"],
      ["utm_campaign", "double11"],
      ["utm_term", "sku-1"],
      ["utm_content", "team"],
      ["ref", CODE],
    ]);
  });

  it("uses the term and content given, and 'all' for the term when there is neither term nor SKU", () => {
    expect(new URL(shareLink({ ...BASE, term: "shoes", content: "poster" })).searchParams.get("utm_term")).toBe("shoes");
    expect(new URL(shareLink({ ...BASE, term: "shoes", content: "poster" })).searchParams.get("utm_content")).toBe("poster");
    expect(new URL(shareLink(BASE)).searchParams.get("utm_term")).toBe("all");
  });

  it("keeps the page's own query but replaces an earlier sharer's UTM and ref", () => {
    const reshared = shareLink({ ...BASE, path: "/sales/sku-1?lang=en&utm_source=weibo&ref=zzzzzzzzzzzz" });
    const url = new URL(reshared);
    expect(url.searchParams.get("lang")).toBe("en");
    expect(url.searchParams.getAll("utm_source")).toEqual(["wechat"]);
    expect(url.searchParams.getAll("ref")).toEqual([CODE]);
  });

  it("escapes values and reads them back as written", () => {
    const link = shareLink({ ...BASE, campaign: "双11 & friends=yes", content: "a/b?c#d" });
    expect(readLanding(link)).toEqual({
      utm: { source: "wechat", medium: "social", campaign: "双11 & friends=yes", term: "all", content: "a/b?c#d" },
      referralCode: CODE,
    });
  });

  it("refuses what it would not read back: a bad code, an overlong or empty value, a foreign or protocol-relative path", () => {
    expect(() => shareLink({ ...BASE, referralCode: "shp_alice" })).toThrow(RangeError);
    expect(() => shareLink({ ...BASE, campaign: "x".repeat(MAX_UTM_LENGTH + 1) })).toThrow(RangeError);
    expect(() => shareLink({ ...BASE, source: "" })).toThrow(RangeError);
    expect(() => shareLink({ ...BASE, path: "//evil.example/x" })).toThrow(RangeError);
    expect(() => shareLink({ ...BASE, origin: "javascript:alert(1)" })).toThrow(RangeError);
    expect(shareLink({ ...BASE, campaign: "x".repeat(MAX_UTM_LENGTH) })).toContain("x".repeat(MAX_UTM_LENGTH));
  });
});

describe("reading a landing (readLanding)", () => {
  it("reads the UTM values and the referral code of a landing, absolute or a path", () => {
    expect(readLanding("https://shop.example/sales/sku-1?utm_source=wechat&utm_campaign=d11&ref=ABCDEFGH2345")).toEqual({
      utm: { source: "wechat", campaign: "d11" },
      referralCode: CODE,
    });
    expect(readLanding("/sales/sku-1?utm_medium=social")).toEqual({ utm: { medium: "social" }, referralCode: null });
    expect(readLanding(new URL("https://shop.example/?ref=abcdefgh2345"))).toEqual({ utm: {}, referralCode: CODE });
  });

  it("drops each junk value on its own: overlong, empty, control characters, a malformed code; takes the first of repeats", () => {
    const landing = readLanding(
      `/?utm_source=${"s".repeat(101)}&utm_medium=&utm_campaign=a%00b&utm_term=ok&utm_term=second&utm_content=%20fine%20&ref=shp_alice`,
    );
    expect(landing).toEqual({ utm: { term: "ok", content: "fine" }, referralCode: null });
    expect(readLanding(`/?utm_source=${"s".repeat(100)}`).utm.source).toHaveLength(100);
  });

  it("never throws and lands as nothing on a URL that does not parse or is absurdly long", () => {
    expect(readLanding("http://[::1")).toEqual({ utm: {}, referralCode: null });
    expect(readLanding(`/?utm_source=a&x=${"y".repeat(10_000)}`)).toEqual({ utm: {}, referralCode: null });
    expect(readLanding("/?utm_source=%E0%A4%A&ref=%ZZ")).toMatchObject({ referralCode: null });
  });

  it("never throws on hostile input, and what it returns is always within limits", () => {
    const hostile = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc
        .array(
          fc.tuple(
            fc.constantFrom("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "ref", "x"),
            fc.string({ maxLength: 120 }),
          ),
        )
        .map((pairs) => `/p?${pairs.map(([k, v]) => `${k}=${v}`).join("&")}`),
    );
    fc.assert(
      fc.property(hostile, (url) => {
        const landing = readLanding(url);
        for (const value of Object.values(landing.utm)) expect(value.length).toBeGreaterThan(0);
        for (const value of Object.values(landing.utm)) expect(value.length).toBeLessThanOrEqual(MAX_UTM_LENGTH);
        expect(landing.referralCode === null || /^[a-z2-7]{12}$/.test(landing.referralCode)).toBe(true);
      }),
    );
  });
});
