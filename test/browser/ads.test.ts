import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { adCampaignKey, adCampaignSchema } from "../../src/ads/campaign.ts";
import { screenshotPath, StorefrontUnderTest } from "./harness.ts";

/**
 * Issue 18, part B in Chromium: a phone shopper sees the home banner, drawn client-side from
 * `/api/ads` at the phone's size with its headline as alt text, labelled as an ad; a tap goes
 * through the signed click link to the creative's target; an analyst's console report then
 * counts the impression and the click (events through the real queue and consumer).
 *
 * The creative's image bytes are part A's (upload, renderer, `/ads/img/…`): here each
 * `/ads/img/<id>-<w>x<h>.<ext>` request is answered with a PNG of that size, made by sharp.
 */
const IPHONE_UA =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
const POLL = { timeout: 30_000 };

let shop: StorefrontUnderTest;

beforeAll(async () => {
  shop = await StorefrontUnderTest.start(inject("stackVars"), { eventsConsumer: true });
});
afterAll(async () => {
  await shop?.stop();
});

describe("the storefront's ads", () => {
  it("shows a phone the home banner at the phone's size; a tap reaches the target and the console report counts it", async () => {
    const sale = await shop.seedSale({ title: "Spring Earbuds" });
    const now = Date.now();
    const campaign = adCampaignSchema.parse({
      id: `b-${crypto.randomUUID().slice(0, 12)}`,
      name: "Spring banner",
      version: 1 + Math.floor(Math.random() * 1_000),
      status: "active",
      startsAt: now - 60_000,
      endsAt: now + 3_600_000,
      budget: { impressions: 100 },
      placements: ["home_banner"],
      targeting: { segments: "all", devices: ["phone"], locales: ["en"] },
      creatives: [
        {
          id: "spring",
          variant: "a",
          headline: { "zh-CN": "春季耳机特卖", en: "Spring earbuds sale" },
          targetUrl: `/sales/${sale.sku}`,
          imageId: "springbanner01",
        },
      ],
    });
    await shop.putConfig(adCampaignKey(campaign.id), campaign);

    const context = await shop.browser.newContext({
      baseURL: shop.baseUrl,
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      userAgent: IPHONE_UA,
      locale: "en-US",
    });
    await shop.watchCsp(context);
    await context.route("**/ads/img/**", async (route) => {
      const [, width, height, ext] = /-(\d+)x(\d+)\.(webp|jpg)$/.exec(new URL(route.request().url()).pathname)!;
      const image = sharp({ create: { width: Number(width), height: Number(height), channels: 3, background: "#e1251b" } });
      const body = ext === "webp" ? await image.webp().toBuffer() : await image.jpeg().toBuffer();
      await route.fulfill({ status: 200, contentType: ext === "webp" ? "image/webp" : "image/jpeg", body });
    });
    const page = await context.newPage();
    await page.goto("/?lang=en");

    const banner = page.locator('.ad-slot[data-ad-placement="home_banner"]');
    await expect.poll(() => banner.getAttribute("data-ad-state"), POLL).toBe("shown");
    const img = banner.locator("img");
    // A phone without viewport hints: 390 CSS px at 2× → the 1080 × 450 rendering (not the desktop's 1440).
    expect(await img.getAttribute("alt")).toBe("Spring earbuds sale");
    expect([await img.getAttribute("width"), await img.getAttribute("height")]).toEqual(["1080", "450"]);
    await expect
      .poll(() => img.evaluate((el: HTMLImageElement) => el.currentSrc), POLL)
      .toMatch(/\/ads\/img\/springbanner01-1080x450\.webp$/);
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.naturalWidth), POLL).toBe(1080);
    // Phone first: the banner fills the screen's width and keeps its 12:5 ratio.
    const box = (await img.boundingBox())!;
    expect(box.width).toBeGreaterThan(300);
    expect(box.width).toBeLessThanOrEqual(390);
    expect(box.height / box.width).toBeCloseTo(450 / 1080, 2);
    expect(await banner.locator(".ad-label").textContent()).toBe("Ad");
    expect(await banner.locator(".ad-headline").textContent()).toBe("Spring earbuds sale");
    await page.screenshot({ path: screenshotPath("ads-home-banner-phone") });

    await banner.locator("a").click();
    await page.waitForURL(`**/sales/${sale.sku}`);
    expect(new URL(page.url()).pathname).toBe(`/sales/${sale.sku}`);
    await context.close();

    const analyst = await shop.createStaff("analyst", "Ana Analyst");
    const staffContext = await shop.browser.newContext({ baseURL: shop.baseUrl, viewport: { width: 1280, height: 900 } });
    await shop.watchCsp(staffContext);
    const console = await staffContext.newPage();
    await shop.signInToConsole(console, analyst, "/admin#ad-report");
    await expect.poll(() => console.locator("#ad-report").isVisible(), POLL).toBe(true);
    await console.fill("#ad-report-campaign", campaign.id);
    // Events reach Postgres through the queue and its consumer: ask again until both are in.
    await expect
      .poll(async () => {
        await console.click("#ad-report-form button[type=submit]");
        await console.locator("#ad-report-status").filter({ hasText: campaign.id }).waitFor();
        return console.locator('#ad-report-totals [data-total="clicks"]').textContent();
      }, POLL)
      .toBe("1");
    expect(await console.locator('#ad-report-totals [data-total="impressions"]').textContent()).toBe("1");
    expect(await console.locator('#ad-report-totals [data-total="budget"]').textContent()).toBe("1 / 100");
    const row = console.locator('#ad-report-creatives tr[data-row="spring"]');
    expect(await row.locator('[data-field="ctr"]').textContent()).toMatch(/^100\.0 % \[\d+\.\d %, 100\.0 %\]$/);
    expect(await console.locator('#ad-report-placements tr[data-row="home_banner"] [data-field="clicks"]').textContent()).toBe("1");
    await console.screenshot({ path: screenshotPath("ads-report-console"), fullPage: false });
    await staffContext.close();
    expect(shop.cspViolations).toEqual([]);
  });
});
