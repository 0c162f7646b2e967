import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { CouponCatalog } from "../../src/coupons/coupon-catalog.ts";
import type { TeamCampaign } from "../../src/teams/team-campaign.ts";
import { admin, expectProblems, readError } from "./admin-support.ts";

type Figures = {
  campaign: TeamCampaign;
  figures: {
    teamsStarted: number;
    teamsCompleted: number;
    teamsExpired: number;
    members: number;
    couponsGranted: number;
    grantedAmount: number;
  };
};

const DAY = 86_400_000;

function draftCampaign(overrides: Record<string, unknown> = {}) {
  const now = Date.now();
  return {
    id: `atc-${crypto.randomUUID().slice(0, 12)}`,
    title: "组队瓜分 ¥100",
    poolAmount: 10_000,
    split: "equal",
    joinRule: "anyone",
    startsAt: now - 60_000,
    endsAt: now + DAY,
    ...overrides,
  };
}

describe("team campaigns through the admin API (issue 14)", () => {
  it("creates version 1 with its coupon template, reads, lists with figures, audits both, refuses a second with the same id", async () => {
    const draft = draftCampaign({ couponMinSpend: 5_000, appliesTo: { skus: ["sku-a"] } });
    const created = await admin("/team-campaigns", { body: draft, actor: encodeURIComponent("王芳") });
    expect(created.status).toBe(201);
    const figures = await created.json<Figures>();
    expect(figures).toMatchObject({
      campaign: { ...draft, version: 1, updatedBy: "王芳", teamSize: 4, completeWithinSeconds: 86_400, couponValidDays: 7 },
      figures: { teamsStarted: 0, couponsGranted: 0, grantedAmount: 0 },
    });
    // The derived coupon template: granted only, each coupon its own amount, usable while any granted coupon can be.
    const template = await new CouponCatalog(env.SALES).find(`team-${draft.id}`);
    expect(template).toMatchObject({
      claimable: false,
      type: "amount_off",
      amountOff: 1,
      minSpend: 5_000,
      skus: ["sku-a"],
      validFrom: draft.startsAt,
      validUntil: draft.endsAt + DAY + 7 * DAY,
      perShopperLimit: 1,
      stackable: false,
      title: draft.title,
      version: 1,
    });
    expect((await (await admin(`/team-campaigns/${draft.id}`)).json<Figures>()).campaign).toEqual(figures.campaign);
    const list = await (await admin("/team-campaigns")).json<{ campaigns: Figures[] }>();
    expect(list.campaigns.map((c) => c.campaign.id)).toContain(draft.id);
    expect((await readError(await admin("/team-campaigns", { body: draft }))).code).toBe("conflict");
    const audit = await (await admin(`/team-campaigns/${draft.id}/audit`)).json<{
      entries: Array<{ action: string; actor: string; version: number }>;
    }>();
    expect(audit.entries).toMatchObject([{ action: "create", actor: "王芳", version: 1 }]);
    const couponAudit = await (await admin(`/coupons/team-${draft.id}/audit`)).json<{ entries: Array<{ action: string }> }>();
    expect(couponAudit.entries).toMatchObject([{ action: "create" }]);
  });

  it("lists every problem of a bad campaign, cross-field ones included, and saves nothing", async () => {
    const draft = draftCampaign({ id: "x".repeat(36), teamSize: 1, poolAmount: 0, split: "lottery", endsAt: 1 });
    await expectProblems(await admin("/team-campaigns", { body: draft }), ["id", "teamSize", "poolAmount", "split", "endsAt"]);
    expect((await admin(`/team-campaigns/${draft.id}`)).status).toBe(404);
  });

  it("updates from the version read, moves the coupon template with it, refuses a stale version, keeps every version", async () => {
    const draft = draftCampaign();
    await admin("/team-campaigns", { body: draft });
    const updated = await admin(`/team-campaigns/${draft.id}`, {
      method: "PUT",
      body: { ...draft, title: "组队瓜分 ¥200", poolAmount: 20_000, expectedVersion: 1 },
    });
    expect(updated.status).toBe(200);
    expect((await updated.json<Figures>()).campaign).toMatchObject({ version: 2, poolAmount: 20_000 });
    expect(await new CouponCatalog(env.SALES).find(`team-${draft.id}`)).toMatchObject({ version: 2, title: "组队瓜分 ¥200" });
    const stale = await admin(`/team-campaigns/${draft.id}`, { method: "PUT", body: { ...draft, expectedVersion: 1 } });
    expect(await readError(stale)).toMatchObject({ code: "conflict", version: 2 });
    const elsewhere = await admin(`/team-campaigns/${draft.id}`, { method: "PUT", body: { ...draft, id: "other-id", expectedVersion: 2 } });
    expect((await readError(elsewhere)).code).toBe("invalid_request");
    const history = await (await admin(`/team-campaigns/${draft.id}/history`)).json<{ versions: TeamCampaign[] }>();
    expect(history.versions.map((v) => v.version)).toEqual([2, 1]);
    const audit = await (await admin(`/team-campaigns/${draft.id}/audit`)).json<{ entries: Array<{ action: string; version: number }> }>();
    expect(audit.entries).toMatchObject([
      { action: "update", version: 2 },
      { action: "create", version: 1 },
    ]);
    expect((await admin("/team-campaigns/no-such-campaign")).status).toBe(404);
  });

  it("is closed to a missing token", async () => {
    expect((await admin("/team-campaigns", { token: null })).status).toBe(401);
  });
});
