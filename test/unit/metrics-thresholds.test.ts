import { describe, expect, it } from "vitest";
import { couponVerdict, latencyVerdict, paymentVerdict } from "../../src/metrics/thresholds.ts";

describe("the dashboard's thresholds (src/metrics/thresholds.ts), at their edges", () => {
  it("p99 < 500 ms: exactly 0.5 s trips it, just under passes, no requests is no verdict", () => {
    expect(latencyVerdict(0.5).state).toBe("breached");
    expect(latencyVerdict(0.4999).state).toBe("ok");
    expect(latencyVerdict(2).state).toBe("breached");
    expect(latencyVerdict(Number.NaN)).toEqual({ state: "no_data", value: null, limit: 0.5 });
  });

  it("payment success > 99.5 %: 1,990 of 2,000 trips it, 1,991 passes, no payments yet is no verdict", () => {
    expect(paymentVerdict(1990, 10)).toEqual({ state: "breached", value: 0.995, limit: 0.995 });
    expect(paymentVerdict(1991, 9).state).toBe("ok");
    expect(paymentVerdict(1, 0).state).toBe("ok");
    expect(paymentVerdict(0, 1).state).toBe("breached");
    expect(paymentVerdict(0, 0)).toEqual({ state: "no_data", value: null, limit: 0.995 });
  });

  it("coupon redemption > 40 %: exactly 40 % trips it, above passes, no coupons yet is no data", () => {
    expect(couponVerdict(10, 4).state).toBe("breached");
    expect(couponVerdict(1000, 401).state).toBe("ok");
    expect(couponVerdict(10, 3).state).toBe("breached");
    expect(couponVerdict(0, 0)).toEqual({ state: "no_data", value: null, limit: 0.4 });
  });
});
