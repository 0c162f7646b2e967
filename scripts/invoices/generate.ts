/**
 * `node scripts/invoices/generate.ts`: the generated invoice set (issue 16) — 26 invoice
 * images in three layouts, rotated, blurred and noised by a seeded generator, some with a QR
 * code, some whose QR code is damaged or absent, and two tampered ones whose QR code is not
 * their print's (another, larger invoice's; the same invoice at ten times its amount) — written to test/fixtures/invoices/ with
 * their ground truth (truth.json). Fonts differ between machines (CI has none guaranteed), so
 * the images are committed; running this again on a machine with DejaVu Sans reproduces them.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import qrcode from "qrcode-generator";
import sharp from "sharp";
import { type InvoiceFields, qrPayloadOf } from "../../src/invoices/invoice-fields.ts";

export const FIXTURES = fileURLToPath(new URL("../../test/fixtures/invoices/", import.meta.url));

/** One image of the set as its truth file records it. */
export interface InvoiceCase {
  file: string;
  layout: "stacked" | "columns" | "receipt";
  qr: "intact" | "damaged" | "absent" | "tampered";
  rotation: number;
  blur: number;
  noise: number;
  /** What the print says (the truth OCR is measured against). */
  fields: InvoiceFields;
  /** A tampered image's QR code, when it is not the print's. */
  qrFields?: InvoiceFields;
}

/** A seeded PRNG (mulberry32): the same set every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const digits = (next: () => number, n: number) => Array.from({ length: n }, () => Math.floor(next() * 10)).join("");

function fieldsFor(next: () => number, i: number): InvoiceFields {
  const type = ["10", "04", "10", "01"][i % 4]!;
  const month = String(1 + Math.floor(next() * 12)).padStart(2, "0");
  const day = String(1 + Math.floor(next() * 28)).padStart(2, "0");
  return {
    type,
    code: i % 3 === 0 ? `0${digits(next, 9)}` : `0${digits(next, 11)}`,
    number: digits(next, 8),
    amount: 1_000 + Math.floor(next() * 500_000),
    date: `${2023 + (i % 3)}-${month}-${day}`,
    checkCode: type === "01" ? "" : digits(next, 20),
  };
}

const yuan = (fen: number) => `${Math.floor(fen / 100).toLocaleString("en-US")}.${String(fen % 100).padStart(2, "0")}`;

/** The QR code as SVG rectangles at `size` px, `damaged`: a blot over a third of it. */
function qrSvg(text: string, x: number, y: number, size: number, damaged: boolean): string {
  const qr = qrcode(0, "M");
  qr.addData(text);
  qr.make();
  const n = qr.getModuleCount();
  const cell = Math.floor(size / (n + 8));
  let rects = `<rect x="${x}" y="${y}" width="${cell * (n + 8)}" height="${cell * (n + 8)}" fill="#fff"/>`;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (qr.isDark(r, c)) rects += `<rect x="${x + (c + 4) * cell}" y="${y + (r + 4) * cell}" width="${cell}" height="${cell}"/>`;
    }
  }
  if (damaged) {
    // A coffee stain over the finder patterns and half the data: past what error correction M mends.
    rects += `<rect x="${x + 2 * cell}" y="${y + 2 * cell}" width="${cell * (n / 2 + 4)}" height="${cell * (n + 4)}" fill="#333"/>`;
  }
  return rects;
}

function label(x: number, y: number, text: string, size = 22, weight = "normal"): string {
  return `<text x="${x}" y="${y}" font-family="DejaVu Sans" font-size="${size}" font-weight="${weight}">${text}</text>`;
}

/** The invoice drawn in one of three layouts. */
function svgOf(c: InvoiceCase): { svg: string; width: number; height: number } {
  const f = c.fields;
  const title = f.type === "01" ? "Special VAT Invoice" : f.type === "04" ? "Ordinary VAT Invoice" : "Electronic Ordinary VAT Invoice";
  const lines = [
    `Invoice code: ${f.code}`,
    `Invoice No: ${f.number}`,
    `Date: ${f.date.replaceAll("-", "")}`,
    ...(f.checkCode ? [`Check code: ${f.checkCode.replace(/(\d{5})(?=\d)/g, "$1 ")}`] : []),
  ];
  const payload = qrPayloadOf(c.qrFields ?? f);
  const qr = c.qr === "absent" ? "" : undefined;
  if (c.layout === "stacked") {
    const width = 900;
    const height = 560;
    let body = label(220, 60, title, 30, "bold");
    lines.forEach((line, i) => {
      body += label(220, 120 + i * 44, line);
    });
    body += label(40, 360, "Goods: household items  Qty: 1");
    body += label(40, 410, `Amount: ${yuan(f.amount)}`, 24, "bold");
    body += label(40, 460, "Seller: Example Trading Co., Ltd.");
    body += qr ?? qrSvg(payload, 20, 20, 190, c.qr === "damaged");
    return { svg: frame(width, height, body), width, height };
  }
  if (c.layout === "columns") {
    const width = 1000;
    const height = 520;
    let body = label(300, 50, title, 30, "bold");
    body += label(40, 120, lines[0]!);
    body += label(560, 120, lines[1]!);
    body += label(40, 170, lines[2]!);
    if (lines[3]) body += label(40, 220, lines[3]);
    body += `<line x1="30" y1="250" x2="${width - 30}" y2="250" stroke="#000" stroke-width="2"/>`;
    body += label(40, 300, "Item                Rate   Tax");
    body += label(40, 350, `Amount: ${yuan(f.amount)}`, 24, "bold");
    body += label(40, 420, "Buyer: A. Shopper");
    body += qr ?? qrSvg(payload, width - 230, 270, 220, c.qr === "damaged");
    return { svg: frame(width, height, body), width, height };
  }
  const width = 620;
  const height = 760;
  let body = label(40, 50, title, 26, "bold");
  lines.forEach((line, i) => {
    body += label(40, 110 + i * 40, line, 20);
  });
  body += label(40, 300, "--------------------------------------", 20);
  body += label(40, 340, `Amount: ${yuan(f.amount)}`, 22, "bold");
  body += label(40, 380, "Thank you for your purchase", 20);
  body += qr ?? qrSvg(payload, 190, 440, 240, c.qr === "damaged");
  return { svg: frame(width, height, body), width, height };
}

