import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it } from "vitest";
import { Conversation } from "../../durable-objects/conversation/index.ts";
import { CHAT_LIMITS } from "../../src/advisers/chat-limits.ts";
import {
  adviserSocket,
  asAdviser,
  chatRows,
  everyoneOffShift,
  makeAdviser,
  sendAsShopper,
  shopperSocket,
  type TestAdviser,
} from "./advisers-support.ts";
import { asOwner, errorOf } from "./staff-support.ts";
import { Shopper } from "./support.ts";

/**
 * Advisers and conversations (issue 17) against the real Conversation objects and Postgres.
 * The roster is shared by every test of the run, so the tests that count the round robin take
 * everyone else off shift first, and each test takes its own advisers off the roster at the end.
 */
const mine: TestAdviser[] = [];
async function advisers(count: number, onShift = true): Promise<TestAdviser[]> {
  const made = await Promise.all(Array.from({ length: count }, (_, i) => makeAdviser(`Adviser ${i + 1}`, onShift)));
  mine.push(...made);
  return made;
}

afterAll(async () => {
  for (const adviser of mine) await asOwner(`/advisers/${adviser.id}`, { method: "DELETE" });
});

type Sent = {
  message: { id: string; conversationId: string; body: string };
  conversation: { id: string; adviserId: string };
  replayed: boolean;
};

describe("assignment", () => {
  it("gives 20 shoppers writing at once, with 3 advisers on shift, exactly one adviser each, 7/7/6; one leaving spreads theirs over the others", async () => {
    await everyoneOffShift();
    const team = await advisers(3);
    const shoppers = await Promise.all(Array.from({ length: 20 }, () => Shopper.create()));
    const started = Date.now();
    const sent = await Promise.all(shoppers.map((shopper) => sendAsShopper(shopper, "你好，我想问一下精华液怎么用")));
    const elapsed = Date.now() - started;
    console.log(`adviser chat: 20 concurrent first messages answered in ${elapsed} ms`);
    expect(sent.map((r) => r.status)).toEqual(Array(20).fill(201));

    const ids = shoppers.map((s) => s.id);
    const rows = await chatRows(ids);
    expect(rows.assignments).toHaveLength(20);
    expect(rows.conversations).toHaveLength(20);
    const counts = team.map((adviser) => rows.assignments.filter((row) => row.adviser_id === adviser.id).length);
    expect([...counts].sort()).toEqual([6, 7, 7]);
    // The conversation is with the assigned adviser.
    for (const conversation of rows.conversations) {
      expect(conversation.adviser_id).toBe(rows.assignments.find((a) => a.shopper_id === conversation.shopper_id)!.adviser_id);
    }

    // Stable: a second message keeps the adviser and the conversation.
    const again = await sendAsShopper(shoppers[0]!, "还有一个问题");
    expect(again.status).toBe(201);
    const first = (await sent[0]!.json<Sent>()).conversation;
    expect((await again.json<Sent>()).conversation).toMatchObject({ id: first.id, adviserId: first.adviserId });

    // The busiest adviser leaves: their 7 go to the other two, round robin (4/3), open conversations with them.
    const leaving = team[counts.indexOf(7)]!;
    const removed = await asOwner(`/advisers/${leaving.id}`, { method: "DELETE" });
    expect(removed.status).toBe(200);
    expect(await removed.json()).toEqual({ reassigned: 7 });
    const after = await chatRows(ids);
    expect(after.assignments.filter((row) => row.adviser_id === leaving.id)).toEqual([]);
    const moved = after.assignments.filter((row) => row.reason === "reassigned");
    expect(moved).toHaveLength(7);
    const stayers = team.filter((adviser) => adviser !== leaving);
    expect(stayers.map((adviser) => moved.filter((row) => row.adviser_id === adviser.id).length).sort()).toEqual([3, 4]);
    for (const conversation of after.conversations) {
      expect(conversation.adviser_id).toBe(after.assignments.find((a) => a.shopper_id === conversation.shopper_id)!.adviser_id);
    }
    expect((await asOwner(`/advisers/${leaving.id}`, { method: "DELETE" })).status).toBe(404);
  });

  it("never leaves a shopper with a departed adviser when one leaves while first messages arrive", async () => {
    await everyoneOffShift();
    const team = await advisers(3);
    const shoppers = await Promise.all(Array.from({ length: 15 }, () => Shopper.create()));
    const leaving = team[1]!;
    const [removed, ...sent] = await Promise.all([
      asOwner(`/advisers/${leaving.id}`, { method: "DELETE" }),
      ...shoppers.map((shopper) => sendAsShopper(shopper, "first")),
    ]);
    expect(removed!.status).toBe(200);
    expect(sent.map((r) => r.status)).toEqual(Array(15).fill(201));
    const rows = await chatRows(shoppers.map((s) => s.id));
    expect(rows.assignments).toHaveLength(15);
    expect(rows.assignments.filter((row) => row.adviser_id === leaving.id)).toEqual([]);
    expect(rows.conversations.filter((row) => row.adviser_id === leaving.id)).toEqual([]);
    // Whoever was assigned before the departure was moved: what is left is the two who stay, spread within one.
    const counts = [team[0]!, team[2]!].map((adviser) => rows.assignments.filter((row) => row.adviser_id === adviser.id).length);
    expect(Math.abs(counts[0]! - counts[1]!)).toBeLessThanOrEqual(1);
  });

  it("opens one conversation with one adviser when a shopper's first messages race", async () => {
    await advisers(2);
    const shopper = await Shopper.create();
    const sent = await Promise.all(Array.from({ length: 5 }, (_, i) => sendAsShopper(shopper, `第${i + 1}条`)));
    expect(sent.map((r) => r.status)).toEqual(Array(5).fill(201));
    const rows = await chatRows([shopper.id]);
    expect(rows.assignments).toHaveLength(1);
    expect(rows.conversations).toHaveLength(1);
    expect(rows.messages).toHaveLength(5);
  });
});

