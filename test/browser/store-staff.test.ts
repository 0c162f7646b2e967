import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page, type Route } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { qrPicture, y4mVideo } from "../support/qr-image.ts";
import { screenshotPath, storefrontForFile } from "./harness.ts";

/**
 * The staff redemption page `/store` (issue 15) in Chromium, on the production bundle. The
 * redemption API is another branch's (contracts 1 and 3 of the design): here a small
 * fake of its four routes answers in the browser (`page.route`), holding a few coupons, so the
 * test drives the page exactly as the contract says the API answers; the page's code knows
 * nothing of the fake. The camera is Chromium's fake capture device playing a Y4M video of a
 * QR code generated from a coupon id (qrcode-generator), read by the page's own decoder.
 */
const shop = storefrontForFile();

let cameraBrowser: Browser;

const STORE = { id: "sh-xuhui", name: "徐汇店 Xuhui" };
const TOKEN = "sst_k3m9x2q7w1ab_Zb3x9QmLp0Vt7Rk2Wd8Yf4Hj6Nc1Gs5Ae";
const OTHER_STORE_TOKEN = "sst_p8n2v6c4z0rt_Hq2Lm9Xc7Vb5Nz3Kd1Fg8Jw6Pt4Ry0Se";
const COUPON = {
  id: "cpn_live-d11-50off_x7Gk29QpLm",
  shortCode: "7KQ2-M9XD-4",
  title: "直播专享 满300减50",
  description: "到店消费满 ¥300 可用",
  type: "amount_off",
  amountOff: 5_000,
  percentOff: 0,
  maxDiscount: 0,
  minSpend: 30_000,
} as const;

beforeAll(async () => {
  // A camera that films a coupon's QR code on a counter, as a phone held over it would.
  const dir = mkdtempSync(join(tmpdir(), "till-camera-"));
  const video = join(dir, "coupon-qr.y4m");
  writeFileSync(video, y4mVideo(qrPicture(COUPON.id, { scale: 4, width: 640, height: 480 })));
  cameraBrowser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--use-fake-device-for-media-stream",
      `--use-file-for-fake-video-capture=${video}`,
      "--use-fake-ui-for-media-stream",
    ],
  });
});

afterAll(async () => {
  await cameraBrowser?.close();
});

/** What the fake API saw: every request's URL and the Idempotency-Keys of the redemptions. */
interface FakeApi {
  urls: string[];
  redemptionKeys: string[];
  redeemed: Map<string, { redeemedAt: number; storeId: string }>;
}

/**
 * The redemption API as contracts 1 and 3 state it, for one store and a few coupons: the
 * staff token as a bearer (401 unauthorized, 403 wrong_store), coupon lookup by id or forgiven
 * short code, and redemption exactly once per coupon with replay by Idempotency-Key.
 */
