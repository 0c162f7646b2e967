import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { sha256, toHex } from "../../src/encoding.ts";
import { couponKey, couponTemplateSchema, type CouponTemplate } from "../../src/coupons/coupon-template.ts";
import { type Livestream, type LivestreamInput, livestreamKey, livestreamSchema } from "../../src/livestreams/livestream.ts";
import { screenshotPath, StorefrontUnderTest } from "./harness.ts";

/**
 * Livestream coupons in Chromium (issue 15), as a phone shopper meets them: the livestream
 * page with its stream, the claim code and the claim; the wallet on /me with the coupon's QR
 * code, its short code and its stores; once a till redeemed it, where and when. In English
 * and in Chinese. Nothing waits for time: the tests wait for what the pages show.
 */
let shop: StorefrontUnderTest;
let db: pg.Pool;
const suffix = crypto.randomUUID().slice(0, 8);
const STORES = [
  { id: `bs-nanjing-${suffix}`, name: "南京路店" },
  { id: `bs-westlake-${suffix}`, name: "西湖店" },
];
const ALL_DAY = JSON.stringify(Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, ["00:00-24:00"]])));

beforeAll(async () => {
  shop = await StorefrontUnderTest.start(inject("stackVars"));
  db = new pg.Pool({ connectionString: inject("stackVars").DATABASE_URL, max: 1 });
  // Every store up front: the Worker keeps the store list for 30 s once read.
  for (const store of STORES) {
    await db.query(
      `INSERT INTO stores (id, name, address, city, latitude, longitude, time_zone, opening_hours, redeem_only_when_open, active, created_at, updated_at)
       VALUES ($1, $2, '1 Nanjing Road', 'Shanghai', 31.23, 121.47, 'Asia/Shanghai', $3, false, true, now(), now())`,
      [store.id, store.name, ALL_DAY],
    );
  }
});
afterAll(async () => {
  await db?.end();
  await shop?.stop();
});
afterEach(() => {
  expect(shop.cspViolations.splice(0)).toEqual([]);
});

async function seedTemplate(): Promise<CouponTemplate> {
  const now = Date.now();
  const template = couponTemplateSchema.parse({
    id: `bl-${crypto.randomUUID().slice(0, 12)}`,
    title: "到店立减30",
    type: "amount_off",
    amountOff: 3_000,
    minSpend: 10_000,
    validFrom: now - 60_000,
    validUntil: now + 86_400_000,
    totalQuantity: 20,
    redeem: "in_store",
  });
  await (await shop.mf.getKVNamespace("SALES")).put(couponKey(template.id), JSON.stringify(template));
  return template;
}

async function seedLivestream(templateId: string, overrides: Partial<LivestreamInput> = {}): Promise<Livestream> {
  const now = Date.now();
  const livestream = livestreamSchema.parse({
    id: `bl-${crypto.randomUUID().slice(0, 12)}`,
    title: "双11直播间",
    streamUrl: "https://stream.example.com/double11.mp4",
    embed: "video",
    startsAt: now - 60_000,
    endsAt: now + 3_600_000,
    couponTemplates: [templateId],
    stores: STORES.map((s) => s.id),
    claimCode: "LIVE88",
    ...overrides,
  });
  await (await shop.mf.getKVNamespace("SALES")).put(livestreamKey(livestream.id), JSON.stringify(livestream));
  return livestream;
}

/** A till of the first store redeems the coupon, as the staff page /store does: a staff token, then the redemption API. */
async function redeemAtTill(couponId: string): Promise<void> {
  const tokenId = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => (b % 36).toString(36)).join("");
  const secret = Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => (b % 36).toString(36)).join("");
  await db.query(
    "INSERT INTO store_staff_tokens (id, store_id, label, secret_hash, created_at, created_by) VALUES ($1, $2, 'till', $3, now(), 'test')",
    [tokenId, STORES[0]!.id, toHex(await sha256(secret))],
  );
  const response = await fetch(`${shop.baseUrl}/api/stores/${STORES[0]!.id}/redemptions`, {
    method: "POST",
    headers: {
      Authorization: `Bearer sst_${tokenId}_${secret}`,
      "Content-Type": "application/json",
      "Idempotency-Key": crypto.randomUUID(),
    },
    body: JSON.stringify({ code: couponId }),
  });
  expect(response.status).toBe(201);
}

const fitsThePhone = (page: import("playwright-core").Page) =>
  page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

