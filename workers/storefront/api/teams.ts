import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { describeDatabaseFailure } from "../../../src/db/errors.ts";
import { AppError, unwrap } from "../../../src/errors.ts";
import type { ShopperEvent } from "../../../src/events/event.ts";
import { JOIN_RULES, type TeamCampaign, TEAM_SPLITS } from "../../../src/teams/team-campaign.ts";
import { TeamCampaignCatalog } from "../../../src/teams/team-campaign-catalog.ts";
import { TEAM_STATUSES, type Team } from "../../../src/teams/team.ts";
import { campaignOfTeamId, memberBadge, teamIdFor } from "../../../src/teams/team-id.ts";
import type { AppEnv } from "../app-env.ts";
import { contractApp, contractRoute } from "../contract/route.ts";
import { epochMs, int, minorUnits } from "../contract/units.ts";
import { emitAfterAnswer } from "./event-queue.ts";
import { hasPaidBefore } from "./paid-before.ts";
import { addressLimit, sessionLimit, shopperLimit } from "./rate-limit.ts";
import { requestDevice } from "./request-device.ts";
import { session } from "./session.ts";
import { idempotencyKeyHeader, shopperWrite } from "./validation.ts";

/**
 * Team-up red packets for shoppers (issue 14, 组队瓜分红包): the running campaigns, starting a
 * team, a team's public page data, and joining. Each team is its own Durable Object
 * (durable-objects/team-up/), which seats joins one at a time; the campaign's roster object
 * keeps every shopper to one team per campaign. Starting and joining are writes rate limited
 * as checkout is.
 */

const campaignSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    teamSize: int.describe("members, the leader included"),
    poolAmount: minorUnits.describe("what a completed team shares"),
    split: z.enum(TEAM_SPLITS).describe("equal: equal shares, the odd fen to the first members; random: WeChat's twice-the-mean draw"),
    joinRule: z.enum(JOIN_RULES).describe("new_shoppers: only shoppers who have never paid for an order may join"),
    completeWithinSeconds: int.describe("how long a team has to fill its seats"),
    couponValidDays: int,
    couponMinSpend: minorUnits,
    skus: z.array(z.string()).describe("the SKUs the coupons apply to; empty: every sale"),
    startsAt: epochMs,
    endsAt: epochMs.describe("teams may be started until then"),
  })
  .openapi("TeamCampaignOffer");

const memberSchema = z.object({
  badge: z.string().describe("4 hex digits from a digest of the shopper's id: how others are shown, never their id"),
  hue: int.describe("0–359: an avatar colour from the same digest"),
  leader: z.boolean(),
  you: z.boolean(),
  joinedAt: epochMs,
});

const teamSchema = z
  .object({
    id: z.string().describe("tm_<campaign>_<16 hex>"),
    campaignId: z.string(),
    title: z.string().describe("the campaign's title now"),
    status: z
      .enum(TEAM_STATUSES)
      .describe("open: filling; completed: every member was granted a coupon of their share; expired: ran out of time, granted nothing"),
    size: int,
    seatsLeft: int,
    poolAmount: minorUnits,
    split: z.enum(TEAM_SPLITS),
    joinRule: z.enum(JOIN_RULES),
    createdAt: epochMs,
    expiresAt: epochMs.describe("an open team fails then"),
    completedAt: epochMs.nullable(),
    members: z.array(memberSchema).describe("in the order they joined, the leader first"),
    you: z
      .object({
        role: z.enum(["leader", "member"]),
        share: minorUnits.nullable().describe("your coupon's amount once the team completed; null before"),
      })
      .nullable()
      .describe("null: you are not in this team"),
    sharePath: z.string().describe("/teams/<id>: the page friends open to join"),
  })
  .openapi("Team");

const teamIdParams = z.object({ teamId: z.string().openapi({ param: { description: "the team's id, tm_<campaign>_<16 hex>" } }) });
const json = <T extends z.ZodType>(schema: T) => ({ "application/json": { schema } });

const listCampaigns = contractRoute({
  method: "get",
  path: "/team-campaigns",
  tags: ["teams"],
  summary: "Team-up red packet campaigns taking new teams now",
  responses: { 200: { description: "the running campaigns", content: json(z.object({ campaigns: z.array(campaignSchema) })) } },
});