describe("a shopper's conversation", () => {
  it("stores a message once per Idempotency-Key, refuses one over the size limit, and rate-limits a flood; nothing half written", async () => {
    await advisers(1);
    const shopper = await Shopper.create();
    // The object's clock held: the burst is all there is.
    const stub = env.CONVERSATION.getByName(shopper.id);
    await runInDurableObject(stub, (object: Conversation) => Conversation.clockOf(object).hold());
    const key = crypto.randomUUID();
    const first = await sendAsShopper(shopper, "hello", key);
    expect(first.status).toBe(201);
    const retry = await sendAsShopper(shopper, "hello", key);
    expect(retry.status).toBe(200);
    expect((await retry.json<Sent>()).replayed).toBe(true);

    const long = await sendAsShopper(shopper, "字".repeat(CHAT_LIMITS.maxMessageChars + 1));
    expect(long.status).toBe(400);
    expect((await errorOf(long)).code).toBe("invalid_request");
    expect((await sendAsShopper(shopper, "   ")).status).toBe(400);
    expect((await chatRows([shopper.id])).messages).toHaveLength(1);

    // The send and its retry took two of the burst; the rest goes, then one more is refused.
    const flood = [];
    for (let i = 2; i < CHAT_LIMITS.shopperBurst; i += 1) flood.push((await sendAsShopper(shopper, `msg ${i}`)).status);
    expect(flood).toEqual(Array(CHAT_LIMITS.shopperBurst - 2).fill(201));
    const over = await sendAsShopper(shopper, "one more");
    expect(over.status).toBe(429);
    expect(await errorOf(over)).toMatchObject({ code: "rate_limited", retryAfter: 3 });
    expect((await chatRows([shopper.id])).messages).toHaveLength(CHAT_LIMITS.shopperBurst - 1);
    // A minute later the budget is back.
    await runInDurableObject(stub, (object: Conversation) => Conversation.clockOf(object).advance(60_000));
    expect((await sendAsShopper(shopper, "after a minute")).status).toBe(201);
  });

  it("refuses another shopper's conversation (404 over HTTP and socket) and another adviser's (404); nothing written", async () => {
    const [serving] = await advisers(1);
    const [other] = await advisers(1, false);
    const owner = await Shopper.create();
    const intruder = await Shopper.create();
    const sent = await sendAsShopper(owner, "my question");
    const { conversation } = await sent.json<Sent>();

    const into = await sendAsShopper(intruder, "let me in", crypto.randomUUID(), `?conversationId=${conversation.id}`);
    expect(into.status).toBe(404);
    expect((await errorOf(into)).code).toBe("not_found");
    const socket = await intruder.request(`/api/chat/socket?conversationId=${conversation.id}`, { headers: { Upgrade: "websocket" } });
    expect(socket.status).toBe(404);
    // Another site's page cannot open the owner's socket with their cookie.
    const foreign = await owner.request("/api/chat/socket", { headers: { Upgrade: "websocket", Origin: "https://evil.test" } });
    expect(foreign.status).toBe(403);
    expect((await errorOf(foreign)).code).toBe("forbidden_origin");
    // The intruder's own thread is empty, and the owner's has one message.
    expect(await (await intruder.request("/api/chat")).json()).toEqual({ conversation: null, messages: [] });
    const rows = await chatRows([owner.id, intruder.id]);
    expect(rows.messages).toHaveLength(1);
    expect(rows.conversations).toHaveLength(1);

    // The conversation is the serving adviser's (or one of the others on shift); an adviser whose it is not gets 404.
    const whose = rows.conversations[0]!.adviser_id;
    expect(whose).not.toBe(other!.id);
    const peek = await asAdviser(other!, `/conversations/${conversation.id}`);
    expect(peek.status).toBe(404);
    const write = await asAdviser(other!, `/conversations/${conversation.id}/messages`, {
      body: { body: "not mine" },
      headers: { "Idempotency-Key": crypto.randomUUID() },
    });
    expect(write.status).toBe(404);
    expect((await chatRows([owner.id])).messages).toHaveLength(1);
    const inbox = await (await asAdviser(other!, "/conversations?status=all")).json<{ conversations: Array<{ id: string }> }>();
    expect(inbox.conversations.map((c) => c.id)).not.toContain(conversation.id);
    void serving;
  });
});

