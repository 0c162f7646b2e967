import { fail, succeed, type Result } from "../errors.ts";
import { equalSplit, type Random, secureRandom, twiceTheMeanSplit } from "./split.ts";
import type { JoinRule, TeamCampaign, TeamSplit } from "./team-campaign.ts";

/**
 * One team of a team-up red packet campaign (issue 14) as a pure state machine: what the
 * team's Durable Object holds and persists. A shopper starts it (the leader, the first
 * member), friends join one seat each, and the join that takes the last seat completes it:
 * the pool is split and every member is granted a coupon of their share, once. A team whose
 * time runs out first expires and grants nothing.
 *
 * No clock and no storage of its own: the caller passes server time in, answers the
 * questions it alone can (is this shopper new, are they in another team of the campaign),
 * and persists what comes back. Every function returns a new team and never changes the one
 * it is given; a refusal returns the reason and nothing else.
 */

export const TEAM_STATUSES = ["open", "completed", "expired"] as const;
export type TeamStatus = (typeof TEAM_STATUSES)[number];

const DAY_MS = 86_400_000;

export interface TeamMember {
  shopperId: string;
  joinedAt: number;
}

/**
 * The campaign's terms as they were when the team started: a team runs to its end on them,
 * whatever the marketer changes later, and needs no campaign to complete.
 */
export interface TeamTerms {
  poolAmount: number;
  split: TeamSplit;
  joinRule: JoinRule;
  couponValidDays: number;
  couponMinSpend: number;
  /** The SKUs the coupons apply to; empty: any. */
  skus: string[];
}

/**
 * A coupon a completed team grants one member. `grantKey` is unique per team and member:
 * whoever issues the coupon makes it idempotent on this key, so a retried issue cannot grant
 * twice.
 */
export interface CouponGrant {
  grantKey: string;
  teamId: string;
  campaignId: string;
  shopperId: string;
  /** The member's share of the pool, in fen. */
  amount: number;
  /** The team's completion; the coupon may be used from here until `validUntil` (exclusive). */
  validFrom: number;
  validUntil: number;
  minSpend: number;
  skus: string[];
}

export interface Team {
  id: string;
  campaignId: string;
  leaderId: string;
  /** In the order they joined, the leader first. */
  members: TeamMember[];
  /** Seats, the leader's included. */
  size: number;
  status: TeamStatus;
  createdAt: number;
  /** When an open team fails: createdAt + the campaign's completeWithinSeconds. */
  expiresAt: number;
  completedAt: number | null;
  terms: TeamTerms;
  /**
   * Each member's share, in member order: decided at completion (or given at start), null
   * until then. Sums to the pool exactly, every share at least 1 fen.
   */
  shares: number[] | null;
  /** One per member, in member order, from the moment the team completes; empty before, and forever when it expires. */
  grants: CouponGrant[];
}

/** The key a member's coupon is issued under: one per team and shopper. */
export const grantKey = (teamId: string, shopperId: string) => `${teamId}:${shopperId}`;

export interface StartTeam {
  id: string;
  campaign: TeamCampaign;
  leaderId: string;
  now: number;
  /** Whether the leader already leads or joined another team of this campaign (one each). */
  alreadyInAnotherTeam?: boolean;
  /**
   * The split decided up front (for a caller that shows or records it before the team
   * fills); one share a seat, summing to the pool, each at least 1 fen. Without it the split
   * is drawn at completion.
   */
  shares?: number[];
}

/**
 * A new open team with its leader in the first seat. Refused before the campaign's window
 * (`not_started`), from its end (`ended`), and for a leader already in one of its teams
 * (`already_in_team`). The campaign's join rule applies to those who join, not to the leader.
 */
export function startTeam({ id, campaign, leaderId, now, alreadyInAnotherTeam = false, shares }: StartTeam): Result<Team> {
  if (now < campaign.startsAt) return fail("not_started", "the team campaign has not started", { startsAt: campaign.startsAt });
  if (now >= campaign.endsAt) return fail("ended", "the team campaign takes no new teams", { endedAt: campaign.endsAt });
  if (alreadyInAnotherTeam) return fail("already_in_team", "you are already in a team of this campaign", { campaignId: campaign.id });
  if (shares) checkShares(shares, campaign.teamSize, campaign.poolAmount);
  return succeed({
    id,
    campaignId: campaign.id,
    leaderId,
    members: [{ shopperId: leaderId, joinedAt: now }],
    size: campaign.teamSize,
    status: "open",
    createdAt: now,
    expiresAt: now + campaign.completeWithinSeconds * 1000,
    completedAt: null,
    terms: {
      poolAmount: campaign.poolAmount,
      split: campaign.split,
      joinRule: campaign.joinRule,
      couponValidDays: campaign.couponValidDays,
      couponMinSpend: campaign.couponMinSpend,
      skus: [...campaign.appliesTo.skus],
    },
    shares: shares ? [...shares] : null,
    grants: [],
  });
}