const startTeamRoute = contractRoute({
  method: "post",
  path: "/team-campaigns/{id}/teams",
  tags: ["teams"],
  summary: "Start a team: the shopper leads it and gets its share path",
  description:
    "One team per shopper per campaign (`already_in_team`). The team's id is derived from the shopper and the Idempotency-Key: retrying with the same key answers the same team (`replayed: true`).",
  middleware: [shopperWrite, addressLimit, session, shopperLimit],
  request: {
    params: z.object({ id: z.string().openapi({ param: { description: "the team campaign's id" } }) }),
    headers: idempotencyKeyHeader,
  },
  responses: {
    201: {
      description: "started (or the team this key started)",
      content: json(z.object({ team: teamSchema, replayed: z.boolean() }).openapi("TeamStarted")),
    },
  },
  errors: ["not_found", "not_started", "ended", "already_in_team", "conflict", "dependency_unavailable"],
});

const readTeam = contractRoute({
  method: "get",
  path: "/teams/{teamId}",
  tags: ["teams"],
  summary: "A team as its share page shows it: members as badges, seats left, time left, status, and your share once it completed",
  middleware: [sessionLimit, session],
  request: { params: teamIdParams },
  responses: { 200: { description: "the team", content: json(z.object({ team: teamSchema })) } },
  errors: ["not_found"],
});

const joinTeamRoute = contractRoute({
  method: "post",
  path: "/teams/{teamId}/join",
  tags: ["teams"],
  summary: "Join a team: take the next seat; the last seat completes it and grants every member a coupon of their share",
  description:
    "Exact under concurrency: the team's object seats one join at a time, so 20 joins for 3 open seats seat 3 and refuse 17 `team_full`. A refusal changes nothing. Retrying with the same Idempotency-Key answers the join it made (`replayed: true`). In a new-shoppers campaign, a shopper with a paid order is refused `not_new_shopper`, and when Postgres cannot say, `dependency_unavailable`.",
  middleware: [shopperWrite, addressLimit, session, shopperLimit],
  request: { params: teamIdParams, headers: idempotencyKeyHeader },
  responses: {
    200: {
      description: "joined (or the join this key made)",
      content: json(
        z
          .object({ team: teamSchema, completed: z.boolean().describe("this join took the last seat"), replayed: z.boolean() })
          .openapi("TeamJoined"),
      ),
    },
  },
  errors: [
    "not_found",
    "self_join",
    "already_joined",
    "team_expired",
    "team_full",
    "already_in_team",
    "not_new_shopper",
    "dependency_unavailable",
  ],
});

export const teams = contractApp()
  .openapi(listCampaigns, async (c) => {
    const running = await new TeamCampaignCatalog(c.env.SALES).running(Date.now());
    c.header("Cache-Control", "no-store");
    return c.json({ campaigns: running.map(offerOf) }, 200);
  })
  .openapi(startTeamRoute, async (c) => {
    const { id } = c.req.valid("param");
    const key = c.req.valid("header")["Idempotency-Key"];
    const shopperId = c.get("shopperId");
    const campaign = await new TeamCampaignCatalog(c.env.SALES).find(id);
    if (!campaign) throw new AppError("not_found", `no team campaign "${id}"`);
    const teamId = await teamIdFor(campaign.id, shopperId, key);
    const started = unwrap(await c.env.TEAM_UP.getByName(teamId).start({ teamId, campaign, leaderId: shopperId, key }));
    if (!started.replayed) {
      emitAfterAnswer(c, {
        ...stamp(c, started.team.createdAt),
        id: `${teamId}:started`,
        type: "team_started",
        teamId,
        campaignId: campaign.id,
      });
    }
    return c.json({ team: await present(started.team, campaign, shopperId), replayed: started.replayed }, 201);
  })
  .openapi(readTeam, async (c) => {
    const { teamId } = c.req.valid("param");
    const team = await existingTeam(c.env, teamId);
    c.header("Cache-Control", "no-store");
    return c.json({ team: await present(team, await campaignOf(c.env, team), c.get("shopperId")) }, 200);
  })
  .openapi(joinTeamRoute, async (c) => {
    const { teamId } = c.req.valid("param");
    const key = c.req.valid("header")["Idempotency-Key"];
    const shopperId = c.get("shopperId");
    const team = await existingTeam(c.env, teamId);
    const isNewShopper = asksWhetherNew(team, shopperId) ? await isNew(c.env, shopperId) : undefined;
    const joined = unwrap(await c.env.TEAM_UP.getByName(teamId).join({ shopperId, key, isNewShopper }));
    if (!joined.replayed) emitJoined(c, joined.team, shopperId, joined.completed);
    return c.json(
      {
        team: await present(joined.team, await campaignOf(c.env, joined.team), shopperId),
        completed: joined.completed,
        replayed: joined.replayed,
      },
      200,
    );
  });

