import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { orders } from "../../src/db/schema.ts";
import type { OrderStatus } from "../../src/orders/order.ts";
import type { Presale } from "../../src/presale/presale-terms.ts";
import type { PresaleOrderView } from "../../src/presale-view/presale-timeline.ts";
import type { SaleConfig } from "../../src/sales/sale-config.ts";
import { TEST_SECRETS } from "../support/test-secrets.ts";
import { screenshotPath, storefrontForFile } from "./harness.ts";

/**
 * Presale pages in Chromium (issue 19): the sale page in the deposit window, the order page in
 * each presale state (its answers given by the test in the API's shape, so each state and the
 * 409 before the balance window are shown on cue), "My presale orders" on /me from Postgres,
 * and the console's sale form with a presale, each server problem at its field.
 */
const shop = storefrontForFile();

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const POLL = { timeout: 15_000 };

/** A presale whose deposit window is open now; the sale opens in two days, the balance window a day later. */
function presaleNow(now: number, forfeit: Presale["forfeit"] = "keep"): { startsAt: number; endsAt: number; presale: Presale } {
  const startsAt = now + 2 * DAY;
  return {
    startsAt,
    endsAt: startsAt + 10 * DAY,
    presale: {
      depositPerUnit: 5_000,
      depositWorthPerUnit: 15_000,
      depositStartsAt: now - HOUR,
      depositEndsAt: startsAt,
      balanceStartsAt: startsAt + DAY,
      balanceEndsAt: startsAt + 2 * DAY,
      forfeit,
    },
  };
}

describe("the sale page of a presale", () => {
  it("shows a phone shopper in Chinese the deposit, its worth, the balance, both windows and a countdown; Buy pays the deposit", async () => {
    const sale = await shop.seedSale(presaleNow(Date.now()));
    const context = await shop.newShopper("phone", "zh-CN");
    const page = await context.newPage();
    await page.goto(`/sales/${sale.sku}`);
    const presale = page.locator("#presale");
    await presale.waitFor();
    expect(await presale.getAttribute("data-window")).toBe("deposit");
    expect(await presale.locator('dd[data-field="deposit"]').textContent()).toMatch(/¥50\.00\s+抵 ¥150\.00/);
    // The first 50 units go at ¥299.50: ¥150 off leaves ¥149.50.
    expect(await page.locator("#presale-balance").textContent()).toBe("按当前价每件 ¥149.50");
    expect(await page.locator("#presale-window-label").textContent()).toBe("距定金截止");
    // About two days left, in days and hh:mm:ss, ticking on server time.
    await expect.poll(() => page.locator("#presale-window-countdown").textContent(), POLL).toMatch(/^1天 23:5\d:\d\d$/);
    expect(await presale.locator('dd[data-field="deposit-window"]').textContent()).toContain("–");
    expect(await presale.textContent()).toContain("定金不退");
    // Buy is "Pay deposit" and works once the session is there, though the sale itself opens in two days.
    const buy = page.locator("#buy");
    await expect.poll(() => buy.getAttribute("data-state"), POLL).toBe("deposit");
    expect(await buy.textContent()).toBe("支付定金");
    expect(await buy.isDisabled()).toBe(false);
    await page.screenshot({ path: screenshotPath("presale-sale-phone-zh"), fullPage: true });
    await context.close();
  });

  it("in English: 'worth … off', the window to come, and Buy waits before the deposit window", async () => {
    const now = Date.now();
    const terms = presaleNow(now, "refund");
    const sale = await shop.seedSale({ ...terms, presale: { ...terms.presale, depositStartsAt: now + HOUR } });
    const context = await shop.newShopper("desktop", "en-US");
    const page = await context.newPage();
    await page.goto(`/sales/${sale.sku}`);
    await page.locator("#presale").waitFor();
    expect(await page.locator("#presale").getAttribute("data-window")).toBe("before_deposit");
    expect(await page.locator('#presale dd[data-field="deposit"]').textContent()).toMatch(/¥50\.00\s+worth ¥150\.00 off/);
    expect(await page.locator("#presale-window-label").textContent()).toBe("Deposits open in");
    await expect.poll(() => page.locator("#presale-window-countdown").textContent(), POLL).toMatch(/^00:5\d:\d\d$/);
    expect(await page.locator("#presale").textContent()).toContain("the deposit is refunded");
    const buy = page.locator("#buy");
    await expect.poll(() => buy.getAttribute("data-state"), POLL).toBe("waiting");
    expect(await buy.isDisabled()).toBe(true);
    await context.close();
  });
});

