import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { BoardReport } from "../../src/advisers/board-report.ts";
import { BOARD_SETTINGS_ID, BOARD_SETTINGS_PREFIX, type BoardSettings, DEFAULT_BOARD_SETTINGS } from "../../src/advisers/board-settings.ts";
import { admin, expectProblems, readError } from "./admin-support.ts";
import { freshId, insertOrder } from "./membership-support.ts";
import { withPostgres } from "./postgres-support.ts";

/**
 * The response-time board through the admin API (issue 17), over a real Postgres: conversations
 * and advisers seeded with ids of this file's own, in a window nobody else writes in (a random
 * month of the early 2000s), so rows of other tests never count; the live queue (open and
 * unanswered, whatever the window) is filtered by this file's ids. The board's settings are a
 * versioned KV document, saved and read back through the routes.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A random year of 2001–2010: nothing else writes conversations or orders then. */
const QUIET_YEAR = 2001 + Math.floor(Math.random() * 10);
let months = 0;
/** The next month of the quiet year (Shanghai midnight of its 1st), one per test: their windows never meet. */
function quietMonth(): number {
  months += 1;
  return Date.UTC(QUIET_YEAR, months, 1, -8);
}

interface Row {
  id?: string;
  shopperId?: string;
  adviserId: string;
  status?: "open" | "resolved";
  openedAt?: number;
  firstMessageAt?: number | null;
  firstResponseAt?: number | null;
  resolvedAt?: number | null;
}

/** Conversations written straight to Postgres, as the Conversation object would have. */
async function seedConversations(rows: Row[]): Promise<string[]> {
  const ids = rows.map((r) => r.id ?? freshId("cnv"));
  const date = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
  const values = rows.map((r, i) => ({
    id: ids[i],
    shopper_id: r.shopperId ?? freshId("shp"),
    adviser_id: r.adviserId,
    status: r.status ?? "open",
    opened_at: date(r.openedAt ?? r.firstMessageAt),
    first_message_at: date(r.firstMessageAt),
    first_response_at: date(r.firstResponseAt),
    resolved_at: date(r.resolvedAt),
    last_message_at: date(r.firstResponseAt ?? r.firstMessageAt),
  }));
  await withPostgres((pool) =>
    pool.query(
      `insert into conversations (id, shopper_id, adviser_id, status, opened_at, first_message_at, first_response_at, resolved_at, last_message_at)
       select id, shopper_id, adviser_id, status, opened_at, first_message_at, first_response_at, resolved_at, last_message_at
       from jsonb_to_recordset($1::jsonb) as r(id text, shopper_id text, adviser_id text, status text, opened_at timestamptz,
         first_message_at timestamptz, first_response_at timestamptz, resolved_at timestamptz, last_message_at timestamptz)`,
      [JSON.stringify(values)],
    ),
  );
  return ids;
}

async function seedAdviser(displayName: string, onShift = true): Promise<string> {
  const id = freshId("adv");
  await withPostgres((pool) =>
    pool.query("insert into advisers (id, staff_id, display_name, on_shift, created_at) values ($1, $2, $3, $4, now())", [
      id,
      freshId("stf"),
      displayName,
      onShift,
    ]),
  );
  return id;
}

async function currentSettings(): Promise<BoardSettings> {
  const response = await admin("/adviser-board/settings");
  expect(response.status).toBe(200);
  return (await response.json<{ settings: BoardSettings }>()).settings;
}

/** Saves the settings (from whatever version is stored now); fails the test if refused. */
async function saveSettings(changes: Partial<BoardSettings>): Promise<BoardSettings> {
  const { version, updatedAt: _at, updatedBy: _by, ...draft } = await currentSettings();
  const response = await admin("/adviser-board/settings", {
    method: "PUT",
    body: { ...draft, ...changes, expectedVersion: version },
    actor: "board-test",
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json<{ settings: BoardSettings }>()).settings;
}

const DEFAULT_HOURS = Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, ["09:00-18:00"]]));

