import { z } from "zod";
import { describeIssues, type Validated } from "../sales/sale-config.ts";
import { parseOpeningHours } from "./opening-hours-text.ts";
import { openingHoursSchema, type Store, storeSchema } from "./store.ts";

/**
 * A store as the admin API takes it (issue 15): the Store's fields, with `openingHours` either
 * the week as an object or its one-line text (`mon-fri 09:00-21:00; sat,sun 10:00-22:00`,
 * ./opening-hours-text.ts), which is what the console's field and the CSV import hold. Every
 * problem is listed as `path: message`, those of the hours' text under `openingHours`.
 */
export const storeInputSchema = storeSchema
  .extend({
    openingHours: z
      .union([openingHoursSchema, z.string().max(500)])
      .optional()
      .describe("the week as an object of weekday → intervals, or its text: `mon-fri 09:00-21:00; sat,sun 10:00-22:00`"),
  })
  .strict();

/** Validates a store from the admin API, listing every problem. */
export function validateStoreInput(input: unknown): Validated<Store> {
  const record = typeof input === "object" && input !== null && !Array.isArray(input) ? (input as Record<string, unknown>) : null;
  const problems: string[] = [];
  let hours: unknown = record?.openingHours;
  if (typeof hours === "string") {
    const parsed = parseOpeningHours(hours);
    if (parsed.ok) hours = parsed.value;
    else {
      problems.push(...parsed.problems.map((problem) => `openingHours: ${problem}`));
      hours = undefined;
    }
  }
  const result = storeSchema.strict().safeParse(record ? { ...record, openingHours: hours } : input);
  if (!result.success) problems.push(...describeIssues(result.error.issues));
  return problems.length === 0 && result.success ? { ok: true, value: result.data } : { ok: false, problems };
}
