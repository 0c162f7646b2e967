/**
 * A minimal e-invoice PDF (issue 16's tests and generator): its fields as a text layer in
 * Helvetica and, optionally, its QR code as an 8-bit grayscale image — what an e-invoice
 * platform's PDF carries, written by hand so no PDF library is needed to make one.
 */
import { deflateSync } from "node:zlib";
import qrcode from "qrcode-generator";

/** A PDF whose text layer holds `lines` and whose image (when `qr` is given) is that text's QR code. */
export function invoicePdf(lines: string[], qr?: string): Uint8Array {
  const content = [
    "BT /F1 14 Tf 50 780 Td 18 TL",
    ...lines.map((line) => `(${line.replace(/[()\\]/g, "\\$&")}) Tj T*`),
    "ET",
    ...(qr ? ["q 160 0 0 160 400 620 cm /Im1 Do Q"] : []),
  ].join("\n");
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >>${qr ? " /XObject << /Im1 6 0 R >>" : ""} >> /Contents 5 0 R >>`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    stream("", Buffer.from(content, "latin1")),
  ];
  if (qr) {
    const { size, pixels } = qrPixels(qr);
    objects.push(
      stream(
        `/Type /XObject /Subtype /Image /Width ${size} /Height ${size} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode`,
        deflateSync(pixels),
      ),
    );
  }
  const chunks: Buffer[] = [Buffer.from("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "latin1")];
  let offset = chunks[0]!.length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    const chunk = Buffer.from(`${i + 1} 0 obj\n${body}\nendobj\n`, "latin1");
    offsets.push(offset);
    offset += chunk.length;
    chunks.push(chunk);
  });
  const xref = [
    `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`,
    ...offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`),
  ].join("");
  chunks.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${offset}\n%%EOF\n`, "latin1"));
  return new Uint8Array(Buffer.concat(chunks));
}

function stream(dictionary: string, data: Buffer): string {
  return `<< ${dictionary} /Length ${data.length} >>\nstream\n${data.toString("latin1")}\nendstream`;
}

/** The QR code as 8-bit gray pixels, 6 px a module with a 4-module quiet zone. */
function qrPixels(text: string): { size: number; pixels: Buffer } {
  const qr = qrcode(0, "M");
  qr.addData(text);
  qr.make();
  const modules = qr.getModuleCount();
  const scale = 6;
  const size = (modules + 8) * scale;
  const pixels = Buffer.alloc(size * size, 255);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const r = Math.floor(y / scale) - 4;
      const c = Math.floor(x / scale) - 4;
      if (r >= 0 && c >= 0 && r < modules && c < modules && qr.isDark(r, c)) pixels[y * size + x] = 0;
    }
  }
  return { size, pixels };
}
