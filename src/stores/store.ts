import { z } from "zod";
import { isTimeZone } from "../calendar.ts";

/**
 * A physical store (issue 15): where a livestream's coupons are redeemed and what the
 * geofence measures a shopper's distance to. Stores live in Postgres (`stores`); marketers
 * manage them in the console or import a CSV; shoppers find them on `/stores`; staff redeem
 * coupons in them on `/store`, signed in with a token issued for one store.
 *
 * Opening hours are a week of local times in the store's own IANA time zone: for each day,
 * the intervals it is open ("09:00-21:00"; "24:00" closes at midnight; none: closed that
 * day). `redeemOnlyWhenOpen` makes a redemption outside them a 409 `store_closed`.
 */

import { WEEKDAYS, type Weekday } from "./weekdays.ts";

export { WEEKDAYS, type Weekday };

export const STORE_ID = /^[a-z0-9][a-z0-9-]{1,39}$/;
/** "HH:MM-HH:MM", opening before closing, 00:00–24:00. */
export const OPENING_INTERVAL = /^([01]\d|2[0-3]):([0-5]\d)-(([01]\d|2[0-3]):([0-5]\d)|24:00)$/;

export const STORE_LIMITS = {
  maxStores: 5_000,
  maxIntervalsPerDay: 4,
} as const;

/** Minutes since midnight of "HH:MM". */
export function minutesOf(time: string): number {
  const [hours, minutes] = time.split(":").map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

const interval = z
  .string()
  .regex(OPENING_INTERVAL, 'an interval "HH:MM-HH:MM", e.g. "09:00-21:00"')
  .refine((text) => {
    // zod 4 runs a refinement after a failed check too: only a well-formed interval is judged here.
    if (!OPENING_INTERVAL.test(text)) return true;
    const [open, close] = text.split("-") as [string, string];
    return minutesOf(open) < minutesOf(close);
  }, "must open before it closes (use 24:00 for midnight)");

const day = z.array(interval).max(STORE_LIMITS.maxIntervalsPerDay, `at most ${STORE_LIMITS.maxIntervalsPerDay} intervals a day`);

export const openingHoursSchema = z.object(
  Object.fromEntries(WEEKDAYS.map((weekday) => [weekday, day.default([])])) as Record<Weekday, z.ZodDefault<typeof day>>,
);
export type OpeningHours = z.infer<typeof openingHoursSchema>;

export const storeSchema = z.object({
  id: z.string().regex(STORE_ID, "lowercase letters, digits and dashes, 2–40"),
  name: z.string().trim().min(1, "must not be empty").max(80, "must be at most 80 characters"),
  address: z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters"),
  city: z.string().trim().min(1, "must not be empty").max(60, "must be at most 60 characters"),
  latitude: z.number().min(-90, "must be between −90 and 90").max(90, "must be between −90 and 90"),
  longitude: z.number().min(-180, "must be between −180 and 180").max(180, "must be between −180 and 180"),
  timeZone: z.string().refine(isTimeZone, "must be an IANA time zone, e.g. Asia/Shanghai").default("Asia/Shanghai"),
  openingHours: openingHoursSchema.default(Object.fromEntries(WEEKDAYS.map((weekday) => [weekday, []])) as unknown as OpeningHours),
  /** true: coupons are redeemed only while the store is open. */
  redeemOnlyWhenOpen: z.boolean().default(false),
  /** A closed-down store keeps its history but is no longer found, redeemed in or pushed. */
  active: z.boolean().default(true),
});

export type Store = z.infer<typeof storeSchema>;
export type StoreInput = z.input<typeof storeSchema>;
