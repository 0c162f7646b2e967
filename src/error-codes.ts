/**
 * Every error code the API answers, with its HTTP status and what it means to a client: the
 * one table. The error handler answers with these statuses, each route's contract declares the
 * codes it can answer and the OpenAPI document is generated from those contracts
 * (workers/storefront/contract/), and a SKU object's own `fetch` (the live feed's upgrade)
 * answers with them too.
 */
export const ERRORS = {
  invalid_request: {
    status: 400,
    meaning:
      "malformed JSON, a body or query failing validation (`problems` lists each issue: coordinates out of range, every bad row of a stores CSV import as `row N, column: message`…), an unknown payment method, or a missing or malformed Idempotency-Key where one is required; nothing was written",
  },
  invalid_code: {
    status: 400,
    meaning:
      "store redemption: the code is neither a coupon id nor a short code (8 Crockford base32 symbols and a check symbol), or its check symbol does not match (a mistyped symbol); nothing was redeemed",
  },
  unauthorized: {
    status: 401,
    meaning:
      "admin: no valid credential (bearer token, API key, session cookie or Cloudflare Access assertion); store staff: no valid staff token (missing, malformed, unknown, revoked, or its store closed down); CRM API: no valid CRM API key (missing, malformed, unknown or revoked)",
  },
  payment_declined: { status: 402, meaning: "the provider declined the charge; the order stays pending" },
  forbidden: {
    status: 403,
    meaning:
      "admin: signed in, but this staff role may not make this call (`role`, `admits`); CRM API: the key lacks the route's scope (`scope`, `scopes`)",
  },
  forbidden_origin: {
    status: 403,
    meaning: "the request's Origin is not this server's own: a page of another site may not make this call; nothing was taken",
  },
  bot_check_failed: {
    status: 403,
    meaning:
      "the shop has its bot check (Cloudflare Turnstile) on, and this checkout carried no token in CF-Turnstile-Response, or one Siteverify refused (invalid, expired, already spent, or solved on another site; `reasons`); get a fresh token and try again; nothing was taken",
  },
  queue_ticket_invalid: {
    status: 403,
    meaning:
      "the sale has a waiting room, and this checkout carried no valid queue ticket in X-Queue-Ticket: none, not one this shop signed, for another sale or another shopper, or expired (`reason`); join the queue (POST /api/skus/{sku}/queue) and send its ticket; nothing was taken",
  },
  not_new_shopper: {
    status: 403,
    meaning: "team-up red packets: this team campaign is for new shoppers only, and this shopper has shopped before; nothing was joined",
  },
  wrong_store: {
    status: 403,
    meaning: "store staff: the staff token was issued for another store than the one in the path (`storeId`); nothing was done",
  },
  wrong_claim_code: {
    status: 403,
    meaning: "livestream coupons: the claim code announced on air was missing or not this livestream's; nothing was claimed",
  },
  not_in_segment: {
    status: 403,
    meaning:
      "coupons: this coupon is for shoppers in some RFM segments (`segments`), and this shopper is in none of them (`segment`: theirs, null when not scored yet); nothing was claimed",
  },
  not_found: { status: 404, meaning: "no such route, no sale for this SKU, or no such order of this shopper" },
  push_not_configured: {
    status: 404,
    meaning: "offers near me: Web Push is off on this shop (no VAPID keys configured); the page still shows offers while it is open",
  },
  not_started: { status: 409, meaning: "the sale, or the team campaign, has not started (`startsAt`)" },
  sale_paused: { status: 409, meaning: "the sale is paused by its marketer; try again later" },
  sold_out: { status: 409, meaning: "no unit left" },
  insufficient_stock: { status: 409, meaning: "fewer units left than asked for (`remaining`)" },
  limit_exceeded: { status: 409, meaning: "over the per-shopper limit (`limit`, `holding`)" },
  checkout_cancelled: { status: 409, meaning: "this Idempotency-Key was cancelled before its Try arrived" },
  no_waiting_room: { status: 409, meaning: "the sale has no waiting room: check out without a queue ticket" },
  order_not_payable: { status: 409, meaning: "the order is cancelled or expired, or its hold ran out (`status`)" },
  order_paid: { status: 409, meaning: "the order is paid and can no longer be cancelled" },
  balance_not_open: {
    status: 409,
    meaning: "presale: the order's deposit is paid, but its balance window has not opened yet (`opensAt`, `closesAt`); pay then",
  },
  presale_no_discounts: {
    status: 422,
    meaning: "presale: coupons and points do not apply to a presale order (its deposit may be worth more instead); check out without them",
  },
  team_full: {
    status: 409,
    meaning: "team-up red packets: every seat of the team is taken (the team completed when the last one was); nothing was joined",
  },
  self_join: { status: 409, meaning: "team-up red packets: the team's leader cannot join their own team; invite friends instead" },
  already_joined: { status: 409, meaning: "team-up red packets: this shopper is already a member of this team" },
  already_in_team: {
    status: 409,
    meaning: "team-up red packets: this shopper already leads or joined another team of this campaign (one team per shopper per campaign)",
  },
  self_referral: {
    status: 409,
    meaning:
      "share links: the landing's referral code (`ref`) is the shopper's own; a shopper cannot refer themself, and nothing was recorded",
  },
  coupon_in_use: {
    status: 409,
    meaning: "the coupon is held by another of the shopper's checkouts; cancel that order (or let it expire) to use it here",
  },
  coupon_used: { status: 409, meaning: "the coupon was spent already (`orderId`)" },
  points_over_cap: {
    status: 422,
    meaning: "points: more points than the order may use (`maxPoints`: half of what is left to pay after coupons); nothing was held",
  },
  coupon_not_applicable: {
    status: 409,
    meaning:
      "the coupon does not apply to this order: another SKU, its threshold not met (`minSpend`, `subtotal`), not usable yet (`validFrom`), two of one kind or more than 3 coupons",
  },
  coupon_not_stackable: { status: 409, meaning: "more than one coupon, and this one (`couponId`) must be used alone" },
  coupon_unavailable: {
    status: 409,
    meaning: "the coupon's hold for this checkout ran out before the order took it (`couponId`); try again",
  },
  coupons_gone: { status: 409, meaning: "every coupon of this kind has been claimed: the pool is empty" },
  not_live: {
    status: 409,
    meaning: "livestream coupons: the livestream is not on air (`startsAt`, `endsAt`): its coupons are claimed only during its window",
  },
  already_redeemed: {
    status: 409,
    meaning: "store redemption: the coupon was redeemed already (`redeemedAt`, `storeId`, `storeName`); nothing changed",
  },
  not_redeemable_here: {
    status: 409,
    meaning: "store redemption: the coupon is not valid in this store (`stores`: where it is); nothing was redeemed",
  },
  store_closed: {
    status: 409,
    meaning: "store redemption: the store redeems only while open, and it is closed now (`opensAt` when known); nothing was redeemed",
  },
  not_refundable: {
    status: 409,
    meaning:
      "refund: the order is not paid, or the refund is more than is left to refund (`refundableAmount`, `refundableUnits`); nothing was refunded",
  },
  invoice_duplicate: {
    status: 409,
    meaning:
      "invoice upload: this invoice (code and number) already earned points, for this shopper or another (`invoiceKey`); nothing was awarded",
  },
  no_price_credit: {
    status: 409,
    meaning:
      "price protection: the order is owed no credit now (`reason`: not_paid, before_purchase, outside_window — the drop fell outside the member's window or their tier has none —, all_refunded, or not_lower — no price below what was paid or already credited down to); nothing was credited",
  },
  points_insufficient: {
    status: 409,
    meaning: "points: fewer points available than asked to hold (`available`); nothing was held",
  },
  points_unavailable: {
    status: 409,
    meaning: "points: this checkout's held points were given back already (or their hold ran out, `heldUntil`); use a new Idempotency-Key",
  },
  conversation_resolved: {
    status: 409,
    meaning: "adviser chat: the conversation is resolved (reopen it to write), or the shopper has a newer one open; nothing was sent",
  },
  conflict: {
    status: 409,
    meaning:
      "admin: the sale changed since it was read (`version`: the current one), a sale for the SKU or a staff account for the email already exists, or the change would put stock below the units sold or held (`problems`, `minimumStock`)",
  },
  ended: { status: 410, meaning: "the sale, or the team campaign's window for starting teams, has ended (`endedAt`)" },
  team_expired: {
    status: 410,
    meaning: "team-up red packets: the team's time to complete ran out before its seats filled (`expiresAt`); it issues nothing",
  },
  coupon_expired: { status: 410, meaning: "the coupon's validity has ended (`validUntil`): it can no longer be claimed or used" },
  payload_too_large: {
    status: 413,
    meaning:
      "the body is larger than this endpoint accepts (`limit`, in bytes: 16 KiB for shopper calls, 256 KiB for admin); refused before it was read in full, nothing taken or written",
  },
  unsupported_media_type: {
    status: 415,
    meaning:
      "not sent with Content-Type: application/json, which every state-changing call requires, also without a body (the stores' CSV import: text/csv); nothing taken or written",
  },
  invoice_unsupported: {
    status: 415,
    meaning: "invoice upload: the file's bytes are not a PNG, a JPEG or a PDF (whatever its Content-Type or name says); nothing was stored",
  },
  idempotency_conflict: {
    status: 422,
    meaning:
      "the Idempotency-Key was already used with a different qty or different coupons (`orderId`), or, on the CRM API, for a different grant (`shopperId`); nothing was granted",
  },
  ad_image_invalid: {
    status: 422,
    meaning:
      "admin ad creatives: the upload is not a PNG, JPEG or WebP image told by its bytes, or its dimensions are out of range (`problems` lists each); nothing was stored",
  },
  invoice_damaged: {
    status: 422,
    meaning:
      "invoice upload: the file is cut short or altered (a PNG without its end, a JPEG without its end marker, a PDF without `%%EOF`), or its image does not decode; nothing was stored",
  },
  invoice_invalid: {
    status: 422,
    meaning:
      "invoice upload: the invoice's data cannot be a real invoice's (a check code that is not 20 digits, a code or number of the wrong length, a zero or huge amount, a date in the future); nothing was awarded",
  },
  invoice_mismatch: {
    status: 422,
    meaning: "invoice upload: its QR code and its printed text disagree (`fields`: which); nothing was awarded",
  },
  invoice_unreadable: {
    status: 422,
    meaning:
      "invoice upload: neither a QR code nor the printed fields (code, number, amount, date, check code) could be read; nothing was awarded",
  },
  rate_limited: {
    status: 429,
    meaning:
      "too many requests from this client: shopper writes from this client address or by this shopper, new shoppers from this address, live-feed sockets, failed staff sign-ins, or wrong store staff tokens from one address; `Retry-After` (and `retryAfter`) says in how many seconds to try again; nothing was taken",
  },
  queue_not_admitted: {
    status: 429,
    meaning:
      "the waiting room has not admitted this ticket yet: come back at `admitAt` (`Retry-After` and `retryAfter` in seconds; `place`); nothing was taken",
  },
  internal: { status: 500, meaning: "an unexpected failure; no detail is disclosed" },
  dependency_unavailable: {
    status: 503,
    meaning:
      "a required secret is missing, the payment provider did not answer, the sale's configuration could not be read (joining a waiting room), or a team for new shoppers could not tell whether the joiner is new (Postgres); admin: Postgres (the audit log) is unreachable, so nothing was saved, or KV could not be written after the running sale took the change (`version`; save again)",
  },
  admin_closed: {
    status: 503,
    meaning: "admin: no way of signing in is configured (none of ADMIN_TOKEN, Cloudflare Access or STAFF_SESSION_SECRET)",
  },
  no_adviser: {
    status: 503,
    meaning: "adviser chat: the roster has no adviser to assign the shopper to yet; nothing was sent",
  },
} as const satisfies Record<string, { status: number; meaning: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** Every code, in the table's order (by status). */
export const ERROR_CODES = Object.keys(ERRORS) as [ErrorCode, ...ErrorCode[]];

/** The HTTP status an error code is answered with. */
export function statusOf(code: ErrorCode): (typeof ERRORS)[ErrorCode]["status"] {
  return ERRORS[code].status;
}

/**
 * The one code answered with `status`, or undefined when none or several are (403, 409, 503):
 * what a refusal that carries only a status (hono's HTTPException) means in our codes.
 */
export function codeOfStatus(status: number): ErrorCode | undefined {
  const codes = ERROR_CODES.filter((code) => ERRORS[code].status === status);
  return codes.length === 1 ? codes[0] : undefined;
}
