import { env } from "cloudflare:workers";
import { type CouponTemplate, type CouponTemplateInput, couponKey, couponTemplateSchema } from "../../src/coupons/coupon-template.ts";
import { type Livestream, type LivestreamInput, livestreamKey, livestreamSchema } from "../../src/livestreams/livestream.ts";
import { Shopper } from "./support.ts";

/** A store coupon template (issue 15) under a fresh id, written to KV as the admin API keeps it. */
export async function seedStoreTemplate(overrides: Partial<CouponTemplateInput> = {}): Promise<CouponTemplate> {
  const now = Date.now();
  const template = couponTemplateSchema.parse({
    id: `s-${crypto.randomUUID().slice(0, 18)}`,
    title: "到店立减30",
    type: "amount_off",
    amountOff: 3_000,
    validFrom: now - 60_000,
    validUntil: now + 86_400_000,
    totalQuantity: 100,
    redeem: "in_store",
    ...overrides,
  });
  await env.SALES.put(couponKey(template.id), JSON.stringify(template));
  return template;
}

/** A livestream on air now (unless overridden) handing out `templates` for `stores`, written to KV. */
export async function seedLivestream(templates: string[], stores: string[], overrides: Partial<LivestreamInput> = {}): Promise<Livestream> {
  const now = Date.now();
  const livestream = livestreamSchema.parse({
    id: `l-${crypto.randomUUID().slice(0, 18)}`,
    title: "Double 11 live",
    streamUrl: "https://stream.example.com/live.m3u8",
    embed: "video",
    startsAt: now - 60_000,
    endsAt: now + 3_600_000,
    couponTemplates: templates,
    stores,
    ...overrides,
  });
  await env.SALES.put(livestreamKey(livestream.id), JSON.stringify(livestream));
  return livestream;
}

export type ClaimedCoupon = {
  id: string;
  shortCode: string;
  status: string;
  livestreamId: string;
  stores: Array<{ id: string; name: string }>;
  redeemedAt: number | null;
  redeemedStore: { id: string; name: string } | null;
};

export function liveClaim(
  shopper: Shopper,
  livestreamId: string,
  body: { templateId: string; claimCode?: string },
  key = crypto.randomUUID(),
) {
  return shopper.post(`/api/livestreams/${livestreamId}/claim`, body, { "Idempotency-Key": key });
}

/** A fresh shopper's coupon claimed through the livestream. */
export async function claimedThrough(livestream: Livestream, templateId: string): Promise<{ shopper: Shopper; coupon: ClaimedCoupon }> {
  const shopper = await Shopper.create();
  const response = await liveClaim(shopper, livestream.id, { templateId, claimCode: livestream.claimCode || undefined });
  if (response.status !== 201) throw new Error(`claim: ${response.status} ${await response.text()}`);
  return { shopper, coupon: (await response.json<{ coupon: ClaimedCoupon }>()).coupon };
}
