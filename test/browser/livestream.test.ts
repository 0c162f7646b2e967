import { beforeAll, describe, expect, it } from "vitest";
import { sha256, toHex } from "../../src/encoding.ts";
import { couponKey, couponTemplateSchema, type CouponTemplate } from "../../src/coupons/coupon-template.ts";
import { type Livestream, type LivestreamInput, livestreamKey, livestreamSchema } from "../../src/livestreams/livestream.ts";
import { screenshotPath, storefrontForFile } from "./harness.ts";

/**
 * Livestream coupons in Chromium (issue 15), as a phone shopper meets them: the livestream
 * page with its stream, the claim code and the claim; the wallet on /me with the coupon's QR
 * code, its short code and its stores; once a till redeemed it, where and when. In English
 * and in Chinese. Nothing waits for time: the tests wait for what the pages show.
 */
const shop = storefrontForFile();

const suffix = crypto.randomUUID().slice(0, 8);
const STORES = [
  { id: `bs-nanjing-${suffix}`, name: "南京路店" },
  { id: `bs-westlake-${suffix}`, name: "西湖店" },
];
const ALL_DAY = JSON.stringify(Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, ["00:00-24:00"]])));

beforeAll(async () => {
  // Every store up front: the Worker keeps the store list for 30 s once read.
  for (const store of STORES) {
    await shop.pool.query(
      `INSERT INTO stores (id, name, address, city, latitude, longitude, time_zone, opening_hours, redeem_only_when_open, active, created_at, updated_at)
       VALUES ($1, $2, '1 Nanjing Road', 'Shanghai', 31.23, 121.47, 'Asia/Shanghai', $3, false, true, now(), now())`,
      [store.id, store.name, ALL_DAY],
    );
  }
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

/** A staff token of a store, as the console issues one: its text. */
async function staffToken(storeId: string, label = "till"): Promise<string> {
  const tokenId = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => (b % 36).toString(36)).join("");
  const secret = Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => (b % 36).toString(36)).join("");
  await shop.pool.query(
    "INSERT INTO store_staff_tokens (id, store_id, label, secret_hash, created_at, created_by) VALUES ($1, $2, $3, $4, now(), 'test')",
    [tokenId, storeId, label, toHex(await sha256(secret))],
  );
  return `sst_${tokenId}_${secret}`;
}

/** A till of the first store redeems the coupon through the redemption API. */
async function redeemAtTill(couponId: string): Promise<void> {
  const response = await fetch(`${shop.baseUrl}/api/stores/${STORES[0]!.id}/redemptions`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${await staffToken(STORES[0]!.id)}`,
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

  it("end to end: a shopper claims on air, a till signs in from its link, types the short code, redeems once; a till of another store and a second try are refused", async () => {
    const template = await seedTemplate();
    const livestream = await seedLivestream(template.id, { stores: [STORES[0]!.id] });
    const shopper = await (await shop.newShopper("phone")).newPage();
    await shopper.goto(`/live/${livestream.id}`);
    await shopper.waitForSelector('#livestream[data-phase="live"]');
    await shopper.locator("#claim-code").fill("LIVE88");
    await shopper.locator(`#live-coupons li[data-template-id="${template.id}"] button.claim`).click();
    await expect.poll(() => shopper.locator("#claim-note").textContent()).toBe("Claimed! It is in your wallet: show it at the till.");
    await shopper.goto("/me");
    const wallet = shopper.locator(`#wallet li[data-coupon-id^="cpn_${template.id}_"]`);
    await wallet.waitFor();
    const shortCode = (await wallet.locator(".short-code").textContent())!;

    const state = (page: import("playwright-core").Page) => page.locator("#till").getAttribute("data-state");
    // A till of the other store: the coupon is not valid there, and Confirm is not offered.
    const elsewhere = await (await shop.newShopper("phone")).newPage();
    await elsewhere.goto(`/store#token=${encodeURIComponent(await staffToken(STORES[1]!.id))}&store=${STORES[1]!.id}`);
    await expect.poll(() => state(elsewhere)).toBe("ready");
    await elsewhere.fill("#till-code", shortCode.toLowerCase().replaceAll("-", " "));
    await elsewhere.click("#till-look-up");
    await expect.poll(() => state(elsewhere)).toBe("preview");
    expect(await elsewhere.locator("#till-refusal").getAttribute("data-code")).toBe("not_redeemable_here");
    expect(await elsewhere.locator("#till-confirm").isHidden()).toBe(true);

    // The coupon's own store: what it gives, Confirm, redeemed.
    const till = await (await shop.newShopper("phone")).newPage();
    await till.goto(`/store#token=${encodeURIComponent(await staffToken(STORES[0]!.id, "Till 1"))}&store=${STORES[0]!.id}`);
    await expect.poll(() => state(till)).toBe("ready");
    expect(await till.locator("#till-store").textContent()).toBe(`Signed in at 南京路店 (${STORES[0]!.id}) · Till 1`);
    await till.fill("#till-code", shortCode);
    await till.click("#till-look-up");
    await expect.poll(() => state(till)).toBe("preview");
    expect(await till.locator("#till-preview-gives").textContent()).toBe("¥30.00 off orders from ¥100.00");
    await till.locator("#till-confirm").click();
    await expect.poll(() => state(till)).toBe("done");
    expect(await till.locator("#till-result-line").textContent()).toContain("Redeemed ✓");

    // Again: already redeemed, when and where; and the wallet says so.
    await till.click("#till-next");
    await till.fill("#till-code", shortCode);
    await till.click("#till-look-up");
    await expect.poll(() => state(till)).toBe("preview");
    expect(await till.locator("#till-refusal").getAttribute("data-code")).toBe("already_redeemed");
    expect(await till.locator("#till-refusal").textContent()).toMatch(/^Already redeemed .+ at 南京路店\.$/);
    await shopper.reload();
    await wallet.waitFor();
    expect(await wallet.getAttribute("data-status")).toBe("used");
  });
});
