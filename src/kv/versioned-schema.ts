import { z } from "zod";
import { describeIssues, type Validated } from "../sales/sale-config.ts";

/** A check across fields, reported at the path of the field to fix. */
export type CrossFieldIssue = { path: Array<string | number>; message: string };

const count = z.number().int("must be a whole number").positive("must be at least 1");
const epochMs = z.number().int("must be epoch milliseconds").nonnegative("must not be negative");

/**
 * What the admin API keeps with each saved version of marketer-edited configuration: `version`
 * counts saves (1 for a new one), so a reader never adopts an older version than the one it
 * runs; `updatedAt`/`updatedBy` say when and who (null when written to KV by other means).
 */
export const versionFields = {
  version: count.default(1),
  updatedAt: epochMs.nullable().default(null),
  updatedBy: z.string().max(64).nullable().default(null),
};

/**
 * The three schemas of a versioned configuration from its marketer-written fields: the draft
 * (what a create sends), the stored value (with the version fields), and the update (the draft
 * and the `expectedVersion` it was edited from). Each runs the cross-field checks.
 */
export function versionedSchemas<Shape extends z.ZodRawShape>(draftFields: Shape, crossFieldIssues: (input: unknown) => CrossFieldIssue[]) {
  const refine = (input: unknown, ctx: z.RefinementCtx) => {
    for (const { path, message } of crossFieldIssues(input)) ctx.addIssue({ code: "custom", path, message });
  };
  return {
    draft: z.object(draftFields).strict().superRefine(refine),
    stored: z
      .object({ ...draftFields, ...versionFields })
      .strict()
      .superRefine(refine),
    update: z
      .object({ ...draftFields, expectedVersion: count })
      .strict()
      .superRefine(refine),
  };
}

/**
 * Parses and, when it fails, lists EVERY problem as `path: message`. zod skips refinements once a
 * field fails hard, which would hide a cross-field problem until the next try; so the
 * cross-field checks also run on the raw input, and their problems are added once.
 */
export function validateListingEvery<T extends z.ZodType>(
  schema: T,
  input: unknown,
  crossFieldIssues: (input: unknown) => CrossFieldIssue[],
): Validated<z.output<T>> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  const problems = describeIssues(parsed.error.issues);
  for (const problem of describeIssues(crossFieldIssues(input))) if (!problems.includes(problem)) problems.push(problem);
  return { ok: false, problems };
}
