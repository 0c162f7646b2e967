import { z } from "@hono/zod-openapi";
import { databaseSettings, redisSettings } from "../../../src/config.ts";
import { withDatabase } from "../../../src/db/client.ts";
import { describeDatabaseFailure } from "../../../src/db/errors.ts";
import { enrolShopper } from "../../../src/experiments/enrol.ts";
import { TARGET_LOCALES } from "../../../src/experiments/experiment-config.ts";
import { StickyStore } from "../../../src/experiments/sticky-store.ts";
import { type EventGroup, paidSkus } from "../../../src/profile/lifetime.ts";
import { shopperEventGroups } from "../../../src/profile/lifetime-query.ts";
import { ViewWindowStore } from "../../../src/profile/view-window-store.ts";
import type { ProductView } from "../../../src/profile/view-window.ts";
import { REC_ARMS, type RecArm, type RecommendationsAnswer, recommend } from "../../../src/recs/serving.ts";
import { redactSecrets } from "../../../src/redact.ts";
import { openRedis } from "../../../src/redis/client.ts";
import { shopperSegment } from "../../../src/rfm/segment-reads.ts";
import { SaleCatalog } from "../../../src/sales/sale-catalog.ts";
import { withTimeout } from "../../../src/timeout.ts";
import { imageUrl } from "../assets.ts";
import { noStore } from "../contract/no-store.ts";
import type { Describes, Holds } from "../contract/describes.ts";
import { contractApp, contractRoute } from "../contract/route.ts";
import { activeModel } from "../recs/active-model.ts";
import { shopPopularity } from "../recs/shop-popularity.ts";
import { sessionLimit } from "./rate-limit.ts";
import { requestDevice } from "./request-device.ts";
import { runningExperiments } from "./running-experiments.ts";
import { session } from "./session.ts";

/**
 * "Recommended for you" (issue 18, part E): the shopper's recommendations for the home or a
 * sale page, ranked in the Worker by the active two-tower model (../recs/active-model.ts,
 * src/recs/serving.ts) or by popularity, as the `recommendations` experiment's arm says.
 *
 * Everything around the ranking is best-effort, each with its own bound: the view window
 * (Redis, 1 s), the segment and history (Postgres, 2 s), the arm (Redis, 800 ms). What cannot be
 * read is left out (logged), never an error: a shopper without a window gets popularity, as a
 * new shopper does. A missing or corrupt model is logged with its reason (console.warn) and
 * answered with popularity.
 */

const WINDOW_WAIT_MS = 1_000;
const HISTORY_WAIT_MS = 2_000;
const ARM_WAIT_MS = 800;
/** A missing or corrupt model is warned about at most once a minute per isolate and reason. */
const WARN_EVERY_MS = 60_000;

const reasonSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("viewed"), sku: z.string(), title: z.string().describe("because you viewed <title>") }),
  z.object({ kind: z.literal("popular") }).describe("popular now"),
]);

const itemSchema = z
  .object({
    sku: z.string(),
    title: z.string(),
    category: z.string(),
    url: z.string().describe("the sale page"),
    image: z.string().nullable().describe("480 px picture, when the sale has one"),
    score: z.number().nullable().describe("the model's cosine score; null for a popularity pick"),
    reason: reasonSchema,
  })
  .openapi("Recommendation");

const answerSchema = z
  .object({
    arm: z.enum(REC_ARMS).describe("the `recommendations` surface's arm for this shopper: `two_tower` when no experiment runs"),
    experiment: z.string().nullable().describe("the running experiment that chose the arm, if any"),
    source: z
      .enum(["model", "popularity"])
      .describe("what ranked the list: popularity for the popularity arm, a new shopper, or no usable model"),
    modelVersion: z.string().nullable(),
    items: z.array(itemSchema).max(10),
  })
  .openapi("Recommendations");

export type RecommendationsBody = z.output<typeof answerSchema>;
export type AnswerSchemaMatchesCode = Holds<Describes<RecommendationsBody, RecommendationsAnswer>>;

const route = contractRoute({
  method: "get",
  path: "/recommendations",
  tags: ["recommendations"],
  summary: "Up to 10 products on sale recommended for this shopper, each with its reason",
  description:
    "Ranked by the active model (the shopper's 30-minute view window, RFM segment and paid orders through the shopper tower, dot product with every item) or by popularity: the arm of the running `recommendations` experiment decides (sticky, as the page's own assignment), `two_tower` when none runs. New shoppers (an empty window), a missing or corrupt model, and Redis or Postgres not answering all give popularity, never an error. Only SKUs on sale now; never the page's own `sku` nor what the shopper has paid for. Never cached.",
  middleware: [sessionLimit, session],
  request: {
    query: z.object({
      page: z.enum(["home", "sale"]),
      sku: z.string().max(64).optional().describe("the sale page's SKU: not recommended on its own page"),
      locale: z.enum(TARGET_LOCALES).default("zh-CN").describe("the page's language, for the experiment's targeting"),
    }),
  },
  responses: {
    200: {
      description: "the recommendations",
      headers: noStore("a shopper's own, as of now"),
      content: { "application/json": { schema: answerSchema } },
    },
  },
  errors: ["invalid_request"],
});

