import { describe, expect, it } from "vitest";
import { TEST_SECRETS } from "../support/test-secrets.ts";
import { screenshotPath, storefrontForFile } from "./harness.ts";

/**
 * Team-up red packets in Chromium (issue 14): a leader starts a team from /teams on a phone,
 * friends open its link and join, the last seat completes it and each page shows its
 * shopper's share. Nothing waits for time: the tests wait for what the pages show.
 */
const shop = storefrontForFile();

async function seedCampaign(overrides: Record<string, unknown> = {}): Promise<{ id: string; title: string }> {
  const now = Date.now();
  const response = await fetch(`${shop.baseUrl}/admin/api/team-campaigns`, {
    method: "POST",
    headers: { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify({
      id: `bt-${crypto.randomUUID().slice(0, 10)}`,
      title: "组队瓜分 ¥100.01",
      teamSize: 3,
      poolAmount: 10_001,
      split: "equal",
      joinRule: "anyone",
      startsAt: now - 60_000,
      endsAt: now + 86_400_000,
      ...overrides,
    }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { campaign: { id: string; title: string } }).campaign;
}

describe("team pages, /teams and /teams/<id>", () => {
  it("lets a phone shopper start a team, two friends join by its link, and shows each their share", async () => {
    const campaign = await seedCampaign();
    const leader = await (await shop.newShopper("phone", "zh-CN")).newPage();
    await leader.goto("/teams");
    const offer = leader.locator(`li[data-campaign="${campaign.id}"]`);
    await offer.waitFor();
    expect(await offer.locator("h2").textContent()).toBe(campaign.title);
    expect(await offer.locator("p").textContent()).toContain("3 人瓜分 ¥100.01");
    await offer.locator("button").click();
    await leader.waitForURL(/\/teams\/tm_/);
    await leader.waitForSelector('#team[data-status="open"]');
    const teamPath = new URL(leader.url()).pathname;
    expect(await leader.locator("#members li:not(.empty)").count()).toBe(1);
    expect(await leader.locator("#members li.empty").count()).toBe(2);
    expect(await leader.locator("#seats").textContent()).toBe("还差 2 人，快邀请好友！");
    expect(await leader.locator("#join").isHidden()).toBe(true);
    expect(Number(await leader.locator("#countdown").getAttribute("data-remaining-ms"))).toBeGreaterThan(23 * 3_600_000);
    // The leader shares the team's link: the five UTM parameters, the campaign, and their referral code.
    await leader.locator("#share-open").click();
    const link = new URL(await leader.locator("#share-url").inputValue());
    expect(link.pathname).toBe(teamPath);
    expect(link.searchParams.get("utm_campaign")).toBe(campaign.id);
    expect(link.searchParams.get("ref")).toMatch(/^[a-z2-7]{12}$/);
    await leader.screenshot({ path: screenshotPath("team-open-phone-zh") });

    for (const n of [1, 2]) {
      const friend = await (await shop.newShopper("phone", "en-US")).newPage();
      await friend.goto(`${link.pathname}${link.search}`);
      // The landing is recorded (a visit from the leader) and the address bar cleaned.
      await friend.waitForFunction(() => document.documentElement.dataset.landing !== undefined);
      expect(await friend.evaluate(() => document.documentElement.dataset.landing)).toBe("recorded");
      expect(new URL(friend.url()).search).toBe("");
      await friend.waitForSelector('#team[data-status="open"]');
      // The friend needs a session before joining: the page's first write makes one.
      await friend.locator("#join").click();
      await friend.waitForFunction(() => document.querySelector("#my-share")?.hasAttribute("hidden") === false);
      if (n === 2) {
        await friend.waitForSelector('#team[data-status="completed"]');
        expect(await friend.locator("#my-share").textContent()).toBe("Your share: a ¥33.33 coupon, now in your coupons.");
        expect(await friend.locator("#team-clock").isHidden()).toBe(true);
      }
    }
    // 10,001 fen among 3: 3,334 + 3,334 + 3,333 (the odd fen to the first members). The leader's page
    // reads the team again while it is open: it sees the completion without a reload.
    await leader.waitForSelector('#team[data-status="completed"]', { timeout: 15_000 });
    expect(await leader.locator("#my-share").textContent()).toBe("您分得 ¥33.34 优惠券，已放入您的优惠券。");
    expect(await leader.locator("#members li:not(.empty)").count()).toBe(3);
    const wallet = await leader.evaluate(
      async () => (await (await fetch("/api/me/coupons")).json()) as { coupons: Array<{ amountOff: number }> },
    );
    expect(wallet.coupons.map((c) => c.amountOff)).toEqual([3_334]);
  });

  it("refuses the leader's own join and answers an unknown team with the 404 page", async () => {
    const response = await fetch(`${shop.baseUrl}/teams/not-a-team`);
    expect(response.status).toBe(404);
    const campaign = await seedCampaign({ teamSize: 2, poolAmount: 200 });
    const page = await (await shop.newShopper("desktop", "en-US")).newPage();
    await page.goto("/teams");
    await page.locator(`li[data-campaign="${campaign.id}"] button`).click();
    await page.waitForURL(/\/teams\/tm_/);
    await page.waitForSelector('#team[data-status="open"]');
    expect(await page.locator("#my-share").textContent()).toBe("You lead this team. Share the link below.");
    // The page hides Join from the leader; the API refuses it too.
    const code = await page.evaluate(async (path) => {
      const id = path.split("/").pop()!;
      const answer = await fetch(`/api/teams/${id}/join`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID() },
        body: "{}",
      });
      return ((await answer.json()) as { error: { code: string } }).error.code;
    }, new URL(page.url()).pathname);
    expect(code).toBe("self_join");
  });
});
