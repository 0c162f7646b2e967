import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { FollowUp } from "../../durable-objects/follow-up/index.ts";
import type { MessageChannel, OutboundMessage } from "../../src/channels/channel.ts";
import type { EnrolmentStart } from "../../src/sequences/trigger-intake.ts";
import { SequenceCatalog } from "../../src/sequences/sequence-catalog.ts";
import { CouponCatalog } from "../../src/coupons/coupon-catalog.ts";
import { runFollowUps } from "../../workers/storefront/follow-up-job.ts";
import {
  enrolmentsOf,
  followUp,
  HOUR,
  inboxOf,
  insertTrigger,
  nextShanghaiTen,
  seedSequence,
  sendsOf,
  statusOf,
  wakeAt,
} from "./follow-up-support.ts";
import { DAY, freshId, insertOrder, seedTierCoupon } from "./membership-support.ts";
import { withPostgres } from "./postgres-support.ts";

/** Sequences a test stored: removed after it, so a later test's job run does not enrol into them. */
const stored: string[] = [];
afterEach(async () => {
  await Promise.all(stored.splice(0).map((id) => env.SALES.delete(`sequence:${id}`)));
});

async function sequence(overrides: Parameters<typeof seedSequence>[0] = {}) {
  const seeded = await seedSequence(overrides);
  stored.push(seeded.id);
  return seeded;
}

/** Enrols a fresh shopper by a team_failed trigger at `at`, through the job; answers the enrolment's id. */
async function enrol(at: number, shopperId = freshId("shp")) {
  await insertTrigger("team_failed", shopperId, at, { teamId: freshId("tm") });
  const run = await runFollowUps(env, at, { shoppers: [shopperId] });
  expect(run.enrolled).toBeGreaterThanOrEqual(1);
  const [enrolment] = await enrolmentsOf(shopperId);
  return { shopperId, enrolmentId: enrolment!.id };
}

