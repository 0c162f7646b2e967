import { Hono, type Context } from "hono";
import { AppError, unwrap } from "../../../src/errors.ts";
import { messages, type Lang } from "../../../src/i18n/messages.ts";
import { SaleCatalog } from "../../../src/sales/sale-catalog.ts";
import { skuOfOrderId } from "../../../src/orders/order.ts";
import type { AppEnv } from "../app-env.ts";
import { imageUrl } from "../assets.ts";
import { currentSales, skuObject } from "../api/sku-object.ts";
import { edgeCached } from "./edge-cache.ts";
import { homePage } from "./home-page.ts";
import { pageLang } from "./lang.ts";
import { layout, pageResponse, preloadHeaders, type PageOptions } from "./layout.ts";
import { notFoundPage } from "./not-found-page.ts";
import { mePage } from "./me-page.ts";
import { inboxPage } from "./inbox-page.ts";
import { orderPage } from "./order-page.ts";
import { HOME_PATH, PAGE_CACHE, pageCacheKey, salePagePath } from "./page-cache.ts";
import { salePage } from "./sale-page.ts";
import { storeStaffPage } from "./store-staff-page.ts";
import { teamCampaignsPage, teamPage } from "./team-page.ts";
import { storesPage } from "./stores-page.ts";
import { livestreamPage, livestreamsPage } from "./live-page.ts";
import { LivestreamCatalog } from "../../../src/livestreams/livestream-catalog.ts";
import { LIVESTREAM_ID } from "../../../src/livestreams/livestream.ts";
import { TEAM_ID } from "../../../src/teams/team-id.ts";
import { type ShopPagePolicy, withShopPageHeaders } from "./security-headers.ts";

/** Server-rendered shopper pages (issue 5), each sent with the shop's security headers (security-headers.ts). */
export const pages = new Hono<AppEnv>()
  .get("/", (c) => {
    const env = c.env;
    return sharedPage(c, HOME_PATH, async (lang) => {
      const sales = await currentSales(env);
      return { title: messages(lang).liveAndUpcoming, body: homePage(lang, sales), script: "home" };
    });
  })
  .get("/sales/:sku", (c) => {
    const env = c.env;
    const sku = c.req.param("sku");
    // The bot check's widget (issue 12), and the policy that lets it run, only when configured.
    const turnstileSiteKey = env.TURNSTILE_SITE_KEY || "";
    const policy = { turnstile: turnstileSiteKey !== "" };
    return sharedPage(
      c,
      salePagePath(sku),
      async (lang) => {
        const sale = await new SaleCatalog(env.SALES).get(sku);
        const snapshot = unwrap(await skuObject(env, sku).snapshot());
        const hero = sale.images[0] ? imageUrl(sale.images[0], 960) : null;
        return { title: sale.title, body: salePage(lang, sale, snapshot, turnstileSiteKey), script: "sale", preloadImage: hero };
      },
      policy,
    );
  })
  .get("/orders/:id", async (c) => {
    const id = c.req.param("id");
    if (!skuOfOrderId(id)) throw new AppError("not_found", `no order ${id}`);
    const { lang } = pageLang(c);
    const page: PageOptions = { lang, title: messages(lang).yourOrder, body: orderPage(lang, id), script: "order", path: c.req.path };
    preloadHeaders(c, page);
    c.header("Cache-Control", "private, no-store");
    return withShopPageHeaders(await c.html(layout(page)));
  })
  // The shopper's own profile (issue 13): a shell; its script reads /api/me/profile with the session.
  .get("/me", (c) => privatePage(c, (lang) => ({ title: messages(lang).profileTitle, body: mePage(lang), script: "me" })))
  // The shopper's inbox (issue 17): a shell; its script reads /api/me/inbox with the session.
  .get("/inbox", (c) => privatePage(c, (lang) => ({ title: messages(lang).inbox_title, body: inboxPage(lang), script: "inbox" })))
  // Team-up red packets (issue 14): the running campaigns, and a team's share page. The API says whether a team exists.
  .get("/teams", (c) => privatePage(c, (lang) => ({ title: messages(lang).teamsTitle, body: teamCampaignsPage(lang), script: "team" })))
  // The store finder (issue 15): a shell; its script reads /api/stores with the shopper's location or city.
  .get("/stores", (c) => privatePage(c, (lang) => ({ title: messages(lang).storesTitle, body: storesPage(lang), script: "stores" })))
  .get("/teams/:id", (c) => {
    const id = c.req.param("id");
    if (!TEAM_ID.test(id)) throw new AppError("not_found", `no team ${id}`);
    return privatePage(c, (lang) => ({ title: messages(lang).teamTitle, body: teamPage(lang, id), script: "team" }));
  })
  // The staff redemption page (issue 15): a till signs in with a staff token its script keeps; the page itself holds nothing.
  .get("/store", (c) => privatePage(c, (lang) => ({ title: messages(lang).till_title, body: storeStaffPage(lang), script: "store-staff" })))
  // Livestreams (issue 15): what is on air and coming, and one livestream with its stream, claims and stores.
  .get("/live", (c) => privatePage(c, (lang) => ({ title: messages(lang).liveTitle, body: livestreamsPage(lang), script: "live" })))
  .get("/live/:id", async (c) => {
    const id = c.req.param("id");
    const livestream = LIVESTREAM_ID.test(id) ? await new LivestreamCatalog(c.env.SALES).find(id) : null;
    if (!livestream) throw new AppError("not_found", `no livestream ${id}`);
    const policy = { streamOrigin: new URL(livestream.streamUrl).origin, embed: livestream.embed };
    return privatePage(c, (lang) => ({ title: livestream.title, body: livestreamPage(lang, livestream), script: "live" }), policy);
  });

