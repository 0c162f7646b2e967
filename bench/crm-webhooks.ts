/**
 * `npm run bench:crm` (issue 16): how fast the CRM outbox drains and its webhooks reach a CRM.
 * The storefront and the crm-webhooks consumer run as built, two Workers on workerd with
 * Miniflare's queue between them (batches of up to 50, POSTed concurrently); `--rows` outbox
 * rows are written at once, then the every-minute job is fired until nothing waits. A CRM on a
 * local socket verifies every signature (the `standardwebhooks` package) and answers 204.
 * Reports the drain's rows queued per second (Postgres read, queue send, mark) and the
 * webhooks delivered per second from the first drain until the last row is marked delivered.
 *
 *   npm run bench:crm -- --rows 5000
 *
 * Writes bench/results/crm-webhooks.json and .md. Miniflare's queue is a local stand-in: it
 * says what the Workers and Postgres sustain here, not what Cloudflare Queues deliver.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { Webhook } from "standardwebhooks";
import { buildProductionBundle, CRM_WEBHOOKS_CONFIG, runBundle } from "../scripts/local/worker-bundle.ts";
import { TEST_SECRETS } from "../test/support/test-secrets.ts";
import { machineInfo } from "./machine.ts";
import { startBenchStack } from "./run.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rows: { type: "string" }, out: { type: "string" } } });
  const rows = Number(values.rows ?? 5_000);
  const out = values.out ?? join(ROOT, "bench", "results");
  const cleanups: Array<() => Promise<void> | void> = [];
  try {
    console.log(`CRM webhooks benchmark (issue 16): ${rows} outbox rows`);
    const verifier = new Webhook(SECRET);
    const seen = new Set<string>();
    let refused = 0;
    const crm = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)]));
        try {
          verifier.verify(Buffer.concat(chunks).toString("utf8"), headers);
          seen.add(headers["webhook-id"]!);
          response.writeHead(204).end();
        } catch {
          refused++;
          response.writeHead(401).end();
        }
      });
    });
    await new Promise<void>((resolve) => crm.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => crm.close(() => resolve())));
    const { infra, stack } = await startBenchStack(cleanups);
    const [storefront, consumer] = await Promise.all([buildProductionBundle(), buildProductionBundle(undefined, CRM_WEBHOOKS_CONFIG)]);
    const mf = runBundle(storefront, stack.vars, { crmWebhooksConsumer: consumer, crmWebhooks: { CRM_WEBHOOK_SECRET: SECRET } });
    cleanups.push(() => mf.dispose());
    await mf.ready;
    const db = new pg.Pool({ connectionString: stack.vars.DATABASE_URL, max: 2 });
    cleanups.push(() => db.end());

    const { port } = crm.address() as AddressInfo;
    const saved = await mf.dispatchFetch("http://shop.test/admin/api/crm/webhooks", {
      method: "PUT",
      headers: { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify({ url: `http://127.0.0.1:${port}/webhooks`, events: ["member.points_earned"], expectedVersion: 0 }),
    });
    if (!saved.ok) throw new Error(`configuring the CRM failed: ${saved.status} ${await saved.text()}`);
    await db.query(
      `insert into crm_outbox (id, type, shopper_id, payload, created_at)
       select 'msg_bench' || n, 'member.points_earned', 'shp_bench' || (n % 500),
         jsonb_build_object('type', 'member.points_earned', 'timestamp', now(), 'data', jsonb_build_object('points', n)), now()
       from generate_series(1, $1::int) as n`,
      [rows],
    );

    const worker = await mf.getWorker("storefront");
    const started = performance.now();
    let drainMs = 0;
    for (;;) {
      const t = performance.now();
      await worker.scheduled({ cron: "* * * * *", scheduledTime: new Date() });
      drainMs += performance.now() - t;
      const { rows: left } = await db.query("select count(*)::int as n from crm_outbox where enqueued_at is null");
      if (left[0].n === 0) break;
    }
    const drainedAt = performance.now();
    const deadline = Date.now() + 300_000;
    let delivered = 0;
    while (Date.now() < deadline) {
      delivered = (await db.query("select count(*)::int as n from crm_outbox where delivered_at is not null")).rows[0].n;
      if (delivered >= rows) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const doneAt = performance.now();
    const result = {
      at: new Date().toISOString(),
      machine: machineInfo(),
      postgres: infra.postgres,
      rows,
      drainRowsPerS: Math.round(rows / (drainMs / 1000)),
      drainSeconds: Number(((drainedAt - started) / 1000).toFixed(2)),
      deliveredPerS: Math.round(delivered / ((doneAt - started) / 1000)),
      secondsUntilAllDelivered: Number(((doneAt - started) / 1000).toFixed(2)),
      delivered,
      distinctIdsAtCrm: seen.size,
      refusedSignatures: refused,
    };
    console.log(result);
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, "crm-webhooks.json"), `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(
      join(out, "crm-webhooks.md"),
      [
        `# CRM webhooks benchmark (${result.at.slice(0, 10)})`,
        "",
        `${rows} outbox rows; storefront and crm-webhooks consumer as built on workerd, Miniflare's queue between them, a local CRM verifying every signature; Postgres: ${infra.postgres}; ${result.machine.cores} cores.`,
        "",
        "| measure | value |",
        "| --- | --- |",
        `| drain: rows queued per second (read, send, mark) | ${result.drainRowsPerS.toLocaleString("en")} |`,
        `| webhooks delivered per second, first drain to last row marked | ${result.deliveredPerS.toLocaleString("en")} |`,
        `| seconds until every webhook was delivered | ${result.secondsUntilAllDelivered} |`,
        `| delivered / distinct ids at the CRM / bad signatures | ${delivered} / ${seen.size} / ${refused} |`,
        "",
      ].join("\n"),
    );
    if (delivered < rows || refused > 0) process.exitCode = 1;
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

await main();
