import { DurableObject } from "cloudflare:workers";
import { MovableClock } from "../../src/clock.ts";
import { fail, type Result, succeed } from "../../src/errors.ts";
import type { TeamStatus } from "../../src/teams/team.ts";

/**
 * What a team's object tells its campaign's roster after every change (and again until the
 * roster has heard it): the roster keeps the newest by `revision`, so a late retry of an
 * older notice changes nothing.
 */
export interface TeamSummary {
  teamId: string;
  revision: number;
  status: TeamStatus;
  /** Members' shopper ids, the leader first. */
  members: string[];
  createdAt: number;
  /** Coupons the campaign's pool has granted the team's members so far, and their total (fen). */
  granted: number;
  grantedAmount: number;
}

/** What the console shows of a campaign. */
export interface CampaignFigures {
  teamsStarted: number;
  teamsOpen: number;
  teamsCompleted: number;
  teamsExpired: number;
  members: number;
  couponsGranted: number;
  grantedAmount: number;
}

/** A reservation a team never confirmed is checked with the team this long after it was made. */
export const RESERVATION_MS = 60_000;
/** A team's object that did not answer is asked again this much later. */
const SWEEP_RETRY_MS = 30_000;
const SCHEMA_VERSION = 1;

/**
 * One team campaign's roster (issue 14), named by the campaign's id: the one place that
 * enforces "one team per shopper per campaign", because it is the one place every team of
 * the campaign passes through, one request at a time.
 *
 * Why an object and not a unique row in Postgres: a join must not depend on Postgres (an
 * `anyone` campaign needs no database at all, and a Postgres outage would stop every team),
 * and the roster is one SQLite write away inside the platform the teams already run on. The
 * price is one object per campaign that every start and join visits once (a campaign's joins
 * are far below an object's throughput); each team's seats stay with its own object.
 *
 * A team's object reserves a seat for a shopper before it seats them (`reserve`), and either
 * gives it back when it then refuses them (`release`) or confirms it with its next summary
 * (`teamChanged`). A reservation neither confirmed nor released (the team's object failed
 * between the two) is checked with the team after RESERVATION_MS by the alarm: kept if the
 * shopper is a member, else freed. A team that expires frees its members' seats: it issued
 * nothing, so they may try again in another team.
 */