describe("live conversation", () => {
  it("stores each message before both sides' sockets get it, measures the first response, resolves and opens the next", async () => {
    await everyoneOffShift();
    const [adviser] = await advisers(1);
    const shopper = await Shopper.create();
    const firstKey = crypto.randomUUID();
    const opened = await sendAsShopper(shopper, "在吗？", firstKey);
    const { conversation } = await opened.json<Sent>();
    expect(conversation.adviserId).toBe(adviser!.id);

    const shopperSide = await shopperSocket(shopper);
    const adviserSide = await adviserSocket(adviser!, conversation.id);

    // The adviser's profile view of the conversation.
    const view = await asAdviser(adviser!, `/conversations/${conversation.id}`);
    expect(view.status).toBe(200);
    const body = await view.json<{ messages: unknown[]; profile: { shopperId: string; orders: unknown[] }; coupons: unknown[] }>();
    expect(body.messages).toHaveLength(1);
    expect(body.profile).toMatchObject({ shopperId: shopper.id, orders: [], rfm: null });

    // Round trips through the object: the adviser writes on the socket, the shopper's socket hears it.
    const trips: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      const clientKey = `reply-${i}-${crypto.randomUUID()}`;
      const at = performance.now();
      adviserSide.socket.send(JSON.stringify({ type: "send", body: `回复 ${i}`, clientKey }));
      const frame = await shopperSide.until((frames) => frames.find((f) => f.type === "message" && f.message.clientKey === clientKey));
      trips.push(performance.now() - at);
      // Stored before it was sent on.
      const stored = (await chatRows([shopper.id])).messages.find((m) => m.client_key === clientKey);
      expect(stored).toMatchObject({ author: "adviser", body: `回复 ${i}` });
      expect(frame).toBeDefined();
    }
    trips.sort((a, b) => a - b);
    console.log(
      `adviser chat: socket round trip through the object and Postgres, median ${trips[5]!.toFixed(1)} ms, max ${trips[9]!.toFixed(1)} ms`,
    );

    // The same client key on the socket again: stored once.
    adviserSide.socket.send(JSON.stringify({ type: "send", body: "回复 0", clientKey: "dup-key-0001" }));
    adviserSide.socket.send(JSON.stringify({ type: "send", body: "回复 0", clientKey: "dup-key-0001" }));
    await adviserSide.until((frames) =>
      frames.filter((f) => f.type === "message" && f.message.clientKey === "dup-key-0001").length >= 2 ? true : undefined,
    );
    expect((await chatRows([shopper.id])).messages.filter((m) => m.client_key === "dup-key-0001")).toHaveLength(1);

    // An oversized frame closes the socket; a bad frame gets an error frame.
    shopperSide.socket.send(JSON.stringify({ type: "send", body: "", clientKey: "empty-body-1" }));
    await shopperSide.until((frames) => frames.find((f) => f.type === "error" && f.code === "invalid_request"));

    const rows = await chatRows([shopper.id]);
    expect(rows.conversations[0]!.first_response_at).not.toBeNull();

    const resolved = await asAdviser(adviser!, `/conversations/${conversation.id}/resolve`, { method: "POST" });
    expect(resolved.status).toBe(200);
    expect(await resolved.json()).toMatchObject({ changed: true, conversation: { status: "resolved" } });
    await shopperSide.until((frames) => frames.find((f) => f.type === "status" && f.status === "resolved"));
    const late = await asAdviser(adviser!, `/conversations/${conversation.id}/messages`, {
      body: { body: "one more thing" },
      headers: { "Idempotency-Key": crypto.randomUUID() },
    });
    expect(late.status).toBe(409);
    expect((await errorOf(late)).code).toBe("conversation_resolved");

    // A retry of the shopper's first message after the resolution is still that message, not a new conversation.
    const retry = await sendAsShopper(shopper, "在吗？", firstKey);
    expect(retry.status).toBe(200);
    expect((await retry.json<Sent>()).conversation.id).toBe(conversation.id);

    // The shopper writes again: a new conversation, the same adviser.
    const next = await sendAsShopper(shopper, "又来了");
    const { conversation: second } = await next.json<Sent>();
    expect(second.id).not.toBe(conversation.id);
    expect(second.adviserId).toBe(adviser!.id);
    const inbox = await asAdviser(adviser!, "/conversations");
    const listed = (await inbox.json<{ conversations: Array<{ id: string }> }>()).conversations.map((c) => c.id);
    expect(listed).toContain(second.id);
    expect(listed).not.toContain(conversation.id);
    // The adviser's socket was for the first conversation: it cannot write into the next.
    adviserSide.socket.send(JSON.stringify({ type: "send", body: "old socket", clientKey: "old-socket-0001" }));
    await adviserSide.until((frames) =>
      frames.find((f) => f.type === "error" && f.clientKey === "old-socket-0001" && f.code === "conversation_resolved"),
    );
    expect((await chatRows([shopper.id])).messages.filter((m) => m.client_key === "old-socket-0001")).toEqual([]);
    shopperSide.socket.close(1000);
    adviserSide.socket.close(1000);
  });
});

