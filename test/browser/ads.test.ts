import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { renderQueuedCreatives } from "../../scripts/ads/render-creatives.ts";
import { TEST_SECRETS } from "../support/test-secrets.ts";
import { screenshotPath, storefrontForFile } from "./harness.ts";

/**
 * Issue 18, part B in Chromium: a phone shopper sees the home banner, drawn client-side from
 * `/api/ads` at the phone's size with its headline as alt text, labelled as an ad; a tap goes
 * through the signed click link to the creative's target; an analyst's console report then
 * counts the impression and the click (events through the real queue and consumer). The
 * creative is uploaded and the campaign saved through the admin API, the image rendered by
 * part A's renderer for this test's upload only, and served by the Worker's `/ads/img/…`.
 */
const IPHONE_UA =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
const POLL = { timeout: 30_000 };

const shop = storefrontForFile({ eventsConsumer: true });

/** An admin API call with the test token; fails the test unless it answers `status`. */
async function admin<T>(path: string, body: unknown, status: number): Promise<T> {
  const response = await fetch(`${shop.baseUrl}/admin/api${path}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status, await response.clone().text()).toBe(status);
  return (await response.json()) as T;
}

/** Uploads a 1600 × 900 PNG of this test's own colour and renders it at every size; its image id. */
async function renderedCreative(): Promise<string> {
  const [r, g, b] = crypto.getRandomValues(new Uint8Array(3));
  const png = await sharp({ create: { width: 1600, height: 900, channels: 3, background: { r: r ?? 0, g: g ?? 0, b: b ?? 0 } } })
    .png()
    .toBuffer();
  const { image } = await admin<{ image: { id: string } }>(
    "/ad-creatives",
    { name: `banner-${r}-${g}-${b}.png`, file: png.toString("base64") },
    201,
  );
  await renderQueuedCreatives(shop.database.db, { only: [image.id] });
  return image.id;
}

describe("the storefront's ads", () => {
  it("shows a phone the home banner at the phone's size; a tap reaches the target and the console report counts it", async () => {
    const sale = await shop.seedSale({ title: "Spring Earbuds" });
    const imageId = await renderedCreative();
    const now = Date.now();
    const { campaign } = await admin<{ campaign: { id: string } }>(
      "/ad-campaigns",
      {
        id: `b-${crypto.randomUUID().slice(0, 12)}`,
        name: "Spring banner",
        status: "active",
        startsAt: now - 60_000,
        endsAt: now + 3_600_000,
        budget: { impressions: 100 },
        placements: ["home_banner", "sale_slot"],
        targeting: { segments: "all", devices: ["phone"], locales: ["en", "zh-CN"] },
        creatives: [
          {
            id: "spring",
            variant: "a",
            headline: { "zh-CN": "春季耳机特卖", en: "Spring earbuds sale" },
            targetUrl: `/sales/${sale.sku}`,
            imageId,
          },
        ],
      },
      201,
    );

    const context = await shop.browser.newContext({
      baseURL: shop.baseUrl,
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      userAgent: IPHONE_UA,
      locale: "en-US",
    });
    await shop.watchCsp(context);
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
      .toBe(`${shop.baseUrl}/ads/img/${imageId}-1080x450.webp`);
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
    // The sale page's slot: the same campaign's second impression for this shopper, at the slot's phone size (390 × 2 → 960 × 480).
    const slot = page.locator('.ad-slot[data-ad-placement="sale_slot"]');
    await expect.poll(() => slot.getAttribute("data-ad-state"), POLL).toBe("shown");
    expect([await slot.locator("img").getAttribute("width"), await slot.locator("img").getAttribute("height")]).toEqual(["960", "480"]);
    await context.close();

    // A shopper reading Chinese on a phone sees the slot in Chinese.
    const chinese = await shop.browser.newContext({
      baseURL: shop.baseUrl,
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      userAgent: IPHONE_UA,
      locale: "zh-CN",
    });
    await shop.watchCsp(chinese);
    const salePage = await chinese.newPage();
    await salePage.goto(`/sales/${sale.sku}?lang=zh-CN`);
    const chineseSlot = salePage.locator('.ad-slot[data-ad-placement="sale_slot"]');
    await expect.poll(() => chineseSlot.getAttribute("data-ad-state"), POLL).toBe("shown");
    expect(await chineseSlot.getAttribute("aria-label")).toBe("推广");
    expect(await chineseSlot.locator("img").getAttribute("alt")).toBe("春季耳机特卖");
    expect(await chineseSlot.locator(".ad-label").textContent()).toBe("广告");
    const slotBox = (await chineseSlot.locator("img").boundingBox())!;
    expect(slotBox.width).toBeLessThanOrEqual(390);
    expect(slotBox.height / slotBox.width).toBeCloseTo(0.5, 2);
    await chineseSlot.scrollIntoViewIfNeeded();
    await salePage.screenshot({ path: screenshotPath("ads-sale-slot-phone-zh") });
    await chinese.close();

    const analyst = await shop.createStaff("analyst", "Ana Analyst");
    const staffContext = await shop.browser.newContext({ baseURL: shop.baseUrl, viewport: { width: 1280, height: 900 } });
    await shop.watchCsp(staffContext);
    const console = await staffContext.newPage();
    // From the Ads view (part A): the campaign's "Report" button opens this part's report on it.
    await shop.signInToConsole(console, analyst, "/admin?lang=en#ads");
    await console.locator(`tr[data-ad-campaign="${campaign.id}"] button[data-action="report"]`).click();
    await expect.poll(() => console.locator("#ad-report").isVisible(), POLL).toBe(true);
    expect(await console.locator("#ad-report-campaign").inputValue()).toBe(campaign.id);
    // Events reach Postgres through the queue and its consumer: ask again until both are in.
    await expect
      .poll(async () => {
        await console.click("#ad-report-form button[type=submit]");
        await console.locator("#ad-report-status").filter({ hasText: campaign.id }).waitFor();
        return console.locator('#ad-report-totals [data-total="clicks"]').textContent();
      }, POLL)
      .toBe("1");
    // 3 impressions: the banner, and the slot for each shopper; 1 click.
    await expect
      .poll(async () => {
        await console.click("#ad-report-form button[type=submit]");
        await console.locator("#ad-report-status").filter({ hasText: campaign.id }).waitFor();
        return console.locator('#ad-report-totals [data-total="impressions"]').textContent();
      }, POLL)
      .toBe("3");
    expect(await console.locator('#ad-report-totals [data-total="budget"]').textContent()).toBe("3 / 100");
    const row = console.locator('#ad-report-creatives tr[data-row="spring"]');
    expect(await row.locator('[data-field="ctr"]').textContent()).toMatch(/^33\.3 % \[\d+\.\d %, \d+\.\d %\]$/);
    expect(await console.locator('#ad-report-placements tr[data-row="home_banner"] [data-field="clicks"]').textContent()).toBe("1");
    expect(await console.locator('#ad-report-placements tr[data-row="sale_slot"] [data-field="impressions"]').textContent()).toBe("2");
    expect(await console.locator('#ad-report-placements tr[data-row="sale_slot"] [data-field="clicks"]').textContent()).toBe("0");
    await console.locator("#ad-report").screenshot({ path: screenshotPath("ads-report-console") });
    // The same report in Chinese (?lang=zh-CN; the session carries over): the view's words, the same figures.
    const chineseConsole = await staffContext.newPage();
    await chineseConsole.goto("/admin?lang=zh-CN");
    await chineseConsole.locator("#app").waitFor();
    expect(await chineseConsole.locator("#show-ad-report").textContent()).toBe("广告报告");
    await chineseConsole.click("#show-ad-report");
    expect(await chineseConsole.locator("#ad-report h2").textContent()).toBe("广告报告");
    await chineseConsole.fill("#ad-report-campaign", campaign.id);
    await chineseConsole.click("#ad-report-form button[type=submit]");
    await chineseConsole.locator("#ad-report-status").filter({ hasText: campaign.id }).waitFor();
    expect(await chineseConsole.locator("#ad-report-totals dt").first().textContent()).toBe("展示");
    expect(await chineseConsole.locator('#ad-report-totals [data-total="impressions"]').textContent()).toBe("3");
    await staffContext.close();
    expect(shop.cspViolations).toEqual([]);
  });
});
