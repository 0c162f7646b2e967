import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { stores } from "../../src/db/schema.ts";
import { type ShopperEvent, shopperEventSchema } from "../../src/events/event.ts";
import { insertEvents } from "../../src/events/event-store.ts";
import { screenshotPath, storefrontForFile } from "./harness.ts";

/**
 * The console's Store coupons view (issue 15) in Chromium, on the production bundle, over
 * events written into Postgres as the events consumer writes them and a livestream's
 * configuration in KV. The fixture, in the last hours: livestream L (stores S1 and S2) handed
 * out 8 coupons; 2 were redeemed in S1 and 1 in S2. By hand: L 8 claimed, 3 redeemed, 37.5 %;
 * S1 8 claimed (L lists it), 2 redeemed, 25.0 %; S2 8, 1, 12.5 %.
 */
const shop = storefrontForFile();

const run = crypto.randomUUID().slice(0, 8);
const LIVE = `live-b-${run}`;
const S1 = `b1-${run}`;
const S2 = `b2-${run}`;
const HOUR = 3_600_000;

beforeAll(async () => {
  const now = Date.now();
  let serial = 0;
  const event = (type: "coupon_claimed" | "coupon_redeemed", at: number, props: Record<string, string>) =>
    shopperEventSchema.parse({
      type,
      id: `bevt-${run}-${++serial}`,
      shopperId: `shp_${run}${serial}`,
      device: "phone",
      at,
      ...props,
    }) as ShopperEvent;
  const couponId = (n: number) => `cpn_${LIVE}_${n}`;
  await insertEvents(
    shop.database.db,
    [
      ...Array.from({ length: 8 }, (_, n) => event("coupon_claimed", now - 3 * HOUR, { couponId: couponId(n), livestreamId: LIVE })),
      event("coupon_redeemed", now - 2 * HOUR, { couponId: couponId(0), livestreamId: LIVE, storeId: S1 }),
      event("coupon_redeemed", now - 2 * HOUR, { couponId: couponId(1), livestreamId: LIVE, storeId: S1 }),
      event("coupon_redeemed", now - HOUR, { couponId: couponId(2), livestreamId: LIVE, storeId: S2 }),
    ],
    now,
  );
  const at = new Date(now);
  await shop.database.db.insert(stores).values(
    [
      { id: S1, name: "南京西路店" },
      { id: S2, name: "Pudong store" },
    ].map((s) => ({
      ...s,
      address: "1 Road",
      city: "上海",
      latitude: 31.2,
      longitude: 121.4,
      timeZone: "Asia/Shanghai",
      openingHours: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
      createdAt: at,
      updatedAt: at,
    })),
  );
  await (await shop.mf.getKVNamespace("SALES")).put(
    `livestream:${LIVE}`,
    JSON.stringify({ id: LIVE, title: "双11 直播间", stores: [S1, S2] }),
  );
});

async function signIn(page: Page, path = "/admin"): Promise<void> {
  const marketer = await shop.createStaff("marketer", "Mia Marketer");
  await page.goto(path);
  await page.fill("#password-sign-in [name=email]", marketer.email);
  await page.fill("#password-sign-in [name=password]", marketer.password);
  await page.click("#password-sign-in button[type=submit]");
  await page.locator("#app").waitFor();
}

const cells = (page: Page, table: string, key: string) =>
  page.locator(`#store-coupons-${table} tr[data-key="${key}"] td`).allTextContents();
const figure = (page: Page, name: string) => page.locator(`#store-coupons-figures [data-figure=${name}] dd`).first().textContent();

describe("the Store coupons view", () => {
  it("shows a marketer claimed, redeemed and rate per livestream and per store, and a livestream's redemptions over time", async () => {
    const context = await shop.newShopper("desktop");
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await signIn(page);
    await page.click("#show-store-coupons");
    await page.selectOption("#store-coupons-period", "24h");
    await expect.poll(() => cells(page, "livestreams", LIVE)).toEqual(["双11 直播间", "8", "3", "37.5 %"]);
    expect(await cells(page, "stores", S1)).toEqual(["南京西路店", "8", "2", "25.0 %"]);
    expect(await cells(page, "stores", S2)).toEqual(["Pudong store", "8", "1", "12.5 %"]);

    // One livestream: its own figures, its stores, and its redemptions by the hour (24 or 25 hourly bars).
    await page.selectOption("#store-coupons-focus", `livestream:${LIVE}`);
    await expect.poll(() => page.locator("#store-coupons-report").getAttribute("data-focus")).toBe(`livestream:${LIVE}`);
    expect(await figure(page, "claimed")).toBe("8");
    expect(await figure(page, "redeemed")).toBe("3");
    expect(await figure(page, "rate")).toBe("37.5 %");
    expect(await page.locator("#store-coupons-livestreams table").count()).toBe(0);
    expect(await cells(page, "stores", S2)).toEqual(["Pudong store", "8", "1", "12.5 %"]);
    const plot = page.locator("#store-coupons-chart .plot");
    await expect.poll(() => plot.getAttribute("data-total")).toBe("3");
    expect(Number(await plot.getAttribute("data-points"))).toBeGreaterThanOrEqual(24);
    expect(await plot.locator("canvas").count()).toBe(1);
    expect(await page.locator("#store-coupons-over-time").textContent()).toBe("Redemptions over time (Asia/Shanghai)");
    await page.locator("#store-coupons").screenshot({ path: screenshotPath("console-store-coupons") });

    // One store: the claims of the livestreams that list it, its redemptions.
    await page.selectOption("#store-coupons-focus", `store:${S1}`);
    await expect.poll(() => page.locator("#store-coupons-report").getAttribute("data-focus")).toBe(`store:${S1}`);
    expect(await figure(page, "rate")).toBe("25.0 %");
    expect(await cells(page, "livestreams", LIVE)).toEqual(["双11 直播间", "8", "2", "25.0 %"]);
    await expect.poll(() => plot.getAttribute("data-total")).toBe("2");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("speaks Chinese when the console's language is Chinese, and opens from its link", async () => {
    const context = await shop.newShopper("desktop", "zh-CN");
    const page = await context.newPage();
    await signIn(page, "/admin?lang=zh-CN#store-coupons");
    await expect.poll(() => page.locator("#store-coupons").isVisible()).toBe(true);
    expect(await page.locator("#store-coupons h2").textContent()).toBe("门店券");
    expect(await page.locator("#show-store-coupons").textContent()).toBe("门店券");
    await expect.poll(() => page.locator("#store-coupons-figures [data-figure=rate] dt").textContent()).toBe("核销率");
    await context.close();
  });
});
