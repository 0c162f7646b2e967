import { TURNSTILE_ORIGIN } from "../../../src/bot-check/widget.ts";

/**
 * The security headers of every shop page (`/`, `/sales/:sku`, `/orders/:id`, the 404 page).
 *
 * Not nonce-based like /admin: the home and sale pages are shared and cached at the edge,
 * so a nonce would be handed to every shopper the cached copy is served to. None is needed:
 * the pages run no inline script (only the hashed `/assets/*.js` modules; the
 * `<script type="application/json">` data islands are never executed) and carry no inline
 * style attribute (the scripts set widths through the CSSOM, which a policy does not govern).
 * `connect-src 'self'` covers the live feed, a same-origin WebSocket (CSP Level 3 matches
 * ws:/wss: of the page's own host under 'self'). The sale page with the Turnstile widget (issue 12)
 * also allows Turnstile's origin for scripts and frames, only then; a livestream's page (issue 15)
 * the one origin its stream comes from, as media for a <video> or a frame for an embedded player.
 */
function contentSecurityPolicy(page: ShopPagePolicy): string {
  return [
    "default-src 'self'",
    page.turnstile ? `script-src 'self' ${TURNSTILE_ORIGIN}` : "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:", // the icon is `data:,`
    // A livestream's own stream (issue 15): the one origin its <video> plays from (HLS fetches its playlist and segments as media).
    ...(page.streamOrigin && page.embed === "video" ? [`media-src 'self' ${page.streamOrigin}`] : []),
    "connect-src 'self'",
    "font-src 'self'",
    // Turnstile's challenge runs in a frame of its own origin (issue 12).
    ...(page.turnstile ? [`frame-src ${TURNSTILE_ORIGIN}`] : []),
    // A livestream embedded as a player page (issue 15): that origin only, in a sandboxed frame.
    ...(page.streamOrigin && page.embed === "iframe" ? [`frame-src ${page.streamOrigin}`] : []),
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** What a page embeds beyond its own origin. */
export interface ShopPagePolicy {
  /**
   * The Turnstile widget (the sale page when TURNSTILE_SITE_KEY is set): its script and its
   * frame from https://challenges.cloudflare.com, exactly what Cloudflare's CSP reference asks
   * for (developers.cloudflare.com/turnstile/reference/content-security-policy/), and nothing
   * when the widget is off.
   */
  turnstile?: boolean;
  /** A livestream's page (issue 15): the origin of its stream, and whether a <video> plays it or an <iframe> shows it. */
  streamOrigin?: string;
  embed?: "video" | "iframe";
}

/** The headers of a shop page; `page` widens the policy for what it embeds. */
export function shopPageHeaders(page: ShopPagePolicy = {}): Readonly<Record<string, string>> {
  return {
    "Content-Security-Policy": contentSecurityPolicy(page),
    "X-Frame-Options": "DENY", // frame-ancestors for browsers that predate it
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
  };
}

export const SHOP_PAGE_HEADERS: Readonly<Record<string, string>> = shopPageHeaders();

/**
 * Sets the headers on a page's response as it leaves, whether just rendered or taken from
 * the edge cache (so an entry stored before a policy change is served with today's policy).
 */
export function withShopPageHeaders(response: Response, page: ShopPagePolicy = {}): Response {
  const secured = new Response(response.body, response);
  for (const [name, value] of Object.entries(shopPageHeaders(page))) secured.headers.set(name, value);
  return secured;
}
