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

interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function localTime(at: number, timeZone: string): LocalTime {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formats.set(timeZone, format);
  }
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(format.formatToParts(at).find((p) => p.type === type)?.value);
  return { year: part("year"), month: part("month"), day: part("day"), hour: part("hour"), minute: part("minute"), second: part("second") };
}

/** How far the zone's clock is ahead of UTC at an instant, in milliseconds. */
function offsetAt(at: number, timeZone: string): number {
  const t = localTime(at, timeZone);
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second) - Math.floor(at / 1000) * 1000;
}

/** The local calendar day at an instant, "YYYY-MM-DD". */
export function localDay(at: number, timeZone: string): string {
  const t = localTime(at, timeZone);
  return `${t.year}-${String(t.month).padStart(2, "0")}-${String(t.day).padStart(2, "0")}`;
}

/** The instant the local day containing `at` ends (the next local midnight), epoch ms. */
export function endOfLocalDay(at: number, timeZone: string): number {
  const t = localTime(at, timeZone);
  const midnightAsUtc = Date.UTC(t.year, t.month - 1, t.day + 1);
  // The offset at midnight may differ from now's (DST): look it up again at the first guess.
  const guess = midnightAsUtc - offsetAt(at, timeZone);
  return midnightAsUtc - offsetAt(guess, timeZone);
}

/** The Redis key and TTL that claim a store's push to a shopper for the store's local day. */
export function dailyCap(shopperId: string, store: { id: string; timeZone: string }, at: number): { key: string; ttlSeconds: number } {
  return {
    key: `geo:cap:${store.id}:${shopperId}:${localDay(at, store.timeZone)}`,
    ttlSeconds: Math.ceil((endOfLocalDay(at, store.timeZone) - at) / 1000) + CAP_MARGIN_SECONDS,
  };
}
