/**
 * `npm run eval:invoices`: the generated invoice set (test/fixtures/invoices/, made by
 * generate.ts) read both ways — by its QR code, and by OCR alone — each image's fields
 * compared with its ground truth. Prints the table the README's figures come from;
 * test/integration/invoice-recognition.test.ts holds the thresholds (every readable QR right,
 * OCR alone ≥ 90 %).
 */
import { readFileSync } from "node:fs";
import { COMPARED_FIELDS, type InvoiceFields, parsePrintedText } from "../../src/invoices/invoice-fields.ts";
import { decodeImage } from "../../src/invoices/read-qr.ts";
import { FIXTURES, type InvoiceCase } from "./generate.ts";
import { InvoiceOcr } from "./ocr.ts";
import { qrFieldsOf } from "./read-upload.ts";

/** One image's result. */
export interface InvoiceMeasurement {
  case: InvoiceCase;
  /** The QR decoded to an invoice payload. */
  qrRead: boolean;
  /** …and its fields are the truth. */
  qrRight: boolean;
  /** OCR alone found every field, each equal to the truth. */
  ocrRight: boolean;
  /** Fields OCR got wrong or missed. */
  ocrWrong: string[];
  ocrMs: number;
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
      const ocrWrong = wrongFields(printed, c.fields);
      results.push({
        case: c,
        qrRead: qr !== null,
        qrRight: qr !== null && wrongFields(qr, c.fields).length === 0 && qr.type === c.fields.type,
        ocrRight: ocrWrong.length === 0,
        ocrWrong,
        ocrMs: Math.round(performance.now() - started),
      });
    }
    return results;
  } finally {
    await ocr.close();
  }
}

/** The summary: QR read / right, OCR right, as counts and shares. */
export function summarise(results: InvoiceMeasurement[]) {
  const withQr = results.filter((r) => r.case.qr === "intact");
  return {
    images: results.length,
    qrIntact: withQr.length,
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
  console.log("| image | layout | QR | rotation | blur | noise | QR read | QR right | OCR right | OCR ms |");
  console.log("| --- | --- | --- | ---: | ---: | ---: | --- | --- | --- | ---: |");
  for (const r of results) {
    const c = r.case;
    const ocr = r.ocrRight ? "yes" : `no (${r.ocrWrong.join(", ")})`;
    console.log(
      `| ${c.file} | ${c.layout} | ${c.qr} | ${c.rotation}° | ${c.blur} | ${c.noise} | ${r.qrRead ? "yes" : "no"} | ${r.qrRight ? "yes" : "no"} | ${ocr} | ${r.ocrMs} |`,
    );
  }
  const s = summarise(results);
  console.log(
    `\n${s.images} images: QR read on ${s.qrRead} (${s.qrIntact} carry an intact QR), right on ${s.qrRight}; OCR alone right on ${s.ocrRight} (${(s.ocrShare * 100).toFixed(1)} %), median ${s.ocrMsMedian} ms an image; ${((performance.now() - started) / 1000).toFixed(1)} s in all`,
  );
}