describe("the livestream page and the wallet's store coupons", () => {
  it("in English: lists the livestream, claims its coupon with the claim code, and shows the QR code and short code on /me", async () => {
    const template = await seedTemplate();
    const livestream = await seedLivestream(template.id);
    const page = await (await shop.newShopper("phone")).newPage();

    await page.goto("/live");
    const item = page.locator(`#live-list li[data-livestream-id="${livestream.id}"]`);
    await item.waitFor();
    expect(await item.locator(".badge").textContent()).toBe("On air");
    await item.locator("a").click();
    await page.waitForURL(`**/live/${livestream.id}`);

    await page.waitForSelector('#livestream[data-phase="live"]');
    expect(await page.locator("video#stream").getAttribute("src")).toBe(livestream.streamUrl);
    const coupon = page.locator(`#live-coupons li[data-template-id="${template.id}"]`);
    await coupon.waitFor();
    expect(await coupon.locator("strong").textContent()).toBe("¥30.00 off orders from ¥100.00");
    expect(await coupon.locator(".coupon-left").textContent()).toBe("20 left");
    expect(await page.locator("#live-stores li").allTextContents()).toEqual([
      expect.stringContaining("南京路店"),
      expect.stringContaining("西湖店"),
    ]);
    expect(await page.locator('section[aria-labelledby="live-stores-title"] a[href="/stores"]').count()).toBe(1);
    expect(await page.locator("#claim-code-field").isVisible()).toBe(true);

    // The wrong code first: refused, nothing claimed.
    await page.locator("#claim-code").fill("LIVE00");
    await coupon.locator("button.claim").click();
    await expect.poll(() => page.locator("#message").textContent()).toBe("That claim code is not right. Listen for it on air.");
    await page.locator("#claim-code").fill("live88");
    await expect.poll(() => coupon.locator("button.claim").isEnabled()).toBe(true);
    await page.locator(`#live-coupons li[data-template-id="${template.id}"] button.claim`).click();
    await expect.poll(() => page.locator("#claim-note").textContent()).toBe("Claimed! It is in your wallet: show it at the till.");
    await expect
      .poll(() => page.locator(`#live-coupons li[data-template-id="${template.id}"] button.claim`).getAttribute("data-state"))
      .toBe("claimed");
    expect(await page.locator(`#live-coupons li[data-template-id="${template.id}"] .coupon-left`).textContent()).toBe("19 left");
    expect(await fitsThePhone(page)).toBe(true);
    await page.screenshot({ path: screenshotPath("live-phone-en"), fullPage: true });

    await page.goto("/me");
    const wallet = page.locator(`#wallet li[data-coupon-id^="cpn_${template.id}_"]`);
    await wallet.waitFor();
    const couponId = (await wallet.getAttribute("data-coupon-id"))!;
    expect(await wallet.locator("svg.coupon-qr").isVisible()).toBe(true);
    expect(await wallet.locator("svg.coupon-qr").getAttribute("aria-label")).toBe(couponId);
    expect(await wallet.locator(".short-code").textContent()).toMatch(
      /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z*~$=U]$/,
    );
    expect(await wallet.locator(".valid-in").textContent()).toBe("Valid in: 南京路店 · 西湖店");
    expect(await wallet.locator(".badge").textContent()).toBe("Available");
    expect(await fitsThePhone(page)).toBe(true);
    await page.screenshot({ path: screenshotPath("wallet-store-coupon-en"), fullPage: true });
  });

  it("in Chinese: counts down before the start, claims once on air, and shows where and when a till redeemed it", async () => {
    const template = await seedTemplate();
    const upcoming = await seedLivestream(template.id, { startsAt: Date.now() + 3_600_000, endsAt: Date.now() + 7_200_000 });
    const page = await (await shop.newShopper("phone", "zh-CN")).newPage();
    await page.goto(`/live/${upcoming.id}`);
    await page.waitForSelector('#livestream[data-phase="upcoming"]');
    expect(await page.locator("#live-phase").textContent()).toBe("即将开播");
    expect(await page.locator("#live-clock").isVisible()).toBe(true);
    expect(await page.locator("#live-clock-label").textContent()).toBe("距开播");
    const waiting = page.locator(`#live-coupons li[data-template-id="${template.id}"] button.claim`);
    await waiting.waitFor();
    expect(await waiting.isDisabled()).toBe(true);
    expect(await page.locator("#claim-note").textContent()).toBe("开播后即可领券。");

    const live = await seedLivestream(template.id, { embed: "iframe", streamUrl: "https://player.example.com/embed/double11" });
    await page.goto(`/live/${live.id}`);
    await page.waitForSelector('#livestream[data-phase="live"]');
    expect(await page.locator("iframe#stream").getAttribute("sandbox")).toBe("allow-scripts allow-same-origin allow-presentation");
    await page.locator("#claim-code").fill("LIVE88");
    const claim = page.locator(`#live-coupons li[data-template-id="${template.id}"] button.claim`);
    expect(await claim.textContent()).toBe("立即领取");
    await claim.click();
    await expect.poll(() => page.locator("#claim-note").textContent()).toBe("领取成功！已放入您的卡包，到店出示即可核销。");
    await page.screenshot({ path: screenshotPath("live-phone-zh"), fullPage: true });

    await page.goto("/me");
    const wallet = page.locator(`#wallet li[data-coupon-id^="cpn_${template.id}_"]`);
    await wallet.waitFor();
    expect(await wallet.locator(".valid-in").textContent()).toBe("适用门店：南京路店 · 西湖店");
    expect(await wallet.locator(".short-code").isVisible()).toBe(true);
    await redeemAtTill((await wallet.getAttribute("data-coupon-id"))!);
    await page.reload();
    await wallet.waitFor();
    expect(await wallet.getAttribute("data-status")).toBe("used");
    expect(await wallet.locator(".redeemed").textContent()).toMatch(/^已于 .+ 在 南京路店 核销$/);
    expect(await wallet.locator("svg.coupon-qr").count()).toBe(0);
    await page.screenshot({ path: screenshotPath("wallet-store-coupon-zh"), fullPage: true });
  });
});
