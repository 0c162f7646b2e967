import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { TeamCampaign } from "../../src/teams/team-campaign.ts";
import { TEST_SECRETS } from "../support/test-secrets.ts";
import { screenshotPath, storefrontForFile, type TestStaff } from "./harness.ts";

/**
 * The console's Team red packets view (issue 14) in Chromium: a marketer creates a team-up
 * campaign from the form (yuan to fen, local time to epoch ms, hours to seconds), each problem
 * next to its field first; sees it listed; shoppers start two teams and complete one through
 * the shopper API, and the figures follow (teams, members, coupons granted and their total, the
 * completion rate); an edit makes version 2, a stale save is refused, history and audit in the
 * marketer's units; in Chinese too; an analyst reads it all and is offered no edit.
 */
const shop = storefrontForFile();

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const AUTH = { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}`, "Content-Type": "application/json" };

/** A time as a datetime-local input takes it, in the page's own time zone. */
const localInput = (page: Page, ms: number) =>
  page.evaluate((t) => {
    const d = new Date(t);
    const pad = (n: number) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }, ms);

/** A client address of its own for sign-ins (failed ones are counted per address). */
const freshAddress = () => `10.${[0, 0, 0].map(() => Math.floor(Math.random() * 256)).join(".")}`;

/** A staff member's browser at the console, signed in with email and password. */
async function signedIn(staff: TestStaff) {
  const context = await shop.browser.newContext({
    baseURL: shop.baseUrl,
    timezoneId: "Asia/Shanghai",
    viewport: { width: 1280, height: 900 },
  });
  await shop.watchCsp(context);
  const address = freshAddress();
  await context.route("**/admin/api/session", (route) =>
    route.continue({ headers: { ...route.request().headers(), "cf-connecting-ip": address } }),
  );
  const page = await context.newPage();
  await page.goto("/admin");
  await page.fill("#password-sign-in [name=email]", staff.email);
  await page.fill("#password-sign-in [name=password]", staff.password);
  await page.click("#password-sign-in button[type=submit]");
  await page.locator("#app").waitFor();
  return { context, page };
}

async function campaign(id: string): Promise<TeamCampaign> {
  const response = await fetch(`${shop.baseUrl}/admin/api/team-campaigns/${id}`, { headers: AUTH });
  return ((await response.json()) as { campaign: TeamCampaign }).campaign;
}

/** A new shopper, as a browser would be: a session cookie, JSON posts with an Idempotency-Key. */
async function newShopper() {
  const session = await fetch(`${shop.baseUrl}/api/session`, { method: "POST", headers: { "Content-Type": "application/json" } });
  const cookie = (session.headers.get("Set-Cookie") ?? "").split(";")[0]!;
  const post = async (path: string) => {
    const response = await fetch(`${shop.baseUrl}${path}`, {
      method: "POST",
      headers: { Cookie: cookie, "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID() },
      body: "{}",
    });
    return { status: response.status, body: (await response.json()) as { team: { id: string; status: string } } };
  };
  return {
    /** Starts a team of the campaign: its id. */
    async start(campaignId: string): Promise<string> {
      const started = await post(`/api/team-campaigns/${campaignId}/teams`);
      expect(started.status).toBe(201);
      return started.body.team.id;
    },
    /** Joins the team: its status after the join. */
    async join(teamId: string): Promise<string> {
      const joined = await post(`/api/teams/${teamId}/join`);
      expect(joined.status).toBe(200);
      return joined.body.team.status;
    },
  };
}

describe("the console's Team red packets view (issue 14)", () => {
  it("creates a campaign from the form, lists it with its figures as teams start and complete, edits it, history and audit", async () => {
    const marketer = await shop.createStaff("marketer", "王芳");
    const { context, page } = await signedIn(marketer);
    await page.click("#show-teams");
    await page.locator("#teams").waitFor();

    // A value the console cannot convert, then values the API refuses: each at its field, nothing saved.
    const id = `tc-${crypto.randomUUID().slice(0, 8)}`;
    const now = Date.now();
    await page.click("#new-team-campaign");
    expect(await page.locator("#team-editor-title").textContent()).toBe("New team campaign");
    await page.fill("#team-editor [name=id]", id);
    await page.fill("#team-editor [name=title]", "3人瓜分100元");
    await page.fill("#team-editor [name=teamSize]", "11");
    await page.fill("#team-editor [name=poolAmount]", "a hundred");
    await page.fill("#team-editor [name=completeWithinHours]", "0.01");
    await page.fill("#team-editor [name=startsAt]", await localInput(page, now - MINUTE));
    await page.fill("#team-editor [name=endsAt]", await localInput(page, now + DAY));
    await page.click("#save-team-campaign");
    const problem = (path: string) => page.locator(`#team-editor .problem[data-for="${path}"]`);
    await expect.poll(() => problem("poolAmount").textContent()).toBe("enter an amount in yuan, like 100 or 99.90");
    expect(await page.locator("#team-form-problems").textContent()).toBe("Please fix the marked fields.");
    await page.fill("#team-editor [name=poolAmount]", "100");
    await page.click("#save-team-campaign");
    await expect.poll(() => problem("teamSize").textContent()).toBe("must be at most 10");
    expect(await problem("completeWithinSeconds").textContent()).toBe("must be at least 60 (a minute)");
    expect(await problem("poolAmount").count()).toBe(0);
    expect(await page.locator("#team-form-problems").textContent()).toContain("The campaign was not saved");
    expect((await fetch(`${shop.baseUrl}/admin/api/team-campaigns/${id}`, { headers: AUTH })).status).toBe(404);

    // Fixed: saved in fen, seconds and epoch ms, listed at once with its terms in words.
    await page.fill("#team-editor [name=teamSize]", "3");
    await page.fill("#team-editor [name=completeWithinHours]", "24");
    await page.click("#save-team-campaign");
    await expect.poll(() => page.locator("#flash").textContent()).toBe("Saved 3人瓜分100元 (version 1).");
    expect(await page.locator("#team-editor").isHidden()).toBe(true);
    const row = page.locator(`tr[data-team-campaign="${id}"]`);
    await row.waitFor();
    const cell = (name: string) =>
      row
        .locator(`[data-cell="${name}"]`)
        .first()
        .evaluate((el) => el.firstChild?.textContent ?? "");
    expect(await cell("terms")).toBe("3 people share ¥100.00, equal");
    expect(await row.locator('[data-cell="join"]').textContent()).toBe("anyone may join");
    expect(await row.locator('[data-cell="coupon"]').textContent()).toBe("coupons valid 7 days, every sale");
    expect(await row.locator('[data-cell="complete-within"]').textContent()).toBe("24 h to complete");
    expect(await row.locator("td").first().textContent()).toBe(`3人瓜分100元${id} · v1`);
    expect(await row.locator('[data-cell="teams"]').textContent()).toBe("0 / 0 / 0 / 0");
    expect(await row.locator('[data-cell="rate"]').textContent()).toBe("– (none finished)");
    const saved = await campaign(id);
    expect(saved).toMatchObject({
      teamSize: 3,
      poolAmount: 10_000,
      split: "equal",
      completeWithinSeconds: 86_400,
      joinRule: "anyone",
      couponValidDays: 7,
      couponMinSpend: 0,
      appliesTo: { skus: [] },
      updatedBy: marketer.email,
    });
    expect(saved.startsAt).toBe(Math.floor((now - MINUTE) / MINUTE) * MINUTE);
    const shown = (ms: number) => page.evaluate((t) => new Date(t).toLocaleString(), ms);
    expect(await cell("window")).toBe(`${await shown(saved.startsAt)} – ${await shown(saved.endsAt)}`);

    // Two teams start; one fills (the leader and two friends), the other stays open: the figures.
    const [leader, friendA, friendB, otherLeader] = await Promise.all([newShopper(), newShopper(), newShopper(), newShopper()]);
    const team = await leader!.start(id);
    await otherLeader!.start(id);
    expect(await friendA!.join(team)).toBe("open");
    expect(await friendB!.join(team)).toBe("completed");
    await expect
      .poll(async () => {
        await page.click("#refresh-teams");
        return row.locator('[data-cell="teams"]').textContent();
      })
      .toBe("2 / 1 / 1 / 0");
    expect(await row.locator('[data-cell="members"]').textContent()).toBe("4");
    // 10,000 fen among 3: 3,334 + 3,333 + 3,333.
    expect(await row.locator('[data-cell="granted"]').textContent()).toBe("3 · ¥100.00");
    expect(await row.locator('[data-cell="rate"]').textContent()).toBe("100.0 %");

    // Edit: the form shows the campaign in yuan and hours; a bigger pool and 12 hours make version 2.
    await row.locator('[data-action="edit"]').click();
    expect(await page.locator("#team-editor-title").textContent()).toBe("Edit 3人瓜分100元 (version 1)");
    expect(await page.locator("#team-editor [name=id]").getAttribute("readonly")).not.toBeNull();
    expect(await page.locator("#team-editor [name=poolAmount]").inputValue()).toBe("100.00");
    expect(await page.locator("#team-editor [name=completeWithinHours]").inputValue()).toBe("24");
    await page.fill("#team-editor [name=poolAmount]", "120");
    await page.fill("#team-editor [name=completeWithinHours]", "12");
    await page.click("#save-team-campaign");
    await expect.poll(() => page.locator("#flash").textContent()).toBe("Saved 3人瓜分100元 (version 2).");
    await expect.poll(() => row.locator("td").first().textContent()).toBe(`3人瓜分100元${id} · v2`);
    expect(await cell("terms")).toBe("3 people share ¥120.00, equal");
    expect(await row.locator('[data-cell="complete-within"]').textContent()).toBe("12 h to complete");
    const edited = await campaign(id);
    expect(edited).toMatchObject({ version: 2, poolAmount: 12_000, completeWithinSeconds: 43_200 });
    expect(edited.startsAt).toBe(saved.startsAt); // untouched times keep their exact instant
    expect(edited.endsAt).toBe(saved.endsAt);

    // Someone else saves meanwhile: the form says so instead of overwriting.
    await row.locator('[data-action="edit"]').click();
    const { version, updatedAt: _a, updatedBy: _b, ...draft } = edited;
    const elsewhere = await fetch(`${shop.baseUrl}/admin/api/team-campaigns/${id}`, {
      method: "PUT",
      headers: AUTH,
      body: JSON.stringify({ ...draft, split: "random", expectedVersion: version }),
    });
    expect(elsewhere.status).toBe(200);
    await page.fill("#team-editor [name=teamSize]", "5");
    await page.click("#save-team-campaign");
    await expect
      .poll(() => page.locator("#team-form-problems").textContent())
      .toContain("Someone saved this campaign meanwhile (now version 3)");
    expect((await campaign(id)).teamSize).toBe(3);
    await page.click("#close-team-editor");

    // History and audit, in the marketer's units.
    await page.click("#refresh-teams");
    await expect.poll(() => cell("terms")).toBe("3 people share ¥120.00, random");
    await row.locator('[data-action="history"]').click();
    await expect.poll(() => page.locator('table[data-view="history"] tbody tr').count()).toBe(3);
    const history = (await page.locator('table[data-view="history"]').textContent()) ?? "";
    expect(history).toContain("pool: ¥100.00 → ¥120.00");
    expect(history).toContain("time to complete: 24 h → 12 h");
    expect(history).toContain("split: equal → random");
    expect(history).toContain("created");
    await row.locator('[data-action="audit"]').click();
    await expect.poll(() => page.locator('table[data-view="audit"] tbody tr').count()).toBe(3);
    const audit = (await page.locator('table[data-view="audit"]').textContent()) ?? "";
    expect(audit).toContain(marketer.email);
    expect(audit).toContain(`${id} v2`);
    await page.screenshot({ path: screenshotPath("console-teams"), fullPage: true });

    // In Chinese: the view comes back open after its language link.
    await page.locator("#teams a.lang").click();
    await page.waitForURL(/lang=zh-CN#teams$/);
    const zhRow = page.locator(`tr[data-team-campaign="${id}"]`);
    await zhRow.waitFor();
    expect(await zhRow.locator('[data-cell="terms"]').evaluate((el) => el.firstChild?.textContent)).toBe("3人瓜分¥120.00，拼手气");
    expect(await zhRow.locator('[data-cell="complete-within"]').textContent()).toBe("12小时内组满");
    expect(await zhRow.locator('[data-cell="rate"]').textContent()).toBe("100.0%");
    await page.screenshot({ path: screenshotPath("console-teams-zh"), fullPage: true });
    await context.close();
  });

  it("shows an analyst the campaigns and their figures, history and audit, and no control that changes them", async () => {
    const now = Date.now();
    const id = `tc-${crypto.randomUUID().slice(0, 8)}`;
    const created = await fetch(`${shop.baseUrl}/admin/api/team-campaigns`, {
      method: "POST",
      headers: AUTH,
      body: JSON.stringify({
        id,
        title: "New shoppers: 2 share ¥20",
        teamSize: 2,
        poolAmount: 2_000,
        split: "random",
        completeWithinSeconds: 5_400,
        joinRule: "new_shoppers",
        startsAt: now - MINUTE,
        endsAt: now + DAY,
        couponMinSpend: 10_000,
      }),
    });
    expect(created.status).toBe(201);
    const analyst = await shop.createStaff("analyst", "Li Lei");
    const { context, page } = await signedIn(analyst);
    await page.click("#show-teams");
    const row = page.locator(`tr[data-team-campaign="${id}"]`);
    await row.waitFor();
    expect(await row.locator('[data-cell="terms"]').evaluate((el) => el.firstChild?.textContent)).toBe("2 people share ¥20.00, random");
    expect(await row.locator('[data-cell="join"]').textContent()).toBe("new shoppers only");
    expect(await row.locator('[data-cell="coupon"]').textContent()).toBe("coupons valid 7 days from ¥100.00, every sale");
    expect(await row.locator('[data-cell="complete-within"]').textContent()).toBe("1 h 30 min to complete");
    expect(await page.locator("#new-team-campaign").isVisible()).toBe(false);
    expect(await row.locator('[data-action="edit"]').isVisible()).toBe(false);
    expect(await row.locator('[data-action="history"]').isVisible()).toBe(true);
    await row.locator('[data-action="audit"]').click();
    await expect.poll(() => page.locator('table[data-view="audit"] tbody tr').count()).toBe(1);
    await context.close();
  });
});
