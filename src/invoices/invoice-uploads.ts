import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { toHex } from "../encoding.ts";
import { invoiceUploads } from "../db/schema.ts";
import { AppError } from "../errors.ts";
import { appendPoints } from "../membership/points-ledger.ts";
import { checkFields, disagreements, fieldsFromPrint, type InvoiceFields, invoiceKeyOf, invoicePoints } from "./invoice-fields.ts";
import type { InvoiceFileType } from "./upload-file.ts";

/**
 * The life of an uploaded invoice in Postgres (issue 16): recorded `queued` once per
 * Idempotency-Key, then decided once — `accepted` with its points, or `refused` with the
 * reason — by the Node reader, which has the print (a PDF's text, OCR of an image) to check the
 * QR code against; the Worker only refuses at once what no print could save. Points once per invoice: the decision takes a transaction lock on the invoice key,
 * and the partial unique index on accepted keys stands behind it.
 */
export type InvoiceUploadRow = typeof invoiceUploads.$inferSelect;
type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

/** How an upload was read. */
const READ_METHODS = ["qr", "pdf", "ocr"] as const;
export type ReadMethod = (typeof READ_METHODS)[number];

/** Refusal codes a decision may give (each an error code, src/error-codes.ts). */
const REFUSAL_CODES = ["invoice_duplicate", "invoice_invalid", "invoice_mismatch", "invoice_unreadable"] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

/** A refused upload's code as an error code (a stored code this version does not know reads as unreadable). */
export function refusalCodeOf(row: Pick<InvoiceUploadRow, "refusalCode">): RefusalCode {
  return REFUSAL_CODES.find((code) => code === row.refusalCode) ?? "invoice_unreadable";
}

/**
 * What reading an upload found: the QR code's fields and/or the printed fields (PDF text or
 * OCR). Null where that reading found nothing.
 */
export interface InvoiceReading {
  qr: InvoiceFields | null;
  printed: Partial<InvoiceFields> | null;
  /** How the printed fields were read, when they were. */
  printedBy: "pdf" | "ocr" | null;
}

/** Points are awarded as this ledger key: once per invoice, whoever uploads it. */
export function pointsKeyOf(invoiceKey: string): string {
  return `invoice:${invoiceKey}`;
}

/**
 * Records an upload as `queued`, once per (shopper, Idempotency-Key): a retry with the same
 * key answers the upload already recorded; the same key with another file is 422.
 */
export async function recordUpload(
  db: Database,
  upload: { shopperId: string; idempotencyKey: string; bytes: Uint8Array; type: InvoiceFileType; at: number },
): Promise<{ row: InvoiceUploadRow; replayed: boolean }> {
  const sha256 = await sha256Hex(upload.bytes);
  const inserted = await db
    .insert(invoiceUploads)
    .values({
      id: `inv_${crypto.randomUUID().replaceAll("-", "")}`,
      shopperId: upload.shopperId,
      status: "queued",
      contentType: upload.type,
      byteSize: upload.bytes.length,
      sha256,
      content: base64Of(upload.bytes),
      idempotencyKey: upload.idempotencyKey,
      createdAt: new Date(upload.at),
    })
    .onConflictDoNothing({ target: [invoiceUploads.shopperId, invoiceUploads.idempotencyKey] })
    .returning();
  if (inserted[0]) return { row: inserted[0], replayed: false };
  const [kept] = await db
    .select()
    .from(invoiceUploads)
    .where(sql`${invoiceUploads.shopperId} = ${upload.shopperId} and ${invoiceUploads.idempotencyKey} = ${upload.idempotencyKey}`);
  if (!kept) throw new AppError("internal", "an upload's key was taken and then not found");
  if (kept.sha256 !== sha256) {
    throw new AppError("idempotency_conflict", "the Idempotency-Key was already used for another file", { uploadId: kept.id });
  }
  return { row: kept, replayed: true };
}

/** The verdict a reading gives before the ledger is consulted: the fields to award on, or a refusal. */
export function verdictOf(
  reading: InvoiceReading,
  today: string,
): { fields: InvoiceFields; method: ReadMethod } | { code: RefusalCode; message: string; details?: Record<string, unknown> } {
  const printed = reading.printed;
  if (reading.qr && printed) {
    const differ = disagreements(reading.qr, printed, { ocr: reading.printedBy === "ocr" });
    if (differ.length > 0) {
      return {
        code: "invoice_mismatch",
        message: `the QR code and the printed invoice disagree on ${differ.join(", ")}`,
        details: { fields: differ },
      };
    }
  }
  const fields = reading.qr ?? fieldsFromPrint(printed);
  if (!fields) return { code: "invoice_unreadable", message: "neither a QR code nor the printed fields could be read" };
  const invalid = checkFields(fields, today);
  if (invalid) return { code: "invoice_invalid", message: invalid };
  return { fields, method: reading.printedBy === "pdf" ? "pdf" : reading.qr ? "qr" : "ocr" };
}