async function fakeApi(context: BrowserContext): Promise<FakeApi> {
  const seen: FakeApi = { urls: [], redemptionKeys: [], redeemed: new Map() };
  const replies = new Map<string, { status: number; body: unknown }>();
  const coupons = [
    { ...COUPON, redeemable: true },
    { ...COUPON, id: "cpn_live-d11-old_Ab12Cd34Ef", shortCode: "AB12-CD34-E", title: "上周直播券", refusal: "coupon_expired" },
    { ...COUPON, id: "cpn_live-bj_Zz99Yy88Xx", shortCode: "ZZ99-YY88-X", title: "北京门店券", refusal: "not_redeemable_here" },
  ];
  const error = (route: Route, status: number, code: string, message: string, details: Record<string, unknown> = {}) =>
    route.fulfill({ status, contentType: "application/json", body: JSON.stringify({ error: { code, message, ...details } }) });
  const json = (route: Route, status: number, body: unknown) =>
    route.fulfill({ status, contentType: "application/json", body: JSON.stringify(body) });
  const find = (code: string) => {
    const tidy = code.toUpperCase().replace(/[-\s]/g, "");
    return coupons.find((c) => c.id === code || c.shortCode.replace(/-/g, "") === tidy);
  };
  await context.route("**/api/stores/**", async (route) => {
    const request = route.request();
    seen.urls.push(request.url());
    const [, storeId, ...rest] = new URL(request.url()).pathname.replace(/^\/api\/stores/, "").split("/");
    const bearer = request.headers().authorization?.replace(/^Bearer /, "");
    if (bearer !== TOKEN && bearer !== OTHER_STORE_TOKEN) return error(route, 401, "unauthorized", "no valid staff token");
    if (bearer === OTHER_STORE_TOKEN || storeId !== STORE.id) return error(route, 403, "wrong_store", "this token is for another store");
    const what = rest.join("/");
    if (what === "staff/me") return json(route, 200, { store: STORE, tokenId: TOKEN.slice(4, 16), label: "Till 1" });
    if (request.method() === "GET" && rest[0] === "coupons") {
      const code = decodeURIComponent(rest[1] ?? "");
      if (code === "0000-0000-0") return error(route, 400, "invalid_code", "the check symbol does not match");
      const coupon = find(code);
      if (!coupon) return error(route, 404, "not_found", "no such coupon");
      const done = seen.redeemed.get(coupon.id);
      const refusal = done ? "already_redeemed" : "refusal" in coupon ? coupon.refusal : null;
      return json(route, 200, {
        coupon: {
          ...coupon,
          status: done ? "used" : "available",
          redeemable: refusal === null,
          refusal: refusal ? { code: refusal, message: refusal } : null,
          redeemedAt: done?.redeemedAt ?? null,
          redeemedStoreId: done?.storeId ?? null,
          shopperHint: "shp_…9f2c",
        },
      });
    }
    if (request.method() === "POST" && what === "redemptions") {
      const key = request.headers()["idempotency-key"] ?? "";
      seen.redemptionKeys.push(key);
      const earlier = replies.get(key);
      if (earlier) {
        const body = earlier.body as { redemption?: unknown };
        return json(route, earlier.status, earlier.status === 201 ? { ...body, replayed: true } : body);
      }
      const coupon = find((request.postDataJSON() as { code: string }).code);
      if (!coupon) return error(route, 404, "not_found", "no such coupon");
      const done = seen.redeemed.get(coupon.id);
      if (done) return error(route, 409, "already_redeemed", "already redeemed", { ...done, storeName: STORE.name });
      const redeemedAt = Date.now();
      seen.redeemed.set(coupon.id, { redeemedAt, storeId: STORE.id });
      const body = {
        redemption: { couponId: coupon.id, storeId: STORE.id, redeemedAt, title: coupon.title, amountOff: 5_000, percentOff: 0 },
        replayed: false,
      };
      replies.set(key, { status: 201, body });
      // A slow till network: the answer takes a moment, time enough for a second tap.
      await new Promise((resolve) => setTimeout(resolve, 300));
      return json(route, 201, body);
    }
    return error(route, 404, "not_found", "no such route");
  });
  return seen;
}

async function signIn(page: Page, token = TOKEN, storeId = STORE.id): Promise<void> {
  await page.goto("/store");
  await page.fill("#till-store-id", storeId);
  await page.fill("#till-token", token);
  await page.click("#till-sign-in-button");
}

const state = (page: Page) => page.locator("#till").getAttribute("data-state");

