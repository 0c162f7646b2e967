/**
 * A coupon code as staff type it or a QR code carries it (issue 15), tidied before it is looked
 * up. Two forms: the coupon id a QR code holds (`cpn_<template>_<random>`, sent as it is), and
 * the short code printed under it, 8 Crockford base-32 symbols and a check symbol, shown
 * `XXXX-XXXX-C`. Typing is forgiven as Crockford's alphabet intends: case, dashes and spaces
 * do not matter, O is read as 0 and I or L as 1. Whether the check symbol holds is the server's
 * to say (400 `invalid_code`): the page only refuses what cannot be a code at all. No DOM here.
 */

const COUPON_ID = /^cpn_[A-Za-z0-9_-]{3,120}$/;
/** Crockford's 32 symbols (no I, L, O, U); the check symbol may also be one of *~$=U (mod 37). */
const SHORT_CODE = /^[0-9A-HJKMNP-TV-Z]{8}[0-9A-HJKMNP-TV-Z*~$=U]$/;

export interface TidyCode {
  /** What is sent to the API. */
  code: string;
  /** What staff see: the short code grouped `XXXX-XXXX-C`, or the coupon id. */
  display: string;
  kind: "coupon_id" | "short_code";
}

/** The code in `input`, tidied; null when it can be no coupon code. */
export function tidyCode(input: string): TidyCode | null {
  const text = input.trim();
  if (COUPON_ID.test(text)) return { code: text, display: text, kind: "coupon_id" };
  const symbols = text
    .toUpperCase()
    .replace(/[\s\-‐‑–—_]/g, "")
    .replace(/O/g, "0")
    .replace(/[IL]/g, "1");
  if (!SHORT_CODE.test(symbols)) return null;
  const display = `${symbols.slice(0, 4)}-${symbols.slice(4, 8)}-${symbols.slice(8)}`;
  return { code: display, display, kind: "short_code" };
}
