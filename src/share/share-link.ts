/**
 * Share links (issue 14): every link a shopper shares carries the five standard UTM
 * parameters and the sharer's referral code (`ref`, src/share/referral-code.ts), never the
 * shopper id. Landing on one is read back with readLanding, which accepts whatever a stranger
 * typed into the address bar without throwing.
 *
 * UTM is modelled as the events already carry it (src/events/event.ts `Utm`): source, medium,
 * campaign, term and content, each optional on the way in.
 */
import type { Utm } from "../events/event.ts";
import { isReferralCode } from "./referral-code.ts";

/** The most characters a UTM value may have, on a link we make and on one we read. */
export const MAX_UTM_LENGTH = 100;

/** The query parameter that carries the sharer's referral code. */
export const REFERRAL_PARAM = "ref";

const UTM_FIELDS = ["source", "medium", "campaign", "term", "content"] as const;
type UtmField = (typeof UTM_FIELDS)[number];

/** utm_term when the sharer gives none and the link names no SKU. */
export const DEFAULT_UTM_TERM = "all";
/** utm_content when none is given: the link invites to a team, the flash sale's share. */
export const DEFAULT_UTM_CONTENT = "team";

export interface ShareLinkInput {
  /** The shop's origin, e.g. `https://shop.example`. */
  origin: string;
  /** The page shared, e.g. `/sales/sku-1`; may carry a query of its own, which is kept. */
  path: string;
  /** Where the link is shared: `wechat`, `weibo`, `link`… */
  source: string;
  /** How: `social`, `referral`, `share`… */
  medium: string;
  campaign: string;
  /** The SKU shared, the default term. */
  sku?: string;
  /** Defaults to the SKU, else DEFAULT_UTM_TERM. */
  term?: string;
  /** Defaults to DEFAULT_UTM_CONTENT. */
  content?: string;
  referralCode: string;
}

/** A UTM value we would accept back from readLanding: 1–100 characters, no control characters. */
function isUtmValue(value: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  return value.length >= 1 && value.length <= MAX_UTM_LENGTH && !/[\u0000-\u001f\u007f]/.test(value) && value.trim() === value;
}

/**
 * The URL of a share link: `origin` + `path` with utm_source, utm_medium, utm_campaign,
 * utm_term and utm_content (all five, always) and `ref`. Any UTM or `ref` already in `path`
 * is replaced, so a link reshared from a landing page names the new sharer, not the old.
 * Throws a RangeError for values our own code should never pass (a bad origin or path, a UTM
 * value readLanding would drop, a malformed referral code): a link that would not be read
 * back as written is a bug, not a shopper's mistake.
 */
export function shareLink(input: ShareLinkInput): string {
  const utm: Record<UtmField, string> = {
    source: input.source,
    medium: input.medium,
    campaign: input.campaign,
    term: input.term ?? input.sku ?? DEFAULT_UTM_TERM,
    content: input.content ?? DEFAULT_UTM_CONTENT,
  };
  for (const field of UTM_FIELDS) {
    if (!isUtmValue(utm[field]))
      throw new RangeError(`utm_${field} must be 1–${MAX_UTM_LENGTH} characters with no control characters or edge spaces`);
  }
  if (!isReferralCode(input.referralCode)) throw new RangeError("not a referral code");
  if (!input.path.startsWith("/") || input.path.startsWith("//")) throw new RangeError("the path must start with a single /");
  const base = new URL(input.origin);
  if (base.protocol !== "https:" && base.protocol !== "http:") throw new RangeError("the origin must be http or https");
  const url = new URL(input.path, base.origin);
  for (const field of UTM_FIELDS) url.searchParams.delete(`utm_${field}`);
  url.searchParams.delete(REFERRAL_PARAM);
  for (const field of UTM_FIELDS) url.searchParams.append(`utm_${field}`, utm[field]);
  url.searchParams.append(REFERRAL_PARAM, input.referralCode);
  return url.href;
}

/** What a landing URL says of how the shopper got here. */
export interface Landing {
  /** The UTM values present and acceptable; a missing, empty, overlong or junk one is left out. */
  utm: Utm;
  /** The sharer's referral code when the link carries a well-formed one, else null. */
  referralCode: string | null;
}

/** URLs longer than this are not read at all: no shop link needs 8 KiB. */
const MAX_URL_LENGTH = 8_192;

/**
 * The UTM values and referral code of a landing URL (absolute, or a path with a query). Never
 * throws: a URL that does not parse, or is longer than 8 KiB, lands as nothing. Each value is
 * the first of its name; one that is not 1–100 characters without control characters is
 * dropped on its own, leaving the others. A referral code is lowercased and kept only when
 * well formed; whether it belongs to anyone is for the lookup table (referral_codes).
 */
export function readLanding(url: string | URL): Landing {
  const none: Landing = { utm: {}, referralCode: null };
  let params: URLSearchParams;
  try {
    const text = typeof url === "string" ? url : url.href;
    if (text.length > MAX_URL_LENGTH) return none;
    params = new URL(text, "http://landing.invalid").searchParams;
  } catch {
    return none;
  }
  const utm: Utm = {};
  for (const field of UTM_FIELDS) {
    const value = params.get(`utm_${field}`)?.trim();
    if (value !== undefined && isUtmValue(value)) utm[field] = value;
  }
  const ref = params.get(REFERRAL_PARAM)?.trim().toLowerCase() ?? null;
  return { utm, referralCode: isReferralCode(ref) ? ref : null };
}
