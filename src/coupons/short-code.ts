import { fail, type Result, succeed } from "../errors.ts";

/**
 * A store coupon's short code (issue 15): what a shopper reads out, or a till types, when the
 * QR code cannot be scanned. Eight symbols of Douglas Crockford's base32 (40 random bits) and
 * one check symbol, shown as `XXXX-XXXX-C`.
 *
 * The check symbol is Crockford's: the code's value modulo 37, written with the 32 symbols and
 * `*~$=U` for 32–36. 37 is prime and larger than any symbol's value, so changing any ONE
 * symbol (by d, 0 < |d| < 32, at weight 32^i, which 37 never divides) always changes the
 * remainder: every single mistyped symbol is caught, as is every swap of two adjacent,
 * different symbols.
 *
 * Typing is forgiven the way Crockford meant it: case, dashes and spaces do not matter, O is
 * read as 0, and I and L as 1 (U is only ever a check symbol).
 */

export const SYMBOLS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const CHECK_SYMBOLS = `${SYMBOLS}*~$=U`;
export const SHORT_CODE_DATA_LENGTH = 8;

/** A canonical short code: 8 symbols and the check symbol, upper case, no dashes. */
export type ShortCode = string;

/** The check symbol of 8 data symbols. */
export function checkSymbol(data: string): string {
  let value = 0;
  for (const symbol of data) value = value * 32 + SYMBOLS.indexOf(symbol);
  return CHECK_SYMBOLS[value % 37]!;
}

/** A fresh random short code (canonical form). */
export function newShortCode(): ShortCode {
  const bytes = crypto.getRandomValues(new Uint8Array(SHORT_CODE_DATA_LENGTH));
  const data = Array.from(bytes, (b) => SYMBOLS[b % 32]).join("");
  return data + checkSymbol(data);
}

/** `XXXX-XXXX-C`: how a short code is shown. */
export function formatShortCode(code: ShortCode): string {
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}

/**
 * Reads a typed short code: forgives case, dashes, spaces and Crockford's look-alikes, then
 * checks length, symbols and the check symbol. A failure is 400 `invalid_code`.
 */
export function parseShortCode(input: string): Result<ShortCode> {
  const text = input.replace(/[\s-]/g, "").toUpperCase();
  if (text.length !== SHORT_CODE_DATA_LENGTH + 1) {
    return fail("invalid_code", "a short code has 8 symbols and a check symbol, like ABCD-EFGH-J");
  }
  const data = text.slice(0, SHORT_CODE_DATA_LENGTH).replace(/O/g, "0").replace(/[IL]/g, "1");
  const check = text.slice(SHORT_CODE_DATA_LENGTH).replace(/O/g, "0").replace(/[IL]/g, "1");
  if ([...data].some((symbol) => !SYMBOLS.includes(symbol)) || !CHECK_SYMBOLS.includes(check)) {
    return fail("invalid_code", "a short code uses only the digits and the letters A–Z except I, L, O and U");
  }
  if (checkSymbol(data) !== check) return fail("invalid_code", "this code's check symbol does not match: a symbol was mistyped");
  return succeed(data + check);
}
