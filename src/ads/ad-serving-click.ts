import { sign, verify } from "../signing.ts";

/**
 * The ads' click links (issue 18): `/ads/click/<token>`, the token an HMAC-SHA256-signed record
 * of the impression it came from. The click route counts a click only for a token the Worker
 * signed, and sends the shopper to the creative's target as the campaign has it saved (looked
 * up by the ids in the token), never to a URL taken from the request: no open redirect.
 */

/** What a click link says about its impression. */
export interface ClickRecord {
  /** The impression's id: the `ad_impression` event's and the `ad_click` event's key. */
  impressionId: string;
  campaignId: string;
  creativeId: string;
  placement: string;
  /** The creative's experiment variant letter, when an experiment chose it. */
  variant: string | null;
  shopperId: string;
  /** When the impression was served (ms). */
  servedAt: number;
}

/** A click link is good this long after its impression. */
export const CLICK_TTL_MS = 7 * 24 * 3_600_000;

/** The signing key is the session secret, kept apart from session cookies by a purpose prefix. */
const keyOf = (secret: string) => `ad-click\u0000${secret}`;

const toUrlSafe = (base64: string) => base64.replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
const fromUrlSafe = (text: string) => {
  const base64 = text.replaceAll("-", "+").replaceAll("_", "/");
  return base64 + "=".repeat((4 - (base64.length % 4)) % 4);
};

function encodeRecord(record: ClickRecord): string {
  const fields = [
    record.impressionId,
    record.campaignId,
    record.creativeId,
    record.placement,
    record.variant ?? "",
    record.shopperId,
    record.servedAt,
  ];
  return toUrlSafe(btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(fields)))));
}

function decodeRecord(text: string): ClickRecord | null {
  try {
    const bytes = Uint8Array.from(atob(fromUrlSafe(text)), (ch) => ch.charCodeAt(0));
    const fields: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (!Array.isArray(fields) || fields.length !== 7) return null;
    const [impressionId, campaignId, creativeId, placement, variant, shopperId, servedAt] = fields;
    const strings = [impressionId, campaignId, creativeId, placement, variant, shopperId];
    if (!strings.every((s) => typeof s === "string") || typeof servedAt !== "number") return null;
    return {
      impressionId,
      campaignId,
      creativeId,
      placement,
      variant: variant === "" ? null : variant,
      shopperId,
      servedAt,
    } as ClickRecord;
  } catch {
    return null;
  }
}

/** The token of a click link: `<record>.<signature>`, both base64url, safe in a path. */
export async function signClick(record: ClickRecord, secret: string): Promise<string> {
  const signed = await sign(encodeRecord(record), keyOf(secret));
  const dot = signed.lastIndexOf(".");
  return `${signed.slice(0, dot)}.${toUrlSafe(signed.slice(dot + 1))}`;
}

/** The record of a token the Worker signed and that has not expired at `now`; else null. */
export async function verifyClick(token: string, secret: string, now: number): Promise<ClickRecord | null> {
  if (token.length > 1_024) return null;
  const dot = token.lastIndexOf(".");
  if (dot <= 0) return null;
  const value = await verify(`${token.slice(0, dot)}.${fromUrlSafe(token.slice(dot + 1))}`, keyOf(secret));
  if (value === null) return null;
  const record = decodeRecord(value);
  if (!record || now - record.servedAt > CLICK_TTL_MS || record.servedAt > now + 60_000) return null;
  return record;
}
