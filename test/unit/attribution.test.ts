import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ATTRIBUTION_WINDOW_MS, attribute, type Touch } from "../../src/share/attribution.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 10, 1);
const at = (days: number, hours = 0) => T0 + days * DAY + hours * HOUR;

const touch = (over: Partial<Touch> & Pick<Touch, "at">): Touch => ({ referralCode: null, referrerId: null, ...over });
const BOB = touch({ at: at(0), referrerId: "bob", referralCode: "bobbobbobbob", source: "wechat", medium: "social", campaign: "d11" });
const CAROL = touch({
  at: at(2),
  referrerId: "carol",
  referralCode: "carolcarolca",
  source: "weibo",
  medium: "social",
  campaign: "d11-weibo",
});
const order = (when: number, buyerId = "alice") => ({ at: when, amount: 12_900, buyerId });

describe("last-touch attribution (src/share/attribution.ts)", () => {
  it("has a 7-day window of 604,800,000 ms", () => {
    expect(ATTRIBUTION_WINDOW_MS).toBe(604_800_000);
  });

  it("credits the latest landing before the order: Bob's link on day 0, Carol's on day 2, an order on day 3 goes to Carol", () => {
    const credit = attribute([BOB, CAROL], order(at(3)));
    expect(credit).toMatchObject({ referrerId: "carol", referralCode: "carolcarolca", campaign: "d11-weibo", amount: 12_900, ageMs: DAY });
    expect(credit?.utm).toEqual({ source: "weibo", medium: "social", campaign: "d11-weibo" });
    expect(attribute([CAROL, BOB], order(at(3)))?.referrerId).toBe("carol");
  });

  it("an order on day 1 is Bob's: Carol's landing came after it and never counts", () => {
    expect(attribute([BOB, CAROL], order(at(1)))?.referrerId).toBe("bob");
    expect(attribute([CAROL], order(at(1)))).toBeNull();
  });

  it("pins the edge: exactly 7 days after the landing is OUT, a millisecond less is in, the same millisecond is in", () => {
    expect(attribute([BOB], order(BOB.at + ATTRIBUTION_WINDOW_MS))).toBeNull();
    expect(attribute([BOB], order(BOB.at + ATTRIBUTION_WINDOW_MS - 1))?.referrerId).toBe("bob");
    expect(attribute([BOB], order(BOB.at))?.ageMs).toBe(0);
    expect(attribute([BOB], order(BOB.at - 1))).toBeNull();
  });

  it("does not reach back past a latest touch that has left the window: day 10 after Carol's day 2 is nobody's", () => {
    expect(attribute([BOB, CAROL], order(at(9, 1)))).toBeNull();
    expect(attribute([BOB, CAROL], order(at(8, 23)))?.referrerId).toBe("carol");
  });

  it("never credits self-referral, and skips it rather than letting it take a friend's credit", () => {
    const own = touch({ at: at(2), referrerId: "alice", referralCode: "alicealiceal", campaign: "d11" });
    expect(attribute([own], order(at(3)))).toBeNull();
    expect(attribute([BOB, own], order(at(3)))?.referrerId).toBe("bob");
  });

  it("credits the campaign with no referrer when the latest landing came from an ad, not a friend", () => {
    const ad = touch({ at: at(1), source: "douyin", medium: "cpc", campaign: "d11-ads" });
    expect(attribute([BOB, ad], order(at(3)))).toMatchObject({ referrerId: null, campaign: "d11-ads" });
  });

  it("has no credit without landings, and takes a window of its own", () => {
    expect(attribute([], order(at(1)))).toBeNull();
    expect(attribute([BOB], order(at(1)), DAY)).toBeNull();
    expect(attribute([BOB], order(at(0, 23)), DAY)?.referrerId).toBe("bob");
    expect(() => attribute([BOB], order(at(1)), 0)).toThrow(RangeError);
  });

  it("always credits the latest non-self touch at or before the order and within the window, and never one after it", () => {
    const landing = fc.record({
      at: fc.integer({ min: 0, max: 20 * DAY }),
      referrerId: fc.constantFrom(null, "alice", "bob", "carol"),
      referralCode: fc.constant(null),
      campaign: fc.constantFrom("a", "b"),
    });
    fc.assert(
      fc.property(fc.array(landing, { maxLength: 30 }), fc.integer({ min: 0, max: 20 * DAY }), (landings, orderAt) => {
        const credit = attribute(landings, order(orderAt));
        const eligible = landings.filter((l) => l.at <= orderAt && l.referrerId !== "alice");
        const latest = Math.max(...eligible.map((l) => l.at));
        if (eligible.length === 0 || orderAt - latest >= ATTRIBUTION_WINDOW_MS) {
          expect(credit).toBeNull();
          return;
        }
        expect(credit).not.toBeNull();
        expect(credit!.touch.at).toBe(latest);
        expect(credit!.touch.at).toBeLessThanOrEqual(orderAt);
        expect(credit!.referrerId).not.toBe("alice");
        expect(landings).toContain(credit!.touch);
        // Touches after the order change nothing.
        const later = landings.map((l) => ({ ...l, at: orderAt + 1 + l.at }));
        expect(attribute([...landings, ...later], order(orderAt))?.touch.at).toBe(latest);
      }),
    );
  });
});
