import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { databaseSettings } from "../../src/config.ts";
import { MAX_DELIVERY_ATTEMPTS } from "../../src/crm/backoff.ts";
import { drainCrmOutbox, resendDead, type WebhookQueue } from "../../src/crm/crm-outbox.ts";
import type { CrmWebhookMessage } from "../../src/crm/webhook-message.ts";
import { withDatabase } from "../../src/db/client.ts";
import { type CrmEvent, recordCrmEvents, webhookIdOf } from "../../src/membership/crm-events.ts";
import { deliverWebhooks, keepDeadWebhooks } from "../../workers/crm-webhooks/deliver.ts";
import type { CrmWebhooksEnv } from "../../workers/crm-webhooks/env.ts";
import { CountingCrm } from "../support/crm-receiver.ts";
import { withPostgres } from "./postgres-support.ts";

/**
 * The CRM's webhooks (issue 16) against the test stack's Postgres: the outbox drain (sent,
 * then marked; nothing lost when the queue fails; two drains at once send each row once), and
 * the consumer with a CRM that counts (src: test/support/crm-receiver.ts): signed, retried with
 * a growing delay, delivered once, dead-lettered after the limit and sent again from the console.
 * The queue's redelivery is played by calling the consumer again with the next attempt number,
 * as Cloudflare Queues would after each delay; the CRM's "timeouts" are requests it never answers.
 */

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const URL_OF_CRM = "https://crm.example.com/webhooks";
/**
 * The tests' own event types: the test Postgres is shared by every test file (and project), so
 * these drains move only rows of types no other test records; the drain and the consumer treat
 * every type alike. `TEST_ONLY_OTHER` is one the drains here never ask for.
 */
const TEST_ONLY = "member.crm_test_event" as CrmEvent["type"];
const TEST_ONLY_OTHER = "member.crm_test_unsubscribed" as CrmEvent["type"];
const TARGET = { url: URL_OF_CRM, events: [TEST_ONLY] };
const consumerEnv: CrmWebhooksEnv = { ...(env as unknown as CrmWebhooksEnv), CRM_WEBHOOK_SECRET: SECRET, CRM_WEBHOOK_TIMEOUT_MS: "50" };

function events(count: number, type: CrmEvent["type"] = TEST_ONLY): CrmEvent[] {
  const shopperId = `shp_${crypto.randomUUID()}`;
  return Array.from({ length: count }, (_, i) => ({
    type,
    shopperId,
    at: Date.now() - (count - i) * 1000,
    key: `test:${shopperId}:${i}`,
    data: { points: 10 + i },
  }));
}

async function record(list: CrmEvent[]): Promise<string[]> {
  await withDatabase(databaseSettings(env), (db) => recordCrmEvents(db, list));
  return Promise.all(list.map((e) => webhookIdOf(e.key)));
}

type Row = {
  id: string;
  enqueued_at: Date | null;
  delivered_at: Date | null;
  dead_at: Date | null;
  attempts: number;
  last_error: string | null;
};
async function rows(ids: string[]): Promise<Map<string, Row>> {
  return withPostgres(async (pool) => {
    const { rows: found } = await pool.query<Row>(
      "select id, enqueued_at, delivered_at, dead_at, attempts, last_error from crm_outbox where id = any($1)",
      [ids],
    );
    return new Map(found.map((r) => [r.id, r]));
  });
}

/** A queue that keeps what it is sent (or refuses, while `failing`). */
function capturingQueue() {
  const sent: CrmWebhookMessage[] = [];
  const queue = {
    failing: false,
    sent,
    async sendBatch(messages: Iterable<MessageSendRequest<CrmWebhookMessage>>) {
      if (queue.failing) throw new Error("Queue send failed: internal error");
      for (const m of messages) sent.push(m.body);
    },
  };
  return queue as typeof queue & WebhookQueue;
}

function drain(queue: WebhookQueue, batches?: number) {
  return withDatabase(databaseSettings(env), (db) => drainCrmOutbox(db, queue, TARGET, Date.now(), batches));
}

/** Drains until none of `ids` waits, as the every-minute job would (other tests' rows may be drained too). */
async function drainAll(queue: WebhookQueue) {
  while ((await drain(queue)) > 0);
}

/** One message of the crm-webhooks queue at its `attempts`-th delivery, with what the consumer did to it. */
function delivery(body: CrmWebhookMessage, attempts: number) {
  const seen = { acked: false, retried: null as null | { delaySeconds?: number } };
  const message = {
    id: crypto.randomUUID(),
    timestamp: new Date(),
    attempts,
    body,
    ack: () => {
      seen.acked = true;
    },
    retry: (options?: { delaySeconds?: number }) => {
      seen.retried = options ?? {};
    },
  };
  return { message, seen };
}

