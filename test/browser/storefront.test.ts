import type { Page, Response as PageResponse } from "playwright-core";
import type { SkuSnapshot } from "../../src/sales/snapshot.ts";
import { describe, expect, it } from "vitest";
import { countClockPongs, recordPaint, screenshotPath, storefrontForFile, pausePageClock } from "./harness.ts";

const shop = storefrontForFile();

// Every page of every test here worked under its Content-Security-Policy without a violation.

/** First contentful paint as the browser's Performance API reports it. */
async function firstContentfulPaint(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const existing = performance.getEntriesByName("first-contentful-paint")[0];
        if (existing) return resolve(existing.startTime);
        new PerformanceObserver((list) => resolve(list.getEntries()[0]!.startTime)).observe({ type: "paint", buffered: true });
      }),
  );
}

const remaining = (page: Page) => page.locator("#stock-text").getAttribute("data-remaining").then(Number);

describe("storefront in a real browser", () => {
  it("renders the sale page with its picture as AVIF or WebP, and measures first contentful paint", async () => {
    const sale = await shop.seedSale();
    const context = await shop.newShopper();
    const page = await context.newPage();
    const imageTypes: string[] = [];
    page.on("response", (response) => {
      if (new URL(response.url()).pathname.startsWith("/images/")) imageTypes.push(response.headers()["content-type"] ?? "");
    });
    await page.goto(`/sales/${sale.sku}`);
    await expect.poll(() => page.locator("h1").textContent()).toBe(sale.title);
    await page.locator(".hero img").evaluate((img: HTMLImageElement) => img.decode());
    expect(imageTypes.length).toBeGreaterThan(0);
    expect(imageTypes.every((type) => type === "image/avif" || type === "image/webp")).toBe(true);
    await expect.poll(() => page.locator("#live-status").getAttribute("data-connected")).toBe("true");
    const fcp = await firstContentfulPaint(page);
    expect(fcp).toBeGreaterThan(0);
    recordPaint("sale", fcp);
    await page.screenshot({ path: screenshotPath("sale-desktop"), fullPage: true });
    await context.close();
  });

  it("ticks the countdown on server time and enables the buy button the moment the sale opens", async () => {
    const sale = await shop.seedSale({ startsAt: Date.now() + 4_000 });
    const context = await shop.newShopper("phone");
    const page = await context.newPage();
    await page.goto(`/sales/${sale.sku}`);
    const buy = page.locator("#buy");
    expect(await buy.getAttribute("data-state")).toBe("waiting");
    expect(await buy.isDisabled()).toBe(true);
    const canvas = page.locator("#countdown");
    const first = Number(await canvas.getAttribute("data-remaining-ms"));
    // The countdown runs: wait for the canvas to show less time left, not for a set time.
    await page.waitForFunction((before) => Number(document.querySelector("#countdown")?.getAttribute("data-remaining-ms")) < before, first);
    const second = Number(await canvas.getAttribute("data-remaining-ms"));
    expect(first).toBeGreaterThan(0);
    expect(second).toBeLessThan(first);
    await page.screenshot({ path: screenshotPath("sale-phone-waiting") });
    await page.waitForFunction(() => document.querySelector("#buy")?.getAttribute("data-state") === "live", null, { timeout: 15_000 });
    expect(await buy.isDisabled()).toBe(false);
    expect(await page.locator("#countdown-label").textContent()).toBe("Ends in");
    await context.close();
  });

  it("drops the first shopper's stock bar within a second of a second shopper buying", async () => {
    const sale = await shop.seedSale();
    const watcher = await (await shop.newShopper()).newPage();
    await watcher.goto(`/sales/${sale.sku}`);
    await expect.poll(() => watcher.locator("#live-status").getAttribute("data-connected")).toBe("true");
    const before = await remaining(watcher);

    const buyerContext = await shop.newShopper("phone");
    const buyer = await buyerContext.newPage();
    await buyer.goto(`/sales/${sale.sku}`);
    await buyer.locator("#buy").click();
    await buyer.waitForURL(/\/orders\/ord_/);
    await watcher.waitForFunction((n) => Number(document.querySelector("#stock-text")?.getAttribute("data-remaining")) < n, before, {
      timeout: 1_000,
    });
    expect(await remaining(watcher)).toBe(before - 1);

    // The buyer's order page: held with its own countdown, then paid.
    await expect.poll(() => buyer.locator("#order").getAttribute("data-status")).toBe("pending_payment");
    expect(Number(await buyer.locator("#countdown").getAttribute("data-remaining-ms"))).toBeGreaterThan(0);
    await buyer.screenshot({ path: screenshotPath("order-pending-phone") });
    await buyer.locator("#pay").click();
    await expect.poll(() => buyer.locator("#order").getAttribute("data-status")).toBe("paid");
    await buyer.screenshot({ path: screenshotPath("order-paid-phone") });
    await buyerContext.close();
  });

  it("shows the API's refusal in the shopper's words: a declined payment keeps the order pending", async () => {
    const sale = await shop.seedSale();
    const context = await shop.newShopper();
    const page = await context.newPage();
    await page.goto(`/sales/${sale.sku}`);
    await page.locator("#buy").click();
    await page.waitForURL(/\/orders\/ord_/);
    await page.locator("#pay-method").selectOption("pm_local_decline");
    await page.locator("#pay").click();
    await expect.poll(() => page.locator("#message").textContent()).toBe("The payment was declined. Try another payment method.");
    expect(await page.locator("#order").getAttribute("data-status")).toBe("pending_payment");
    await page.locator("#cancel").click();
    await expect.poll(() => page.locator("#order").getAttribute("data-status")).toBe("cancelled");
    await context.close();
  });

  it("shows sold out when nothing is left", async () => {
    const sale = await shop.seedSale({ stock: 1, tiers: [], perShopperLimit: 1 });
    const buyer = await (await shop.newShopper()).newPage();
    await buyer.goto(`/sales/${sale.sku}`);
    await buyer.locator("#buy").click();
    await buyer.waitForURL(/\/orders\/ord_/);

    const latecomer = await (await shop.newShopper()).newPage();
    await latecomer.goto(`/sales/${sale.sku}`);
    await expect.poll(() => latecomer.locator("#buy").getAttribute("data-state")).toBe("sold_out");
    expect(await latecomer.locator("#buy").isDisabled()).toBe(true);
    expect(await latecomer.locator("#buy").textContent()).toContain("Sold out");
    await latecomer.screenshot({ path: screenshotPath("sale-sold-out") });
  });

  it("lists sales on the home page and speaks Chinese on request", async () => {
    const sale = await shop.seedSale({ title: "Smart Watch S3" });
    const context = await shop.newShopper("desktop", "zh-CN");
    const page = await context.newPage();
    await page.goto("/");
    await expect.poll(() => page.locator(`.sale-card[data-sku="${sale.sku}"]`).count()).toBe(1);
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-CN");
    recordPaint("home", await firstContentfulPaint(page));
    await page.screenshot({ path: screenshotPath("home-zh") });
    await page.locator("a.lang").click();
    await expect.poll(() => page.locator("html").getAttribute("lang")).toBe("en");
    await page.goto("/no/such/page");
    expect(await page.locator("h1").textContent()).toContain("404");
    await page.screenshot({ path: screenshotPath("not-found") });
    await context.close();
  });

  it("sends the sale page's events with sendBeacon when the page is hidden: a page view and a product view with its category", async () => {
    const sale = await shop.seedSale({ title: "Running shoes", category: "shoes" });
    const context = await shop.newShopper("phone", "zh-CN");
    const page = await context.newPage();
    // Keep a copy of each beacon's body (the browser's network log has none for a beacon), then send it for real.
    await page.addInitScript(() => {
      const send = navigator.sendBeacon.bind(navigator);
      const sent: string[] = [];
      Object.assign(window, { sentBeacons: sent });
      navigator.sendBeacon = (url, data) => {
        void (data as Blob).text().then((text) => sent.push(text));
        return send(url, data);
      };
    });
    await page.goto(`/sales/${sale.sku}?utm_source=wechat&utm_campaign=d11`);
    await expect.poll(() => page.locator("#buy").getAttribute("data-state")).not.toBe("session");
    const beacon = page.waitForRequest((request) => request.url().endsWith("/api/events") && request.method() === "POST");
    // What the browser does when the shopper switches apps: the page is hidden, and sends what it has.
    await page.evaluate(() => {
      Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
      document.dispatchEvent(new Event("visibilitychange"));
    });
    const request = await beacon;
    const beaconBodies = () => page.evaluate(() => (window as unknown as { sentBeacons: string[] }).sentBeacons);
    await expect.poll(async () => (await beaconBodies()).length).toBe(1);
    const bodies = await beaconBodies();
    const sent = JSON.parse(bodies[0]!) as { sentAt: number; events: Array<Record<string, unknown>> };
    // The page's own two events come first; the recommendations shelf may add its impressions after them
    // when other tests' sales make something popular, so those are allowed but nothing else is.
    const types = sent.events.map((e) => e.type);
    expect(types.slice(0, 2)).toEqual(["page_view", "product_view"]);
    expect(types.slice(2).every((type) => type === "rec_impression")).toBe(true);
    expect(sent.events[1]).toMatchObject({ sku: sale.sku, category: "shoes", locale: "zh-CN", utm: { source: "wechat", campaign: "d11" } });
    const answer = await request.response();
    expect(answer?.status()).toBe(202);
    expect(await answer?.json()).toEqual({ accepted: sent.events.length, dropped: {} });
    await context.close();
  });
});

