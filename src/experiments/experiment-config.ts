import { z } from "zod";
import { validateListingEvery } from "../kv/versioned-schema.ts";
import type { Validated } from "../sales/sale-config.ts";
import { controlOf, SURFACE_NAMES, SURFACES, type Surface } from "./surfaces.ts";

/**
 * An A/B experiment as a marketer configures it (issue 13), stored in Workers KV under
 * `experiment:<key>` beside the sales, every version kept, every change audited in Postgres
 * (src/experiments/experiment-audit.ts). Times are epoch ms, server time. Messages are
 * written for the console, which shows each next to its field.
 */

export const EXPERIMENT_STATUSES = ["draft", "running", "stopped"] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];

/**
 * What the experiment is judged by, per shopper exposed: conversion to checkout (an
 * `order_created` after their first exposure), conversion to payment (an `order_paid`), or
 * revenue per shopper (the sum of their `order_paid` amounts, fen, zero for most).
 */
export const PRIMARY_METRICS = ["checkout", "payment", "revenue"] as const;
export type PrimaryMetric = (typeof PRIMARY_METRICS)[number];

/** Who may be enrolled; an empty list means everyone on that count. */
export const SHOPPER_KINDS = ["new", "returning"] as const;
export const TARGET_DEVICES = ["phone", "tablet", "desktop"] as const;
export const TARGET_LOCALES = ["zh-CN", "en"] as const;
export type ShopperKind = (typeof SHOPPER_KINDS)[number];
export type TargetDevice = (typeof TARGET_DEVICES)[number];
export type TargetLocale = (typeof TARGET_LOCALES)[number];

export const EXPERIMENT_LIMITS = { maxVariants: 10, maxWeight: 1_000_000 } as const;

const key = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "lowercase letters, digits and dashes, 2–63");
const epochMs = z.number().int("must be epoch milliseconds").nonnegative("must not be negative");

export const variantSchema = z
  .object({
    key: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, "lowercase letters, digits, _ and -, at most 32"),
    name: z.string().trim().min(1, "must not be empty").max(80),
    /** A share of new shoppers, on any scale: 50/50, 1/1 and 0.5/0.5 are the same split. 0 closes the variant to new shoppers. */
    weight: z
      .number("must be a number")
      .finite()
      .nonnegative("must not be negative")
      .max(EXPERIMENT_LIMITS.maxWeight, `must be at most ${EXPERIMENT_LIMITS.maxWeight}`),
  })
  .strict();

/** Each list narrows who is enrolled; empty lists (the default) enrol everyone. */
export const targetingSchema = z
  .object({
    shoppers: z.array(z.enum(SHOPPER_KINDS)).max(SHOPPER_KINDS.length).default([]),
    devices: z.array(z.enum(TARGET_DEVICES)).max(TARGET_DEVICES.length).default([]),
    locales: z.array(z.enum(TARGET_LOCALES)).max(TARGET_LOCALES.length).default([]),
  })
  .strict();

/** What a marketer writes; status, times and bookkeeping are the server's. */
const draftFields = {
  key,
  name: z.string().trim().min(1, "must not be empty").max(120),
  description: z.string().max(2000).default(""),
  surface: z.enum(SURFACE_NAMES, { error: `one of ${SURFACE_NAMES.join(", ")}` }),
  primaryMetric: z.enum(PRIMARY_METRICS, { error: `one of ${PRIMARY_METRICS.join(", ")}` }),
  variants: z
    .array(variantSchema)
    .min(2, "at least a control and one variant")
    .max(EXPERIMENT_LIMITS.maxVariants, `at most ${EXPERIMENT_LIMITS.maxVariants}`),
  targeting: targetingSchema.default({ shoppers: [], devices: [], locales: [] }),
};

/** The server's part: lifecycle and versioning. */
const serverFields = {
  /**
   * The hash seed (GrowthBook's `seed`): the key unless given. Fixed at creation: a new seed
   * would reshuffle everyone not yet held by a sticky assignment.
   */
  seed: z.string().min(1).max(64),
  status: z.enum(EXPERIMENT_STATUSES),
  startedAt: epochMs.nullable().default(null),
  stoppedAt: epochMs.nullable().default(null),
  version: z.number().int().positive(),
  updatedAt: epochMs.nullable().default(null),
  updatedBy: z.string().max(128).nullable().default(null),
};