function batchOf(queue: string, ...messages: { message: unknown }[]) {
  let ackedAll = false;
  let retriedAll = false;
  const batch = {
    queue,
    messages: messages.map((m) => m.message),
    ackAll: () => {
      ackedAll = true;
    },
    retryAll: () => {
      retriedAll = true;
    },
  } as unknown as MessageBatch<unknown>;
  return { batch, ackedAll: () => ackedAll, retriedAll: () => retriedAll };
}

describe("the CRM outbox drain", () => {
  it("sends every waiting row once, oldest first, with the endpoint, then marks it queued; a second drain finds nothing of them", async () => {
    const ids = await record(events(5));
    const queue = capturingQueue();
    await drainAll(queue);
    const mine = queue.sent.filter((m) => ids.includes(m.id));
    expect(mine.map((m) => m.id)).toEqual(ids);
    expect(mine[0]).toMatchObject({ v: 1, type: TEST_ONLY, url: URL_OF_CRM, payload: { type: TEST_ONLY } });
    expect([...(await rows(ids)).values()].every((r) => r.enqueued_at !== null && r.delivered_at === null)).toBe(true);
    const again = capturingQueue();
    await drainAll(again);
    expect(again.sent.filter((m) => ids.includes(m.id))).toEqual([]);
  });

  it("leaves the rows waiting when the queue refuses them, and sends them at the next run", async () => {
    const ids = await record(events(3));
    const queue = capturingQueue();
    queue.failing = true;
    await expect(drain(queue)).rejects.toThrow(/Queue send failed/);
    expect([...(await rows(ids)).values()].map((r) => r.enqueued_at)).toEqual([null, null, null]);
    queue.failing = false;
    await drainAll(queue);
    expect(queue.sent.filter((m) => ids.includes(m.id)).map((m) => m.id)).toEqual(ids);
  });

  it("sends only the subscribed events; with nothing to drain it sends nothing", async () => {
    const [tier] = await record(events(1, TEST_ONLY_OTHER));
    const queue = capturingQueue();
    await withDatabase(databaseSettings(env), (db) =>
      drainCrmOutbox(db, queue, { url: URL_OF_CRM, events: ["member.not_subscribed_here"] }, Date.now()),
    );
    expect(queue.sent.find((m) => m.id === tier)).toBeUndefined();
    expect((await rows([tier!])).get(tier!)?.enqueued_at).toBeNull();
    await drainAll(queue);
    // Nothing waiting of the events asked for (a type no test records: other files share this Postgres).
    const empty = capturingQueue();
    const none = { url: URL_OF_CRM, events: ["member.not_subscribed_here"] };
    expect(await withDatabase(databaseSettings(env), (db) => drainCrmOutbox(db, empty, none, Date.now()))).toBe(0);
    expect(empty.sent).toEqual([]);
  });

  it("drains at once from five runs send each row once (locked rows are skipped, not sent twice)", async () => {
    const ids = await record(events(250));
    const queue = capturingQueue();
    await Promise.all(Array.from({ length: 5 }, () => drain(queue, 1)));
    await drainAll(queue);
    const mine = queue.sent.filter((m) => ids.includes(m.id)).map((m) => m.id);
    expect(mine.length).toBe(250);
    expect(new Set(mine).size).toBe(250);
  });

  it("goes onto the real CRM_WEBHOOKS queue binding", async () => {
    const ids = await record(events(2));
    await withDatabase(databaseSettings(env), (db) => drainCrmOutbox(db, env.CRM_WEBHOOKS as WebhookQueue, TARGET, Date.now()));
    expect([...(await rows(ids)).values()].every((r) => r.enqueued_at !== null)).toBe(true);
  });
});