/** The headers every shop page carries (README, "Storefront pages and delivery"). */
function expectShopHeaders(response: PageResponse | null): void {
  const headers = response!.headers();
  const csp = headers["content-security-policy"] ?? "";
  const directives = new Map(
    csp
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name!, values.join(" ")]),
  );
  expect(Object.fromEntries(directives)).toMatchObject({
    "default-src": "'self'",
    "script-src": "'self'",
    "connect-src": expect.stringContaining("'self'"),
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
  });
  expect(csp).not.toContain("unsafe-inline");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
}

async function snapshotOf(sku: string): Promise<SkuSnapshot> {
  return (await fetch(`${shop.baseUrl}/api/skus/${sku}`)).json() as Promise<SkuSnapshot>;
}

describe("security headers and the shopper's session", () => {
  it("serves home, sale, order and 404 pages under a strict CSP, and they all work under it without a violation", async () => {
    const sale = await shop.seedSale();
    const context = await shop.newShopper();
    const page = await context.newPage();
    const documents: PageResponse[] = [];
    page.on("response", (response) => {
      if (response.request().resourceType() === "document") documents.push(response);
    });

    // Home: the countdowns tick and the stock bars are drawn, by the external script alone.
    await page.goto("/");
    const card = page.locator(`.sale-card[data-sku="${sale.sku}"]`);
    await expect.poll(() => card.locator('[data-role="countdown"]').textContent()).toMatch(/^\d+:\d\d:\d\d$/);
    await expect.poll(() => card.locator('[data-role="stock-fill"]').evaluate((el: HTMLElement) => el.style.width)).toBe("100%");

    // Sale: the live feed (a same-origin WebSocket) connects, the countdown runs, Buy works.
    await page.goto(`/sales/${sale.sku}`);
    await expect.poll(() => page.locator("#live-status").getAttribute("data-connected")).toBe("true");
    expect(await page.locator("#stock-fill").evaluate((el: HTMLElement) => el.style.width)).toBe("100%");
    expect(Number(await page.locator("#countdown").getAttribute("data-remaining-ms"))).toBeGreaterThan(0);
    await page.locator("#buy").click();
    await page.waitForURL(/\/orders\/ord_/);

    // Order: read, then paid, through the API.
    await expect.poll(() => page.locator("#order").getAttribute("data-status")).toBe("pending_payment");
    await page.locator("#pay").click();
    await expect.poll(() => page.locator("#order").getAttribute("data-status")).toBe("paid");

    await page.goto("/no/such/page");
    expect(await page.locator("h1").textContent()).toContain("404");

    const paths = documents.map((response) => new URL(response.url()).pathname);
    expect(paths).toEqual(["/", `/sales/${sale.sku}`, expect.stringMatching(/^\/orders\/ord_/), "/no/such/page"]);
    for (const response of documents) expectShopHeaders(response);
    expect(documents.at(-1)!.status()).toBe(404);
    expect(shop.cspViolations).toEqual([]);

    // The policy is enforced, and a violation would be seen: an injected inline script is refused.
    await page.evaluate(() => {
      const script = document.createElement("script");
      script.textContent = "document.title = 'injected'";
      document.head.append(script);
    });
    await expect.poll(() => shop.cspViolations.some((v) => v.includes("script-src"))).toBe(true);
    expect(await page.title()).not.toBe("injected");
    shop.cspViolations.splice(0);
    await context.close();
  });

  it("keeps Buy disabled, saying why, until POST /api/session has answered, retrying it after a failure", async () => {
    const sale = await shop.seedSale();
    const context = await shop.newShopper();
    expect(await context.cookies()).toEqual([]);
    const page = await context.newPage();
    let sessionCalls = 0;
    let answerSession!: () => void;
    const sessionMayAnswer = new Promise<void>((resolve) => (answerSession = resolve));
    await page.route("**/api/session", async (route) => {
      sessionCalls += 1;
      if (sessionCalls === 1) return route.abort("connectionrefused"); // the first try fails outright
      await sessionMayAnswer; // the retry is held until the test has looked at the page
      return route.continue();
    });
    await page.goto(`/sales/${sale.sku}`);
    const buy = page.locator("#buy");
    // The page is otherwise ready: the sale is live and its feed connected.
    await expect.poll(() => page.locator("#live-status").getAttribute("data-connected")).toBe("true");
    expect(await page.locator("#sale").getAttribute("data-phase")).toBe("live");
    expect(await buy.isDisabled()).toBe(true);
    await expect.poll(() => sessionCalls).toBe(2);
    expect(await buy.isDisabled()).toBe(true);
    expect(await buy.getAttribute("data-state")).toBe("session");
    expect(await page.locator("#session-note").textContent()).toBe("Could not reach the checkout. Retrying…");
    await page.screenshot({ path: screenshotPath("sale-waiting-for-session") });

    answerSession();
    await expect.poll(() => buy.getAttribute("data-state")).toBe("live");
    expect(await buy.isDisabled()).toBe(false);
    expect(await buy.textContent()).toContain("Buy now");
    expect(await page.locator("#session-note").isHidden()).toBe(true);
    expect((await context.cookies()).map((cookie) => cookie.name)).toContain("fs_session");
    await context.close();
  });

  it("waits out a rate limit: Buy stays disabled for the Retry-After seconds, counting down, then works", async () => {
    const sale = await shop.seedSale();
    const page = await (await shop.newShopper()).newPage();
    // The page's clock is the test's: the wait is moved through, not slept.
    await page.clock.install();
    let refused = 0;
    // The server's 429 itself is tested in workerd (rate-limit.test.ts); here its answer as the page receives it.
    await page.route("**/api/checkout", (route) => {
      if (refused++ > 0) return route.continue();
      return route.fulfill({
        status: 429,
        headers: { "Content-Type": "application/json", "Retry-After": "3" },
        body: JSON.stringify({ error: { code: "rate_limited", message: "too many checkouts from this address", retryAfter: 3 } }),
      });
    });
    await page.goto(`/sales/${sale.sku}`);
    const buy = page.locator("#buy");
    await expect.poll(() => buy.isEnabled()).toBe(true);
    await buy.click();
    await expect.poll(() => page.locator("#message").textContent()).toContain("3 s");
    expect(await buy.isDisabled()).toBe(true);

    await page.clock.fastForward(1_000);
    await expect.poll(() => page.locator("#message").textContent()).toContain("2 s");
    expect(await buy.isDisabled()).toBe(true);

    await page.clock.fastForward(2_100);
    await expect.poll(() => buy.isEnabled()).toBe(true);
    await buy.click();
    await page.waitForURL(/\/orders\/ord_/);
    expect(refused).toBe(2);
  });

  it("makes one order when a first-time shopper's checkout is retried after a network error", async () => {
    const sale = await shop.seedSale();
    const context = await shop.newShopper("phone");
    expect(await context.cookies()).toEqual([]); // no session yet
    const page = await context.newPage();
    const attempts: Array<{ key: string | null; status: number | null }> = [];
    await page.route("**/api/checkout", async (route) => {
      const key = route.request().headers()["idempotency-key"] ?? null;
      if (attempts.length > 0) {
        attempts.push({ key, status: null });
        return route.continue();
      }
      // The server takes the first attempt, but its answer never reaches the browser:
      // nor the cookie it may set, so the browser's cookie jar is put back as it was.
      const cookies = await context.cookies();
      const response = await route.fetch();
      attempts.push({ key, status: response.status() });
      await context.clearCookies();
      await context.addCookies(cookies);
      return route.abort("connectionreset");
    });
    await page.goto(`/sales/${sale.sku}`);
    await page.locator("#buy").click();
    await page.waitForURL(/\/orders\/ord_/);
    await expect.poll(() => page.locator("#order").getAttribute("data-status")).toBe("pending_payment");

    expect(attempts).toHaveLength(2);
    expect(attempts[0]!.status).toBe(201);
    expect(attempts[1]!.key).toBe(attempts[0]!.key);
    // One order for the sale: one unit held, the shopper's.
    const { stock } = await snapshotOf(sale.sku);
    expect(stock.held).toBe(1);
    expect(stock.remaining).toBe(sale.stock - 1);
    await context.close();
  });
});

