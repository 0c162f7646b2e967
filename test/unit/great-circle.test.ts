import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EARTH_MEAN_RADIUS_KM, haversineKm, haversineMeters, isOnEarth } from "../../src/geo/great-circle.ts";

const place = fc.record({
  latitude: fc.double({ min: -90, max: 90, noNaN: true }),
  longitude: fc.double({ min: -180, max: 180, noNaN: true }),
});

describe("great-circle distance (src/geo/great-circle.ts, issue 15)", () => {
  it("follows the published worked example: BNA (36.12, −86.67) to LAX (33.94, −118.40) with R = 6372.8 km is 2,887.2600 km", () => {
    const km = haversineKm({ latitude: 36.12, longitude: -86.67 }, { latitude: 33.94, longitude: -118.4 }, 6372.8);
    expect(km.toFixed(4)).toBe("2887.2600");
  });

  it("measures a known short distance: one minute of arc along a meridian is one nautical mile on the 6,371 km sphere (≈1,853 m)", () => {
    const metres = haversineMeters({ latitude: 31, longitude: 121 }, { latitude: 31 + 1 / 60, longitude: 121 });
    expect(metres).toBeCloseTo((EARTH_MEAN_RADIUS_KM * 1000 * Math.PI) / (180 * 60), 6);
    expect(Math.round(metres)).toBe(1853);
  });

  it("is zero from a place to itself, symmetric, and never more than half the circumference", () => {
    fc.assert(
      fc.property(place, place, (a, b) => {
        expect(haversineKm(a, a)).toBe(0);
        expect(haversineKm(a, b)).toBeCloseTo(haversineKm(b, a), 9);
        expect(haversineKm(a, b)).toBeLessThanOrEqual(Math.PI * EARTH_MEAN_RADIUS_KM + 1e-9);
      }),
    );
  });

  it("stays a number for antipodal points, where rounding could take asin past 1", () => {
    const km = haversineKm({ latitude: 0, longitude: 0 }, { latitude: 0, longitude: 180 });
    expect(km).toBeCloseTo(Math.PI * EARTH_MEAN_RADIUS_KM, 6);
  });

  it("knows a place on Earth from one off it", () => {
    expect(isOnEarth({ latitude: 90, longitude: -180 })).toBe(true);
    expect(isOnEarth({ latitude: 90.0001, longitude: 0 })).toBe(false);
    expect(isOnEarth({ latitude: 0, longitude: 180.5 })).toBe(false);
    expect(isOnEarth({ latitude: Number.NaN, longitude: 0 })).toBe(false);
    expect(isOnEarth({ latitude: 0, longitude: Number.POSITIVE_INFINITY })).toBe(false);
  });
});
