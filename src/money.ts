/** Formats integer minor units (fen) for display, e.g. 29950 → "¥299.50". Integer arithmetic only. */
export function formatMoney(minorUnits: number, currency: "CNY" = "CNY"): string {
  const sign = minorUnits < 0 ? "-" : "";
  const abs = Math.abs(minorUnits);
  const major = Math.floor(abs / 100);
  const minor = String(abs % 100).padStart(2, "0");
  const symbol = currency === "CNY" ? "¥" : `${currency} `;
  return `${sign}${symbol}${major.toLocaleString("en-US")}.${minor}`;
}

/**
 * Yuan as a person types it ("599", "599.5", "¥1,299.50", "-1") to integer fen, or null
 * when it is not an amount with at most two decimals. Integer arithmetic only: 0.1 + 0.2
 * never happens to a price.
 */
export function parseYuan(text: string): number | null {
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(text.replace(/[¥,\s]/g, ""));
  if (!match) return null;
  const fen = Number(match[2]) * 100 + Number((match[3] ?? "").padEnd(2, "0"));
  return match[1] ? -fen : fen;
}
