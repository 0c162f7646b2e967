import { describe, expect, it } from "vitest";
import type { Livestream } from "../../src/livestreams/livestream.ts";
import { admin, expectProblems, readError } from "./admin-support.ts";
import { seedStoreTemplate } from "./livestream-support.ts";
import { seedStore } from "./store-support.ts";

/** Livestreams through the admin API (issue 15): versioned, audited, and naming only what exists. */
async function draftLivestream(overrides: Record<string, unknown> = {}) {
  const now = Date.now();
  const [template, store] = await Promise.all([seedStoreTemplate(), seedStore()]);
  return {
    id: `al-${crypto.randomUUID().slice(0, 12)}`,
    title: "双11直播间",
    streamUrl: "https://live.example.com/double11.m3u8",
    embed: "video",
    startsAt: now + 60_000,
    endsAt: now + 3_600_000,
    couponTemplates: [template.id],
    stores: [store.id],
    claimCode: "LIVE88",
    ...overrides,
  };
}

describe("livestreams through the admin API", () => {
  it("creates version 1, reads, lists, updates from the version read, keeps history and audit", async () => {
    const draft = await draftLivestream();
    const created = await admin("/livestreams", { body: draft, actor: encodeURIComponent("李娜") });
    expect(created.status).toBe(201);
    const { livestream } = await created.json<{ livestream: Livestream }>();
    expect(livestream).toMatchObject({ ...draft, version: 1, updatedBy: "李娜", paused: false });
    expect((await (await admin(`/livestreams/${draft.id}`)).json<{ livestream: Livestream }>()).livestream).toEqual(livestream);
    const list = await (await admin("/livestreams")).json<{ livestreams: Livestream[] }>();
    expect(list.livestreams.map((l) => l.id)).toContain(draft.id);
    expect((await readError(await admin("/livestreams", { body: draft }))).code).toBe("conflict");

    const updated = await admin(`/livestreams/${draft.id}`, { method: "PUT", body: { ...draft, paused: true, expectedVersion: 1 } });
    expect(updated.status).toBe(200);
    expect((await updated.json<{ livestream: Livestream }>()).livestream).toMatchObject({ version: 2, paused: true });
    const stale = await admin(`/livestreams/${draft.id}`, { method: "PUT", body: { ...draft, expectedVersion: 1 } });
    expect((await readError(stale)).code).toBe("conflict");
    const history = await (await admin(`/livestreams/${draft.id}/history`)).json<{ versions: Livestream[] }>();
    expect(history.versions.map((v) => v.version)).toEqual([2, 1]);
    const audit = await (await admin(`/livestreams/${draft.id}/audit`)).json<{ entries: Array<{ action: string; version: number }> }>();
    expect(audit.entries).toMatchObject([
      { action: "update", version: 2 },
      { action: "create", version: 1 },
    ]);
  });

  it("lists every problem: the window, the URL, the embed, a template listed twice", async () => {
    const draft = await draftLivestream();
    const response = await admin("/livestreams", {
      body: {
        ...draft,
        endsAt: draft.startsAt,
        streamUrl: "http://x.example.com/a.mp4",
        embed: "flash",
        couponTemplates: [...draft.couponTemplates, ...draft.couponTemplates],
      },
    });
    await expectProblems(response, ["endsAt", "streamUrl", "embed", "couponTemplates"]);
  });

  it("refuses templates that are missing or online and stores that do not exist, saving nothing", async () => {
    const online = await seedStoreTemplate({ redeem: "online" });
    const draft = await draftLivestream();
    const response = await admin("/livestreams", {
      body: {
        ...draft,
        couponTemplates: [...draft.couponTemplates, online.id, "no-such-template"],
        stores: [...draft.stores, "no-such-store"],
      },
    });
    await expectProblems(response, ["couponTemplates.1", "couponTemplates.2", "stores.1"]);
    expect((await admin(`/livestreams/${draft.id}`)).status).toBe(404);
  });
});
