/**
 * What an uploaded invoice file is, told by its bytes, never by the Content-Type or the name a
 * client sends (issue 16): PNG, JPEG or PDF, whole (a truncated or tampered file is refused
 * before it is stored), and at most MAX_INVOICE_BYTES.
 */
export type InvoiceFileType = "image/png" | "image/jpeg" | "application/pdf";

/** 1 MiB: a phone photo saved as JPEG at invoice size, or an e-invoice PDF, fits with room. */
export const MAX_INVOICE_BYTES = 1024 * 1024;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** The IEND chunk every whole PNG ends with (length 0, type, CRC). */
const PNG_END = [0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];

/** Why a file cannot be an invoice upload (the refusal's message), or its type. */
export function sniffInvoiceFile(
  bytes: Uint8Array,
): { ok: true; type: InvoiceFileType } | { ok: false; code: "unsupported_file" | "damaged_file"; message: string } {
  const starts = (signature: number[]) => signature.every((byte, i) => bytes[i] === byte);
  if (starts(PNG_SIGNATURE)) {
    return endsWith(bytes, PNG_END) ? { ok: true, type: "image/png" } : damaged("the PNG is cut short or has bytes after its end");
  }
  if (starts([0xff, 0xd8, 0xff])) {
    // A JPEG ends with EOI (FF D9); some writers pad after it, a little.
    return lastIndexOfPair(bytes, 0xff, 0xd9, 64) ? { ok: true, type: "image/jpeg" } : damaged("the JPEG is cut short");
  }
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) {
    // %PDF- … %%EOF within the last bytes (incremental updates and trailing newlines allowed).
    const tail = new TextDecoder("latin1").decode(bytes.subarray(Math.max(0, bytes.length - 1024)));
    return tail.includes("%%EOF") ? { ok: true, type: "application/pdf" } : damaged("the PDF is cut short");
  }
  return { ok: false, code: "unsupported_file", message: "an invoice must be a PNG or JPEG image or a PDF" };
}

function damaged(message: string) {
  return { ok: false as const, code: "damaged_file" as const, message };
}

function endsWith(bytes: Uint8Array, tail: number[]): boolean {
  if (bytes.length < tail.length) return false;
  const start = bytes.length - tail.length;
  return tail.every((byte, i) => bytes[start + i] === byte);
}

function lastIndexOfPair(bytes: Uint8Array, a: number, b: number, within: number): boolean {
  for (let i = bytes.length - 2; i >= Math.max(0, bytes.length - within); i--) {
    if (bytes[i] === a && bytes[i + 1] === b) return true;
  }
  return false;
}
