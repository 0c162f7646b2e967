/**
 * The security headers of every shop page (`/`, `/sales/:sku`, `/orders/:id`, the 404 page).
 *
 * Not nonce-based like /admin: the home and sale pages are shared and cached at the edge,
 * so a nonce would be handed to every shopper the cached copy is served to. None is needed:
 * the pages run no inline script (only the hashed `/assets/*.js` modules; the
 * `<script type="application/json">` data islands are never executed) and carry no inline
 * style attribute (the scripts set widths through the CSSOM, which a policy does not govern).
 * `connect-src 'self'` covers the live feed, a same-origin WebSocket (CSP Level 3 matches
 * ws:/wss: of the page's own host under 'self').
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:", // the icon is `data:,`
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export const SHOP_PAGE_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy": CONTENT_SECURITY_POLICY,
  "X-Frame-Options": "DENY", // frame-ancestors for browsers that predate it
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "strict-origin-when-cross-origin",
};

/**
 * Sets the headers on a page's response as it leaves, whether just rendered or taken from
 * the edge cache (so an entry stored before a policy change is served with today's policy).
 */
export function withShopPageHeaders(response: Response): Response {
  const secured = new Response(response.body, response);
  for (const [name, value] of Object.entries(SHOP_PAGE_HEADERS)) secured.headers.set(name, value);
  return secured;
}
