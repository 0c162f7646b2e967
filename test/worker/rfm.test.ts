import { env, exports } from "cloudflare:workers";
// The Worker first: its modules extend zod with `.openapi` before any schema of src/ is built.
import { admin } from "./admin-support.ts";
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { databaseSettings } from "../../src/config.ts";
import { couponKey, couponTemplateSchema } from "../../src/coupons/coupon-template.ts";
import { withDatabase } from "../../src/db/client.ts";
import { recencyScores, quintileScores } from "../../src/rfm/quintiles.ts";
import { latestRun, type RecomputeOutcome, recomputeRfm, type RfmRun } from "../../src/rfm/recompute.ts";
import { SEGMENT_CSV_COLUMNS } from "../../src/rfm/segment-csv.ts";
import { segmentOf } from "../../src/rfm/segment-map.ts";
import { shopperSegment } from "../../src/rfm/segment-reads.ts";
import { refundOrder } from "../../workers/storefront/api/refund-order.ts";
import { runRfmSchedule } from "../../workers/storefront/rfm-job.ts";
import { SCHEDULED_JOBS } from "../../workers/storefront/scheduled.ts";
import { DAY, freshId, insertOrder, rowsOf } from "./membership-support.ts";
import { withPostgres } from "./postgres-support.ts";
import { type ApiError, Shopper } from "./support.ts";

/**
 * RFM segments (issue 17) against the real Postgres every test shares: other tests' paid orders
 * are part of every run's population, so exact scores are checked against the pure scoring
 * (src/rfm/quintiles.ts, segment-map.ts) over the whole population a run wrote, and this
 * file's own shoppers for what their orders must give. One file, so its runs never race each other.
 */

type ScoreRow = {
  shopper_id: string;
  recency_days: number;
  frequency: number;
  monetary: string;
  r: number;
  f: number;
  m: number;
  segment: string;
  previous_segment: string | null;
};

const runNow = (key: string = crypto.randomUUID()) => admin("/segments/runs", { method: "POST", headers: { "Idempotency-Key": key } });

async function ranRun(response: Response): Promise<{ run: RfmRun; triggers: number }> {
  expect(response.status, await response.clone().text()).toBe(201);
  return response.json();
}

const rowsOfRun = (runId: string) =>
  rowsOf<ScoreRow>(
    "select shopper_id, recency_days, frequency, monetary, r, f, m, segment, previous_segment from rfm_scores where run_id = $1",
    [runId],
  );

async function scoresOf(shopperIds: readonly string[]): Promise<Map<string, ScoreRow>> {
  const rows = await rowsOf<ScoreRow & { run_id: string }>("select * from rfm_scores where shopper_id = any($1)", [shopperIds]);
  return new Map(rows.map((row) => [row.shopper_id, row]));
}

const seedScores = (shopperId: string, segment: string) =>
  withPostgres((pool) =>
    pool.query(
      `insert into rfm_scores (shopper_id, recency_days, frequency, monetary, r, f, m, segment, run_id, computed_at)
       values ($1, 1, 1, 100, 3, 3, 3, $2, 'test-seed', now())
       on conflict (shopper_id) do update set segment = $2`,
      [shopperId, segment],
    ),
  );

