import { endOfLocalDay, isoDate, localDateTimeAt } from "../calendar.ts";

/**
 * The geofence's daily cap (issue 15): at most one push per store per shopper per day, the
 * day being the store's own calendar day in its time zone (a shopper in Shanghai near a store
 * in Shanghai is pushed again after local midnight, not after UTC midnight). Exact: the route
 * claims the day with Redis `SET key 1 NX EX ttl`, and only the request whose SET took the key
 * pushes, whatever the number of pings at once.
 *
 * The key names the day, so the next day is a new key whatever is left of the old one; the TTL
 * only lets Redis forget it: the seconds to the end of that local day plus CAP_MARGIN_SECONDS
 * (a day that a DST change lengthens, a clock a little behind).
 */
export const CAP_MARGIN_SECONDS = 3_600;

/** The local calendar day at an instant, "YYYY-MM-DD". */
export function localDay(at: number, timeZone: string): string {
  return isoDate(localDateTimeAt(at, timeZone));
}

/** The Redis key and TTL that claim a store's push to a shopper for the store's local day. */
export function dailyCap(shopperId: string, store: { id: string; timeZone: string }, at: number): { key: string; ttlSeconds: number } {
  return {
    key: `geo:cap:${store.id}:${shopperId}:${localDay(at, store.timeZone)}`,
    ttlSeconds: Math.ceil((endOfLocalDay(at, store.timeZone) - at) / 1000) + CAP_MARGIN_SECONDS,
  };
}
