/**
 * `npm run eval:invoices`: the generated invoice set (test/fixtures/invoices/, made by
 * generate.ts) read both ways — by its QR code, and by OCR alone — each image's fields
 * compared with its ground truth, and the reader's verdict from both (`verdictOf`, as an
 * upload of the image gets it). Prints the table the README's figures come from;
 * test/integration/invoice-recognition.test.ts holds the thresholds (every readable QR right,
 * OCR alone ≥ 90 %, every honest QR image accepted on its fields, every tampered one refused
 * as a mismatch naming the fields its QR changed).
 */
import { readFileSync } from "node:fs";
import { COMPARED_FIELDS, type InvoiceFields, parsePrintedText } from "../../src/invoices/invoice-fields.ts";
import { verdictOf } from "../../src/invoices/invoice-uploads.ts";
import { decodeImage } from "../../src/invoices/read-qr.ts";
import { FIXTURES, type InvoiceCase } from "./generate.ts";
import { InvoiceOcr } from "./ocr.ts";
import { qrFieldsOf } from "./read-upload.ts";

/** One image's result. */
export interface InvoiceMeasurement {
  case: InvoiceCase;
  /** The QR decoded to an invoice payload. */
  qrRead: boolean;
  /** …and its fields are what the QR code holds (a tampered image's too). */
  qrRight: boolean;
  /** OCR alone found every field, each equal to the truth. */
  ocrRight: boolean;
  /** Fields OCR got wrong or missed. */
  ocrWrong: string[];
  ocrMs: number;
  /** The reader's verdict from the QR and OCR readings: accepted, or the refusal's code. */
  verdict: string;
  /** The fields a mismatch named. */
  mismatched: string[];
  /** An honest image accepted on its true fields; a tampered one refused as a mismatch naming exactly the fields its QR changed. */
  decidedRight: boolean;
}

/** The day the verdicts are given on: after every date in the set, so none is in the future. */
const MEASURED_ON = "2026-01-01";

/** The fields a tampered image's QR code changed from its print. */
export function tamperedFields(c: InvoiceCase): string[] {
  return c.qrFields ? COMPARED_FIELDS.filter((name) => c.qrFields![name] !== c.fields[name]) : [];
}

/** The truth file's cases. */
export function invoiceSet(): InvoiceCase[] {
  return JSON.parse(readFileSync(`${FIXTURES}truth.json`, "utf8")) as InvoiceCase[];
}

/** Fields that differ from the truth (missing counts as wrong; the check code only where the invoice has one). */
export function wrongFields(read: Partial<InvoiceFields> | null, truth: InvoiceFields): string[] {
  return COMPARED_FIELDS.filter((name) => (name === "checkCode" && truth.checkCode === "" ? false : read?.[name] !== truth[name]));
}

/** Reads every image of the set by QR and by OCR alone. */
export async function measureInvoiceSet(): Promise<InvoiceMeasurement[]> {
  const ocr = new InvoiceOcr();
  try {
    const results: InvoiceMeasurement[] = [];
    for (const c of invoiceSet()) {
      const bytes = new Uint8Array(readFileSync(`${FIXTURES}${c.file}`));
      const image = decodeImage(bytes, c.file.endsWith(".png") ? "image/png" : "image/jpeg");
      const qr = image ? qrFieldsOf(image) : null;
      const started = performance.now();
      const printed = parsePrintedText(await ocr.text(bytes));
      const ocrMs = Math.round(performance.now() - started);
      const ocrWrong = wrongFields(printed, c.fields);
      const qrTruth = c.qrFields ?? c.fields;
      const verdict = verdictOf({ qr, printed, printedBy: "ocr" }, MEASURED_ON);
      const mismatched = "code" in verdict ? (((verdict.details?.fields as string[] | undefined) ?? []) as string[]) : [];
      results.push({
        case: c,
        qrRead: qr !== null,
        qrRight: qr !== null && wrongFields(qr, qrTruth).length === 0 && qr.type === qrTruth.type,
        ocrRight: ocrWrong.length === 0,
        ocrWrong,
        ocrMs,
        verdict: "code" in verdict ? verdict.code : "accepted",
        mismatched,
        decidedRight: c.qrFields
          ? "code" in verdict && verdict.code === "invoice_mismatch" && mismatched.join() === tamperedFields(c).join()
          : "fields" in verdict && wrongFields(verdict.fields, c.fields).length === 0,
      });
    }
    return results;
  } finally {
    await ocr.close();
  }
}

/** The summary: QR read / right, OCR right, verdicts, as counts and shares. */
export function summarise(results: InvoiceMeasurement[]) {
  const withQr = results.filter((r) => r.case.qr === "intact");
  const tampered = results.filter((r) => r.case.qr === "tampered");
  const honestQr = results.filter((r) => r.qrRead && r.case.qr !== "tampered");
  return {
    images: results.length,
    qrIntact: withQr.length,
    tampered: tampered.length,
    tamperedRefused: tampered.filter((r) => r.decidedRight).length,
    honestQr: honestQr.length,
    honestQrAccepted: honestQr.filter((r) => r.decidedRight).length,
    falseMismatches: results.filter((r) => r.case.qr !== "tampered" && r.verdict === "invoice_mismatch").length,
    decidedRight: results.filter((r) => r.decidedRight).length,
    qrRead: results.filter((r) => r.qrRead).length,
    qrRight: results.filter((r) => r.qrRight).length,
    ocrRight: results.filter((r) => r.ocrRight).length,
    ocrShare: results.filter((r) => r.ocrRight).length / results.length,
    ocrMsMedian: [...results.map((r) => r.ocrMs)].sort((a, b) => a - b)[Math.floor(results.length / 2)] ?? 0,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = performance.now();
  const results = await measureInvoiceSet();
  console.log("| image | layout | QR | rotation | blur | noise | QR read | QR right | OCR right | OCR ms | verdict |");
  console.log("| --- | --- | --- | ---: | ---: | ---: | --- | --- | --- | ---: | --- |");
  for (const r of results) {
    const c = r.case;
    const ocr = r.ocrRight ? "yes" : `no (${r.ocrWrong.join(", ")})`;
    const verdict = `${r.verdict}${r.mismatched.length > 0 ? ` (${r.mismatched.join(", ")})` : ""}${r.decidedRight ? "" : " ✗"}`;
    console.log(
      `| ${c.file} | ${c.layout} | ${c.qr} | ${c.rotation}° | ${c.blur} | ${c.noise} | ${r.qrRead ? "yes" : "no"} | ${r.qrRight ? "yes" : "no"} | ${ocr} | ${r.ocrMs} | ${verdict} |`,
    );
  }
  const s = summarise(results);
  console.log(
    `\n${s.images} images: QR read on ${s.qrRead} (${s.qrIntact} carry an intact QR, ${s.tampered} a tampered one), right on ${s.qrRight}; OCR alone right on ${s.ocrRight} (${(s.ocrShare * 100).toFixed(1)} %), median ${s.ocrMsMedian} ms an image; ${((performance.now() - started) / 1000).toFixed(1)} s in all`,
  );
  console.log(
    `verdicts (QR checked against OCR): ${s.honestQrAccepted} of ${s.honestQr} honest QR images accepted on their fields, ${s.tamperedRefused} of ${s.tampered} tampered refused invoice_mismatch naming the fields changed, ${s.falseMismatches} honest image refused as a mismatch; ${s.decidedRight} of ${s.images} decided right (✗: accepted on fields OCR misread)`,
  );
}
