import { z } from "zod";
import { COUPON_ID } from "../coupons/coupon-template.ts";
import { type CrossFieldIssue, validateListingEvery, versionedSchemas } from "../kv/versioned-schema.ts";
import { SEGMENTS } from "../rfm/segment-names.ts";
import type { Validated } from "../sales/sale-config.ts";
import { placeholderProblems } from "./template.ts";
import { TRIGGER_KINDS } from "./trigger-kinds.ts";

/**
 * A follow-up sequence as a marketer builds it (issue 17: the 7-day SOP), in Workers KV under
 * `sequence:<id>` (binding SALES) with every version at `sequence-history:<id>:<version>` and
 * every change audited in Postgres, as livestreams and coupon templates are. A trigger enrols a
 * shopper (once per sequence and trigger); each step is sent `after` the enrolment, deferred
 * past the quiet hours in the shopper's zone; the exit rules end it early; `thenEnrol` enrols the
 * shopper in another sequence when this one completes (the admin API refuses a loop).
 */

export const SEQUENCE_ID = /^[a-z0-9][a-z0-9-]{1,39}$/;
export const SEQUENCE_LIMITS = { maxSteps: 10, maxDays: 90, titleChars: 60, bodyChars: 500 } as const;
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Per language: both are required, a shopper reads the one of their locale. */
const words = (max: number) =>
  z
    .object({
      "zh-CN": z.string().trim().min(1, "must not be empty").max(max, `is oversized: at most ${max} characters`),
      en: z.string().trim().min(1, "must not be empty").max(max, `is oversized: at most ${max} characters`),
    })
    .strict();

const stepSchema = z
  .object({
    /** After the enrolment: `days` × 24 h + `hours`. Steps ascend strictly. */
    after: z
      .object({
        days: z
          .number()
          .int("must be a whole number")
          .min(0, "must not be negative")
          .max(SEQUENCE_LIMITS.maxDays, `at most ${SEQUENCE_LIMITS.maxDays}`),
        hours: z.number().int("must be a whole number").min(0, "must not be negative").max(23, "at most 23 (use days)"),
      })
      .strict(),
    title: words(SEQUENCE_LIMITS.titleChars),
    body: words(SEQUENCE_LIMITS.bodyChars),
    /** A coupon template granted with this step (through its CouponPool, once by the step's key); null: none. */
    couponTemplate: z.string().regex(COUPON_ID, "a coupon template id").nullable().default(null),
    /** A storefront path the message points to (`/sales/sku-1`); null: the inbox itself. */
    link: z
      .string()
      .max(200, "at most 200 characters")
      .regex(/^\/[^\s/][^\s]*$|^\/$/, "a path on this shop, starting with /")
      .nullable()
      .default(null),
  })
  .strict();

const draftFields = {
  id: z.string().regex(SEQUENCE_ID, "lowercase letters, digits and dashes, 2–40"),
  name: z.string().trim().min(1, "must not be empty").max(80, "must be at most 80 characters"),
  /** Enrolling or not: a paused sequence takes no new shoppers; those enrolled run on. */
  active: z.boolean().default(true),
  trigger: z
    .object({
      kind: z.enum(TRIGGER_KINDS),
      /** segment_entered only: the segment entered. */
      segment: z.enum(SEGMENTS).nullable().default(null),
      /** order_paid only: only the shopper's first paid order enrols (a "first purchase" trigger). */
      firstPurchaseOnly: z.boolean().default(false),
    })
    .strict(),
  steps: z.array(stepSchema).min(1, "has at least one step").max(SEQUENCE_LIMITS.maxSteps, `at most ${SEQUENCE_LIMITS.maxSteps} steps`),
  /** Local times in the shopper's zone when nothing is sent; a step due then goes out at `end`. Null: none. */
  quietHours: z
    .object({ start: z.string().regex(HHMM, "HH:MM, 00:00–23:59"), end: z.string().regex(HHMM, "HH:MM, 00:00–23:59") })
    .strict()
    .nullable()
    .default({ start: "22:00", end: "08:00" }),
  /** Exit rules: a paid order ends the enrolment; a segment_entered sequence ends when the shopper enters another segment. */
  exit: z
    .object({ onPurchase: z.boolean().default(true), onSegmentLeft: z.boolean().default(false) })
    .strict()
    .default({ onPurchase: true, onSegmentLeft: false }),
  /** Enrol the shopper in this sequence when this one completes; null: none. */
  thenEnrol: z.string().regex(SEQUENCE_ID, "a sequence id").nullable().default(null),
};

const schemas = versionedSchemas(draftFields, crossFieldIssues);
export const sequenceDraftSchema = schemas.draft;
export const sequenceSchema = schemas.stored;
export const sequenceUpdateSchema = schemas.update;

