import { DurableObject } from "cloudflare:workers";
import { MovableClock } from "../../src/clock.ts";
import { CouponCatalog } from "../../src/coupons/coupon-catalog.ts";
import { fail, type Result, succeed } from "../../src/errors.ts";
import { redactSecrets } from "../../src/redact.ts";
import { expireTeam, joinTeam, startTeam, type Team, teamAlarmAt } from "../../src/teams/team.ts";
import type { TeamCampaign } from "../../src/teams/team-campaign.ts";
import { teamCouponId } from "../../src/teams/team-coupon.ts";
import type { TeamSummary } from "../team-campaign-roster/index.ts";
import { queueEvents } from "../../src/events/event-message.ts";

/** What a start or a join answers: the team, whether this call completed it, and whether it is a retry's answer. */
export interface TeamAnswer {
  team: Team;
  completed: boolean;
  replayed: boolean;
}

/** A pool or the roster that did not answer is asked again this much later, by the alarm. */
const DELIVERY_RETRY_MS = 10_000;
/** Rounds of one delivery, when joins keep changing the team meanwhile; what is left, the alarm delivers. */
const DELIVERY_ROUNDS = 3;

/** Everything the object keeps, written whole under one storage key (a few hundred bytes: a team is at most 10 members). */
interface State {
  team: Team | null;
  /** The Idempotency-Key each member started or joined with: the same key again is a retry, answered as before. */
  keys: Record<string, string>;
  /** The grant keys (team.grants) whose coupon the pool has not yet confirmed. */
  pending: string[];
  /** Coupons the pool confirmed, and their total (fen). */
  granted: { count: number; amount: number };
  /** Bumped by every change the roster should hear of. */
  revision: number;
  /** The newest revision the roster confirmed. */
  rosterHeard: number;
  /** Issue 17: the expired team's `team_failed` events are on the events queue (absent in state written before). */
  failureTold?: boolean;
}

const STATE_KEY = "state";
const EMPTY: State = { team: null, keys: {}, pending: [], granted: { count: 0, amount: 0 }, revision: 0, rosterHeard: 0 };

/**
 * One team of a team-up red packet campaign (issue 14), named by the team's id
 * (`tm_<campaign>_<16 hex>`): it holds the team (src/teams/team.ts, plain JSON) and takes its
 * joins one at a time, so 20 concurrent joins for 3 open seats seat exactly 3.
 *
 * A join visits the campaign's roster (durable-objects/team-campaign-roster/) once, to reserve
 * the shopper's one seat in the campaign; while it waits, other joins run, so the team is
 * checked again when the roster answers and the seat given back if the team refuses now.
 *
 * Grants survive a crash: the join that takes the last seat writes the completed team and
 * every member's grant as pending in one storage write, with an alarm for now. The grants are
 * then delivered (inline, and by the alarm until each pool has answered); each is idempotent
 * in the pool by its grant key, so a grant delivered twice is one coupon, and a member gets
 * exactly one. The roster hears of each change the same way (its figures, its seats).
 */
