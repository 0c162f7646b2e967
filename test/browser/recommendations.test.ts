import { describe, expect, it } from "vitest";
import { fixtureModel } from "../support/rec-model-fixture.ts";
import { TEST_SECRETS } from "../support/test-secrets.ts";
import { screenshotPath, storefrontForFile } from "./harness.ts";

/**
 * "Recommended for you" in Chromium (issue 18, part E), end to end as deployed: a marketer
 * activates an uploaded model in the console; a shopper on a phone, in Chinese, views three
 * phones (their beacons go through the events queue and the consumer into their window in
 * Redis), and the home page's shelf then leads with phones, each saying which phone it is
 * because of; a tap is recorded as a rec_click of the two_tower arm and the console's CTR table
 * counts it. Nothing waits for time: the test polls what the pages show.
 */
const shop = storefrontForFile({ eventsConsumer: true });

const POLL = { timeout: 20_000, interval: 250 };

describe("Recommended for you", () => {
  it("leads a phone shopper's home page with phones after three phone views, counts a tap per arm, and the console activates the model", async () => {
    const phones = [];
    for (let i = 0; i < 4; i++) phones.push(await shop.seedSale({ title: `旗舰手机 ${i + 1}`, category: "phones" }));
    const bags = [];
    for (let i = 0; i < 3; i++) bags.push(await shop.seedSale({ title: `通勤背包 ${i + 1}`, category: "bags" }));
    // The active pointer is one per shop: started at a random revision so its audit rows never meet another run's.
    await shop.putConfig("rec-model:active", {
      model: "none-yet",
      revision: 1_000_000 + Math.floor(Math.random() * 1_000_000_000),
      previous: null,
      activatedAt: Date.now(),
      activatedBy: "test",
    });
    const model = fixtureModel(
      [...phones.map((s) => ({ sku: s.sku, category: "phones" })), ...bags.map((s) => ({ sku: s.sku, category: "bags" }))],
      { popularity: [...bags, ...phones].map((s) => s.sku) },
    );
    const uploaded = await fetch(`${shop.baseUrl}/admin/api/recommendations/models`, {
      method: "POST",
      headers: { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify(model),
    });
    expect(uploaded.status).toBe(201);

    // The marketer activates it in the console.
    const marketer = await shop.createStaff("marketer", "Mia Marketer");
    const staff = await shop.browser.newContext({ baseURL: shop.baseUrl, viewport: { width: 1280, height: 900 } });
    await shop.watchCsp(staff);
    const console_ = await staff.newPage();
    await shop.signInToConsole(console_, marketer);
    await console_.click("#show-recommendations");
    const row = console_.locator(`#recs-models tr[data-version="${model.version}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain("0.420");
    await row.locator("button").click();
    await expect.poll(() => console_.locator("#recs-status").textContent(), POLL).toContain(`Serving ${model.version}`);
    await console_.locator(`#recs-models tr[data-version="${model.version}"][data-active="true"]`).waitFor();

    // A shopper on a phone, in Chinese, views three phones; each page's beacon leaves as the next page opens.
    const shopperContext = await shop.newShopper("phone", "zh-CN");
    const page = await shopperContext.newPage();
    for (const phone of phones.slice(0, 3)) {
      await page.goto(`/sales/${phone.sku}`);
      await page.waitForFunction(() => document.querySelector("#buy")?.getAttribute("data-state") === "live");
    }
    // The shelf on the home page, once the views reached the window (queue → consumer → Redis).
    const cards = page.locator("#recs-list .rec-card");
    await expect
      .poll(async () => {
        await page.goto("/");
        await page.waitForSelector('#recs[data-recs="ready"]');
        return page.locator("#recs").getAttribute("data-source");
      }, POLL)
      .toBe("model");
    expect(await page.locator("#recs-title").textContent()).toBe("为你推荐");
    expect(await page.locator("#recs").getAttribute("data-arm")).toBe("two_tower");
    const first = cards.first();
    const firstSku = await first.getAttribute("data-sku");
    expect(phones.map((p) => p.sku)).toContain(firstSku);
    expect(await first.locator(".rec-reason").textContent()).toMatch(/^因为你看过 旗舰手机 [123]$/);
    // Phone first: a card is about a third of the screen, the shelf scrolls sideways.
    const box = (await first.boundingBox())!;
    expect(box.width).toBeLessThan(390 / 2);
    expect(box.width).toBeGreaterThan(100);
    await page.screenshot({ path: screenshotPath("recommendations-home-phone-zh"), fullPage: true });

    // A tap goes to the sale page and is recorded as a click of the two_tower arm.
    const shopperId = await page.evaluate(async () => ((await (await fetch("/api/me/profile")).json()) as { shopperId: string }).shopperId);
    await first.locator("a").click();
    await page.waitForURL(`**/sales/${firstSku}`);
    await expect
      .poll(async () => {
        const { rows } = await shop.pool.query("select props from events where shopper_id = $1 and type = 'rec_click'", [shopperId]);
        return rows.map((r) => r.props as { arm: string; position: number });
      }, POLL)
      .toEqual([expect.objectContaining({ arm: "two_tower", position: 0 })]);
    const impressions = await shop.pool.query("select count(*)::int as n from events where shopper_id = $1 and type = 'rec_impression'", [
      shopperId,
    ]);
    expect(impressions.rows[0].n).toBeGreaterThanOrEqual(await cards.count().catch(() => 1));

    // On the sale page the shelf fills under the product and never widens the page's grid, on a
    // phone or on a desktop's two columns: the page does not scroll sideways, and what is under
    // the Buy button's centre is the button.
    const desktop = await (await shop.newShopper("desktop")).newPage();
    for (const view of [page, desktop]) {
      if (view === desktop) await desktop.goto(`/sales/${firstSku}`);
      await view.waitForSelector('#recs[data-recs="ready"]:not([hidden])');
      expect(await view.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      expect(
        await view.locator("#buy").evaluate((buy) => {
          buy.scrollIntoView({ block: "center" });
          const box = buy.getBoundingClientRect();
          return box.width > 0 && document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2)?.closest("#buy") === buy;
        }),
      ).toBe(true);
    }
    await desktop.context().close();

    // The console's CTR per arm counts it.
    await console_.click("#refresh-recs");
    await expect
      .poll(async () => Number(await console_.locator('#recs-ctr tr[data-arm="two_tower"] [data-role="clicks"]').textContent()), POLL)
      .toBeGreaterThanOrEqual(1);
    await console_.screenshot({ path: screenshotPath("recommendations-console"), fullPage: true });
    // The same view in Chinese (?lang=zh-CN; the session carries over).
    const chineseConsole = await staff.newPage();
    await chineseConsole.goto("/admin?lang=zh-CN");
    await chineseConsole.locator("#app").waitFor();
    await chineseConsole.click("#show-recommendations");
    expect(await chineseConsole.locator("#recommendations h2").textContent()).toBe("个性化推荐");
    await expect.poll(() => chineseConsole.locator("#recs-status").textContent(), POLL).toContain(`正在使用 ${model.version}`);
    expect(await chineseConsole.locator(`#recs-models tr[data-version="${model.version}"]`).textContent()).toContain("使用中");
    await shopperContext.close();
    await staff.close();
  });
});