/**
 * Decides a queued upload from what reading it found, in one transaction: refused with the
 * reason, or accepted with its points through the ledger (`invoice_upload`, key
 * `invoice:<invoiceKey>`). Uploads of one invoice decided at once queue on a transaction lock
 * of its key: the first is accepted, the rest refused as duplicates. An upload already
 * decided is answered as it stands.
 */
export function decideUpload(
  db: Database,
  uploadId: string,
  reading: InvoiceReading,
  at: number,
  methodHint?: ReadMethod,
): Promise<InvoiceUploadRow> {
  return settle(db, uploadId, reading, at, methodHint, "award");
}

/**
 * The Worker's step for an image whose QR code it read: refused at once when no print could
 * save it (the QR's data is invalid, or the invoice already earned points), else left queued
 * with the QR's fields kept (`fields.qr`) for the reader, which OCRs the print and decides —
 * an image is never accepted on its QR code alone, so a QR pasted from another invoice is
 * caught as a mismatch.
 */
export function holdForPrintCheck(db: Database, uploadId: string, qr: InvoiceFields, at: number): Promise<InvoiceUploadRow> {
  return settle(db, uploadId, { qr, printed: null, printedBy: null }, at, "qr", "hold");
}

/** The QR reading the Worker kept on a queued upload (`fields.qr`), or null. */
export function heldQrOf(row: Pick<InvoiceUploadRow, "fields">): InvoiceFields | null {
  const qr = (row.fields as { qr?: Partial<InvoiceFields> } | null)?.qr;
  if (!qr || typeof qr !== "object") return null;
  const { type, code, number, amount, date, checkCode } = qr;
  return typeof type === "string" &&
    typeof code === "string" &&
    typeof number === "string" &&
    typeof amount === "number" &&
    typeof date === "string" &&
    typeof checkCode === "string"
    ? { type, code, number, amount, date, checkCode }
    : null;
}

/** A decision (`award`: accepted or refused) or the Worker's screening (`hold`: refused, or kept queued with its QR reading). */
async function settle(
  db: Database,
  uploadId: string,
  reading: InvoiceReading,
  at: number,
  methodHint: ReadMethod | undefined,
  mode: "award" | "hold",
): Promise<InvoiceUploadRow> {
  const today = new Date(at + CHINA_OFFSET_MS).toISOString().slice(0, 10);
  return db.transaction(async (tx) => {
    const locked = await tx.select().from(invoiceUploads).where(sql`${invoiceUploads.id} = ${uploadId}`).for("update");
    const upload = locked[0];
    if (!upload) throw new AppError("not_found", `no invoice upload ${uploadId}`);
    if (upload.status !== "queued") return upload;
    const verdict = verdictOf(reading, today);
    const fieldsRead = { qr: reading.qr, printed: reading.printed } as Record<string, unknown>;
    if ("code" in verdict) {
      return refuse(tx, upload, verdict, methodHint ?? (reading.qr ? "qr" : reading.printedBy), fieldsRead, null, at);
    }
    const invoiceKey = invoiceKeyOf(verdict.fields);
    const checkCode = verdict.fields.checkCode;
    // The key's lock, then the check code's (always in this order, so two decisions never wait on each other).
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`invoice:${invoiceKey}`}, 0))`);
    if (checkCode) await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`invoice-check:${checkCode}`}, 0))`);
    // Taken: the same code and number, or the same 20-digit check code under another key (a
    // digit of the code or number misread by OCR must not let one invoice earn twice).
    const [taken] = await tx
      .select({ id: invoiceUploads.id })
      .from(invoiceUploads)
      .where(
        sql`${invoiceUploads.status} = 'accepted' and (${invoiceUploads.invoiceKey} = ${invoiceKey}${
          checkCode ? sql` or ${invoiceUploads.fields}->>'checkCode' = ${checkCode}` : sql``
        })`,
      );
    if (taken) {
      return refuse(
        tx,
        upload,
        {
          code: "invoice_duplicate",
          message: `invoice ${verdict.fields.code} ${verdict.fields.number} already earned points`,
          details: { invoiceKey },
        },
        verdict.method,
        fieldsRead,
        invoiceKey,
        at,
      );
    }
    if (mode === "hold") {
      const [held] = await tx
        .update(invoiceUploads)
        .set({ fields: { qr: verdict.fields } })
        .where(sql`${invoiceUploads.id} = ${upload.id}`)
        .returning();
      return held!;
    }
    const points = invoicePoints(verdict.fields.amount);
    if (points > 0) {
      await appendPoints(tx, {
        shopperId: upload.shopperId,
        amount: points,
        reason: "invoice_upload",
        idempotencyKey: pointsKeyOf(invoiceKey),
        details: { uploadId: upload.id, invoiceKey, amount: verdict.fields.amount },
        at,
      });
    }
    const [accepted] = await tx
      .update(invoiceUploads)
      .set({
        status: "accepted",
        method: verdict.method,
        fields: { ...verdict.fields },
        invoiceKey,
        points,
        content: null,
        decidedAt: new Date(at),
      })
      .where(sql`${invoiceUploads.id} = ${upload.id}`)
      .returning();
    return accepted!;
  });
}

