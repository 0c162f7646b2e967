import Papa from "papaparse";
import { z } from "zod";
import { SEGMENTS } from "../rfm/segment-names.ts";
import type { Seed } from "./audience-store.ts";
import { MAX_PERCENT_TENTHS, MIN_PERCENT_TENTHS, MIN_SEEDS, percentInTenths } from "./lookalike.ts";

/**
 * A request for a lookalike audience (issue 18), checked before anything is written: every
 * problem of the body listed at once (`path: message`), including each malformed line of an
 * uploaded list. What needs Postgres (the seed's size, a SKU nobody bought or viewed) is checked
 * by the route after this, and listed with these.
 */

/** A shopper id as the shop issues them (`shp_…`). */
export const SHOPPER_ID = /^shp_[A-Za-z0-9_-]{1,92}$/;
/** At most this many ids in an uploaded list. */
export const MAX_LIST = 100_000;
/** Malformed lines named one by one, up to this many (then "and N more"). */
const NAMED_LINES = 20;

const sku = z.string().regex(/^[a-z0-9][a-z0-9-]{1,63}$/, "must be a SKU: 2–64 lower-case letters, digits and '-'");

export const audienceRequestSchema = z
  .object({
    name: z.string().trim().min(1, "must not be empty").max(80, "at most 80 characters"),
    seed: z.discriminatedUnion(
      "kind",
      [
        z.object({ kind: z.literal("segment"), segment: z.enum(SEGMENTS, { error: `must be one of ${SEGMENTS.join(", ")}` }) }).strict(),
        z.object({ kind: z.literal("sku"), sku }).strict(),
        z
          .object({
            kind: z.literal("list"),
            shopperIds: z.array(z.string()).max(MAX_LIST, `at most ${MAX_LIST} ids`).optional(),
            csv: z
              .string()
              .max(8 * 1024 * 1024)
              .optional(),
          })
          .strict(),
      ],
      { error: "seed.kind must be segment, sku or list" },
    ),
    percent: z
      .number({ error: "must be a number" })
      .min(MIN_PERCENT_TENTHS / 10, `must be at least ${MIN_PERCENT_TENTHS / 10}`)
      .max(MAX_PERCENT_TENTHS / 10, `must be at most ${MAX_PERCENT_TENTHS / 10}`)
      .refine((p) => percentInTenths(p) !== null, "must be a multiple of 0.1"),
  })
  .strict();

export type AudienceRequestBody = z.input<typeof audienceRequestSchema>;

export interface AudienceRequest {
  name: string;
  seed: Seed;
  percentTenths: number;
}

/**
 * The ids of an uploaded list: JSON `shopperIds`, or `csv` (a header `shopper_id` and one id a
 * row, or one id a line without a header); duplicates dropped, order kept. Each malformed id or
 * line is a problem.
 */
export function listedIds(seed: { shopperIds?: string[] | undefined; csv?: string | undefined }): { ids: string[]; problems: string[] } {
  const problems: string[] = [];
  const entries: Array<{ where: string; id: string }> = [];
  if (seed.shopperIds === undefined && seed.csv === undefined) return { ids: [], problems: ["seed: a list needs shopperIds or csv"] };
  if (seed.shopperIds !== undefined && seed.csv !== undefined) problems.push("seed: send shopperIds or csv, not both");
  for (const [i, id] of (seed.shopperIds ?? []).entries()) entries.push({ where: `seed.shopperIds.${i}`, id });
  if (seed.csv !== undefined) {
    const parsed = Papa.parse<string[]>(seed.csv.replace(/^\uFEFF/, ""), { delimiter: ",", skipEmptyLines: "greedy" });
    for (const error of parsed.errors) problems.push(`seed.csv: line ${(error.row ?? 0) + 1}: ${error.message}`);
    const rows = parsed.data;
    const header = rows[0]?.[0]?.trim().toLowerCase();
    const start = header === "shopper_id" || header === "shopperid" ? 1 : 0;
    for (let i = start; i < rows.length; i++) {
      const row = rows[i] ?? [];
      if (row.length !== 1) problems.push(`seed.csv: line ${i + 1}: expected one column (a shopper id), found ${row.length}`);
      else entries.push({ where: `seed.csv: line ${i + 1}`, id: (row[0] ?? "").trim() });
    }
    if (rows.length - start > MAX_LIST) problems.push(`seed.csv: at most ${MAX_LIST} ids`);
  }
  const bad = entries.filter((e) => !SHOPPER_ID.test(e.id));
  for (const e of bad.slice(0, NAMED_LINES)) problems.push(`${e.where}: ${JSON.stringify(e.id.slice(0, 40))} is not a shopper id (shp_…)`);
  if (bad.length > NAMED_LINES) problems.push(`seed: and ${bad.length - NAMED_LINES} more ids that are not shopper ids`);
  const ids = [...new Set(entries.filter((e) => SHOPPER_ID.test(e.id)).map((e) => e.id))];
  return { ids, problems };
}

/** The body checked: the request, or every problem found. */
export function validateAudienceRequest(input: unknown): { ok: true; value: AudienceRequest } | { ok: false; problems: string[] } {
  const parsed = audienceRequestSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.map(String).join(".") || "body"}: ${issue.message}`);
    // The list's own lines are checked even when another field failed, so one reply names every problem.
    const raw = z
      .object({ seed: z.object({ kind: z.literal("list"), shopperIds: z.array(z.string()).optional(), csv: z.string().optional() }) })
      .safeParse(input);
    if (raw.success) for (const p of listedIds(raw.data.seed).problems) if (!problems.includes(p)) problems.push(p);
    return { ok: false, problems };
  }
  const { name, seed, percent } = parsed.data;
  const tenths = percentInTenths(percent) ?? MIN_PERCENT_TENTHS;
  if (seed.kind !== "list")
    return { ok: true, value: { name, seed: seed.kind === "segment" ? seed : { kind: "sku", sku: seed.sku }, percentTenths: tenths } };
  const { ids, problems } = listedIds(seed);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: { name, seed: { kind: "list", shopperIds: ids }, percentTenths: tenths } };
}

/** The problem of a seed too small to build from, with its count. */
export function seedTooSmall(count: number, seed: Seed): string {
  const what =
    seed.kind === "segment"
      ? `segment ${seed.segment} has ${count} shoppers`
      : seed.kind === "sku"
        ? `${count} shoppers bought ${seed.sku} (paid orders)`
        : `${count} of the ${seed.shopperIds.length} listed ids are shoppers of this shop`;
  return `seed: ${what}; at least ${MIN_SEEDS} are needed`;
}