describe("the CRM webhooks consumer", () => {
  async function drained(count = 1): Promise<CrmWebhookMessage[]> {
    const ids = await record(events(count));
    const queue = capturingQueue();
    await drainAll(queue);
    return queue.sent.filter((m) => ids.includes(m.id));
  }

  it("a CRM that times out three times and then answers grants exactly one benefit: same id, growing delays, delivered once", async () => {
    const [webhook] = await drained();
    const crm = new CountingCrm(SECRET, { hangFirst: 3 });
    const delays: (number | undefined)[] = [];
    let attempt = 1;
    for (;;) {
      const { message, seen } = delivery(webhook!, attempt);
      await deliverWebhooks(batchOf("crm-webhooks", { message }).batch, consumerEnv, { fetch: crm.fetch });
      if (seen.acked) break;
      delays.push(seen.retried?.delaySeconds);
      attempt++;
    }
    expect(delays).toEqual([30, 60, 120]);
    // The fourth attempt reached the CRM; the three before it hung until the timeout.
    expect(crm.requests).toEqual([{ id: webhook!.id, timestamp: expect.any(String), verified: true }]);
    expect(crm.granted.size).toBe(1);
    const row = (await rows([webhook!.id])).get(webhook!.id)!;
    expect(row).toMatchObject({ attempts: 4, last_error: null, dead_at: null });
    expect(row.delivered_at).not.toBeNull();

    // The same webhook sent again (a drain marked late, a lost acknowledgement): the CRM drops it by webhook-id.
    const { message } = delivery(webhook!, 1);
    await deliverWebhooks(batchOf("crm-webhooks", { message }).batch, consumerEnv, { fetch: crm.fetch });
    expect(crm.requests.map((r) => r.id)).toEqual([webhook!.id, webhook!.id]);
    expect(crm.granted.size).toBe(1);
  });

  it("records the CRM's refusal, retries, and after the last attempt the dead-letter queue marks it dead; 'send again' sends the same id", async () => {
    const [webhook] = await drained();
    const refusing = async () => new Response("down for maintenance", { status: 503 });
    const { message, seen } = delivery(webhook!, MAX_DELIVERY_ATTEMPTS);
    await deliverWebhooks(batchOf("crm-webhooks", { message }).batch, consumerEnv, { fetch: refusing });
    expect(seen.retried?.delaySeconds).toBe(21_600);
    expect((await rows([webhook!.id])).get(webhook!.id)).toMatchObject({ attempts: 1, last_error: "HTTP 503", delivered_at: null });

    const dead = batchOf("crm-webhooks-dlq", delivery(webhook!, 1));
    await keepDeadWebhooks(dead.batch, consumerEnv);
    expect(dead.ackedAll()).toBe(true);
    expect((await rows([webhook!.id])).get(webhook!.id)?.dead_at).not.toBeNull();

    expect(await withDatabase(databaseSettings(env), (db) => resendDead(db, webhook!.id))).toBe(true);
    expect(await withDatabase(databaseSettings(env), (db) => resendDead(db, webhook!.id))).toBe(false);
    const queue = capturingQueue();
    await drainAll(queue);
    expect(queue.sent.filter((m) => m.id === webhook!.id)).toHaveLength(1);
    const crm = new CountingCrm(SECRET);
    const again = delivery(queue.sent.find((m) => m.id === webhook!.id)!, 1);
    await deliverWebhooks(batchOf("crm-webhooks", { message: again.message }).batch, consumerEnv, { fetch: crm.fetch });
    expect(again.seen.acked).toBe(true);
    expect((await rows([webhook!.id])).get(webhook!.id)).toMatchObject({ attempts: 2, dead_at: null, last_error: null });
  });

  it("without a signing secret nothing is sent, and the row says why", async () => {
    const [webhook] = await drained();
    const crm = new CountingCrm(SECRET);
    const { message, seen } = delivery(webhook!, 1);
    await deliverWebhooks(
      batchOf("crm-webhooks", { message }).batch,
      { ...consumerEnv, CRM_WEBHOOK_SECRET: undefined },
      { fetch: crm.fetch },
    );
    expect(crm.requests).toEqual([]);
    expect(seen.retried?.delaySeconds).toBe(30);
    expect((await rows([webhook!.id])).get(webhook!.id)?.last_error).toMatch(/CRM_WEBHOOK_SECRET/);
  });

  it("Postgres unreachable: a delivered webhook is sent again rather than left unmarked, and the dead-letter batch waits", async () => {
    const [webhook] = await drained();
    const crm = new CountingCrm(SECRET);
    const noPostgres = { ...consumerEnv, DATABASE_URL: "" };
    const { message, seen } = delivery(webhook!, 1);
    await deliverWebhooks(batchOf("crm-webhooks", { message }).batch, noPostgres, { fetch: crm.fetch });
    expect(crm.granted.has(webhook!.id)).toBe(true);
    expect(seen.acked).toBe(false);
    expect(seen.retried).toEqual({ delaySeconds: 0 });
    // Delivered again once Postgres is back: the CRM drops the repeat, the row is marked.
    const again = delivery(webhook!, 2);
    await deliverWebhooks(batchOf("crm-webhooks", { message: again.message }).batch, consumerEnv, { fetch: crm.fetch });
    expect(again.seen.acked).toBe(true);
    expect(crm.requests.map((r) => r.id)).toEqual([webhook!.id, webhook!.id]);
    expect(crm.granted.size).toBe(1);
    expect((await rows([webhook!.id])).get(webhook!.id)?.delivered_at).not.toBeNull();

    const dead = batchOf("crm-webhooks-dlq", delivery(webhook!, 1));
    await keepDeadWebhooks(dead.batch, noPostgres);
    expect([dead.ackedAll(), dead.retriedAll()]).toEqual([false, true]);
  });

  it("a batch of webhooks is POSTed concurrently and recorded in one go", async () => {
    const webhooks = await drained(20);
    const crm = new CountingCrm(SECRET);
    const deliveries = webhooks.map((w) => delivery(w, 1));
    await deliverWebhooks(batchOf("crm-webhooks", ...deliveries).batch, consumerEnv, { fetch: crm.fetch });
    expect(deliveries.every((d) => d.seen.acked)).toBe(true);
    expect(crm.granted.size).toBe(20);
    expect([...(await rows(webhooks.map((w) => w.id))).values()].every((r) => r.delivered_at !== null && r.attempts === 1)).toBe(true);
  });
});

