import { describe, expect, it } from "vitest";
import { couponWording } from "../../src/coupons/coupon-wording.ts";
import { format, messages } from "../../src/i18n/messages.ts";

const terms = { type: "amount_off" as const, amountOff: 0, percentOff: 0, maxDiscount: 0, minSpend: 0 };

/** The coupon's words in both languages, as the pages show them. */
function say(coupon: typeof terms | (Omit<typeof terms, "type"> & { type: "percent_off" })): Record<"en" | "zh-CN", string> {
  const { headline, cap } = couponWording(coupon);
  const words = (lang: "en" | "zh-CN") =>
    [headline, cap]
      .filter((w) => w !== null)
      .map((w) => format(messages(lang)[w.key], w.values))
      .join(" · ");
  return { en: words("en"), "zh-CN": words("zh-CN") };
}

describe("a coupon's words (issue 14)", () => {
  it("says a threshold coupon as 满减, and as money off from a minimum", () => {
    expect(say({ ...terms, amountOff: 5_000, minSpend: 30_000 })).toEqual({ en: "¥50.00 off orders from ¥300.00", "zh-CN": "满300减50" });
    expect(say({ ...terms, amountOff: 1_050, minSpend: 9_990 })).toEqual({ en: "¥10.50 off orders from ¥99.90", "zh-CN": "满99.9减10.5" });
  });

  it("says an amount off without a threshold as 立减", () => {
    expect(say({ ...terms, amountOff: 2_000 })).toEqual({ en: "¥20.00 off", "zh-CN": "立减20元" });
  });

  it("says a percent off in 折 (tenths paid), with its cap", () => {
    expect(say({ ...terms, type: "percent_off", percentOff: 20 })).toEqual({ en: "20% off", "zh-CN": "8折券" });
    expect(say({ ...terms, type: "percent_off", percentOff: 15, maxDiscount: 3_000, minSpend: 10_000 })).toEqual({
      en: "15% off orders from ¥100.00 · up to ¥30.00 off",
      "zh-CN": "满100享8.5折 · 最高减30元",
    });
  });
});
