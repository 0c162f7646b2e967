/** Formats integer minor units (fen) for display, e.g. 29950 → "¥299.50". Integer arithmetic only. */
export function formatMoney(minorUnits: number, currency: "CNY" = "CNY"): string {
  const sign = minorUnits < 0 ? "-" : "";
  const abs = Math.abs(minorUnits);
  const major = Math.floor(abs / 100);
  const minor = String(abs % 100).padStart(2, "0");
  const symbol = currency === "CNY" ? "¥" : `${currency} `;
  return `${sign}${symbol}${major.toLocaleString("en-US")}.${minor}`;
}
