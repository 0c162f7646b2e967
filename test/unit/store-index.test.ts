import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { destination } from "../../src/geo/destination.ts";
import { haversineMeters, type LatLng } from "../../src/geo/great-circle.ts";
import { cellToBoundary, cellToLatLng, getPentagons, gridDisk, latLngToCell } from "../../src/geo/h3.ts";
import { INDEX_REACH_METERS, INDEX_RESOLUTION, INDEX_RING, StoreIndex } from "../../src/geo/store-index.ts";
import type { Store } from "../../src/stores/store.ts";

const anywhere = fc.record({
  latitude: fc.double({ min: -90, max: 90, noNaN: true }),
  longitude: fc.double({ min: -180, max: 180, noNaN: true }),
});
const pentagonCentres = getPentagons(INDEX_RESOLUTION).map((cell) => {
  const [latitude, longitude] = cellToLatLng(cell);
  return { latitude, longitude };
});
/** Where H3 and a naive index would go wrong: the poles, the antimeridian, the 12 pentagons (where cells are most distorted). */
const hardPlaces = fc.oneof(
  fc.record({ latitude: fc.double({ min: 89.9, max: 90, noNaN: true }), longitude: fc.double({ min: -180, max: 180, noNaN: true }) }),
  fc.record({ latitude: fc.double({ min: -90, max: -89.9, noNaN: true }), longitude: fc.double({ min: -180, max: 180, noNaN: true }) }),
  fc.record({
    latitude: fc.double({ min: -80, max: 80, noNaN: true }),
    longitude: fc.oneof(fc.double({ min: 179.99, max: 180, noNaN: true }), fc.double({ min: -180, max: -179.99, noNaN: true })),
  }),
  fc
    .constantFrom(...pentagonCentres)
    .chain((centre) =>
      fc
        .tuple(fc.double({ min: 0, max: 360, noNaN: true }), fc.double({ min: 0, max: 3_000, noNaN: true }))
        .map(([bearing, metres]) => destination(centre, bearing, metres)),
    ),
);
/**
 * The worst case for completeness: a point at a corner of its cell, where the cells two and
 * three steps away come nearest (a random point rarely is).
 */
const cellCorners = fc
  .tuple(
    fc.oneof(anywhere, hardPlaces),
    fc.nat(5),
    fc.double({ min: 0, max: 360, noNaN: true }),
    fc.double({ min: 0, max: 5, noNaN: true }),
  )
  .map(([p, corner, bearing, metres]) => {
    const boundary = cellToBoundary(latLngToCell(p.latitude, p.longitude, INDEX_RESOLUTION));
    const [latitude, longitude] = boundary[corner % boundary.length] ?? [p.latitude, p.longitude];
    return destination({ latitude, longitude }, bearing, metres);
  });
const point = fc.oneof(anywhere, hardPlaces, cellCorners);

function storeAt(id: string, where: LatLng): Store {
  return {
    id,
    name: id,
    address: "-",
    city: "-",
    ...where,
    timeZone: "Asia/Shanghai",
    openingHours: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
    redeemOnlyWhenOpen: false,
    active: true,
  };
}

/** Stores scattered around a point, up to `spreadMeters` away in every direction. */
const storesAround = (centre: LatLng, spreadMeters: number) =>
  fc
    .array(fc.tuple(fc.double({ min: 0, max: 360, noNaN: true }), fc.double({ min: 0, max: spreadMeters, noNaN: true })), { maxLength: 40 })
    .map((offsets) => offsets.map(([bearing, metres], i) => storeAt(`s-${i}`, destination(centre, bearing, metres))));

describe("store index (src/geo/store-index.ts, issue 15)", () => {
  it(`a point ${INDEX_REACH_METERS} m or less from another is in its cell or within ${INDEX_RING} steps, anywhere on Earth`, () => {
    fc.assert(
      fc.property(
        point,
        fc.double({ min: 0, max: 360, noNaN: true }),
        fc.oneof(fc.constant(INDEX_REACH_METERS), fc.double({ min: 0, max: INDEX_REACH_METERS, noNaN: true })),
        (p, bearing, metres) => {
          const q = destination(p, bearing, metres);
          const ring = new Set(gridDisk(latLngToCell(p.latitude, p.longitude, INDEX_RESOLUTION), INDEX_RING));
          expect(ring.has(latLngToCell(q.latitude, q.longitude, INDEX_RESOLUTION))).toBe(true);
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it("finds exactly the stores brute-force haversine finds within 600 m and 500 m, nearest first", () => {
    fc.assert(
      fc.property(
        point.chain((centre) => fc.tuple(fc.constant(centre), storesAround(centre, 1_500))),
        ([centre, stores]) => {
          const index = new StoreIndex(stores);
          for (const radius of [INDEX_REACH_METERS, 500]) {
            const expected = stores
              .filter((s) => haversineMeters(centre, s) <= radius)
              .map((s) => s.id)
              .sort();
            const found = index.within(centre, radius);
            expect(found.map((f) => f.store.id).sort()).toEqual(expected);
            const distances = found.map((f) => f.distanceMeters);
            expect(distances).toEqual([...distances].sort((a, b) => a - b));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it("measures what it finds with haversine: a store 499 m away is at 499 m, one 501 m away is not within 500 m", () => {
    const shopper = { latitude: 31.2304, longitude: 121.4737 };
    const index = new StoreIndex([storeAt("near", destination(shopper, 45, 499)), storeAt("far", destination(shopper, 90, 501))]);
    const found = index.within(shopper, 500);
    expect(found.map((f) => f.store.id)).toEqual(["near"]);
    expect(found[0]?.distanceMeters).toBeCloseTo(499, 6);
    expect(index.within(shopper, 600).map((f) => f.store.id)).toEqual(["near", "far"]);
  });

  it("refuses a radius beyond what it is complete for", () => {
    expect(() => new StoreIndex([]).within({ latitude: 0, longitude: 0 }, 601)).toThrow(RangeError);
  });
});
