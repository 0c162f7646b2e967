import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { EventMessage } from "../../src/events/event-message.ts";
import consumer from "../../workers/events/index.ts";
import worker from "../../workers/storefront/index.ts";
import { admin } from "./admin-support.ts";
import { type ExperimentConfig, type ExperimentResults, updateExperiment, withRunningExperiment } from "./experiment-support.ts";
import { eventually, withPostgres } from "./postgres-support.ts";
import { seedSale, Shopper } from "./support.ts";

type Assignments = { assignments: Array<{ experiment: string; surface: string; variant: string }> };

const PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148";
const DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36";

/** A shopper's browser: its cookie, its device, and the events its pages send (recorded, then handed to the consumer as the queue would). */
class Browser extends Shopper {
  readonly sent: EventMessage[] = [];
  userAgent = PHONE;

  static async open(userAgent = PHONE): Promise<Browser> {
    const browser = new Browser();
    browser.userAgent = userAgent;
    const response = await browser.post("/api/session");
    browser.id = (await response.json<{ shopperId: string }>()).shopperId;
    return browser;
  }

  override async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("User-Agent", this.userAgent);
    if (this.cookie) headers.set("Cookie", this.cookie);
    const ctx = createExecutionContext();
    const queue = { send: async (body: EventMessage) => void this.sent.push(structuredClone(body)) };
    const response = await worker.request(
      `https://shop.test${path}`,
      { ...init, headers },
      { ...env, EVENTS: queue as unknown as Queue },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    const set = response.headers.get("Set-Cookie");
    if (set) this.cookie = set.split(";")[0]!;
    return response;
  }

  async assignments(page: "sale" | "home" = "sale", locale: "zh-CN" | "en" = "zh-CN"): Promise<Assignments["assignments"]> {
    const response = await this.post("/api/experiments/assignments", { page, locale });
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    return (await response.json<Assignments>()).assignments;
  }

  /** What a page does once it shows a variant: one exposure event, sent by beacon. */
  async expose(experiment: string, variant: string): Promise<void> {
    const at = Date.now();
    const response = await this.post("/api/events", {
      sentAt: at,
      events: [{ id: crypto.randomUUID(), type: "experiment_exposure", at, experiment, variant, experiments: { [experiment]: variant } }],
    });
    expect(response.status).toBe(202);
  }

  /** Hands every beacon sent so far to the events consumer. */
  async deliver(): Promise<void> {
    const messages = this.sent.splice(0).map((body) => ({ id: crypto.randomUUID(), body, attempts: 1, timestamp: new Date() }));
    if (messages.length === 0) return;
    const batch = createMessageBatch("shopper-events", messages);
    const ctx = createExecutionContext();
    await consumer.queue(batch, env as never);
    const result = await getQueueResult(batch, ctx);
    expect(result.retryMessages).toEqual([]);
  }
}

const variantOf = (list: Assignments["assignments"], experiment: string) => list.find((a) => a.experiment === experiment)?.variant;

describe("POST /api/experiments/assignments (issue 13)", () => {
  it("assigns at the edge, the same variant on every request, and keeps it when the weights change", async () => {
    await withRunningExperiment({}, async (experiment) => {
      const browsers = await Promise.all(Array.from({ length: 12 }, () => Browser.open()));
      const first = new Map<string, string>();
      for (const browser of browsers) {
        const variant = variantOf(await browser.assignments(), experiment.key);
        expect(["red", "blue"]).toContain(variant);
        first.set(browser.id, variant!);
        expect(variantOf(await browser.assignments(), experiment.key)).toBe(variant);
      }
      // Everyone new goes blue from now on; nobody assigned moves.
      const reweighted = await updateExperiment(experiment, {
        variants: [
          { key: "red", name: "Red", weight: 0 },
          { key: "blue", name: "Blue", weight: 100 },
        ],
      });
      expect(reweighted.status).toBe(200);
      for (const browser of browsers) expect(variantOf(await browser.assignments(), experiment.key)).toBe(first.get(browser.id));
      const newcomers = await Promise.all(Array.from({ length: 6 }, () => Browser.open()));
      for (const browser of newcomers) expect(variantOf(await browser.assignments(), experiment.key)).toBe("blue");
      // Only the sale page shows the Buy button.
      expect(variantOf(await browsers[0]!.assignments("home"), experiment.key)).toBeUndefined();
    });
  });

  it("issues a session to a new shopper, and the assignment sticks to it", async () => {
    await withRunningExperiment({}, async (experiment) => {
      const browser = new Browser();
      const response = await browser.post("/api/experiments/assignments", { page: "sale", locale: "en" });
      expect(response.headers.get("Set-Cookie")).toMatch(/^fs_session=/);
      const { assignments } = await response.json<Assignments>();
      expect(variantOf(await browser.assignments("sale", "en"), experiment.key)).toBe(variantOf(assignments, experiment.key));
    });
  });

  it("enrols only the shoppers targeted, and no one once stopped", async () => {
    await withRunningExperiment({ targeting: { devices: ["phone"], locales: ["zh-CN"] } }, async (experiment) => {
      const phone = await Browser.open(PHONE);
      const desktop = await Browser.open(DESKTOP);
      expect(variantOf(await phone.assignments("sale", "zh-CN"), experiment.key)).toBeDefined();
      expect(variantOf(await desktop.assignments("sale", "zh-CN"), experiment.key)).toBeUndefined();
      const english = await Browser.open(PHONE);
      expect(variantOf(await english.assignments("sale", "en"), experiment.key)).toBeUndefined();
      await admin(`/experiments/${experiment.key}/stop`, { method: "POST" });
      expect(variantOf(await phone.assignments("sale", "zh-CN"), experiment.key)).toBeUndefined();
    });
  });

  it("targets new (never paid) and returning shoppers", async () => {
    await withRunningExperiment({ targeting: { shoppers: ["returning"] } }, async (experiment) => {
      const fresh = await Browser.open();
      expect(variantOf(await fresh.assignments(), experiment.key)).toBeUndefined();
      const loyal = await Browser.open();
      await withPostgres((pool) =>
        pool.query(
          "insert into events (id, type, shopper_id, at, received_at, device, amount) values ($1, 'order_paid', $2, now() - interval '1 day', now(), 'unknown', 100)",
          [`t-${crypto.randomUUID()}:paid`, loyal.id],
        ),
      );
      expect(variantOf(await loyal.assignments(), experiment.key)).toBeDefined();
    });
  });

  it("answers no assignments, not an error, when Redis is unreachable: every control, no exposure", async () => {
    await withRunningExperiment({}, async () => {
      const browser = await Browser.open();
      const ctx = createExecutionContext();
      const response = await worker.request(
        "https://shop.test/api/experiments/assignments",
        {
          method: "POST",
          headers: { "Content-Type": "application/json", Cookie: browser.cookie },
          body: JSON.stringify({ page: "sale", locale: "en" }),
        },
        { ...env, UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9" },
        ctx,
      );
      await waitOnExecutionContext(ctx);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ assignments: [] });
    });
  });
});

