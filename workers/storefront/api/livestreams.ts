import { z } from "@hono/zod-openapi";
import { COUPON_TYPES, type CouponTemplate } from "../../../src/coupons/coupon-template.ts";
import { VerdictCache } from "../../../src/edge/verdict-cache.ts";
import { AppError } from "../../../src/errors.ts";
import { claimCodeMatches, EMBED_KINDS, type Livestream, liveAt } from "../../../src/livestreams/livestream.ts";
import { LivestreamCatalog } from "../../../src/livestreams/livestream-catalog.ts";
import type { Store } from "../../../src/stores/store.ts";
import { contractApp, contractRoute } from "../contract/route.ts";
import { epochMs, int, minorUnits } from "../contract/units.ts";
import { claimCoupon } from "./claim-coupon.ts";
import { couponPool, findTemplate } from "./coupon-holds.ts";
import { presentCoupon, walletCouponSchema } from "./coupons.ts";
import { addressLimit, shopperLimit } from "./rate-limit.ts";
import { session } from "./session.ts";
import { edgeClock } from "./sku-object.ts";
import { activeStores } from "./store-directory.ts";
import { idempotencyKeyHeader, shopperWrite } from "./validation.ts";

/**
 * Livestreams for shoppers (issue 15): what is on air or coming, one livestream with its
 * coupons and stores, and the live claim. A claim is exact against the coupon's pool, as every
 * claim is (the CouponPool counts it in one turn), and only while the livestream is on air;
 * the coupon is stamped with the livestream and its stores, and redeemed at their tills.
 */

const livestreamSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string(),
    streamUrl: z.string().describe("https: an HLS or MP4 URL (embed video) or an embeddable player page (embed iframe)"),
    embed: z.enum(EMBED_KINDS),
    startsAt: epochMs,
    endsAt: epochMs,
    phase: z.enum(["upcoming", "live", "ended"]).describe("where its window stands now, by server time"),
    paused: z.boolean().describe("handing out coupons is paused"),
    claimCodeRequired: z.boolean().describe("a claim needs the code announced on air"),
  })
  .openapi("LivestreamSummary");

const liveCouponSchema = z
  .object({
    templateId: z.string(),
    title: z.string(),
    description: z.string(),
    type: z.enum(COUPON_TYPES),
    amountOff: minorUnits,
    percentOff: int,
    maxDiscount: minorUnits,
    minSpend: minorUnits,
    validUntil: epochMs.describe("redeemable until then (exclusive)"),
    perShopperLimit: int,
    remaining: int.describe("coupons left in the pool"),
  })
  .openapi("LivestreamCoupon");

const liveStoreSchema = z.object({ id: z.string(), name: z.string(), address: z.string(), city: z.string() }).openapi("LivestreamStore");

const json = <T extends z.ZodType>(schema: T) => ({ "application/json": { schema } });
const idParams = z.object({
  id: z
    .string()
    .max(64)
    .openapi({ param: { description: "the livestream's id" } }),
});

const listRoute = contractRoute({
  method: "get",
  path: "/livestreams",
  tags: ["livestreams"],
  summary: "Livestreams on air now and coming, the soonest first",
  responses: {
    200: {
      description: "the livestreams",
      content: json(z.object({ livestreams: z.array(livestreamSchema), serverTime: epochMs })),
    },
  },
});

const readRoute = contractRoute({
  method: "get",
  path: "/livestreams/{id}",
  tags: ["livestreams"],
  summary: "One livestream: its stream, its coupons' terms and remaining counts, and the stores they are redeemed in",
  request: { params: idParams },
  responses: {
    200: {
      description: "the livestream",
      content: json(
        z
          .object({
            livestream: livestreamSchema,
            coupons: z.array(liveCouponSchema),
            stores: z.array(liveStoreSchema),
            serverTime: epochMs,
          })
          .openapi("LivestreamDetail"),
      ),
    },
  },
  errors: ["not_found"],
});

const claimBody = z
  .object({
    templateId: z.string().max(64).describe("one of the livestream's coupon templates"),
    claimCode: z.string().max(32).optional().describe("the code announced on air, when the livestream has one (case does not matter)"),
  })
  .strict()
  .openapi("LivestreamClaim");

const claimRoute = contractRoute({
  method: "post",
  path: "/livestreams/{id}/claim",
  tags: ["livestreams"],
  summary: "Claim one of the livestream's store coupons while it is on air",
  description:
    "Exact under a stampede, as every coupon claim: the pool object counts the claim and the shopper's limit in one turn. Only while the livestream is on air (409 `not_live`, with `startsAt` and `endsAt`), not paused (409 `sale_paused`), with the claim code when it has one (403 `wrong_claim_code`). The coupon is stamped with the livestream's stores, where it is redeemed, and its short code. Retrying with the same Idempotency-Key answers the coupon it claimed (`replayed: true`).",
  middleware: [shopperWrite, addressLimit, session, shopperLimit],
  request: {
    params: idParams,
    headers: idempotencyKeyHeader,
    body: { required: true, content: { "application/json": { schema: claimBody } } },
  },
  responses: {
    201: {
      description: "claimed (or the coupon this key claimed before)",
      content: json(z.object({ coupon: walletCouponSchema, replayed: z.boolean() }).openapi("LivestreamCouponClaimed")),
    },
  },
  errors: ["not_found", "not_live", "sale_paused", "wrong_claim_code", "limit_exceeded", "coupons_gone", "coupon_expired", "not_started"],
});

