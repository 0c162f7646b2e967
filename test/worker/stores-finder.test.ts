import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { haversineMeters } from "../../src/geo/great-circle.ts";
import { readError } from "./admin-support.ts";
import { createStore } from "./stores-support.ts";

type Finder = {
  stores: Array<{
    store: { id: string; name: string; city: string };
    distanceMeters: number | null;
    openNow: boolean;
    todayHours: string[];
    nextOpening: number | null;
  }>;
  cities: Array<{ city: string; stores: number }>;
};

const find = (query: string) => exports.default.fetch(`https://shop.test/api/stores?${query}`);

describe("the store finder's API, GET /api/stores (issue 15)", () => {
  it("answers the active stores nearest first with their great-circle distance, and every city", async () => {
    // Stores on an island of their own (Kerguelen: the browser test has South Georgia), at known distances from the shopper.
    const city = `Test-${crypto.randomUUID().slice(0, 8)}`;
    const here = { latitude: -49.3, longitude: 69.5 };
    const far = await createStore({ city, name: "Far", latitude: -49.35, longitude: 69.5, openingHours: "daily 00:00-24:00" });
    const near = await createStore({ city, name: "Near", latitude: -49.301, longitude: 69.5, openingHours: "" });
    const middle = await createStore({ city, name: "Middle", latitude: -49.31, longitude: 69.5 });
    const closed = await createStore({ city, name: "Closed down", latitude: -49.3, longitude: 69.5 });
    await exports.default.fetch(`https://shop.test/admin/api/stores/${closed.id}/deactivate`, {
      method: "POST",
      headers: { Authorization: `Bearer ${(await import("../support/test-secrets.ts")).TEST_SECRETS.ADMIN_TOKEN}` },
    });

    const response = await find(`latitude=${here.latitude}&longitude=${here.longitude}&limit=3`);
    expect(response.status).toBe(200);
    const body = await response.json<Finder>();
    expect(body.stores.map((s) => s.store.id)).toEqual([near.id, middle.id, far.id]);
    expect(body.stores[0]?.distanceMeters).toBe(Math.round(haversineMeters(here, near)));
    expect(body.stores[0]?.distanceMeters).toBe(111);
    expect(body.stores[2]?.distanceMeters).toBe(5560);
    expect(body.stores[0]).toMatchObject({ openNow: false, todayHours: [], nextOpening: null });
    expect(body.stores[2]).toMatchObject({ openNow: true, todayHours: ["00:00-24:00"] });
    expect(body.cities).toContainEqual({ city, stores: 3 });
  });

  it("answers one city's stores by name", async () => {
    const city = `Town-${crypto.randomUUID().slice(0, 8)}`;
    await createStore({ city, name: "B 店" });
    await createStore({ city, name: "A 店" });
    const body = await (await find(`city=${encodeURIComponent(city)}`)).json<Finder>();
    expect(body.stores.map((s) => [s.store.name, s.distanceMeters])).toEqual([
      ["A 店", null],
      ["B 店", null],
    ]);
  });

  it("refuses coordinates out of range, not numbers, or one without the other (400 invalid_request), and a limit over 100", async () => {
    for (const [query, problem] of [
      ["latitude=91&longitude=0", "latitude: must be a number between −90 and 90"],
      ["latitude=0&longitude=-180.5", "longitude: must be a number between −180 and 180"],
      ["latitude=abc&longitude=1", "latitude: must be a number between −90 and 90"],
      ["latitude=31", "longitude: required with the other coordinate"],
    ] as const) {
      const refused = await find(query);
      expect(refused.status).toBe(400);
      expect(await readError(refused)).toMatchObject({ code: "invalid_request", problems: [problem] });
    }
    expect((await find("limit=101")).status).toBe(400);
  });
});
