import { z } from "@hono/zod-openapi";
import { databaseSettings } from "../../../src/config.ts";
import { openDatabase } from "../../../src/db/client.ts";
import { describeDatabaseFailure } from "../../../src/db/errors.ts";
import { AppError } from "../../../src/errors.ts";
import { latestRun, recentRuns, type RfmRun, recomputeRfm } from "../../../src/rfm/recompute.ts";
import { rfmSettings } from "../../../src/rfm/rfm-settings.ts";
import { segmentCsvFilename, segmentCsvHeader, segmentCsvRows } from "../../../src/rfm/segment-csv.ts";
import { SEGMENT_GRID } from "../../../src/rfm/segment-map.ts";
import { SEGMENTS, type Segment } from "../../../src/rfm/segment-names.ts";
import { segmentPage, type ShopperScores, shopperScores } from "../../../src/rfm/segment-reads.ts";
import { idempotencyKeyHeader } from "../api/validation.ts";
import { adminRoute } from "../contract/admin-route.ts";
import type { Describes, Holds } from "../contract/describes.ts";
import { noStore } from "../contract/no-store.ts";
import { contractApp } from "../contract/route.ts";
import { epochMs, int, minorUnits } from "../contract/units.ts";
import { rfmRunId } from "../rfm-job.ts";
import { auditActor } from "./auth.ts";
import { pagedExport } from "./paged-export.ts";
import { readDatabase } from "./read-database.ts";
import { knownForm, shopperParams } from "./shoppers.ts";

/**
 * RFM segments under /admin/api (issue 17): the runs, each segment's size and its change since
 * the run before, who moved where, one shopper's scores, a run now, and a segment as CSV.
 */

const segmentSchema = z.enum(SEGMENTS);
const json = <T extends z.ZodType>(schema: T) => ({ "application/json": { schema } });
const LIVE = noStore("a run may finish at any time");

const runSchema = z
  .object({
    id: z.string().describe("rfm_…"),
    startedAt: epochMs.describe("the run's clock: orders paid up to then count"),
    finishedAt: epochMs.nullable(),
    trigger: z.string().describe("`schedule` (the Cron Trigger) or `manual` (the console)"),
    actor: z.string(),
    shoppers: int.describe("shoppers scored"),
    sizes: z.record(z.string(), int).describe("shoppers in each segment after the run"),
    movement: z
      .array(z.object({ from: z.string().nullable().describe("null: scored for the first time"), to: z.string(), shoppers: int }))
      .describe("shoppers whose segment changed, by from → to, most first"),
  })
  .openapi("RfmRun");
export type RunSchemaMatchesCode = Holds<Describes<z.output<typeof runSchema>, RfmRun>>;

const scoresSchema = z
  .object({
    shopperId: z.string(),
    recencyDays: int.describe("whole days from the last paid order to the run"),
    frequency: int.describe("orders paid in the window, not refunded in full"),
    monetary: minorUnits.describe("fen paid in the window less refunds"),
    r: int.min(1).max(5),
    f: int.min(1).max(5),
    m: int.min(1).max(5),
    segment: segmentSchema,
    previousSegment: segmentSchema.nullable(),
    runId: z.string(),
    computedAt: epochMs,
  })
  .openapi("RfmScores");
export type ScoresSchemaMatchesCode = Holds<Describes<z.output<typeof scoresSchema>, ShopperScores>>;

const overviewSchema = z
  .object({
    latest: runSchema.nullable().describe("the last run; null before the first"),
    segments: z.array(
      z.object({
        segment: segmentSchema,
        shoppers: int,
        change: int.nullable().describe("since the run before the last; null when there was none"),
      }),
    ),
    grid: z.array(z.array(segmentSchema)).describe("the score map: grid[R − 1][FM − 1], FM = ⌈(F + M) / 2⌉"),
    intervalHours: int.describe("the schedule runs when the last run is older than this (RFM_INTERVAL_HOURS)"),
    windowDays: int.describe("frequency and monetary count the orders paid in these last days (RFM_WINDOW_DAYS)"),
  })
  .openapi("RfmOverview");

