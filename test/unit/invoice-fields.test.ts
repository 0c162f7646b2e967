import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  COMPARED_FIELDS,
  checkFields,
  disagreements,
  type InvoiceFields,
  invoiceKeyOf,
  invoicePoints,
  parsePrintedText,
  parseQrPayload,
  qrPayloadOf,
} from "../../src/invoices/invoice-fields.ts";
import { verdictOf } from "../../src/invoices/invoice-uploads.ts";

const invoice: InvoiceFields = {
  type: "10",
  code: "044031900111",
  number: "12345678",
  amount: 12_345,
  date: "2025-03-01",
  checkCode: "12345678901234567890",
};

describe("the VAT invoice QR payload", () => {
  it("reads the documented comma-separated fields", () => {
    expect(parseQrPayload("01,10,044031900111,12345678,123.45,20250301,12345678901234567890,A1B2,")).toEqual(invoice);
    // A special VAT invoice has no check code; an amount may have one decimal.
    expect(parseQrPayload("01,01,4403190011,87654321,9.5,20240229,,3C4D")).toEqual({
      type: "01",
      code: "4403190011",
      number: "87654321",
      amount: 950,
      date: "2024-02-29",
      checkCode: "",
    });
  });

  it("is not another QR code or a damaged read", () => {
    for (const text of [
      "https://example.com/?a=1,2,3",
      "02,10,1,2,3,4,5",
      "01,10,044031900111,12345678,abc,20250301,1",
      "01,10,x,y,1.00,20250230,1,2",
    ]) {
      expect(parseQrPayload(text)).toBeNull();
    }
  });

  it("round-trips every invoice", () => {
    const fields = fc.record({
      type: fc.constantFrom("01", "04", "10", "11"),
      code: fc.stringMatching(/^(\d{10}|\d{12})$/),
      number: fc.stringMatching(/^\d{8}$/),
      amount: fc.integer({ min: 1, max: 99_999_999 }),
      date: fc
        .date({ min: new Date("2012-01-01"), max: new Date("2030-12-31"), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10)),
      checkCode: fc.stringMatching(/^\d{20}$/),
    });
    fc.assert(
      fc.property(fields, (f) => {
        expect(parseQrPayload(qrPayloadOf(f))).toEqual(f);
      }),
    );
  });
});

describe("checking an invoice's data", () => {
  const today = "2026-11-27";
  it("accepts a real one", () => expect(checkFields(invoice, today)).toBeNull());
  it("refuses a bad check code, code, number, amount or a date in the future", () => {
    expect(checkFields({ ...invoice, checkCode: "1234" }, today)).toMatch(/check code/);
    expect(checkFields({ ...invoice, code: "12345" }, today)).toMatch(/code/);
    expect(checkFields({ ...invoice, number: "1234567" }, today)).toMatch(/number/);
    expect(checkFields({ ...invoice, amount: 0 }, today)).toMatch(/amount/);
    expect(checkFields({ ...invoice, amount: 100_000_001 }, today)).toMatch(/amount/);
    expect(checkFields({ ...invoice, date: "2026-11-28" }, today)).toMatch(/future/);
    expect(checkFields({ ...invoice, type: "99" }, today)).toMatch(/type/);
  });
  it("lets a special VAT invoice go without a check code", () => {
    expect(checkFields({ ...invoice, type: "01", checkCode: "" }, today)).toBeNull();
  });
});

describe("points for an invoice", () => {
  it("are 1 per whole ¥10 before tax, at most 200, and keyed by code and number", () => {
    expect(invoicePoints(999)).toBe(0);
    expect(invoicePoints(12_345)).toBe(12);
    expect(invoicePoints(10_000_000)).toBe(200);
    expect(invoiceKeyOf(invoice)).toBe("04403190011112345678");
  });
});

describe("printed fields (PDF text or OCR)", () => {
  it("reads the labelled lines, English or Chinese, undoing OCR's letter-for-digit slips", () => {
    const text = [
      "Electronic Ordinary VAT Invoice",
      "\\nvoice code: O44031900111        Invoice No: 1234S678",
      "开票日期：2025年03月01日",
      "Check code: 12345 67890 12345 67890",
      "Amount: ¥123.45",
    ].join("\n");
    expect(parsePrintedText(text)).toEqual({ ...invoice });
    expect(parsePrintedText("发票代码：044031900111\n发票号码：12345678\n合计 ¥ 1,234.50")).toEqual({
      code: "044031900111",
      number: "12345678",
      amount: 123_450,
    });
  });
});

