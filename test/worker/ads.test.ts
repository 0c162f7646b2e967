import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type AdCampaign, adCampaignKey, adCampaignSchema } from "../../src/ads/campaign.ts";
import { type EventMessage, eventMessage } from "../../src/events/event-message.ts";
import { TEST_SECRETS } from "../support/test-secrets.ts";
import consumer from "../../workers/events/index.ts";
import { adCampaignsChanged } from "../../workers/storefront/api/ads.ts";
import worker from "../../workers/storefront/index.ts";
import { withRunningExperiment } from "./experiment-support.ts";
import { makeApiKey } from "./staff-support.ts";
import { seedSale } from "./support.ts";

/**
 * Issue 18's ad serving in workerd with the real KV, Redis (the local Upstash gateway) and
 * Postgres: `GET /api/ads` serves, caps and budgets; `/ads/click/<token>` counts and redirects;
 * the events, handed to the events consumer as the queue would, make the campaign's report.
 */

const PHONE_UA =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
const DESKTOP_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";

class RecordingQueue {
  readonly sent: EventMessage[] = [];
  async send(body: EventMessage): Promise<void> {
    this.sent.push(structuredClone(body));
  }
  async sendBatch(): Promise<void> {
    throw new Error("not used");
  }
}

/** A shopper's browser: its session cookie, and every event the Worker queued for it. */
class Browser {
  cookie = "";
  readonly queue = new RecordingQueue();
  readonly userAgent: string;
  constructor(userAgent = PHONE_UA) {
    this.userAgent = userAgent;
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    const ctx = createExecutionContext();
    const h = new Headers({ "User-Agent": this.userAgent, ...headers });
    if (this.cookie) h.set("Cookie", this.cookie);
    const response = await worker.fetch(
      new Request(`https://shop.test${path}`, { headers: h, redirect: "manual" }),
      { ...env, EVENTS: this.queue as unknown as Queue },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    const set = response.headers.get("Set-Cookie");
    if (set?.startsWith("fs_session=")) this.cookie = set.split(";")[0]!;
    return response;
  }

  get events() {
    return this.queue.sent.flatMap((m) => m.events);
  }
}

interface Ad {
  impressionId: string;
  campaignId: string;
  creativeId: string;
  placement: string;
  variant: string | null;
  headline: string;
  alt: string;
  image: { url: string; fallbackUrl: string; width: number; height: number };
  clickUrl: string;
}

/** A campaign of its own (a fresh id), written to KV as the admin API would, and this isolate told to read again. */
async function seedCampaign(overrides: Partial<Record<keyof AdCampaign, unknown>> = {}): Promise<AdCampaign> {
  const now = Date.now();
  const campaign = adCampaignSchema.parse({
    id: `t-${crypto.randomUUID().slice(0, 13)}`,
    name: "Test campaign",
    version: 1 + Math.floor(Math.random() * 1_000),
    status: "active",
    startsAt: now - 3_600_000,
    endsAt: now + 3_600_000,
    budget: { impressions: 1_000 },
    placements: ["home_banner", "sale_slot"],
    // Other tests' campaigns may be live too: a test finds its own by the `campaignId` it is answered, never assuming it is the only one.
    creatives: [
      { id: "c1", variant: "a", headline: { "zh-CN": "春季大促", en: "Spring sale" }, targetUrl: "/sales/spring", imageId: "img12345678" },
    ],
    ...overrides,
  });
  await env.SALES.put(adCampaignKey(campaign.id), JSON.stringify(campaign));
  adCampaignsChanged();
  return campaign;
}

/** Asks for ads until this test's campaign answers (other files' campaigns may be live too); at most `tries`. */
async function adOf(
  browser: Browser,
  campaignId: string,
  query: string,
  tries = 20,
  headers: Record<string, string> = {},
): Promise<Ad | null> {
  for (let i = 0; i < tries; i++) {
    const response = await browser.get(`/api/ads?${query}`, headers);
    if (response.status === 204) return null;
    const ad = await response.json<Ad>();
    if (ad.campaignId === campaignId) return ad;
  }
  return null;
}

async function consume(events: EventMessage["events"]) {
  const batch = createMessageBatch("shopper-events", [
    { id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body: eventMessage(events) },
  ]);
  const ctx = createExecutionContext();
  await consumer.queue(batch, env as never);
  const result = await getQueueResult(batch, ctx);
  expect(result.retryMessages).toEqual([]);
}

describe("GET /api/ads", () => {
  it("serves the campaign's creative to a phone: headline in the page's language, the phone's image size, a signed click link", async () => {
    const campaign = await seedCampaign({ targeting: { segments: "all", devices: ["phone"], locales: ["en"] } });
    const browser = new Browser();
    const response = await browser.get("/api/ads?placement=home_banner&locale=en");
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(response.headers.get("Accept-CH")).toContain("Sec-CH-Viewport-Width");
    expect(response.headers.get("Vary")).toContain("Sec-CH-UA-Mobile");
    const ad = await response.json<Ad>();
    expect(ad).toMatchObject({
      campaignId: campaign.id,
      creativeId: "c1",
      placement: "home_banner",
      headline: "Spring sale",
      alt: "Spring sale",
    });
    // A phone without hints: 390 CSS px at 2× needs 780 px: the 1080 × 450 rendering.
    expect(ad.image).toEqual({
      url: "/ads/img/img12345678-1080x450.webp",
      fallbackUrl: "/ads/img/img12345678-1080x450.jpg",
      width: 1080,
      height: 450,
    });
    expect(ad.clickUrl).toMatch(/^\/ads\/click\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(browser.events).toEqual([
      expect.objectContaining({
        type: "ad_impression",
        id: `adimp:${ad.impressionId}`,
        campaignId: campaign.id,
        creativeId: "c1",
        placement: "home_banner",
        device: "phone",
        locale: "en",
      }),
    ]);
  });

  it("follows the hints: a 360 px viewport at 1× gets the 360 × 150 banner; the sale slot has its own sizes", async () => {
    const campaign = await seedCampaign({ targeting: { segments: "all", devices: ["phone"], locales: ["en"] } });
    const browser = new Browser();
    const hints = { "Sec-CH-UA-Mobile": "?1", "Sec-CH-Viewport-Width": "360", "Sec-CH-DPR": "1" };
    const ad = await adOf(browser, campaign.id, "placement=home_banner&locale=en", 20, hints);
    expect(ad?.image).toMatchObject({ width: 360, height: 150 });
    const slot = await adOf(browser, campaign.id, "placement=sale_slot&locale=en");
    expect(slot?.image).toMatchObject({ width: 960, height: 480 });
  });

  it("caps a shopper at 3 impressions of a campaign in 24 hours: the 4th request shows nothing, another shopper still sees it", async () => {
    const campaign = await seedCampaign({
      targeting: { segments: "all", devices: ["desktop"], locales: ["en"] },
      placements: ["sale_slot"],
    });
    const browser = new Browser(DESKTOP_UA);
    const served: Ad[] = [];
    for (let i = 0; i < 6; i++) {
      const ad = await adOf(browser, campaign.id, "placement=sale_slot&locale=en", 1);
      if (ad) served.push(ad);
    }
    expect(served).toHaveLength(3);
    expect(new Set(served.map((a) => a.impressionId)).size).toBe(3);
    expect(await adOf(new Browser(DESKTOP_UA), campaign.id, "placement=sale_slot&locale=en")).not.toBeNull();
  });

  it("stops a campaign at its budget", async () => {
    const campaign = await seedCampaign({
      budget: { impressions: 2 },
      targeting: { segments: "all", devices: ["tablet"], locales: ["en"] },
    });
    const ipad =
      "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
    let served = 0;
    for (let i = 0; i < 5; i++) if (await adOf(new Browser(ipad), campaign.id, "placement=home_banner&locale=en")) served++;
    expect(served).toBe(2);
  });

  it("shows nothing (204) to a shopper no live campaign targets, and nothing for a paused or ended one", async () => {
    const segmentOnly = await seedCampaign({ targeting: { segments: ["champions"], devices: "all", locales: "all" } });
    const paused = await seedCampaign({ status: "paused" });
    const browser = new Browser();
    for (let i = 0; i < 5; i++) {
      const response = await browser.get("/api/ads?placement=home_banner&locale=zh-CN");
      if (response.status === 200) expect((await response.json<Ad>()).campaignId).not.toBeOneOf([segmentOnly.id, paused.id]);
      else expect(response.status).toBe(204);
    }
  });

  it("shows the creative the campaign's ad_creative experiment assigns, and the impression carries the variant", async () => {
    await withRunningExperiment(
      {
        surface: "ad_creative",
        name: "Banner creative",
        variants: [
          { key: "a", name: "Spring", weight: 0 },
          { key: "b", name: "Flash", weight: 100 },
        ],
      },
      async (experiment) => {
        const campaign = await seedCampaign({
          experiment: experiment.key,
          targeting: { segments: "all", devices: ["desktop"], locales: ["zh-CN"] },
          creatives: [
            { id: "c1", variant: "a", headline: { "zh-CN": "春季大促", en: "Spring sale" }, targetUrl: "/sales/a", imageId: "img12345678" },
            { id: "c2", variant: "b", headline: { "zh-CN": "限时抢购", en: "Flash deal" }, targetUrl: "/sales/b", imageId: "img87654321" },
          ],
        });
        for (let i = 0; i < 3; i++) {
          const browser = new Browser(DESKTOP_UA);
          const ad = await adOf(browser, campaign.id, "placement=home_banner&locale=zh-CN");
          expect(ad).toMatchObject({ creativeId: "c2", variant: "b", headline: "限时抢购" });
          expect(browser.events.find((e) => e.id === `adimp:${ad!.impressionId}`)).toMatchObject({
            variant: "b",
            experiments: { [experiment.key]: "b" },
          });
        }
      },
    );
  });

  it("refuses an unknown placement and locale in the one error shape, listing both", async () => {
    const response = await new Browser().get("/api/ads?placement=sidebar&locale=fr");
    expect(response.status).toBe(400);
    const { error } = await response.json<{ error: { code: string; problems: string[] } }>();
    expect(error.code).toBe("invalid_request");
    expect(JSON.stringify(error)).toContain("placement");
    expect(JSON.stringify(error)).toContain("locale");
  });
});

describe("the OpenAPI document", () => {
  it("describes GET /api/ads and the report with their errors, and not the click link (a page, not API)", async () => {
    const doc = await (await new Browser().get("/api/openapi.json")).json<{
      paths: Record<string, Record<string, { responses: Record<string, unknown>; "x-roles"?: string[] }>>;
    }>();
    const serve = doc.paths["/api/ads"]!.get!;
    expect(Object.keys(serve.responses).sort()).toEqual(expect.arrayContaining(["200", "204", "400", "429", "503"]));
    const report = doc.paths["/admin/api/ad-campaigns/{id}/report"]!.get!;
    expect(Object.keys(report.responses)).toEqual(expect.arrayContaining(["200", "401", "403", "404", "503"]));
    expect(report["x-roles"]).toEqual(["owner", "marketer", "analyst"]);
    expect(Object.keys(doc.paths).filter((path) => path.includes("/click"))).toEqual([]);
  });
});

describe("the ad slots in the pages", () => {
  it("puts an empty, hidden, labelled slot in the shared home and sale pages (the ad itself is per shopper, from /api/ads)", async () => {
    const browser = new Browser();
    const home = await (await browser.get("/?lang=zh-CN")).text();
    expect(home).toContain('<aside class="ad-slot ad-home_banner" data-ad-placement="home_banner" aria-label="推广" hidden></aside>');
    const english = await (await browser.get("/?lang=en")).text();
    expect(english).toContain('data-ad-placement="home_banner" aria-label="Sponsored" hidden');
    const sale = await seedSale();
    const salePage = await (await browser.get(`/sales/${sale.sku}?lang=en`)).text();
    expect(salePage).toContain('<aside class="ad-slot ad-sale_slot" data-ad-placement="sale_slot" aria-label="Sponsored" hidden></aside>');
  });
});

describe("ad clicks and the campaign report", () => {
  it("counts a click, redirects to the creative's target, and the report counts impressions and clicks per creative and placement", async () => {
    const campaign = await seedCampaign({
      targeting: { segments: "all", devices: ["phone"], locales: ["zh-CN"] },
      creatives: [
        {
          id: "c1",
          variant: "a",
          headline: { "zh-CN": "春季大促", en: "Spring sale" },
          targetUrl: "/sales/spring",
          imageId: "img12345678",
        },
        {
          id: "c2",
          variant: "b",
          headline: { "zh-CN": "限时抢购", en: "Flash deal" },
          targetUrl: "https://brand.example/flash",
          imageId: "img87654321",
        },
      ],
    });
    const shoppers = Array.from({ length: 4 }, () => new Browser());
    const ads: Ad[] = [];
    for (const shopper of shoppers) {
      const ad = await adOf(shopper, campaign.id, "placement=home_banner&locale=zh-CN");
      expect(ad?.headline).toMatch(/春季大促|限时抢购/);
      ads.push(ad!);
    }
    const click = await shoppers[0]!.get(ads[0]!.clickUrl);
    expect(click.status).toBe(302);
    const target = ads[0]!.creativeId === "c1" ? "https://shop.test/sales/spring" : "https://brand.example/flash";
    expect(click.headers.get("Location")).toBe(target);
    // The same link again redirects again, and its event has the same id: counted once.
    expect((await shoppers[0]!.get(ads[0]!.clickUrl)).status).toBe(302);
    expect(shoppers[0]!.events.filter((e) => e.type === "ad_click").map((e) => e.id)).toEqual([
      `adclk:${ads[0]!.impressionId}`,
      `adclk:${ads[0]!.impressionId}`,
    ]);

    await consume(shoppers.flatMap((s) => s.events));
    const { key } = await makeApiKey("analyst");
    const ctx = createExecutionContext();
    const response = await worker.fetch(
      new Request(`https://shop.test/admin/api/ad-campaigns/${campaign.id}/report`, { headers: { Authorization: `Bearer ${key}` } }),
      env,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(200);
    const report = await response.json<{
      total: { impressions: number; clicks: number; ctr: number; low: number; high: number };
      budget: { impressions: number; spent: number };
      creatives: Array<{ creativeId: string; impressions: number; clicks: number }>;
      placements: Array<{ placement: string; impressions: number; clicks: number }>;
    }>();
    // adOf may have been answered other files' campaigns first: those impressions are theirs, not counted here.
    expect(report.total).toMatchObject({ impressions: 4, clicks: 1, ctr: 0.25 });
    expect(report.total.low).toBeLessThan(0.25);
    expect(report.total.high).toBeGreaterThan(0.25);
    expect(report.budget).toEqual({ impressions: 1_000, spent: 4 });
    expect(report.placements).toEqual([expect.objectContaining({ placement: "home_banner", impressions: 4, clicks: 1 })]);
    const byCreative = Object.fromEntries(report.creatives.map((c) => [c.creativeId, c]));
    expect(Object.keys(byCreative).sort()).toEqual(["c1", "c2"]);
    expect(byCreative.c1!.impressions + byCreative.c2!.impressions).toBe(4);
    expect(byCreative[ads[0]!.creativeId]!.clicks).toBe(1);
  });

  it("answers 404 for a link the Worker did not sign, and never redirects off the saved target", async () => {
    const campaign = await seedCampaign({ targeting: { segments: "all", devices: ["phone"], locales: ["en"] } });
    const browser = new Browser();
    const ad = await adOf(browser, campaign.id, "placement=home_banner&locale=en");
    const [value, signature] = ad!.clickUrl.slice("/ads/click/".length).split(".");
    const forged = `${btoa(JSON.stringify(["x", campaign.id, "c1", "home_banner", "", "shp_x", Date.now()])).replaceAll("=", "")}.${signature}`;
    expect((await browser.get(`/ads/click/${forged}`)).status).toBe(404);
    expect((await browser.get(`/ads/click/${value}.AAAA`)).status).toBe(404);
    expect((await browser.get("/ads/click/https%3A%2F%2Fevil.example")).status).toBe(404);
    expect(browser.events.filter((e) => e.type === "ad_click")).toEqual([]);
  });

  it("refuses the report without readAds, and answers 404 for a campaign that does not exist", async () => {
    const { key: adviser } = await makeApiKey("adviser");
    const ctx = createExecutionContext();
    const denied = await worker.fetch(
      new Request("https://shop.test/admin/api/ad-campaigns/nope-nope/report", { headers: { Authorization: `Bearer ${adviser}` } }),
      env,
      ctx,
    );
    expect(denied.status).toBe(403);
    const missing = await worker.fetch(
      new Request("https://shop.test/admin/api/ad-campaigns/nope-nope/report", {
        headers: { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}` },
      }),
      env,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(missing.status).toBe(404);
  });
});
