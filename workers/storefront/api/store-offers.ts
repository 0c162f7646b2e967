import { z } from "zod";
import { VerdictCache } from "../../../src/edge/verdict-cache.ts";
import { redactSecrets } from "../../../src/redact.ts";
import { findTemplate } from "./coupon-holds.ts";
import { edgeClock } from "./sku-object.ts";

/** One thing a store offers a shopper who comes near it: a coupon, and the livestream it comes from. */
export interface StoreOffer {
  templateId: string;
  title: string;
  description: string;
  /** The livestream handing it out: where the page or a notification sends the shopper to claim it. */
  livestreamId: string | null;
}

/**
 * What a store offers a shopper who comes near it (issue 15): the ONE place the geofence asks,
 * so the answer can be refined without touching the ping route. For now: the coupon templates
 * of the livestreams live now that list this store (part B's KV records `livestream:<id>`,
 * read defensively: an entry that does not parse is skipped); none, and the store is pushed on
 * its own ("a store near you"). `shopperId` is for the refinement the brief names: the
 * shopper's own unredeemed in_store coupons valid in this store, once part B's wallet carries
 * them (its branch adds in_store coupons; the lead refines this at merge).
 */
export async function storeOffers(env: Env, shopperId: string, storeId: string): Promise<StoreOffer[]> {
  void shopperId;
  const now = edgeClock.now();
  const live = (await liveLivestreams(env)).filter(
    (stream) => stream.stores.includes(storeId) && !stream.paused && stream.startsAt <= now && now < stream.endsAt,
  );
  const offers = await Promise.all(
    live.flatMap((stream) =>
      stream.couponTemplates.map(async (templateId): Promise<StoreOffer | null> => {
        const template = await findTemplate(env, templateId).catch(() => null);
        return template ? { templateId, title: template.title, description: template.description, livestreamId: stream.id } : null;
      }),
    ),
  );
  // A template two livestreams hand out is one offer.
  const byTemplate = new Map<string, StoreOffer>();
  for (const offer of offers) if (offer && !byTemplate.has(offer.templateId)) byTemplate.set(offer.templateId, offer);
  return [...byTemplate.values()];
}

/** The fields of a livestream record this reads; anything else in it is B's. */
const livestreamFields = z.object({
  id: z.string(),
  startsAt: z.number(),
  endsAt: z.number(),
  couponTemplates: z.array(z.string()).default([]),
  stores: z.array(z.string()).default([]),
  paused: z.boolean().default(false),
});
type LivestreamFields = z.infer<typeof livestreamFields>;

const LIVESTREAM_PREFIX = "livestream:";
/** A livestream a marketer schedules reaches the geofence within this; pings must not list KV each. */
const LIVESTREAMS_TTL_MS = 30_000;
const livestreams = new VerdictCache<LivestreamFields[]>({ ttlMs: () => LIVESTREAMS_TTL_MS, now: () => edgeClock.now(), maxEntries: 1 });

function liveLivestreams(env: Env): Promise<LivestreamFields[]> {
  return livestreams.get("all", async () => {
    try {
      const found: LivestreamFields[] = [];
      let cursor: string | undefined;
      do {
        const page = await env.SALES.list({ prefix: LIVESTREAM_PREFIX, cursor });
        const values = await Promise.all(page.keys.map(async (key) => ({ key: key.name, raw: await env.SALES.get(key.name, "json") })));
        for (const { key, raw } of values) {
          const parsed = livestreamFields.safeParse(raw);
          if (parsed.success && key === `${LIVESTREAM_PREFIX}${parsed.data.id}`) found.push(parsed.data);
        }
        cursor = page.list_complete ? undefined : page.cursor;
      } while (cursor);
      return found;
    } catch (error) {
      // No offers is an answer: the store is still pushed on its own.
      console.error(`store offers: livestreams not read (${redactSecrets(error instanceof Error ? error.message : String(error))})`);
      return [];
    }
  });
}

/** Tests: read the livestreams afresh. */
export function forgetLivestreamOffers(): void {
  livestreams.forget("all");
}