describe("the verdict on a reading", () => {
  const today = "2026-11-27";
  it("refuses a QR code and print that disagree, naming the fields", () => {
    const verdict = verdictOf({ qr: invoice, printed: { ...invoice, amount: 99_999 }, printedBy: "pdf" }, today);
    expect(verdict).toMatchObject({ code: "invoice_mismatch", details: { fields: ["amount"] } });
  });
  it("is unreadable with neither, invalid with bad data, else the fields and how they were read", () => {
    expect(verdictOf({ qr: null, printed: { code: "044031900111" }, printedBy: "ocr" }, today)).toMatchObject({
      code: "invoice_unreadable",
    });
    expect(verdictOf({ qr: { ...invoice, date: "2027-01-01" }, printed: null, printedBy: null }, today)).toMatchObject({
      code: "invoice_invalid",
    });
    expect(verdictOf({ qr: null, printed: { ...invoice }, printedBy: "ocr" }, today)).toEqual({ fields: invoice, method: "ocr" });
    expect(verdictOf({ qr: invoice, printed: { ...invoice }, printedBy: "pdf" }, today)).toEqual({ fields: invoice, method: "pdf" });
    expect(verdictOf({ qr: invoice, printed: null, printedBy: null }, today)).toEqual({ fields: invoice, method: "qr" });
  });
  it("compares only fields both readings have", () => {
    expect(disagreements(invoice, { code: invoice.code })).toEqual([]);
    expect(disagreements(invoice, { number: "00000000" })).toEqual(["number"]);
  });
  it("forgives OCR one misread digit of the code, number or check code, never of the amount or date; a PDF's text none", () => {
    const slipped = { ...invoice, code: "044031900171", number: "12345677", checkCode: "12345678901234567899" };
    expect(disagreements(invoice, slipped, { ocr: true })).toEqual([]);
    expect(disagreements(invoice, slipped)).toEqual(["code", "number", "checkCode"]);
    expect(disagreements(invoice, { ...invoice, number: "12345699", amount: 12_346, date: "2025-03-07" }, { ocr: true })).toEqual([
      "number",
      "amount",
      "date",
    ]);
    // Another length is another code, not a slip.
    expect(disagreements(invoice, { code: "0440319001" }, { ocr: true })).toEqual(["code"]);
    expect(verdictOf({ qr: invoice, printed: slipped, printedBy: "ocr" }, today)).toEqual({ fields: invoice, method: "qr" });
  });
  it("decides an image on its QR code when OCR read none of the fields it checks, and refuses one whose print names another amount", () => {
    expect(verdictOf({ qr: invoice, printed: {}, printedBy: "ocr" }, today)).toEqual({ fields: invoice, method: "qr" });
    expect(verdictOf({ qr: invoice, printed: { date: invoice.date }, printedBy: "ocr" }, today)).toEqual({ fields: invoice, method: "qr" });
    expect(verdictOf({ qr: { ...invoice, amount: 10 * invoice.amount }, printed: { ...invoice }, printedBy: "ocr" }, today)).toMatchObject({
      code: "invoice_mismatch",
      message: "the QR code and the printed invoice disagree on amount",
      details: { fields: ["amount"] },
    });
  });
  it("never names a field both readings agree on, OCR or not (property)", () => {
    const digitsArb = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(""));
    fc.assert(
      fc.property(
        fc.record({ code: digitsArb(12), number: digitsArb(8), checkCode: digitsArb(20), amount: fc.integer({ min: 1, max: 1e8 }) }),
        fc.boolean(),
        (other, ocr) => {
          const b = { ...invoice, ...other };
          const named = disagreements(invoice, b, { ocr });
          const differing = COMPARED_FIELDS.filter((n) => invoice[n] !== b[n]);
          expect(named.every((name) => differing.some((n) => n === name))).toBe(true);
          if (!ocr) expect(named).toEqual(differing);
          if (invoice.amount !== b.amount) expect(named).toContain("amount");
        },
      ),
    );
  });
});
