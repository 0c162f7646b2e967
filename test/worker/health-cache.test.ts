import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { manualClock } from "../support/manual-clock.ts";
import { HealthCache, type ServedHealthReport } from "../../src/health/cache.ts";
import type { HealthReport } from "../../src/health/checks.ts";
import { healthCaches } from "../../workers/storefront/health.ts";
import worker from "../../workers/storefront/index.ts";

const OK: HealthReport = { status: "ok", failing: [], checks: { postgres: { ok: true, latencyMs: 1 } } };
const FAILING: HealthReport = {
  status: "failing",
  failing: ["postgres"],
  checks: { postgres: { ok: false, latencyMs: 1, error: "down" } },
};

/** A check that finishes only when the test says so, counting how often it was started. */
function controlledCheck() {
  const pending: Array<{ resolve: (r: HealthReport) => void; reject: (e: Error) => void }> = [];
  const check = () =>
    new Promise<HealthReport>((resolve, reject) => {
      pending.push({ resolve, reject });
    });
  return {
    check,
    started: () => pending.length,
    finish: (report: HealthReport) => pending.at(-1)!.resolve(report),
    fail: (error: Error) => pending.at(-1)!.reject(error),
  };
}

describe("HealthCache (src/health/cache.ts), on a controlled clock", () => {
  it("runs the check once, then serves its report as cached until the time to live has passed", async () => {
    const clock = manualClock();
    const cache = new HealthCache({ ttlMs: 5_000, now: clock.now });
    let runs = 0;
    const check = async () => {
      runs++;
      return OK;
    };

    expect(await cache.get(check)).toEqual({ ...OK, cached: false, checkedAt: 1_000_000 });
    clock.advance(4_999);
    expect(await cache.get(check)).toEqual({ ...OK, cached: true, checkedAt: 1_000_000 });
    expect(runs).toBe(1);

    clock.advance(1); // 5 s after the check: stale
    expect(await cache.get(check)).toEqual({ ...OK, cached: false, checkedAt: 1_005_000 });
    expect(runs).toBe(2);
    expect(cache.runs).toBe(2);
  });

  it("shares one check in flight among concurrent callers (single flight)", async () => {
    const clock = manualClock();
    const cache = new HealthCache({ ttlMs: 5_000, now: clock.now });
    const { check, started, finish } = controlledCheck();

    const waiting = Array.from({ length: 50 }, () => cache.get(check));
    expect(started()).toBe(1);
    clock.advance(1_200); // the check took 1.2 s
    finish(OK);
    const reports = await Promise.all(waiting);
    expect(new Set(reports.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(reports[0]).toEqual({ ...OK, cached: false, checkedAt: 1_001_200 });
    // A caller right after gets the same report from the cache; the check did not run again.
    expect(await cache.get(check)).toMatchObject({ cached: true, checkedAt: 1_001_200 });
    expect(started()).toBe(1);
  });

  it("counts the time to live from when the check finished", async () => {
    const clock = manualClock();
    const cache = new HealthCache({ ttlMs: 5_000, now: clock.now });
    const { check, started, finish } = controlledCheck();
    const first = cache.get(check);
    clock.advance(3_000);
    finish(OK);
    await first;
    clock.advance(4_000); // 7 s after it started, 4 s after it finished
    expect(await cache.get(check)).toMatchObject({ cached: true });
    expect(started()).toBe(1);
  });

  it("caches a failing report too: a stampede on a failing dependency is the worst one", async () => {
    const clock = manualClock();
    const cache = new HealthCache({ ttlMs: 5_000, now: clock.now });
    let runs = 0;
    const check = async () => {
      runs++;
      return FAILING;
    };
    expect(await cache.get(check)).toMatchObject({ status: "failing", failing: ["postgres"], cached: false });
    clock.advance(2_000);
    expect(await cache.get(check)).toMatchObject({ status: "failing", cached: true });
    expect(runs).toBe(1);
  });

  it("caches nothing from a check that throws: its waiters get the error and the next caller checks again", async () => {
    const clock = manualClock();
    const cache = new HealthCache({ ttlMs: 5_000, now: clock.now });
    const { check, started, fail, finish } = controlledCheck();
    const waiting = [cache.get(check), cache.get(check)];
    fail(new Error("boom"));
    for (const result of await Promise.allSettled(waiting))
      expect(result).toMatchObject({ status: "rejected", reason: { message: "boom" } });

    const next = cache.get(check);
    expect(started()).toBe(2);
    finish(OK);
    expect(await next).toMatchObject({ status: "ok", cached: false });

    // A check that throws before returning a promise does not wedge the cache either.
    clock.advance(5_000);
    await expect(
      cache.get(() => {
        throw new Error("sync");
      }),
    ).rejects.toThrow("sync");
    expect(await cache.get(async () => OK)).toMatchObject({ cached: false, checkedAt: clock.now() });
  });

  it("does not trust a report from the future when the clock steps back", async () => {
    const clock = manualClock();
    const cache = new HealthCache({ ttlMs: 5_000, now: clock.now });
    let runs = 0;
    const check = async () => {
      runs++;
      return OK;
    };
    await cache.get(check);
    clock.set(1_000_000 - 60_000);
    expect(await cache.get(check)).toMatchObject({ cached: false });
    expect(runs).toBe(2);
  });
});

type Served = ServedHealthReport & { checks: Record<string, { ok: boolean }> };

describe("GET /healthz under a burst", () => {
  beforeEach(() => healthCaches.clear());

  it("answers 300 concurrent calls 200 with one deep check (one Postgres connection) among them", async () => {
    const responses = await Promise.all(Array.from({ length: 300 }, () => exports.default.fetch("https://shop.test/healthz")));
    const reports = await Promise.all(responses.map((r) => r.json<Served>()));
    expect(responses.map((r) => r.status)).toEqual(Array(300).fill(200));
    for (const report of reports) {
      expect(report).toMatchObject({ status: "ok", failing: [] });
      expect(Object.values(report.checks).every((check) => check.ok)).toBe(true);
    }
    // One configuration, one check run: every answer is the same report.
    expect(healthCaches.size).toBe(1);
    expect([...healthCaches.values()][0]!.runs).toBe(1);
    expect(new Set(reports.map((r) => r.checkedAt)).size).toBe(1);
    expect(responses.every((r) => r.headers.get("Cache-Control") === "no-store")).toBe(true);

    // The next call within the time to live is served from the cache, and says so.
    const again = await (await exports.default.fetch("https://shop.test/healthz")).json<Served>();
    expect(again).toMatchObject({ status: "ok", cached: true, checkedAt: reports[0]!.checkedAt });
    expect([...healthCaches.values()][0]!.runs).toBe(1);
  });

  it("keeps 503 while a dependency fails, also when served from the cache, and another configuration gets its own report", async () => {
    const withEnv = async (overrides: Partial<Env>) => {
      const ctx = createExecutionContext();
      const response = await worker.fetch(new Request("https://shop.test/healthz"), { ...env, ...overrides }, ctx);
      await waitOnExecutionContext(ctx);
      return { status: response.status, body: await response.json<Served>() };
    };
    const first = await withEnv({ UPSTASH_REDIS_REST_TOKEN: "not-the-token" });
    expect(first).toMatchObject({ status: 503, body: { status: "failing", failing: ["redis"], cached: false } });
    const second = await withEnv({ UPSTASH_REDIS_REST_TOKEN: "not-the-token" });
    expect(second).toMatchObject({
      status: 503,
      body: { status: "failing", failing: ["redis"], cached: true, checkedAt: first.body.checkedAt },
    });
    const healthy = await withEnv({});
    expect(healthy).toMatchObject({ status: 200, body: { status: "ok", cached: false } });
    expect([...healthCaches.values()].map((cache) => cache.runs)).toEqual([1, 1]);
  });
});
