import { z } from "@hono/zod-openapi";
import { audienceRequestSchema, seedTooSmall, validateAudienceRequest } from "../../../src/audiences/audience-request.ts";
import {
  type AudienceRow,
  type AudienceView,
  countSeed,
  listAudiences,
  membersPage,
  presentAudience,
  queueAudience,
  readAudience,
  skuKnown,
} from "../../../src/audiences/audience-store.ts";
import { customAudienceFilename, customAudienceHeader, customAudienceLines } from "../../../src/audiences/custom-audience.ts";
import { MIN_SEEDS } from "../../../src/audiences/lookalike.ts";
import { databaseSettings } from "../../../src/config.ts";
import { openDatabase } from "../../../src/db/client.ts";
import { describeDatabaseFailure } from "../../../src/db/errors.ts";
import { AppError } from "../../../src/errors.ts";
import { readJson } from "../api/request-body.ts";
import { idempotencyKeyHeader, requireJsonContentType } from "../api/validation.ts";
import { adminRoute } from "../contract/admin-route.ts";
import type { Describes, Holds } from "../contract/describes.ts";
import { handlerValidatedBody } from "../contract/handler-validated-body.ts";
import { noStore } from "../contract/no-store.ts";
import { contractApp } from "../contract/route.ts";
import { epochMs, int } from "../contract/units.ts";
import { auditActor } from "./auth.ts";
import { pagedExport } from "./paged-export.ts";
import { readDatabase } from "./read-database.ts";
import { JSON_INPUT_ERRORS } from "./request.ts";

/**
 * Lookalike audiences under /admin/api (issue 18): create one from a seed (an RFM segment, the
 * buyers of a SKU, an uploaded list) and a size in percent of the pool; list and read them
 * (status, progress, size); export a built one as the ad platforms' custom-audience CSV. The
 * building is Node-side (scripts/audiences/lookalike.ts), so a create answers 202 `queued`.
 */

const json = <T extends z.ZodType>(schema: T) => ({ "application/json": { schema } });
const LIVE = noStore("an audience's status and progress change while it builds");

/** An uploaded list may be large: up to 4 MiB of JSON (about 100,000 ids), counted while reading. */
export const AUDIENCE_BODY_LIMIT = 4 * 1024 * 1024;

const audienceSchema = z
  .object({
    id: z.string().describe("aud_…"),
    name: z.string(),
    seed: z.object({
      kind: z.enum(["segment", "sku", "list"]),
      source: z.string().nullable().describe("the segment or the SKU; null for an uploaded list"),
      shoppers: int.describe("seed shoppers when it was created"),
    }),
    percent: z.number().describe("the size asked for, percent of the pool, 1–10 in steps of 0.1"),
    status: z.enum(["queued", "building", "built", "failed"]),
    progress: int.describe("0–100 while building"),
    poolSize: int.nullable().describe("shoppers compared (seeds included); null until built"),
    size: int.nullable().describe("shoppers in the audience (never a seed); null until built"),
    holdoutRecall: z
      .number()
      .nullable()
      .describe(
        "the quality estimate: the share of a held-out fifth of the seeds that an audience of the same percent built from the rest contains (a random audience: about the percent); null until built or with fewer than 5 seeds",
      ),
    error: z.string().nullable().describe("why it failed"),
    createdBy: z.string(),
    createdAt: epochMs,
    builtAt: epochMs.nullable(),
  })
  .openapi("LookalikeAudience");
export type AudienceSchemaMatchesCode = Holds<Describes<z.output<typeof audienceSchema>, AudienceView>>;

/** What `GET /audiences` answers, for the console. */
export type AudienceListBody = { audiences: AudienceView[] };

const createRoute = adminRoute({
  method: "post",
  path: "/audiences",
  admits: "editAudiences",
  summary: "Queue a lookalike audience: a seed and a size in percent of the pool",
  description: `The seed is an RFM segment (\`{ kind: "segment", segment }\`), the buyers of a SKU in paid orders (\`{ kind: "sku", sku }\`), or a list of shopper ids (\`{ kind: "list", shopperIds: [...] }\` or \`{ kind: "list", csv: "shopper_id\\r\\nshp_…" }\`); at least ${MIN_SEEDS} seed shoppers (a listed id counts when the shop knows the shopper). \`percent\` 1–10 in steps of 0.1 is the audience's size as a share of every shopper compared; seeds are never in it. Every problem is listed in \`problems\`, the seed's count with it when too small; nothing is written then. Answers 202 with the audience \`queued\`; the lookalike job builds it. The same Idempotency-Key again answers the audience it made (\`Idempotent-Replayed: true\`). Bodies up to 4 MiB.`,
  request: {
    headers: idempotencyKeyHeader,
    body: handlerValidatedBody("LookalikeAudienceRequest", "the seed, the size and a name"),
  },
  responses: { 202: { description: "queued (or the audience this key made)", content: json(audienceSchema) } },
  errors: [...JSON_INPUT_ERRORS, "dependency_unavailable"],
});

const listRoute = adminRoute({
  method: "get",
  path: "/audiences",
  admits: "readAudiences",
  summary: "The lookalike audiences, newest first",
  request: { query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }) },
  responses: {
    200: {
      description: "the audiences",
      headers: LIVE,
      content: json(z.object({ audiences: z.array(audienceSchema) }).openapi("LookalikeAudiences")),
    },
  },
  errors: ["dependency_unavailable"],
});

const idParams = z.object({ id: z.string().openapi({ param: { description: "the audience's id, `aud_…`" } }) });

