/**
 * `<input type="datetime-local">` ↔ epoch milliseconds. The input shows the marketer's
 * local time to the minute; the API wants exact epoch ms. An input filled from a sale
 * remembers the exact instant, so saving a form whose time was not touched keeps the
 * seconds and milliseconds the sale had instead of cutting them off.
 */

const pad = (n: number) => String(n).padStart(2, "0");

/** The instant as the input's value: "2026-11-11T00:00" in the browser's time zone. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Shows `ms` (nothing when undefined) and remembers it exactly. */
export function setTime(input: HTMLInputElement, ms: number | undefined): void {
  input.value = ms === undefined ? "" : toLocalInput(ms);
  input.dataset.exact = ms === undefined ? "" : String(ms);
  input.dataset.shown = input.value;
}

/** The instant the input holds: the remembered one while the shown value is untouched; null when empty or invalid. */
export function readTime(input: HTMLInputElement): number | null {
  if (input.value && input.value === input.dataset.shown && input.dataset.exact) return Number(input.dataset.exact);
  const ms = input.value ? new Date(input.value).getTime() : Number.NaN;
  return Number.isFinite(ms) ? ms : null;
}
