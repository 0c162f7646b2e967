import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it } from "vitest";
import { kvUserIds } from "../../src/channels/wecom.ts";
import { asAdviser, makeAdviser, type TestAdviser } from "./advisers-support.ts";
import { withPostgres } from "./postgres-support.ts";
import { asOwner, errorOf } from "./staff-support.ts";

/**
 * An adviser links their shopper to a WeCom userid from the conversation (issue 17): the WeCom
 * channel then sends the shopper's follow-ups there. Another adviser cannot, and a userid WeCom
 * would refuse is 400 with nothing written. The conversations are written straight to Postgres
 * (the route reads only the row): no adviser goes on shift, so the round-robin tests running
 * beside these count only their own.
 */
const made: TestAdviser[] = [];
afterAll(async () => {
  for (const adviser of made) await asOwner(`/advisers/${adviser.id}`, { method: "DELETE" });
});

type Conversation = { conversation: { id: string }; wecomUserId: string | null };

/** An open conversation of a new shopper with `adviserId`. */
async function conversationWith(adviserId: string): Promise<{ id: string; shopperId: string }> {
  const id = `cv_${crypto.randomUUID()}`;
  const shopperId = `shp_wecom${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;
  await withPostgres((pool) =>
    pool.query("insert into conversations (id, shopper_id, adviser_id, status, opened_at) values ($1, $2, $3, 'open', now())", [
      id,
      shopperId,
      adviserId,
    ]),
  );
  return { id, shopperId };
}

describe("WeCom userid link", () => {
  it("links, shows, replaces and unlinks the shopper's WeCom userid; the channel sends to it", async () => {
    const conversation = await conversationWith(`adv_${crypto.randomUUID()}`);
    const shopper = { id: conversation.shopperId };
    const recipient = kvUserIds(env.SALES);
    expect(await recipient(shopper.id)).toBe(shopper.id);

    const linked = await asOwner(`/conversations/${conversation.id}/wecom-user`, { method: "PUT", body: { userId: "zhang.san@brand" } });
    expect(linked.status).toBe(200);
    expect(await linked.json()).toEqual({ shopperId: shopper.id, wecomUserId: "zhang.san@brand" });
    expect(await recipient(shopper.id)).toBe("zhang.san@brand");
    const read = await (await asOwner(`/conversations/${conversation.id}`)).json<Conversation>();
    expect(read.wecomUserId).toBe("zhang.san@brand");

    const unlinked = await asOwner(`/conversations/${conversation.id}/wecom-user`, { method: "PUT", body: { userId: null } });
    expect(await unlinked.json()).toEqual({ shopperId: shopper.id, wecomUserId: null });
    expect(await recipient(shopper.id)).toBe(shopper.id);
    expect((await (await asOwner(`/conversations/${conversation.id}`)).json<Conversation>()).wecomUserId).toBeNull();
  });

  it("refuses a userid WeCom would refuse (400) and another adviser's shopper (404), writing nothing", async () => {
    const outsider = await makeAdviser("WeCom outsider", false);
    made.push(outsider);
    const conversation = await conversationWith(`adv_${crypto.randomUUID()}`);
    const shopper = { id: conversation.shopperId };

    for (const userId of ["has space", "", "x".repeat(65), "名字"]) {
      const refused = await asOwner(`/conversations/${conversation.id}/wecom-user`, { method: "PUT", body: { userId } });
      expect(refused.status, userId).toBe(400);
      expect((await errorOf(refused)).code).toBe("invalid_request");
    }
    const extra = await asOwner(`/conversations/${conversation.id}/wecom-user`, { method: "PUT", body: { userId: "ok", more: 1 } });
    expect(extra.status).toBe(400);
    const notTheirs = await asAdviser(outsider, `/conversations/${conversation.id}/wecom-user`, {
      method: "PUT",
      body: { userId: "intruder" },
    });
    expect(notTheirs.status).toBe(404);
    expect(await kvUserIds(env.SALES)(shopper.id)).toBe(shopper.id);
  });
});
