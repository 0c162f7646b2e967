/**
 * `npm run bench:ad-cap` (issue 18): what the ads' exact frequency cap costs per impression.
 * Each impression is one EVAL of src/ads/frequency-cap.ts's script (trim the shopper's log,
 * count it, check the campaign's budget, add, expire, count the budget) through @upstash/redis
 * and the local Upstash gateway: its in-process store, or a real Redis with REDIS_URL set.
 *
 *   REDIS_URL=redis://127.0.0.1:6379 npm run bench:ad-cap
 *
 * Three runs: `--sequential` impressions one after another (latency per EVAL); `--shoppers`
 * shoppers × 5 requests in waves of `--concurrency` at once (throughput, and that exactly 3 of
 * each shopper's 5 are served); 20 requests at once for one shopper, `--bursts` times (exactly 3
 * served each time). Writes bench/results/ad-cap.json and .md.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Redis } from "@upstash/redis";
import { startUpstashGateway } from "../scripts/local/upstash-gateway.ts";
import { FrequencyCapStore } from "../src/ads/frequency-cap.ts";
import { machineInfo } from "./machine.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CAP = { impressions: 3, hours: 24 };

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sequential: { type: "string" },
      shoppers: { type: "string" },
      concurrency: { type: "string" },
      bursts: { type: "string" },
      out: { type: "string" },
    },
  });
  const sequential = Number(values.sequential ?? 2_000);
  const shoppers = Number(values.shoppers ?? 400);
  const concurrency = Number(values.concurrency ?? 50);
  const bursts = Number(values.bursts ?? 20);
  const out = values.out ?? join(ROOT, "bench", "results");
  const gateway = await startUpstashGateway({ port: 0, token: "bench-ad-cap", redisUrl: process.env.REDIS_URL || undefined });
  const redis = new Redis({ url: gateway.url, token: gateway.token, enableTelemetry: false, retry: false });
  const store = new FrequencyCapStore(redis);
  const run = `bench-${Date.now().toString(36)}`;
  const now = Date.now();
  const serve = (campaignId: string, shopperId: string) =>
    store.serve({ campaignId, shopperId, impressionId: crypto.randomUUID(), cap: CAP, budget: 1_000_000_000, now });
  try {
    console.log(`ad frequency cap benchmark (issue 18): gateway → ${gateway.backend}`);
    // Warm the script cache (EVALSHA after the first EVAL).
    await serve(`${run}-warm`, "warm");

    const latencies: number[] = [];
    for (let i = 0; i < sequential; i++) {
      const started = performance.now();
      await serve(`${run}-seq`, `s${i}`);
      latencies.push(performance.now() - started);
    }
    latencies.sort((a, b) => a - b);

    const waveStarted = performance.now();
    let served = 0;
    const requests = Array.from({ length: shoppers * 5 }, (_, i) => `w${i % shoppers}`);
    for (let i = 0; i < requests.length; i += concurrency) {
      const verdicts = await Promise.all(requests.slice(i, i + concurrency).map((shopper) => serve(`${run}-wave`, shopper)));
      served += verdicts.filter((v) => v.served).length;
    }
    const waveMs = performance.now() - waveStarted;

    const burstServed: number[] = [];
    for (let b = 0; b < bursts; b++) {
      const verdicts = await Promise.all(Array.from({ length: 20 }, () => serve(`${run}-burst`, `b${b}`)));
      burstServed.push(verdicts.filter((v) => v.served).length);
    }

    const result = {
      backend: gateway.backend,
      machine: machineInfo(),
      sequential: {
        impressions: sequential,
        p50Ms: quantile(latencies, 0.5),
        p95Ms: quantile(latencies, 0.95),
        p99Ms: quantile(latencies, 0.99),
      },
      waves: { requests: requests.length, concurrency, served, expected: shoppers * 3, perSecond: (requests.length / waveMs) * 1000 },
      bursts: { bursts, servedEach: [...new Set(burstServed)] },
    };
    const ms = (x: number) => x.toFixed(2);
    const md = [
      `| run | figure |`,
      `| --- | --- |`,
      `| ${sequential} impressions one at a time (${gateway.backend}) | p50 ${ms(result.sequential.p50Ms)} ms, p95 ${ms(result.sequential.p95Ms)} ms, p99 ${ms(result.sequential.p99Ms)} ms per EVAL |`,
      `| ${shoppers} shoppers × 5 requests, ${concurrency} at once | ${Math.round(result.waves.perSecond)} requests/s; served ${served} (exactly 3 each: ${shoppers * 3}) |`,
      `| 20 requests at once for one shopper, ${bursts} times | served ${result.bursts.servedEach.join(", ")} each time |`,
    ].join("\n");
    console.log(md);
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, "ad-cap.json"), `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(join(out, "ad-cap.md"), `${md}\n`);
    if (served !== shoppers * 3 || result.bursts.servedEach.some((n) => n !== 3)) process.exitCode = 1;
  } finally {
    const keys = await redis.keys(`ad-cap:{${run}-*`);
    for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
    await gateway.close();
  }
}

await main();
