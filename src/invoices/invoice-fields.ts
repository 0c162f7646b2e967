/**
 * The fields of a Chinese VAT invoice (fapiao) that identify it and say what it was for, as
 * read from its QR code, its PDF text layer or OCR of its print (issue 16), and the rules an
 * upload must pass before it earns points.
 *
 * The QR code printed on VAT invoices carries comma-separated fields:
 * `01,<type>,<code>,<number>,<amount>,<yyyymmdd>,<check code>,<crc>` — the payload version
 * (01), the invoice type (01 special VAT, 04 ordinary, 10 electronic ordinary, 11 roll, 14
 * toll, 32 fully-digital ordinary…), the 10- or 12-digit invoice code, the 8-digit number, the
 * amount before tax in yuan with two decimals, the issue date, the 20-digit check code (empty
 * on special VAT invoices) and a short digest the tax bureau's scanner uses.
 */
export interface InvoiceFields {
  /** Two-digit invoice type. */
  type: string;
  /** 10 or 12 digits. */
  code: string;
  /** 8 digits. */
  number: string;
  /** Amount before tax, fen. */
  amount: number;
  /** Issue date, `YYYY-MM-DD`. */
  date: string;
  /** 20 digits, or "" where the type has none (special VAT invoices). */
  checkCode: string;
}

/** The fields compared across readings, in the order a refusal names them. */
export const COMPARED_FIELDS = ["code", "number", "amount", "date", "checkCode"] as const;

/** Invoice types whose print carries a check code (校验码). */
const TYPES_WITH_CHECK_CODE = new Set(["04", "10", "11", "14"]);
const KNOWN_TYPES = new Set(["01", "02", "03", "04", "10", "11", "14", "15", "20", "31", "32"]);

/** Yuan with up to two decimals as fen; null when it is not an amount. */
export function fenOf(yuan: string): number | null {
  const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(yuan.trim());
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
}

/** `YYYYMMDD` (or `YYYY-MM-DD`, `YYYY年MM月DD日`) as `YYYY-MM-DD`, or null when it is not a calendar date. */
export function isoDateOf(text: string): string | null {
  const match = /^(\d{4})\D?(\d{2})\D?(\d{2})\D?$/.exec(text.trim());
  if (!match) return null;
  const iso = `${match[1]}-${match[2]}-${match[3]}`;
  const date = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso ? null : iso;
}

/**
 * The fields of a VAT invoice QR payload, or null when the text is not one (another QR code,
 * or a damaged read). Field formats are checked by `checkFields`, not here: a well-formed
 * payload with a bad check code is an invalid invoice, not an unreadable one.
 */
export function parseQrPayload(text: string): InvoiceFields | null {
  const parts = text.trim().split(",");
  if (parts.length < 7 || parts[0] !== "01") return null;
  const [, type = "", code = "", number = "", amountText = "", dateText = "", checkCode = ""] = parts;
  const amount = fenOf(amountText);
  const date = isoDateOf(dateText);
  if (amount === null || date === null || !/^\d{2}$/.test(type)) return null;
  return { type, code, number, amount, date, checkCode };
}

/** The QR payload an invoice's fields make (the generator prints it; the tests round-trip it). */
export function qrPayloadOf(fields: InvoiceFields, crc = "A1B2"): string {
  const yuan = `${Math.floor(fields.amount / 100)}.${String(fields.amount % 100).padStart(2, "0")}`;
  return ["01", fields.type, fields.code, fields.number, yuan, fields.date.replaceAll("-", ""), fields.checkCode, crc].join(",");
}

/** Why an invoice's data cannot earn points, or null when it may. */
export function checkFields(fields: InvoiceFields, today: string): string | null {
  if (!KNOWN_TYPES.has(fields.type)) return `unknown invoice type ${fields.type}`;
  if (!/^(\d{10}|\d{12})$/.test(fields.code)) return "the invoice code must be 10 or 12 digits";
  if (!/^\d{8}$/.test(fields.number)) return "the invoice number must be 8 digits";
  if (TYPES_WITH_CHECK_CODE.has(fields.type) ? !/^\d{20}$/.test(fields.checkCode) : !/^(\d{20})?$/.test(fields.checkCode)) {
    return "the check code must be 20 digits";
  }
  if (!Number.isSafeInteger(fields.amount) || fields.amount <= 0) return "the amount must be above zero";
  if (fields.amount > MAX_INVOICE_AMOUNT) return "the amount is beyond what a shopper's invoice can be";
  if (fields.date > today) return `the invoice is dated ${fields.date}, in the future`;
  if (fields.date < EARLIEST_DATE) return `the invoice is dated ${fields.date}, before e-invoices existed`;
  return null;
}

/** ¥1,000,000: no shopper's purchase invoice is larger; a larger read is a misread or a forgery. */
const MAX_INVOICE_AMOUNT = 100_000_000;
/** VAT e-invoices were introduced in 2012 (Beijing pilot); nothing earlier is one. */
const EARLIEST_DATE = "2012-01-01";

/** The invoice's identity: points once per key (the unique index on accepted uploads). */
export function invoiceKeyOf(fields: Pick<InvoiceFields, "code" | "number">): string {
  return `${fields.code}${fields.number}`;
}

/**
 * Points an accepted invoice earns (README "E-invoices and invoice recognition"): 1 point per
 * whole ¥10 of its amount before tax, at most 200 — a tenth of what paying here earns, since
 * the purchase was made elsewhere, and capped so one large invoice is not a windfall.
 */
