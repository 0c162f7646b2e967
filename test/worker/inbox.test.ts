import { describe, expect, it } from "vitest";
import { inboxOf } from "./follow-up-support.ts";
import { withPostgres } from "./postgres-support.ts";
import { type ApiError, Shopper } from "./support.ts";

type Message = { id: string; title: string; body: string; readAt: number | null; createdAt: number };
type Page = { messages: Message[]; unread: number; next: string | null };

/** `count` messages for the shopper, a minute apart, the newest last. */
async function seedInbox(shopperId: string, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `msg_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}${i}`);
  const base = Date.now() - count * 60_000;
  await withPostgres(async (pool) => {
    for (const [i, id] of ids.entries()) {
      await pool.query(
        "insert into inbox_messages (id, shopper_id, idempotency_key, kind, title, body, link, created_at) values ($1, $2, $1, 'follow_up', $3, $4, null, $5)",
        [id, shopperId, `Message ${i}`, `Body ${i}`, new Date(base + i * 60_000)],
      );
    }
  });
  return ids;
}

const key = () => ({ "Idempotency-Key": crypto.randomUUID() });

describe("the inbox API", () => {
  it("lists the shopper's messages newest first, a page at a time, with the unread count", async () => {
    const shopper = await Shopper.create();
    const ids = await seedInbox(shopper.id, 5);
    const first = await (await shopper.request("/api/me/inbox?limit=3")).json<Page>();
    expect(first.messages.map((m) => m.id)).toEqual([ids[4], ids[3], ids[2]]);
    expect(first).toMatchObject({ unread: 5, next: ids[2] });
    const second = await (await shopper.request(`/api/me/inbox?limit=3&before=${first.next}`)).json<Page>();
    expect(second.messages.map((m) => m.id)).toEqual([ids[1], ids[0]]);
    expect(second.next).toBeNull();
    const count = await shopper.request("/api/me/inbox/unread-count");
    expect(count.headers.get("Cache-Control")).toBe("no-store");
    expect(await count.json()).toEqual({ unread: 5 });
  });

  it("the badge's count issues no session: without a cookie it is 0, answered without one", async () => {
    const stranger = new Shopper();
    const answer = await stranger.request("/api/me/inbox/unread-count");
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ unread: 0 });
    expect(answer.headers.get("Set-Cookie")).toBeNull();
  });

  it("marks one read (twice: the first time stays), then all", async () => {
    const shopper = await Shopper.create();
    const ids = await seedInbox(shopper.id, 3);
    const once = await shopper.post(`/api/me/inbox/${ids[0]}/read`, {}, key());
    expect(once.status).toBe(200);
    const { message, unread } = await once.json<{ message: Message; unread: number }>();
    expect(unread).toBe(2);
    const answers = await Promise.all(Array.from({ length: 5 }, () => shopper.post(`/api/me/inbox/${ids[0]}/read`, {}, key())));
    for (const answer of answers) expect((await answer.json<{ message: Message }>()).message.readAt).toBe(message.readAt);
    const all = await shopper.post("/api/me/inbox/read-all", {}, key());
    expect(await all.json()).toEqual({ marked: 2, unread: 0 });
    expect(await (await shopper.request("/api/me/inbox/unread-count")).json()).toEqual({ unread: 0 });
  });

  it("another shopper's message is not found, and stays unread", async () => {
    const owner = await Shopper.create();
    const other = await Shopper.create();
    const [id] = await seedInbox(owner.id, 1);
    const answer = await other.post(`/api/me/inbox/${id}/read`, {}, key());
    expect(answer.status).toBe(404);
    expect((await answer.json<ApiError>()).error.code).toBe("not_found");
    expect((await other.request(`/api/me/inbox?before=${id}`)).status).toBe(200);
    expect((await other.request("/api/me/inbox").then((r) => r.json<Page>())).messages).toEqual([]);
    expect((await inboxOf(owner.id))[0]!.read_at).toBeNull();
  });

  it("refuses a write from another origin or not as JSON, and changes nothing", async () => {
    const shopper = await Shopper.create();
    const [id] = await seedInbox(shopper.id, 1);
    const notJson = await shopper.request(`/api/me/inbox/${id}/read`, { method: "POST" });
    expect(notJson.status).toBe(415);
    const foreign = await shopper.post(`/api/me/inbox/${id}/read`, {}, { ...key(), Origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
    expect((await inboxOf(shopper.id))[0]!.read_at).toBeNull();
    const badLimit = await shopper.request("/api/me/inbox?limit=500");
    expect(badLimit.status).toBe(400);
  });
});