/** China Standard Time (UTC+8): an invoice dated today in Beijing is not in the future. */
const CHINA_OFFSET_MS = 8 * 3600_000;

async function refuse(
  tx: Transaction,
  upload: InvoiceUploadRow,
  refusal: { code: RefusalCode; message: string; details?: Record<string, unknown> },
  method: ReadMethod | null,
  fields: Record<string, unknown>,
  invoiceKey: string | null,
  at: number,
): Promise<InvoiceUploadRow> {
  const [refused] = await tx
    .update(invoiceUploads)
    .set({
      status: "refused",
      method,
      fields: { ...fields, ...(refusal.details ? { refusalDetails: refusal.details } : {}) },
      // The key of a refused upload is kept for the console; the unique index covers accepted rows only.
      invoiceKey,
      refusalCode: refusal.code,
      refusalMessage: refusal.message,
      content: null,
      decidedAt: new Date(at),
    })
    .where(sql`${invoiceUploads.id} = ${upload.id}`)
    .returning();
  return refused!;
}

/**
 * Leases up to `limit` queued uploads for a reader: rows nobody holds, or whose lease ran out
 * (a reader that died), `for update skip locked` so readers side by side never take one row
 * twice. Each lease counts an attempt.
 */
export async function leaseQueued(
  db: Database,
  limit: number,
  at: number,
  leaseMs = 5 * 60_000,
  only?: readonly string[],
): Promise<InvoiceUploadRow[]> {
  // `only`: these uploads and no others (a pass for some uploads; tests sharing one Postgres).
  const scope = only ? sql`and id in (select jsonb_array_elements_text(${JSON.stringify(only)}::jsonb))` : sql``;
  const result = await db.execute<{ id: string }>(sql`
    update ${invoiceUploads} set claimed_at = ${new Date(at).toISOString()}, attempts = attempts + 1
    where id in (
      select id from ${invoiceUploads}
      where status = 'queued' and (claimed_at is null or claimed_at < ${new Date(at - leaseMs).toISOString()}) ${scope}
      order by created_at
      limit ${limit}
      for update skip locked)
    returning id`);
  const ids = result.rows.map((row) => row.id);
  if (ids.length === 0) return [];
  return db
    .select()
    .from(invoiceUploads)
    .where(
      sql`${invoiceUploads.id} in (${sql.join(
        ids.map((id) => sql`${id}`),
        sql`, `,
      )})`,
    );
}

/** Attempts after which an upload that keeps failing to be read is refused as unreadable. */
export const MAX_READ_ATTEMPTS = 3;

/** The upload as the shopper and the console see it (never the file). */
export function presentUpload(row: InvoiceUploadRow) {
  const fields = (row.fields ?? {}) as Partial<InvoiceFields> & Record<string, unknown>;
  return {
    id: row.id,
    status: row.status,
    method: READ_METHODS.find((method) => method === row.method) ?? null,
    contentType: row.contentType,
    byteSize: row.byteSize,
    invoice:
      row.status === "accepted"
        ? {
            type: fields.type ?? "",
            code: fields.code ?? "",
            number: fields.number ?? "",
            amount: fields.amount ?? 0,
            date: fields.date ?? "",
          }
        : null,
    qr: row.status === "queued" ? presentedQr(heldQrOf(row)) : null,
    points: row.points,
    refusal: row.refusalCode ? { code: row.refusalCode, message: row.refusalMessage ?? "" } : null,
    createdAt: row.createdAt.getTime(),
    decidedAt: row.decidedAt?.getTime() ?? null,
  };
}

/** What the page shows of a QR reading while the print is checked. */
function presentedQr(qr: InvoiceFields | null) {
  return qr ? { type: qr.type, code: qr.code, number: qr.number, amount: qr.amount, date: qr.date } : null;
}

/** The base64 of bytes (the file as stored until it is read). */
export function base64Of(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Bytes from base64. */
export function bytesOf(base64: string): Uint8Array {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array(bytes))));
}