export function invoicePoints(amount: number): number {
  return Math.min(INVOICE_POINTS_CAP, Math.floor(amount / 1000));
}
export const INVOICE_POINTS_CAP = 200;

/**
 * The fields on which two readings of one invoice disagree — the QR code's and the print's, for
 * a PDF (its text layer) and an image (OCR) alike. Only fields both read are compared: a field
 * one reading missed is not a disagreement. `ocr`: the second reading is OCR, which now and then
 * misreads one digit of a long run (2 images of the generated set): a code, number or check code
 * differing in one digit only is taken as that slip. The amount and the date must agree
 * exactly, OCR or not: they are what a QR code pasted from another invoice changes for points.
 */
export function disagreements(a: Partial<InvoiceFields>, b: Partial<InvoiceFields>, options: { ocr?: boolean } = {}): string[] {
  return COMPARED_FIELDS.filter((name) => {
    const [x, y] = [a[name], b[name]];
    if (x === undefined || y === undefined || x === "" || y === "" || x === y) return false;
    return !(options.ocr && typeof x === "string" && typeof y === "string" && SLIP_TOLERANT.has(name) && oneDigitApart(x, y));
  });
}

/** Identity fields whose single misread digit OCR is forgiven (the QR code's value is the one kept). */
const SLIP_TOLERANT = new Set<string>(["code", "number", "checkCode"]);

/** Same length, differing at exactly one position. */
function oneDigitApart(x: string, y: string): boolean {
  if (x.length !== y.length) return false;
  let differ = 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) differ += 1;
  return differ === 1;
}

/**
 * The fields printed on an invoice, from text (a PDF's text layer, or OCR): the labelled lines
 * `发票代码 / Invoice code`, `发票号码 / No.`, `开票日期 / Date`, `校验码 / Check code` and the
 * amount `合计 / Amount`. OCR confusions in digit runs (O→0, l/I→1, S→5, B→8) are undone
 * only inside the values, where letters cannot be.
 */
export function parsePrintedText(text: string): Partial<InvoiceFields> {
  const lines = text.split(/\r?\n/);
  const found: Partial<InvoiceFields> = {};
  for (const line of lines) {
    const value = (label: RegExp) => {
      const match = label.exec(line);
      return match ? digitsOf(line.slice(match.index + match[0].length)) : null;
    };
    const code = value(/(发票代码|[i1l|\\]?nvoice\s*code)\s*[:：]?/i);
    if (code && found.code === undefined && /^\d{10,12}/.test(code)) found.code = code.match(/^\d{12}|^\d{10}/)![0];
    const number = value(/(发票号码|[i1l|\\]?nvoice\s*n[o0]\.?|number)\s*[:：]?/i);
    if (number && found.number === undefined && /^\d{8}/.test(number)) found.number = number.slice(0, 8);
    const check = value(/(校验码|check\s*code)\s*[:：]?/i);
    if (check && found.checkCode === undefined && /^\d{20}/.test(check)) found.checkCode = check.slice(0, 20);
    const date = /(开票日期|date)\s*[:：]?\s*(.+)$/i.exec(line);
    if (date && found.date === undefined) {
      const digits = digitsOf(date[2]!.replace(/[年月日./-]/g, "")).slice(0, 8);
      const iso = digits.length === 8 ? isoDateOf(digits) : null;
      if (iso) found.date = iso;
    }
    const amount = /(合计金额|合计|amount)\s*[:：]?\s*[¥￥Y]?\s*([0-9OolISB,]+[.,][0-9OolISB]{2})/i.exec(line);
    if (amount && found.amount === undefined) {
      const raw = amount[2]!.replace(/[OolISB]/g, (c) => DIGIT_LOOKALIKES[c]!);
      const fen = fenOf(raw.replace(/,(?=\d{3}[.,])/g, "").replace(/,(\d{2})$/, ".$1"));
      if (fen !== null) found.amount = fen;
    }
  }
  const type = /(电子普通发票|electronic\s+ordinary)/i.test(text)
    ? "10"
    : /(专用发票|special)/i.test(text)
      ? "01"
      : /(普通发票|ordinary)/i.test(text)
        ? "04"
        : null;
  if (type) found.type = type;
  return found;
}

const DIGIT_LOOKALIKES: Record<string, string> = { O: "0", o: "0", l: "1", I: "1", S: "5", B: "8" };

/** A value's digits: lookalike letters read as digits, spaces inside the run dropped, stopping at anything else. */
function digitsOf(text: string): string {
  const match = /^[\s:：]*([0-9OolISB][0-9OolISB ]*)/.exec(text);
  if (!match) return "";
  return match[1]!.replace(/[OolISB]/g, (c) => DIGIT_LOOKALIKES[c]!).replace(/ /g, "");
}

/**
 * Printed fields as an invoice to decide on, or null when a field is missing: a type the text
 * does not name reads as an electronic ordinary invoice (the common upload); only a special
 * VAT invoice (01) may lack a check code.
 */
export function fieldsFromPrint(printed: Partial<InvoiceFields> | null): InvoiceFields | null {
  if (
    !printed ||
    printed.code === undefined ||
    printed.number === undefined ||
    printed.amount === undefined ||
    printed.date === undefined
  ) {
    return null;
  }
  const type = printed.type ?? "10";
  if (printed.checkCode === undefined && type !== "01") return null;
  return {
    type,
    code: printed.code,
    number: printed.number,
    amount: printed.amount,
    date: printed.date,
    checkCode: printed.checkCode ?? "",
  };
}
