/**
 * `npm run bench:live` (issue 15): what a livestream's store coupons cost and how exact they
 * stay under a crowd, from the claim on air to the till and the shopper walking past the store.
 * The storefront runs as built on workerd with its objects, on the bench stack's Postgres and Redis.
 *
 * 1. Live claim stampede: `--shoppers` shoppers claim one in_store template of a pool of
 *    `--pool` through `POST /api/livestreams/{id}/claim`, `--concurrency` at a time. Reports
 *    claims answered per second, latency, and that exactly `--pool` coupons were handed out,
 *    one per shopper at most (the template's perShopperLimit 1).
 * 2. Till redemptions: every coupon handed out is redeemed at the store by its short code
 *    (`POST /api/stores/{storeId}/redemptions`), each by two tills with two staff tokens at the
 *    same moment (two requests, two Idempotency-Keys), `--concurrency` coupons at a time (so up
 *    to twice as many requests in flight). Checks one 201 and one 409 `already_redeemed` per coupon.
 * 3. Geofence pings: `--pings` `POST /api/geo/pings` from the claimants' sessions, four in five
 *    within 400 m of the store and one in five 700 m away (out of its fence, and back in),
 *    `--concurrency` at a time. Checks at most one push per shopper (the daily cap).
 *
 *   npm run bench:live -- --shoppers 1000 --pool 500 --pings 2000 --concurrency 64
 *
 * Writes bench/results/live.json and .md; exits 1 when a check fails.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { couponKey, couponTemplateSchema } from "../src/coupons/coupon-template.ts";
import { randomBase36 } from "../src/encoding.ts";
import { destination } from "../src/geo/destination.ts";
import type { LatLng } from "../src/geo/great-circle.ts";
import { livestreamKey, livestreamSchema } from "../src/livestreams/livestream.ts";
import { generateStaffToken, hashStaffSecret } from "../src/stores/staff-token.ts";
import { buildProductionBundle, directUrl, runBundle } from "../scripts/local/worker-bundle.ts";
import { TEST_SECRETS } from "../test/support/test-secrets.ts";
import { machineInfo } from "./machine.ts";
import { errorCode, formatStatuses, latency, type Latency, pool, statuses, type Timed } from "./timed-answers.ts";
import { startBenchStack } from "./run.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Where pings land: within this of the store (inside its 500 m fence), and this far for the others (beyond its 600 m exit). */
const NEAR_METERS = 400;
const FAR_METERS = 700;
/** One ping in this many is the far one. */
const FAR_EVERY = 5;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      shoppers: { type: "string" },
      pool: { type: "string" },
      pings: { type: "string" },
      concurrency: { type: "string" },
      out: { type: "string" },
    },
  });
  const shoppers = Number(values.shoppers ?? 1_000);
  const poolSize = Number(values.pool ?? 500);
  const pings = Number(values.pings ?? 2_000);
  const concurrency = Number(values.concurrency ?? 64);
  const out = values.out ?? join(ROOT, "bench", "results");
  const cleanups: Array<() => Promise<void> | void> = [];
  try {
    console.log(
      `Livestream coupons benchmark (issue 15): ${shoppers} shoppers, a pool of ${poolSize}, ${pings} pings, ${concurrency} at a time`,
    );
    const { infra, stack } = await startBenchStack(cleanups);

    // The store (somewhere of its own, so no other store is within a fence of it) and two tills' tokens, in Postgres.
    const where: LatLng = { latitude: 22 + Math.random() * 18, longitude: 102 + Math.random() * 18 };
    const storeId = `bench-${randomBase36(10)}`;
    const db = new pg.Pool({ connectionString: stack.vars.DATABASE_URL, max: 1 });
    cleanups.push(() => db.end());
    await db.query(
      `insert into stores (id, name, address, city, latitude, longitude, time_zone, opening_hours, redeem_only_when_open, active, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, false, true, now(), now())`,
      [
        storeId,
        "压测店",
        "1 Bench Road",
        "Shanghai",
        where.latitude,
        where.longitude,
        "Asia/Shanghai",
        JSON.stringify({ mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] }),
      ],
    );
    const tills: string[] = [];
    for (const label of ["till 1", "till 2"]) {
      const { tokenId, secret, token } = generateStaffToken();
      await db.query(
        "insert into store_staff_tokens (id, store_id, label, secret_hash, created_at, created_by) values ($1, $2, $3, $4, now(), 'bench')",
        [tokenId, storeId, label, await hashStaffSecret(secret)],
      );
      tills.push(token);
    }

    const mf = runBundle(await buildProductionBundle(), stack.vars, { directPort: 0 });
    cleanups.push(() => mf.dispose());
    await mf.ready;
    const base = await directUrl(mf, "storefront");
    const kv = await mf.getKVNamespace("SALES", "storefront");
    const now = Date.now();
    const template = couponTemplateSchema.parse({
      id: "bench-live-30",
      title: "到店立减30",
      type: "amount_off",
      amountOff: 3_000,
      minSpend: 10_000,
      validFrom: now - 60_000,
      validUntil: now + 3_600_000,
      totalQuantity: poolSize,
      perShopperLimit: 1,
      redeem: "in_store",
    });
    await kv.put(couponKey(template.id), JSON.stringify(template));
    const livestream = livestreamSchema.parse({
      id: "bench-live",
      title: "压测直播间",
      streamUrl: "https://stream.example.com/bench.m3u8",
      embed: "video",
      startsAt: now - 60_000,
      endsAt: now + 3_600_000,
      couponTemplates: [template.id],
      stores: [storeId],
    });
    await kv.put(livestreamKey(livestream.id), JSON.stringify(livestream));

    const cookies = await pool(shoppers, concurrency, async () => {
      const response = await fetch(new URL("/api/session", base), { method: "POST", headers: { "Content-Type": "application/json" } });
      await response.arrayBuffer();
      return response.headers.get("Set-Cookie")!.split(";")[0]!;
    });
    const post = async (path: string, body: unknown, headers: Record<string, string>): Promise<Timed> => {
      const started = performance.now();
      const response = await fetch(new URL(path, base), {
        method: "POST",
        headers: { "Content-Type": "application/json", ...headers },
        body: JSON.stringify(body),
      });
      const answer = await response.json();
      return { status: response.status, ms: performance.now() - started, body: answer };
    };

    // 1. The claim stampede.
    let started = performance.now();
    const claims = await pool(shoppers, concurrency, (i) =>
      post(
        `/api/livestreams/${livestream.id}/claim`,
        { templateId: template.id },
        { Cookie: cookies[i]!, "Idempotency-Key": crypto.randomUUID() },
      ),
    );
    const claimSeconds = (performance.now() - started) / 1000;
    const won = claims.flatMap((claim, i) => {
      if (claim.status !== 201) return [];
      const { coupon } = claim.body as { coupon: { id: string; shortCode: string | null } };
      return [{ cookie: cookies[i]!, id: coupon.id, shortCode: coupon.shortCode }];
    });
    const poolFigures = await (
      await fetch(new URL(`/admin/api/coupons/${template.id}`, base), { headers: { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}` } })
    ).json();
    const claimChecks = {
      handedOut: won.length,
      expected: Math.min(poolSize, shoppers),
      distinctShoppers: new Set(won.map((w) => w.cookie)).size,
      distinctCoupons: new Set(won.map((w) => w.id)).size,
      distinctShortCodes: new Set(won.map((w) => w.shortCode)).size,
      withoutShortCode: won.filter((w) => !w.shortCode).length,
      ok: false,
    };
    claimChecks.ok =
      claimChecks.handedOut === claimChecks.expected &&
      claimChecks.distinctShoppers === won.length &&
      claimChecks.distinctCoupons === won.length &&
      claimChecks.distinctShortCodes === won.length &&
      claimChecks.withoutShortCode === 0;

    // 2. Two tills redeem every coupon's short code at the same moment.
    const redeem = (code: string, till: string) =>
      post(`/api/stores/${storeId}/redemptions`, { code }, { Authorization: `Bearer ${till}`, "Idempotency-Key": crypto.randomUUID() });
    started = performance.now();
    const pairs = await pool(won.length, concurrency, (i) =>
      Promise.all(tills.map((till) => redeem(won[i]!.shortCode ?? won[i]!.id, till))),
    );
    const redeemSeconds = (performance.now() - started) / 1000;
    const redemptions = pairs.flat();
    const exactlyOnce = pairs.filter((pair) => {
      const codes = pair.map((answer) => (answer.status === 201 ? "201" : `${answer.status} ${errorCode(answer)}`)).sort();
      return codes[0] === "201" && codes[1] === "409 already_redeemed";
    }).length;
    const redeemChecks = { coupons: won.length, exactlyOnce, redeemed: redemptions.filter((r) => r.status === 201).length, ok: false };
    redeemChecks.ok = exactlyOnce === won.length && redeemChecks.redeemed === won.length;

    // 3. The claimants walk past the store.
    // Shopper i % shoppers pings in rounds; the far ping moves along by one shopper each round, so each walks in and out.
    const isFar = (i: number) => (i + Math.floor(i / shoppers)) % FAR_EVERY === FAR_EVERY - 1;
    const points = Array.from({ length: pings }, (_, i) =>
      destination(where, Math.random() * 360, isFar(i) ? FAR_METERS : Math.random() * NEAR_METERS),
    );
    started = performance.now();
    const pingAnswers = await pool(pings, concurrency, (i) =>
      post("/api/geo/pings", { ...points[i]!, accuracy: 20 }, { Cookie: cookies[i % shoppers]! }),
    );
    const pingSeconds = (performance.now() - started) / 1000;
    const pushesPerShopper = new Map<string, number>();
    pingAnswers.forEach((answer, i) => {
      const pushed = answer.status === 200 ? (answer.body as { pushed: unknown[] }).pushed.length : 0;
      if (pushed > 0) pushesPerShopper.set(cookies[i % shoppers]!, (pushesPerShopper.get(cookies[i % shoppers]!) ?? 0) + pushed);
    });
    const pingChecks = {
      shoppersPinging: Math.min(pings, shoppers),
      shoppersPushed: pushesPerShopper.size,
      pushes: [...pushesPerShopper.values()].reduce((a, b) => a + b, 0),
      mostPushesToOneShopper: Math.max(0, ...pushesPerShopper.values()),
      degraded: pingAnswers.filter((a) => a.status === 200 && (a.body as { degraded: boolean }).degraded).length,
      ok: false,
    };
    pingChecks.ok = pingChecks.mostPushesToOneShopper <= 1;

    const result = {
      at: new Date().toISOString(),
      machine: machineInfo(),
      postgres: infra.postgres,
      redis: infra.redis,
      setup: { shoppers, pool: poolSize, pings, concurrency, tillsPerCoupon: tills.length, nearMeters: NEAR_METERS, farMeters: FAR_METERS },
      claims: {
        perS: Math.round(shoppers / claimSeconds),
        latencyMs: latency(claims),
        statuses: statuses(claims),
        checks: claimChecks,
        poolFigures,
      },
      redemptions: {
        perS: Math.round(won.length / redeemSeconds),
        requestsPerS: Math.round(redemptions.length / redeemSeconds),
        latencyMs: latency(redemptions),
        statuses: statuses(redemptions),
        checks: redeemChecks,
      },
      pings: {
        perS: Math.round(pings / pingSeconds),
        latencyMs: latency(pingAnswers),
        statuses: statuses(pingAnswers),
        checks: pingChecks,
      },
    };
    console.log(JSON.stringify(result, null, 2));
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, "live.json"), `${JSON.stringify(result, null, 2)}\n`);
    const ms = (l: Latency) => `${l.p50} / ${l.p95} / ${l.p99} ms`;
    const passed = (ok: boolean) => (ok ? "passed" : "**FAILED**");
    writeFileSync(
      join(out, "live.md"),
      [
        `# Livestream coupons benchmark (${result.at.slice(0, 10)})`,
        "",
        `${shoppers} shoppers, one in_store pool of ${poolSize}, two tills per coupon, ${pings} geofence pings, ${concurrency} at a time; the storefront as built on workerd; Postgres: ${infra.postgres}; Redis: ${infra.redis}; ${result.machine.cores} cores.`,
        "",
        "| measure | value |",
        "| --- | --- |",
        `| live claims answered per second | ${result.claims.perS.toLocaleString("en")} |`,
        `| claim latency p50 / p95 / p99 | ${ms(result.claims.latencyMs)} |`,
        `| coupons handed out / pool | ${won.length} / ${poolSize} (${claimChecks.distinctShoppers} shoppers, ${claimChecks.distinctShortCodes} short codes): ${passed(claimChecks.ok)} |`,
        `| claim answers | ${formatStatuses(result.claims.statuses)} |`,
        `| coupons redeemed per second (two tills each) | ${result.redemptions.perS.toLocaleString("en")} (${result.redemptions.requestsPerS.toLocaleString("en")} requests/s) |`,
        `| redemption latency p50 / p95 / p99 | ${ms(result.redemptions.latencyMs)} |`,
        `| redeemed exactly once (one 201, one already_redeemed) | ${exactlyOnce} / ${won.length}: ${passed(redeemChecks.ok)} |`,
        `| redemption answers | ${formatStatuses(result.redemptions.statuses)} |`,
        `| geofence pings per second | ${result.pings.perS.toLocaleString("en")} |`,
        `| ping latency p50 / p95 / p99 | ${ms(result.pings.latencyMs)} |`,
        `| pushes | ${pingChecks.pushes} to ${pingChecks.shoppersPushed} of ${pingChecks.shoppersPinging} shoppers, at most ${pingChecks.mostPushesToOneShopper} each: ${passed(pingChecks.ok)}; ${pingChecks.degraded} degraded |`,
        `| ping answers | ${formatStatuses(result.pings.statuses)} |`,
        "",
      ].join("\n"),
    );
    if (!claimChecks.ok || !redeemChecks.ok || !pingChecks.ok) {
      console.error(
        `checks failed: claims ${passed(claimChecks.ok)}, redemptions ${passed(redeemChecks.ok)}, pings ${passed(pingChecks.ok)}`,
      );
      process.exitCode = 1;
    }
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

await main();
