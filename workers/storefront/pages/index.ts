import { Hono, type Context } from "hono";
import { AppError, unwrap } from "../../../src/errors.ts";
import { messages } from "../../../src/i18n/messages.ts";
import { SaleCatalog } from "../../../src/sales/sale-catalog.ts";
import { skuOfOrderId } from "../../../src/orders/order.ts";
import type { AppEnv } from "../app-env.ts";
import { imageUrl } from "../assets.ts";
import { currentSales, skuObject } from "../api/sku-object.ts";
import { edgeCached } from "./edge-cache.ts";
import { homePage } from "./home-page.ts";
import { pageLang } from "./lang.ts";
import { layout, preloadHeaders, type PageOptions } from "./layout.ts";
import { notFoundPage } from "./not-found-page.ts";
import { orderPage } from "./order-page.ts";
import { salePage } from "./sale-page.ts";
import { withShopPageHeaders } from "./security-headers.ts";

/** Shared pages are cached at the edge briefly; live numbers come over the WebSocket anyway. */
const PAGE_CACHE = { freshSeconds: 5, staleSeconds: 30 };

/** Server-rendered shopper pages (issue 5), each sent with the shop's security headers (security-headers.ts). */
export const pages = new Hono<AppEnv>()
  .get("/", (c) =>
    sharedPage(c, async (lang) => {
      const sales = await currentSales(c.env);
      return { title: messages(lang).liveAndUpcoming, body: homePage(lang, sales), script: "home" };
    }),
  )
  .get("/sales/:sku", async (c) =>
    sharedPage(c, async (lang) => {
      const sku = c.req.param("sku");
      const sale = await new SaleCatalog(c.env.SALES).get(sku);
      const snapshot = unwrap(await skuObject(c.env, sku).snapshot());
      const hero = sale.images[0] ? imageUrl(sale.images[0], 960) : null;
      return { title: sale.title, body: salePage(lang, sale, snapshot), script: "sale", preloadImage: hero };
    }),
  )
  .get("/orders/:id", async (c) => {
    const id = c.req.param("id");
    if (!skuOfOrderId(id)) throw new AppError("not_found", `no order ${id}`);
    const { lang } = pageLang(c);
    const page: PageOptions = { lang, title: messages(lang).yourOrder, body: orderPage(lang, id), script: "order", path: c.req.path };
    preloadHeaders(c, page);
    c.header("Cache-Control", "private, no-store");
    return withShopPageHeaders(await c.html(layout(page)));
  });

/** A page every shopper sees alike: rendered once per language and cached at the edge. */
async function sharedPage(c: Context<AppEnv>, render: (lang: ReturnType<typeof pageLang>["lang"]) => Promise<Omit<PageOptions, "lang" | "path">>) {
  const { lang, chosenNow } = pageLang(c);
  const url = new URL(c.req.url);
  const draw = async () => {
    const page = { ...(await render(lang)), lang, path: url.pathname };
    preloadHeaders(c, page);
    return c.html(layout(page));
  };
  if (chosenNow) return withShopPageHeaders(await draw()); // sets the language cookie: never shared
  // Set as the page leaves, so a cache hit carries them as a fresh render does.
  return withShopPageHeaders(await edgeCached(c, `${url.origin}${url.pathname}?__lang=${lang}`, PAGE_CACHE, draw));
}

/** The 404 page for every unknown address outside the APIs. */
export async function notFoundHtml(c: Context<AppEnv>): Promise<Response> {
  const { lang } = pageLang(c);
  const t = messages(lang);
  return withShopPageHeaders(await c.html(layout({ lang, title: t.notFoundTitle, body: notFoundPage(lang), path: "/" }), 404));
}
