import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Miniflare } from "miniflare";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildProductionBundle, CRM_WEBHOOKS_CONFIG, runBundle } from "../../scripts/local/worker-bundle.ts";
import { CountingCrm, seededCrmConfig } from "../support/crm-receiver.ts";
import { TEST_SECRETS } from "../support/test-secrets.ts";

/**
 * The CRM's webhooks as deployed (issue 16), on workerd: the storefront bundle and the
 * crm-webhooks consumer bundle, two Workers with a real (Miniflare) queue and dead-letter queue
 * between them, against the test stack's Postgres and a CRM on a real HTTP socket that counts.
 * A CRM grants a benefit through the inbound API; the grant's `member.benefit_granted` webhook
 * waits in the outbox until the scheduled drain puts it on the queue; the CRM times out three
 * times, then answers: it is told four times, always with the same webhook-id, and grants
 * exactly one benefit. The backoff is shortened to 0 s and the timeout to 300 ms here (the
 * consumer's test settings); the schedule itself is tested in test/unit/crm-webhook-signing.test.ts.
 */
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
let mf: Miniflare;
let db: pg.Pool;
let server: Server;
const sockets = new Set<Socket>();
const crm = new CountingCrm(SECRET, { hangFirst: 3 });

function bodyOf(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const body = await bodyOf(request);
    if (crm.takeHang(String(request.headers["webhook-id"]))) return; // no answer: the consumer's timeout decides
    const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)]));
    response.writeHead(crm.receive(headers, body)).end();
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const [storefront, consumer] = await Promise.all([buildProductionBundle(), buildProductionBundle(undefined, CRM_WEBHOOKS_CONFIG)]);
  mf = runBundle(storefront, inject("stackVars"), {
    crmWebhooksConsumer: consumer,
    crmWebhooks: { CRM_WEBHOOK_SECRET: SECRET, CRM_RETRY_BASE_SECONDS: "0", CRM_WEBHOOK_TIMEOUT_MS: "300" },
  });
  await mf.ready;
  db = new pg.Pool({ connectionString: inject("stackVars").DATABASE_URL, max: 1 });
});
afterAll(async () => {
  await db?.end();
  await mf?.dispose();
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server?.close(resolve));
});

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function admin(path: string, method: string, body: unknown) {
  return mf.dispatchFetch(`http://shop.test/admin/api${path}`, {
    method,
    headers: { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

describe("CRM webhooks through Cloudflare Queues", () => {
  it("a CRM that times out three times and then answers grants exactly one benefit", async () => {
    const { port } = server.address() as AddressInfo;
    const seed = seededCrmConfig();
    await (await mf.getKVNamespace("SALES")).put(seed.key, seed.value);
    const configured = await admin("/crm/webhooks", "PUT", {
      url: `http://127.0.0.1:${port}/webhooks`,
      events: ["member.benefit_granted"],
      expectedVersion: seed.version,
    });
    expect(configured.status).toBe(200);
    const { secret } = (await (await admin("/crm/keys", "POST", { label: "it", scopes: ["benefits:write"] })).json()) as { secret: string };
    const shopperId = `shp_${crypto.randomUUID().replaceAll("-", "")}`;
    const granted = await mf.dispatchFetch(`http://shop.test/api/crm/members/${shopperId}/benefits`, {
      method: "POST",
      headers: { Authorization: `Bearer ${secret}`, "Content-Type": "application/json", "Idempotency-Key": "vip-welcome-1" },
      body: JSON.stringify({ kind: "perk", details: { title: "Free shipping" } }),
    });
    expect(granted.status).toBe(201);
    const [{ id }] = (await db.query("select id from crm_outbox where shopper_id = $1", [shopperId])).rows as [{ id: string }];

    // The every-minute job, fired now.
    const worker = await mf.getWorker("storefront");
    await worker.scheduled({ cron: "* * * * *", scheduledTime: new Date() });

    const row = await until(
      async () => (await db.query("select delivered_at, attempts, dead_at from crm_outbox where id = $1", [id])).rows[0],
      (r) => r.delivered_at !== null,
    );
    expect(row).toMatchObject({ attempts: 4, dead_at: null });
    // Other test files' benefit webhooks in the shared Postgres may be drained too: this one's are counted.
    expect(crm.arrivals(id)).toBe(4);
    expect(crm.requests.filter((r) => r.id === id)).toEqual([{ id, timestamp: expect.any(String), verified: true }]);
    expect(crm.granted.has(id)).toBe(true);
    expect(crm.granted.get(id)).toMatchObject({ type: "member.benefit_granted", data: { shopperId, source: "crm", kind: "perk" } });

    // Drained again: nothing more is sent.
    await worker.scheduled({ cron: "* * * * *", scheduledTime: new Date() });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(crm.arrivals(id)).toBe(4);
    expect(crm.requests.every((r) => r.verified)).toBe(true);
  });
});