function offerOf(campaign: TeamCampaign): z.output<typeof campaignSchema> {
  const { id, title, teamSize, poolAmount, split, joinRule, completeWithinSeconds, couponValidDays, couponMinSpend, startsAt, endsAt } =
    campaign;
  return {
    id,
    title,
    teamSize,
    poolAmount,
    split,
    joinRule,
    completeWithinSeconds,
    couponValidDays,
    couponMinSpend,
    skus: campaign.appliesTo.skus,
    startsAt,
    endsAt,
  };
}

/** The team, or 404 for an id that names none (a malformed one never reaches an object). */
async function existingTeam(env: Env, teamId: string): Promise<Team> {
  const team = campaignOfTeamId(teamId) ? await env.TEAM_UP.getByName(teamId).read() : null;
  if (!team) throw new AppError("not_found", `no team ${teamId}`);
  return team;
}

function campaignOf(env: Env, team: Team): Promise<TeamCampaign | null> {
  return new TeamCampaignCatalog(env.SALES).find(team.campaignId);
}

/**
 * Whether the join needs to know if the shopper is new: only in a new-shoppers team that could
 * seat them. A join the team refuses anyway (the leader, a member, a team no longer open) does
 * not wait on Postgres.
 */
function asksWhetherNew(team: Team, shopperId: string): boolean {
  return team.terms.joinRule === "new_shoppers" && team.status === "open" && !team.members.some((m) => m.shopperId === shopperId);
}

/** New: no paid order. Postgres unreachable: refused, never guessed (a guess either way is wrong for someone). */
async function isNew(env: Env, shopperId: string): Promise<boolean> {
  try {
    return !(await hasPaidBefore(env, shopperId));
  } catch (error) {
    console.error(`teams: could not tell whether a shopper is new (${describeDatabaseFailure(error).summary})`);
    throw new AppError("dependency_unavailable", "we could not check whether you are a new shopper; try again shortly");
  }
}

/** A team as a shopper sees it: members as badges, never shopper ids; their own share only. */
async function present(team: Team, campaign: TeamCampaign | null, shopperId: string): Promise<z.output<typeof teamSchema>> {
  const index = team.members.findIndex((member) => member.shopperId === shopperId);
  const members = await Promise.all(
    team.members.map(async (member) => ({
      ...(await memberBadge(member.shopperId)),
      leader: member.shopperId === team.leaderId,
      you: member.shopperId === shopperId,
      joinedAt: member.joinedAt,
    })),
  );
  return {
    id: team.id,
    campaignId: team.campaignId,
    title: campaign?.title ?? "",
    status: team.status,
    size: team.size,
    seatsLeft: team.status === "open" ? team.size - team.members.length : 0,
    poolAmount: team.terms.poolAmount,
    split: team.terms.split,
    joinRule: team.terms.joinRule,
    createdAt: team.createdAt,
    expiresAt: team.expiresAt,
    completedAt: team.completedAt,
    members,
    you:
      index < 0
        ? null
        : { role: index === 0 ? "leader" : "member", share: team.shares && team.status === "completed" ? team.shares[index]! : null },
    sharePath: `/teams/${team.id}`,
  };
}

function stamp(c: Context<AppEnv>, at: number) {
  return { shopperId: c.get("shopperId"), at, device: requestDevice(c) };
}

/** team_joined for the shopper; and when their join completed the team, team_completed for every member (their share). */
function emitJoined(c: Context<AppEnv>, team: Team, shopperId: string, completed: boolean): void {
  const seat = team.members.findIndex((member) => member.shopperId === shopperId);
  const joinedAt = team.members[seat]!.joinedAt;
  const events: ShopperEvent[] = [
    { ...stamp(c, joinedAt), id: `${team.id}:joined:${seat}`, type: "team_joined", teamId: team.id, campaignId: team.campaignId },
  ];
  if (completed) {
    for (const grant of team.grants) {
      events.push({
        id: `${team.id}:completed:${team.members.findIndex((member) => member.shopperId === grant.shopperId)}`,
        type: "team_completed",
        shopperId: grant.shopperId,
        at: grant.validFrom,
        // The member's own device is not known here; only the joiner's is.
        device: grant.shopperId === shopperId ? requestDevice(c) : "unknown",
        teamId: team.id,
        campaignId: team.campaignId,
        amount: grant.amount,
      });
    }
  }
  emitAfterAnswer(c, ...events);
}
