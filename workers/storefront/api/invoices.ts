import { z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { databaseSettings } from "../../../src/config.ts";
import { withDatabase } from "../../../src/db/client.ts";
import { invoiceUploads } from "../../../src/db/schema.ts";
import { AppError } from "../../../src/errors.ts";
import { parseQrPayload } from "../../../src/invoices/invoice-fields.ts";
import {
  holdForPrintCheck,
  type InvoiceUploadRow,
  presentUpload,
  recordUpload,
  refusalCodeOf,
} from "../../../src/invoices/invoice-uploads.ts";
import { decodeImage, imageSize, MAX_PIXELS, type Rgba, readQrText } from "../../../src/invoices/read-qr.ts";
import { MAX_INVOICE_BYTES, sniffInvoiceFile } from "../../../src/invoices/upload-file.ts";
import { desc, eq } from "drizzle-orm";
import type { AppEnv } from "../app-env.ts";
import { withContract } from "../contract/middleware-contract.ts";
import { contractApp, contractRoute } from "../contract/route.ts";
import { addressLimit, sessionLimit, shopperLimit } from "./rate-limit.ts";
import { readJson } from "./request-body.ts";
import { session } from "./session.ts";
import { idempotencyKeyHeader, requireJsonContentType, requireSameOrigin } from "./validation.ts";

/** The file as base64 in JSON, with room for the envelope: 1 MiB of file is ~1.34 MiB of base64. */
const INVOICE_BODY_LIMIT = Math.ceil((MAX_INVOICE_BYTES * 4) / 3) + 4096;

/**
 * shopperWrite's checks (same origin, JSON, a counted body) with room for one invoice file:
 * the file travels as base64 in JSON, so the API keeps one Content-Type for every write and
 * no HTML form of another site can post one.
 */
const invoiceWrite = withContract(
  createMiddleware<AppEnv>(async (c, next) => {
    requireSameOrigin(c);
    requireJsonContentType(c);
    await readJson(c, INVOICE_BODY_LIMIT);
    await next();
  }),
  {
    errors: ["invalid_request", "forbidden_origin", "payload_too_large", "unsupported_media_type"],
    readsJsonBody: true,
    note: "Send `Content-Type: application/json`; a browser's `Origin` must be this server's own (else 403); a body over ~1.34 MiB (a 1 MiB file as base64) is 413.",
  },
);

const uploadSchema = z
  .object({
    id: z.string(),
    status: z
      .enum(["queued", "accepted", "refused"])
      .describe("queued: waiting for the reader (OCR of an image's print, a PDF's text); then accepted or refused"),
    method: z.enum(["qr", "pdf", "ocr"]).nullable().describe("how it was read: its QR code, a PDF's text layer, or OCR of the print"),
    contentType: z.string().describe("the type its bytes are (sniffed, not as sent)"),
    byteSize: z.number().int(),
    invoice: z
      .object({
        type: z.string(),
        code: z.string(),
        number: z.string(),
        amount: z.number().int().describe("fen, before tax"),
        date: z.string(),
      })
      .nullable()
      .describe("the invoice read, once accepted"),
    qr: z
      .object({
        type: z.string(),
        code: z.string(),
        number: z.string(),
        amount: z.number().int().describe("fen, before tax"),
        date: z.string(),
      })
      .nullable()
      .describe("while queued: what the image's QR code says, read in the Worker, while the reader checks the print against it"),
    points: z.number().int().describe("points it earned (0 unless accepted)"),
    refusal: z
      .object({ code: z.string(), message: z.string() })
      .nullable()
      .describe("why it was refused, as the error it answered: invoice_duplicate, invoice_invalid, invoice_mismatch, invoice_unreadable"),
    createdAt: z.number().int(),
    decidedAt: z.number().int().nullable(),
  })
  .openapi("InvoiceUpload");

const uploadBody = z
  .object({
    file: z.string().min(1).max(INVOICE_BODY_LIMIT).describe("the file, base64: a PNG or JPEG photo, or a PDF, at most 1 MiB"),
  })
  .strict()
  .openapi("InvoiceUploadRequest");

const upload = contractRoute({
  method: "post",
  path: "/invoices",
  tags: ["invoices"],
  summary: "Upload an invoice (fapiao) from another purchase to earn points",
  description:
    "The file's type is told by its bytes. Every upload is queued (202) for the reader, which reads a PDF's text layer and QR image, or an image's QR code and OCRs its print, refuses a QR code and print that disagree, and decides; `GET /api/invoices` shows its status. An image whose QR code reads here answers 202 with `upload.qr`, what the QR says, or at once the refusal no print could change (invalid data, an invoice already awarded). Points once per invoice (code + number), whoever uploads it. Retrying with the same Idempotency-Key answers the same upload.",
  middleware: [invoiceWrite, addressLimit, session, shopperLimit],
  request: { headers: idempotencyKeyHeader, body: { required: true, content: { "application/json": { schema: uploadBody } } } },
  responses: {
    201: {
      description: "accepted (a replay of an upload the reader accepted)",
      content: { "application/json": { schema: z.object({ upload: uploadSchema, replayed: z.boolean() }) } },
    },
    202: {
      description: "queued for the reader (with `upload.qr` when the QR code read here)",
      content: { "application/json": { schema: z.object({ upload: uploadSchema, replayed: z.boolean() }) } },
    },
  },
  errors: [
    "invoice_unsupported",
    "invoice_damaged",
    "invoice_duplicate",
    "invoice_invalid",
    "invoice_mismatch",
    "invoice_unreadable",
    "idempotency_conflict",
    "dependency_unavailable",
  ],
});

const list = contractRoute({
  method: "get",
  path: "/invoices",
  tags: ["invoices"],
  summary: "The shopper's invoice uploads, newest first, with status, refusal and points",
  middleware: [sessionLimit, session],
  responses: {
    200: {
      description: "the last 50 uploads",
      content: { "application/json": { schema: z.object({ uploads: z.array(uploadSchema) }).openapi("InvoiceUploads") } },
    },
  },
});

/** Invoice uploads for points (issue 16, README "E-invoices and invoice recognition"). */
export const invoices = contractApp()
  .openapi(upload, async (c) => {
    const bytes = fileBytes(c.req.valid("json").file);
    if (bytes.length > MAX_INVOICE_BYTES) {
      throw new AppError("payload_too_large", `an invoice file is at most ${MAX_INVOICE_BYTES} bytes`, { limit: MAX_INVOICE_BYTES });
    }
    const sniffed = sniffInvoiceFile(bytes);
    if (!sniffed.ok) throw new AppError(sniffed.code === "unsupported_file" ? "invoice_unsupported" : "invoice_damaged", sniffed.message);
    // An image is decoded before anything is stored: one that does not decode is damaged. One
    // larger than the Worker decodes (MAX_PIXELS) goes to the reader as it is.
    const image = sniffed.type === "application/pdf" ? null : decodeWithin(bytes, sniffed.type);
    if (image === "damaged") throw new AppError("invoice_damaged", "the image does not decode");
    const shopperId = c.get("shopperId");
    const at = Date.now();
    const { row, replayed } = await withDatabase(databaseSettings(c.env), async (db) => {
      const recorded = await recordUpload(db, {
        shopperId,
        idempotencyKey: c.req.valid("header")["Idempotency-Key"],
        bytes,
        type: sniffed.type,
        at,
      });
      if (recorded.replayed || image === null || image === "too large") return recorded;
      // The QR code first, here: most e-invoices carry one, and the shopper sees at once what it
      // says, or hears at once a refusal no print could change. It is not accepted on the QR
      // alone: the reader checks the print against it (a QR pasted from another invoice).
      const qr = parseQrPayload(readQrText(image, WORKER_QR_BUDGET_MS) ?? "");
      if (!qr) return recorded;
      return { row: await holdForPrintCheck(db, recorded.row.id, qr, at), replayed: false };
    });
    if (row.status === "refused") throw refusalOf(row);
    const body = { upload: presentUpload(row), replayed };
    return row.status === "accepted" ? c.json(body, 201) : c.json(body, 202);
  })
  .openapi(list, async (c) => {
    const rows = await withDatabase(databaseSettings(c.env), (db) =>
      db
        .select()
        .from(invoiceUploads)
        .where(eq(invoiceUploads.shopperId, c.get("shopperId")))
        .orderBy(desc(invoiceUploads.createdAt))
        .limit(50),
    );
    return c.json({ uploads: rows.map(presentUpload) }, 200);
  });

/** The image's pixels; "too large" to decode here (the reader reads it); "damaged" when its header or body does not decode. */
function decodeWithin(bytes: Uint8Array, type: "image/png" | "image/jpeg"): Rgba | "too large" | "damaged" {
  const size = imageSize(bytes, type);
  if (!size || size.width === 0 || size.height === 0) return "damaged";
  if (size.width * size.height > MAX_PIXELS) return "too large";
  return decodeImage(bytes, type) ?? "damaged";
}

/** The QR search's budget in the Worker: past it the upload goes to the reader, which has more time. */
const WORKER_QR_BUDGET_MS = 150;

/** A refused upload answers as its refusal, in the one error shape, naming the upload. */
function refusalOf(row: InvoiceUploadRow): AppError {
  return new AppError(refusalCodeOf(row), row.refusalMessage ?? "refused", { uploadId: row.id });
}

/** The file's bytes from base64 (standard or URL-safe, a `data:` prefix allowed); 400 when it is not base64. */
function fileBytes(text: string): Uint8Array {
  const base64 = text
    .replace(/^data:[^,]*,/, "")
    .replace(/\s/g, "")
    .replace(/-/g, "+")
    .replace(/_/g, "/");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) throw new AppError("invalid_request", "file must be base64");
  try {
    return Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
  } catch {
    throw new AppError("invalid_request", "file must be base64");
  }
}