async function board(from: number, to: number): Promise<BoardReport> {
  const response = await admin(`/adviser-board?from=${from}&to=${to}`);
  expect(response.status, await response.clone().text()).toBe(200);
  expect(response.headers.get("Cache-Control")).toBe("no-store");
  return response.json<BoardReport>();
}

/**
 * The settings are one document, and every save is audited in Postgres once per version: the
 * test Postgres is shared with the other files and projects (the console's browser test saves
 * them too), while each file's KV starts empty. So this file's document starts at a version
 * of its own, far from any other's.
 */
beforeAll(async () => {
  const version = 1_000_000 + Math.floor(Math.random() * 1_000_000_000);
  const settings = { ...DEFAULT_BOARD_SETTINGS, version };
  await env.SALES.put(`${BOARD_SETTINGS_PREFIX}${BOARD_SETTINGS_ID}`, JSON.stringify(settings));
});

describe("the response-time board (GET /admin/api/adviser-board)", () => {
  it("measures first response and resolution in business hours per adviser and overall: the issue's 17:50 → 09:10 is 20 minutes", async () => {
    await saveSettings({ timeZone: "Asia/Shanghai", hours: DEFAULT_HOURS as BoardSettings["hours"], firstResponseSlaMinutes: 30 });
    const month = quietMonth();
    const at = (day: number, hour: number, minute = 0) => month + (day - 1) * DAY + hour * HOUR + minute * MINUTE;
    const [ana, bo] = await Promise.all([seedAdviser("Ana"), seedAdviser("Bo")]);
    await seedConversations([
      // 17:50 → 09:10 next day: 20 business minutes; resolved at 10:10: 80.
      { adviserId: ana, status: "resolved", firstMessageAt: at(3, 17, 50), firstResponseAt: at(4, 9, 10), resolvedAt: at(4, 10, 10) },
      // 10:00 → 10:45: 45 minutes, past the 30-minute SLA.
      { adviserId: ana, firstMessageAt: at(5, 10), firstResponseAt: at(5, 10, 45) },
      // 12:00 → 17:00: 5 hours.
      { adviserId: bo, status: "resolved", firstMessageAt: at(6, 12), firstResponseAt: at(6, 17), resolvedAt: at(7, 9, 30) },
      // Opened by the adviser, the shopper never wrote: counted, not measured.
      { adviserId: bo, openedAt: at(8, 11) },
      // Before the window: not in it.
      { adviserId: bo, status: "resolved", firstMessageAt: month - DAY, firstResponseAt: month - DAY + HOUR, resolvedAt: month },
    ]);

    const report = await board(month, month + 28 * DAY);
    expect(report.overall).toMatchObject({ conversations: 4, open: 2, resolved: 2, waiting: 0, slaBreaches: 2 });
    expect(report.overall.firstResponse).toMatchObject({ count: 3, p50: 45 * 60, p90: 5 * 3_600, p95: 5 * 3_600 });
    expect(report.overall.firstResponse.buckets).toEqual({ "0-1h": 2, "1-4h": 0, "4-8h": 1, "8-24h": 0, "24h+": 0 });
    // Resolutions: 80 minutes, and 12:00 → 09:30 next day = 6 h + 30 min.
    expect(report.overall.resolution).toMatchObject({ count: 2, p50: 80 * 60, p95: 6.5 * 3_600 });

    const mine = report.advisers.filter((a) => a.adviserId === ana || a.adviserId === bo);
    expect(mine.map((a) => [a.displayName, a.conversations, a.firstResponse.p50, a.slaBreaches, a.onShift])).toEqual([
      ["Ana", 2, 20 * 60, 1, true],
      ["Bo", 2, 5 * 3_600, 1, true],
    ]);
    expect(report.settings).toMatchObject({ timeZone: "Asia/Shanghai", firstResponseSlaMinutes: 30 });
  });

  it("lists who is waiting now, longest first, the waits past the SLA marked as breaches", async () => {
    await saveSettings({
      timeZone: "UTC",
      hours: {
        ...DEFAULT_HOURS,
        ...Object.fromEntries(Object.keys(DEFAULT_HOURS).map((d) => [d, ["00:00-24:00"]])),
      } as BoardSettings["hours"],
      firstResponseSlaMinutes: 60,
    });
    const adviser = await seedAdviser("Cai");
    const now = Date.now();
    const [long, short, answered] = await seedConversations([
      { adviserId: adviser, firstMessageAt: now - 3 * HOUR },
      { adviserId: adviser, firstMessageAt: now - 5 * MINUTE },
      { adviserId: adviser, firstMessageAt: now - 2 * HOUR, firstResponseAt: now - HOUR },
    ]);
    const report = await board(now - DAY, now + MINUTE);
    const waiting = report.waiting.filter((w) => w.adviserId === adviser);
    expect(waiting.map((w) => [w.conversationId, w.breached, w.adviserName])).toEqual([
      [long, true, "Cai"],
      [short, false, "Cai"],
    ]);
    expect(waiting.map((w) => w.conversationId)).not.toContain(answered);
    expect(waiting[0]?.waitedSeconds).toBeGreaterThanOrEqual(3 * 3_600);
    const cai = report.advisers.find((a) => a.adviserId === adviser);
    // Round the clock: the one answered after exactly 60 minutes is not later than the SLA.
    expect(cai).toMatchObject({ conversations: 3, waiting: 2, slaBreaches: 1 });
  });

  it("gives the repeat-purchase rate of buyers with and without an adviser conversation", async () => {
    const month = quietMonth();
    const adviser = await seedAdviser("Dai");
    const shopper = () => freshId("shp");
    const [a, b, c, d, e] = [shopper(), shopper(), shopper(), shopper(), shopper()];
    // a and b wrote to their adviser; a bought twice, b once. c bought twice, d and e once; d's second order was cancelled.
    await seedConversations([
      { adviserId: adviser, shopperId: a, firstMessageAt: month + 2 * DAY, firstResponseAt: month + 2 * DAY + MINUTE },
      { adviserId: adviser, shopperId: b, firstMessageAt: month + 3 * DAY },
    ]);
    const sku = `t-board-${crypto.randomUUID().slice(0, 8)}`;
    const order = (shopperId: string, day: number, status?: "cancelled") =>
      insertOrder({ shopperId, sku, total: 10_000, paidAt: month + day * DAY, ...(status ? { status } : {}) });
    await Promise.all([
      order(a, 1),
      order(a, 10),
      order(b, 5),
      order(c, 4),
      order(c, 6),
      order(d, 7),
      order(d, 8, "cancelled"),
      order(e, 9),
    ]);
    // Outside the window: not counted.
    await order(e, 40);

    const report = await board(month, month + 28 * DAY);
    expect(report.repeatPurchase).toEqual({
      withConversation: { buyers: 2, repeatBuyers: 1, rate: 0.5 },
      withoutConversation: { buyers: 3, repeatBuyers: 1, rate: 1 / 3 },
    });
  });

  it("refuses a window that ends before it starts or spans more than 92 days, in the error shape", async () => {
    const now = Date.now();
    const backwards = await admin(`/adviser-board?from=${now}&to=${now - DAY}`);
    await expectProblems(backwards, ["from"]);
    const wide = await admin(`/adviser-board?from=${now - 100 * DAY}&to=${now}`);
    await expectProblems(wide, ["to"]);
  });

  it("measures 10,000 conversations in one read (README figure)", async () => {
    const month = quietMonth();
    const advisers = await Promise.all(Array.from({ length: 10 }, (_, i) => seedAdviser(`Scale ${i}`)));
    const tag = crypto.randomUUID().slice(0, 8);
    await withPostgres((pool) =>
      pool.query(
        `insert into conversations (id, shopper_id, adviser_id, status, opened_at, first_message_at, first_response_at, resolved_at, last_message_at)
         select 'cnv_scale_' || $1 || '_' || g, 'shp_scale_' || $1 || '_' || g, ($2::text[])[1 + g % 10],
           case when g % 3 = 0 then 'open' else 'resolved' end,
           m, m, case when g % 21 = 7 then null else m + (g % 600) * interval '1 minute' end,
           case when g % 3 = 0 then null else m + (g % 2000) * interval '1 minute' end, m
         from generate_series(1, 10000) g, lateral (select $3::timestamptz + (g * 241) % (27 * 1440) * interval '1 minute' as m) t`,
        [tag, advisers, new Date(month).toISOString()],
      ),
    );
    const started = performance.now();
    const report = await board(month, month + 28 * DAY);
    const elapsed = performance.now() - started;
    console.log(`adviser board over 10,000 conversations: ${elapsed.toFixed(0)} ms`);
    expect(report.overall.conversations).toBe(10_000);
    // Resolved without a reply (g ≡ 7 mod 21): 476 of them; none is left waiting in the live queue.
    expect(report.overall.firstResponse.count).toBe(10_000 - 476);
    expect(report.overall.waiting).toBe(0);
    expect(Object.values(report.overall.firstResponse.buckets).reduce((s, n) => s + n, 0)).toBe(report.overall.firstResponse.count);
    expect(elapsed).toBeLessThan(10_000);
  });
});

