import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { EventMessage } from "../../src/events/event-message.ts";
import consumer from "../../workers/events/index.ts";
import worker from "../../workers/storefront/index.ts";
import { eventually, withPostgres } from "./postgres-support.ts";
import { placeOrder } from "./support.ts";

/**
 * The events path in workerd with its real bindings: the beacon route and the pay route put
 * messages on the queue (here a recording queue: the test hands what it recorded to the
 * consumer Worker's `queue` handler, as Cloudflare Queues would), the consumer writes Postgres.
 * test/integration/event-queue.test.ts runs the real queue between the two built Workers.
 */
class RecordingQueue {
  readonly sent: EventMessage[] = [];
  refuse = false;
  async send(body: EventMessage): Promise<void> {
    if (this.refuse) throw new Error("queue unavailable");
    this.sent.push(structuredClone(body));
  }
  async sendBatch(): Promise<void> {
    throw new Error("not used");
  }
}

class BeaconPage {
  cookie = "";
  readonly queue = new RecordingQueue();
  /** Settings this page's requests see on top of the test bindings (a low rate limit). */
  private readonly settings: Partial<Env>;

  constructor(settings: Partial<Env> = {}) {
    this.settings = settings;
  }

  async send(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const ctx = createExecutionContext();
    const response = await worker.request(
      "https://shop.test/api/events",
      {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
          ...(this.cookie ? { Cookie: this.cookie } : {}),
          ...headers,
        },
        body: typeof body === "string" ? body : JSON.stringify(body),
      },
      { ...env, ...this.settings, EVENTS: this.queue as unknown as Queue },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    const set = response.headers.get("Set-Cookie");
    if (set) this.cookie = set.split(";")[0]!;
    return response;
  }
}

const productView = (sku: string, at: number, id: string = crypto.randomUUID()) => ({
  id,
  type: "product_view",
  at,
  sku,
  category: "shoes",
});

async function consume(queue: string, messages: Array<{ id: string; body: unknown; attempts?: number }>) {
  const batch = createMessageBatch(
    queue,
    messages.map((m) => ({ attempts: 1, timestamp: new Date(), ...m })),
  );
  const ctx = createExecutionContext();
  await consumer.queue(batch, env as never);
  return getQueueResult(batch, ctx);
}

const storedEvents = (shopperId: string) =>
  withPostgres(async (pool) => {
    const { rows } = await pool.query<{
      id: string;
      type: string;
      sku: string | null;
      device: string;
      at: Date;
      amount: number | null;
      props: Record<string, unknown>;
    }>("select id, type, sku, device, at, amount::float8 as amount, props from events where shopper_id = $1 order by at, id", [shopperId]);
    return rows;
  });

