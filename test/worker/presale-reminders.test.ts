import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { deadlineText } from "../../src/presale-view/countdown-text.ts";
import { demoSequences } from "../../src/sequences/demo-sequences.ts";
import { sequenceSchema } from "../../src/sequences/sequence.ts";
import { SequenceCatalog } from "../../src/sequences/sequence-catalog.ts";
import { runFollowUps } from "../../workers/storefront/follow-up-job.ts";
import { enrolmentsOf, HOUR, inboxOf } from "./follow-up-support.ts";
import { DAY, freshId, rowsOf } from "./membership-support.ts";
import { withPostgres } from "./postgres-support.ts";

/**
 * Presale balance reminders (issue 19) through the follow-up sequences: the every-minute scan
 * raises one `balance_window_opened` trigger per deposit-paid order whose balance window has
 * opened (never twice, never for an order paid, forfeited or not yet open), and one
 * `balance_window_closing` a day before it closes (none for a window no longer than a day); the
 * intake enrols the shopper in the demo reminders once each, and their messages link to the order.
 */
const SEQUENCE_ID = "presale-balance-reminder";
const LAST_DAY_ID = "presale-balance-last-day";

afterEach(async () => {
  for (const id of [SEQUENCE_ID, LAST_DAY_ID]) await env.SALES.delete(`sequence:${id}`);
});

async function storeDemoReminder(id = SEQUENCE_ID) {
  const demo = demoSequences().find((s) => s.id === id)!;
  await new SequenceCatalog(env.SALES).put(sequenceSchema.parse(demo));
}

