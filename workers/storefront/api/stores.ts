import { z } from "@hono/zod-openapi";
import { describeDatabaseFailure } from "../../../src/db/errors.ts";
import { AppError } from "../../../src/errors.ts";
import { haversineMeters } from "../../../src/geo/great-circle.ts";
import { hoursOnDayOf, isOpenAt, nextOpening } from "../../../src/stores/opening-hours.ts";
import type { Store } from "../../../src/stores/store.ts";
import { noStore } from "../contract/no-store.ts";
import { contractApp, contractRoute } from "../contract/route.ts";
import { epochMs, int } from "../contract/units.ts";
import { storeComponent } from "./store-schema.ts";
import { activeStores } from "./store-directory.ts";

/**
 * The store finder's API (issue 15): `GET /api/stores`, the active stores nearest first from a
 * shopper's location (great-circle distance, src/geo/great-circle.ts), or one city's by name,
 * with every city that has a store for the picker. Each store comes with whether it is open now
 * and its hours today, in its own time zone (src/stores/opening-hours.ts). Read from the store
 * directory (30 s in the isolate), so a page full of shoppers costs Postgres nothing.
 */

export const FINDER_LIMITS = { defaultLimit: 20, maxLimit: 100 } as const;

const foundStore = z
  .object({
    store: storeComponent,
    distanceMeters: int.nullable().describe("great-circle distance from the given location, whole metres; null without one"),
    openNow: z.boolean().describe("open at the server's time, by the store's hours in its time zone"),
    todayHours: z.array(z.string()).describe("the store's intervals on its local today; empty: closed today"),
    nextOpening: epochMs.nullable().describe("when it next opens after now; null: it has no opening hours"),
  })
  .openapi("FoundStore");

const finderRoute = contractRoute({
  method: "get",
  path: "/stores",
  tags: ["stores"],
  summary: "Active stores nearest first (latitude and longitude), or one city's by name (city), with the cities that have stores",
  description:
    "With `latitude` and `longitude` the stores come nearest first, each with `distanceMeters`; with `city` (also together) only that city's, by name without a location. Coordinates that are not numbers in range (−90…90, −180…180), or one without the other, are 400 `invalid_request` with `problems`.",
  request: {
    query: z.object({
      latitude: z
        .string()
        .optional()
        .openapi({ param: { description: "degrees north, −90…90 (with longitude)" } }),
      longitude: z
        .string()
        .optional()
        .openapi({ param: { description: "degrees east, −180…180 (with latitude)" } }),
      city: z
        .string()
        .max(60)
        .optional()
        .openapi({ param: { description: "only this city's stores (as `cities` names them)" } }),
      limit: z.coerce
        .number()
        .int()
        .min(1)
        .max(FINDER_LIMITS.maxLimit)
        .default(FINDER_LIMITS.defaultLimit)
        .openapi({
          param: { description: `at most this many stores (default ${FINDER_LIMITS.defaultLimit}, at most ${FINDER_LIMITS.maxLimit})` },
        }),
    }),
  },
  responses: {
    200: {
      description: "the stores, and every city with a store",
      headers: noStore("open now changes by the minute, and a location is the shopper's own"),
      content: {
        "application/json": {
          schema: z
            .object({
              stores: z.array(foundStore),
              cities: z.array(z.object({ city: z.string(), stores: int })).describe("every city with an active store, by name"),
              serverTime: epochMs,
            })
            .openapi("StoreFinder"),
        },
      },
    },
  },
  errors: ["invalid_request", "dependency_unavailable"],
});

/** Parses the finder's location: both coordinates in range, or neither. */
function locationOf(latitude: string | undefined, longitude: string | undefined): { latitude: number; longitude: number } | null {
  if (latitude === undefined && longitude === undefined) return null;
  const problems: string[] = [];
  const degrees = (name: string, text: string | undefined, bound: number) => {
    const value = text === undefined || text.trim() === "" ? Number.NaN : Number(text);
    if (text === undefined) problems.push(`${name}: required with the other coordinate`);
    else if (!Number.isFinite(value) || Math.abs(value) > bound) problems.push(`${name}: must be a number between −${bound} and ${bound}`);
    return value;
  };
  const location = { latitude: degrees("latitude", latitude, 90), longitude: degrees("longitude", longitude, 180) };
  if (problems.length > 0) throw new AppError("invalid_request", `invalid location: ${problems.join("; ")}`, { problems });
  return location;
}

const byName = (a: Store, b: Store) => a.name.localeCompare(b.name, "zh-CN") || a.id.localeCompare(b.id);

export const stores = contractApp().openapi(finderRoute, async (c) => {
  const { latitude, longitude, city, limit } = c.req.valid("query");
  const here = locationOf(latitude, longitude);
  const all = await activeStores(c.env).catch((error: unknown) => {
    console.error(`store finder: the stores could not be read (${describeDatabaseFailure(error).summary})`);
    throw new AppError("dependency_unavailable", "the stores cannot be read right now; try again shortly");
  });
  const now = Date.now();
  const wanted = city === undefined ? all : all.filter((store) => store.city === city.trim());
  const found = wanted.map((store) => ({ store, distanceMeters: here ? Math.round(haversineMeters(here, store)) : null }));
  found.sort(
    (a, b) =>
      (a.distanceMeters ?? 0) - (b.distanceMeters ?? 0) || a.store.city.localeCompare(b.store.city, "zh-CN") || byName(a.store, b.store),
  );
  const cities = new Map<string, number>();
  for (const store of all) cities.set(store.city, (cities.get(store.city) ?? 0) + 1);
  c.header("Cache-Control", "no-store");
  return c.json(
    {
      stores: found.slice(0, limit).map(({ store, distanceMeters }) => ({
        store,
        distanceMeters,
        openNow: isOpenAt(store, now),
        todayHours: hoursOnDayOf(store, now),
        nextOpening: nextOpening(store, now),
      })),
      cities: [...cities].sort(([a], [b]) => a.localeCompare(b, "zh-CN")).map(([name, count]) => ({ city: name, stores: count })),
      serverTime: now,
    },
    200,
  );
});