/** A shopper who joins the sale's queue from outside the browser: a session, then a place. */
async function joinFromElsewhere(sku: string): Promise<{ place: number }> {
  const session = await fetch(`${shop.baseUrl}/api/session`, { method: "POST", headers: { "Content-Type": "application/json" } });
  const cookie = (session.headers.get("Set-Cookie") ?? "").split(";")[0]!;
  const joined = await fetch(`${shop.baseUrl}/api/skus/${sku}/queue`, {
    method: "POST",
    headers: { Cookie: cookie, "Content-Type": "application/json" },
    body: "{}",
  });
  expect(joined.status).toBe(200);
  return (await joined.json()) as { place: number };
}

describe("the waiting room (issue 12)", () => {
  it("shows a phone shopper their place and wait, counts down on the page's clock, then buys with their ticket", async () => {
    // Fast enough that the server admits at once: the real waits (and every refusal) are tested
    // in workerd on a moved clock (test/worker/waiting-room.test.ts). Here the page gets the
    // wait a rush would give it: the answer's admitAt moved 3.5 s on, its ticket untouched (half a
    // second off the page's whole-second ticks, so no tick lands on a boundary of the countdown).
    const sale = await shop.seedSale({ waitingRoom: { admitPerSecond: 1000, ticketTtlSeconds: 600 } });
    expect((await joinFromElsewhere(sale.sku)).place).toBe(1);
    const context = await shop.newShopper("phone", "zh-CN");
    const page = await context.newPage();
    await page.clock.install();
    const pongs = countClockPongs(page);
    let issued = "";
    await page.route("**/api/skus/*/queue", async (route) => {
      const response = await route.fetch();
      const answer = (await response.json()) as { ticket: string; serverTime: number };
      issued = answer.ticket;
      await route.fulfill({ response, json: { ...answer, admitAt: answer.serverTime + 3_500, estimateSeconds: 4 } });
    });
    const sent: Array<string | undefined> = [];
    page.on("request", (request) => {
      if (new URL(request.url()).pathname === "/api/checkout") sent.push(request.headers()["x-queue-ticket"]);
    });

    await page.goto(`/sales/${sale.sku}`);
    const note = page.locator("#queue-note");
    const buy = page.locator("#buy");
    await expect.poll(() => note.getAttribute("data-place")).toBe("2");
    // The feed's four opening pings (web/client/shared/live-feed.ts) answered before the pause.
    await expect.poll(pongs).toBeGreaterThanOrEqual(4);
    // From here the page's time moves only when the test moves it.
    await pausePageClock(page, 100);
    const seconds = Number(await note.getAttribute("data-seconds"));
    expect(seconds).toBeGreaterThanOrEqual(2);
    expect(await note.textContent()).toBe(`您排在第 2 位 · 预计约 ${seconds} 秒`);
    expect(await buy.getAttribute("data-state")).toBe("queue");
    expect(await buy.isDisabled()).toBe(true);
    expect((await buy.textContent())?.trim()).toBe("排队中");
    await page.screenshot({ path: screenshotPath("sale-phone-queue") });

    await page.clock.runFor(1_000);
    await expect.poll(() => note.getAttribute("data-seconds")).toBe(String(seconds - 1));
    expect(await note.textContent()).toBe(`您排在第 2 位 · 预计约 ${seconds - 1} 秒`);
    expect(await buy.isDisabled()).toBe(true);

    await page.clock.runFor(seconds * 1_000);
    await expect.poll(() => buy.getAttribute("data-state")).toBe("live");
    expect(await note.textContent()).toBe("轮到您了，现在可以购买。");
    expect(await buy.isEnabled()).toBe(true);
    await page.clock.resume();
    await buy.click();
    await page.waitForURL(/\/orders\/ord_/);
    expect(sent).toEqual([issued]);
    expect((await snapshotOf(sale.sku)).stock.held).toBe(1);
    await context.close();
  });

  it("joins again when the server refuses the ticket, and buys with the new one", async () => {
    const sale = await shop.seedSale({ waitingRoom: { admitPerSecond: 1000, ticketTtlSeconds: 600 } });
    const page = await (await shop.newShopper()).newPage();
    let refused = 0;
    // The server's refusal of an expired ticket is tested in workerd; here its answer as the page receives it.
    await page.route("**/api/checkout", (route) => {
      if (refused++ > 0) return route.continue();
      return route.fulfill({
        status: 403,
        json: { error: { code: "queue_ticket_invalid", message: "the queue ticket has expired; join the queue again", reason: "expired" } },
      });
    });
    const joins: number[] = [];
    page.on("response", async (response) => {
      if (/\/api\/skus\/[^/]+\/queue$/.test(new URL(response.url()).pathname))
        joins.push(((await response.json()) as { place: number }).place);
    });
    await page.goto(`/sales/${sale.sku}`);
    const buy = page.locator("#buy");
    await expect.poll(() => buy.isEnabled()).toBe(true);
    expect(await page.locator("#queue-note").textContent()).toBe("It is your turn: you can buy now.");
    await buy.click();
    await expect
      .poll(() => page.locator("#message").textContent())
      .toBe("Your place in the queue is no longer valid. Joining the queue again…");
    await expect.poll(() => joins.length).toBe(2);
    await expect.poll(() => buy.isEnabled()).toBe(true);
    await buy.click();
    await page.waitForURL(/\/orders\/ord_/);
    expect(refused).toBe(2);
  });
});