export class TeamUp extends DurableObject<Env> {
  private readonly clock = new MovableClock();
  private state: State = EMPTY;
  /** The delivery under way, which a second caller (the alarm beside a join) waits for instead of starting another. */
  private delivering: Promise<boolean> | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.state = (await ctx.storage.get<State>(STATE_KEY)) ?? EMPTY;
    });
  }

  /** The team's clock, for tests (src/clock.ts). */
  static clockOf(team: TeamUp): MovableClock {
    return team.clock;
  }

  /**
   * Starts the team with its leader in the first seat. The same leader and key again (a
   * retried start: the team's id is derived from them) answers the team as it is now.
   */
  async start(request: { teamId: string; campaign: TeamCampaign; leaderId: string; key: string }): Promise<Result<TeamAnswer>> {
    const { teamId, campaign, leaderId, key } = request;
    if (this.state.team) return this.replayStart(leaderId, key);
    const tried = startTeam({ id: teamId, campaign, leaderId, now: this.clock.now() });
    if (!tried.ok) return tried;
    const seat = await this.reserve(campaign.id, leaderId, teamId);
    if (!seat.ok) return seat;
    if (this.state.team) return this.replayStart(leaderId, key);
    const started = startTeam({ id: teamId, campaign, leaderId, now: this.clock.now() });
    if (!started.ok) {
      if (seat.value.reserved) await this.release(campaign.id, leaderId, teamId);
      return started;
    }
    this.commit({ team: started.value, keys: { [leaderId]: key } });
    await this.deliver();
    return succeed({ team: started.value, completed: false, replayed: false });
  }

  /**
   * Seats the shopper, or refuses them (team.ts's joinTeam: self_join, already_joined,
   * team_expired, team_full, not_new_shopper; the roster's already_in_team). The join that
   * takes the last seat completes the team and delivers its grants before it answers (or, if a
   * pool does not answer, the alarm does). The same shopper and key again answers as before.
   */
  async join(request: { shopperId: string; key: string; isNewShopper?: boolean }): Promise<Result<TeamAnswer>> {
    const { shopperId, key, isNewShopper } = request;
    const team = this.current();
    if (!team) return fail("not_found", "no such team");
    const replay = this.replayJoin(shopperId, key);
    if (replay) return replay;
    const tried = joinTeam(team, { shopperId, now: this.clock.now(), isNewShopper });
    if (!tried.ok) return tried;
    const seat = await this.reserve(team.campaignId, shopperId, team.id);
    if (!seat.ok) return seat;
    // Other joins ran while the roster answered: decide on the team as it is now.
    const again = this.replayJoin(shopperId, key);
    if (again) return again;
    const joined = joinTeam(this.current()!, { shopperId, now: this.clock.now(), isNewShopper });
    if (!joined.ok) {
      if (seat.value.reserved) await this.release(team.campaignId, shopperId, team.id);
      return joined;
    }
    const { team: next, completed } = joined.value;
    this.commit({
      team: next,
      keys: { ...this.state.keys, [shopperId]: key },
      pending: completed ? next.grants.map((grant) => grant.grantKey) : this.state.pending,
    });
    await this.deliver();
    return succeed({ team: next, completed, replayed: false });
  }

  /** The team as it is now (an open team past its time expires on the spot), or null when there is none. */
  async read(): Promise<Team | null> {
    return this.current();
  }

  /** Coupons the pool confirmed for this team's members, and grants still to deliver. */
  async deliveries(): Promise<{ granted: number; grantedAmount: number; pending: number; rosterBehind: boolean }> {
    const { granted, pending, revision, rosterHeard } = this.state;
    return { granted: granted.count, grantedAmount: granted.amount, pending: pending.length, rosterBehind: revision > rosterHeard };
  }

  /** Expires the team when its time is up, and delivers what is still owed: grants, then the roster's notice. */
  override async alarm(): Promise<void> {
    this.current();
    await this.deliver();
  }

  /** The team, expired first if it is open past its time (written, and the roster told). */
  private current(): Team | null {
    const team = this.state.team;
    if (!team) return null;
    const { team: expired, expired: changed } = expireTeam(team, this.clock.now());
    if (changed) this.commit({ team: expired });
    return this.state.team;
  }

  private replayStart(leaderId: string, key: string): Result<TeamAnswer> {
    const team = this.current()!;
    if (team.leaderId !== leaderId || this.state.keys[leaderId] !== key) {
      return fail("conflict", "a team of this id exists already; start again with a new Idempotency-Key");
    }
    return succeed({ team, completed: false, replayed: true });
  }

  private replayJoin(shopperId: string, key: string): Result<TeamAnswer> | null {
    const team = this.state.team;
    if (!team || this.state.keys[shopperId] !== key || shopperId === team.leaderId) return null;
    if (!team.members.some((member) => member.shopperId === shopperId)) return null;
    return succeed({ team, completed: team.status === "completed", replayed: true });
  }

  /**
   * Writes a change, one storage write with the alarm that delivers it (the runtime coalesces
   * the puts and the alarm of one turn into one atomic write): a change the roster has not heard
   * of, and grants not yet delivered, are never lost to a crash after it.
   */
  private commit(change: Partial<State>): void {
    this.save({ ...change, revision: this.state.revision + 1 });
    this.schedule(false);
  }

  private save(change: Partial<State>): void {
    this.state = { ...this.state, ...change };
    void this.ctx.storage.put(STATE_KEY, this.state);
  }

  /** The alarm: now while anything is owed (later after a failed delivery), else at the team's expiry while open, else none. */
  private schedule(afterFailure: boolean): void {
    const now = this.clock.now();
    const owed = this.owed();
    const expiry = this.state.team ? teamAlarmAt(this.state.team) : null;
    const candidates = [owed ? (afterFailure ? now + DELIVERY_RETRY_MS : now) : null, expiry].filter((at): at is number => at !== null);
    if (candidates.length === 0) void this.ctx.storage.deleteAlarm();
    else void this.ctx.storage.setAlarm(Math.min(...candidates));
  }

  /** Delivers what is owed; one delivery at a time, a second caller waits for the one under way. Answers whether all arrived. */
  private deliver(): Promise<boolean> {
    this.delivering ??= this.deliverOwed().finally(() => {
      this.delivering = null;
    });
    return this.delivering;
  }

  private async deliverOwed(): Promise<boolean> {
    // Joins keep changing the team while a delivery waits on a pool or the roster: go round
    // again for what they added, a few times, and leave the rest to the alarm.
    for (let round = 0; round < DELIVERY_ROUNDS && this.owed(); round++) {
      const arrived =
        (this.state.pending.length === 0 || (await this.deliverGrants())) && (await this.noticeRoster()) && (await this.tellFailure());
      if (!arrived) {
        this.schedule(true);
        return false;
      }
    }
    this.schedule(false);
    return !this.owed();
  }

  private owed(): boolean {
    return this.state.pending.length > 0 || this.state.revision > this.state.rosterHeard || this.failureOwed();
  }

  /** An expired team whose members have not yet been told of (issue 17: a follow-up sequence's trigger). */
  private failureOwed(): boolean {
    return this.state.team?.status === "expired" && this.state.failureTold !== true;
  }

  /**
   * Puts a `team_failed` event per member on the events queue, once (ids `<team>:failed:<seat>`,
   * so a retry after a lost answer is the same events, stored once); its consumer writes each
   * one's `team_failed` trigger beside it.
   */
  private async tellFailure(): Promise<boolean> {
    if (!this.failureOwed()) return true;
    const team = this.state.team!;
    try {
      await queueEvents(
        this.env.EVENTS,
        team.members.map((member, seat) => ({
          id: `${team.id}:failed:${seat}`,
          type: "team_failed" as const,
          shopperId: member.shopperId,
          at: team.expiresAt,
          device: "unknown" as const,
          teamId: team.id,
          campaignId: team.campaignId,
        })),
      );
    } catch (error) {
      console.error(`team ${team.id}: its team_failed events were not queued: ${redactSecrets((error as Error).message)}`);
      return false;
    }
    this.save({ failureTold: true });
    return true;
  }

  /** Tells the roster the team's newest state, if it has not heard it. */
  private async noticeRoster(): Promise<boolean> {
    if (this.state.revision <= this.state.rosterHeard) return true;
    const summary = this.summary();
    try {
      await this.env.TEAM_CAMPAIGN_ROSTER.getByName(this.state.team!.campaignId).teamChanged(summary);
    } catch (error) {
      console.error(
        `team ${summary.teamId}: the roster did not take revision ${summary.revision}: ${redactSecrets((error as Error).message)}`,
      );
      return false;
    }
    this.save({ rosterHeard: Math.max(this.state.rosterHeard, summary.revision) });
    return true;
  }

  /** Grants each pending coupon through the campaign's pool; a grant the pool confirmed is struck off once, in the same turn. */
  private async deliverGrants(): Promise<boolean> {
    const team = this.state.team!;
    const templateId = teamCouponId(team.campaignId);
    const template = await new CouponCatalog(this.env.SALES).find(templateId).catch(() => null);
    if (!template) {
      console.error(`team ${team.id}: no coupon template ${templateId} to grant from; trying again later`);
      return false;
    }
    const pool = this.env.COUPON_POOL.getByName(templateId);
    const owed = team.grants.filter((grant) => this.state.pending.includes(grant.grantKey));
    const answers = await Promise.allSettled(
      owed.map(async (grant) => {
        await pool.grant(template, {
          grantKey: grant.grantKey,
          shopperId: grant.shopperId,
          amountOff: grant.amount,
          validUntil: grant.validUntil,
        });
        return grant;
      }),
    );
    let allArrived = true;
    let struck = 0;
    for (const answer of answers) {
      if (answer.status === "rejected") {
        allArrived = false;
        console.error(`team ${team.id}: a grant did not reach pool ${templateId}: ${redactSecrets(String(answer.reason))}`);
        continue;
      }
      const grant = answer.value;
      if (!this.state.pending.includes(grant.grantKey)) continue;
      struck++;
      this.state = {
        ...this.state,
        pending: this.state.pending.filter((k) => k !== grant.grantKey),
        granted: { count: this.state.granted.count + 1, amount: this.state.granted.amount + grant.amount },
      };
    }
    // The roster's figures count granted coupons: a new revision for it to hear.
    if (struck > 0) this.save({ revision: this.state.revision + 1 });
    return allArrived;
  }

  private summary(): TeamSummary {
    const team = this.state.team!;
    return {
      teamId: team.id,
      revision: this.state.revision,
      status: team.status,
      members: team.members.map((member) => member.shopperId),
      createdAt: team.createdAt,
      granted: this.state.granted.count,
      grantedAmount: this.state.granted.amount,
    };
  }

  private async reserve(campaignId: string, shopperId: string, teamId: string): Promise<Result<{ reserved: boolean }>> {
    try {
      return await this.env.TEAM_CAMPAIGN_ROSTER.getByName(campaignId).reserve(shopperId, teamId);
    } catch (error) {
      console.error(`team ${teamId}: the roster of ${campaignId} did not answer: ${redactSecrets((error as Error).message)}`);
      return fail("dependency_unavailable", "the team campaign could not be reached; try again shortly");
    }
  }

  /** Gives the roster back a reservation; if it does not answer, its alarm frees the seat (RESERVATION_MS). */
  private async release(campaignId: string, shopperId: string, teamId: string): Promise<void> {
    try {
      await this.env.TEAM_CAMPAIGN_ROSTER.getByName(campaignId).release(shopperId, teamId);
    } catch (error) {
      console.error(`team ${teamId}: a reservation was not given back (the roster will): ${redactSecrets((error as Error).message)}`);
    }
  }
}
