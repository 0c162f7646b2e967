import type { MessageKey } from "../i18n/messages.ts";
import { formatMoney } from "../money.ts";
import type { CouponType } from "./limits.ts";

/** The terms a coupon's wording is made of: what a wallet coupon, an offer and an order's held coupon all carry. */
export type CouponWordingTerms = { type: CouponType; amountOff: number; percentOff: number; maxDiscount: number; minSpend: number };

/** A message and its values: `t(key, values)` in the page's language. */
export interface Wording {
  key: MessageKey;
  values: Record<string, string>;
}

/**
 * What a coupon takes off, in the words shoppers know (issue 14): "满300减50" and "¥50.00 off
 * orders from ¥300.00", "8折券" and "20% off". Made from the terms, not the marketer's title,
 * so it is always true and in the page's language; the title is shown beside it. Every value
 * is given both ways (`amount` as money for English, `amountYuan` as plain yuan for Chinese):
 * each language's template picks its own. Zod-free: page scripts bundle it (see limits.ts).
 */
export function couponWording(terms: CouponWordingTerms): { headline: Wording; cap: Wording | null } {
  const values = {
    amount: formatMoney(terms.amountOff),
    amountYuan: plainYuan(terms.amountOff),
    min: formatMoney(terms.minSpend),
    minYuan: plainYuan(terms.minSpend),
    percent: String(terms.percentOff),
    // 折 counts tenths of the price paid: 20 % off is 8折, 15 % off 8.5折.
    zhe: plainNumber((100 - terms.percentOff) / 10),
    cap: formatMoney(terms.maxDiscount),
    capYuan: plainYuan(terms.maxDiscount),
  };
  const threshold = terms.minSpend > 0;
  if (terms.type === "amount_off") {
    return { headline: { key: threshold ? "coupon_amountOffMin" : "coupon_amountOff", values }, cap: null };
  }
  return {
    headline: { key: threshold ? "coupon_percentOffMin" : "coupon_percentOff", values },
    cap: terms.maxDiscount > 0 ? { key: "coupon_cap", values } : null,
  };
}

/** Fen as yuan without trailing zeros: 5000 → "50", 29950 → "299.5". */
function plainYuan(fen: number): string {
  return plainNumber(fen / 100);
}

function plainNumber(value: number): string {
  return String(Number(value.toFixed(2)));
}