export type Sequence = z.infer<typeof sequenceSchema>;
export type SequenceInput = z.input<typeof sequenceSchema>;
export type SequenceStep = Sequence["steps"][number];
export type QuietHours = NonNullable<Sequence["quietHours"]>;

/** Parses and lists every problem as `path: message`, cross-field ones too. */
export function validateSequence<T extends z.ZodType>(schema: T, input: unknown): Validated<z.output<T>> {
  return validateListingEvery(schema, input, crossFieldIssues);
}

/** A step's offset from the enrolment, ms. */
export function stepOffsetMs(step: Pick<SequenceStep, "after">): number {
  return step.after.days * DAY_MS + step.after.hours * HOUR_MS;
}

/** Minutes since midnight of an `HH:MM`. */
export function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/**
 * The checks one field cannot make alone: steps in ascending order, placeholders known (and
 * `{coupon}` only where the step grants one, `{deadline}` only where the trigger has one), the
 * trigger's options fitting its kind, quiet hours that are a span, a `thenEnrol` that is not
 * the sequence itself.
 */
function crossFieldIssues(input: unknown): CrossFieldIssue[] {
  if (!isRecord(input)) return [];
  const issues: CrossFieldIssue[] = [];
  const trigger = isRecord(input.trigger) ? input.trigger : {};
  if (trigger.kind === "segment_entered" && (trigger.segment === undefined || trigger.segment === null)) {
    issues.push({ path: ["trigger", "segment"], message: "segment_entered names the segment entered" });
  }
  if (trigger.kind !== "segment_entered" && typeof trigger.segment === "string") {
    issues.push({ path: ["trigger", "segment"], message: "only a segment_entered trigger names a segment" });
  }
  if (trigger.kind !== "order_paid" && trigger.firstPurchaseOnly === true) {
    issues.push({ path: ["trigger", "firstPurchaseOnly"], message: "only an order_paid trigger can be first purchase only" });
  }
  const exit = isRecord(input.exit) ? input.exit : {};
  if (exit.onSegmentLeft === true && trigger.kind !== "segment_entered") {
    issues.push({ path: ["exit", "onSegmentLeft"], message: "only a segment_entered sequence can end when the segment is left" });
  }
  const quiet = isRecord(input.quietHours) ? input.quietHours : null;
  if (quiet && typeof quiet.start === "string" && quiet.start === quiet.end) {
    issues.push({ path: ["quietHours", "end"], message: "must differ from start (null for no quiet hours)" });
  }
  if (typeof input.thenEnrol === "string" && input.thenEnrol === input.id) {
    issues.push({ path: ["thenEnrol"], message: "a sequence cannot enrol into itself: it would loop" });
  }
  const steps = Array.isArray(input.steps) ? input.steps : [];
  let previous: number | null = null;
  steps.forEach((step, i) => {
    if (!isRecord(step)) return;
    const after = isRecord(step.after) ? step.after : null;
    if (after && Number.isInteger(after.days) && Number.isInteger(after.hours)) {
      const offset = stepOffsetMs({ after: { days: after.days as number, hours: after.hours as number } });
      if (previous !== null && offset <= previous) {
        issues.push({ path: ["steps", i, "after"], message: `steps out of order: must come later than step ${i - 1}` });
      }
      previous = offset;
    }
    const grantsCoupon = typeof step.couponTemplate === "string";
    for (const field of ["title", "body"] as const) {
      const text = isRecord(step[field]) ? step[field] : {};
      for (const lang of ["zh-CN", "en"] as const) {
        const value = text[lang];
        if (typeof value !== "string") continue;
        for (const message of placeholderProblems(value, { couponGranted: grantsCoupon, trigger: trigger.kind })) {
          issues.push({ path: ["steps", i, field, lang], message });
        }
      }
    }
  });
  return issues;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Where following `thenEnrol` from `candidate` leads back to a sequence already on the path, given
 * every other stored sequence (`stored`, the candidate's own stored version replaced): the
 * cycle as ids (`a → b → a`), or null. A `thenEnrol` naming no stored sequence ends the path (the
 * admin API reports that as a problem of its own).
 */
export function thenLoop(
  candidate: Pick<Sequence, "id" | "thenEnrol">,
  stored: ReadonlyArray<Pick<Sequence, "id" | "thenEnrol">>,
): string[] | null {
  const next = new Map(stored.map((s) => [s.id, s.thenEnrol]));
  next.set(candidate.id, candidate.thenEnrol);
  const path = [candidate.id];
  let at = candidate.thenEnrol;
  while (at !== null && at !== undefined) {
    path.push(at);
    if (path.indexOf(at) < path.length - 1) return path.slice(path.indexOf(at));
    at = next.get(at) ?? null;
  }
  return null;
}

export const SEQUENCE_KEY_PREFIX = "sequence:";
export const sequenceHistoryPrefix = (id: string) => `sequence-history:${id}:`;
