import { createExecutionContext, runDurableObjectAlarm, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { TeamCampaignRoster } from "../../durable-objects/team-campaign-roster/index.ts";
import { TeamUp } from "../../durable-objects/team-up/index.ts";
import { couponKey } from "../../src/coupons/coupon-template.ts";
import type { TeamCampaign, TeamCampaignInput } from "../../src/teams/team-campaign.ts";
import worker from "../../workers/storefront/index.ts";
import { admin } from "./admin-support.ts";
import { eventually, withPostgres } from "./postgres-support.ts";
import { type ApiError, Shopper } from "./support.ts";

/** A team as the API answers it. */
type ApiTeam = {
  id: string;
  status: string;
  seatsLeft: number;
  size: number;
  expiresAt: number;
  members: Array<{ badge: string; hue: number; leader: boolean; you: boolean }>;
  you: { role: string; share: number | null } | null;
  sharePath: string;
};
type WalletCoupon = { id: string; templateId: string; amountOff: number; usable: boolean };
type Figures = {
  teamsStarted: number;
  teamsCompleted: number;
  teamsExpired: number;
  members: number;
  couponsGranted: number;
  grantedAmount: number;
};

const DAY = 86_400_000;

/** A running campaign saved through the admin API (so its coupon template is saved with it), under a fresh id. */
async function seedCampaign(overrides: Partial<TeamCampaignInput> = {}): Promise<TeamCampaign> {
  const now = Date.now();
  const response = await admin("/team-campaigns", {
    body: {
      id: `tc-${crypto.randomUUID().slice(0, 12)}`,
      title: "组队瓜分 ¥100",
      poolAmount: 10_000,
      split: "equal",
      joinRule: "anyone",
      startsAt: now - 60_000,
      endsAt: now + DAY,
      ...overrides,
    },
  });
  expect(response.status).toBe(201);
  return (await response.json<{ campaign: TeamCampaign }>()).campaign;
}

function start(shopper: Shopper, campaignId: string, key: string = crypto.randomUUID()) {
  return shopper.post(`/api/team-campaigns/${campaignId}/teams`, {}, { "Idempotency-Key": key });
}

async function started(shopper: Shopper, campaignId: string): Promise<ApiTeam> {
  const response = await start(shopper, campaignId);
  expect(response.status).toBe(201);
  return (await response.json<{ team: ApiTeam }>()).team;
}

function join(shopper: Shopper, teamId: string, key: string = crypto.randomUUID()) {
  return shopper.post(`/api/teams/${teamId}/join`, {}, { "Idempotency-Key": key });
}

async function codeOf(response: Response): Promise<string> {
  return ((await response.json()) as ApiError).error.code;
}

async function teamCoupons(shopper: Shopper, campaignId: string): Promise<WalletCoupon[]> {
  const { coupons } = await (await shopper.request("/api/me/coupons")).json<{ coupons: WalletCoupon[] }>();
  return coupons.filter((coupon) => coupon.templateId === `team-${campaignId}`);
}

async function figures(campaignId: string): Promise<Figures> {
  return (await (await admin(`/team-campaigns/${campaignId}`)).json<{ figures: Figures }>()).figures;
}

/** A join answered by the Worker with some of its environment replaced (an unreachable Postgres, rate limits on). */
async function joinWith(overrides: Partial<Env>, shopper: Shopper, teamId: string): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.request(
    `https://shop.test/api/teams/${teamId}/join`,
    {
      method: "POST",
      headers: { "Content-Type": "application/json", Cookie: shopper.cookie, "Idempotency-Key": crypto.randomUUID() },
      body: "{}",
    },
    { ...env, ...overrides },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

async function shoppers(n: number): Promise<Shopper[]> {
  return Promise.all(Array.from({ length: n }, () => Shopper.create()));
}

describe("team-up red packets: joining (issue 14)", () => {
  it("seats exactly 3 of 20 concurrent joiners, refuses 17 team_full, and grants each of the 4 members one coupon: 10,001 fen as 2501+2500+2500+2500", async () => {
    const campaign = await seedCampaign({ poolAmount: 10_001 });
    const leader = await Shopper.create();
    const team = await started(leader, campaign.id);
    expect(team).toMatchObject({
      status: "open",
      size: 4,
      seatsLeft: 3,
      sharePath: `/teams/${team.id}`,
      you: { role: "leader", share: null },
    });

    const friends = await shoppers(20);
    const answers = await Promise.all(friends.map((friend) => join(friend, team.id)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 409)).toHaveLength(17);
    const refusals = await Promise.all(answers.filter((a) => a.status === 409).map(codeOf));
    expect(new Set(refusals)).toEqual(new Set(["team_full"]));
    const joined = friends.filter((_, i) => answers[i]!.status === 200);
    const completions = await Promise.all(answers.filter((a) => a.status === 200).map((a) => a.json<{ completed: boolean }>()));
    expect(completions.filter((c) => c.completed)).toHaveLength(1);

    // Every member's wallet holds one coupon of their share; the leader has the odd fen.
    const members = [leader, ...joined];
    const wallets = await Promise.all(members.map((member) => teamCoupons(member, campaign.id)));
    expect(wallets.map((w) => w.length)).toEqual([1, 1, 1, 1]);
    expect(wallets[0]![0]!.amountOff).toBe(2_501);
    expect(wallets.map((w) => w[0]!.amountOff).sort()).toEqual([2_500, 2_500, 2_500, 2_501]);
    expect(wallets.every((w) => w[0]!.usable)).toBe(true);
    expect(await env.COUPON_POOL.getByName(`team-${campaign.id}`).stats()).toMatchObject({ claimed: 4 });
    // Nobody else got one.
    for (const loser of friends.filter((_, i) => answers[i]!.status !== 200).slice(0, 3)) {
      expect(await teamCoupons(loser, campaign.id)).toEqual([]);
    }

    // The team page: members as badges only, my share as a member.
    const view = await (await joined[0]!.request(`/api/teams/${team.id}`)).json<{ team: ApiTeam }>();
    expect(view.team).toMatchObject({ status: "completed", seatsLeft: 0, you: { role: "member", share: 2_500 } });
    expect(view.team.members.map((m) => m.leader)).toEqual([true, false, false, false]);
    expect(view.team.members.filter((m) => m.you)).toHaveLength(1);
    const text = JSON.stringify(view);
    for (const member of members) expect(text).not.toContain(member.id);
    const outsider = await (await friends.find((f) => !joined.includes(f))!.request(`/api/teams/${team.id}`)).json<{ team: ApiTeam }>();
    expect(outsider.team.you).toBeNull();

    // A join after completion changes nothing; the figures count one completed team of 4 and its coupons.
    expect(await codeOf(await join(await Shopper.create(), team.id))).toBe("team_full");
    const counted = await eventually(
      () => figures(campaign.id),
      (f) => f.couponsGranted === 4,
    );
    expect(counted).toMatchObject({ teamsStarted: 1, teamsCompleted: 1, members: 4, couponsGranted: 4, grantedAmount: 10_001 });
  });

  it("refuses the leader's own join and a second join; the same key again is the first join's answer; unknown teams are 404", async () => {
    const campaign = await seedCampaign();
    const [leader, friend] = await shoppers(2);
    const team = await started(leader!, campaign.id);
    const selfJoin = await join(leader!, team.id);
    expect([selfJoin.status, await codeOf(selfJoin)]).toEqual([409, "self_join"]);
    const first = await join(friend!, team.id, "join-key-0001");
    expect(first.status).toBe(200);
    const again = await join(friend!, team.id, "join-key-0001");
    expect(await again.json()).toMatchObject({ replayed: true, team: { seatsLeft: 2 } });
    const duplicate = await join(friend!, team.id);
    expect([duplicate.status, await codeOf(duplicate)]).toEqual([409, "already_joined"]);
    const view = await (await leader!.request(`/api/teams/${team.id}`)).json<{ team: ApiTeam }>();
    expect(view.team).toMatchObject({ seatsLeft: 2 });
    expect(view.team.members).toHaveLength(2);

    expect((await friend!.request(`/api/teams/tm_${campaign.id}_0123456789abcdef`)).status).toBe(404);
    expect(await codeOf(await join(friend!, "not-a-team"))).toBe("not_found");
    expect((await start(friend!, "no-such-campaign")).status).toBe(404);
    expect(await codeOf(await join(friend!, team.id, "bad key"))).toBe("invalid_request");
  });

  it("expires a team at its time by the object's alarm: nothing granted, later joins team_expired, the members free to try again", async () => {
    const campaign = await seedCampaign({ completeWithinSeconds: 3_600 });
    const [leader, friend, late] = await shoppers(3);
    const team = await started(leader!, campaign.id);
    expect((await join(friend!, team.id)).status).toBe(200);

    const stub = env.TEAM_UP.getByName(team.id);
    await runInDurableObject(stub, (instance: TeamUp) => TeamUp.clockOf(instance).advance(3_600_000));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await stub.read())?.status).toBe("expired");

    const refused = await join(late!, team.id);
    expect([refused.status, await codeOf(refused)]).toEqual([410, "team_expired"]);
    const view = await (await friend!.request(`/api/teams/${team.id}`)).json<{ team: ApiTeam }>();
    expect(view.team).toMatchObject({ status: "expired", seatsLeft: 0, you: { role: "member", share: null } });
    expect(await teamCoupons(leader!, campaign.id)).toEqual([]);
    expect(await teamCoupons(friend!, campaign.id)).toEqual([]);
    expect(await env.COUPON_POOL.getByName(`team-${campaign.id}`).stats()).toMatchObject({ claimed: 0 });
    expect(await stub.deliveries()).toMatchObject({ granted: 0, pending: 0, rosterBehind: false });
    expect(await figures(campaign.id)).toMatchObject({ teamsStarted: 1, teamsExpired: 1, couponsGranted: 0 });
    // The team issued nothing: its members may start (or join) another.
    expect((await start(friend!, campaign.id)).status).toBe(201);
  });
});