/** An order id of the form the pages accept (`ord_<sku>_<random>`). */
const orderId = () => `ord_b-presale_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;

/** An order as the shopper's order API answers it, carrying a presale line in `state`. */
function presaleOrder(id: string, sku: string, status: string, presale: Partial<PresaleOrderView> & Pick<PresaleOrderView, "state">) {
  const now = Date.now();
  return {
    id,
    sku,
    qty: 1,
    unitPrices: [29_950],
    subtotalAmount: 29_950,
    memberPrice: null,
    discounts: [],
    pointsUsed: 0,
    totalAmount: 5_000 + 14_950,
    currency: "CNY",
    tier: "First 50 at half price",
    status,
    createdAt: now - HOUR,
    updatedAt: now - HOUR,
    expiresAt: status === "pending_payment" ? now + 10 * MINUTE : null,
    paymentRef: null,
    gift: null,
    invoiceKind: null,
    presale: {
      deposit: 5_000,
      depositWorth: 15_000,
      balance: 14_950,
      balanceOpensAt: now + 2 * DAY,
      balanceClosesAt: now + 3 * DAY,
      forfeit: "keep",
      depositPaidAt: presale.state === "deposit_pending" ? null : now - HOUR,
      depositRef: presale.state === "deposit_pending" ? null : "local_dep_1",
      balancePaidAt: null,
      ...presale,
    },
  };
}

/** Answers the order page's reads of order `id` with `order`, and its pay with `pay` (JSON and a status). */
async function serveOrder(page: Page, id: string, order: () => unknown, pay?: { status: number; body: unknown }): Promise<string[]> {
  const paid: string[] = [];
  await page.route(`**/api/orders/${id}`, (route) =>
    route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify({ order: order() }) }),
  );
  await page.route(`**/api/orders/${id}/pay`, (route) => {
    paid.push(route.request().postData() ?? "");
    return route.fulfill({ status: pay?.status ?? 200, contentType: "application/json", body: JSON.stringify(pay?.body ?? {}) });
  });
  return paid;
}

describe("the order page of a presale order", () => {
  it("pays the deposit first: its amount on the button, a countdown to the hold's end, no coupons or points", async () => {
    const context = await shop.newShopper("phone", "zh-CN");
    const page = await context.newPage();
    const id = orderId();
    await serveOrder(page, id, () => presaleOrder(id, "b-presale", "pending_payment", { state: "deposit_pending" }));
    await page.goto(`/orders/${id}`);
    await page.locator("#presale").waitFor();
    expect(await page.locator("#presale-state").textContent()).toBe("待付定金");
    expect(await page.locator('#presale-lines dd[data-field="deposit"]').textContent()).toBe("¥50.00 (抵 ¥150.00)");
    expect(await page.locator('#presale-lines dd[data-field="balance"]').textContent()).toBe("¥149.50");
    // ¥299.50 less the ¥100 the deposit is worth beyond itself: ¥199.50 in all.
    expect(await page.locator('#order-lines dd[data-field="presale-worth"]').textContent()).toBe("−¥100.00");
    expect(await page.locator('#order-lines dd[data-field="total"]').textContent()).toBe("¥199.50");
    expect(await page.locator("#presale-deadline-label").textContent()).toBe("请在此时间内支付定金");
    await expect.poll(() => page.locator("#presale-countdown").textContent(), POLL).toMatch(/^00:(09|10):\d\d$/);
    expect(await page.locator("#pay").textContent()).toBe("支付定金 ¥50.00");
    expect(await page.locator("#pay").isDisabled()).toBe(false);
    expect(await page.locator("#hold").isHidden()).toBe(true);
    expect(await page.locator("#points-chooser").isHidden()).toBe(true);
    expect(await page.locator("#coupon-chooser").isHidden()).toBe(true);
    await page.screenshot({ path: screenshotPath("presale-order-deposit-phone-zh"), fullPage: true });
    await context.close();
  });

  it("before the balance window: Pay balance disabled with 'opens in', both deadlines shown", async () => {
    const context = await shop.newShopper("desktop", "en-US");
    const page = await context.newPage();
    const id = orderId();
    const order = presaleOrder(id, "b-presale", "deposit_paid", { state: "deposit_paid" });
    await serveOrder(page, id, () => order);
    await page.goto(`/orders/${id}`);
    await page.locator("#presale").waitFor();
    expect(await page.locator("#order-status").textContent()).toBe("Deposit paid");
    expect(await page.locator("#presale-state").textContent()).toBe("Deposit paid");
    expect(await page.locator("#pay").textContent()).toBe("Pay balance ¥149.50");
    expect(await page.locator("#pay").isDisabled()).toBe(true);
    expect(await page.locator("#cancel").isHidden()).toBe(true);
    expect(await page.locator("#presale-opens").isVisible()).toBe(true);
    expect(await page.locator("#presale-opens-label").textContent()).toBe("Balance opens in");
    await expect.poll(() => page.locator("#presale-opens-countdown").textContent(), POLL).toMatch(/^1d 23:5\d:\d\d$/);
    expect(await page.locator("#presale-deadline").getAttribute("data-kind")).toBe("balance_opens");
    expect(await page.locator('#presale-lines dd[data-field="balance-opens"]').textContent()).toMatch(/^\d{1,2} \w{3}, \d\d:\d\d$/);
    expect(await page.locator('#presale-lines dd[data-field="balance-closes"]').textContent()).toMatch(/^\d{1,2} \w{3}, \d\d:\d\d$/);
    expect(await page.locator("#presale-forfeit").textContent()).toContain("the deposit is not refunded");
    await page.screenshot({ path: screenshotPath("presale-order-waiting-desktop-en"), fullPage: true });
    await context.close();
  });

  it("in the balance window pays the balance; a 409 balance_not_open from the server shows when it opens", async () => {
    const context = await shop.newShopper("phone", "en-US");
    const page = await context.newPage();
    const id = orderId();
    const now = Date.now();
    // Our clock says the window is open; the server's says it opens in a minute (Shanghai 20:00 on 1 Nov 2026).
    const opensAt = Date.UTC(2026, 10, 1, 12);
    const paid = await serveOrder(
      page,
      id,
      () =>
        presaleOrder(id, "b-presale", "deposit_paid", { state: "balance_due", balanceOpensAt: now - MINUTE, balanceClosesAt: now + DAY }),
      { status: 409, body: { error: { code: "balance_not_open", message: "The balance window is not open yet.", opensAt } } },
    );
    await page.goto(`/orders/${id}`);
    await page.locator("#presale").waitFor();
    expect(await page.locator("#presale-state").textContent()).toBe("Balance due");
    expect(await page.locator("#presale-deadline-label").textContent()).toBe("Pay the balance within");
    expect(await page.locator("#presale-opens").isHidden()).toBe(true);
    const pay = page.locator("#pay");
    await expect.poll(() => pay.isDisabled(), POLL).toBe(false);
    await pay.click();
    await expect.poll(() => page.locator("#message").textContent(), POLL).toBe("The balance can be paid from 1 Nov, 20:00.");
    expect(paid).toHaveLength(1);
    await context.close();
  });

  it("forfeited: no payment, and the rule's outcome (deposit refunded)", async () => {
    const context = await shop.newShopper("phone", "zh-CN");
    const page = await context.newPage();
    const id = orderId();
    const now = Date.now();
    await serveOrder(page, id, () =>
      presaleOrder(id, "b-presale", "forfeited", {
        state: "forfeited",
        forfeit: "refund",
        balanceOpensAt: now - 2 * DAY,
        balanceClosesAt: now - DAY,
      }),
    );
    await page.goto(`/orders/${id}`);
    await page.locator("#presale").waitFor();
    // The order page words the status "已失效（尾款未付）"; either wording starts so.
    expect(await page.locator("#order-status").textContent()).toMatch(/^已失效/);
    expect(await page.locator("#presale-forfeit").textContent()).toBe("尾款未在截止前支付：商品已重新开售，定金将原路退回。");
    expect(await page.locator("#presale-forfeit").getAttribute("data-outcome")).toBe("refund");
    expect(await page.locator("#pay-form").isHidden()).toBe(true);
    expect(await page.locator("#presale-deadline").isHidden()).toBe(true);
    await context.close();
  });
});

describe("a presale end to end (the real API)", () => {
  it("a phone shopper pays the deposit from the sale page; the order then waits for the balance window, disabled, counting down", async () => {
    const sale = await shop.seedSale(presaleNow(Date.now()));
    const context = await shop.newShopper("phone", "en-US");
    const page = await context.newPage();
    await page.goto(`/sales/${sale.sku}`);
    const buy = page.locator("#buy");
    await expect.poll(() => buy.getAttribute("data-state"), POLL).toBe("deposit");
    await buy.click();
    await page.waitForURL(/\/orders\//, POLL);
    await page.locator("#presale").waitFor(POLL);
    expect(await page.locator("#presale-state").textContent()).toBe("Deposit to pay");
    expect(await page.locator("#pay").textContent()).toBe("Pay deposit ¥50.00");
    // One unit at ¥299.50 (rank 1): ¥50 now, ¥149.50 later.
    expect(await page.locator('#presale-lines dd[data-field="balance"]').textContent()).toBe("¥149.50");
    await page.locator("#pay").click();
    await expect.poll(() => page.locator("#presale-state").textContent(), POLL).toBe("Deposit paid");
    expect(await page.locator("#order-status").textContent()).toBe("Deposit paid");
    const pay = page.locator("#pay");
    expect(await pay.textContent()).toBe("Pay balance ¥149.50");
    expect(await pay.isDisabled()).toBe(true);
    expect(await page.locator("#presale-opens").isVisible()).toBe(true);
    await expect.poll(() => page.locator("#presale-opens-countdown").textContent(), POLL).toMatch(/^2d 23:5\d:\d\d$/);
    // Asked anyway (as a stale page would), the server refuses with the opening time, which the page shows.
    const orderId = page.url().split("/orders/")[1]!;
    const refused = await page.evaluate(async (id) => {
      const response = await fetch(`/api/orders/${id}/pay`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: "{}",
      });
      return { status: response.status, body: (await response.json()) as { error: { code: string; opensAt?: number } } };
    }, decodeURIComponent(orderId));
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("balance_not_open");
    expect(refused.body.error.opensAt).toBe(sale.presale!.balanceStartsAt);
    await page.screenshot({ path: screenshotPath("presale-e2e-deposit-paid-phone-en"), fullPage: true });
    await context.close();
  });
});

describe("My presale orders on /me", () => {
  it("lists the shopper's presale orders from Postgres with their state and next deadline, not their other orders", async () => {
    const context = await shop.newShopper("phone", "en-US");
    const page = await context.newPage();
    await page.goto("/me");
    await page.waitForSelector('#me-presale[data-state="ready"]');
    expect(await page.locator("#presale-status").textContent()).toBe("No presale orders yet.");
    const shopperId = await page.evaluate(async () => {
      const response = await fetch("/api/session", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
      return ((await response.json()) as { shopperId: string }).shopperId;
    });
    const now = Date.now();
    const line = (state: "deposit_paid" | "paid") => ({
      deposit: 5_000,
      depositWorth: 15_000,
      balance: 14_950,
      balanceOpensAt: now + 2 * DAY,
      balanceClosesAt: now + 3 * DAY,
      forfeit: "keep" as const,
      depositPaidAt: now - HOUR,
      depositRef: "local_dep",
      balancePaidAt: state === "paid" ? now : null,
    });
    const row = (id: string, status: string, presale: ReturnType<typeof line> | null, createdAt: number) => ({
      id,
      sku: "b-presale-me",
      shopperId,
      qty: 1,
      unitPrices: [29_950],
      ranks: [1],
      totalAmount: 19_950,
      status: status as OrderStatus,
      idempotencyKey: crypto.randomUUID(),
      createdAt: new Date(createdAt),
      updatedAt: new Date(createdAt),
      presale,
    });
    const waiting = `ord_${crypto.randomUUID()}`;
    const done = `ord_${crypto.randomUUID()}`;
    await shop.database.db
      .insert(orders)
      .values([
        row(waiting, "deposit_paid", line("deposit_paid"), now - HOUR),
        row(done, "paid", line("paid"), now - 2 * HOUR),
        row(`ord_${crypto.randomUUID()}`, "paid", null, now - 3 * HOUR),
      ]);
    await page.reload();
    const items = page.locator("#presale-orders li");
    await expect.poll(() => items.count(), POLL).toBe(2);
    const first = page.locator(`#presale-orders li[data-order-id="${waiting}"]`);
    expect(await first.getAttribute("data-state")).toBe("deposit_paid");
    expect(await first.locator(".presale-state").textContent()).toBe("Deposit paid");
    expect(await first.locator("a").getAttribute("href")).toBe(`/orders/${waiting}`);
    expect(await first.locator(".presale-deadline").getAttribute("data-kind")).toBe("balance_opens");
    await expect.poll(() => first.locator("[data-countdown-to]").textContent(), POLL).toMatch(/^1d 23:5\d:\d\d$/);
    const second = page.locator(`#presale-orders li[data-order-id="${done}"]`);
    expect(await second.locator(".presale-state").textContent()).toBe("Paid in full");
    expect(await second.locator(".presale-deadline").count()).toBe(0);
    // Newest first.
    expect(await items.first().getAttribute("data-order-id")).toBe(waiting);
    await page.screenshot({ path: screenshotPath("presale-me-phone-en"), fullPage: true });
    await context.close();
  });
});

