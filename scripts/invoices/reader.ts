/**
 * The invoice reader (issue 16): a Node process that reads and decides the queued uploads —
 * PDFs (text layer and QR image) and images (their QR code, as the Worker kept it or searched
 * again, and OCR of the print with tesseract.js and its packaged English model, checked
 * against each other). It leases `queued`
 * rows `for update skip locked` (claimed_at; a lease that runs out, from a reader that died,
 * is taken again), so any number of readers can run side by side.
 *
 * `npm start` runs one in-process; in production it runs as its own service (a container:
 * `DATABASE_URL=… npm run invoices:reader`), next to Postgres, since OCR needs Node, a
 * WebAssembly engine and ~50 MB of model that a Worker cannot hold.
 */
import type { Database, DatabaseSettings } from "../../src/db/client.ts";
import { bytesOf, decideUpload, heldQrOf, leaseQueued, MAX_READ_ATTEMPTS } from "../../src/invoices/invoice-uploads.ts";
import type { InvoiceFileType } from "../../src/invoices/upload-file.ts";
import { redactSecrets } from "../../src/redact.ts";
import { type QueueJob, runQueueJobAsMain, startQueuePasses } from "../cli/queue-passes.ts";
import { InvoiceOcr } from "./ocr.ts";
import { readUpload } from "./read-upload.ts";

const FILE_TYPES: readonly InvoiceFileType[] = ["image/png", "image/jpeg", "application/pdf"];

/**
 * One pass: leases up to `limit` queued uploads, reads and decides each. An upload that fails
 * to be read is left to be leased again; after MAX_READ_ATTEMPTS it is decided on the QR code the
 * Worker kept (a print OCR cannot read is no disagreement), or refused as unreadable without one.
 * Returns how many were decided.
 */
export async function readQueuedInvoices(
  db: Database,
  ocr: InvoiceOcr,
  options: { limit?: number; now?: () => number; only?: readonly string[] } = {},
): Promise<number> {
  const now = options.now ?? Date.now;
  let decided = 0;
  for (const upload of await leaseQueued(db, options.limit ?? 4, now(), undefined, options.only)) {
    const type = FILE_TYPES.find((t) => t === upload.contentType);
    try {
      if (!type || !upload.content) throw new Error(`upload ${upload.id} has no readable file`);
      await decideUpload(db, upload.id, await readUpload(bytesOf(upload.content), type, ocr, heldQrOf(upload)), now());
      decided += 1;
    } catch (error) {
      console.error(`invoice ${upload.id} not read (attempt ${upload.attempts}): ${redactSecrets((error as Error).message)}`);
      if (upload.attempts >= MAX_READ_ATTEMPTS) {
        const qr = heldQrOf(upload);
        await decideUpload(
          db,
          upload.id,
          { qr, printed: null, printedBy: null },
          now(),
          qr ? "qr" : type === "application/pdf" ? "pdf" : "ocr",
        );
        decided += 1;
      }
    }
  }
  return decided;
}

/** Runs passes every `intervalMs` (at once again while a pass found work) until stopped. */
export function startInvoiceReader(settings: DatabaseSettings, intervalMs = 2000): QueueJob {
  const ocr = new InvoiceOcr();
  return startQueuePasses(settings, "invoice reader", (db) => readQueuedInvoices(db, ocr), { intervalMs, close: () => ocr.close() });
}

runQueueJobAsMain(import.meta.url, startInvoiceReader, {
  needs: "the reader reads queued invoice uploads from Postgres.",
  running: "invoice reader: reading queued uploads",
});
