import { z } from "zod";
import { describeIssues, type Validated } from "../sales/sale-config.ts";
import { emailSchema, nameSchema, roleSchema, storeScopeProblems, storesSchema } from "./account.ts";
import { passwordProblems } from "./password.ts";

/**
 * What the admin API and `npm run staff` accept to make and change accounts and API keys
 * (issue 11): one set of schemas for both, each problem listed at its field.
 */

/** A new password: the policy of ./password.ts, each rule a problem of its own. */
export const newPasswordSchema = z.string().superRefine((password, ctx) => {
  for (const message of passwordProblems(password)) ctx.addIssue({ code: "custom", message });
});

export const newAccountSchema = z
  .object({
    email: emailSchema,
    name: nameSchema,
    role: roleSchema,
    stores: storesSchema.default([]),
    /** Absent: the account signs in through Cloudflare Access only, until a password is set. */
    password: newPasswordSchema.optional(),
  })
  .strict();

export const accountPatchSchema = z
  .object({
    name: nameSchema.optional(),
    role: roleSchema.optional(),
    stores: storesSchema.optional(),
    /** true disables the account and ends its sessions; false enables it again. */
    disabled: z.boolean().optional(),
  })
  .strict();

export const apiKeyNameSchema = z
  .string()
  .trim()
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,63}$/u, "1-64 letters, digits, spaces or . _ -");

export const newApiKeySchema = z
  .object({
    name: apiKeyNameSchema,
    role: roleSchema,
    stores: storesSchema.default([]),
  })
  .strict();

export type NewAccount = z.output<typeof newAccountSchema>;
export type AccountPatch = z.output<typeof accountPatchSchema>;
export type NewApiKey = z.output<typeof newApiKeySchema>;

/**
 * Parses and lists every problem: the fields' own, and whether role and stores go together
 * (store staff need stores, no one else has any), checked on the raw input so it is listed
 * even when another field fails.
 */
export function validateStaffInput<T extends typeof newAccountSchema | typeof newApiKeySchema>(
  schema: T,
  input: unknown,
): Validated<z.output<T>> {
  const parsed = schema.safeParse(input);
  const problems = parsed.success ? [] : describeIssues(parsed.error.issues);
  for (const problem of scopeProblems(input)) if (!problems.includes(problem)) problems.push(problem);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: parsed.data as z.output<T> };
}

/** Validates a change, every problem listed. */
export function validateAccountPatch(input: unknown): Validated<AccountPatch> {
  const parsed = accountPatchSchema.safeParse(input);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, problems: describeIssues(parsed.error.issues) };
}

function scopeProblems(input: unknown): string[] {
  if (typeof input !== "object" || input === null) return [];
  const fields = input as Record<string, unknown>;
  const role = roleSchema.safeParse(fields.role);
  const stores = storesSchema.safeParse(fields.stores ?? []);
  return role.success && stores.success ? storeScopeProblems(role.data, stores.data) : [];
}
