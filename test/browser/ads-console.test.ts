import sharp from "sharp";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { adImages } from "../../src/db/schema.ts";
import { renderQueuedCreatives } from "../../scripts/ads/render-creatives.ts";
import { screenshotPath, storefrontForFile, type TestStaff } from "./harness.ts";

/**
 * The console's Ads view (issue 18, part A) in Chromium: a marketer plans a campaign, uploads a
 * creative image, sees it rendered (the Node renderer, run here for this test's own upload) and
 * previewed at every placement size, is told at the field of an inverted window, saves, and
 * finds the campaign listed with its thumbnail and an export link; in Chinese an analyst reads
 * the list and is not offered the form.
 */
const shop = storefrontForFile();

const POLL = { timeout: 20_000 };

async function signedIn(staff: TestStaff, lang = "en", hash = "") {
  const context = await shop.browser.newContext({
    baseURL: shop.baseUrl,
    timezoneId: "Asia/Shanghai",
    viewport: { width: 1280, height: 900 },
  });
  await shop.watchCsp(context);
  const address = `10.${[0, 0, 0].map(() => Math.floor(Math.random() * 256)).join(".")}`;
  await context.route("**/admin/api/session", (route) =>
    route.continue({ headers: { ...route.request().headers(), "cf-connecting-ip": address } }),
  );
  const page = await context.newPage();
  await shop.signInToConsole(page, staff, `/admin?lang=${lang}${hash}`);
  return page;
}

/** A 1600×900 PNG with this test's own colours, so its bytes are new. */
async function creativePng(): Promise<Buffer> {
  const [r, g, b] = crypto.getRandomValues(new Uint8Array(3));
  return sharp({ create: { width: 1600, height: 900, channels: 3, background: { r: r ?? 0, g: g ?? 0, b: b ?? 0 } } })
    .png()
    .toBuffer();
}

/** Renders this test's upload (by its file name) once the console has sent it, as the renderer beside Postgres would. */
async function renderUploaded(name: string): Promise<string> {
  let id: string | undefined;
  await expect
    .poll(async () => {
      const [row] = await shop.database.db.select({ id: adImages.id }).from(adImages).where(sql`${adImages.name} = ${name}`);
      id = row?.id;
      return id;
    }, POLL)
    .toBeTruthy();
  await renderQueuedCreatives(shop.database.db, { only: [id ?? ""] });
  return id ?? "";
}

describe("the console's Ads view", () => {
  it("plans a campaign: uploads a creative, previews it at every size, shows a problem at its field, saves, and lists it with its thumbnail and export", async () => {
    const marketer = await shop.createStaff("marketer", "李娜");
    const page = await signedIn(marketer);
    const id = `ads-${crypto.randomUUID().slice(0, 8)}`;
    const fileName = `${id}.png`;
    await page.click("#show-ads");
    await page.click("#new-ad-campaign");
    const form = page.locator("#ad-campaign-editor");
    await form.locator("[name=id]").fill(id);
    await form.locator("[name=name]").fill("双11 横幅");
    await form.locator("[name=status]").selectOption("active");
    await form.locator("input[name=placement][value=sale_slot]").check();
    await form.locator("input[name=offsite][value=wechat_moments]").check();
    await form.locator("input[name=device][value=phone]").check();
    const creative = form.locator("[data-creative]").first();
    await creative.locator("[name=headlineZh]").fill("双11 五折");
    await creative.locator("[name=headlineEn]").fill("Double 11: half price");
    await creative.locator("[name=targetUrl]").fill("/");
    await creative.locator("input[type=file]").setInputFiles({ name: fileName, mimeType: "image/png", buffer: await creativePng() });
    const imageId = await renderUploaded(fileName);
    await expect.poll(() => creative.locator("[data-upload-status]").textContent(), POLL).toBe("Rendered at 12 sizes");
    expect(await creative.locator("[name=imageId]").inputValue()).toBe(imageId);
    // Previews at every placement size, each image the size it says.
    const previews = creative.locator(".ad-previews img");
    expect(await previews.count()).toBe(7);
    await expect
      .poll(() => creative.locator('.ad-previews img[data-size="360x150"]').evaluate((img: HTMLImageElement) => img.naturalWidth), POLL)
      .toBe(360);

    // An inverted window: the API's problem lands at its field; nothing saved.
    const startsAt = await form.locator("[name=startsAt]").inputValue();
    await form.locator("[name=endsAt]").fill(startsAt);
    await page.click("#save-ad-campaign");
    await expect.poll(() => form.locator('.problem[data-for="endsAt"]').textContent(), POLL).toMatch(/must be after startsAt/);
    await page.screenshot({ path: screenshotPath("ads-form-problem"), fullPage: true });

    await form.locator("[name=endsAt]").fill("2099-12-31T23:59");
    await page.click("#save-ad-campaign");
    const row = page.locator(`#ad-campaign-list tr[data-ad-campaign="${id}"]`);
    await row.waitFor(POLL);
    expect(await row.locator('[data-cell="targeting"]').textContent()).toContain("Devices: phone");
    expect(await row.locator('[data-cell="delivery"]').textContent()).toContain("home_banner, sale_slot");
    await expect.poll(() => row.locator(".ad-thumbs img").evaluate((img: HTMLImageElement) => img.naturalWidth), POLL).toBe(360);
    expect(await row.locator('[data-action="export-wechat_moments"]').getAttribute("href")).toBe(
      `/admin/api/ad-campaigns/${id}/export?channel=wechat_moments`,
    );
    await page.screenshot({ path: screenshotPath("ads-list"), fullPage: true });
    await page.context().close();

    // In Chinese, an analyst reads the list, is offered no form and no edit.
    const analyst = await shop.createStaff("analyst", "王芳");
    const zh = await signedIn(analyst, "zh-CN", "#ads");
    const zhRow = zh.locator(`#ad-campaign-list tr[data-ad-campaign="${id}"]`);
    await zhRow.waitFor(POLL);
    expect(await zh.locator("#ads h2").textContent()).toBe("广告");
    expect(await zhRow.locator("figcaption").textContent()).toBe("a · 双11 五折");
    expect(await zh.locator("#new-ad-campaign").isVisible()).toBe(false);
    expect(await zhRow.locator('[data-action="edit"]').isVisible()).toBe(false);
    await zh.context().close();
  });
});