describe("team-up red packets: one team per shopper per campaign (issue 14)", () => {
  it("refuses a shopper in team A starting or joining team B of the same campaign, and answers a retried start with the same team", async () => {
    const campaign = await seedCampaign();
    const [leaderA, leaderB, shopper] = await shoppers(3);
    const teamA = await started(leaderA!, campaign.id);
    const teamB = await started(leaderB!, campaign.id);
    expect((await join(shopper!, teamA.id)).status).toBe(200);

    const startB = await start(shopper!, campaign.id);
    expect([startB.status, await codeOf(startB)]).toEqual([409, "already_in_team"]);
    const joinB = await join(shopper!, teamB.id);
    expect([joinB.status, await codeOf(joinB)]).toEqual([409, "already_in_team"]);
    expect(await codeOf(await join(leaderA!, teamB.id))).toBe("already_in_team");
    expect(await codeOf(await start(leaderA!, campaign.id))).toBe("already_in_team");
    // Team B is as it was.
    expect((await (await leaderB!.request(`/api/teams/${teamB.id}`)).json<{ team: ApiTeam }>()).team.members).toHaveLength(1);

    const key = crypto.randomUUID();
    const other = await Shopper.create();
    const first = await (await start(other, campaign.id, key)).json<{ team: ApiTeam; replayed: boolean }>();
    const retried = await (await start(other, campaign.id, key)).json<{ team: ApiTeam; replayed: boolean }>();
    expect([first.replayed, retried.replayed, retried.team.id]).toEqual([false, true, first.team.id]);

    // Another campaign is another roster.
    const second = await seedCampaign();
    expect((await start(shopper!, second.id)).status).toBe(201);
  });

  it("lets a shopper into one team only when they race to join two at once", async () => {
    const campaign = await seedCampaign();
    const leaders = await shoppers(5);
    const teams = await Promise.all(leaders.map((leader) => started(leader, campaign.id)));
    const racer = await Shopper.create();
    const answers = await Promise.all(teams.map((team) => join(racer, team.id)));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(new Set(await Promise.all(answers.filter((a) => a.status !== 200).map(codeOf)))).toEqual(new Set(["already_in_team"]));
  });
});