describe("exposure and attribution", () => {
  const exposures = (experiment: string) =>
    withPostgres(async (pool) => {
      const { rows } = await pool.query<{ shopper_id: string; variant: string; device: string }>(
        "select shopper_id, variant, device from experiment_exposures where experiment = $1",
        [experiment],
      );
      return rows;
    });

  it("keeps one exposure per shopper however many page views report it", async () => {
    await withRunningExperiment({}, async (experiment) => {
      const browser = await Browser.open();
      const variant = variantOf(await browser.assignments(), experiment.key)!;
      for (let view = 0; view < 3; view++) await browser.expose(experiment.key, variant);
      await browser.deliver();
      await browser.expose(experiment.key, variant);
      await browser.deliver();
      expect(await exposures(experiment.key)).toEqual([{ shopper_id: browser.id, variant, device: "phone" }]);
      const views = await withPostgres((pool) =>
        pool.query("select count(*)::int as n from events where shopper_id = $1 and type = 'experiment_exposure'", [browser.id]),
      );
      expect(views.rows[0]).toEqual({ n: 4 });
    });
  });

  it("counts an order after the first exposure for the variant seen, and not one placed before it", async () => {
    const sale = await seedSale({ perShopperLimit: 5 });
    await withRunningExperiment({ primaryMetric: "payment" }, async (experiment: ExperimentConfig) => {
      const before = await Browser.open();
      const after = await Browser.open();
      const idle = await Browser.open();
      // `before` buys, then sees the variant; `after` sees it, then buys and pays; `idle` only looks.
      expect((await before.checkout(sale.sku, 1)).status).toBe(201);
      await eventually(
        () => withPostgres((pool) => pool.query("select 1 from events where shopper_id = $1 and type = 'order_created'", [before.id])),
        (r) => r.rowCount === 1,
      );
      for (const browser of [before, after, idle]) {
        browser.sent.length = 0;
        await browser.expose(experiment.key, variantOf(await browser.assignments(), experiment.key)!);
        await browser.deliver();
      }
      const checkout = await after.checkout(sale.sku, 1);
      const { order } = await checkout.json<{ order: { id: string; totalAmount: number } }>();
      expect((await after.post(`/api/orders/${order.id}/pay`, {})).status).toBe(200);
      await eventually(
        () => withPostgres((pool) => pool.query("select 1 from events where shopper_id = $1 and type = 'order_paid'", [after.id])),
        (r) => r.rowCount === 1,
      );

      const results = await (await admin(`/experiments/${experiment.key}/results`)).json<ExperimentResults>();
      const total = (field: "shoppers" | "checkouts" | "payments") => results.variants.reduce((sum, v) => sum + v[field], 0);
      expect(total("shoppers")).toBe(3);
      expect(total("checkouts")).toBe(1);
      expect(total("payments")).toBe(1);
      const afterVariant = variantOf(await after.assignments(), experiment.key);
      const credited = results.variants.find((v) => v.variant === afterVariant)!;
      expect(credited.payments).toBe(1);
      expect(credited.revenue.total).toBe(order.totalAmount);
    });
  });
});