export const experimentDraftSchema = z.object(draftFields).strict().superRefine(addCrossFieldIssues);
export const experimentUpdateSchema = z
  .object({ ...draftFields, expectedVersion: z.number().int().positive() })
  .strict()
  .superRefine(addCrossFieldIssues);
export const experimentConfigSchema = z
  .object({ ...draftFields, ...serverFields })
  .strict()
  .superRefine(addCrossFieldIssues);

export type Variant = z.infer<typeof variantSchema>;
export type Targeting = z.infer<typeof targetingSchema>;
export type ExperimentDraft = z.infer<typeof experimentDraftSchema>;
export type ExperimentConfig = z.infer<typeof experimentConfigSchema>;
export type ExperimentConfigInput = z.input<typeof experimentConfigSchema>;

/**
 * Parses with one of the schemas above, listing every problem as `path: message`. As with
 * sales (validateSale), the cross-field checks also run on the raw input, since zod skips
 * refinements once a field fails.
 */
export function validateExperiment<T extends z.ZodType>(schema: T, input: unknown): Validated<z.output<T>> {
  return validateListingEvery(schema, input, crossFieldIssues);
}

/**
 * What may change once an experiment runs: its name, description, weights and targeting.
 * Its surface, metric and variants (which and in what order) may not, or shoppers already
 * counted would be counted for something else. Problems at the fields, for the console.
 */
export function runningChangeProblems(running: ExperimentConfig, next: ExperimentDraft): string[] {
  const problems: string[] = [];
  if (next.surface !== running.surface) problems.push("surface: cannot change while the experiment runs");
  if (next.primaryMetric !== running.primaryMetric) problems.push("primaryMetric: cannot change while the experiment runs");
  const keys = (config: { variants: Variant[] }) => config.variants.map((v) => v.key).join(",");
  if (keys(next) !== keys(running)) problems.push("variants: which variants, and their order, cannot change while the experiment runs");
  return problems;
}

type Issue = { path: Array<string | number>; message: string };

function addCrossFieldIssues(input: unknown, ctx: z.RefinementCtx): void {
  for (const { path, message } of crossFieldIssues(input)) ctx.addIssue({ code: "custom", path, message });
}

/**
 * The variants against each other and their surface: the weights must add up to more than
 * nothing, keys must be unique and be variants the surface renders, and the first must be
 * the surface's control (the results compare every variant with the first). Read
 * defensively: the input may be invalid elsewhere.
 */
function crossFieldIssues(input: unknown): Issue[] {
  if (!isRecord(input) || !Array.isArray(input.variants)) return [];
  const issues: Issue[] = [];
  const variants = input.variants.filter(isRecord);
  const weights = variants.map((v) => v.weight).filter((w): w is number => typeof w === "number" && Number.isFinite(w) && w >= 0);
  if (weights.length === variants.length && weights.reduce((sum, w) => sum + w, 0) <= 0) {
    issues.push({ path: ["variants"], message: "the weights must add up to more than 0" });
  }
  const surface = typeof input.surface === "string" && input.surface in SURFACES ? (input.surface as Surface) : null;
  const seen = new Set<unknown>();
  input.variants.forEach((variant, index) => {
    if (!isRecord(variant) || typeof variant.key !== "string") return;
    if (seen.has(variant.key))
      issues.push({ path: ["variants", index, "key"], message: `"${variant.key}" is already another variant's key` });
    seen.add(variant.key);
    const known: readonly string[] | null = surface ? SURFACES[surface] : null;
    if (known && !known.includes(variant.key)) {
      issues.push({ path: ["variants", index, "key"], message: `the ${surface} surface renders ${known.join(" or ")}` });
    }
  });
  const first = input.variants[0];
  if (surface && isRecord(first) && typeof first.key === "string" && first.key !== controlOf(surface)) {
    issues.push({ path: ["variants", 0, "key"], message: `the first variant is the control: "${controlOf(surface)}" on ${surface}` });
  }
  return issues;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** KV keys: the current version, and every version kept under a prefix that lists in order. */
export const EXPERIMENT_KEY_PREFIX = "experiment:";
export const experimentKey = (key: string) => `${EXPERIMENT_KEY_PREFIX}${key}`;
export const experimentHistoryPrefix = (key: string) => `experiment-history:${key}:`;