describe("the board's settings (a versioned KV document)", () => {
  it("saves a version with its audit entry, refuses a stale one with 409 and bad input listing every problem", async () => {
    const before = await currentSettings();
    const saved = await saveSettings({ firstResponseSlaMinutes: 45 });
    expect(saved).toMatchObject({ version: before.version + 1, firstResponseSlaMinutes: 45, updatedBy: "board-test" });
    expect((await currentSettings()).version).toBe(saved.version);

    const { version: _v, updatedAt: _a, updatedBy: _b, ...draft } = saved;
    const stale = await admin("/adviser-board/settings", { method: "PUT", body: { ...draft, expectedVersion: before.version } });
    expect(stale.status).toBe(409);
    expect(await readError(stale)).toMatchObject({ code: "conflict", version: saved.version });

    const bad = await admin("/adviser-board/settings", {
      method: "PUT",
      body: {
        ...draft,
        timeZone: "Mars/Olympus",
        firstResponseSlaMinutes: 0,
        hours: { mon: ["18:00-09:00"] },
        expectedVersion: saved.version,
      },
    });
    await expectProblems(bad, ["timeZone", "firstResponseSlaMinutes", "hours.mon.0"]);
    const closed = await admin("/adviser-board/settings", {
      method: "PUT",
      body: { ...draft, hours: {}, expectedVersion: saved.version },
    });
    await expectProblems(closed, ["hours"]);
    expect((await currentSettings()).version).toBe(saved.version);

    // Five saves from one version at once: exactly one is stored, the others are told to read again.
    const { version: _v2, updatedAt: _a2, updatedBy: _b2, ...latest } = await currentSettings();
    const raced = await Promise.all(
      [31, 32, 33, 34, 35].map((minutes) =>
        admin("/adviser-board/settings", {
          method: "PUT",
          body: { ...latest, firstResponseSlaMinutes: minutes, expectedVersion: saved.version },
        }),
      ),
    );
    expect(raced.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
    const winner = await currentSettings();
    expect(winner.version).toBe(saved.version + 1);
    expect([31, 32, 33, 34, 35]).toContain(winner.firstResponseSlaMinutes);
    await saveSettings({ firstResponseSlaMinutes: 45 });

    const history = await admin("/adviser-board/settings/history");
    const versions = (await history.json<{ versions: BoardSettings[] }>()).versions;
    expect(versions.map((v) => v.version).slice(0, 3)).toEqual([saved.version + 2, saved.version + 1, saved.version]);
    expect(versions[2]).toMatchObject({ firstResponseSlaMinutes: 45 });
    const audit = await admin("/adviser-board/settings/audit");
    const entries = (await audit.json<{ entries: Array<{ version: number; actor: string }> }>()).entries;
    expect(entries.map((e) => e.version).slice(0, 3)).toEqual([saved.version + 2, saved.version + 1, saved.version]);
    expect(entries[0]).toMatchObject({ actor: "board-test" });
  });
});