describe("the issue's worked example (day 0, 1, 3, 7; a purchase on day 2; quiet hours)", () => {
  it("sends at day 0, 1, 3 and 7 once each, and completes", async () => {
    await sequence();
    const day0 = nextShanghaiTen();
    const { shopperId, enrolmentId } = await enrol(day0);
    const status = await statusOf(enrolmentId);
    expect(status.times).toEqual([day0, day0 + DAY, day0 + 3 * DAY, day0 + 7 * DAY]);
    expect(status.alarm).toBe(day0);

    // Woken early (an hour before day 0's step) it sends nothing and sleeps until the step.
    expect(await wakeAt(enrolmentId, day0 - HOUR)).toBe(true);
    expect(await sendsOf(enrolmentId)).toHaveLength(0);
    for (const [i, at] of status.times.entries()) {
      expect(await wakeAt(enrolmentId, at)).toBe(true);
      expect((await sendsOf(enrolmentId)).map((s) => s.step)).toEqual([...Array(i + 1).keys()]);
    }
    const sends = await sendsOf(enrolmentId);
    expect(sends.map((s) => s.sent_at.getTime())).toEqual(status.times);
    const inbox = await inboxOf(shopperId);
    expect(inbox.map((m) => m.title)).toEqual(["第 0 天", "第 1 天", "第 3 天", "第 7 天"]);
    expect(inbox[0]!.body).toBe("亲爱的顾客，您的订单 怎么样？");
    expect(inbox.map((m) => m.idempotency_key)).toEqual([0, 1, 3, 7].map((_, i) => `${enrolmentId}:${i}`));
    const [row] = await enrolmentsOf(shopperId);
    expect(row).toMatchObject({ status: "completed", next_step: 4 });
    expect(await statusOf(enrolmentId)).toMatchObject({ progress: { status: "completed" }, alarm: null });
  });

  it("a purchase on day 2 cancels the rest: only day 0 and day 1 go out", async () => {
    await sequence();
    const day0 = nextShanghaiTen();
    const { shopperId, enrolmentId } = await enrol(day0);
    await wakeAt(enrolmentId, day0);
    await wakeAt(enrolmentId, day0 + DAY);
    await insertTrigger("order_paid", shopperId, day0 + 2 * DAY, { orderId: freshId("ord"), sku: "t-sku", amount: 100 });
    const run = await runFollowUps(env, day0 + 2 * DAY, { shoppers: [shopperId] });
    expect(run.exited).toBeGreaterThanOrEqual(1);
    const [row] = await enrolmentsOf(shopperId);
    expect(row).toMatchObject({ status: "exited", exit_reason: "purchase", next_step: 2 });
    expect(await statusOf(enrolmentId)).toMatchObject({ progress: { status: "exited" }, alarm: null });

    // Even an alarm that fires anyway (one already in flight) sends nothing after the exit.
    await runInDurableObject(followUp(enrolmentId), (instance: FollowUp) => {
      FollowUp.clockOf(instance).advance(8 * DAY);
      return instance.alarm();
    });
    expect((await sendsOf(enrolmentId)).map((s) => s.step)).toEqual([0, 1]);
    expect(await inboxOf(shopperId)).toHaveLength(2);
  });

  it("an object that missed the exit finds it in Postgres and sends nothing", async () => {
    await sequence();
    const day0 = nextShanghaiTen();
    const { shopperId, enrolmentId } = await enrol(day0);
    await wakeAt(enrolmentId, day0);
    await withPostgres((pool) =>
      pool.query("update sequence_enrolments set status = 'exited', exit_reason = 'purchase' where id = $1", [enrolmentId]),
    );
    await wakeAt(enrolmentId, day0 + DAY);
    expect((await sendsOf(enrolmentId)).map((s) => s.step)).toEqual([0]);
    expect(await statusOf(enrolmentId)).toMatchObject({ progress: { status: "exited", exitReason: "purchase" }, alarm: null });
    expect(await inboxOf(shopperId)).toHaveLength(1);
  });

  it("a step due at 23:00 goes out at 08:00 the next morning", async () => {
    await sequence({
      steps: [
        { after: { days: 0, hours: 0 }, title: { "zh-CN": "早", en: "Morning" }, body: { "zh-CN": "你好", en: "Hello" } },
        { after: { days: 0, hours: 13 }, title: { "zh-CN": "晚", en: "Night" }, body: { "zh-CN": "晚安", en: "Good night" } },
      ],
    });
    const day0 = nextShanghaiTen();
    const { enrolmentId } = await enrol(day0);
    const eightNextMorning = day0 + DAY - 2 * HOUR;
    expect((await statusOf(enrolmentId)).times).toEqual([day0, eightNextMorning]);
    await wakeAt(enrolmentId, day0);
    // At 23:00 itself nothing goes out.
    await wakeAt(enrolmentId, day0 + 13 * HOUR);
    expect(await sendsOf(enrolmentId)).toHaveLength(1);
    await wakeAt(enrolmentId, eightNextMorning);
    const sends = await sendsOf(enrolmentId);
    expect(sends.map((s) => s.sent_at.getTime())).toEqual([day0, eightNextMorning]);
    expect(sends[1]!.due_at.getTime()).toBe(eightNextMorning);
  });
});

describe("exactly once", () => {
  it("a retried alarm sends nothing twice: objects that lost their progress find each step's key taken", async () => {
    const seq = await sequence();
    const day0 = nextShanghaiTen();
    const { shopperId, enrolmentId } = await enrol(day0);
    await wakeAt(enrolmentId, day0);
    // The same enrolment started afresh in other objects (as if the first one's storage lost
    // the step it sent): each sends step 0 again, at once, and Postgres keeps one.
    const [row] = await enrolmentsOf(shopperId);
    const enrolment: EnrolmentStart = {
      id: enrolmentId,
      sequenceId: seq.id,
      sequenceVersion: seq.version,
      shopperId,
      triggerId: row!.trigger_id,
      enrolledAt: day0,
      context: { locale: "zh-CN", timeZone: "Asia/Shanghai" },
    };
    const replicas = Array.from({ length: 5 }, (_, i) => env.FOLLOW_UP.getByName(`${enrolmentId}-replica-${i}`));
    await Promise.all(replicas.map((stub) => stub.start({ enrolment, sequence: seq })));
    await Promise.all(replicas.map((_, i) => wakeAt(`${enrolmentId}-replica-${i}`, day0)));
    expect((await sendsOf(enrolmentId)).map((s) => s.step)).toEqual([0]);
    expect(await inboxOf(shopperId)).toHaveLength(1);
    // Each replica counted step 0 as sent and waits for step 1.
    for (const stub of replicas) expect(await stub.status()).toMatchObject({ progress: { nextStep: 1 }, alarm: day0 + DAY });
    // And the original's own alarm running twice sends step 1 once.
    await wakeAt(enrolmentId, day0 + DAY);
    await runInDurableObject(followUp(enrolmentId), (instance: FollowUp) => instance.alarm());
    expect((await sendsOf(enrolmentId)).map((s) => s.step)).toEqual([0, 1]);
  });

  it("grants a step's coupon once by the step's key and names it in the message", async () => {
    const coupon = await seedTierCoupon();
    await sequence({
      steps: [
        {
          after: { days: 0, hours: 0 },
          title: { "zh-CN": "送你一张券", en: "A coupon for you" },
          body: { "zh-CN": "券码 {coupon}", en: "Coupon {coupon}" },
          couponTemplate: coupon,
        },
      ],
    });
    const day0 = nextShanghaiTen();
    const { shopperId, enrolmentId } = await enrol(day0);
    await wakeAt(enrolmentId, day0);
    const [send] = await sendsOf(enrolmentId);
    expect(send!.coupon_id).toEqual(expect.any(String));
    const [message] = await inboxOf(shopperId);
    expect(message!.body).toBe(`券码 ${send!.coupon_id}`);
    // The pool answers the same coupon for the step's key: a retried step is one coupon.
    const template = (await new CouponCatalog(env.SALES).find(coupon))!;
    const again = await env.COUPON_POOL.getByName(coupon).grant(template, {
      grantKey: `${enrolmentId}:0`,
      shopperId,
      amountOff: null,
      validUntil: template.validUntil,
    });
    expect(again).toMatchObject({ replayed: true, coupon: { id: send!.coupon_id, shopperId } });
  });
});