export class TeamCampaignRoster extends DurableObject<Env> {
  private readonly clock = new MovableClock();
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    ctx.blockConcurrencyWhile(async () => this.migrate());
  }

  /** The roster's clock, for tests (src/clock.ts). */
  static clockOf(roster: TeamCampaignRoster): MovableClock {
    return roster.clock;
  }

  /**
   * Holds a seat of `teamId` for the shopper: refused (`already_in_team`) when they hold one
   * of another team of the campaign; a seat of this same team (a retry) is theirs already.
   */
  async reserve(shopperId: string, teamId: string): Promise<Result<{ reserved: boolean }>> {
    const seat = this.seatOf(shopperId);
    if (seat) {
      if (seat.team_id === teamId) return succeed({ reserved: false });
      return fail("already_in_team", "you are already in a team of this campaign", { teamId: seat.team_id });
    }
    const deadline = this.clock.now() + RESERVATION_MS;
    this.sql.exec("INSERT INTO seats (shopper_id, team_id, confirmed, deadline) VALUES (?, ?, 0, ?)", shopperId, teamId, deadline);
    void this.wakeAt(deadline);
    return succeed({ reserved: true });
  }

  /** Gives back a reservation the team refused; a confirmed seat, or another team's, is left alone. */
  async release(shopperId: string, teamId: string): Promise<void> {
    this.sql.exec("DELETE FROM seats WHERE shopper_id = ? AND team_id = ? AND confirmed = 0", shopperId, teamId);
  }

  /** A team's newest state: its figures, its members' seats confirmed, or freed when it expired. */
  async teamChanged(summary: TeamSummary): Promise<void> {
    const known = this.sql.exec<{ revision: number }>("SELECT revision FROM teams WHERE team_id = ?", summary.teamId).toArray()[0];
    if (known && known.revision >= summary.revision) return;
    this.sql.exec(
      `INSERT INTO teams (team_id, revision, status, members, granted, granted_amount, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (team_id) DO UPDATE SET revision = excluded.revision, status = excluded.status, members = excluded.members,
         granted = excluded.granted, granted_amount = excluded.granted_amount`,
      summary.teamId,
      summary.revision,
      summary.status,
      summary.members.length,
      summary.granted,
      summary.grantedAmount,
      summary.createdAt,
    );
    if (summary.status === "expired") {
      this.sql.exec("DELETE FROM seats WHERE team_id = ?", summary.teamId);
      return;
    }
    for (const shopperId of summary.members) {
      this.sql.exec(
        `INSERT INTO seats (shopper_id, team_id, confirmed, deadline) VALUES (?, ?, 1, NULL)
         ON CONFLICT (shopper_id) DO UPDATE SET confirmed = 1, deadline = NULL WHERE team_id = excluded.team_id`,
        shopperId,
        summary.teamId,
      );
    }
  }

  /** The team the shopper holds a seat of (reserved or confirmed), or null. */
  async teamOf(shopperId: string): Promise<string | null> {
    return this.seatOf(shopperId)?.team_id ?? null;
  }

  async figures(): Promise<CampaignFigures> {
    const row = this.sql
      .exec<Record<string, number | null>>(
        `SELECT count(*) AS started,
           sum(status = 'open') AS open, sum(status = 'completed') AS completed, sum(status = 'expired') AS expired,
           sum(members) AS members, sum(granted) AS granted, sum(granted_amount) AS amount FROM teams`,
      )
      .one();
    return {
      teamsStarted: row.started ?? 0,
      teamsOpen: row.open ?? 0,
      teamsCompleted: row.completed ?? 0,
      teamsExpired: row.expired ?? 0,
      members: row.members ?? 0,
      couponsGranted: row.granted ?? 0,
      grantedAmount: row.amount ?? 0,
    };
  }

  /** Checks each reservation past its deadline with its team: kept if the shopper is a member, else freed. */
  override async alarm(): Promise<void> {
    const now = this.clock.now();
    const due = this.sql
      .exec<{ shopper_id: string; team_id: string }>("SELECT shopper_id, team_id FROM seats WHERE confirmed = 0 AND deadline <= ?", now)
      .toArray();
    const byTeam = new Map<string, typeof due>();
    for (const seat of due) byTeam.set(seat.team_id, [...(byTeam.get(seat.team_id) ?? []), seat]);
    let retry = false;
    await Promise.all(
      [...byTeam].map(async ([teamId, seats]) => {
        try {
          const team = await this.env.TEAM_UP.getByName(teamId).read();
          const members = new Set(team && team.status !== "expired" ? team.members.map((m) => m.shopperId) : []);
          for (const { shopper_id } of seats) {
            if (members.has(shopper_id)) {
              this.sql.exec("UPDATE seats SET confirmed = 1, deadline = NULL WHERE shopper_id = ? AND team_id = ?", shopper_id, teamId);
            } else {
              this.sql.exec("DELETE FROM seats WHERE shopper_id = ? AND team_id = ? AND confirmed = 0", shopper_id, teamId);
            }
          }
        } catch (error) {
          console.error(`team roster: team ${teamId} did not answer about its reservations: ${(error as Error).message}`);
          retry = true;
        }
      }),
    );
    if (retry) await this.wakeAt(this.clock.now() + SWEEP_RETRY_MS);
    const next = this.sql.exec<{ at: number | null }>("SELECT min(deadline) AS at FROM seats WHERE confirmed = 0").one().at;
    if (next !== null) await this.wakeAt(next);
  }

  private seatOf(shopperId: string): { team_id: string; confirmed: number } | undefined {
    return this.sql
      .exec<{ team_id: string; confirmed: number }>("SELECT team_id, confirmed FROM seats WHERE shopper_id = ?", shopperId)
      .toArray()[0];
  }

  /** Sets the alarm for `at` unless one is set earlier. */
  private async wakeAt(at: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }

  /** The schema, created or brought forward from the version it records (STYLE.md, 12). */
  private migrate(): void {
    this.sql.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
    const version = this.sql.exec<{ value: number }>("SELECT value FROM meta WHERE key = 'schema'").toArray()[0]?.value ?? 0;
    if (version < 1) {
      this.sql.exec(`
        CREATE TABLE IF NOT EXISTS seats (
          shopper_id TEXT PRIMARY KEY, team_id TEXT NOT NULL, confirmed INTEGER NOT NULL, deadline INTEGER);
        CREATE INDEX IF NOT EXISTS seats_team ON seats (team_id);
        CREATE TABLE IF NOT EXISTS teams (
          team_id TEXT PRIMARY KEY, revision INTEGER NOT NULL, status TEXT NOT NULL, members INTEGER NOT NULL,
          granted INTEGER NOT NULL, granted_amount INTEGER NOT NULL, created_at INTEGER NOT NULL);`);
    }
    if (version !== SCHEMA_VERSION) {
      this.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema', ?)", SCHEMA_VERSION);
    }
  }
}
