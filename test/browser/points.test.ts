import { describe, expect, it } from "vitest";
import { appendPoints } from "../../src/membership/points-ledger.ts";
import { screenshotPath, storefrontForFile } from "./harness.ts";

/**
 * Points for shoppers in Chromium (issue 16): "use points" on the order page of an unpaid
 * order, phone first, in Chinese and English, and "My points" on /me after paying.
 */
const shop = storefrontForFile();

/** A shopper with `points` granted, and an unpaid order of one unit at ¥299.50. */
async function shopperWithOrder(locale: string, points: number) {
  const sale = await shop.seedSale();
  const context = await shop.newShopper("phone", locale);
  const page = await context.newPage();
  await page.goto("/me");
  // The page's own reads issue the session first; asking for it after reads the same shopper.
  await page.waitForSelector('#me-points[data-state="ready"]');
  const shopperId = await page.evaluate(async () => {
    const response = await fetch("/api/session", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    return ((await response.json()) as { shopperId: string }).shopperId;
  });
  await appendPoints(shop.database.db, {
    shopperId,
    amount: points,
    reason: "crm_grant",
    idempotencyKey: `browser-grant:${shopperId}`,
    at: Date.now(),
  });
  const orderId = await page.evaluate(async (sku) => {
    const placed = await fetch("/api/checkout", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID() },
      body: JSON.stringify({ sku, qty: 1 }),
    });
    return ((await placed.json()) as { order: { id: string } }).order.id;
  }, sale.sku);
  return { context, page, orderId };
}

/** A loaded CI machine (two test passes, every project at once) answers slower than a quiet one. */
const POLL = { timeout: 15_000 };

describe("points on the order page and on /me", () => {
  it("a phone shopper in Chinese uses points on an unpaid order, pays, and sees them on /me", async () => {
    const { context, page, orderId } = await shopperWithOrder("zh-CN", 20_000);
    await page.goto(`/orders/${orderId}`);
    const chooser = page.locator("#points-chooser");
    await chooser.waitFor({ state: "visible" });
    // Half of ¥299.50 is the most points can pay: 14,975 points.
    expect(await chooser.getAttribute("data-max")).toBe("14975");
    expect(await page.locator("#points-available").textContent()).toBe("你有 20000 积分，本单最多可用 14975。");
    await page.locator("#points-input").fill("5000");
    await page.locator("#points-apply").click();
    await expect.poll(() => page.locator('#order-lines dd[data-field="points"]').textContent(), POLL).toBe("−¥50.00");
    expect(await page.locator('#order-lines dd[data-field="total"]').textContent()).toBe("¥249.50");
    expect(await page.locator("#order-lines dt", { hasText: "积分抵扣" }).count()).toBe(1);

    // Too many: the refusal is shown, the order stays as it was.
    await page.locator("#points-input").fill("20000");
    await page.locator("#points-apply").click();
    await expect.poll(() => page.locator("#message").textContent(), POLL).toBe("积分最多抵扣本单应付金额的一半。");
    expect(await page.locator('#order-lines dd[data-field="total"]').textContent()).toBe("¥249.50");
    await page.screenshot({ path: screenshotPath("order-points-phone-zh"), fullPage: true });

    await page.locator("#pay").click();
    await page.waitForSelector('#order[data-status="paid"]');
    expect(await chooser.isHidden()).toBe(true);

    // The ¥249.50 paid earns 249 points through the outbox: /me shows them when they land.
    await expect
      .poll(
        async () => {
          await page.goto("/me");
          await page.waitForSelector('#me-points[data-state="ready"]');
          return page.locator("#me-points").getAttribute("data-balance");
        },
        { timeout: 20_000, interval: 250 },
      )
      .toBe("15249");
    expect(await page.locator("#points-title").textContent()).toBe("我的积分");
    expect(await page.locator("#points-status").textContent()).toBe("15249 积分（价值 ¥152.49）");
    expect(await page.locator('#points-entries li[data-reason="order_paid"]').textContent()).toContain("订单获得 +249");
    // The refused 20,000 were held and given back at once; the 5,000 were spent.
    expect(await page.locator('#points-entries li[data-reason="checkout_hold"]').allTextContents()).toEqual([
      expect.stringContaining("-20000"),
      expect.stringContaining("-5000"),
    ]);
    expect(await page.locator('#points-entries li[data-reason="hold_returned"]').textContent()).toContain("+20000");
    await page.screenshot({ path: screenshotPath("me-points-phone-zh"), fullPage: true });
    await context.close();
  });

  it("an English shopper with no points sees no chooser, and the rule on /me", async () => {
    const { context, page, orderId } = await shopperWithOrder("en-US", 0);
    await page.goto(`/orders/${orderId}`);
    await page.waitForSelector('#order[data-status="pending_payment"]');
    expect(await page.locator("#points-chooser").isHidden()).toBe(true);
    await page.goto("/me");
    await page.waitForSelector('#me-points[data-state="ready"]');
    expect(await page.locator("#points-title").textContent()).toBe("My points");
    expect(await page.locator("#points-status").textContent()).toBe(
      "0 points (worth ¥0.00) · No points yet: every ¥1 you pay earns 1 point, twice with an electronic invoice.",
    );
    await context.close();
  });
});
