import { describe, expect, it } from "vitest";
import { clientAddressKey } from "../../src/client-address.ts";
import { SIGN_IN_LIMITS, signInVerdict } from "../../src/staff/sign-in-limit.ts";

const WINDOW = SIGN_IN_LIMITS.windowMs;
const fresh = (count: number, ttlMs = WINDOW) => ({ count, ttlMs });

describe("sign-in limits", () => {
  it("are 5 failures per email and 20 per address in 15 minutes", () => {
    expect(SIGN_IN_LIMITS).toEqual({ perEmail: 5, perAddress: 20, windowMs: 15 * 60_000 });
  });

  it("let the attempts up to each limit through and refuse the next", () => {
    expect(signInVerdict(fresh(5), fresh(1))).toEqual({ allowed: true });
    expect(signInVerdict(fresh(6), fresh(1)).allowed).toBe(false);
    expect(signInVerdict(fresh(1), fresh(20))).toEqual({ allowed: true });
    expect(signInVerdict(fresh(1), fresh(21)).allowed).toBe(false);
  });

  it("say when to come back: the refusing counter's remaining life, rounded up to whole seconds", () => {
    expect(signInVerdict(fresh(6, 61_001), fresh(1, 5_000))).toEqual({ allowed: false, retryAfterSeconds: 62 });
    expect(signInVerdict(fresh(6, 10_000), fresh(21, 400_000))).toEqual({ allowed: false, retryAfterSeconds: 400 });
    expect(signInVerdict(fresh(1, 1), fresh(21, 1))).toEqual({ allowed: false, retryAfterSeconds: 1 });
    // A counter gone the moment it was read, or one without expiry (never made here), still answers sensibly.
    expect(signInVerdict(fresh(6, -2), fresh(1))).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(signInVerdict(fresh(6, -1), fresh(1))).toEqual({ allowed: false, retryAfterSeconds: 900 });
  });

  it("take custom limits", () => {
    expect(signInVerdict(fresh(2, 3_000), fresh(2), { perEmail: 1, perAddress: 10, windowMs: 3_000 })).toEqual({
      allowed: false,
      retryAfterSeconds: 3,
    });
  });

  it("count a client by its IPv4 address, an IPv6 client by its /64, and no header as one unknown client", () => {
    expect(clientAddressKey("203.0.113.7")).toBe("203.0.113.7");
    expect(clientAddressKey("2001:db8:85a3:1:2:8a2e:370:7334")).toBe("2001:db8:85a3:1::/64");
    expect(clientAddressKey("2001:DB8:85a3:0001::1")).toBe("2001:db8:85a3:1::/64");
    expect(clientAddressKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(clientAddressKey("::1")).toBe("0:0:0:0::/64");
    expect(clientAddressKey(undefined)).toBe("unknown");
    expect(clientAddressKey(" ")).toBe("unknown");
    expect(clientAddressKey("not::an::ip")).toBe("not::an::ip");
  });
});