describe("the staff redemption page /store", () => {
  it("signs a phone in with a pasted token, looks up a typed code, redeems once on a double tap, and keeps the till signed in", async () => {
    const context = await shop.newShopper("phone", "en-US");
    const api = await fakeApi(context);
    const page = await context.newPage();
    await signIn(page);
    await expect.poll(() => state(page)).toBe("ready");
    expect(await page.locator("#till-store").textContent()).toBe(`Signed in at ${STORE.name} (${STORE.id}) · Till 1`);
    expect(await page.evaluate(() => localStorage.getItem("till.credentials"))).toBe(JSON.stringify({ storeId: STORE.id, token: TOKEN }));

    // Typed carelessly: lower case, no dashes, an O for the 0 it is not (there is none here), spaces.
    await page.fill("#till-code", " 7kq2 m9xd4 ");
    await page.click("#till-look-up");
    await expect.poll(() => state(page)).toBe("preview");
    expect(await page.locator("#till-preview-code").textContent()).toBe("7KQ2-M9XD-4");
    expect(await page.locator("#till-preview-title").textContent()).toBe(COUPON.title);
    expect(await page.locator("#till-preview-gives").textContent()).toBe("¥50.00 off orders from ¥300.00");
    expect(await page.locator("#till-ok").isVisible()).toBe(true);
    await page.screenshot({ path: screenshotPath("till-preview-phone"), fullPage: true });
    // Touch targets a thumb can hit: the Confirm button is at least 56 px tall and spans the column.
    const confirm = await page.locator("#till-confirm").boundingBox();
    expect(confirm?.height).toBeGreaterThanOrEqual(56);
    expect(confirm?.width).toBeGreaterThan(300);

    await page.locator("#till-confirm").dblclick();
    await expect.poll(() => state(page)).toBe("done");
    expect(await page.locator("#till-result-line").textContent()).toContain("Redeemed ✓ 直播专享 满300减50");
    // However many requests the double tap made, they carried one key, and one coupon was redeemed.
    expect(new Set(api.redemptionKeys).size).toBe(1);
    expect(api.redeemed.size).toBe(1);
    expect(await page.locator("#till-session li").count()).toBe(1);
    expect(await page.locator("#till-session li").textContent()).toContain("7KQ2-M9XD-4");

    // The same coupon again: refused plainly, with when and where, and no Confirm.
    await page.click("#till-next");
    await page.fill("#till-code", "7KQ2-M9XD-4");
    await page.click("#till-look-up");
    await expect.poll(() => state(page)).toBe("preview");
    expect(await page.locator("#till-refusal").getAttribute("data-code")).toBe("already_redeemed");
    expect(await page.locator("#till-refusal").textContent()).toMatch(/^Already redeemed .+ at 徐汇店 Xuhui\.$/);
    expect(await page.locator("#till-confirm").isHidden()).toBe(true);

    // A reload keeps the till signed in and its session's list; signing out forgets both.
    await page.reload();
    await expect.poll(() => state(page)).toBe("ready");
    expect(await page.locator("#till-session li").count()).toBe(1);
    await page.click("#till-sign-out");
    await expect.poll(() => state(page)).toBe("signed-out");
    expect(await page.evaluate(() => localStorage.getItem("till.credentials"))).toBeNull();
    // The token travelled only as a header: never in a URL the page asked for.
    expect(api.urls.filter((url) => url.includes(TOKEN.slice(17)))).toEqual([]);
    await context.close();
  });

  it("signs in from the console's QR link /store#token=…, taking the token out of the address", async () => {
    const context = await shop.newShopper("phone", "zh-CN");
    await fakeApi(context);
    const page = await context.newPage();
    const documents: string[] = [];
    page.on("request", (request) => request.resourceType() === "document" && documents.push(request.url()));
    await page.goto(`/store#token=${TOKEN}&store=${STORE.id}`);
    await expect.poll(() => state(page)).toBe("ready");
    expect(page.url()).toBe(`${shop.baseUrl}/store`);
    expect(documents.every((url) => !url.includes("sst_"))).toBe(true);
    expect(await page.locator("#till-store").textContent()).toContain("已登录：徐汇店 Xuhui");
    expect(await page.locator("#till-scan").textContent()).toBe("扫码核销");
    await page.screenshot({ path: screenshotPath("till-signed-in-zh"), fullPage: true });
    await context.close();
  });

  it("says plainly why a token or a coupon is refused", async () => {
    const context = await shop.newShopper("phone", "en-US");
    await fakeApi(context);
    const page = await context.newPage();
    await signIn(page, OTHER_STORE_TOKEN);
    await expect.poll(() => page.locator("#message").textContent()).toBe("This token belongs to another store. Check the store id.");
    expect(await state(page)).toBe("signed-out");
    await signIn(page, `sst_aaaaaaaaaaaa_${"x".repeat(32)}`);
    await expect.poll(() => page.locator("#message").textContent()).toContain("This staff token is not valid");

    await signIn(page);
    await expect.poll(() => state(page)).toBe("ready");
    const lookUp = async (code: string) => {
      await page.fill("#till-code", code);
      await page.click("#till-look-up");
    };
    await lookUp("ab12cd34e");
    await expect.poll(() => page.locator("#till-refusal").textContent()).toBe("This coupon has expired.");
    await page.click("#till-cancel");
    await lookUp("ZZ99-YY88-X");
    await expect.poll(() => page.locator("#till-refusal").getAttribute("data-code")).toBe("not_redeemable_here");
    await page.click("#till-cancel");
    await lookUp("0000-0000-0");
    await expect
      .poll(() => page.locator("#message").textContent())
      .toBe("Invalid code: a symbol is mistyped or missing. Check it and type it again.");
    await lookUp("1234-5678-9");
    await expect.poll(() => page.locator("#message").textContent()).toBe("No coupon has this code.");
    await lookUp("12-34");
    await expect
      .poll(() => page.locator("#message").textContent())
      .toBe("That is not a coupon code: it has 9 letters and digits, like 7KQ2-M9XD-4.");
    await context.close();
  });

  it("works without a camera: permission denied says so, and the typed code still redeems", async () => {
    const context = await shop.newShopper("phone", "en-US");
    await fakeApi(context);
    await context.addInitScript(() => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException("denied", "NotAllowedError"));
    });
    const page = await context.newPage();
    await signIn(page);
    await expect.poll(() => state(page)).toBe("ready");
    await page.click("#till-scan");
    await expect
      .poll(() => page.locator("#till-camera-status").textContent())
      .toBe("Camera permission was denied. Allow it in the browser's settings, or type the code below.");
    expect(await page.locator("#till").getAttribute("data-camera")).toBe("denied");
    await page.fill("#till-code", "7KQ2M9XD4");
    await page.click("#till-look-up");
    await expect.poll(() => state(page)).toBe("preview");
    await context.close();
  });

  it("says why there is no camera on a page that is not secure, and on a device with none", async () => {
    const insecure = await shop.newShopper("phone", "en-US");
    await fakeApi(insecure);
    // As over plain http from another host: the browser offers no camera at all.
    await insecure.addInitScript(() => Object.defineProperty(window, "isSecureContext", { value: false }));
    const page = await insecure.newPage();
    await signIn(page);
    await expect.poll(() => state(page)).toBe("ready");
    await page.click("#till-scan");
    await expect.poll(() => page.locator("#till").getAttribute("data-camera")).toBe("insecure");
    expect(await page.locator("#till-camera-status").textContent()).toBe(
      "The camera needs a secure (https) page. Type the code below instead.",
    );
    await insecure.close();

    // The test browser has no capture device: asking for one is refused as not found.
    const none = await shop.newShopper("phone", "en-US");
    await fakeApi(none);
    await none.grantPermissions(["camera"]);
    const bare = await none.newPage();
    await signIn(bare);
    await expect.poll(() => state(bare)).toBe("ready");
    await bare.click("#till-scan");
    await expect.poll(() => bare.locator("#till").getAttribute("data-camera")).toBe("none");
    expect(await bare.locator("#till-camera-status").textContent()).toBe(
      "This device has no camera the page can use. Type the code below instead.",
    );
    await none.close();
  });
});