describe("RFM recompute (issue 17)", () => {
  it("measures each shopper from paid orders less refunds, and scores the whole population as the pure rule does", async () => {
    const now = Date.now();
    const a = freshId("shp");
    const b = freshId("shp");
    const c = freshId("shp");
    await insertOrder({ shopperId: a, sku: "t-rfm", total: 30_000, paidAt: now - 10 * DAY });
    const refunded = await insertOrder({ shopperId: a, sku: "t-rfm", total: 20_000, paidAt: now - 5 * DAY - 3_600_000 });
    await refundOrder(env, {
      orderId: refunded,
      amount: 5_000,
      units: 0,
      reason: "goodwill",
      idempotencyKey: freshId("rf"),
      actor: "test",
    });
    await insertOrder({ shopperId: a, sku: "t-rfm", total: 900_000, paidAt: now - 400 * DAY }); // outside the 365-day window
    await insertOrder({ shopperId: a, sku: "t-rfm", total: 900_000, paidAt: now - DAY, status: "cancelled" }); // never paid
    await insertOrder({ shopperId: b, sku: "t-rfm", total: 50_000, paidAt: now - 400 * DAY });
    const whole = await insertOrder({ shopperId: c, sku: "t-rfm", total: 10_000, paidAt: now - 2 * DAY });
    await refundOrder(env, { orderId: whole, amount: 10_000, units: 1, reason: "return", idempotencyKey: freshId("rf"), actor: "test" });
    const unscored = freshId("shp");

    const { run, triggers } = await ranRun(await runNow());
    expect(run).toMatchObject({ trigger: "manual", actor: "admin" });
    expect(run.finishedAt).toBeGreaterThanOrEqual(run.startedAt);

    const mine = await scoresOf([a, b, c, unscored]);
    expect(mine.get(a)).toMatchObject({ recency_days: 5, frequency: 2, monetary: "45000", previous_segment: null });
    expect(mine.get(b)).toMatchObject({ recency_days: 400, frequency: 0, monetary: "0" });
    // Refunded in full: still a purchase two days ago, but no frequency and no money.
    expect(mine.get(c)).toMatchObject({ recency_days: 2, frequency: 0, monetary: "0" });
    expect(mine.has(unscored)).toBe(false);

    // Exactness: the run's every row is what the pure rule gives over the same population.
    const population = await rowsOfRun(run.id);
    expect(population).toHaveLength(run.shoppers);
    const r = recencyScores(population.map((p) => p.recency_days));
    const f = quintileScores(population.map((p) => p.frequency));
    const m = quintileScores(population.map((p) => Number(p.monetary)));
    population.forEach((row, i) => {
      expect([row.r, row.f, row.m, row.segment], row.shopper_id).toEqual([r[i], f[i], m[i], segmentOf(r[i]!, f[i]!, m[i]!)]);
    });

    // Sizes are the run's rows by segment; a first scoring is movement from null and a trigger.
    const sizes: Record<string, number> = {};
    for (const row of population) sizes[row.segment] = (sizes[row.segment] ?? 0) + 1;
    expect(run.sizes).toEqual(sizes);
    const firsts = population.filter((p) => p.previous_segment === null).length;
    expect(run.movement.filter((move) => move.from === null).reduce((sum, move) => sum + move.shoppers, 0)).toBe(firsts);
    expect(triggers).toBe(population.filter((p) => p.previous_segment !== p.segment).length);
    const entered = await rowsOf<{ id: string; kind: string; payload: Record<string, unknown> }>(
      "select id, kind, payload from sequence_triggers where shopper_id = $1",
      [a],
    );
    expect(entered).toEqual([
      {
        id: `segment_entered:${run.id}:${a}`,
        kind: "segment_entered",
        payload: { segment: mine.get(a)!.segment, previousSegment: null, runId: run.id },
      },
    ]);
  });

  it("never splits ties: the issue's frequencies [1,1,1,1,1,1,2,2,3,10] give the six 1s one F score, in any population", async () => {
    const now = Date.now();
    const counts = [1, 1, 1, 1, 1, 1, 2, 2, 3, 10];
    const shoppers = counts.map(() => freshId("shp"));
    for (const [i, n] of counts.entries()) {
      for (let k = 0; k < n; k++)
        await insertOrder({ shopperId: shoppers[i]!, sku: "t-rfm-ties", total: 10_000, paidAt: now - (k + 1) * DAY });
    }
    await ranRun(await runNow());
    const scores = await scoresOf(shoppers);
    const f = shoppers.map((id) => scores.get(id)!.f);
    expect(new Set(f.slice(0, 6)).size).toBe(1);
    expect(f[6]).toBe(f[7]);
    expect(f[0]).toBeLessThanOrEqual(f[6]!);
    expect(f[6]).toBeLessThanOrEqual(f[8]!);
    expect(f[8]).toBeLessThanOrEqual(f[9]!);
  });

  it("keeps the segment before each run, and raises segment_entered exactly for the shoppers whose segment changed", async () => {
    const now = Date.now();
    const mover = freshId("shp");
    const stayer = freshId("shp");
    await insertOrder({ shopperId: mover, sku: "t-rfm-move", total: 1_000, paidAt: now - 300 * DAY });
    await insertOrder({ shopperId: stayer, sku: "t-rfm-move", total: 1_000, paidAt: now - 300 * DAY });
    const first = await ranRun(await runNow());
    const before = await scoresOf([mover, stayer]);

    // The mover buys big and often today: recency and FM both jump.
    for (let k = 0; k < 12; k++) await insertOrder({ shopperId: mover, sku: "t-rfm-move", total: 5_000_000, paidAt: now - k * 60_000 });
    const second = await ranRun(await runNow());
    const after = await scoresOf([mover, stayer]);
    expect(after.get(mover)!.previous_segment).toBe(before.get(mover)!.segment);
    expect(after.get(stayer)!.previous_segment).toBe(before.get(stayer)!.segment);
    expect(after.get(mover)!.r).toBeGreaterThan(before.get(mover)!.r);

    for (const id of [mover, stayer]) {
      const triggers = await rowsOf<{ id: string; payload: Record<string, unknown> }>(
        "select id, payload from sequence_triggers where shopper_id = $1 and kind = 'segment_entered' order by at",
        [id],
      );
      const changed = after.get(id)!.segment !== before.get(id)!.segment;
      expect(triggers.map((t) => t.id)).toEqual([
        `segment_entered:${first.run.id}:${id}`,
        ...(changed ? [`segment_entered:${second.run.id}:${id}`] : []),
      ]);
      if (changed) {
        expect(triggers[1]!.payload).toEqual({
          segment: after.get(id)!.segment,
          previousSegment: before.get(id)!.segment,
          runId: second.run.id,
        });
      }
    }
    // The run's movement is its rows' changes, grouped.
    const rows = (await rowsOfRun(second.run.id)).filter((row) => row.previous_segment !== row.segment);
    const grouped = new Map<string, number>();
    for (const row of rows)
      grouped.set(`${row.previous_segment}→${row.segment}`, (grouped.get(`${row.previous_segment}→${row.segment}`) ?? 0) + 1);
    expect(new Map(second.run.movement.map((move) => [`${move.from}→${move.to}`, move.shoppers]))).toEqual(grouped);
    expect(second.triggers).toBe(rows.length);
  });

  it("answers a retried Idempotency-Key with the run it made, and runs people's concurrent runs one after another, each succeeding", async () => {
    const key = crypto.randomUUID();
    const [one, two] = await Promise.all([runNow(key), runNow(key)]);
    const bodies = [await ranRun(one), await ranRun(two)];
    expect(bodies[0]!.run.id).toBe(bodies[1]!.run.id);
    expect([one.headers.get("Idempotent-Replayed"), two.headers.get("Idempotent-Replayed")].sort()).toEqual(["true", null].sort());
    expect(await rowsOf("select 1 from rfm_runs where id = $1", [bodies[0]!.run.id])).toHaveLength(1);

    const shopperId = freshId("shp");
    await insertOrder({ shopperId, sku: "t-rfm-serial", total: 7_000, paidAt: Date.now() - DAY });
    const three = await Promise.all([runNow(), runNow(), runNow()]);
    const runs = await Promise.all(three.map(ranRun));
    const ids = runs.map((r) => r.run.id);
    expect(new Set(ids).size).toBe(3);
    // One after another: the new shopper was new to exactly one of them (other files' orders may
    // move their segment between runs, so later triggers are not counted here).
    const [row] = await rowsOf<ScoreRow & { run_id: string }>("select * from rfm_scores where shopper_id = $1", [shopperId]);
    expect(ids).toContain(row!.run_id);
    const firsts = await rowsOf<{ id: string }>(
      "select id from sequence_triggers where shopper_id = $1 and payload->>'previousSegment' is null",
      [shopperId],
    );
    expect(firsts).toHaveLength(1);
  });

  it("the schedule: runs only when the last run is older than the interval, and concurrent firings make one run", async () => {
    expect(SCHEDULED_JOBS.map((job) => job.name)).toContain("rfm-segments");
    await ranRun(await runNow());
    // Just ran: not due with the default 24 h.
    const notDue = await runRfmSchedule(env, Date.now());
    expect(notDue).toMatchObject({ ran: false, reason: "not_due" });
    // Having seen that run, this isolate asks Postgres nothing more until the interval is up.
    const unreachable = { ...env, DATABASE_URL: "postgres://nobody:nothing@127.0.0.1:1/none" };
    expect(await runRfmSchedule(unreachable, Date.now() + 60_000)).toEqual({ ran: false, reason: "not_due", run: null });
    await expect(runRfmSchedule(unreachable, Date.now() + 25 * 3_600_000)).rejects.toThrow();

    // Due (the last run more than a millisecond before): five at once, one runs, nothing written
    // twice. Another file's Cron run holding the lock makes all five skip: then fire again.
    const fire = async (at: number) =>
      Promise.all(
        Array.from({ length: 5 }, () =>
          withDatabase(databaseSettings(env), (db) =>
            recomputeRfm(db, { runId: freshId("rfm"), at, trigger: "schedule", actor: "schedule", windowDays: 365, ifLastOlderThanMs: 1 }),
          ),
        ),
      );
    // After the latest run, whoever made it (another file's Cron run may have a clock ahead).
    const next = async () => Math.max(Date.now(), (await withDatabase(databaseSettings(env), latestRun))?.startedAt ?? 0) + 5;
    let at = await next();
    let outcomes: RecomputeOutcome[] = await fire(at);
    for (let i = 0; i < 3 && outcomes.every((o) => !o.ran && o.reason === "running"); i++) {
      at = await next();
      outcomes = await fire(at);
    }
    const ran = outcomes.filter((o) => o.ran);
    expect(ran).toHaveLength(1);
    for (const o of outcomes.filter((o) => !o.ran)) expect(["running", "not_due"]).toContain(o.reason);
    expect(await rowsOf("select 1 from rfm_runs where started_at = $1", [new Date(at)])).toHaveLength(1);
  });
});

