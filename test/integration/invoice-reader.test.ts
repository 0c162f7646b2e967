import { readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openDatabase } from "../../src/db/client.ts";
import { invoiceUploads, pointsEntries } from "../../src/db/schema.ts";
import { type InvoiceFields, invoiceKeyOf, invoicePoints, qrPayloadOf } from "../../src/invoices/invoice-fields.ts";
import { decideUpload, holdForPrintCheck, pointsKeyOf, presentUpload, recordUpload } from "../../src/invoices/invoice-uploads.ts";
import type { InvoiceFileType } from "../../src/invoices/upload-file.ts";
import { invoiceSet } from "../../scripts/invoices/evaluate.ts";
import { FIXTURES } from "../../scripts/invoices/generate.ts";
import { invoicePdf } from "../../scripts/invoices/invoice-pdf.ts";
import { InvoiceOcr } from "../../scripts/invoices/ocr.ts";
import { readQueuedInvoices } from "../../scripts/invoices/reader.ts";
import { freshInvoice, qrInvoicePng } from "../support/invoice-image.ts";

/**
 * The Node reader against the test Postgres (issue 16): PDFs read by text layer and QR image,
 * images by their QR code checked against OCR of the print, or by OCR alone, the refusals, leases that never hand one upload to two readers, and points
 * once per invoice under concurrent decisions.
 */
let database: ReturnType<typeof openDatabase>;
const ocr = new InvoiceOcr();
beforeAll(() => {
  const vars = inject("stackVars");
  database = openDatabase({ url: vars.DATABASE_URL, localWsProxy: vars.NEON_WS_PROXY });
});
afterAll(async () => {
  await ocr.close();
  await database?.close();
});

const NOW = Date.UTC(2026, 10, 27, 8);
const shopper = () => `shopper-${crypto.randomUUID().slice(0, 8)}`;

async function upload(bytes: Uint8Array, type: InvoiceFileType, shopperId = shopper()) {
  return (await recordUpload(database.db, { shopperId, idempotencyKey: crypto.randomUUID(), bytes, type, at: NOW })).row;
}

async function row(id: string) {
  const [found] = await database.db.select().from(invoiceUploads).where(sql`${invoiceUploads.id} = ${id}`);
  return found!;
}

/**
 * Passes until every upload named is decided. Only those: other tests' uploads share this
 * database, and one read here would no longer be queued when that test looks for it.
 */
async function readUntilDecided(ids: string[]): Promise<void> {
  for (let pass = 0; pass < 20; pass++) {
    await readQueuedInvoices(database.db, ocr, { limit: 8, now: () => NOW, only: ids });
    const rows = await Promise.all(ids.map(row));
    if (rows.every((r) => r.status !== "queued")) return;
  }
}

/** An image uploaded as the Worker records it: its QR reading kept for the reader when it read one. */
async function uploadImage(bytes: Uint8Array, type: InvoiceFileType, qr: InvoiceFields | null) {
  const recorded = await upload(bytes, type);
  return qr ? holdForPrintCheck(database.db, recorded.id, qr, NOW) : recorded;
}

/** Forgets an invoice accepted by an earlier run against this database (the fixtures' invoices are fixed). */
async function forget(fields: InvoiceFields) {
  await database.db.delete(invoiceUploads).where(sql`${invoiceUploads.invoiceKey} = ${invoiceKeyOf(fields)}`);
  await database.db.delete(pointsEntries).where(sql`${pointsEntries.idempotencyKey} = ${pointsKeyOf(invoiceKeyOf(fields))}`);
}

const ledgerOf = (fields: InvoiceFields) =>
  database.db
    .select()
    .from(pointsEntries)
    .where(sql`${pointsEntries.idempotencyKey} = ${pointsKeyOf(invoiceKeyOf(fields))}`);

const fixture = (file: string) => {
  const c = invoiceSet().find((x) => x.file === file)!;
  return {
    c,
    bytes: new Uint8Array(readFileSync(`${FIXTURES}${c.file}`)),
    type: (file.endsWith(".png") ? "image/png" : "image/jpeg") as InvoiceFileType,
  };
};

