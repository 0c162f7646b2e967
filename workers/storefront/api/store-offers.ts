import { CouponCatalog } from "../../../src/coupons/coupon-catalog.ts";
import { usableAt } from "../../../src/coupons/coupon.ts";
import type { CouponTemplate } from "../../../src/coupons/coupon-template.ts";
import { VerdictCache } from "../../../src/edge/verdict-cache.ts";
import type { Livestream } from "../../../src/livestreams/livestream.ts";
import { LivestreamCatalog } from "../../../src/livestreams/livestream-catalog.ts";
import { redactSecrets } from "../../../src/redact.ts";
import { couponPool } from "./coupon-holds.ts";
import { edgeClock } from "./sku-object.ts";

/** One thing a store offers a shopper who comes near it: a coupon to use there, or one to claim. */
export interface StoreOffer {
  templateId: string;
  title: string;
  description: string;
  /** The livestream it comes from. */
  livestreamId: string | null;
  /** The shopper's own coupon, redeemable in this store now; null: one to claim from the livestream. */
  couponId: string | null;
  /** Where the page or a notification sends the shopper: the wallet for their own coupon, else the livestream. */
  url: string;
}

/**
 * What a store offers a shopper who comes near it (issue 15): the ONE place the geofence asks.
 *
 * 1. The shopper's own store coupons that this store redeems and that are usable now (claimed
 *    in a livestream, not yet redeemed): "show it at the till", the seed's point: a coupon in a
 *    wallet is redeemed when its holder walks past the store.
 * 2. Then the store coupons of the livestreams on air now that list this store, to claim, except
 *    those templates the shopper already holds one of.
 *
 * None, and the store is pushed on its own ("a store near you"). A part that cannot be read
 * (KV, a pool) offers nothing rather than failing the ping.
 */
export async function storeOffers(env: Env, shopperId: string, storeId: string): Promise<StoreOffer[]> {
  const now = edgeClock.now();
  const { livestreams, templates } = await storeCouponConfig(env);
  const own = await ownCouponsFor(env, templates, shopperId, storeId, now);
  const held = new Set(own.map((offer) => offer.templateId));
  const claimable = livestreams
    .filter((stream) => stream.stores.includes(storeId) && !stream.paused && stream.startsAt <= now && now < stream.endsAt)
    .flatMap((stream) =>
      stream.couponTemplates.flatMap((templateId) => {
        const template = templates.get(templateId);
        if (!template || held.has(templateId)) return [];
        held.add(templateId); // a template two livestreams hand out is one offer
        return [offerOf(template, stream.id, null)];
      }),
    );
  return [...own, ...claimable];
}

async function ownCouponsFor(
  env: Env,
  templates: Map<string, CouponTemplate>,
  shopperId: string,
  storeId: string,
  now: number,
): Promise<StoreOffer[]> {
  const wallets = await Promise.all(
    [...templates.values()].map((template) =>
      couponPool(env, template.id)
        .wallet(shopperId)
        .then((coupons) => ({ template, coupons }))
        .catch((error: Error) => {
          console.error(`store offers: the pool of "${template.id}" did not answer (${redactSecrets(error.message)})`);
          return { template, coupons: [] };
        }),
    ),
  );
  return wallets.flatMap(({ template, coupons }) =>
    coupons
      .filter((coupon) => coupon.stores?.includes(storeId) && usableAt(coupon, template, now))
      .map((coupon) => offerOf(template, coupon.livestreamId, coupon.id)),
  );
}

function offerOf(template: CouponTemplate, livestreamId: string | null, couponId: string | null): StoreOffer {
  const url = couponId || !livestreamId ? "/me" : `/live/${encodeURIComponent(livestreamId)}`;
  return { templateId: template.id, title: template.title, description: template.description, livestreamId, couponId, url };
}

interface StoreCouponConfig {
  livestreams: Livestream[];
  /** The in_store coupon templates, by id. */
  templates: Map<string, CouponTemplate>;
}

/** A livestream or store coupon a marketer saves reaches the geofence within this; pings must not list KV each. */
const CONFIG_TTL_MS = 30_000;
const config = new VerdictCache<StoreCouponConfig>({ ttlMs: () => CONFIG_TTL_MS, now: () => edgeClock.now(), maxEntries: 1 });

function storeCouponConfig(env: Env): Promise<StoreCouponConfig> {
  return config.get("all", async () => {
    try {
      const [livestreams, templates] = await Promise.all([new LivestreamCatalog(env.SALES).list(), new CouponCatalog(env.SALES).list()]);
      return { livestreams, templates: new Map(templates.filter((t) => t.redeem === "in_store").map((t) => [t.id, t])) };
    } catch (error) {
      // No offers is an answer: the store is still pushed on its own.
      console.error(
        `store offers: livestreams and coupons not read (${redactSecrets(error instanceof Error ? error.message : String(error))})`,
      );
      return { livestreams: [], templates: new Map() };
    }
  });
}

/** Tests: read the livestreams and coupon templates afresh. */
export function forgetLivestreamOffers(): void {
  config.forget("all");
}