export interface JoinTeam {
  shopperId: string;
  now: number;
  /** Whether the shopper has never shopped here; only a `new_shoppers` campaign asks, and unknown counts as no. */
  isNewShopper?: boolean;
  /** Whether the shopper already leads or joined another team of this campaign. */
  alreadyInAnotherTeam?: boolean;
  /** The random numbers a `random` split draws at completion; secureRandom unless given. */
  random?: Random;
}

/**
 * The shopper takes the next seat; the join that takes the last completes the team: shares
 * decided, a grant per member. Refused, in this order: the leader (`self_join`), a member
 * (`already_joined`), a team out of time (`team_expired`, also while still `open` at or after
 * `expiresAt`: the caller should then `expireTeam` it), a full one (`team_full`: it completed
 * when its last seat was taken), a shopper in another team of the campaign
 * (`already_in_team`), and, in a new-shoppers campaign, one who is not new
 * (`not_new_shopper`).
 */
export function joinTeam(team: Team, join: JoinTeam): Result<{ team: Team; completed: boolean }> {
  const { shopperId, now } = join;
  if (shopperId === team.leaderId) return fail("self_join", "you started this team: invite friends to join it", { teamId: team.id });
  if (team.members.some((member) => member.shopperId === shopperId)) {
    return fail("already_joined", "you are already in this team", { teamId: team.id });
  }
  if (team.status === "expired" || (team.status === "open" && now >= team.expiresAt)) {
    return fail("team_expired", "the team ran out of time before it filled", { teamId: team.id, expiresAt: team.expiresAt });
  }
  if (team.status === "completed" || team.members.length >= team.size) {
    return fail("team_full", "every seat of the team is taken", { teamId: team.id, size: team.size });
  }
  if (join.alreadyInAnotherTeam)
    return fail("already_in_team", "you are already in a team of this campaign", { campaignId: team.campaignId });
  if (team.terms.joinRule === "new_shoppers" && join.isNewShopper !== true) {
    return fail("not_new_shopper", "this team is for new shoppers only", { teamId: team.id });
  }
  const members = [...team.members, { shopperId, joinedAt: now }];
  if (members.length < team.size) return succeed({ team: { ...team, members }, completed: false });
  const shares = team.shares ? [...team.shares] : split(team.terms, team.size, join.random ?? secureRandom);
  const grants = members.map(({ shopperId: member }, index) => ({
    grantKey: grantKey(team.id, member),
    teamId: team.id,
    campaignId: team.campaignId,
    shopperId: member,
    amount: shares[index]!,
    validFrom: now,
    validUntil: now + team.terms.couponValidDays * DAY_MS,
    minSpend: team.terms.couponMinSpend,
    skus: [...team.terms.skus],
  }));
  return succeed({ team: { ...team, members, status: "completed", completedAt: now, shares, grants }, completed: true });
}

/**
 * An open team at or past its `expiresAt` fails: status `expired`, no shares, no grants,
 * ever. Any other team comes back as it was, with `expired: false` (an alarm that fires
 * late, twice, or after the team completed changes nothing).
 */
export function expireTeam(team: Team, now: number): { team: Team; expired: boolean } {
  if (team.status !== "open" || now < team.expiresAt) return { team, expired: false };
  return { team: { ...team, status: "expired" }, expired: true };
}

/** When the team's object should next wake to expire it: its expiresAt while open, else never (null). */
export function teamAlarmAt(team: Team): number | null {
  return team.status === "open" ? team.expiresAt : null;
}

function split(terms: TeamTerms, members: number, random: Random): number[] {
  return terms.split === "equal" ? equalSplit(terms.poolAmount, members) : twiceTheMeanSplit(terms.poolAmount, members, random);
}

/** Shares given up front must be a valid split of the pool: a caller's mistake otherwise, not a shopper's. */
function checkShares(shares: number[], size: number, pool: number): void {
  const valid =
    shares.length === size &&
    shares.every((share) => Number.isSafeInteger(share) && share >= 1) &&
    shares.reduce((a, b) => a + b, 0) === pool;
  if (!valid) throw new RangeError(`shares must be ${size} whole amounts of at least 1 fen summing to ${pool}, not [${shares.join(", ")}]`);
}