describe("team-up red packets: new shoppers only (issue 14)", () => {
  it("refuses a shopper with a paid order, seats a new one, and lets anyone lead", async () => {
    const campaign = await seedCampaign({ joinRule: "new_shoppers" });
    const [leader, returning, fresh] = await shoppers(3);
    await withPostgres((pool) =>
      pool.query(
        "insert into events (id, type, shopper_id, at, received_at, device, amount) values ($1, 'order_paid', $2, now() - interval '1 day', now(), 'unknown', 100)",
        [`paid-${crypto.randomUUID()}`, returning!.id],
      ),
    );
    const team = await started(leader!, campaign.id);
    const refused = await join(returning!, team.id);
    expect([refused.status, await codeOf(refused)]).toEqual([403, "not_new_shopper"]);
    expect((await join(fresh!, team.id)).status).toBe(200);
    // The returning shopper may still start a team of their own.
    expect((await start(returning!, campaign.id)).status).toBe(201);
  });
});

describe("team-up red packets: what the join depends on (issue 14)", () => {
  it("refuses a join to a new-shoppers team with 503 when Postgres cannot say whether the joiner is new, seating nobody", async () => {
    const campaign = await seedCampaign({ joinRule: "new_shoppers" });
    const [leader, friend] = await shoppers(2);
    const team = await started(leader!, campaign.id);
    const refused = await joinWith({ DATABASE_URL: "postgres://sweep:sweep@127.0.0.1:9/none" }, friend!, team.id);
    expect([refused.status, await codeOf(refused)]).toEqual([503, "dependency_unavailable"]);
    expect((await env.TEAM_UP.getByName(team.id).read())?.members).toHaveLength(1);
    // Nothing reserved either: the friend can join once Postgres answers.
    expect((await join(friend!, team.id)).status).toBe(200);
  });

  it("rate limits joins per shopper like checkout: 429 with Retry-After, nothing joined", async () => {
    const campaign = await seedCampaign();
    const [a, b, joiner] = await shoppers(3);
    const [teamA, teamB] = [await started(a!, campaign.id), await started(b!, campaign.id)];
    const limits = { RATE_LIMIT_WRITES_PER_SHOPPER: "1/24h" };
    expect((await joinWith(limits, joiner!, teamA.id)).status).toBe(200);
    const limited = await joinWith(limits, joiner!, teamB.id);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("Retry-After")).toMatch(/^\d+$/);
    expect(await codeOf(limited)).toBe("rate_limited");
    expect((await env.TEAM_UP.getByName(teamB.id).read())?.members).toHaveLength(1);
  });

  it("frees a reservation its team never confirmed (a team object that failed mid-join) once the roster's alarm has checked it", async () => {
    const campaign = await seedCampaign();
    const shopper = await Shopper.create();
    const roster = env.TEAM_CAMPAIGN_ROSTER.getByName(campaign.id);
    const lost = `tm_${campaign.id}_0123456789abcdef`;
    expect(await roster.reserve(shopper.id, lost)).toMatchObject({ ok: true });
    expect(await codeOf(await start(shopper, campaign.id))).toBe("already_in_team");
    await runInDurableObject(roster, (instance: TeamCampaignRoster) => TeamCampaignRoster.clockOf(instance).advance(61_000));
    expect(await runDurableObjectAlarm(roster)).toBe(true);
    expect(await roster.teamOf(shopper.id)).toBeNull();
    expect((await start(shopper, campaign.id)).status).toBe(201);
  });
});