/** What `GET /segments` answers, for the console's type (web/client/console/segment-types.ts). */
export type SegmentOverviewBody = z.output<typeof overviewSchema>;

const runResultSchema = z.object({ run: runSchema, triggers: int.describe("segment_entered triggers written") }).openapi("RfmRunResult");
/** What `POST /segments/runs` answers. */
export type SegmentRunBody = z.output<typeof runResultSchema>;

const overviewRoute = adminRoute({
  method: "get",
  path: "/segments",
  admits: "readSegments",
  summary: "RFM segments: each segment's size after the last run and its change since the run before, who moved, the score map",
  responses: { 200: { description: "the segments", headers: LIVE, content: json(overviewSchema) } },
  errors: ["dependency_unavailable"],
});

const runsRoute = adminRoute({
  method: "get",
  path: "/segments/runs",
  admits: "readSegments",
  summary: "The RFM runs, newest first",
  request: { query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }) },
  responses: { 200: { description: "the runs", headers: LIVE, content: json(z.object({ runs: z.array(runSchema) }).openapi("RfmRuns")) } },
  errors: ["dependency_unavailable"],
});

const runNowRoute = adminRoute({
  method: "post",
  path: "/segments/runs",
  admits: "runSegments",
  summary: "Recompute every shopper's RFM scores and segment now",
  description:
    "One transaction: the scores, `segment_entered` follow-up triggers for every shopper whose segment is new or changed, and the run's sizes and movement. A run in progress (the schedule's or another person's) is waited for, up to 30 s (then 409 `conflict`). The same Idempotency-Key again answers the run it made (`Idempotent-Replayed: true`) and recomputes nothing.",
  request: { headers: idempotencyKeyHeader },
  responses: {
    201: { description: "the run (new, or the one this key made)", content: json(runResultSchema) },
  },
  errors: ["conflict", "dependency_unavailable"],
});

const shopperRoute = adminRoute({
  method: "get",
  path: "/segments/shoppers/{id}",
  admits: "readShoppers",
  summary: "A shopper's RFM scores and segment as the last run left them",
  description: "404 `not_found` for a shopper no run has scored (no paid order before the last run).",
  request: { params: shopperParams },
  responses: { 200: { description: "the scores", headers: noStore("scores change with each run"), content: json(scoresSchema) } },
  errors: ["not_found", "dependency_unavailable"],
});

/** Rows read from Postgres per page of the export: each page one index range (keyset), written as it is read. */
export const EXPORT_PAGE = 1_000;