/** A presale order row as the order sink writes it. */
async function insertPresaleOrder(shopperId: string, status: string, opensAt: number, closesAt: number): Promise<string> {
  const id = `ord_b-presale-rem_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;
  const presale = {
    deposit: 5_000,
    depositWorth: 15_000,
    balance: 14_950,
    balanceOpensAt: opensAt,
    balanceClosesAt: closesAt,
    forfeit: "keep",
    depositPaidAt: opensAt - DAY,
    depositRef: "local_dep",
    balancePaidAt: status === "paid" ? opensAt + HOUR : null,
  };
  const at = new Date(opensAt - DAY);
  await withPostgres((pool) =>
    pool.query(
      `insert into orders (id, sku, shopper_id, qty, unit_prices, ranks, total_amount, status, idempotency_key, created_at, updated_at, presale)
       values ($1, 'b-presale-rem', $2, 1, '[29950]', '[1]', 19950, $3, $4, $5, $5, $6)`,
      [id, shopperId, status, crypto.randomUUID(), at, JSON.stringify(presale)],
    ),
  );
  return id;
}

const triggersOf = (shopperId: string) =>
  rowsOf<{ id: string; kind: string; at: Date; payload: Record<string, unknown> }>(
    "select id, kind, at, payload from sequence_triggers where shopper_id = $1 order by id",
    [shopperId],
  );

describe("presale balance reminders", () => {
  it("raises one trigger per order whose balance window opened, enrols once, and links the message to the order", async () => {
    await storeDemoReminder();
    const shopperId = freshId("shp");
    const now = Date.now();
    const opensAt = now - 10 * 60_000;
    // Its last day is tomorrow: the scans below raise no closing reminder yet.
    const open = await insertPresaleOrder(shopperId, "deposit_paid", opensAt, now + 2 * DAY);
    // Not yet open, already paid, closed (forfeited by the clock): none of these is reminded.
    await insertPresaleOrder(shopperId, "deposit_paid", now + HOUR, now + 2 * DAY);
    await insertPresaleOrder(shopperId, "paid", opensAt, now + 2 * DAY);
    await insertPresaleOrder(shopperId, "deposit_paid", now - 2 * DAY, now - DAY);

    const first = await runFollowUps(env, now, { shoppers: [shopperId] });
    expect(first.raised).toBeGreaterThanOrEqual(1);
    // Run again (the next minute, or another isolate the same minute): nothing new.
    await runFollowUps(env, now + 60_000, { shoppers: [shopperId] });
    await runFollowUps(env, now + 60_000, { shoppers: [shopperId] });
    const triggers = await triggersOf(shopperId);
    expect(triggers.map((t) => [t.id, t.kind])).toEqual([[`balance_window_opened:${open}`, "balance_window_opened"]]);
    // Dated when the window opened, not when the scan ran.
    expect(triggers[0]!.at.getTime()).toBe(opensAt);
    expect(triggers[0]!.payload).toMatchObject({ orderId: open, sku: "b-presale-rem" });

    // Day 0 is due when the window opened: it goes out as the object starts (no quiet hours: the
    // window may be short), once, linking to the order; the one-step sequence is then complete.
    const enrolments = await enrolmentsOf(shopperId);
    expect(enrolments.map((e) => [e.sequence_id, e.status])).toEqual([[SEQUENCE_ID, "completed"]]);
    const inbox = await inboxOf(shopperId);
    expect(inbox.map((m) => m.title)).toEqual(["尾款开始支付啦"]);
    // {deadline}: when this order's window closes, as the order page writes it.
    expect(inbox[0]!.body).toContain(`请在 ${deadlineText(now + 2 * DAY, "zh-CN")} 前付清`);
    const [link] = await rowsOf<{ link: string | null }>("select link from inbox_messages where shopper_id = $1", [shopperId]);
    expect(link!.link).toBe(`/orders/${open}`);
  });

  it("reminds once more a day before the window closes, not when the window is a day or shorter", async () => {
    await storeDemoReminder(LAST_DAY_ID);
    const shopperId = freshId("shp");
    const now = Date.now();
    // Open for three days, closing in 12 hours: its last day began 12 hours ago.
    const closing = await insertPresaleOrder(shopperId, "deposit_paid", now - 3 * DAY, now + 12 * HOUR);
    // A window of 20 hours: its opening reminder already tells of the close, so no second one.
    await insertPresaleOrder(shopperId, "deposit_paid", now - 8 * HOUR, now + 12 * HOUR);
    // Its last day begins tomorrow.
    const later = await insertPresaleOrder(shopperId, "deposit_paid", now - DAY, now + 2 * DAY);

    await runFollowUps(env, now, { shoppers: [shopperId] });
    await runFollowUps(env, now + 60_000, { shoppers: [shopperId] });
    const closingTriggers = async () => (await triggersOf(shopperId)).filter((t) => t.kind === "balance_window_closing");
    const first = await closingTriggers();
    expect(first.map((t) => t.id)).toEqual([`balance_window_closing:${closing}`]);
    // Dated when the last day began: the close less a day.
    expect(first[0]!.at.getTime()).toBe(now + 12 * HOUR - DAY);
    expect(first[0]!.payload).toMatchObject({ orderId: closing, balanceClosesAt: now + 12 * HOUR });

    // A day on, the later order's last day has begun; the first order's window has closed.
    await runFollowUps(env, now + DAY + 60_000, { shoppers: [shopperId] });
    expect((await closingTriggers()).map((t) => t.id).sort()).toEqual(
      [`balance_window_closing:${closing}`, `balance_window_closing:${later}`].sort(),
    );

    // One enrolment each, by its trigger. The first order's message went out at once, linking to
    // it; the later one's is due when its last day begins (tomorrow on the objects' real clock).
    const enrolments = await enrolmentsOf(shopperId);
    expect(enrolments.map((e) => [e.sequence_id, e.trigger_id, e.status])).toEqual([
      [LAST_DAY_ID, `balance_window_closing:${closing}`, "completed"],
      [LAST_DAY_ID, `balance_window_closing:${later}`, "active"],
    ]);
    const inbox = await inboxOf(shopperId);
    expect(inbox.map((m) => m.title)).toEqual(["尾款支付最后一天"]);
    expect(inbox[0]!.body).toContain(`尾款将于 ${deadlineText(now + 12 * HOUR, "zh-CN")} 截止`);
    const links = await rowsOf<{ link: string | null }>("select link from inbox_messages where shopper_id = $1", [shopperId]);
    expect(links).toEqual([{ link: `/orders/${closing}` }]);
  });
});
