import { z } from "zod";
import { isTimeZone } from "../calendar.ts";
import { type CrossFieldIssue, validateListingEvery, versionedSchemas } from "../kv/versioned-schema.ts";
import type { Validated } from "../sales/sale-config.ts";
import { openingHoursSchema } from "../stores/store.ts";
import { BusinessClock, DEFAULT_BUSINESS_HOURS } from "./business-hours.ts";

/**
 * The response-time board's settings (issue 17): the advisers' business hours (a week of
 * wall-clock intervals, the stores' shape), their time zone, and the first-response SLA in
 * business minutes. ONE small versioned document in Workers KV (binding SALES) at
 * `adviser-board:settings`, every version at `adviser-board-history:settings:<version>`, every
 * change audited in Postgres (config_audit_log, kind `adviser-board`), as member tiers are.
 * Nothing stored: 09:00–18:00 every day in Asia/Shanghai, a 30-minute SLA (version 0).
 */

export const BOARD_SETTINGS_ID = "settings";
export const BOARD_SETTINGS_PREFIX = "adviser-board:";
export const boardSettingsHistoryPrefix = (id: string) => `adviser-board-history:${id}:`;
/** A week: an SLA longer than that is no SLA. */
export const MAX_SLA_MINUTES = 7 * 24 * 60;

const draftFields = {
  /** The one document's id: always "settings" (the version trail addresses configuration by id). */
  id: z.literal(BOARD_SETTINGS_ID).default(BOARD_SETTINGS_ID),
  timeZone: z.string().refine(isTimeZone, "must be an IANA time zone, e.g. Asia/Shanghai").default("Asia/Shanghai"),
  /** Per weekday, the intervals advisers answer ("09:00-18:00"; none: closed that day). */
  hours: openingHoursSchema,
  /** A first response later than this many business minutes is a breach. */
  firstResponseSlaMinutes: z
    .number()
    .int("must be whole minutes")
    .min(1, "must be at least 1")
    .max(MAX_SLA_MINUTES, `must be at most ${MAX_SLA_MINUTES} (a week)`),
};

/** A week with no hours at all would measure every wait as 0 and never breach: refused. */
function crossFieldIssues(input: unknown): CrossFieldIssue[] {
  const parsed = openingHoursSchema.safeParse((input as { hours?: unknown } | null)?.hours ?? {});
  if (parsed.success && !BusinessClock.hasOpenTime(parsed.data)) {
    return [{ path: ["hours"], message: "must open on at least one day (a week closed throughout never measures a wait)" }];
  }
  return [];
}

const schemas = versionedSchemas(draftFields, crossFieldIssues);
export const boardSettingsDraftSchema = schemas.draft;
export const boardSettingsSchema = schemas.stored;
export type BoardSettings = z.infer<typeof boardSettingsSchema>;

/** Parses and lists every problem as `path: message`, cross-field ones too. */
export function validateBoardSettings<T extends z.ZodType>(schema: T, input: unknown): Validated<z.output<T>> {
  return validateListingEvery(schema, input, crossFieldIssues);
}

export const DEFAULT_BOARD_SETTINGS: BoardSettings = {
  id: BOARD_SETTINGS_ID,
  timeZone: DEFAULT_BUSINESS_HOURS.timeZone,
  hours: DEFAULT_BUSINESS_HOURS.hours,
  firstResponseSlaMinutes: 30,
  version: 0,
  updatedAt: null,
  updatedBy: null,
};