const exportRoute = adminRoute({
  method: "get",
  path: "/segments/{segment}/export.csv",
  admits: "readSegments",
  summary: "A segment's shoppers as CSV (streamed), for a campaign tool or a spreadsheet",
  description: `Columns \`shopper_id,segment,r,f,m,recency_days,frequency,monetary_fen,previous_segment,computed_at\`, CRLF, RFC 4180 quoting, no cell that a spreadsheet would run as a formula. Streamed ${EXPORT_PAGE} rows at a time in shopper-id order, so any size of segment is sent in constant memory; \`Content-Disposition: attachment\` names the file \`rfm-<segment>-<day of the last run>.csv\`. An unknown segment is 404.`,
  request: {
    params: z.object({ segment: z.string().openapi({ param: { description: `one of ${SEGMENTS.map((s) => `\`${s}\``).join(", ")}` } }) }),
  },
  responses: {
    200: {
      description: "the CSV file",
      headers: {
        ...noStore("the segment changes with each run"),
        "Content-Disposition": { description: "`attachment; filename=…`", schema: { type: "string" as const } },
      },
      content: { "text/csv": { schema: z.string() } },
    },
  },
  errors: ["not_found", "dependency_unavailable"],
});

const READ = { what: "the RFM segments", log: "segments", timeoutMs: 10_000 };

export const adminSegments = contractApp()
  .openapi(overviewRoute, async (c) => {
    const [latest, before] = await readDatabase(c.env, READ, (db) => recentRuns(db, 2));
    const settings = rfmSettings(c.env);
    c.header("Cache-Control", "no-store");
    return c.json(
      {
        latest: latest ?? null,
        segments: SEGMENTS.map((segment) => {
          const shoppers = latest?.sizes[segment] ?? 0;
          return { segment, shoppers, change: before ? shoppers - (before.sizes[segment] ?? 0) : null };
        }),
        grid: SEGMENT_GRID.map((row) => [...row]),
        intervalHours: settings.intervalMs / 3_600_000,
        windowDays: settings.windowDays,
      },
      200,
    );
  })
  .openapi(runsRoute, async (c) => {
    const { limit } = c.req.valid("query");
    const runs = await readDatabase(c.env, READ, (db) => recentRuns(db, limit));
    c.header("Cache-Control", "no-store");
    return c.json({ runs }, 200);
  })
  .openapi(runNowRoute, async (c) => {
    const runId = await rfmRunId(c.req.valid("header")["Idempotency-Key"]);
    const actor = auditActor(c);
    const { windowDays } = rfmSettings(c.env);
    const outcome = await readDatabase(c.env, { ...READ, what: "the RFM run", timeoutMs: 120_000 }, async (db) => {
      try {
        return await recomputeRfm(db, { runId, at: Date.now(), trigger: "manual", actor, windowDays });
      } catch (error) {
        // lock_not_available: the run in progress took longer than a person's run waits.
        if (describeDatabaseFailure(error).sqlstate === "55P03")
          throw new AppError("conflict", "an RFM run is in progress; try again shortly");
        throw error;
      }
    });
    if (!outcome.run) throw new AppError("internal", "the run left no row");
    if (!outcome.ran) c.header("Idempotent-Replayed", "true");
    return c.json({ run: outcome.run, triggers: outcome.ran ? outcome.triggers : 0 }, 201);
  })
  .openapi(shopperRoute, async (c) => {
    const shopperId = knownForm(c.req.valid("param").id);
    const scores = await readDatabase(c.env, READ, (db) => shopperScores(db, shopperId));
    if (!scores) throw new AppError("not_found", `no RFM scores for ${shopperId}: no run has scored them yet`);
    c.header("Cache-Control", "no-store");
    return c.json(scores, 200);
  })
  .openapi(exportRoute, async (c) => {
    const segment = segmentNamed(c.req.valid("param").segment);
    const stream = await segmentCsvStream(c.env, segment);
    return c.body(stream.body, 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${segmentCsvFilename(segment, stream.runAt)}"`,
      "Cache-Control": "no-store",
    });
  });

function segmentNamed(name: string): Segment {
  const segment = SEGMENTS.find((s) => s === name);
  if (!segment) throw new AppError("not_found", `no segment "${name}"; one of ${SEGMENTS.join(", ")}`);
  return segment;
}

/**
 * The export as a stream: the first page is read before answering (Postgres down is a 503,
 * not a cut file), then each page as the client takes the last; one connection for the whole
 * file, closed at its end or when the client goes away.
 */
async function segmentCsvStream(env: Env, segment: Segment): Promise<{ body: ReadableStream<Uint8Array>; runAt: number }> {
  const { db, close } = openDatabase(databaseSettings(env));
  let first: ShopperScores[];
  let runAt: number;
  try {
    first = await segmentPage(db, segment, "", EXPORT_PAGE);
    runAt = (await latestRun(db))?.startedAt ?? Date.now();
  } catch (error) {
    await close().catch(() => undefined);
    console.error(`segments: the export could not be read (${describeDatabaseFailure(error).summary})`);
    throw new AppError("dependency_unavailable", "the segment (Postgres) cannot be read; try again shortly");
  }
  const body = pagedExport({
    log: "segments",
    header: segmentCsvHeader(),
    first,
    pageSize: EXPORT_PAGE,
    lines: segmentCsvRows,
    next: (last) => segmentPage(db, segment, last.shopperId, EXPORT_PAGE),
    close,
  });
  return { body, runAt };
}