describe("scanning with the camera", () => {
  async function cameraPage(options: { nativeDetector?: boolean } = {}): Promise<{ page: Page; context: BrowserContext }> {
    const context = await cameraBrowser.newContext({
      baseURL: shop.baseUrl,
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    await shop.watchCsp(context);
    await context.grantPermissions(["camera"]);
    await fakeApi(context);
    if (options.nativeDetector) {
      // A browser with the Barcode Detection API (Chrome on Android): the page must use it, not its own decoder.
      await context.addInitScript((id) => {
        // First a QR code that is no coupon's (a poster's link): the till keeps looking, then the coupon's.
        const seen = { calls: 0 };
        (globalThis as { detectCalls?: typeof seen }).detectCalls = seen;
        class FakeDetector {
          static getSupportedFormats = () => Promise.resolve(["qr_code", "ean_13"]);
          detect = () => Promise.resolve([{ rawValue: ++seen.calls <= 2 ? "https://example.com/poster" : id }]);
        }
        (globalThis as { BarcodeDetector?: unknown }).BarcodeDetector = FakeDetector;
      }, COUPON.id);
    }
    const page = await context.newPage();
    await signIn(page);
    await expect.poll(() => state(page)).toBe("ready");
    return { page, context };
  }

  it("reads a coupon's QR code from the rear camera with the page's JS decoder, and shows its preview", async () => {
    const { page, context } = await cameraPage();
    const chunks: string[] = [];
    page.on("request", (request) => request.url().includes("/assets/") && chunks.push(new URL(request.url()).pathname));
    expect(chunks.some((path) => path.includes("qr-decode"))).toBe(false); // not fetched until the camera runs
    await page.click("#till-scan");
    await expect.poll(() => state(page), { timeout: 20_000 }).toBe("preview");
    expect(await page.locator("#till").getAttribute("data-decoder")).toBe("js");
    expect(chunks.some((path) => path.includes("qr-decode"))).toBe(true);
    expect(await page.locator("#till-preview-code").textContent()).toBe(COUPON.id);
    expect(await page.locator("#till-preview-title").textContent()).toBe(COUPON.title);
    // The camera is let go once the code is read.
    expect(await page.locator("#till-video").isHidden()).toBe(true);
    await page.screenshot({ path: screenshotPath("till-scanned"), fullPage: true });
    await context.close();
  });

  it("uses the browser's BarcodeDetector where there is one, passing over a QR code that is no coupon's", async () => {
    const { page, context } = await cameraPage({ nativeDetector: true });
    await page.click("#till-scan");
    await expect.poll(() => state(page)).toBe("preview");
    expect(await page.locator("#till").getAttribute("data-decoder")).toBe("native");
    expect(await page.locator("#till-preview-code").textContent()).toBe(COUPON.id);
    expect(await page.evaluate(() => (globalThis as { detectCalls?: { calls: number } }).detectCalls?.calls)).toBe(3);
    await context.close();
  });
});