describe("the intake", () => {
  it("enrols once per sequence and trigger, even when the job runs twice at once", async () => {
    await sequence();
    const day0 = nextShanghaiTen();
    const shopperId = freshId("shp");
    await insertTrigger("team_failed", shopperId, day0);
    const mine = { shoppers: [shopperId] };
    await Promise.all([runFollowUps(env, day0, mine), runFollowUps(env, day0, mine), runFollowUps(env, day0, mine)]);
    expect(await enrolmentsOf(shopperId)).toHaveLength(1);
  });

  it("a first-purchase sequence enrols on the shopper's first paid order only", async () => {
    const seq = await sequence({ trigger: { kind: "order_paid", firstPurchaseOnly: true } });
    const day0 = nextShanghaiTen();
    const shopperId = freshId("shp");
    const first = await insertOrder({ shopperId, sku: "t-first", total: 1_000, paidAt: day0 - DAY });
    const second = await insertOrder({ shopperId, sku: "t-first", total: 1_000, paidAt: day0 });
    await insertTrigger("order_paid", shopperId, day0 - DAY, { orderId: first, sku: "t-first" });
    await insertTrigger("order_paid", shopperId, day0, { orderId: second, sku: "t-first" });
    await runFollowUps(env, day0, { shoppers: [shopperId] });
    const enrolments = await enrolmentsOf(shopperId);
    // The second purchase also ends the first-purchase enrolment (it exits on purchase).
    expect(enrolments.map((e) => [e.sequence_id, e.status, e.exit_reason])).toEqual([[seq.id, "exited", "purchase"]]);
  });

  it("a segment sequence enrols on entering its segment and exits when the shopper enters another", async () => {
    const seq = await sequence({
      trigger: { kind: "segment_entered", segment: "at_risk" },
      exit: { onPurchase: false, onSegmentLeft: true },
    });
    const day0 = nextShanghaiTen();
    const shopperId = freshId("shp");
    await insertTrigger("segment_entered", shopperId, day0 - DAY, { segment: "champions", runId: "r1" });
    await insertTrigger("segment_entered", shopperId, day0, { segment: "at_risk", runId: "r2" });
    await runFollowUps(env, day0, { shoppers: [shopperId] });
    expect((await enrolmentsOf(shopperId)).map((e) => [e.sequence_id, e.status])).toEqual([[seq.id, "active"]]);
    // Not a purchase sequence: a paid order leaves it running.
    await insertTrigger("order_paid", shopperId, day0 + HOUR, { orderId: freshId("ord") });
    await runFollowUps(env, day0 + HOUR, { shoppers: [shopperId] });
    expect((await enrolmentsOf(shopperId))[0]).toMatchObject({ status: "active" });
    await insertTrigger("segment_entered", shopperId, day0 + 2 * DAY, { segment: "loyal", runId: "r3" });
    await runFollowUps(env, day0 + 2 * DAY, { shoppers: [shopperId] });
    expect((await enrolmentsOf(shopperId))[0]).toMatchObject({ status: "exited", exit_reason: "segment_left" });
  });

  it("hands over to the `then` sequence when one completes", async () => {
    const next = await sequence({ name: "after", trigger: { kind: "checkout_abandoned" } });
    await sequence({
      thenEnrol: next.id,
      steps: [{ after: { days: 0, hours: 0 }, title: { "zh-CN": "一", en: "One" }, body: { "zh-CN": "一", en: "One" } }],
    });
    const day0 = nextShanghaiTen();
    const { shopperId, enrolmentId } = await enrol(day0);
    await wakeAt(enrolmentId, day0);
    const enrolments = await enrolmentsOf(shopperId);
    expect(enrolments.map((e) => [e.status, e.trigger_id]).sort()).toEqual([
      ["active", `then:${enrolmentId}`],
      ["completed", expect.stringMatching(/^team_failed:/)],
    ]);
    const handedOver = enrolments.find((e) => e.status === "active")!;
    expect(handedOver.sequence_id).toBe(next.id);
    expect((await statusOf(handedOver.id)).times[0]).toBe(day0);
  });

  it("the sweep starts an enrolment whose object was never started", async () => {
    const seq = await sequence();
    const day0 = nextShanghaiTen();
    const shopperId = freshId("shp");
    const id = `enr_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;
    await withPostgres((pool) =>
      pool.query(
        `insert into sequence_enrolments (id, sequence_id, sequence_version, shopper_id, trigger_id, status, enrolled_at, next_step, next_at, context)
         values ($1, $2, 1, $3, $4, 'active', $5, 0, $5, '{"locale":"en","timeZone":"Asia/Shanghai"}')`,
        [id, seq.id, shopperId, `team_failed:${freshId("src")}`, new Date(day0)],
      ),
    );
    const run = await runFollowUps(env, day0 + 10 * 60_000, { shoppers: [shopperId] });
    expect(run.restarted).toBeGreaterThanOrEqual(1);
    await wakeAt(id, day0 + 10 * 60_000);
    expect((await inboxOf(shopperId)).map((m) => m.title)).toEqual(["Day 0"]);
  });

  it("keeps running the version enrolled under after the sequence is edited", async () => {
    const seq = await sequence();
    const day0 = nextShanghaiTen();
    const { shopperId, enrolmentId } = await enrol(day0);
    await new SequenceCatalog(env.SALES).put({ ...seq, version: 2, steps: seq.steps.slice(0, 1) });
    await wakeAt(enrolmentId, day0);
    await wakeAt(enrolmentId, day0 + DAY);
    expect(await inboxOf(shopperId)).toHaveLength(2);
  });
});

describe("channels beyond the inbox", () => {
  it("sends each step to every channel once by its key, retries a channel that refused, and records who took it", async () => {
    await sequence();
    const day0 = nextShanghaiTen();
    const { enrolmentId } = await enrol(day0);
    const received: OutboundMessage[] = [];
    let refuse = 1;
    const flaky: MessageChannel = {
      name: "flaky",
      async send(message) {
        if (refuse-- > 0) throw new Error("not now");
        received.push(message);
      },
    };
    const steady: MessageChannel = { name: "steady", send: async (message) => void received.push(message) };
    await runInDurableObject(followUp(enrolmentId), (instance: FollowUp) => FollowUp.useChannels(instance, [flaky, steady]));
    await wakeAt(enrolmentId, day0);
    // steady took it; flaky refused once, so the object wakes again soon for it alone.
    expect(received.map((m) => m.idempotencyKey)).toEqual([`${enrolmentId}:0`]);
    const status = await statusOf(enrolmentId);
    expect(status).toMatchObject({ channelsPending: 1, alarm: day0 + 60_000 });
    await wakeAt(enrolmentId, day0 + 60_000);
    expect(received.map((m) => m.idempotencyKey)).toEqual([`${enrolmentId}:0`, `${enrolmentId}:0`]);
    expect(received[0]).toMatchObject({ locale: "zh-CN", title: "第 0 天", body: "亲爱的顾客，您的订单 怎么样？" });
    expect(await statusOf(enrolmentId)).toMatchObject({ channelsPending: 0, alarm: day0 + DAY });
    const [send] = await withPostgres(
      async (pool) =>
        (await pool.query<{ channels: string[] }>("select channels from sequence_sends where idempotency_key = $1", [`${enrolmentId}:0`]))
          .rows,
    );
    expect(send!.channels.sort()).toEqual(["flaky", "steady"]);
  });
});
