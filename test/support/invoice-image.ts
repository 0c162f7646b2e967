import { encode } from "fast-png";
import qrcode from "qrcode-generator";

/**
 * A small grayscale PNG of an invoice QR code (4 px a module, a 4-module quiet zone), made in
 * plain JavaScript so workerd tests can upload one without reading files. Each call with the
 * same text makes the same bytes.
 */
export function qrInvoicePng(text: string): Uint8Array {
  const qr = qrcode(0, "M");
  qr.addData(text);
  qr.make();
  const modules = qr.getModuleCount();
  const scale = 4;
  const size = (modules + 8) * scale;
  const data = new Uint8Array(size * size).fill(255);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const r = Math.floor(y / scale) - 4;
      const c = Math.floor(x / scale) - 4;
      if (r >= 0 && c >= 0 && r < modules && c < modules && qr.isDark(r, c)) data[y * size + x] = 0;
    }
  }
  return encode({ width: size, height: size, data, channels: 1 });
}

/** A fresh, valid invoice's fields (unique code and number), dated `date`. */
export function freshInvoice(date = "2026-01-15") {
  const digits = (n: number) => Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => b % 10).join("");
  return { type: "10", code: `0${digits(11)}`, number: digits(8), amount: 25_800, date, checkCode: digits(20) };
}