function printedLines(f: ReturnType<typeof freshInvoice>, overrides: { amount?: string } = {}): string[] {
  return [
    "Electronic Ordinary VAT Invoice",
    `Invoice code: ${f.code}`,
    `Invoice No: ${f.number}`,
    `Date: ${f.date.replaceAll("-", "")}`,
    `Check code: ${f.checkCode}`,
    `Amount: ${overrides.amount ?? `${f.amount / 100}.00`}`,
  ];
}

describe("the invoice reader", () => {
  it("accepts a PDF whose text and QR agree, refuses one where they do not, and one with neither", async () => {
    const agreeing = freshInvoice();
    const clashing = freshInvoice();
    const good = await upload(invoicePdf(printedLines(agreeing), qrPayloadOf(agreeing)), "application/pdf");
    const bad = await upload(invoicePdf(printedLines(clashing, { amount: "999.00" }), qrPayloadOf(clashing)), "application/pdf");
    const blank = await upload(invoicePdf(["Thank you for shopping"]), "application/pdf");
    await readUntilDecided([good.id, bad.id, blank.id]);
    expect(await row(good.id)).toMatchObject({ status: "accepted", method: "pdf", points: 25, content: null });
    expect(await row(bad.id)).toMatchObject({ status: "refused", refusalCode: "invoice_mismatch", points: 0 });
    expect((await row(bad.id)).refusalMessage).toMatch(/amount/);
    expect(await row(blank.id)).toMatchObject({ status: "refused", refusalCode: "invoice_unreadable" });
  });

  it("OCRs an image without a readable QR code, and refuses the same invoice from another shopper as a duplicate", async () => {
    const c = invoiceSet().find((x) => x.file === "invoice-10.png")!;
    const bytes = new Uint8Array(readFileSync(`${FIXTURES}${c.file}`));
    // The fixture's invoice may have been accepted by an earlier run against this database.
    await database.db.delete(invoiceUploads).where(sql`${invoiceUploads.invoiceKey} = ${c.fields.code + c.fields.number}`);
    await database.db.delete(pointsEntries).where(sql`${pointsEntries.idempotencyKey} = ${pointsKeyOf(c.fields.code + c.fields.number)}`);
    const first = await upload(bytes, "image/png");
    await readUntilDecided([first.id]);
    expect(await row(first.id)).toMatchObject({ status: "accepted", method: "ocr", fields: c.fields });
    const again = await upload(bytes, "image/png");
    await readUntilDecided([again.id]);
    expect(await row(again.id)).toMatchObject({ status: "refused", refusalCode: "invoice_duplicate" });
  });

  it("accepts an image whose QR code the print agrees with on the QR's fields, its points once; the same invoice again is a duplicate", async () => {
    const { c, bytes, type } = fixture("invoice-13.png");
    await forget(c.fields);
    const held = await uploadImage(bytes, type, c.fields);
    expect(presentUpload(held)).toMatchObject({ status: "queued", qr: { code: c.fields.code, amount: c.fields.amount } });
    await readUntilDecided([held.id]);
    expect(await row(held.id)).toMatchObject({
      status: "accepted",
      method: "qr",
      fields: c.fields,
      points: invoicePoints(c.fields.amount),
    });
    const again = await uploadImage(bytes, type, null);
    await readUntilDecided([again.id]);
    expect(await row(again.id)).toMatchObject({ status: "refused", refusalCode: "invoice_duplicate", points: 0 });
    expect((await ledgerOf(c.fields)).map((e) => [e.amount, e.reason])).toEqual([[invoicePoints(c.fields.amount), "invoice_upload"]]);
  });

  it("refuses a tampered image as invoice_mismatch naming the fields its QR code changed, with no points", async () => {
    // invoice-25: the QR code of another, larger invoice, as the Worker read it; invoice-26: the
    // same invoice at ten times its amount, its QR code found by the reader itself.
    const pasted = fixture("invoice-25.png");
    const inflated = fixture("invoice-26.jpg");
    const a = await uploadImage(pasted.bytes, pasted.type, pasted.c.qrFields!);
    const b = await uploadImage(inflated.bytes, inflated.type, null);
    await readUntilDecided([a.id, b.id]);
    expect(await row(a.id)).toMatchObject({
      status: "refused",
      method: "qr",
      refusalCode: "invoice_mismatch",
      refusalMessage: "the QR code and the printed invoice disagree on code, number, amount, date, checkCode",
      points: 0,
      content: null,
    });
    expect(await row(b.id)).toMatchObject({
      status: "refused",
      refusalCode: "invoice_mismatch",
      refusalMessage: "the QR code and the printed invoice disagree on amount",
      fields: { refusalDetails: { fields: ["amount"] } },
    });
    for (const f of [pasted.c.qrFields!, pasted.c.fields, inflated.c.fields]) expect(await ledgerOf(f)).toEqual([]);
  });

  it("accepts on its QR code an image whose print OCR cannot read (a field not read is no disagreement)", async () => {
    const f = freshInvoice();
    const held = await uploadImage(qrInvoicePng(qrPayloadOf(f)), "image/png", f);
    await readUntilDecided([held.id]);
    expect(await row(held.id)).toMatchObject({ status: "accepted", method: "qr", points: 25, invoiceKey: invoiceKeyOf(f) });
    expect(await ledgerOf(f)).toHaveLength(1);
  });

  it("hands each queued upload to one reader: two readers side by side decide each once", async () => {
    const invoices = Array.from({ length: 6 }, () => freshInvoice());
    const rows = await Promise.all(invoices.map((f) => upload(invoicePdf(printedLines(f)), "application/pdf")));
    const only = rows.map((r) => r.id);
    await Promise.all([
      readQueuedInvoices(database.db, ocr, { limit: 6, now: () => NOW, only }),
      readQueuedInvoices(database.db, ocr, { limit: 6, now: () => NOW, only }),
    ]);
    await readUntilDecided(rows.map((r) => r.id));
    const decided = await Promise.all(rows.map((r) => row(r.id)));
    expect(decided.map((r) => [r.status, r.attempts])).toEqual(rows.map(() => ["accepted", 1]));
  });

  it("awards one invoice once when many uploads of it are decided at the same moment", async () => {
    const f = freshInvoice();
    const rows = await Promise.all(Array.from({ length: 10 }, () => upload(invoicePdf(printedLines(f)), "application/pdf")));
    const decided = await Promise.all(rows.map((r) => decideUpload(database.db, r.id, { qr: f, printed: null, printedBy: null }, NOW)));
    expect(decided.filter((r) => r.status === "accepted")).toHaveLength(1);
    expect(decided.filter((r) => r.refusalCode === "invoice_duplicate")).toHaveLength(9);
    const ledger = await database.db
      .select()
      .from(pointsEntries)
      .where(sql`${pointsEntries.idempotencyKey} = ${pointsKeyOf(f.code + f.number)}`);
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ amount: 25, reason: "invoice_upload" });
  });

  it("refuses an invoice whose code or number was misread but whose check code is one already awarded", async () => {
    const f = freshInvoice();
    const misread = { ...f, number: f.number.replace(/^./, (d) => String((Number(d) + 1) % 10)) };
    const [a, b] = await Promise.all([
      upload(invoicePdf(printedLines(f)), "application/pdf"),
      upload(invoicePdf(printedLines(misread)), "application/pdf"),
    ]);
    const decided = await Promise.all([
      decideUpload(database.db, a!.id, { qr: null, printed: f, printedBy: "ocr" }, NOW),
      decideUpload(database.db, b!.id, { qr: null, printed: misread, printedBy: "ocr" }, NOW),
    ]);
    expect(decided.map((r) => r.status).sort()).toEqual(["accepted", "refused"]);
    expect(decided.find((r) => r.status === "refused")?.refusalCode).toBe("invoice_duplicate");
  });

  it("refuses invalid invoice data: a check code too short, a date in the future", async () => {
    const short = { ...freshInvoice(), checkCode: "123456" };
    const future = freshInvoice("2026-12-25");
    const [a, b] = await Promise.all([
      upload(invoicePdf(printedLines(short)), "application/pdf"),
      upload(invoicePdf(printedLines(future)), "application/pdf"),
    ]);
    const decidedA = await decideUpload(database.db, a!.id, { qr: short, printed: null, printedBy: null }, NOW);
    const decidedB = await decideUpload(database.db, b!.id, { qr: future, printed: null, printedBy: null }, NOW);
    expect([decidedA.refusalCode, decidedB.refusalCode]).toEqual(["invoice_invalid", "invoice_invalid"]);
    expect(decidedB.refusalMessage).toMatch(/future/);
  });
});
