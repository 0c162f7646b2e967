import { exports } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { endOfLocalDay } from "../../src/calendar.ts";
import { edgeClock } from "../../workers/storefront/api/sku-object.ts";
import { GeoShopper, metresFrom, somewhere, storeAt } from "./geofence-support.ts";

// One local day for the whole test unless it moves the clock itself: a test started at 23:59 in Shanghai must not see midnight.
beforeEach(() => edgeClock.hold());
afterEach(() => edgeClock.release());

const pushedIds = (answer: { pushed: Array<{ store: { id: string } }> }) => answer.pushed.map((p) => p.store.id);

describe("POST /api/geo/pings: the 500 m geofence (issue 15)", () => {
  it("at 499 m pushes once; a second ping inside pushes nothing; the store is listed while inside", async () => {
    const here = somewhere();
    const store = await storeAt(here);
    const shopper = await GeoShopper.create();
    const first = await shopper.ping(metresFrom(here, 499));
    expect(first.nearby.map((n) => [n.store.id, n.distanceMeters])).toEqual([[store.id, 499]]);
    expect(pushedIds(first)).toEqual([store.id]);
    expect(first.degraded).toBe(false);
    expect(first.nearby[0]?.coupons).toEqual([]);
    const second = await shopper.ping(metresFrom(here, 450));
    expect(second.nearby.map((n) => n.store.id)).toEqual([store.id]);
    expect(second.pushed).toEqual([]);
  });

  it("at 501 m neither enters nor pushes", async () => {
    const here = somewhere();
    await storeAt(here);
    const shopper = await GeoShopper.create();
    const answer = await shopper.ping(metresFrom(here, 501));
    expect(answer.nearby).toEqual([]);
    expect(answer.pushed).toEqual([]);
  });

  it("inside at 550 m stays inside with no new push; leaving at 601 m and coming back the same day pushes nothing (the cap); the next local day pushes again", async () => {
    const here = somewhere();
    const store = await storeAt(here);
    const shopper = await GeoShopper.create();
    expect(pushedIds(await shopper.ping(metresFrom(here, 499)))).toEqual([store.id]);
    const wandering = await shopper.ping(metresFrom(here, 550));
    expect(wandering.nearby.map((n) => [n.store.id, n.distanceMeters])).toEqual([[store.id, 550]]);
    expect(wandering.pushed).toEqual([]);
    expect((await shopper.ping(metresFrom(here, 601))).nearby).toEqual([]);
    const back = await shopper.ping(metresFrom(here, 300));
    expect(back.nearby.map((n) => n.store.id)).toEqual([store.id]);
    expect(back.pushed).toEqual([]);

    await shopper.ping(metresFrom(here, 700));
    const now = edgeClock.now();
    edgeClock.advance(endOfLocalDay(now, store.timeZone) - now + 60_000);
    expect(pushedIds(await shopper.ping(metresFrom(here, 499)))).toEqual([store.id]);
  });

  it("50 pings at once from one shopper at 499 m push exactly once", async () => {
    const here = somewhere();
    const store = await storeAt(here);
    const shopper = await GeoShopper.create();
    const answers = await Promise.all(Array.from({ length: 50 }, () => shopper.ping(metresFrom(here, 499))));
    expect(answers.flatMap(pushedIds)).toEqual([store.id]);
    expect(answers.every((a) => a.nearby.some((n) => n.store.id === store.id))).toBe(true);
  });

  it("caps per store: two stores entered by one ping push both, once each", async () => {
    const here = somewhere();
    const a = await storeAt(metresFrom(here, 200));
    const b = await storeAt(metresFrom(here, -300));
    const shopper = await GeoShopper.create();
    const answer = await shopper.ping(here);
    expect(pushedIds(answer).sort()).toEqual([a.id, b.id].sort());
    expect(answer.nearby.map((n) => n.store.id)).toEqual([a.id, b.id]);
    expect((await shopper.ping(here)).pushed).toEqual([]);
  });

  it("a vague fix (a desktop located by its address, 5 km) enters nothing; the same place with a phone's 30 m does", async () => {
    const here = somewhere();
    const store = await storeAt(here);
    const shopper = await GeoShopper.create();
    const vague = await shopper.ping({ ...metresFrom(here, 200), accuracy: 5_000 });
    expect(vague).toMatchObject({ nearby: [], pushed: [], degraded: false });
    expect(pushedIds(await shopper.ping({ ...metresFrom(here, 200), accuracy: 30 }))).toEqual([store.id]);
  });

  it.each([
    ["latitude beyond 90", { latitude: 90.5, longitude: 0 }],
    ["longitude beyond 180", { latitude: 0, longitude: -181 }],
    ["a latitude that is not a number (NaN travels as null)", { latitude: null, longitude: 10 }],
    ["a string", { latitude: "31.2", longitude: 121.4 }],
    ["no longitude", { latitude: 31.2 }],
  ])("answers 400 invalid_request for %s, and moves no fence", async (_, body) => {
    const shopper = await GeoShopper.create();
    const response = await shopper.send("POST", "/api/geo/pings", body);
    expect(response.status).toBe(400);
    const { error } = await response.json<{ error: { code: string; problems?: string[] } }>();
    expect(error.code).toBe("invalid_request");
    expect(error.problems?.length).toBeGreaterThan(0);
  });

  it.each([
    ["refusing (a wrong token)", { UPSTASH_REDIS_REST_TOKEN: "not-the-token" }],
    ["unreachable (nothing listens)", { UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9" }],
  ])("with Redis %s answers the stores within 500 m and pushes nothing (no 500); the fences are untouched", async (_, down) => {
    const here = somewhere();
    const store = await storeAt(here);
    const shopper = await GeoShopper.create();
    const answer = await shopper.ping(metresFrom(here, 499), down);
    expect(answer).toMatchObject({ degraded: true, pushed: [] });
    expect(answer.nearby.map((n) => n.store.id)).toEqual([store.id]);
    expect((await shopper.ping(metresFrom(here, 550), down)).nearby).toEqual([]);
    // Redis back: the shopper enters now, and is pushed.
    expect(pushedIds(await shopper.ping(metresFrom(here, 499)))).toEqual([store.id]);
  });

  it("needs a session like every shopper write, and JSON", async () => {
    const shopper = new GeoShopper();
    const response = await shopper.send("POST", "/api/geo/pings", { latitude: 31, longitude: 121 });
    expect(response.status).toBe(200);
    expect(shopper.cookie).toMatch(/^fs_session=/);
  });
});

describe("the geofence's and push's writes are guarded like every shopper write", () => {
  const writes = [
    ["POST", "/api/geo/pings"],
    ["POST", "/api/push/subscriptions"],
    ["DELETE", "/api/push/subscriptions"],
  ] as const;
  const send = (method: string, path: string, headers: Record<string, string>, body: string) =>
    exports.default.fetch(`https://shop.test${path}`, { method, headers, body });

  it.each(writes)("%s %s: 415 without JSON, 403 from another site's page, 413 over 16 KiB", async (method, path) => {
    const ping = JSON.stringify({ latitude: 31.2, longitude: 121.4 });
    expect((await send(method, path, { "Content-Type": "text/plain" }, ping)).status).toBe(415);
    expect((await send(method, path, { "Content-Type": "application/json", Origin: "https://evil.example" }, ping)).status).toBe(403);
    const huge = JSON.stringify({ latitude: 31.2, longitude: 121.4, padding: "x".repeat(17 * 1024) });
    expect((await send(method, path, { "Content-Type": "application/json" }, huge)).status).toBe(413);
  });
});
