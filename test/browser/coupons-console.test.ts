import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { CouponTemplate } from "../../src/coupons/coupon-template.ts";
import { TEST_SECRETS } from "../support/test-secrets.ts";
import { screenshotPath, storefrontForFile, type TestStaff } from "./harness.ts";

/**
 * The console's Coupons view (issue 14) in Chromium: a marketer creates a 满300减50 template
 * from the form (yuan to fen, local time to epoch ms), sees it listed with its pool's figures
 * as shoppers claim, hold and spend its coupons, edits its pool, and sees each problem next to
 * its field, a stale save refused, the history and the audit log; in Chinese too; an analyst
 * reads it all and is offered no edit.
 */
const shop = storefrontForFile();

const MINUTE = 60_000;
const AUTH = { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}`, "Content-Type": "application/json" };

/** A time as a datetime-local input takes it, in the page's own time zone. */
const localInput = (page: Page, ms: number) =>
  page.evaluate((t) => {
    const d = new Date(t);
    const pad = (n: number) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }, ms);

/** A client address of its own for sign-ins (failed ones are counted per address). */
const freshAddress = () => `10.${[0, 0, 0].map(() => Math.floor(Math.random() * 256)).join(".")}`;

/** A staff member's browser at the console, signed in with email and password; `path` may ask for another language. */
async function signedIn(staff: TestStaff, path = "/admin") {
  const context = await shop.browser.newContext({
    baseURL: shop.baseUrl,
    timezoneId: "Asia/Shanghai",
    viewport: { width: 1280, height: 900 },
  });
  await shop.watchCsp(context);
  const address = freshAddress();
  await context.route("**/admin/api/session", (route) =>
    route.continue({ headers: { ...route.request().headers(), "cf-connecting-ip": address } }),
  );
  const page = await context.newPage();
  await page.goto(path);
  await page.fill("#password-sign-in [name=email]", staff.email);
  await page.fill("#password-sign-in [name=password]", staff.password);
  await page.click("#password-sign-in button[type=submit]");
  await page.locator("#app").waitFor();
  return { context, page };
}

async function template(id: string): Promise<CouponTemplate> {
  const response = await fetch(`${shop.baseUrl}/admin/api/coupons/${id}`, { headers: AUTH });
  return ((await response.json()) as { template: CouponTemplate }).template;
}

/** A new shopper, as a browser would be: a session cookie, JSON posts. */
async function newShopper() {
  const session = await fetch(`${shop.baseUrl}/api/session`, { method: "POST", headers: { "Content-Type": "application/json" } });
  const cookie = (session.headers.get("Set-Cookie") ?? "").split(";")[0]!;
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${shop.baseUrl}${path}`, {
      method: "POST",
      headers: { Cookie: cookie, "Content-Type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, { id: string }> };
  };
  return {
    /** Claims one coupon of the template: its id. */
    async claim(templateId: string): Promise<string> {
      const claimed = await post(`/api/coupons/${templateId}/claim`, {}, { "Idempotency-Key": crypto.randomUUID() });
      expect(claimed.status).toBe(201);
      return claimed.body.coupon!.id;
    },
    /** An order of one unit with the coupon: its id. */
    async checkout(sku: string, couponId: string): Promise<string> {
      const placed = await post("/api/checkout", { sku, qty: 1, coupons: [couponId] }, { "Idempotency-Key": crypto.randomUUID() });
      expect(placed.status).toBe(201);
      return placed.body.order!.id;
    },
    async pay(orderId: string): Promise<void> {
      expect((await post(`/api/orders/${orderId}/pay`, {})).status).toBe(200);
    },
  };
}

