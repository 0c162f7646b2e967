import { byId } from "./dom.ts";

let hideTimer: ReturnType<typeof setTimeout> | undefined;

/** The status line at the top: a success for 5 s, an error for 12 s (long enough to read a refusal). */
export function flash(message: string, isError = false): void {
  const el = byId("flash");
  el.textContent = message;
  el.className = isError ? "error" : "";
  el.hidden = false;
  clearTimeout(hideTimer);
  hideTimer = setTimeout(() => (el.hidden = true), isError ? 12_000 : 5_000);
}
