import { createRemoteJWKSet, errors, jwtVerify } from "jose";
import { normalizeEmail } from "./account.ts";

/**
 * Cloudflare Access in front of /admin (issue 11): Access signs in the person at the edge
 * and hands the Worker a JWT in the `Cf-Access-Jwt-Assertion` header. It is verified here
 * against the team's public keys (RS256, the JWKS at
 * `https://<team>.cloudflareaccess.com/cdn-certs/jwks`), its issuer (the team domain) and its
 * audience (the Access application's AUD tag); its `email` is then the staff account's.
 * Checking the signature matters: without it anyone who reaches the Worker around Access
 * (its workers.dev address) could send the header.
 */
export interface AccessConfig {
  /** `https://<team>.cloudflareaccess.com` */
  issuer: string;
  /** The Access application's AUD tag. */
  audience: string;
  /** Where the team's keys are: the issuer's `/cdn-certs/jwks`, unless ACCESS_CERTS_URL says otherwise (tests serve their own). */
  certsUrl: string;
}

type AccessEnv = { ACCESS_TEAM_DOMAIN?: string | undefined; ACCESS_AUD?: string | undefined; ACCESS_CERTS_URL?: string | undefined };

const TEAM = /^(?:https:\/\/)?([a-z0-9][a-z0-9-]{0,62})(?:\.cloudflareaccess\.com)?\/?$/i;

/**
 * Access settings, or null when Access is not configured: both ACCESS_TEAM_DOMAIN (the team
 * name, or its `<team>.cloudflareaccess.com` domain) and ACCESS_AUD are needed, and a team
 * domain that is not one counts as unset rather than trusting some other issuer.
 */
export function accessConfig(env: AccessEnv): AccessConfig | null {
  const team = TEAM.exec(env.ACCESS_TEAM_DOMAIN?.trim() ?? "")?.[1]?.toLowerCase();
  const audience = env.ACCESS_AUD?.trim();
  if (!team || !audience) return null;
  const issuer = `https://${team}.cloudflareaccess.com`;
  return { issuer, audience, certsUrl: env.ACCESS_CERTS_URL?.trim() || `${issuer}/cdn-certs/jwks` };
}

export type AccessVerdict =
  | { ok: true; email: string }
  /** `invalid`: the assertion proves nothing (401); `unavailable`: the keys could not be fetched (503). */
  | { ok: false; reason: "invalid" | "unavailable"; detail: string };

/**
 * One key set per address for the isolate's life: jose caches the keys (10 minutes) and
 * refetches them when a token names a key it does not know, which is how Access rotates.
 */
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

function keySet(url: string): ReturnType<typeof createRemoteJWKSet> {
  let set = keySets.get(url);
  if (!set) {
    set = createRemoteJWKSet(new URL(url));
    keySets.set(url, set);
  }
  return set;
}

/** Verifies an Access assertion at `now` (server clock, ms) and reads its email. */
export async function verifyAccessAssertion(assertion: string, config: AccessConfig, now: number): Promise<AccessVerdict> {
  try {
    const { payload } = await jwtVerify(assertion, keySet(config.certsUrl), {
      issuer: config.issuer,
      audience: config.audience,
      algorithms: ["RS256"],
      currentDate: new Date(now),
      requiredClaims: ["exp", "iat"],
    });
    // A service token's assertion has no email (it names a `common_name`): systems use API keys here.
    if (typeof payload.email !== "string" || payload.email === "")
      return { ok: false, reason: "invalid", detail: "the assertion names no email" };
    return { ok: true, email: normalizeEmail(payload.email) };
  } catch (error) {
    if (keysUnavailable(error)) return { ok: false, reason: "unavailable", detail: "Cloudflare Access's keys could not be fetched" };
    return { ok: false, reason: "invalid", detail: describeRefusal(error) };
  }
}

/** The keys did not arrive (timeout, network, not a 200 or not a key set), as against a token that fails them. */
function keysUnavailable(error: unknown): boolean {
  if (!(error instanceof errors.JOSEError)) return true;
  return error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || error.code === "ERR_JOSE_GENERIC";
}

function describeRefusal(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "the assertion has expired";
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "iss") return "the assertion was issued by another team";
    if (error.claim === "aud") return "the assertion is for another Access application";
    return `the assertion's ${error.claim} claim is not acceptable`;
  }
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWSSignatureVerificationFailed)
    return "the assertion is not signed by this team's keys";
  return "the assertion is malformed";
}
