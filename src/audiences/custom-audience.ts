/**
 * The ad platforms' custom-audience file (issue 18): one identifier per line, normalised and
 * SHA-256-hashed, under the platform's column header. The shop knows its shoppers by their
 * shopper id only (no phone or email is stored), so the identifier is the shopper id as
 * `EXTERN_ID` (Meta's "external id" key; Tencent Ads and others take the same hashed custom id):
 * normalised as the platforms ask (whitespace trimmed, lower case), then SHA-256 as 64 lower-case
 * hex digits. The same shopper always hashes the same, so an advertiser matches their own
 * upload of the shop's ids and learns nothing from the file they did not have.
 */

/** The file's header line: the platform's name for the identifier column. */
export const CUSTOM_AUDIENCE_HEADER = "EXTERN_ID";

/** An identifier as the platforms normalise it before hashing. */
export function normaliseIdentifier(id: string): string {
  return id.trim().toLowerCase();
}

/** SHA-256 of the normalised identifier, lower-case hex (Web Crypto: the same in the Worker and Node). */
export async function hashIdentifier(id: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(normaliseIdentifier(id)));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The header line, CRLF-terminated. */
export function customAudienceHeader(): string {
  return `${CUSTOM_AUDIENCE_HEADER}\r\n`;
}

/** Lines for these shoppers, each its hash, CRLF-terminated (hex needs no quoting). */
export async function customAudienceLines(shopperIds: readonly string[]): Promise<string> {
  const hashes = await Promise.all(shopperIds.map(hashIdentifier));
  return hashes.map((h) => `${h}\r\n`).join("");
}

/** The file's name: `lookalike-<id>-<percent>pct.csv`. */
export function customAudienceFilename(id: string, percent: number): string {
  return `lookalike-${id}-${String(percent).replace(".", "_")}pct.csv`;
}