const warned = new Map<string, number>();
function warnOnce(reason: string, now: number): void {
  const last = warned.get(reason);
  if (last !== undefined && now - last < WARN_EVERY_MS) return;
  warned.set(reason, now);
  console.warn(`recommendations: answering with popularity: ${reason}`);
}

export const recommendations = contractApp().openapi(route, async (c) => {
  const { sku, locale } = c.req.valid("query");
  const shopperId = c.get("shopperId");
  const now = Date.now();
  const sales = (await new SaleCatalog(c.env.SALES).list()).filter((sale) => sale.startsAt <= now && now < sale.endsAt && !sale.paused);
  const onSale = new Map(sales.map((sale) => [sale.sku, { title: sale.title, category: sale.category }]));
  const imageOf = new Map(sales.map((sale) => [sale.sku, sale.images[0] ? imageUrl(sale.images[0], 480) : null]));

  const [active, views, history] = await Promise.all([
    activeModel(c.env, now),
    readViews(c.env, shopperId, now),
    readHistory(c.env, shopperId, [...onSale.keys()], now),
  ]);
  const { arm, experiment } = await chooseArm(c.env, shopperId, requestDevice(c), locale, history.groups);
  if (arm === "two_tower" && active.reason) warnOnce(active.reason, now);

  const exclude = new Set(paidSkus(history.groups));
  if (sku) exclude.add(sku);
  const paid = history.groups.filter((g) => g.type === "order_paid");
  const result = recommend({
    arm,
    model: active.model,
    features: {
      views,
      segment: history.segment,
      paidOrders: paid.reduce((n, g) => n + g.events, 0),
      spentFen: paid.reduce((n, g) => n + g.amount, 0),
      now,
    },
    onSale,
    exclude,
    shopPopularity: history.popular,
  });
  c.header("Cache-Control", "no-store");
  return c.json(
    {
      arm,
      experiment,
      source: result.source,
      modelVersion: result.source === "model" ? active.model!.version : null,
      items: result.items.map((item) => ({ ...item, url: `/sales/${item.sku}`, image: imageOf.get(item.sku) ?? null })),
    },
    200,
  );
});

/** The 30-minute window's views; none when Redis does not answer in time (logged). */
async function readViews(env: Env, shopperId: string, now: number): Promise<ProductView[]> {
  try {
    const window = await withTimeout(new ViewWindowStore(openRedis(redisSettings(env))).read(shopperId, now), WINDOW_WAIT_MS);
    return window.products;
  } catch (error) {
    console.error(`recommendations: the view window could not be read (${redactSecrets((error as Error).message)}); answered without it`);
    return [];
  }
}

/** The shopper's event groups and segment and the shop's popularity; empty when Postgres does not answer in time (logged). */
async function readHistory(env: Env, shopperId: string, onSale: string[], now: number) {
  try {
    return await withTimeout(
      withDatabase(databaseSettings(env), async (db) => {
        const [groups, segment, popular] = await Promise.all([
          shopperEventGroups(db, shopperId),
          shopperSegment(db, shopperId),
          shopPopularity(db, onSale, now),
        ]);
        return { groups, segment: segment as string | null, popular };
      }),
      HISTORY_WAIT_MS,
    );
  } catch (error) {
    console.error(
      `recommendations: Postgres did not answer (${describeDatabaseFailure(error).summary}); answered without the shopper's history`,
    );
    return { groups: [] as EventGroup[], segment: null, popular: [] as string[] };
  }
}

/** The shopper's arm of the running `recommendations` experiment (sticky, as the page was told), else `two_tower`. */
async function chooseArm(
  env: Env,
  shopperId: string,
  device: ReturnType<typeof requestDevice>,
  locale: (typeof TARGET_LOCALES)[number],
  groups: readonly EventGroup[],
): Promise<{ arm: RecArm; experiment: string | null }> {
  try {
    const running = (await runningExperiments(env)).filter((e) => e.surface === "recommendations");
    if (running.length === 0) return { arm: "two_tower", experiment: null };
    const sticky = new StickyStore(openRedis(redisSettings(env)));
    const kind = groups.some((g) => g.type === "order_paid") ? "returning" : "new";
    const [enrolment] = await withTimeout(
      enrolShopper(
        running,
        { id: shopperId, device, locale },
        { sticky: { read: (id) => sticky.read(id), keep: (id, first) => sticky.keep(id, first) }, shopperKind: async () => kind },
      ),
      ARM_WAIT_MS,
    );
    if (!enrolment) return { arm: "popularity", experiment: null };
    const arm = REC_ARMS.find((a) => a === enrolment.variant) ?? "popularity";
    return { arm, experiment: enrolment.experiment };
  } catch (error) {
    console.error(`recommendations: no arm assigned (${redactSecrets((error as Error).message)}); the control, popularity`);
    return { arm: "popularity", experiment: null };
  }
}