/**
 * A model-based property (fast-check) of a webhook's life: random interleavings of drains
 * (the queue refusing some), delivery attempts (the CRM timing out on some), dead-lettering
 * after the last attempt, "send again" and the same changes recorded again. Throughout, no
 * row is marked queued unless it was sent; in the end, once the CRM answers and the job runs,
 * every change was granted exactly once by a receiver that dedupes on webhook-id, and every
 * row is delivered with as many attempts as were made.
 */
describe("a webhook's life, in any order", () => {
  type Op =
    | { kind: "drain"; queueFails: boolean }
    | { kind: "deliver"; crmAnswers: boolean }
    | { kind: "deadLetter" }
    | { kind: "resend" }
    | { kind: "recordAgain" };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant("drain" as const), queueFails: fc.boolean() }),
    fc.record({ kind: fc.constant("deliver" as const), crmAnswers: fc.boolean() }),
    fc.constant({ kind: "deadLetter" as const }),
    fc.constant({ kind: "resend" as const }),
    fc.constant({ kind: "recordAgain" as const }),
  );

  // Twelve runs of up to 14 steps against Postgres: past the default 30 s on a real Postgres on the
  // loaded CI machine. What it checks is exactness, not speed.
  it("never marks what it did not send, and ends with each change granted once", { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 14 }), fc.integer({ min: 1, max: 4 }), async (ops, count) => {
        const list = events(count);
        const ids = await record(list);
        const sentIds = new Set<string>();
        /** What the queue holds: each message with its delivery count. */
        let inQueue: { body: CrmWebhookMessage; attempts: number }[] = [];
        const attemptsMade = new Map<string, number>(ids.map((id) => [id, 0]));
        const crm = new CountingCrm(SECRET);
        const queue = capturingQueue();
        const mine = () => queue.sent.splice(0).filter((m) => ids.includes(m.id));
        const deliverAll = async (answers: boolean) => {
          const now = inQueue;
          inQueue = [];
          for (const entry of now) {
            const fetch = answers ? crm.fetch : async () => new Promise<Response>(() => undefined);
            const { message, seen } = delivery(entry.body, entry.attempts);
            await deliverWebhooks(batchOf("crm-webhooks", { message }).batch, consumerEnv, { fetch });
            attemptsMade.set(entry.body.id, attemptsMade.get(entry.body.id)! + 1);
            if (!seen.acked) inQueue.push({ body: entry.body, attempts: entry.attempts + 1 });
          }
        };
        for (const step of ops) {
          if (step.kind === "drain") {
            queue.failing = step.queueFails;
            await drain(queue).catch(() => undefined);
            queue.failing = false;
            for (const m of mine()) {
              sentIds.add(m.id);
              inQueue.push({ body: m, attempts: 1 });
            }
          } else if (step.kind === "deliver") await deliverAll(step.crmAnswers);
          else if (step.kind === "deadLetter" && inQueue.length > 0) {
            // The queue gives up on the oldest message: it goes to the dead-letter queue.
            const [dead] = inQueue.splice(0, 1);
            await keepDeadWebhooks(batchOf("crm-webhooks-dlq", delivery(dead!.body, 1)).batch, consumerEnv);
          } else if (step.kind === "resend") {
            for (const id of ids) await withDatabase(databaseSettings(env), (db) => resendDead(db, id));
          } else if (step.kind === "recordAgain") await record(list);
          // Never marked queued without having been sent.
          for (const row of (await rows(ids)).values()) if (row.enqueued_at !== null) expect(sentIds.has(row.id)).toBe(true);
        }
        // The CRM answers from now on; the job runs and the console sends the dead again until all is delivered.
        for (let round = 0; round < 5; round++) {
          for (const id of ids) await withDatabase(databaseSettings(env), (db) => resendDead(db, id));
          await drainAll(queue);
          for (const m of mine()) inQueue.push({ body: m, attempts: 1 });
          await deliverAll(true);
        }
        const final = await rows(ids);
        expect([...final.values()].every((r) => r.delivered_at !== null && r.dead_at === null)).toBe(true);
        for (const id of ids) expect(final.get(id)!.attempts).toBe(attemptsMade.get(id));
        expect([...crm.granted.keys()].sort()).toEqual([...ids].sort());
        expect(crm.requests.every((r) => r.verified)).toBe(true);
      }),
      { numRuns: 12 },
    );
  });
});
