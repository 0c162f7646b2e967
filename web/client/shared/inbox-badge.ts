import { api } from "./api.ts";
import { t } from "./i18n.ts";

/**
 * The header's unread badge (issue 17). Pages are many and the count changes rarely, so a
 * count read is kept for a minute in the tab's sessionStorage: browsing from page to page
 * asks the server at most once a minute. The inbox page sets it whenever it knows better.
 */
const KEY = "inbox-unread";
const FRESH_MS = 60_000;

/** Shows `n` unread on the badge (hidden at 0), and remembers it for the next page. */
export function showUnread(n: number): void {
  const badge = document.getElementById("inbox-badge");
  if (badge) {
    badge.hidden = n <= 0;
    badge.textContent = n > 99 ? "99+" : String(n);
    badge.setAttribute("aria-label", t("inbox_unread", { n }));
    badge.dataset.unread = String(n);
  }
  try {
    sessionStorage.setItem(KEY, JSON.stringify({ n, at: Date.now() }));
  } catch {
    // Storage off (a private window): the next page asks again.
  }
}

function remembered(): number | null {
  try {
    const saved = JSON.parse(sessionStorage.getItem(KEY) ?? "null") as { n?: unknown; at?: unknown } | null;
    if (saved && typeof saved.n === "number" && typeof saved.at === "number" && Date.now() - saved.at < FRESH_MS) return saved.n;
  } catch {
    // Unreadable: ask.
  }
  return null;
}

/** Fills the badge: from the last minute's count, else from the server. A failure leaves it hidden. */
export async function loadUnread(): Promise<void> {
  const known = remembered();
  if (known !== null) return showUnread(known);
  try {
    showUnread((await api<{ unread: number }>("/api/me/inbox/unread-count")).unread);
  } catch {
    // No badge rather than a wrong one.
  }
}
