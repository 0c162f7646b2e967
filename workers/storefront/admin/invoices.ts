import { z } from "@hono/zod-openapi";
import { desc, sql } from "drizzle-orm";
import { invoiceUploads } from "../../../src/db/schema.ts";
import { presentUpload } from "../../../src/invoices/invoice-uploads.ts";
import { adminRoute } from "../contract/admin-route.ts";
import { contractApp } from "../contract/route.ts";
import { epochMs, int } from "../contract/units.ts";
import { readDatabase } from "./read-database.ts";

/**
 * The console's Invoices view (issue 16): shoppers' invoice uploads, newest first, with how
 * each was read (QR, PDF, OCR), the verdict and refusal, and the points; and the totals by
 * status. Personal data (who uploaded what): `readShoppers`.
 */
const READ = { what: "invoice uploads", log: "admin invoices", timeoutMs: 10_000 };

const row = z
  .object({
    id: z.string(),
    shopperId: z.string(),
    status: z.enum(["queued", "accepted", "refused"]),
    method: z.enum(["qr", "pdf", "ocr"]).nullable(),
    contentType: z.string(),
    byteSize: int,
    invoiceKey: z.string().nullable().describe("code + number, once read"),
    amount: int.nullable().describe("fen before tax, once accepted"),
    points: int,
    refusal: z.object({ code: z.string(), message: z.string() }).nullable(),
    attempts: int.describe("reads the reader has begun (leases)"),
    createdAt: epochMs,
    decidedAt: epochMs.nullable(),
  })
  .openapi("AdminInvoiceUpload");

const listSchema = z
  .object({
    uploads: z.array(row),
    totals: z.object({ queued: int, accepted: int, refused: int, points: int.describe("points awarded for invoices") }),
  })
  .openapi("AdminInvoiceUploads");

/** What the route answers (the console states it in api-types.ts; test/worker/invoices.test.ts holds the two equal). */
export type AdminInvoiceUploads = z.output<typeof listSchema>;

const listRoute = adminRoute({
  method: "get",
  path: "/invoices",
  admits: "readShoppers",
  summary: "Invoice uploads: status, how each was read, refusals, points; totals by status",
  request: {
    query: z.object({
      status: z
        .enum(["queued", "accepted", "refused"])
        .optional()
        .openapi({ param: { description: "only uploads in this status" } }),
    }),
  },
  responses: {
    200: {
      description: "the last 200 uploads (of the status asked for) and the totals of all",
      content: {
        "application/json": { schema: listSchema },
      },
    },
  },
  errors: ["invalid_request", "dependency_unavailable"],
});

export const adminInvoices = contractApp().openapi(listRoute, async (c) => {
  const { status } = c.req.valid("query");
  const { rows, totals } = await readDatabase(c.env, READ, async (db) => {
    const rows = await db
      .select()
      .from(invoiceUploads)
      .where(status ? sql`${invoiceUploads.status} = ${status}` : undefined)
      .orderBy(desc(invoiceUploads.createdAt))
      .limit(200);
    const [totals] = await db
      .select({
        queued: sql<number>`count(*) filter (where ${invoiceUploads.status} = 'queued')::int`,
        accepted: sql<number>`count(*) filter (where ${invoiceUploads.status} = 'accepted')::int`,
        refused: sql<number>`count(*) filter (where ${invoiceUploads.status} = 'refused')::int`,
        points: sql<number>`coalesce(sum(${invoiceUploads.points}), 0)::int`,
      })
      .from(invoiceUploads);
    return { rows, totals: totals ?? { queued: 0, accepted: 0, refused: 0, points: 0 } };
  });
  c.header("Cache-Control", "no-store");
  return c.json(
    {
      uploads: rows.map((r) => {
        const shown = presentUpload(r);
        return {
          id: r.id,
          shopperId: r.shopperId,
          status: shown.status,
          method: shown.method,
          contentType: r.contentType,
          byteSize: r.byteSize,
          invoiceKey: r.invoiceKey,
          amount: shown.invoice?.amount ?? null,
          points: r.points,
          refusal: shown.refusal,
          attempts: r.attempts,
          createdAt: shown.createdAt,
          decidedAt: shown.decidedAt,
        };
      }),
      totals,
    },
    200,
  );
});
