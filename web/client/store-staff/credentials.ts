/**
 * The till's sign-in (issue 15): the store id and the staff token (`sst_<tokenId>_<secret>`),
 * kept in this browser's localStorage so a till stays signed in across reloads and restarts
 * (a shared device signs out with "Sign out", which forgets both). The token is sent only as a
 * bearer header, never in a URL that reaches the server: the console's QR code opens
 * `/store#token=…&store=…`, and a fragment stays in the browser; the page reads it, stores it
 * and takes it out of the address bar and history at once.
 */
export interface TillCredentials {
  storeId: string;
  token: string;
}

const KEY = "till.credentials";
const STORE_ID = /^[a-z0-9][a-z0-9-]{1,39}$/;
/** Loosely: the prefix and some length; whether it is a live token is the server's to say. */
const TOKEN = /^sst_[^\s]{20,}$/;

export const looksLikeToken = (token: string) => TOKEN.test(token);
export const looksLikeStoreId = (storeId: string) => STORE_ID.test(storeId);

export function savedCredentials(): TillCredentials | null {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? "null") as Partial<TillCredentials> | null;
    return saved && typeof saved.storeId === "string" && typeof saved.token === "string"
      ? { storeId: saved.storeId, token: saved.token }
      : null;
  } catch {
    return null;
  }
}

export function saveCredentials(credentials: TillCredentials): void {
  localStorage.setItem(KEY, JSON.stringify(credentials));
}

export function forgetCredentials(): void {
  localStorage.removeItem(KEY);
}

/**
 * What the address's fragment carries (`#token=…`, optionally `&store=…`), taken out of the
 * address (replaceState: not even the history keeps it). Nothing when it carries no token.
 */
export function takeFromFragment(): { token: string; storeId: string | null } | null {
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ""));
  const token = fragment.get("token");
  if (!token) return null;
  history.replaceState(null, "", `${location.pathname}${location.search}`);
  return { token: token.trim(), storeId: fragment.get("store")?.trim() || null };
}
