/**
 * What the server, the sale page and its script agree on about the Turnstile widget (issue 12).
 * No imports: the page's script bundles this file.
 */

/** Turnstile's origin: its script and its challenge frame, and so the page's CSP (security-headers.ts). */
export const TURNSTILE_ORIGIN = "https://challenges.cloudflare.com";
/** The widget's script, fetched from this exact address (Cloudflare: never proxied or cached), explicit rendering. */
export const TURNSTILE_SCRIPT_URL = `${TURNSTILE_ORIGIN}/turnstile/v0/api.js?render=explicit`;
/** The request header of POST /api/checkout that carries the token: the body stays `{ sku, qty }`. */
export const TURNSTILE_TOKEN_HEADER = "CF-Turnstile-Response";
/** The widget's action, which Siteverify's answer must name: a token of another widget of the site key does not pass. */
export const TURNSTILE_ACTION = "checkout";