describe("an adviser who leaves", () => {
  it("can no longer write on a socket they opened before, nor over HTTP; the shopper's new adviser can", async () => {
    await everyoneOffShift();
    const [first] = await advisers(1);
    const shopper = await Shopper.create();
    const { conversation } = await (await sendAsShopper(shopper, "hello")).json<Sent>();
    expect(conversation.adviserId).toBe(first!.id);
    const stale = await adviserSocket(first!, conversation.id);
    const [next] = await advisers(1);
    expect(await (await asOwner(`/advisers/${first!.id}`, { method: "DELETE" })).json()).toEqual({ reassigned: 1 });

    stale.socket.send(JSON.stringify({ type: "send", body: "still here?", clientKey: "stale-socket-0001" }));
    await stale.until((frames) => frames.find((f) => f.type === "error" && f.clientKey === "stale-socket-0001" && f.code === "not_found"));
    const reply = await asAdviser(first!, `/conversations/${conversation.id}/messages`, {
      body: { body: "still here?" },
      headers: { "Idempotency-Key": crypto.randomUUID() },
    });
    expect(reply.status).toBe(404);
    const answered = await asAdviser(next!, `/conversations/${conversation.id}/messages`, {
      body: { body: "I'm your adviser now" },
      headers: { "Idempotency-Key": crypto.randomUUID() },
    });
    expect(answered.status).toBe(201);
    expect((await chatRows([shopper.id])).messages.map((m) => m.author)).toEqual(["shopper", "adviser"]);
    stale.socket.close(1000);
  });
});
