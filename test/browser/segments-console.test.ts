import { readFile } from "node:fs/promises";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { screenshotPath, storefrontForFile } from "./harness.ts";

/**
 * The console's "Segments" view in Chromium (issue 17): a marketer runs the RFM recompute by
 * hand, reads each segment's size and movement, downloads a segment's CSV holding a shopper
 * they just made, and looks that shopper's scores up; an analyst reads and exports but is not
 * offered "Run now"; the view in Chinese.
 */
const shop = storefrontForFile();

/** A shopper with one paid order of `total` fen, `daysAgo` days ago, written as the outbox writes it. */
async function paidShopper(total: number, daysAgo: number): Promise<string> {
  const shopperId = `shp_seg${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const orderId = `ord_seg${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const paidAt = new Date(Date.now() - daysAgo * 86_400_000);
  await shop.pool.query(
    `insert into orders (id, sku, shopper_id, qty, unit_prices, total_amount, status, idempotency_key, created_at, updated_at)
     values ($1, 'seg-browser', $2, 1, $3, $4, 'paid', $1, $5, $5)`,
    [orderId, shopperId, JSON.stringify([total]), total, paidAt],
  );
  await shop.pool.query("insert into order_status_history (order_id, status, at) values ($1, 'paid', $2)", [orderId, paidAt]);
  return shopperId;
}

async function signInAs(page: Page, email: string, password: string, path = "/admin"): Promise<void> {
  await shop.signInToConsole(page, { email, password }, path);
}

const POLL = { timeout: 15_000 };

describe("the console's Segments view", () => {
  it("lets a marketer run the recompute, read sizes and movement, export a segment as CSV and look a shopper up", async () => {
    const shopperId = await paidShopper(88_800, 3);
    const marketer = await shop.createStaff("marketer", "Mia Marketer");
    const context = await shop.browser.newContext({ baseURL: shop.baseUrl, viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    await signInAs(page, marketer.email, marketer.password);
    await page.click("#show-segments");
    await expect.poll(() => page.locator("#segments-status").textContent(), POLL).not.toBe("");

    await page.click("#run-segments");
    await expect
      .poll(() => page.locator("#segments-status").textContent(), POLL)
      .toMatch(/^Recomputed: \d+ shoppers, \d+ entered a segment\. Last run .* \(by hand, /);
    await expect.poll(() => page.locator('[data-view="segment-sizes"] tbody tr').count(), POLL).toBe(11);
    // The shopper just made was scored for the first time: movement from "(first scored)".
    await expect.poll(() => page.locator('[data-view="segment-movement"]').textContent(), POLL).toContain("(first scored)");

    await page.fill("#segment-lookup [name=shopperId]", shopperId);
    await page.click("#segment-lookup button[type=submit]");
    await expect
      .poll(() => page.locator("#segment-lookup-result").textContent(), POLL)
      .toMatch(/R \d · F \d · M \d — last paid 3 days ago; in the window: orders 1, paid ¥888\.00 \(before: none\)$/);

    // The shopper's segment, from the API, and its CSV from the button in its row.
    const scores = (await (await page.request.get(`/admin/api/segments/shoppers/${shopperId}`)).json()) as { segment: string };
    const row = page.locator(`[data-view="segment-sizes"] tr[data-segment="${scores.segment}"]`);
    expect(Number(await row.locator('[data-cell="shoppers"]').textContent())).toBeGreaterThanOrEqual(1);
    const [download] = await Promise.all([page.waitForEvent("download"), row.locator("button[data-export]").click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^rfm-${scores.segment}-\\d{4}-\\d{2}-\\d{2}\\.csv$`));
    const csv = await readFile((await download.path())!, "utf8");
    expect(csv.split("\r\n")[0]).toBe("shopper_id,segment,r,f,m,recency_days,frequency,monetary_fen,previous_segment,computed_at");
    expect(csv).toMatch(new RegExp(`\\r\\n${shopperId},${scores.segment},\\d,\\d,\\d,3,1,88800,,`));
    await page.screenshot({ path: screenshotPath("segments-console"), fullPage: true });
    await context.close();
  });

  it("lets a marketer make a coupon for some segments in the Coupons form, and edit it with its audience ticked", async () => {
    const marketer = await shop.createStaff("marketer", "Max Marketer");
    const context = await shop.browser.newContext({ baseURL: shop.baseUrl, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signInAs(page, marketer.email, marketer.password);
    await page.click("#show-coupons");
    await page.click("#new-coupon");
    const id = `seg-${crypto.randomUUID().slice(0, 8)}`;
    const local = (ms: number) =>
      page.evaluate((t) => {
        const d = new Date(t);
        const pad = (n: number) => String(n).padStart(2, "0");
        return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
      }, ms);
    await page.fill("#coupon-editor [name=id]", id);
    await page.fill("#coupon-editor [name=title]", "Champions: ¥20 off");
    await page.fill("#coupon-editor [name=amountOff]", "20");
    await page.fill("#coupon-editor [name=validFrom]", await local(Date.now() - 60_000));
    await page.fill("#coupon-editor [name=validUntil]", await local(Date.now() + 86_400_000));
    await page.fill("#coupon-editor [name=totalQuantity]", "100");
    await page.check('#coupon-editor input[name=segments][value="champions"]');
    await page.check('#coupon-editor input[name=segments][value="loyal"]');
    await page.click("#save-coupon");
    await expect.poll(() => page.locator("#coupon-editor").isHidden(), POLL).toBe(true);
    const list = (await (await page.request.get("/admin/api/coupons")).json()) as {
      coupons: Array<{ template: { id: string; segments: string[] } }>;
    };
    expect(list.coupons.find((c) => c.template.id === id)?.template.segments).toEqual(["champions", "loyal"]);
    // Editing it shows the audience ticked, and nothing else.
    await page.locator(`tr[data-coupon="${id}"] [data-action="edit"]`).click();
    const ticked = await page
      .locator("#coupon-editor input[name=segments]:checked")
      .evaluateAll((boxes) => boxes.map((b) => (b as HTMLInputElement).value));
    expect(ticked).toEqual(["champions", "loyal"]);
    await context.close();
  });

  it("offers an analyst the figures and exports but not Run now; reads in Chinese", async () => {
    const analyst = await shop.createStaff("analyst", "Ana Analyst");
    const context = await shop.browser.newContext({ baseURL: shop.baseUrl, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signInAs(page, analyst.email, analyst.password, "/admin?lang=zh-CN#segments");
    await expect.poll(() => page.locator("#segments").isVisible(), POLL).toBe(true);
    await expect.poll(() => page.locator("#segments h2").textContent(), POLL).toBe("客户分群");
    expect(await page.locator("#run-segments").isVisible()).toBe(false);
    await expect.poll(() => page.locator('[data-view="segment-sizes"] tbody tr').count(), POLL).toBe(11);
    await expect
      .poll(() => page.locator('[data-view="segment-sizes"] tr[data-segment="champions"] td').first().textContent(), POLL)
      .toBe("重要价值客户");
    expect(await page.locator('[data-view="segment-sizes"] button[data-export]').first().isVisible()).toBe(true);
    await context.close();
  });
});
