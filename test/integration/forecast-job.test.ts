import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { sql } from "drizzle-orm";
import { openDatabase } from "../../src/db/client.ts";
import { queueRun, readRun } from "../../src/forecast/run-queue.ts";
import { type Forecaster, MAX_RUN_ATTEMPTS, mayPass, runQueuedForecasts } from "../../scripts/forecast/forecast-job.ts";
import { sampleForecast } from "../support/forecast-sample.ts";

/**
 * The forecast job's passes (issue 19) against the stack's Postgres, with a stand-in forecaster
 * (the model is tested on its own): a queued run is leased once even by two passes at
 * once, its progress moves while it runs, it ends done with its forecasts; a forecaster's
 * refusal (too little history) fails it at once with that message; Postgres going away is tried
 * again, then failed; a lease of a job that died is taken again.
 */
let database: ReturnType<typeof openDatabase>;
beforeAll(() => {
  const vars = inject("stackVars");
  database = openDatabase({ url: vars.DATABASE_URL, localWsProxy: vars.NEON_WS_PROXY });
});
afterAll(async () => {
  await database?.close();
});

const freshRunId = () => `fcr_test_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;

async function queued(at = Date.now()): Promise<string> {
  const id = freshRunId();
  await queueRun(database.db, { id, source: "console", requestedBy: "test", at });
  return id;
}

/** A forecaster that writes one record for `runId` and reports progress on the way. */
const writesOne =
  (seen: Array<{ progress: number; status: string }>): Forecaster =>
  async (db, runId, _options, progress) => {
    for (const percent of [10, 10.4, 55]) {
      await progress(percent);
      const row = await readRun(db, runId);
      seen.push({ progress: row?.progress ?? -1, status: row?.status ?? "missing" });
    }
    // A whole record, as the real forecaster writes: the console's list (other tests') reads every target's points.
    const record = sampleForecast({ kind: "sku", key: `sku-${runId}` }, { runId, createdAt: Date.now() });
    await db.execute(
      sql`insert into demand_forecasts (id, run_id, target_kind, target_key, record, created_at)
          values (${record.id}, ${runId}, 'sku', ${record.target.key}, ${JSON.stringify(record)}::jsonb, now())`,
    );
    return { forecasts: 1 };
  };

describe("the forecast job", () => {
  it("runs a queued run once, moving its progress, and marks it done", async () => {
    const id = await queued();
    const seen: Array<{ progress: number; status: string }> = [];
    expect(await runQueuedForecasts(database.db, { only: [id], forecaster: writesOne(seen) })).toBe(1);
    expect(seen).toEqual([
      { progress: 10, status: "running" },
      { progress: 10, status: "running" },
      { progress: 55, status: "running" },
    ]);
    const run = await readRun(database.db, id);
    expect(run).toMatchObject({ status: "done", progress: 100, attempts: 1, error: null });
    expect(run?.finishedAt).toBeInstanceOf(Date);
    // Done is done: a second pass finds nothing to do.
    expect(await runQueuedForecasts(database.db, { only: [id], forecaster: writesOne([]) })).toBe(0);
  });

  it("leases a run to one of two passes running at once", async () => {
    const id = await queued();
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow: Forecaster = async () => {
      calls += 1;
      await gate;
      return { forecasts: 0 };
    };
    const first = runQueuedForecasts(database.db, { only: [id], forecaster: slow });
    // The first pass holds the lease (status running) before the second looks.
    await expect.poll(async () => (await readRun(database.db, id))?.status).toBe("running");
    const second = await runQueuedForecasts(database.db, { only: [id], forecaster: slow });
    release();
    expect([await first, second]).toEqual([1, 0]);
    expect(calls).toBe(1);
  });

  it("fails a run the forecaster refuses at once, with its message for the console", async () => {
    const id = await queued();
    const message = "nothing forecast: sku fc-new: needs at least 2 × 7 days of history for weekly seasonality; has 9";
    const refuses: Forecaster = async () => {
      throw new Error(message);
    };
    expect(await runQueuedForecasts(database.db, { only: [id], forecaster: refuses })).toBe(1);
    expect(await readRun(database.db, id)).toMatchObject({ status: "failed", error: message, attempts: 1 });
  });

  it("tries a run again while Postgres is away, and fails it after the last attempt", async () => {
    const id = await queued();
    const away: Forecaster = async () => {
      throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    };
    for (let attempt = 1; attempt < MAX_RUN_ATTEMPTS; attempt++) {
      expect(await runQueuedForecasts(database.db, { only: [id], forecaster: away })).toBe(0);
      expect(await readRun(database.db, id)).toMatchObject({
        status: "queued",
        attempts: attempt,
        error: "connect ECONNREFUSED 127.0.0.1:5432",
      });
    }
    expect(await runQueuedForecasts(database.db, { only: [id], forecaster: away })).toBe(1);
    expect(await readRun(database.db, id)).toMatchObject({
      status: "failed",
      attempts: MAX_RUN_ATTEMPTS,
      error: `not run after ${MAX_RUN_ATTEMPTS} attempts: connect ECONNREFUSED 127.0.0.1:5432`,
    });
  });

  it("takes again the run of a job that died once its lease ran out, not before", async () => {
    const at = Date.now();
    const id = await queued(at);
    const dies: Forecaster = () => new Promise(() => undefined);
    // A job leases it and dies (its pass never returns).
    void runQueuedForecasts(database.db, { only: [id], forecaster: dies, now: () => at });
    await expect.poll(async () => (await readRun(database.db, id))?.status).toBe("running");
    expect(await runQueuedForecasts(database.db, { only: [id], forecaster: writesOne([]), now: () => at + 60_000 })).toBe(0);
    expect(await runQueuedForecasts(database.db, { only: [id], forecaster: writesOne([]), now: () => at + 16 * 60_000 })).toBe(1);
    expect(await readRun(database.db, id)).toMatchObject({ status: "done", attempts: 2 });
  });
});

describe("the forecast job with the real forecaster", () => {
  // Noon in Shanghai on 1 June 2026: 31 May is the last whole day of history.
  const NOW = Date.parse("2026-06-01T04:00:00Z");
  const DAY = 86_400_000;

  /** `days` days of paid orders to 31 May for `sku`: 12 units on weekends, 6 on weekdays. */
  async function history(sku: string, days: number): Promise<void> {
    for (let d = days; d >= 1; d -= 1) {
      const at = NOW - d * DAY - 2 * 3_600_000;
      const weekday = new Date(at + 8 * 3_600_000).getUTCDay();
      const qty = weekday === 0 || weekday === 6 ? 12 : 6;
      const id = `ord_fcj_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
      await database.db.execute(
        sql`insert into orders (id, sku, shopper_id, qty, unit_prices, total_amount, status, idempotency_key, created_at, updated_at)
            values (${id}, ${sku}, ${`shp_${id}`}, ${qty}, ${JSON.stringify(Array(qty).fill(1000))}::jsonb, ${qty * 1000}, 'paid', ${id},
                    ${new Date(at).toISOString()}, ${new Date(at).toISOString()})`,
      );
    }
  }

  it("runs runForecast for a queued run: done, its forecast stored with both intervals and a backtest", async () => {
    const sku = `fcj-${crypto.randomUUID().slice(0, 8)}`;
    await history(sku, 70);
    const id = await queued();
    const finished = await runQueuedForecasts(database.db, {
      only: [id],
      forecastOptions: { skus: [sku], now: () => NOW },
    });
    expect(finished).toBe(1);
    expect(await readRun(database.db, id)).toMatchObject({ status: "done", progress: 100, error: null });
    const rows = (await database.db.execute(sql`select record from demand_forecasts where run_id = ${id}`)).rows as Array<{
      record: {
        target: { key: string };
        points: Array<{ mean: number; lower95: number; lower80: number; upper80: number; upper95: number }>;
        backtest: unknown;
      };
    }>;
    expect(rows.map((r) => r.record.target.key)).toEqual([sku]);
    const points = rows[0]?.record.points ?? [];
    expect(points).toHaveLength(30);
    for (const p of points) {
      expect(p.lower95).toBeLessThanOrEqual(p.lower80);
      expect(p.lower80).toBeLessThanOrEqual(p.mean);
      expect(p.mean).toBeLessThanOrEqual(p.upper80);
      expect(p.upper80).toBeLessThanOrEqual(p.upper95);
    }
    expect(rows[0]?.record.backtest).not.toBeNull();
  });

  it("fails a run whose only SKU has 9 days of history, saying how much is needed", async () => {
    const sku = `fcj-short-${crypto.randomUUID().slice(0, 8)}`;
    await history(sku, 9);
    const id = await queued();
    expect(await runQueuedForecasts(database.db, { only: [id], forecastOptions: { skus: [sku], now: () => NOW } })).toBe(1);
    const run = await readRun(database.db, id);
    expect(run).toMatchObject({ status: "failed", attempts: 1 });
    expect(run?.error).toContain(sku);
    expect(run?.error).toMatch(/needs at least .*; has 9/);
  });
});

describe("mayPass", () => {
  it("tells Postgres and the network going away from the data being refused", () => {
    expect(mayPass(Object.assign(new Error("reset"), { code: "ECONNRESET" }))).toBe(true);
    expect(mayPass(new Error("query failed", { cause: Object.assign(new Error("deadlock"), { code: "40P01" }) }))).toBe(true);
    expect(mayPass(new Error("insert failed", { cause: Object.assign(new Error("bad number"), { code: "22003" }) }))).toBe(false);
    expect(mayPass(new Error("needs at least 2 × 7 days of history for weekly seasonality; has 9"))).toBe(false);
    expect(mayPass(new RangeError("service level must be between 0 and 1; got 2"))).toBe(false);
  });
});
