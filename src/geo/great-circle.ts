/**
 * Distance along the Earth's surface between two points (issue 15), by the haversine formula
 * on a sphere. What the store finder sorts by and what decides a geofence once the spatial
 * index (src/geo) has named the candidates.
 *
 * The radius: the IUGG mean Earth radius R₁ = 6,371.0088 km (Moritz, "Geodetic Reference
 * System 1980", the mean of the ellipsoid's three semi-axes). A sphere errs by at most about
 * 0.5 % against the ellipsoid, a few metres at the 500 m of a geofence, far below a phone's
 * location accuracy. Callers may pass another radius: the published worked example (Rosetta
 * Code, "Haversine formula": Nashville BNA 36.12, −86.67 to Los Angeles LAX 33.94, −118.40)
 * uses R = 6,372.8 km and gives 2,887.2600 km; the tests check exactly that.
 */

export interface LatLng {
  /** Degrees north, −90 to 90. */
  latitude: number;
  /** Degrees east, −180 to 180. */
  longitude: number;
}

/** The IUGG mean radius R₁, kilometres. */
export const EARTH_MEAN_RADIUS_KM = 6371.0088;

const radians = (degrees: number) => (degrees * Math.PI) / 180;

/** Great-circle distance in kilometres. */
export function haversineKm(from: LatLng, to: LatLng, radiusKm = EARTH_MEAN_RADIUS_KM): number {
  const dLat = radians(to.latitude - from.latitude);
  const dLng = radians(to.longitude - from.longitude);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(radians(from.latitude)) * Math.cos(radians(to.latitude)) * Math.sin(dLng / 2) ** 2;
  // min(1, …): rounding can push h a hair above 1 for antipodal points, and asin(>1) is NaN.
  return 2 * radiusKm * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Great-circle distance in metres. */
export function haversineMeters(from: LatLng, to: LatLng, radiusKm = EARTH_MEAN_RADIUS_KM): number {
  return haversineKm(from, to, radiusKm) * 1000;
}

/** Whether a latitude/longitude pair is a place on Earth (finite, in range). */
export function isOnEarth(point: LatLng): boolean {
  return (
    Number.isFinite(point.latitude) &&
    Number.isFinite(point.longitude) &&
    Math.abs(point.latitude) <= 90 &&
    Math.abs(point.longitude) <= 180
  );
}
