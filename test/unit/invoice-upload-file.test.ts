import { encode } from "fast-png";
import { describe, expect, it } from "vitest";
import { decodeImage, imageSize } from "../../src/invoices/read-qr.ts";
import { sniffInvoiceFile } from "../../src/invoices/upload-file.ts";

const png = encode({ width: 4, height: 4, data: new Uint8Array(16).fill(200), channels: 1 });

describe("an uploaded file's type, told by its bytes", () => {
  it("knows a whole PNG, JPEG and PDF", () => {
    expect(sniffInvoiceFile(png)).toEqual({ ok: true, type: "image/png" });
    expect(sniffInvoiceFile(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]))).toEqual({ ok: true, type: "image/jpeg" });
    expect(sniffInvoiceFile(new TextEncoder().encode("%PDF-1.4\n1 0 obj\n%%EOF\n"))).toEqual({ ok: true, type: "application/pdf" });
  });

  it("refuses what is not one, whatever it is called", () => {
    for (const text of ["GIF89a…", "<svg xmlns='http://www.w3.org/2000/svg'/>", "PK\u0003\u0004", ""]) {
      expect(sniffInvoiceFile(new TextEncoder().encode(text))).toMatchObject({ ok: false, code: "unsupported_file" });
    }
  });

  it("refuses a file cut short or with bytes after its end", () => {
    expect(sniffInvoiceFile(png.subarray(0, png.length - 5))).toMatchObject({ ok: false, code: "damaged_file" });
    expect(sniffInvoiceFile(new Uint8Array([...png, 0x3c, 0x73]))).toMatchObject({ ok: false, code: "damaged_file" });
    expect(sniffInvoiceFile(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]))).toMatchObject({ ok: false, code: "damaged_file" });
    expect(sniffInvoiceFile(new TextEncoder().encode("%PDF-1.4\n1 0 obj\n"))).toMatchObject({ ok: false, code: "damaged_file" });
  });

  it("decodes a PNG to RGBA, and a tampered body inside a whole frame to nothing", () => {
    expect(decodeImage(png, "image/png")).toMatchObject({ width: 4, height: 4 });
    const tampered = new Uint8Array(png);
    tampered.fill(0x41, 40, 50);
    expect(decodeImage(tampered, "image/png")).toBeNull();
  });

  it("reads a PNG's and a JPEG's size from the header alone", async () => {
    expect(imageSize(png, "image/png")).toEqual({ width: 4, height: 4 });
    const { encode: encodeJpeg } = await import("jpeg-js");
    const jpeg = encodeJpeg({ width: 30, height: 20, data: new Uint8Array(30 * 20 * 4).fill(128) }, 80).data;
    expect(imageSize(new Uint8Array(jpeg), "image/jpeg")).toEqual({ width: 30, height: 20 });
    expect(imageSize(new Uint8Array([0xff, 0xd8, 0x00, 0x00]), "image/jpeg")).toBeNull();
  });
});