describe("POST /api/events", () => {
  it("stamps the shopper and device, moves times to the server's clock, drops bad events and counts them", async () => {
    const page = new BeaconPage();
    const sku = `ev-${crypto.randomUUID().slice(0, 8)}`;
    // The page's clock runs a day behind; what matters is the view's age when sent (3 s).
    const pageNow = Date.now() - 86_400_000;
    const before = Date.now();
    const response = await page.send({
      sentAt: pageNow,
      events: [
        { id: crypto.randomUUID(), type: "page_view", at: pageNow - 3_000, page: `/sales/${sku}` },
        productView(sku, pageNow - 3_000),
        { type: "order_paid" },
        { type: "teleport" },
      ],
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: 2, dropped: { server_only: 1, unknown_type: 1 } });
    const [message] = page.queue.sent;
    expect(message?.events).toHaveLength(2);
    const shopperId = message!.events[0]!.shopperId;
    expect(shopperId).toMatch(/\S/);
    expect(message!.events.every((e) => e.device === "phone" && e.shopperId === shopperId)).toBe(true);
    expect(message!.events[0]!.at).toBeGreaterThanOrEqual(before - 3_000);
    expect(message!.events[0]!.at).toBeLessThanOrEqual(Date.now() - 3_000);

    const result = await consume("shopper-events", [{ id: "m1", body: message }]);
    expect(result.explicitAcks).toEqual(["m1"]);
    const rows = await storedEvents(shopperId);
    expect(rows.map((r) => r.type).sort()).toEqual(["page_view", "product_view"]);
    expect(rows.find((r) => r.type === "product_view")).toMatchObject({ sku, device: "phone" });
  });

  it("refuses what is not a beacon in the one error shape, and queues nothing", async () => {
    const page = new BeaconPage();
    const cases: Array<[unknown, Record<string, string>, number, string]> = [
      [{ sentAt: 1, events: [] }, {}, 400, "invalid_request"],
      [{ events: [productView("sku-a", 1)] }, {}, 400, "invalid_request"],
      [{ sentAt: 1, events: Array.from({ length: 51 }, () => productView("sku-a", 1)) }, {}, 400, "invalid_request"],
      ["{not json", {}, 400, "invalid_request"],
      [{ sentAt: 1, events: [productView("sku-a", 1)] }, { "Content-Type": "text/plain" }, 415, "unsupported_media_type"],
      [{ sentAt: 1, events: [productView("sku-a", 1)] }, { Origin: "https://evil.test" }, 403, "forbidden_origin"],
      [`{"sentAt":1,"events":[],"pad":"${"x".repeat(70_000)}"}`, {}, 413, "payload_too_large"],
    ];
    for (const [body, headers, status, code] of cases) {
      const response = await page.send(body, headers);
      expect(response.status, code).toBe(status);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
    }
    expect(page.queue.sent).toEqual([]);
  });

  it("answers 503 dependency_unavailable when the queue refuses, so a page that reads the answer may send again", async () => {
    const page = new BeaconPage();
    page.queue.refuse = true;
    const response = await page.send({ sentAt: Date.now(), events: [productView("sku-a", Date.now())] });
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("dependency_unavailable");
  });

  it("is limited per shopper, apart from the shopper's writes", async () => {
    const page = new BeaconPage({ RATE_LIMIT_EVENTS_PER_SHOPPER: "2/1h" });
    const send = () =>
      page.send({ sentAt: Date.now(), events: [productView("sku-a", Date.now())] }, { "CF-Connecting-IP": "203.0.113.77" });
    expect((await send()).status).toBe(202);
    expect((await send()).status).toBe(202);
    const third = await send();
    expect(third.status).toBe(429);
    expect(third.headers.get("Retry-After")).toMatch(/^\d+$/);
  });
});

