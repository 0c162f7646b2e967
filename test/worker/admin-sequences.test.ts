import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import type { Sequence } from "../../src/sequences/sequence.ts";
import type { SequenceFigures } from "../../src/sequences/sequence-figures.ts";
import { runFollowUps } from "../../workers/storefront/follow-up-job.ts";
import { admin, expectProblems, readError } from "./admin-support.ts";
import { enrolmentsOf, insertTrigger, nextShanghaiTen, wakeAt } from "./follow-up-support.ts";
import { DAY, freshId, seedTierCoupon } from "./membership-support.ts";

/** Sequences through the admin API (issue 17): versioned, audited, every problem listed, no loops. */
const created: string[] = [];
afterEach(async () => {
  await Promise.all(created.splice(0).map((id) => env.SALES.delete(`sequence:${id}`)));
});

function draft(overrides: Record<string, unknown> = {}) {
  const id = `as-${crypto.randomUUID().slice(0, 12)}`;
  created.push(id);
  return {
    id,
    name: "首购 7 天关怀 · First purchase, 7 days",
    trigger: { kind: "checkout_abandoned" },
    steps: [0, 1, 3, 7].map((days) => ({
      after: { days, hours: 0 },
      title: { "zh-CN": `第 ${days} 天`, en: `Day ${days}` },
      body: { "zh-CN": "{name}，{product} 还在等你", en: "{name}, {product} is waiting" },
    })),
    ...overrides,
  };
}

const step = (days: number, hours: number, text = "Hi {name}") => ({
  after: { days, hours },
  title: { "zh-CN": "标题", en: "Title" },
  body: { "zh-CN": text, en: text },
});

