import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { type CouponTemplate, type CouponTemplateInput, couponKey, couponTemplateSchema } from "../../src/coupons/coupon-template.ts";
import { screenshotPath, storefrontForFile } from "./harness.ts";

/**
 * Coupons in Chromium (issue 14), as a shopper on a phone meets them: claimed on the sale
 * page, the price after the coupon beside Buy, bought with it, chosen again (or not) on the
 * order page, and kept in "My coupons" on /me. Nothing waits for time: the tests poll what
 * the pages show.
 */
const shop = storefrontForFile();

/**
 * A coupon template for `sku`, written to KV as the console's admin API would keep it (its
 * version 1, never updated), so the test does not depend on that API.
 */
async function seedCoupon(sku: string, overrides: Partial<CouponTemplateInput> = {}): Promise<CouponTemplate> {
  const now = Date.now();
  const template = couponTemplateSchema.parse({
    id: `b-${crypto.randomUUID().slice(0, 12)}`,
    title: "满200减50",
    description: "",
    type: "amount_off",
    amountOff: 5_000,
    minSpend: 20_000,
    skus: [sku],
    validFrom: now - 60_000,
    validUntil: now + 24 * 3_600_000,
    perShopperLimit: 1,
    totalQuantity: 100,
    version: 1,
    updatedAt: null,
    updatedBy: null,
    ...overrides,
  });
  await (await shop.mf.getKVNamespace("SALES")).put(couponKey(template.id), JSON.stringify(template));
  return template;
}

const offer = (page: Page, templateId: string) => page.locator(`#coupon-offers li[data-template-id="${templateId}"]`);
const line = (page: Page, field: string) => page.locator(`#order-lines dd[data-field="${field}"]`);
const fitsThePhone = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

