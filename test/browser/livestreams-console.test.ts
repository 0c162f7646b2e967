import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import type { Livestream } from "../../src/livestreams/livestream.ts";
import { TEST_SECRETS } from "../support/test-secrets.ts";
import { screenshotPath, storefrontForFile, type TestStaff } from "./harness.ts";

/**
 * The console's Livestreams view (issue 15) in Chromium: a marketer makes a store coupon in the
 * Coupons form ("Redeemed: in a store"), schedules a livestream handing it out, is told at the
 * field which store does not exist, saves, sees it listed, pauses it (version 2); in Chinese too.
 */
const shop = storefrontForFile();

const STORE = `cs-${crypto.randomUUID().slice(0, 8)}`;
const AUTH = { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}`, "Content-Type": "application/json" };
const MINUTE = 60_000;

beforeAll(async () => {
  await shop.pool.query(
    `INSERT INTO stores (id, name, address, city, latitude, longitude, time_zone, opening_hours, redeem_only_when_open, active, created_at, updated_at)
     VALUES ($1, '南京路店', '1 Nanjing Road', 'Shanghai', 31.23, 121.47, 'Asia/Shanghai', $2, false, true, now(), now())`,
    [STORE, JSON.stringify({ mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] })],
  );
});

const localInput = (page: Page, ms: number) =>
  page.evaluate((t) => {
    const d = new Date(t);
    const pad = (n: number) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }, ms);

async function signedIn(staff: TestStaff, lang = "en") {
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
  await page.goto(`/admin?lang=${lang}`);
  await page.fill("#password-sign-in [name=email]", staff.email);
  await page.fill("#password-sign-in [name=password]", staff.password);
  await page.click("#password-sign-in button[type=submit]");
  await page.locator("#app").waitFor();
  return page;
}

describe("the console's Livestreams view", () => {
  it("makes a store coupon, schedules a livestream handing it out, shows a livestream without a store refused at its field, ticks a store, lists and pauses it", async () => {
    const marketer = await shop.createStaff("marketer", "王芳");
    const page = await signedIn(marketer);
    const now = Date.now();

    // A store coupon from the Coupons form.
    const templateId = `cst-${crypto.randomUUID().slice(0, 8)}`;
    await page.click("#show-coupons");
    await page.click("#new-coupon");
    await page.fill("#coupon-editor [name=id]", templateId);
    await page.fill("#coupon-editor [name=title]", "到店立减30");
    await page.fill("#coupon-editor [name=amountOff]", "30");
    await page.fill("#coupon-editor [name=validFrom]", await localInput(page, now - MINUTE));
    await page.fill("#coupon-editor [name=validUntil]", await localInput(page, now + 86_400_000));
    await page.fill("#coupon-editor [name=totalQuantity]", "100");
    await page.selectOption("#coupon-editor [name=redeem]", "in_store");
    await page.click("#save-coupon");
    await expect.poll(() => page.locator("#flash").textContent()).toContain("Saved");
    const template = await (await fetch(`${shop.baseUrl}/admin/api/coupons/${templateId}`, { headers: AUTH })).json();
    expect(template).toMatchObject({ template: { redeem: "in_store" } });

    // The livestream: no store ticked first.
    const id = `csl-${crypto.randomUUID().slice(0, 8)}`;
    await page.click("#show-livestreams");
    await page.locator("#livestreams").waitFor();
    await page.click("#new-livestream");
    const box = page.locator(`#livestream-templates input[value="${templateId}"]`);
    await box.waitFor();
    await page.fill("#livestream-editor [name=id]", id);
    await page.fill("#livestream-editor [name=title]", "双11直播间");
    await page.fill("#livestream-editor [name=streamUrl]", "https://live.example.com/double11.m3u8");
    await page.fill("#livestream-editor [name=startsAt]", await localInput(page, now - MINUTE));
    await page.fill("#livestream-editor [name=endsAt]", await localInput(page, now + 3_600_000));
    await box.check();
    await page.fill("#livestream-editor [name=claimCode]", "LIVE88");
    await page.click("#save-livestream");
    await expect.poll(() => page.locator('#livestream-editor .problem[data-for="stores"]').textContent()).toBe("names at least one store");
    expect((await fetch(`${shop.baseUrl}/admin/api/livestreams/${id}`, { headers: AUTH })).status).toBe(404);

    // The stores are ticked from the active stores, by name and city.
    const storeBox = page.locator(`#livestream-stores input[value="${STORE}"]`);
    expect(await page.locator("#livestream-stores label", { has: page.locator(`input[value="${STORE}"]`) }).textContent()).toBe(
      ` 南京路店 · Shanghai (${STORE})`,
    );
    await storeBox.check();
    await page.click("#save-livestream");
    await expect.poll(() => page.locator("#flash").textContent()).toBe("Saved 双11直播间 (version 1).");
    const row = page.locator(`tr[data-livestream="${id}"]`);
    await row.waitFor();
    expect(await row.locator('[data-cell="coupons"]').textContent()).toBe(templateId);
    expect(await row.locator('[data-cell="stores"]').textContent()).toBe(STORE);
    expect(await row.locator('[data-cell="claim-code"]').textContent()).toBe("LIVE88");
    expect(await row.locator("td").first().textContent()).toContain(`${id} · v1 · on air`);
    await page.screenshot({ path: screenshotPath("console-livestreams"), fullPage: true });

    await row.locator('[data-action="edit"]').click();
    expect(await page.locator(`#livestream-templates input[value="${templateId}"]`).isChecked()).toBe(true);
    expect(await page.locator(`#livestream-stores input[value="${STORE}"]`).isChecked()).toBe(true);
    await page.check("#livestream-editor [name=paused]");
    await page.click("#save-livestream");
    await expect.poll(() => page.locator("#flash").textContent()).toBe("Saved 双11直播间 (version 2).");
    await expect.poll(() => row.locator("td").first().textContent()).toContain("v2 · on air · paused");
    const saved = (await (await fetch(`${shop.baseUrl}/admin/api/livestreams/${id}`, { headers: AUTH })).json()) as {
      livestream: Livestream;
    };
    expect(saved.livestream).toMatchObject({
      version: 2,
      paused: true,
      couponTemplates: [templateId],
      stores: [STORE],
      updatedBy: marketer.email,
    });
  });

  it("speaks Chinese", async () => {
    const page = await signedIn(await shop.createStaff("marketer", "李娜"), "zh-CN");
    await page.click("#show-livestreams");
    await page.locator("#livestreams").waitFor();
    expect(await page.locator("#livestreams h2").textContent()).toBe("直播间");
    await page.click("#new-livestream");
    expect(await page.locator("#livestream-editor-title").textContent()).toBe("新建直播");
  });
});