describe("sequences through the admin API", () => {
  it("creates version 1 with the defaults, reads, updates from the version read, keeps history and audit", async () => {
    const body = draft();
    const answer = await admin("/sequences", { body, actor: "marketer-1" });
    expect(answer.status).toBe(201);
    const { sequence } = await answer.json<{ sequence: Sequence }>();
    expect(sequence).toMatchObject({
      version: 1,
      active: true,
      quietHours: { start: "22:00", end: "08:00" },
      exit: { onPurchase: true, onSegmentLeft: false },
      thenEnrol: null,
      updatedBy: "marketer-1",
    });
    expect((await readError(await admin("/sequences", { body }))).code).toBe("conflict");
    const updated = await admin(`/sequences/${body.id}`, { method: "PUT", body: { ...body, active: false, expectedVersion: 1 } });
    expect(updated.status).toBe(200);
    expect((await readError(await admin(`/sequences/${body.id}`, { method: "PUT", body: { ...body, expectedVersion: 1 } }))).code).toBe(
      "conflict",
    );
    const history = await (await admin(`/sequences/${body.id}/history`)).json<{ versions: Sequence[] }>();
    expect(history.versions.map((v) => [v.version, v.active])).toEqual([
      [2, false],
      [1, true],
    ]);
    const audit = await (await admin(`/sequences/${body.id}/audit`)).json<{ entries: Array<{ action: string }> }>();
    expect(audit.entries.map((e) => e.action)).toEqual(["update", "create"]);
    const list = await (await admin("/sequences")).json<{ sequences: Sequence[] }>();
    expect(list.sequences.map((s) => s.id)).toContain(body.id);
  });

  it("lists every problem at once: unknown placeholders, steps out of order, oversized, {coupon} without a coupon, a trigger's options", async () => {
    const body = draft({
      trigger: { kind: "segment_entered", firstPurchaseOnly: true },
      steps: [step(1, 0, "Hi {nmae}"), step(0, 12), step(0, 12, "x".repeat(501)), step(2, 0, "{coupon}")],
      quietHours: { start: "22:00", end: "22:00" },
    });
    const problems = await expectProblems(await admin("/sequences", { body }), [
      "steps.0.body.zh-CN",
      "steps.0.body.en",
      "steps.1.after",
      "steps.2.after",
      "steps.2.body.en",
      "steps.3.body.en",
      "trigger.segment",
      "trigger.firstPurchaseOnly",
      "quietHours.end",
    ]);
    expect(problems.join("\n")).toMatch(/unknown placeholder \{nmae\}/);
    expect(problems.join("\n")).toMatch(/steps out of order/);
    expect(problems.join("\n")).toMatch(/oversized/);
    expect(problems.join("\n")).toMatch(/\{coupon\} needs the step to grant a coupon/);
    expect((await admin(`/sequences/${body.id}`)).status).toBe(404);
  });

  it("refuses a `then` that names nothing or would loop, and a coupon template that does not exist; nothing saved", async () => {
    const a = draft();
    const b = draft({ thenEnrol: a.id });
    expect((await admin("/sequences", { body: b })).status).toBe(400);
    expect((await admin("/sequences", { body: a })).status).toBe(201);
    expect((await admin("/sequences", { body: b })).status).toBe(201);
    const looping = await admin(`/sequences/${a.id}`, { method: "PUT", body: { ...a, thenEnrol: b.id, expectedVersion: 1 } });
    const problems = await expectProblems(looping, ["thenEnrol"]);
    expect(problems).toContain(`thenEnrol: the sequences would loop: ${a.id} → ${b.id} → ${a.id}`);
    const self = await admin(`/sequences/${a.id}`, { method: "PUT", body: { ...a, thenEnrol: a.id, expectedVersion: 1 } });
    await expectProblems(self, ["thenEnrol"]);
    const noCoupon = draft({ steps: [{ ...step(0, 0, "{coupon}"), couponTemplate: "no-such-template" }] });
    const refused = await expectProblems(await admin("/sequences", { body: noCoupon }), ["steps.0.couponTemplate"]);
    expect(refused[0]).toMatch(/no coupon template "no-such-template"/);
    expect((await (await admin(`/sequences/${a.id}`)).json<{ sequence: Sequence }>()).sequence).toMatchObject({
      version: 1,
      thenEnrol: null,
    });
  });

  it("counts enrolments and sends per step", async () => {
    const coupon = await seedTierCoupon();
    const body = draft({ steps: [{ ...step(0, 0, "{coupon}"), couponTemplate: coupon }, step(1, 0), step(3, 0)] });
    expect((await admin("/sequences", { body })).status).toBe(201);
    const day0 = nextShanghaiTen();
    const shoppers = [freshId("shp"), freshId("shp"), freshId("shp")];
    for (const shopper of shoppers) await insertTrigger("checkout_abandoned", shopper, day0, { sku: "t-abandoned" });
    await runFollowUps(env, day0, { shoppers });
    const ids = await Promise.all(shoppers.map(async (s) => (await enrolmentsOf(s))[0]!.id));
    await Promise.all(ids.map((id) => wakeAt(id, day0)));
    // The first buys on day 2 (exits before step 2); the second runs to the end; the third waits.
    await insertTrigger("order_paid", shoppers[0]!, day0 + 2 * DAY, { orderId: freshId("ord") });
    await wakeAt(ids[0]!, day0 + DAY);
    await runFollowUps(env, day0 + 2 * DAY, { shoppers });
    await wakeAt(ids[1]!, day0 + DAY);
    await wakeAt(ids[1]!, day0 + 3 * DAY);
    const answer = await admin(`/sequences/${body.id}/figures`);
    expect(answer.status).toBe(200);
    const { figures } = await answer.json<{ figures: SequenceFigures }>();
    expect(figures).toEqual({
      enrolled: 3,
      active: 1,
      completed: 1,
      exited: 1,
      exitReasons: { purchase: 1 },
      steps: [
        { step: 0, sent: 3, exitedBefore: 0 },
        { step: 1, sent: 2, exitedBefore: 0 },
        { step: 2, sent: 1, exitedBefore: 1 },
      ],
    });
  });
});
