import type { MessageKey } from "../i18n/messages.ts";
import { formatMoney } from "../money.ts";
import type { VariantOf } from "./surfaces.ts";

/**
 * The promotion label's words (issue 13, the seed's "立减50元" vs "5折优惠"): the same
 * discount, the price now against the list price, said as an amount off or as a fraction
 * of the price. Always the true discount: a ¥100 product at ¥50 reads 立减50元 or 5折优惠
 * (¥50.00 off, 50% off), so the experiment tests the wording and nothing else.
 * Null when there is no discount worth a label (less than 1 % off).
 */
export function promoWording(
  variant: VariantOf<"promo_label">,
  listPrice: number,
  unitPrice: number | null,
): { key: MessageKey; values: Record<string, string> } | null {
  if (unitPrice === null || listPrice <= 0 || unitPrice >= listPrice) return null;
  const off = listPrice - unitPrice;
  const percentOff = Math.floor((off * 100) / listPrice);
  if (percentOff < 1) return null;
  if (variant === "amount_off") return { key: "promo_amount_off", values: { amount: plainYuan(off), money: formatMoney(off) } };
  // 折 counts tenths of the price paid, to one decimal, never rounded up into a bigger discount: ¥419.30 of ¥599 is 7折.
  const tenths = Math.ceil((unitPrice * 100) / listPrice) / 10;
  return { key: "promo_discount", values: { zhe: trimmed(tenths), percent: String(percentOff) } };
}

/** Fen as yuan without trailing zeros: 5000 → "50", 29950 → "299.5". */
function plainYuan(fen: number): string {
  return trimmed(fen / 100);
}

function trimmed(value: number): string {
  return String(Number(value.toFixed(2)));
}