const readRoute = adminRoute({
  method: "get",
  path: "/audiences/{id}",
  admits: "readAudiences",
  summary: "A lookalike audience: status, progress, pool and size",
  request: { params: idParams },
  responses: { 200: { description: "the audience", headers: LIVE, content: json(audienceSchema) } },
  errors: ["not_found", "dependency_unavailable"],
});

/** Members read from Postgres per page of the export. */
export const EXPORT_PAGE = 1_000;

const exportRoute = adminRoute({
  method: "get",
  path: "/audiences/{id}/export.csv",
  admits: "readAudiences",
  summary: "A built audience as the ad platforms' custom-audience file",
  description:
    "One column, `EXTERN_ID`: each member's shopper id normalised (trimmed, lower case) and SHA-256-hashed, 64 lower-case hex digits, CRLF lines, most similar first. The shop stores no phone or email, so the shopper id is the one identifier. Streamed 1,000 members at a time. 404 for an unknown audience, 409 `conflict` for one not built (queued, building or failed).",
  request: { params: idParams },
  responses: {
    200: {
      description: "the CSV file",
      headers: {
        ...noStore("an audience may be rebuilt"),
        "Content-Disposition": { description: "`attachment; filename=…`", schema: { type: "string" as const } },
      },
      content: { "text/csv": { schema: z.string() } },
    },
  },
  errors: ["not_found", "conflict", "dependency_unavailable"],
});

const READ = { what: "the lookalike audiences", log: "audiences", timeoutMs: 10_000 };

/** The audience's id for an Idempotency-Key: the same key, the same id. */
async function audienceId(key: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`lookalike:${key}`));
  return `aud_${[...new Uint8Array(digest)]
    .slice(0, 10)
    .map((b) => b.toString(16).padStart(2, "0"))
    .join("")}`;
}

export const adminAudiences = contractApp()
  .openapi(createRoute, async (c) => {
    const key = c.req.valid("header")["Idempotency-Key"];
    const actor = auditActor(c);
    requireJsonContentType(c);
    const checked = validateAudienceRequest(await readJson(c, AUDIENCE_BODY_LIMIT));
    const problems = checked.ok ? [] : [...checked.problems];
    const outcome = await readDatabase(c.env, READ, async (db) => {
      if (!checked.ok) return null;
      const request = checked.value;
      if (request.seed.kind === "sku" && !(await skuKnown(db, request.seed.sku))) {
        problems.push(`seed.sku: no order or event names ${request.seed.sku}`);
        return null;
      }
      const count = await countSeed(db, request.seed);
      if (count < MIN_SEEDS) {
        problems.push(seedTooSmall(count, request.seed));
        return null;
      }
      return queueAudience(db, {
        id: await audienceId(key),
        name: request.name,
        seed: request.seed,
        seedCount: count,
        percentTenths: request.percentTenths,
        idempotencyKey: key,
        createdBy: actor,
        at: Date.now(),
      });
    });
    if (!outcome) throw new AppError("invalid_request", `invalid audience: ${problems.join("; ")}`, { problems });
    if (!outcome.created) c.header("Idempotent-Replayed", "true");
    return c.json(presentAudience(outcome.row), 202);
  })
  .openapi(listRoute, async (c) => {
    const rows = await readDatabase(c.env, READ, (db) => listAudiences(db, c.req.valid("query").limit));
    c.header("Cache-Control", "no-store");
    return c.json({ audiences: rows.map(presentAudience) }, 200);
  })
  .openapi(readRoute, async (c) => {
    const row = await readDatabase(c.env, READ, (db) => readAudience(db, c.req.valid("param").id));
    if (!row) throw new AppError("not_found", `no lookalike audience ${c.req.valid("param").id}`);
    c.header("Cache-Control", "no-store");
    return c.json(presentAudience(row), 200);
  })
  .openapi(exportRoute, async (c) => {
    const stream = await exportStream(c.env, c.req.valid("param").id);
    return c.body(stream.body, 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${customAudienceFilename(stream.row.id, stream.row.percentTenths / 10)}"`,
      "Cache-Control": "no-store",
    });
  });

adminAudiences.openAPIRegistry.register("LookalikeAudienceRequest", audienceRequestSchema);

/**
 * The export as a stream, one connection for the file: the audience and its first page are
 * read before answering (unknown 404, not built 409, Postgres down 503, never a cut file), then
 * a page each time the client takes the last.
 */
async function exportStream(env: Env, id: string): Promise<{ body: ReadableStream<Uint8Array>; row: AudienceRow }> {
  const { db, close } = openDatabase(databaseSettings(env));
  let row: AudienceRow | null;
  let page: Array<{ rank: number; shopperId: string }> | null;
  try {
    row = await readAudience(db, id);
    page = row?.status === "built" ? await membersPage(db, id, 0, EXPORT_PAGE) : null;
  } catch (error) {
    await close().catch(() => undefined);
    console.error(`audiences: the export could not be read (${describeDatabaseFailure(error).summary})`);
    throw new AppError("dependency_unavailable", "the audience (Postgres) cannot be read; try again shortly");
  }
  if (!row || page === null) {
    await close().catch(() => undefined);
    if (!row) throw new AppError("not_found", `no lookalike audience ${id}`);
    throw new AppError("conflict", `audience ${id} is ${row.status}, not built; export it once it is built`);
  }
  const body = pagedExport({
    log: "audiences",
    header: customAudienceHeader(),
    first: page,
    pageSize: EXPORT_PAGE,
    lines: (members) => customAudienceLines(members.map((m) => m.shopperId)),
    next: (last) => membersPage(db, id, last.rank, EXPORT_PAGE),
    close,
  });
  return { body, row };
}
