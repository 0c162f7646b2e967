import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { BOARD_SETTINGS_ID, BOARD_SETTINGS_PREFIX, type BoardSettings, DEFAULT_BOARD_SETTINGS } from "../../src/advisers/board-settings.ts";
import { TEST_SECRETS } from "../support/test-secrets.ts";
import { screenshotPath, storefrontForFile, type TestStaff } from "./harness.ts";

/**
 * The console's "Response times" view (issue 17) in Chromium: an owner opens the board and sees
 * who is waiting, the wait past the SLA highlighted; a conversation written to Postgres while the
 * view is open shows up by itself (the view polls); the hours-and-SLA form puts a bad interval's
 * problem next to its field and saves a good one. An adviser reads the board without the form.
 * Conversations are seeded with this file's own ids; the board's hours are set round the clock,
 * so a wait is its wall time whenever the test runs.
 */
const shop = storefrontForFile();

const AUTH = { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}`, "Content-Type": "application/json" };
const MINUTE = 60_000;
const POLL = { timeout: 15_000 };
const freshId = (prefix: string) => `${prefix}_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;
const ALWAYS = Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, ["00:00-24:00"]]));

beforeAll(async () => {
  // A version of this file's own: saves are audited once per version in the Postgres every test shares.
  const start = { ...DEFAULT_BOARD_SETTINGS, version: 1_000_000 + Math.floor(Math.random() * 1_000_000_000) };
  await shop.putConfig(`${BOARD_SETTINGS_PREFIX}${BOARD_SETTINGS_ID}`, start);
  const current = await fetch(`${shop.baseUrl}/admin/api/adviser-board/settings`, { headers: AUTH });
  const { settings } = (await current.json()) as { settings: BoardSettings };
  expect(settings.version).toBe(start.version);
  const saved = await fetch(`${shop.baseUrl}/admin/api/adviser-board/settings`, {
    method: "PUT",
    headers: AUTH,
    body: JSON.stringify({
      id: "settings",
      timeZone: "UTC",
      hours: ALWAYS,
      firstResponseSlaMinutes: 30,
      expectedVersion: settings.version,
    }),
  });
  expect(saved.status).toBe(200);
});

async function adviser(name: string): Promise<string> {
  const id = freshId("adv");
  await shop.pool.query("insert into advisers (id, staff_id, display_name, on_shift, created_at) values ($1, $2, $3, true, now())", [
    id,
    freshId("stf"),
    name,
  ]);
  return id;
}

/** An open conversation whose shopper wrote `agoMs` ago; answered `answeredAfterMs` later when given. */
async function conversation(adviserId: string, agoMs: number, answeredAfterMs?: number): Promise<string> {
  const id = freshId("cnv");
  const at = new Date(Date.now() - agoMs);
  const answered = answeredAfterMs === undefined ? null : new Date(at.getTime() + answeredAfterMs);
  await shop.pool.query(
    `insert into conversations (id, shopper_id, adviser_id, status, opened_at, first_message_at, first_response_at, last_message_at)
     values ($1, $2, $3, 'open', $4, $4, $5, $4)`,
    [id, freshId("shp"), adviserId, at, answered],
  );
  return id;
}

async function signedIn(staff: TestStaff, lang = "en"): Promise<Page> {
  const context = await shop.browser.newContext({ baseURL: shop.baseUrl, viewport: { width: 1280, height: 900 } });
  await shop.watchCsp(context);
  const address = `10.${[0, 0, 0].map(() => Math.floor(Math.random() * 256)).join(".")}`;
  await context.route("**/admin/api/session", (route) =>
    route.continue({ headers: { ...route.request().headers(), "cf-connecting-ip": address } }),
  );
  const page = await context.newPage();
  await shop.signInToConsole(page, staff, `/admin?lang=${lang}`);
  return page;
}

const row = (page: Page, conversationId: string) =>
  page.locator(`[data-view="adviser-board-waiting"] tr[data-conversation="${conversationId}"]`);

describe("the console's Response times view", () => {
  it("shows who is waiting with SLA breaches highlighted, refreshes by itself, and edits the hours and SLA", async () => {
    const bo = await adviser("Browser Bo");
    const late = await conversation(bo, 3 * 60 * MINUTE);
    const fresh = await conversation(bo, 2 * MINUTE);
    await conversation(bo, 50 * MINUTE, 10 * MINUTE);
    const owner = await shop.createStaff("owner", "Olivia Owner");
    const page = await signedIn(owner);
    await page.click("#show-adviser-board");

    await expect.poll(() => row(page, late).getAttribute("data-breached"), POLL).toBe("");
    expect(await row(page, late).getAttribute("class")).toBe("breach");
    expect(await row(page, late).textContent()).toContain("Browser Bo");
    expect(await row(page, late).textContent()).toMatch(/3 h 0\d min SLA breached/);
    expect(await row(page, fresh).getAttribute("data-breached")).toBeNull();
    expect(await row(page, fresh).getAttribute("class")).toBe("");
    // Red in the page, not only in the markup.
    expect(await row(page, late).evaluate((el) => getComputedStyle(el).backgroundColor)).toBe("rgb(253, 236, 236)");
    const mine = page.locator(`[data-view="adviser-board-advisers"] tr[data-adviser="${bo}"]`);
    await expect.poll(() => mine.locator("td").nth(2).textContent(), POLL).toBe("3");
    expect(await mine.locator("td").nth(6).textContent()).toBe("1");
    expect(await page.locator("#adviser-board-status").textContent()).toMatch(/^live · updated /);

    // Written while the view is open: it appears at the next poll, no click.
    const meanwhile = await conversation(bo, 40 * MINUTE);
    await expect.poll(() => row(page, meanwhile).getAttribute("data-breached"), POLL).toBe("");
    await page.screenshot({ path: screenshotPath("console-response-times"), fullPage: true });

    await page.click("#edit-adviser-board");
    await expect.poll(() => page.inputValue('#adviser-board-editor [name="hours.mon"]'), POLL).toBe("00:00-24:00");
    await page.fill('#adviser-board-editor [name="hours.mon"]', "18:00-09:00");
    await page.fill('#adviser-board-editor [name="firstResponseSlaMinutes"]', "45");
    await page.click("#adviser-board-editor button[type=submit]");
    await expect
      .poll(() => page.locator('#adviser-board-editor .problem[data-for="hours.mon.0"]').textContent(), POLL)
      .toBe("must open before it closes (use 24:00 for midnight)");
    await page.fill('#adviser-board-editor [name="hours.mon"]', "00:00-12:00, 12:00-24:00");
    await page.click("#adviser-board-editor button[type=submit]");
    await expect.poll(() => page.locator("#adviser-board-editor").isHidden(), POLL).toBe(true);
    await expect.poll(() => page.locator("#adviser-board-report > p.muted").textContent(), POLL).toContain("SLA 45 min");
    // 45 minutes: the 40-minute wait is within the SLA now.
    await expect.poll(() => row(page, meanwhile).getAttribute("data-breached"), POLL).toBeNull();
    await page.context().close();
  });

  it("shows an adviser the board in Chinese, without the hours-and-SLA form", async () => {
    const staff = await shop.createStaff("adviser", "Ada Adviser");
    const page = await signedIn(staff, "zh-CN");
    await page.click("#show-adviser-board");
    await expect.poll(() => page.locator("#adviser-board h2").textContent(), POLL).toBe("响应时效");
    await expect.poll(() => page.locator('[data-tile="first-response"] span').textContent(), POLL).toBe("首次响应");
    expect(await page.locator("#edit-adviser-board").isVisible()).toBe(false);
    await page.context().close();
  });
});
