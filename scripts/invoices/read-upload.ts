/**
 * Reading an uploaded invoice Node-side (issue 16): the reader's whole pipeline, also what the
 * measurement runs. An image: its QR code (as the Worker read it, else the same decoder with
 * more time) and OCR of the print, both. A PDF: its text layer (pdfjs-dist) and the QR code
 * among its images, both. So either kind whose QR and print disagree is refused as a mismatch
 * (`verdictOf`, one comparison for both).
 */
import { getDocument, OPS } from "pdfjs-dist/legacy/build/pdf.mjs";
import { type InvoiceFields, parsePrintedText, parseQrPayload } from "../../src/invoices/invoice-fields.ts";
import type { InvoiceReading } from "../../src/invoices/invoice-uploads.ts";
import { decodeImage, type Rgba, readQrText } from "../../src/invoices/read-qr.ts";
import type { InvoiceFileType } from "../../src/invoices/upload-file.ts";
import type { InvoiceOcr } from "./ocr.ts";

/** The reader's QR budget: it is not answering a shopper's request, so it may search longer than the Worker. */
const READER_QR_BUDGET_MS = 2000;

/** What an image's QR code says, or null. */
export function qrFieldsOf(image: Rgba): InvoiceFields | null {
  return parseQrPayload(readQrText(image, READER_QR_BUDGET_MS) ?? "");
}

/**
 * Reads an upload: a PDF's text and QR; an image's QR code (`heldQr`, what the Worker read, saves
 * the search) and its print by OCR, always — the print is what a pasted QR code is checked against.
 */
export async function readUpload(
  bytes: Uint8Array,
  type: InvoiceFileType,
  ocr: InvoiceOcr,
  heldQr: InvoiceFields | null = null,
): Promise<InvoiceReading> {
  if (type === "application/pdf") return readPdf(bytes);
  let qr = heldQr;
  if (!qr) {
    const image = decodeImage(bytes, type);
    qr = image ? qrFieldsOf(image) : null;
  }
  return { qr, printed: parsePrintedText(await ocr.text(bytes)), printedBy: "ocr" };
}

/** A PDF's text layer (its first two pages) and the first QR code among its images. */
export async function readPdf(bytes: Uint8Array): Promise<InvoiceReading> {
  const task = getDocument({ data: bytes.slice(), useSystemFonts: false, disableFontFace: true, verbosity: 0 });
  try {
    const pdf = await task.promise;
    let text = "";
    let qr: InvoiceFields | null = null;
    for (let n = 1; n <= Math.min(2, pdf.numPages); n++) {
      const page = await pdf.getPage(n);
      const content = await page.getTextContent();
      for (const item of content.items) if ("str" in item) text += item.str + (item.hasEOL ? "\n" : " ");
      text += "\n";
      if (!qr) qr = await pageQr(page);
    }
    const printed = parsePrintedText(text);
    return { qr, printed: Object.keys(printed).length > 0 ? printed : null, printedBy: "pdf" };
  } finally {
    await task.destroy();
  }
}

type PdfPage = Awaited<ReturnType<Awaited<ReturnType<typeof getDocument>["promise"]>["getPage"]>>;

/** The first image of the page that holds an invoice QR code. */
async function pageQr(page: PdfPage): Promise<InvoiceFields | null> {
  const operators = await page.getOperatorList();
  for (let i = 0; i < operators.fnArray.length; i++) {
    if (operators.fnArray[i] !== OPS.paintImageXObject) continue;
    const name = operators.argsArray[i]?.[0] as string;
    const image = await new Promise<{ width: number; height: number; data: Uint8ClampedArray; kind: number } | null>((resolve) => {
      try {
        page.objs.get(name, resolve);
      } catch {
        resolve(null);
      }
    });
    const rgba = image ? toRgba(image) : null;
    const fields = rgba ? qrFieldsOf(rgba) : null;
    if (fields) return fields;
  }
  return null;
}

/** pdfjs image data (kind 1: 1 bit gray, 2: RGB, 3: RGBA) as RGBA. */
function toRgba(image: { width: number; height: number; data: Uint8ClampedArray; kind: number }): Rgba | null {
  const pixels = image.width * image.height;
  const out = new Uint8Array(pixels * 4);
  if (image.kind === 3) out.set(image.data.subarray(0, pixels * 4));
  else if (image.kind === 2) {
    for (let p = 0; p < pixels; p++) {
      out[p * 4] = image.data[p * 3]!;
      out[p * 4 + 1] = image.data[p * 3 + 1]!;
      out[p * 4 + 2] = image.data[p * 3 + 2]!;
      out[p * 4 + 3] = 255;
    }
  } else if (image.kind === 1) {
    const rowBytes = (image.width + 7) >> 3;
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        const bit = (image.data[y * rowBytes + (x >> 3)]! >> (7 - (x & 7))) & 1;
        const v = bit ? 255 : 0;
        out.fill(v, (y * image.width + x) * 4, (y * image.width + x) * 4 + 3);
        out[(y * image.width + x) * 4 + 3] = 255;
      }
    }
  } else return null;
  return { width: image.width, height: image.height, data: out };
}
