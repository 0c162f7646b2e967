import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { chooseLang, type Lang } from "../../../src/i18n/messages.ts";

/** The cookie that remembers a shopper's language choice. */
export const LANG_COOKIE = "lang";

/**
 * The page language: `?lang=` (remembered in a cookie), the cookie, then Accept-Language.
 * Returns whether the choice was just made, since such a response sets a cookie and must
 * not be cached at the edge.
 */
export function pageLang(c: Context): { lang: Lang; chosenNow: boolean } {
  const asked = c.req.query("lang");
  if (asked) {
    const lang = chooseLang(asked, null);
    setCookie(c, LANG_COOKIE, lang, { path: "/", maxAge: 365 * 24 * 3600, sameSite: "Lax" });
    return { lang, chosenNow: true };
  }
  return { lang: chooseLang(getCookie(c, LANG_COOKIE), c.req.header("Accept-Language")), chosenNow: false };
}