/**
 * Livestreams as this isolate last read them from KV, for a few seconds: a stampede of claims
 * costs one KV read per isolate, not one per claim. The window is checked against server time
 * on every claim; a marketer's pause reaches every isolate within 5 s.
 */
const cache = new VerdictCache<Livestream | null>({ ttlMs: () => 5_000, now: () => edgeClock.now(), maxEntries: 200 });

function findLivestream(env: Env, id: string): Promise<Livestream | null> {
  return cache.get(id, () => new LivestreamCatalog(env.SALES).find(id));
}

export const livestreams = contractApp()
  .openapi(listRoute, async (c) => {
    const now = Date.now();
    const all = await new LivestreamCatalog(c.env.SALES).list();
    c.header("Cache-Control", "no-store");
    return c.json({ livestreams: all.filter((l) => liveAt(l, now) !== "ended").map((l) => summaryOf(l, now)), serverTime: now }, 200);
  })
  .openapi(readRoute, async (c) => {
    const now = Date.now();
    const livestream = await existing(c.env, c.req.valid("param").id);
    const templates = (await Promise.all(livestream.couponTemplates.map((id) => findTemplate(c.env, id)))).filter(
      (t): t is CouponTemplate => t !== null && t.redeem === "in_store",
    );
    const coupons = await Promise.all(
      templates.map(async (template) => {
        const { claimed } = await couponPool(c.env, template.id).stats();
        const { title, description, type, amountOff, percentOff, maxDiscount, minSpend, validUntil, perShopperLimit } = template;
        const remaining = Math.max(0, template.totalQuantity - claimed);
        return {
          templateId: template.id,
          title,
          description,
          type,
          amountOff,
          percentOff,
          maxDiscount,
          minSpend,
          validUntil,
          perShopperLimit,
          remaining,
        };
      }),
    );
    c.header("Cache-Control", "no-store");
    return c.json({ livestream: summaryOf(livestream, now), coupons, stores: await storesOf(c.env, livestream), serverTime: now }, 200);
  })
  .openapi(claimRoute, async (c) => {
    const { templateId, claimCode } = c.req.valid("json");
    const livestream = await existing(c.env, c.req.valid("param").id);
    if (!livestream.couponTemplates.includes(templateId)) {
      throw new AppError("not_found", `livestream "${livestream.id}" hands out no coupon "${templateId}"`);
    }
    if (liveAt(livestream, Date.now()) !== "live") {
      throw new AppError("not_live", `livestream "${livestream.id}" is not on air`, {
        startsAt: livestream.startsAt,
        endsAt: livestream.endsAt,
      });
    }
    if (livestream.paused) throw new AppError("sale_paused", "handing out this livestream's coupons is paused; try again shortly");
    if (!claimCodeMatches(livestream, claimCode)) throw new AppError("wrong_claim_code", "that is not the claim code announced on air");
    const template = await findTemplate(c.env, templateId);
    if (template?.redeem !== "in_store") throw new AppError("not_found", `no store coupon "${templateId}"`);
    const claimed = await claimCoupon(c, template, c.req.valid("header")["Idempotency-Key"], {
      livestreamId: livestream.id,
      stores: livestream.stores,
    });
    const names = new Map((await storesOf(c.env, livestream)).map((store) => [store.id, store.name]));
    return c.json({ coupon: presentCoupon(claimed.coupon, template, Date.now(), names), replayed: claimed.replayed }, 201);
  });

function summaryOf(livestream: Livestream, now: number): z.output<typeof livestreamSchema> {
  const { id, title, description, streamUrl, embed, startsAt, endsAt, paused } = livestream;
  return {
    id,
    title,
    description,
    streamUrl,
    embed,
    startsAt,
    endsAt,
    paused,
    phase: liveAt(livestream, now),
    claimCodeRequired: livestream.claimCode !== "",
  };
}

/**
 * The livestream's stores as the store directory has them, in the livestream's order. A store
 * closed down since is left out; Postgres unreachable, each is named by its id (the page still
 * shows the stream and the claim).
 */
async function storesOf(env: Env, livestream: Livestream): Promise<Array<z.output<typeof liveStoreSchema>>> {
  let known: Store[] | null = null;
  try {
    known = await activeStores(env);
  } catch (error) {
    console.error(`livestreams: the store directory could not be read (${(error as Error).message})`);
  }
  if (!known) return livestream.stores.map((id) => ({ id, name: id, address: "", city: "" }));
  const byId = new Map(known.map((store) => [store.id, store]));
  return livestream.stores.flatMap((id) => {
    const store = byId.get(id);
    return store ? [{ id, name: store.name, address: store.address, city: store.city }] : [];
  });
}

async function existing(env: Env, id: string): Promise<Livestream> {
  const livestream = await findLivestream(env, id);
  if (!livestream) throw new AppError("not_found", `no livestream "${id}"`);
  return livestream;
}