describe("coupons on the storefront", () => {
  it("lets a phone shopper claim a coupon, see the price after it, buy with it, drop it on the order page and find it used on /me", async () => {
    const sale = await shop.seedSale();
    const coupon = await seedCoupon(sale.sku);
    const context = await shop.newShopper("phone");
    const page = await context.newPage();
    await page.goto(`/sales/${sale.sku}`);

    // The strip: the coupon's terms in the page's words, its title, how many are left.
    const card = offer(page, coupon.id);
    await card.waitFor();
    expect(await card.locator("strong").textContent()).toBe("¥50.00 off orders from ¥200.00");
    expect(await card.locator(".coupon-title").textContent()).toBe("满200减50");
    expect(await card.locator(".coupon-left").textContent()).toBe("100 left");
    // Nothing to spend yet: no price after coupon.
    expect(await page.locator("#coupon-buy").isHidden()).toBe(true);

    const claim = card.locator("button.claim");
    await expect.poll(() => claim.isEnabled()).toBe(true);
    expect(await claim.getAttribute("aria-describedby")).toBe(`coupon-${coupon.id}`);
    await claim.click();
    await expect
      .poll(() => page.locator("#coupon-note").textContent())
      .toBe("Coupon claimed: ¥50.00 off orders from ¥200.00. It is in your wallet.");
    await expect.poll(() => offer(page, coupon.id).locator("button.claim").getAttribute("data-state")).toBe("claimed");
    expect(await offer(page, coupon.id).locator("button.claim").textContent()).toBe("Claimed");
    expect(await offer(page, coupon.id).locator("button.claim").isDisabled()).toBe(true);
    expect(await offer(page, coupon.id).locator(".coupon-left").textContent()).toBe("99 left");

    // ¥299.50 less ¥50.00, with the coupon ticked by default.
    await expect.poll(() => page.locator("#price-after").textContent()).toBe("¥249.50");
    expect(await page.locator("#coupon-price").isVisible()).toBe(true);
    expect(await page.locator("#use-coupon").isChecked()).toBe(true);
    expect(await page.locator("#use-coupon-text").textContent()).toBe("Use my best coupon: ¥50.00 off orders from ¥200.00 (−¥50.00)");
    expect(await fitsThePhone(page)).toBe(true);
    await page.screenshot({ path: screenshotPath("sale-phone-coupon"), fullPage: true });

    const checkout = page.waitForRequest((request) => request.url().endsWith("/api/checkout"));
    await page.locator("#buy").click();
    const walletCoupon = (await checkout).postDataJSON() as { sku: string; qty: number; coupons: string[] };
    expect(walletCoupon).toEqual({ sku: sale.sku, qty: 1, coupons: [expect.stringMatching(`^cpn_${coupon.id}_`)] });
    const couponId = walletCoupon.coupons[0]!;
    await page.waitForURL(/\/orders\/ord_/);

    // The order: subtotal, the coupon's line, the total; the chooser has the coupon checked.
    await expect.poll(() => line(page, "total").textContent()).toBe("¥249.50");
    expect(await line(page, "subtotal").textContent()).toBe("¥299.50");
    const discount = page.locator(`#order-lines dd[data-field="discount"][data-coupon-id="${couponId}"]`);
    expect(await discount.textContent()).toBe("−¥50.00");
    expect(await page.locator("#order-lines dt", { hasText: "Coupon:" }).textContent()).toBe("Coupon: 满200减50");
    await expect.poll(() => page.locator("#coupon-chooser").isVisible()).toBe(true);
    const withCoupon = page.getByRole("radio", { name: /¥50\.00 off orders from ¥200\.00/ });
    const noCoupon = page.getByRole("radio", { name: "No coupon" });
    expect(await withCoupon.isChecked()).toBe(true);
    expect(await page.locator(`.coupon-option[data-coupon-id="${couponId}"] .meta`).allTextContents()).toEqual([
      "满200减50",
      expect.stringMatching(/^saves ¥50\.00 · Valid until /),
    ]);
    expect(await fitsThePhone(page)).toBe(true);
    await page.screenshot({ path: screenshotPath("order-phone-coupon"), fullPage: true });

    // No coupon: the total goes back up, the line goes.
    await noCoupon.check();
    await expect.poll(() => line(page, "total").textContent()).toBe("¥299.50");
    await expect.poll(() => page.locator("#coupon-chooser").getAttribute("data-state")).toBe("ready");
    expect(await line(page, "discount").count()).toBe(0);
    expect(await page.locator("#order").getAttribute("data-coupons")).toBe("");
    expect(await noCoupon.isChecked()).toBe(true);

    // And back: the coupon, freed, is offered again and taken again; paying spends it.
    await withCoupon.check();
    await expect.poll(() => line(page, "total").textContent()).toBe("¥249.50");
    await expect.poll(() => page.locator("#coupon-chooser").getAttribute("data-state")).toBe("ready");
    await page.locator("#pay").click();
    await expect.poll(() => page.locator("#order").getAttribute("data-status")).toBe("paid");
    expect(await page.locator("#coupon-chooser").isHidden()).toBe(true);
    expect(await discount.textContent()).toBe("−¥50.00");
    expect(await line(page, "total").textContent()).toBe("¥249.50");

    // My coupons: used, with the day it was.
    await page.goto("/me");
    const held = page.locator(`#wallet li[data-coupon-id="${couponId}"]`);
    await held.waitFor();
    expect(await held.getAttribute("data-status")).toBe("used");
    expect(await held.locator(".badge").textContent()).toBe("Used");
    expect(await held.locator(".meta").textContent()).toMatch(/^Used /);
    expect(await page.locator("#wallet-title").textContent()).toBe("My coupons");
    await context.close();
  });

  it("speaks Chinese: 满300减50 waits for an order of ¥300, a second claim is refused in the coupon's words, and 我的优惠券 lists it", async () => {
    const sale = await shop.seedSale();
    const coupon = await seedCoupon(sale.sku, { title: "双11 满300减50", minSpend: 30_000 });
    const context = await shop.newShopper("phone", "zh-CN");
    const page = await context.newPage();
    await page.goto(`/sales/${sale.sku}`);
    const card = offer(page, coupon.id);
    await card.waitFor();
    expect(await page.locator("#coupons-title").textContent()).toBe("优惠券");
    expect(await card.locator("strong").textContent()).toBe("满300减50");
    expect(await card.locator(".coupon-left").textContent()).toBe("剩余 100 张");
    const claim = card.locator("button.claim");
    await expect.poll(() => claim.isEnabled()).toBe(true);
    expect(await claim.textContent()).toBe("领取");

    // The same shopper claims it elsewhere (another tab) first: this page's click is refused, in words about the coupon.
    const status = await page.evaluate(async (id) => {
      const claimed = await fetch(`/api/coupons/${id}/claim`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID() },
        body: "{}",
      });
      return claimed.status;
    }, coupon.id);
    expect(status).toBe(201);
    await claim.click();
    await expect.poll(() => page.locator("#coupon-message").textContent()).toBe("您已领过这张券，每人限领数量已满。");
    await expect.poll(() => offer(page, coupon.id).locator("button.claim").textContent()).toBe("已领取");

    // One unit is ¥299.50, under the threshold: the page says what the coupon needs, and sends none.
    await expect.poll(() => page.locator("#coupon-hint").textContent()).toBe("您的优惠券满300减50需订单满 ¥300.00 可用");
    expect(await page.locator("#use-coupon-label").isHidden()).toBe(true);
    // Two units, ¥599.00: 券后价 ¥549.00.
    await page.locator("#qty").selectOption("2");
    await expect.poll(() => page.locator("#price-after").textContent()).toBe("¥549.00");
    expect(await page.locator("#coupon-price").textContent()).toBe("券后价 ¥549.00");
    expect(await page.locator("#use-coupon-text").textContent()).toBe("使用最优惠的券：满300减50（−¥50.00）");
    // Unticked: the price after coupon goes, the checkout would send none.
    await page.locator("#use-coupon").uncheck();
    expect(await page.locator("#coupon-price").isHidden()).toBe(true);
    expect(await fitsThePhone(page)).toBe(true);
    await page.screenshot({ path: screenshotPath("sale-phone-coupon-zh"), fullPage: true });

    await page.locator("a.me").click();
    await page.waitForURL("**/me");
    const mine = page.locator("#wallet li").first();
    await mine.waitFor();
    expect(await page.locator("#wallet-title").textContent()).toBe("我的优惠券");
    expect(await mine.getAttribute("data-status")).toBe("available");
    expect(await mine.locator("strong").textContent()).toBe("满300减50");
    expect(await mine.locator(".badge").textContent()).toBe("可使用");
    expect(await mine.locator(".coupon-title").textContent()).toBe("双11 满300减50");
    expect(await mine.locator(".meta").textContent()).toMatch(/^有效期 .+ – .+$/);
    expect(await fitsThePhone(page)).toBe(true);
    await page.screenshot({ path: screenshotPath("me-phone-coupons-zh"), fullPage: true });
    await context.close();
  });
});