describe("RFM admin routes (issue 17)", () => {
  it("the overview: the last run's sizes, the change since the run before, the grid; the runs newest first", async () => {
    const { run } = await ranRun(await runNow());
    const response = await admin("/segments");
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const overview = await response.json<{
      latest: RfmRun;
      segments: Array<{ segment: string; shoppers: number; change: number | null }>;
      grid: string[][];
      intervalHours: number;
      windowDays: number;
    }>();
    const runs = (await (await admin("/segments/runs?limit=2")).json<{ runs: RfmRun[] }>()).runs;
    expect(runs[0]!.id).toBe(overview.latest.id);
    expect(runs[0]!.startedAt).toBeGreaterThanOrEqual(run.startedAt);
    expect(overview.segments).toHaveLength(11);
    for (const s of overview.segments) {
      expect(s.shoppers).toBe(runs[0]!.sizes[s.segment] ?? 0);
      expect(s.change).toBe(s.shoppers - (runs[1]!.sizes[s.segment] ?? 0));
    }
    expect(overview.grid[4]![4]).toBe("champions");
    expect(overview).toMatchObject({ intervalHours: 24, windowDays: 365 });
    expect((await admin("/segments/runs?limit=0")).status).toBe(400);
  });

  it("a shopper's scores, 404 for one never scored or not a shopper id", async () => {
    const shopperId = freshId("shp");
    await insertOrder({ shopperId, sku: "t-rfm-one", total: 12_345, paidAt: Date.now() - DAY });
    await ranRun(await runNow());
    const response = await admin(`/segments/shoppers/${shopperId}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ shopperId, recencyDays: 1, frequency: 1, monetary: 12_345, previousSegment: null });
    expect((await admin(`/segments/shoppers/${freshId("shp")}`)).status).toBe(404);
    expect((await admin("/segments/shoppers/nobody")).status).toBe(404);
  });

  it("exports a segment as CSV, streamed page by page in shopper-id order, each row once, as an attachment", async () => {
    // 2,345 shoppers seeded into one segment: three pages of the export.
    const prefix = `shp_csv${crypto.randomUUID().slice(0, 8)}`;
    await withPostgres((pool) =>
      pool.query(
        `insert into rfm_scores (shopper_id, recency_days, frequency, monetary, r, f, m, segment, previous_segment, run_id, computed_at)
         select $1 || lpad(n::text, 5, '0'), n % 30, 1, n * 100, 1, 5, 5, 'cant_lose', 'loyal', 'test-seed', now()
         from generate_series(1, 2345) as n`,
        [prefix],
      ),
    );
    const response = await admin("/segments/cant_lose/export.csv");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toMatch(/^attachment; filename="rfm-cant_lose-\d{4}-\d{2}-\d{2}\.csv"$/);
    const text = await response.text();
    expect(text.startsWith(`${SEGMENT_CSV_COLUMNS.join(",")}\r\n`)).toBe(true);
    const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    const ids = parsed.data.map((row) => row.shopper_id!);
    expect(new Set(ids).size).toBe(ids.length);
    const seeded = parsed.data.filter((row) => row.shopper_id!.startsWith(prefix));
    expect(seeded).toHaveLength(2345);
    // In shopper-id order (ours compare the same in any collation; other tests' ids may not).
    expect(seeded.map((row) => row.shopper_id)).toEqual(
      Array.from({ length: 2345 }, (_, i) => `${prefix}${String(i + 1).padStart(5, "0")}`),
    );
    expect(seeded[41]).toMatchObject({
      shopper_id: `${prefix}00042`,
      segment: "cant_lose",
      r: "1",
      f: "5",
      m: "5",
      recency_days: "12",
      monetary_fen: "4200",
      previous_segment: "loyal",
    });
    expect((await admin("/segments/nobody/export.csv")).status).toBe(404);
  });

  it("is in the OpenAPI document with its roles", async () => {
    const doc = await (await exports.default.fetch("https://shop.test/api/openapi.json")).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    const paths = Object.keys(doc.paths).filter((p) => p.includes("/segments"));
    expect(paths.sort()).toEqual(
      [
        "/admin/api/segments",
        "/admin/api/segments/runs",
        "/admin/api/segments/shoppers/{id}",
        "/admin/api/segments/{segment}/export.csv",
      ].sort(),
    );
    expect(doc.paths["/admin/api/segments/runs"]!.post).toMatchObject({ "x-admits": "runSegments", "x-roles": ["owner", "marketer"] });
  });
});

describe("coupons for some segments (issue 17)", () => {
  async function audienceCoupon(segments: string[]) {
    const now = Date.now();
    const template = couponTemplateSchema.parse({
      id: `seg-${crypto.randomUUID().slice(0, 12)}`,
      title: "Champions only",
      type: "amount_off",
      amountOff: 1_000,
      validFrom: now - 60_000,
      validUntil: now + DAY,
      totalQuantity: 10,
      segments,
    });
    await env.SALES.put(couponKey(template.id), JSON.stringify(template));
    return template.id;
  }
  const claim = (shopper: Shopper, id: string) => shopper.post(`/api/coupons/${id}/claim`, {}, { "Idempotency-Key": crypto.randomUUID() });
  const pool = (id: string) => env.COUPON_POOL.getByName(id);

  it("is claimed by a shopper in the audience, refused 403 not_in_segment to one outside or not scored, nothing claimed", async () => {
    const id = await audienceCoupon(["champions", "loyal"]);
    const [champion, lost, unscored] = await Promise.all([Shopper.create(), Shopper.create(), Shopper.create()]);
    await seedScores(champion.id, "champions");
    await seedScores(lost.id, "lost");
    expect(await withDatabase(databaseSettings(env), (db) => shopperSegment(db, champion.id))).toBe("champions");

    expect((await claim(champion, id)).status).toBe(201);
    const refused = await claim(lost, id);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as ApiError).error).toMatchObject({
      code: "not_in_segment",
      segments: ["champions", "loyal"],
      segment: "lost",
    });
    const none = await claim(unscored, id);
    expect(((await none.json()) as ApiError).error).toMatchObject({ code: "not_in_segment", segment: null });
    expect(await pool(id).stats()).toMatchObject({ claimed: 1 });
    expect(await pool(id).wallet(lost.id)).toEqual([]);
  });

  it("a template without an audience is everyone's, and a bad audience is refused with its problem", async () => {
    const open = await audienceCoupon([]);
    const shopper = await Shopper.create();
    expect((await claim(shopper, open)).status).toBe(201);
    const now = Date.now();
    const response = await admin("/coupons", {
      body: {
        id: `seg-${crypto.randomUUID().slice(0, 12)}`,
        title: "Bad audience",
        type: "amount_off",
        amountOff: 100,
        validFrom: now,
        validUntil: now + DAY,
        totalQuantity: 5,
        segments: ["champions", "whales", "champions"],
      },
    });
    expect(response.status).toBe(400);
    const problems = ((await response.json()) as ApiError).error.problems as string[];
    expect(problems.some((p) => p.startsWith("segments.1"))).toBe(true);
  });
});