/** A page of one shopper's own (never cached): a shell whose script reads the API with their session. */
async function privatePage(c: Context<AppEnv>, draw: (lang: Lang) => Omit<PageOptions, "lang" | "path">, policy: ShopPagePolicy = {}) {
  const { lang } = pageLang(c);
  const page: PageOptions = { ...draw(lang), lang, path: c.req.path };
  preloadHeaders(c, page);
  c.header("Cache-Control", "private, no-store");
  return withShopPageHeaders(await c.html(layout(page)), policy);
}

/**
 * A page every shopper sees alike: rendered once per language and cached at the edge under
 * its canonical `path` (page-cache.ts, which purgeSalePages clears). `render` may run in the
 * background after this request has been answered (a stale entry's refresh), so it reads only
 * what was captured from the request beforehand, never the hono context.
 */
async function sharedPage(
  c: Context<AppEnv>,
  path: string,
  render: (lang: Lang) => Promise<Omit<PageOptions, "lang" | "path">>,
  policy: ShopPagePolicy = {},
) {
  const { lang, chosenNow } = pageLang(c);
  if (chosenNow) {
    // pageLang set the language cookie on c: answered through c, and never shared.
    const page = { ...(await render(lang)), lang, path };
    preloadHeaders(c, page);
    return withShopPageHeaders(await c.html(layout(page)), policy);
  }
  const key = pageCacheKey(new URL(c.req.url).origin, path, lang);
  const draw = async () => pageResponse({ ...(await render(lang)), lang, path });
  // Set as the page leaves, so a cache hit carries them as a fresh render does.
  return withShopPageHeaders(await edgeCached(c.executionCtx, key, PAGE_CACHE, draw), policy);
}

/** The 404 page for every unknown address outside the APIs. */
export async function notFoundHtml(c: Context<AppEnv>): Promise<Response> {
  const { lang } = pageLang(c);
  const t = messages(lang);
  return withShopPageHeaders(await c.html(layout({ lang, title: t.notFoundTitle, body: notFoundPage(lang), path: "/" }), 404));
}
