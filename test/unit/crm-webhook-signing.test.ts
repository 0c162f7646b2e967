import fc from "fast-check";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { MAX_DELIVERY_ATTEMPTS, RETRY_CAP_SECONDS, retryDelaySeconds } from "../../src/crm/backoff.ts";
import { crmWebhookDraftSchema } from "../../src/crm/webhook-config.ts";
import { isWebhookSecret, signWebhook } from "../../src/crm/webhook-signature.ts";

/**
 * Standard Webhooks signing (issue 16) against the specification's published test vector
 * (the reference libraries' own tests: secret, id, timestamp and body → signature), and
 * verified by the reference package's `verify`, as a receiver would; the retry schedule.
 */
describe("Standard Webhooks signatures", () => {
  const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  const body = '{"test": 2432232314}';

  it("signs the specification's test vector to its published signature", () => {
    expect(signWebhook(secret, id, 1_614_265_330_000, body)).toEqual({
      "webhook-id": id,
      "webhook-timestamp": "1614265330",
      "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    });
  });

  it("a receiver verifies what we sign, and refuses a changed body, id or timestamp", () => {
    const now = Date.now();
    const headers = signWebhook(secret, "msg_abc", now, '{"type":"member.tier_changed"}');
    expect(new Webhook(secret).verify('{"type":"member.tier_changed"}', { ...headers })).toEqual({ type: "member.tier_changed" });
    expect(() => new Webhook(secret).verify('{"type":"member.tier_changed "}', { ...headers })).toThrow(/signature/);
    expect(() => new Webhook(secret).verify('{"type":"member.tier_changed"}', { ...headers, "webhook-id": "msg_abd" })).toThrow();
    const later = String(Number(headers["webhook-timestamp"]) + 1);
    expect(() => new Webhook(secret).verify('{"type":"member.tier_changed"}', { ...headers, "webhook-timestamp": later })).toThrow();
    // Another secret's signature is no signature.
    expect(() => new Webhook("whsec_c2VjcmV0LW9mLWFub3RoZXI=").verify('{"type":"member.tier_changed"}', { ...headers })).toThrow();
  });

  it("every body, id and time round-trips through the reference verifier", () => {
    fc.assert(
      fc.property(fc.string(), fc.stringMatching(/^msg_[a-f0-9]{8,32}$/), fc.integer({ min: -200, max: 200 }), (text, msgId, skew) => {
        const json = JSON.stringify({ text });
        const headers = signWebhook(secret, msgId, Date.now() + skew * 1000, json);
        expect(new Webhook(secret).verify(json, { ...headers })).toEqual({ text });
      }),
    );
  });

  it("only a whsec_ base64 secret is one", () => {
    expect(isWebhookSecret(secret)).toBe(true);
    for (const bad of [undefined, "", "whsec_", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_not base64!"])
      expect(isWebhookSecret(bad)).toBe(false);
  });
});

describe("the retry schedule", () => {
  it("doubles from 30 s and stops growing at 6 h, about 20 hours over every attempt", () => {
    const delays = Array.from({ length: MAX_DELIVERY_ATTEMPTS - 1 }, (_, i) => retryDelaySeconds(i + 1));
    expect(delays).toEqual([30, 60, 120, 240, 480, 960, 1920, 3840, 7680, 15360, 21600, 21600]);
    expect(delays.reduce((a, b) => a + b, 0) / 3600).toBeCloseTo(20.5, 1);
  });

  it("never shrinks, never passes the cap, and is within Cloudflare Queues' 12-hour delay limit", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), (attempt) => {
        const delay = retryDelaySeconds(attempt);
        expect(delay).toBeGreaterThanOrEqual(retryDelaySeconds(attempt - 1 || 1));
        expect(retryDelaySeconds(attempt + 1)).toBeGreaterThanOrEqual(delay);
        expect(delay).toBeLessThanOrEqual(Math.min(RETRY_CAP_SECONDS, 43_200));
      }),
    );
  });
});

describe("the CRM's webhook configuration", () => {
  it("takes an https endpoint and known events; http only to this machine", () => {
    expect(crmWebhookDraftSchema.safeParse({ url: "https://crm.example.com/hooks", events: ["member.tier_changed"] }).success).toBe(true);
    expect(crmWebhookDraftSchema.safeParse({ url: "http://127.0.0.1:9000/hooks", events: [] }).success).toBe(true);
    expect(crmWebhookDraftSchema.safeParse({ url: null, events: [] }).success).toBe(true);
    expect(crmWebhookDraftSchema.safeParse({ url: "http://crm.example.com/hooks", events: [] }).success).toBe(false);
    expect(crmWebhookDraftSchema.safeParse({ url: "https://crm.example.com", events: ["order.paid"] }).success).toBe(false);
  });
});