describe("the console's Coupons view (issue 14)", () => {
  it("creates a 满300减50 template from the form, lists it with its pool's figures, edits its pool, shows each problem at its field, history and audit", async () => {
    const sale = await shop.seedSale({ listPrice: 32_000, tiers: [], stock: 50 });
    const marketer = await shop.createStaff("marketer", "王芳");
    const { context, page } = await signedIn(marketer);
    await page.click("#show-coupons");
    await page.locator("#coupons").waitFor();

    // The form, with a value the console cannot convert and one the API refuses: each at its field, nothing saved.
    const id = `c-${crypto.randomUUID().slice(0, 8)}`;
    const now = Date.now();
    await page.click("#new-coupon");
    await page.fill("#coupon-editor [name=id]", id);
    await page.fill("#coupon-editor [name=title]", "满300减50");
    await page.selectOption("#coupon-editor [name=type]", "amount_off");
    expect(await page.locator("#coupon-editor [name=percentOff]").isVisible()).toBe(false);
    await page.fill("#coupon-editor [name=minSpend]", "300");
    await page.fill("#coupon-editor [name=amountOff]", "fifty");
    await page.fill("#coupon-editor [name=skus]", `${sale.sku}, ${sale.sku}`);
    await page.fill("#coupon-editor [name=validFrom]", await localInput(page, now - MINUTE));
    await page.fill("#coupon-editor [name=validUntil]", await localInput(page, now - 2 * MINUTE));
    await page.fill("#coupon-editor [name=totalQuantity]", "100");
    await page.click("#save-coupon");
    const problem = (path: string) => page.locator(`#coupon-editor .problem[data-for="${path}"]`);
    await expect.poll(() => problem("amountOff").textContent()).toBe("enter an amount in yuan, like 50 or 49.90");
    await page.fill("#coupon-editor [name=amountOff]", "50");
    await page.click("#save-coupon");
    await expect.poll(() => problem("validUntil").textContent()).toBe("must be after validFrom");
    expect(await problem("skus").textContent()).toBe("lists a SKU twice");
    expect(await page.locator("#coupon-form-problems").textContent()).toContain("The coupon was not saved");
    expect((await fetch(`${shop.baseUrl}/admin/api/coupons/${id}`, { headers: AUTH })).status).toBe(404);

    // Fixed: saved in fen and epoch ms, listed at once with its terms in words.
    await page.fill("#coupon-editor [name=skus]", sale.sku);
    await page.fill("#coupon-editor [name=validUntil]", await localInput(page, now + 24 * 60 * MINUTE));
    await page.click("#save-coupon");
    await expect.poll(() => page.locator("#flash").textContent()).toBe("Saved 满300减50 (version 1).");
    expect(await page.locator("#coupon-editor").isHidden()).toBe(true);
    const row = page.locator(`tr[data-coupon="${id}"]`);
    await row.waitFor();
    expect(await row.locator('[data-cell="kind"]').textContent()).toBe(`¥50 off from ¥300only ${sale.sku}`);
    expect(await row.locator('[data-cell="pool"]').textContent()).toBe("0 / 100");
    expect(await row.locator('[data-cell="rate"]').textContent()).toBe("– (none claimed)");
    const saved = await template(id);
    expect(saved).toMatchObject({
      minSpend: 30_000,
      amountOff: 5_000,
      percentOff: 0,
      skus: [sale.sku],
      totalQuantity: 100,
      updatedBy: marketer.email,
    });
    expect(saved.validFrom).toBe(Math.floor((now - MINUTE) / MINUTE) * MINUTE);
    const shownFrom = await page.evaluate((ms) => new Date(ms).toLocaleString(), saved.validFrom);
    expect(await row.locator('[data-cell="valid"]').textContent()).toBe(
      `${shownFrom} – ${await page.evaluate((ms) => new Date(ms).toLocaleString(), saved.validUntil)}`,
    );

    // Shoppers claim three; one holds its coupon with an unpaid order, one spends it: the figures.
    const shoppers = await Promise.all([newShopper(), newShopper(), newShopper()]);
    const coupons = await Promise.all(shoppers.map((s) => s.claim(id)));
    await shoppers[0]!.checkout(sale.sku, coupons[0]!);
    await shoppers[1]!.pay(await shoppers[1]!.checkout(sale.sku, coupons[1]!));
    await page.click("#refresh-coupons");
    await expect.poll(() => row.locator('[data-cell="pool"]').textContent()).toBe("3 / 100");
    expect(await row.locator('[data-cell="held"]').textContent()).toBe("1");
    expect(await row.locator('[data-cell="used"]').textContent()).toBe("1");
    expect(await row.locator('[data-cell="rate"]').textContent()).toBe("33.3 %");

    // Edit the pool: below what was claimed, and no number at all, each said at the field.
    await row.locator('[data-action="edit"]').click();
    expect(await page.locator("#coupon-editor-title").textContent()).toBe("Edit 满300减50 (version 1)");
    expect(await page.locator("#coupon-editor [name=id]").getAttribute("readonly")).not.toBeNull();
    expect(await page.locator("#coupon-editor [name=amountOff]").inputValue()).toBe("50.00");
    await page.fill("#coupon-editor [name=totalQuantity]", "2");
    await page.click("#save-coupon");
    await expect.poll(() => problem("totalQuantity").textContent()).toBe("must be at least 3, the coupons claimed so far");
    await page.fill("#coupon-editor [name=totalQuantity]", "0");
    await page.click("#save-coupon");
    await expect.poll(() => problem("totalQuantity").textContent()).toBe("must be at least 1");
    await page.fill("#coupon-editor [name=totalQuantity]", "150");
    await page.click("#save-coupon");
    await expect.poll(() => page.locator("#flash").textContent()).toBe("Saved 满300减50 (version 2).");
    await expect.poll(() => row.locator('[data-cell="pool"]').textContent()).toBe("3 / 150");
    expect((await template(id)).validFrom).toBe(saved.validFrom); // untouched times keep their exact instant

    // Someone else saves meanwhile: the form says so instead of overwriting.
    await row.locator('[data-action="edit"]').click();
    const current = await template(id);
    const { version, updatedAt: _a, updatedBy: _b, ...draft } = current;
    const elsewhere = await fetch(`${shop.baseUrl}/admin/api/coupons/${id}`, {
      method: "PUT",
      headers: AUTH,
      body: JSON.stringify({ ...draft, perShopperLimit: 2, expectedVersion: version }),
    });
    expect(elsewhere.status).toBe(200);
    await page.fill("#coupon-editor [name=totalQuantity]", "200");
    await page.click("#save-coupon");
    await expect
      .poll(() => page.locator("#coupon-form-problems").textContent())
      .toContain("Someone saved this coupon meanwhile (now version 3)");
    expect((await template(id)).totalQuantity).toBe(150);
    await page.click("#close-coupon-editor");

    // History and audit, in the marketer's units.
    await page.click("#refresh-coupons");
    await row.locator('[data-action="history"]').click();
    await expect.poll(() => page.locator('table[data-view="history"] tbody tr').count()).toBe(3);
    const history = (await page.locator('table[data-view="history"]').textContent()) ?? "";
    expect(history).toContain("pool: 100 → 150");
    expect(history).toContain("claims per shopper: 1 → 2");
    expect(history).toContain("created");
    await row.locator('[data-action="audit"]').click();
    await expect.poll(() => page.locator('table[data-view="audit"] tbody tr').count()).toBe(3);
    const audit = (await page.locator('table[data-view="audit"]').textContent()) ?? "";
    expect(audit).toContain(marketer.email);
    expect(audit).toContain(`${id} v2`);
    await page.screenshot({ path: screenshotPath("console-coupons"), fullPage: true });

    // In Chinese: the view comes back open after its language link, the terms as a shopper reads them.
    await page.locator("#coupons a.lang").click();
    await page.waitForURL(/lang=zh-CN#coupons$/);
    const zhRow = page.locator(`tr[data-coupon="${id}"]`);
    await zhRow.waitFor();
    expect(await zhRow.locator('[data-cell="kind"]').textContent()).toBe(`满300减50仅限 ${sale.sku}`);
    expect(await page.locator('#coupons table[data-view="coupons"] th').nth(3).textContent()).toBe("已领 / 总量");
    await zhRow.locator('[data-action="edit"]').click();
    expect(await page.locator("#coupon-editor-title").textContent()).toBe("编辑 满300减50（版本 3）");
    await page.screenshot({ path: screenshotPath("console-coupons-zh"), fullPage: true });
    await context.close();
  });

  it("shows an analyst the templates and their figures, history and audit, and no control that changes them", async () => {
    const now = Date.now();
    const id = `c-${crypto.randomUUID().slice(0, 8)}`;
    const created = await fetch(`${shop.baseUrl}/admin/api/coupons`, {
      method: "POST",
      headers: AUTH,
      body: JSON.stringify({
        id,
        title: "Double 11: 12% off",
        type: "percent_off",
        percentOff: 12,
        maxDiscount: 10_000,
        validFrom: now - MINUTE,
        validUntil: now + 60 * MINUTE,
        totalQuantity: 500,
        stackable: true,
      }),
    });
    expect(created.status).toBe(201);
    const analyst = await shop.createStaff("analyst", "Li Lei");
    const { context, page } = await signedIn(analyst);
    await page.click("#show-coupons");
    const row = page.locator(`tr[data-coupon="${id}"]`);
    await row.waitFor();
    expect(await row.locator('[data-cell="kind"]').textContent()).toBe("12% off, up to ¥100every sale");
    expect(await row.locator(".flag").allTextContents()).toEqual(["stackable"]);
    expect(await page.locator("#new-coupon").isVisible()).toBe(false);
    expect(await row.locator('[data-action="edit"]').isVisible()).toBe(false);
    expect(await row.locator('[data-action="history"]').isVisible()).toBe(true);
    await row.locator('[data-action="audit"]').click();
    await expect.poll(() => page.locator('table[data-view="audit"] tbody tr').count()).toBe(1);
    await context.close();
  });
});
