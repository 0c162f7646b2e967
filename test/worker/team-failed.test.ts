import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { TeamUp } from "../../durable-objects/team-up/index.ts";
import { databaseSettings } from "../../src/config.ts";
import { withDatabase } from "../../src/db/client.ts";
import type { ShopperEvent } from "../../src/events/event.ts";
import type { EventMessage } from "../../src/events/event-message.ts";
import { insertEvents } from "../../src/events/event-store.ts";
import { admin } from "./admin-support.ts";
import { rowsOf } from "./membership-support.ts";
import { Shopper } from "./support.ts";

/** Issue 17: a team that runs out of time unfilled tells each member's follow-ups (`team_failed`). */
describe("team_failed", () => {
  it("an expired team puts one team_failed event per member on the queue, once, and each becomes a trigger", async () => {
    const now = Date.now();
    const created = await admin("/team-campaigns", {
      body: {
        id: `tf-${crypto.randomUUID().slice(0, 12)}`,
        title: "组队瓜分 ¥100",
        poolAmount: 10_000,
        split: "equal",
        joinRule: "anyone",
        startsAt: now - 60_000,
        endsAt: now + 86_400_000,
        completeWithinSeconds: 3_600,
      },
    });
    const { campaign } = await created.json<{ campaign: { id: string } }>();
    const [leader, friend] = await Promise.all([Shopper.create(), Shopper.create()]);
    const start = await leader.post(`/api/team-campaigns/${campaign.id}/teams`, {}, { "Idempotency-Key": crypto.randomUUID() });
    const { team } = await start.json<{ team: { id: string } }>();
    expect((await friend.post(`/api/teams/${team.id}/join`, {}, { "Idempotency-Key": crypto.randomUUID() })).status).toBe(200);

    const stub = env.TEAM_UP.getByName(team.id);
    const sent: ShopperEvent[] = [];
    await runInDurableObject(stub, (instance: TeamUp) => {
      // biome-ignore lint/complexity/useLiteralKeys: the object's env is protected; TypeScript lets tests reach it by index
      vi.spyOn(instance["env"].EVENTS, "send").mockImplementation(async (message: unknown) => {
        sent.push(...(message as EventMessage).events);
        return undefined as never;
      });
      TeamUp.clockOf(instance).advance(3_600_000);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    // A second alarm (or a read) tells nobody again.
    await runInDurableObject(stub, (instance: TeamUp) => instance.alarm());
    expect(sent.map((e) => [e.type, e.id, e.shopperId])).toEqual([
      ["team_failed", `${team.id}:failed:0`, leader.id],
      ["team_failed", `${team.id}:failed:1`, friend.id],
    ]);

    // The events consumer's store writes each one's trigger beside it (src/events/event-store.ts).
    await withDatabase(databaseSettings(env), (db) => insertEvents(db, sent, Date.now()));
    const triggers = await rowsOf<{ id: string; kind: string; shopper_id: string; payload: Record<string, unknown> }>(
      "select id, kind, shopper_id, payload from sequence_triggers where id = any($1) order by id",
      [sent.map((e) => `team_failed:${e.id}`)],
    );
    expect(triggers.map((t) => [t.kind, t.shopper_id, t.payload.teamId])).toEqual([
      ["team_failed", leader.id, team.id],
      ["team_failed", friend.id, team.id],
    ]);
  });
});
