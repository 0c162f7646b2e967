import { EARTH_MEAN_RADIUS_KM, type LatLng } from "./great-circle.ts";

/**
 * The point `distanceMeters` from `from` along the initial bearing `bearingDegrees` (clockwise
 * from north), on the same sphere as haversineMeters, so the two agree to rounding: the inverse
 * the tests use to place a store exactly 499 m or 601 m from a shopper. (Aviation Formulary,
 * "Lat/lon given radial and distance".) Longitude is wrapped to −180…180.
 */
export function destination(from: LatLng, bearingDegrees: number, distanceMeters: number, radiusKm = EARTH_MEAN_RADIUS_KM): LatLng {
  const toRad = Math.PI / 180;
  const delta = distanceMeters / (radiusKm * 1000);
  const theta = bearingDegrees * toRad;
  const phi1 = from.latitude * toRad;
  const lambda1 = from.longitude * toRad;
  const sinPhi2 = Math.sin(phi1) * Math.cos(delta) + Math.cos(phi1) * Math.sin(delta) * Math.cos(theta);
  const phi2 = Math.asin(Math.max(-1, Math.min(1, sinPhi2)));
  const lambda2 = lambda1 + Math.atan2(Math.sin(theta) * Math.sin(delta) * Math.cos(phi1), Math.cos(delta) - Math.sin(phi1) * sinPhi2);
  const longitude = ((((lambda2 / toRad + 180) % 360) + 360) % 360) - 180;
  return { latitude: phi2 / toRad, longitude };
}
