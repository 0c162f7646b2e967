import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PLACEMENT_SIZES, PLACEMENTS } from "../../src/ads/campaign.ts";
import { chooseCreativeSize, type SizeHints, sizeHintsFrom, varyBySizeHints } from "../../src/ads/creative-size.ts";

const IPHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
const WECHAT_ANDROID =
  "Mozilla/5.0 (Linux; Android 13; V2227A; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/98.0.4758.101 Mobile Safari/537.36 MicroMessenger/8.0.47";
const IPAD =
  "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
const WINDOWS_CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
const REDUCED_ANDROID = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
const GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

/** A request's User-Agent and hints, and the width it must get: [why, placement, hints, width]. */
const FIXTURES: Array<[string, "home_banner" | "sale_slot", Partial<SizeHints>, number]> = [
  ["an iPhone, no hints: 390 css × 2 = 780 → 1080", "home_banner", { userAgent: IPHONE }, 1080],
  ["an iPhone in the sale slot: 390 × 2 = 780 → 960", "sale_slot", { userAgent: IPHONE }, 960],
  ["WeChat's Android webview: a phone", "home_banner", { userAgent: WECHAT_ANDROID }, 1080],
  [
    "Chrome on Android with hints: 412 css × 2.625 = 1082 → 1440",
    "home_banner",
    { userAgent: REDUCED_ANDROID, mobile: "?1", viewportWidth: "412", dpr: "2.625" },
    1440,
  ],
  ["a small phone at 1×: 320 css → 360", "home_banner", { mobile: "?1", viewportWidth: "320", dpr: "1" }, 360],
  ["a small phone at 2× in the sale slot: 640 → 640", "sale_slot", { mobile: "?1", viewportWidth: "320", dpr: "2" }, 640],
  ["an iPad: 820 × 2 = 1640 → the widest, 1440", "home_banner", { userAgent: IPAD }, 1440],
  ["a desktop at 1×: 1280 css capped at 1200 → 1440", "home_banner", { userAgent: WINDOWS_CHROME }, 1440],
  ["a desktop's sale slot: 480 css × 1 → 640", "sale_slot", { userAgent: WINDOWS_CHROME, mobile: "?0" }, 640],
  [
    "a desktop window of 700 css at 1× (hints): 700 → 720",
    "home_banner",
    { userAgent: WINDOWS_CHROME, mobile: "?0", viewportWidth: "700", dpr: "1" },
    720,
  ],
  ["a 4× hint is held to 3×: 360 × 3 = 1080 → 1080", "home_banner", { mobile: "?1", viewportWidth: "360", dpr: "4" }, 1080],
  ["a lying viewport hint (1e9) is ignored: the phone default", "home_banner", { mobile: "?1", viewportWidth: "1000000000" }, 1080],
  ["a broken DPR hint is ignored: desktop 1×", "sale_slot", { userAgent: WINDOWS_CHROME, dpr: "abc" }, 640],
  ["Googlebot: desktop sizes", "home_banner", { userAgent: GOOGLEBOT }, 1440],
  ["nothing at all: the phone default", "sale_slot", {}, 960],
];

describe("the creative size a request gets", () => {
  it.each(FIXTURES)("%s", (_why, placement, hints, width) => {
    const chosen = chooseCreativeSize(placement, hints);
    expect(chosen.width).toBe(width);
    expect(PLACEMENT_SIZES[placement]).toContainEqual({ width: chosen.width, height: chosen.height });
  });

  it("a response chosen by the hints asks for them and varies by them, keeping what it varied by already", () => {
    const headers = new Headers({ Vary: "Accept-Language" });
    varyBySizeHints(headers);
    expect(headers.get("Accept-CH")).toBe("Sec-CH-UA-Mobile, Sec-CH-Viewport-Width, Sec-CH-DPR");
    expect(headers.get("Vary")).toBe("Accept-Language, Sec-CH-UA-Mobile, Sec-CH-Viewport-Width, Sec-CH-DPR, User-Agent");
  });

  it("reads the hints from request headers", () => {
    const headers = new Headers({ "Sec-CH-UA-Mobile": "?1", "Sec-CH-Viewport-Width": "375", "Sec-CH-DPR": "3", "User-Agent": IPHONE });
    expect(sizeHintsFrom(headers)).toEqual({ userAgent: IPHONE, mobile: "?1", viewportWidth: "375", dpr: "3" });
    expect(chooseCreativeSize("home_banner", sizeHintsFrom(headers))).toMatchObject({ width: 1440, device: "phone", fromHints: true });
  });

  it("property: always a rendered size of the placement, covering the slot unless the widest is still narrower; never wider than needed", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PLACEMENTS),
        fc.integer({ min: 120, max: 4000 }),
        fc.constantFrom("1", "1.5", "2", "2.625", "3"),
        (placement, viewport, dpr) => {
          const chosen = chooseCreativeSize(placement, { mobile: "?1", viewportWidth: String(viewport), dpr });
          const sizes = PLACEMENT_SIZES[placement];
          expect(sizes).toContainEqual({ width: chosen.width, height: chosen.height });
          const needed = Math.ceil(chosen.cssWidth * chosen.dpr);
          const widest = sizes[sizes.length - 1]?.width ?? 0;
          if (widest >= needed) {
            expect(chosen.width).toBeGreaterThanOrEqual(needed);
            // The next narrower size would not have covered it.
            const narrower = sizes.filter((s) => s.width < chosen.width);
            for (const size of narrower) expect(size.width).toBeLessThan(needed);
          } else expect(chosen.width).toBe(widest);
        },
      ),
    );
  });

  it("property: a wider viewport never gets a narrower creative", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PLACEMENTS),
        fc.integer({ min: 120, max: 3000 }),
        fc.integer({ min: 0, max: 2000 }),
        (placement, a, extra) => {
          const narrow = chooseCreativeSize(placement, { viewportWidth: String(a), dpr: "2" });
          const wide = chooseCreativeSize(placement, { viewportWidth: String(a + extra), dpr: "2" });
          expect(wide.width).toBeGreaterThanOrEqual(narrow.width);
        },
      ),
    );
  });
});