function frame(width: number, height: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#fff"/><g fill="#000">${body}</g></svg>`;
}

/**
 * The 26 cases: every layout, QR state, rotation, blur and noise level mixed by the seed; the
 * last two tampered (drawn after the first 24, so those stay as they were).
 */
export function invoiceCases(): InvoiceCase[] {
  const next = random(16);
  const layouts = ["stacked", "columns", "receipt"] as const;
  const qrStates = ["intact", "intact", "damaged", "absent"] as const;
  const cases = Array.from({ length: 24 }, (_, i): InvoiceCase => {
    const rotation = [0, 2.5, -3.5, 5, -1.5, 0][i % 6]!;
    return {
      file: `invoice-${String(i + 1).padStart(2, "0")}.${i % 3 === 0 ? "png" : "jpg"}`,
      layout: layouts[i % 3]!,
      qr: qrStates[Math.floor(i / 3) % 4]!,
      rotation,
      blur: [0, 0.8, 1.4][Math.floor(i / 2) % 3]!,
      noise: [0, 14, 28][i % 3]!,
      fields: fieldsFor(next, i),
    };
  });
  // A photo of a small invoice with the QR code of another, larger one pasted over its own…
  const small = { ...fieldsFor(next, 24), amount: 1_000 + Math.floor(next() * 20_000) };
  const large = { ...fieldsFor(next, 25), amount: 800_000 + Math.floor(next() * 100_000) };
  // …and one whose QR code says the same invoice at ten times its amount.
  const plain = fieldsFor(next, 26);
  const tampered = (i: number, fields: InvoiceFields, qrFields: InvoiceFields): InvoiceCase => ({
    file: `invoice-${i + 1}.${i % 3 === 0 ? "png" : "jpg"}`,
    layout: layouts[i % 3]!,
    qr: "tampered",
    rotation: [0, 2.5][i % 2]!,
    blur: 0,
    noise: [0, 14][i % 2]!,
    fields,
    qrFields,
  });
  return [...cases, tampered(24, small, large), tampered(25, plain, { ...plain, amount: plain.amount * 10 })];
}

/** Draws one case: rendered, rotated, blurred, noised, grayscale PNG or JPEG. */
export async function renderCase(c: InvoiceCase, seed: number): Promise<Buffer> {
  const { svg } = svgOf(c);
  let image = sharp(Buffer.from(svg)).grayscale();
  if (c.rotation !== 0) image = sharp(await image.rotate(c.rotation, { background: "#ffffff" }).png().toBuffer());
  if (c.blur > 0) image = image.blur(c.blur);
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  const next = random(seed);
  const gray = Buffer.alloc(info.width * info.height);
  for (let p = 0; p < gray.length; p++) {
    const v = data[p * info.channels]! + (next() - 0.5) * 2 * c.noise;
    gray[p] = Math.max(0, Math.min(255, Math.round(v)));
  }
  // 150 dpi recorded, as a scan would: OCR sizes its expectations by it.
  const out = sharp(gray, { raw: { width: info.width, height: info.height, channels: 1 } }).withMetadata({ density: 150 });
  return c.file.endsWith(".jpg") ? out.jpeg({ quality: 72 }).toBuffer() : out.png({ compressionLevel: 9, palette: false }).toBuffer();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  mkdirSync(FIXTURES, { recursive: true });
  const cases = invoiceCases();
  for (const [i, c] of cases.entries()) writeFileSync(`${FIXTURES}${c.file}`, await renderCase(c, 1000 + i));
  writeFileSync(`${FIXTURES}truth.json`, `${JSON.stringify(cases, null, 2)}\n`);
  console.log(`wrote ${cases.length} invoices and truth.json to ${FIXTURES}`);
}