describe("the console's sale form with a presale", () => {
  /** A time as a datetime-local input takes it, in the page's own time zone. */
  const localInput = (page: Page, ms: number) =>
    page.evaluate((t) => {
      const d = new Date(t);
      const pad = (n: number) => String(n).padStart(2, "0");
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
    }, ms);

  it("shows every presale problem at its field, then saves the presale and marks it in the list", async () => {
    const staff = await shop.createStaff("marketer", "Pei Presale 裴");
    const context = await shop.browser.newContext({
      baseURL: shop.baseUrl,
      timezoneId: "Asia/Shanghai",
      viewport: { width: 1280, height: 900 },
    });
    await shop.watchCsp(context);
    const page = await context.newPage();
    await shop.signInToConsole(page, staff);
    await page.locator("#new-sale").click();
    const sku = `presale-${crypto.randomUUID().slice(0, 8)}`;
    // Whole minutes: the form's times are to the minute.
    const base = Math.ceil(Date.now() / MINUTE) * MINUTE;
    const startsAt = base + 2 * DAY;
    await page.fill("[name=sku]", sku);
    await page.fill("[name=title]", "Presale 预售 earbuds");
    await page.fill("[name=listPrice]", "299");
    await page.fill("[name=stock]", "100");
    await page.fill("[name=shards]", "2");
    await page.fill("[name=startsAt]", await localInput(page, startsAt));
    await page.fill("[name=endsAt]", await localInput(page, startsAt + 10 * DAY));
    expect(await page.locator("[name=depositPerUnit]").isDisabled()).toBe(true);
    await page.check("[name=presaleOn]");
    // Deposit above the price and above its worth; the deposit window past the sale's start.
    await page.fill("[name=depositPerUnit]", "400");
    await page.fill("[name=depositWorthPerUnit]", "100");
    await page.fill("[name=depositStartsAt]", await localInput(page, base));
    await page.fill("[name=depositEndsAt]", await localInput(page, startsAt + HOUR));
    await page.fill("[name=balanceStartsAt]", await localInput(page, startsAt + DAY));
    await page.fill("[name=balanceEndsAt]", await localInput(page, startsAt + 2 * DAY));
    await page.selectOption("[name=forfeit]", "refund");
    await page.click("#save");
    const problem = (path: string) => page.locator(`.problem[data-for="${path}"]`);
    await expect.poll(() => problem("presale.depositPerUnit").textContent(), POLL).toContain("the deposit is above the price");
    expect(await problem("presale.depositWorthPerUnit").textContent()).toBe("must be at least the deposit (40000 fen)");
    expect(await problem("presale.depositEndsAt").textContent()).toContain("must be at or before the sale's startsAt");
    expect(await problem("shards").textContent()).toContain("a presale sells from one object");
    await page.screenshot({ path: screenshotPath("presale-console-problems"), fullPage: true });
    const AUTH = { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}` };
    expect((await fetch(`${shop.baseUrl}/admin/api/sales/${sku}`, { headers: AUTH })).status).toBe(404);

    await page.fill("[name=shards]", "1");
    await page.fill("[name=depositPerUnit]", "50");
    await page.fill("[name=depositWorthPerUnit]", "150");
    await page.fill("[name=depositEndsAt]", await localInput(page, startsAt));
    await page.click("#save");
    await expect.poll(() => page.locator("#flash").textContent(), POLL).toContain("Saved");
    const stored = (await (await fetch(`${shop.baseUrl}/admin/api/sales/${sku}`, { headers: AUTH })).json()) as { sale: SaleConfig };
    expect(stored.sale.presale).toEqual({
      depositPerUnit: 5_000,
      depositWorthPerUnit: 15_000,
      depositStartsAt: base,
      depositEndsAt: startsAt,
      balanceStartsAt: startsAt + DAY,
      balanceEndsAt: startsAt + 2 * DAY,
      forfeit: "refund",
    });
    const row = page.locator(`tr[data-sku="${sku}"]`);
    await row.waitFor(POLL);
    expect(await row.locator("[data-presale]").textContent()).toBe("Presale 预售");
    expect(await row.locator('[data-field="balance-window"]').textContent()).toMatch(/^balance /);
    await context.close();
  });
});