describe("the events consumer", () => {
  const message = (events: unknown[], dropped = {}) => ({ v: 1, events, dropped });
  const stamped = (shopperId: string, sku: string, id = crypto.randomUUID()) => ({
    ...productView(sku, Date.now(), id),
    shopperId,
    device: "desktop",
  });

  it("writes a redelivered message once, and counts the drops it carries", async () => {
    const shopperId = `shp_${crypto.randomUUID()}`;
    const body = message([stamped(shopperId, "sku-a"), stamped(shopperId, "sku-b")], { oversized: 2 });
    const day = new Date().toISOString().slice(0, 10);
    const dropsBefore = await oversizedToday(day);
    await consume("shopper-events", [{ id: "a", body }]);
    await consume("shopper-events", [{ id: "a", body, attempts: 2 }]);
    expect((await storedEvents(shopperId)).map((r) => r.sku).sort()).toEqual(["sku-a", "sku-b"]);
    expect((await oversizedToday(day)) - dropsBefore).toBe(4);
  });

  it("acknowledges a batch with nothing to write, and the empty batch", async () => {
    expect((await consume("shopper-events", [])).explicitAcks).toEqual([]);
    const result = await consume("shopper-events", [{ id: "only-bad", body: message([{ type: "teleport" }]) }]);
    expect(result.explicitAcks).toEqual(["only-bad"]);
    expect(result.retryMessages).toEqual([]);
  });

  it("retries a poison message (to the dead-letter queue in the end) and writes the rest of its batch", async () => {
    const shopperId = `shp_${crypto.randomUUID()}`;
    const result = await consume("shopper-events", [
      { id: "good", body: message([stamped(shopperId, "sku-a")]) },
      { id: "poison", body: { hello: "world" } },
    ]);
    expect(result.explicitAcks).toEqual(["good"]);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(["poison"]);
    expect(await storedEvents(shopperId)).toHaveLength(1);
  });

  it("sets aside a message Postgres refuses for its data, writing the others of the batch", async () => {
    const shopperId = `shp_${crypto.randomUUID()}`;
    // Valid for the model, refused by Postgres: a NUL character cannot be stored in text.
    const refused = { ...stamped(shopperId, "sku-a"), category: "sh\u0000oes" };
    const result = await consume("shopper-events", [
      { id: "fine-1", body: message([stamped(shopperId, "sku-b")]) },
      { id: "refused", body: message([refused]) },
      { id: "fine-2", body: message([stamped(shopperId, "sku-c")]) },
    ]);
    expect(result.explicitAcks.sort()).toEqual(["fine-1", "fine-2"]);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(["refused"]);
    expect((await storedEvents(shopperId)).map((r) => r.sku).sort()).toEqual(["sku-b", "sku-c"]);
  });

  it("retries the whole batch later when Postgres cannot be reached, dead-lettering nothing", async () => {
    const batch = createMessageBatch("shopper-events", [
      { id: "x", timestamp: new Date(), attempts: 1, body: message([stamped("s", "sku-a")]) },
    ]);
    const ctx = createExecutionContext();
    await consumer.queue(batch, { ...env, DATABASE_URL: "postgres://nobody:wrong@127.0.0.1:1/none" } as never);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(["x"]);
  });

  it("keeps what the dead-letter queue delivers, as it came", async () => {
    const id = `dl-${crypto.randomUUID()}`;
    const result = await consume("shopper-events-dlq", [{ id, body: { hello: "world" } }]);
    expect(result.ackAll).toBe(true);
    const kept = await withPostgres((pool) => pool.query("select body from event_dead_letters where message_id = $1", [id]));
    expect(kept.rows).toEqual([{ body: { hello: "world" } }]);
  });
});

describe("order events", () => {
  it("ride the outbox into Postgres with the order: created and paid, once each", async () => {
    const { shopper, order } = await placeOrder();
    expect((await shopper.post(`/api/orders/${order.id}/pay`, {})).status).toBe(200);
    const rows = await eventually(
      () => storedEvents(shopper.id),
      (r) => r.length === 2,
    );
    expect(rows.map((r) => [r.id, r.type])).toEqual([
      [`${order.id}:pending_payment`, "order_created"],
      [`${order.id}:paid`, "order_paid"],
    ]);
    expect(rows[1]).toMatchObject({ sku: order.sku, amount: order.totalAmount, props: { qty: 1 } });
  });

  it("a declined payment is a payment_failed event, sent after the answer", async () => {
    const { shopper, order } = await placeOrder();
    const queue = new RecordingQueue();
    const ctx = createExecutionContext();
    const response = await worker.request(
      `https://shop.test/api/orders/${order.id}/pay`,
      {
        method: "POST",
        headers: { "Content-Type": "application/json", Cookie: shopper.cookie },
        body: JSON.stringify({ paymentMethod: "pm_local_decline" }),
      },
      { ...env, EVENTS: queue as unknown as Queue },
      ctx,
    );
    expect(response.status).toBe(402);
    await waitOnExecutionContext(ctx);
    expect(queue.sent[0]?.events).toEqual([
      expect.objectContaining({ type: "payment_failed", orderId: order.id, shopperId: shopper.id, amount: order.totalAmount }),
    ]);
  });
});

async function oversizedToday(day: string): Promise<number> {
  return withPostgres(async (pool) => {
    const { rows } = await pool.query<{ count: string }>("select count from event_drops where day = $1 and reason = 'oversized'", [day]);
    return Number(rows[0]?.count ?? 0);
  });
}
