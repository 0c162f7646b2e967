/**
 * `npm run bench:events` (issue 13): how fast the events path takes a crowd's beacons and how
 * soon they are in Postgres. The storefront and the events consumer run as built, two Workers
 * on workerd with Miniflare's queue between them (batches of up to 100 messages or 1 s);
 * `--concurrency` pages send `--beacons` beacons of `--events` events each, as fast as they are
 * answered. Reports the beacons the edge answered per second, their latency, and the events
 * per second from the first beacon until the last event is in Postgres.
 *
 *   npm run bench:events -- --beacons 2000 --events 20 --concurrency 32
 *
 * Writes bench/results/events.json and .md. Miniflare's queue is a local stand-in: it says
 * what the Workers and Postgres sustain here, not what Cloudflare Queues deliver.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { buildProductionBundle, directUrl, EVENTS_CONSUMER_CONFIG, runBundle } from "../scripts/local/worker-bundle.ts";
import { sleep } from "./contenders/contender.ts";
import { machineInfo } from "./machine.ts";
import { startBenchStack } from "./run.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { beacons: { type: "string" }, events: { type: "string" }, concurrency: { type: "string" }, out: { type: "string" } },
  });
  const beacons = Number(values.beacons ?? 2_000);
  const perBeacon = Number(values.events ?? 20);
  const concurrency = Number(values.concurrency ?? 32);
  const out = values.out ?? join(ROOT, "bench", "results");
  const cleanups: Array<() => Promise<void> | void> = [];
  try {
    console.log(`Events benchmark (issue 13): ${beacons} beacons × ${perBeacon} events from ${concurrency} pages`);
    const { infra, stack } = await startBenchStack(cleanups);
    const [storefront, consumer] = await Promise.all([buildProductionBundle(), buildProductionBundle(undefined, EVENTS_CONSUMER_CONFIG)]);
    const mf = runBundle(storefront, stack.vars, { eventsConsumer: consumer, directPort: 0 });
    cleanups.push(() => mf.dispose());
    await mf.ready;
    const base = await directUrl(mf, "storefront");
    const db = new pg.Pool({ connectionString: stack.vars.DATABASE_URL, max: 2 });
    cleanups.push(() => db.end());

    // Each page has its own shopper, as a crowd does; the run's events are told apart by id prefix.
    const run = crypto.randomUUID().slice(0, 8);
    const cookies = await Promise.all(
      Array.from({ length: concurrency }, async () => {
        const response = await fetch(new URL("/api/session", base), { method: "POST", headers: { "Content-Type": "application/json" } });
        return response.headers.get("Set-Cookie")!.split(";")[0]!;
      }),
    );
    const latencies: number[] = [];
    const statuses: Record<string, number> = {};
    let next = 0;
    const started = performance.now();
    await Promise.all(
      cookies.map(async (cookie) => {
        for (let n = next++; n < beacons; n = next++) {
          const now = Date.now();
          const events = Array.from({ length: perBeacon }, (_, i) => ({
            id: `${run}-${n}-${i}`,
            type: "product_view",
            at: now - i,
            sku: `bench-sku-${i % 10}`,
            category: "bench",
            page: `/sales/bench-sku-${i % 10}`,
          }));
          const sent = performance.now();
          const response = await fetch(new URL("/api/events", base), {
            method: "POST",
            headers: { "Content-Type": "application/json", Cookie: cookie },
            body: JSON.stringify({ sentAt: now, events }),
          });
          await response.arrayBuffer();
          latencies.push(performance.now() - sent);
          statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        }
      }),
    );
    const answeredS = (performance.now() - started) / 1000;
    const accepted = (statuses["202"] ?? 0) * perBeacon;
    let stored = 0;
    const deadline = Date.now() + 300_000;
    while (Date.now() < deadline) {
      const { rows } = await db.query<{ n: string }>("select count(*) as n from events where id like $1", [`${run}-%`]);
      stored = Number(rows[0]!.n);
      if (stored >= accepted) break;
      await sleep(200);
    }
    const landedS = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const result = {
      at: new Date().toISOString(),
      machine: machineInfo(),
      postgres: infra.postgres,
      setup: { beacons, eventsPerBeacon: perBeacon, concurrency },
      beaconsPerS: Math.round(beacons / answeredS),
      beaconLatencyMs: { p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)), max: round(latencies.at(-1) ?? 0) },
      statuses,
      eventsAccepted: accepted,
      eventsStored: stored,
      endToEndEventsPerS: Math.round(stored / landedS),
      secondsUntilAllStored: round(landedS),
    };
    console.log(JSON.stringify(result, null, 2));
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, "events.json"), `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(
      join(out, "events.md"),
      [
        `# Events benchmark (${result.at.slice(0, 10)})`,
        "",
        `${beacons} beacons of ${perBeacon} product views from ${concurrency} pages, storefront and events consumer as built on workerd, Miniflare's queue between them, Postgres: ${infra.postgres}; ${result.machine.cores} cores.`,
        "",
        "| measure | value |",
        "| --- | --- |",
        `| beacons answered per second | ${result.beaconsPerS.toLocaleString("en")} |`,
        `| beacon latency p50 / p99 / max | ${result.beaconLatencyMs.p50} / ${result.beaconLatencyMs.p99} / ${result.beaconLatencyMs.max} ms |`,
        `| answers | ${Object.entries(statuses)
          .map(([status, n]) => `${status}: ${n}`)
          .join(", ")} |`,
        `| events accepted / stored | ${accepted.toLocaleString("en")} / ${stored.toLocaleString("en")} |`,
        `| events per second, first beacon to last row in Postgres | ${result.endToEndEventsPerS.toLocaleString("en")} |`,
        `| seconds until every event was stored | ${result.secondsUntilAllStored} |`,
        "",
      ].join("\n"),
    );
    if (stored < accepted) process.exitCode = 1;
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10;

await main();