describe("team-up red packets: grants delivered exactly once (issue 14)", () => {
  it("keeps a completed team's grants pending while the pool cannot be reached, and delivers each once from the alarm", async () => {
    const campaign = await seedCampaign({ teamSize: 2, poolAmount: 3, split: "random" });
    const [leader, friend] = await shoppers(2);
    const team = await started(leader!, campaign.id);
    // The coupon template vanishes (a failed read, a pool not reachable): the completion must not lose the grants.
    const templateKey = couponKey(`team-${campaign.id}`);
    const template = await env.SALES.get(templateKey);
    await env.SALES.delete(templateKey);
    const completed = await join(friend!, team.id);
    expect(await completed.json()).toMatchObject({ completed: true, team: { status: "completed" } });
    const stub = env.TEAM_UP.getByName(team.id);
    expect(await stub.deliveries()).toMatchObject({ granted: 0, pending: 2 });

    await env.SALES.put(templateKey, template!);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await stub.deliveries()).toMatchObject({ granted: 2, grantedAmount: 3, pending: 0, rosterBehind: false });
    // Delivered again (a retry after a lost answer): still one coupon each.
    await runInDurableObject(stub, (instance: TeamUp) => instance.alarm());
    const wallets = await Promise.all([leader!, friend!].map((s) => teamCoupons(s, campaign.id)));
    expect(wallets.map((w) => w.length)).toEqual([1, 1]);
    expect(wallets[0]![0]!.amountOff + wallets[1]![0]!.amountOff).toBe(3);
    expect(await figures(campaign.id)).toMatchObject({ teamsCompleted: 1, couponsGranted: 2, grantedAmount: 3 });
  });
});

describe("team-up red packets: the running campaigns (issue 14)", () => {
  it("lists campaigns taking teams now, not those ended or not yet started; starting outside the window is refused", async () => {
    const running = await seedCampaign();
    const later = await seedCampaign({ startsAt: Date.now() + DAY, endsAt: Date.now() + 2 * DAY });
    const { campaigns } = await (await (await Shopper.create()).request("/api/team-campaigns")).json<{
      campaigns: Array<{ id: string }>;
    }>();
    const ids = campaigns.map((c) => c.id);
    expect(ids).toContain(running.id);
    expect(ids).not.toContain(later.id);
    const shopper = await Shopper.create();
    expect(await codeOf(await start(shopper, later.id))).toBe("not_started");
  });
});
