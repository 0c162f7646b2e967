import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessConfig, verifyAccessAssertion, type AccessConfig } from "../../src/staff/access.ts";

/**
 * Cloudflare Access verified against a real JWKS served over HTTP, from key pairs made with
 * jose: the same protocol as `https://<team>.cloudflareaccess.com/cdn-certs/jwks`. The clock
 * is the `now` handed in, never waited for.
 */
const TEAM = "flashsale";
const ISSUER = `https://${TEAM}.cloudflareaccess.com`;
const AUD = "4714c1358e65fe4b408ad6d432a5f878f08194bdb4752441fd56faefa9b2b6f2";
const NOW = Date.UTC(2026, 10, 11, 8, 0, 0);

let server: Server;
let base: string;
let teamKey: { privateKey: CryptoKey; jwk: JWK };
let served = 0;

async function keyPair(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" } };
}

beforeAll(async () => {
  teamKey = await keyPair("team-key-1");
  const other = await keyPair("team-key-2"); // a second published key, as Access rotates
  server = createServer((req, res) => {
    served++;
    if (req.url === "/cdn-certs/jwks") {
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ keys: [teamKey.jwk, other.jwk] }));
    } else {
      res.writeHead(500).end("down");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const config = (): AccessConfig => ({ issuer: ISSUER, audience: AUD, certsUrl: `${base}/cdn-certs/jwks` });

/** An assertion as Access issues it: RS256, kid, aud array, email, iat/nbf/exp, issuer. */
function assertion(
  claims: Record<string, unknown> = {},
  options: { key?: CryptoKey; kid?: string; iss?: string; aud?: string; iat?: number; exp?: number } = {},
) {
  const iat = Math.floor((options.iat ?? NOW) / 1000);
  return new SignJWT({ email: "Wang.Fang@Example.com", type: "app", identity_nonce: "n0nce", country: "CN", ...claims })
    .setProtectedHeader({ alg: "RS256", kid: options.kid ?? "team-key-1" })
    .setIssuer(options.iss ?? ISSUER)
    .setAudience([options.aud ?? AUD])
    .setSubject("7335d417-61da-459d-899c-0a01c76a2f94")
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(Math.floor((options.exp ?? NOW + 24 * 3_600_000) / 1000))
    .sign(options.key ?? teamKey.privateKey);
}

describe("Cloudflare Access assertions", () => {
  it("verify against the team's JWKS and give the email, lowercased", async () => {
    expect(await verifyAccessAssertion(await assertion(), config(), NOW)).toEqual({ ok: true, email: "wang.fang@example.com" });
  });

  it("fetch the keys once and reuse them", async () => {
    const before = served;
    for (let i = 0; i < 3; i++) expect((await verifyAccessAssertion(await assertion(), config(), NOW)).ok).toBe(true);
    expect(served - before).toBe(0);
  });

  it("refuse another application's audience", async () => {
    expect(await verifyAccessAssertion(await assertion({}, { aud: "someone-elses-aud" }), config(), NOW)).toEqual({
      ok: false,
      reason: "invalid",
      detail: "the assertion is for another Access application",
    });
  });

  it("refuse another team's issuer", async () => {
    const verdict = await verifyAccessAssertion(await assertion({}, { iss: "https://attacker.cloudflareaccess.com" }), config(), NOW);
    expect(verdict).toEqual({ ok: false, reason: "invalid", detail: "the assertion was issued by another team" });
  });

  it("refuse an expired assertion, and one not yet valid, by the clock handed in", async () => {
    const token = await assertion({}, { iat: NOW - 2 * 3_600_000, exp: NOW - 1_000 });
    expect(await verifyAccessAssertion(token, config(), NOW)).toEqual({
      ok: false,
      reason: "invalid",
      detail: "the assertion has expired",
    });
    expect((await verifyAccessAssertion(token, config(), NOW - 10_000)).ok).toBe(true);
    const early = await assertion({}, { iat: NOW + 3_600_000 });
    expect(await verifyAccessAssertion(early, config(), NOW)).toMatchObject({ ok: false, reason: "invalid" });
  });

  it("refuse a token signed by a key that is not the team's, under a published kid or another", async () => {
    const stranger = await keyPair("team-key-1");
    const sameKid = await verifyAccessAssertion(await assertion({}, { key: stranger.privateKey }), config(), NOW);
    expect(sameKid).toEqual({ ok: false, reason: "invalid", detail: "the assertion is not signed by this team's keys" });
    const unknownKid = await verifyAccessAssertion(await assertion({}, { key: stranger.privateKey, kid: "not-published" }), config(), NOW);
    expect(unknownKid).toEqual({ ok: false, reason: "invalid", detail: "the assertion is not signed by this team's keys" });
  });

  it("refuse an HS256 token made with the public key as its secret (algorithm confusion), and garbage", async () => {
    const hs = await new SignJWT({ email: "x@example.com" })
      .setProtectedHeader({ alg: "HS256", kid: "team-key-1" })
      .setIssuer(ISSUER)
      .setAudience(AUD)
      .setIssuedAt(Math.floor(NOW / 1000))
      .setExpirationTime(Math.floor(NOW / 1000) + 60)
      .sign(new TextEncoder().encode(JSON.stringify(teamKey.jwk)));
    expect(await verifyAccessAssertion(hs, config(), NOW)).toMatchObject({ ok: false, reason: "invalid" });
    expect(await verifyAccessAssertion("not.a.jwt", config(), NOW)).toMatchObject({ ok: false, reason: "invalid" });
  });

  it("refuse an assertion without an email (an Access service token)", async () => {
    const token = await assertion({ email: undefined, common_name: "ci.access" });
    expect(await verifyAccessAssertion(token, config(), NOW)).toEqual({
      ok: false,
      reason: "invalid",
      detail: "the assertion names no email",
    });
  });

  it("say the keys are unavailable when the JWKS cannot be fetched, rather than calling the token invalid", async () => {
    const down = { ...config(), certsUrl: `${base}/down/jwks` };
    expect(await verifyAccessAssertion(await assertion(), down, NOW)).toMatchObject({ ok: false, reason: "unavailable" });
  });
});

describe("Access configuration", () => {
  it("needs a team and an AUD tag, and takes the team as a name or its domain", () => {
    expect(accessConfig({})).toBeNull();
    expect(accessConfig({ ACCESS_TEAM_DOMAIN: TEAM })).toBeNull();
    expect(accessConfig({ ACCESS_AUD: AUD })).toBeNull();
    const expected = { issuer: ISSUER, audience: AUD, certsUrl: `${ISSUER}/cdn-certs/jwks` };
    for (const team of [TEAM, `${TEAM}.cloudflareaccess.com`, `https://${TEAM}.cloudflareaccess.com/`, "FlashSale"]) {
      expect(accessConfig({ ACCESS_TEAM_DOMAIN: team, ACCESS_AUD: AUD })).toEqual(expected);
    }
  });

  it("trusts no other issuer: a domain that is not the team's counts as unset", () => {
    expect(accessConfig({ ACCESS_TEAM_DOMAIN: "evil.example.com", ACCESS_AUD: AUD })).toBeNull();
    expect(accessConfig({ ACCESS_TEAM_DOMAIN: "https://team.cloudflareaccess.com.evil.com", ACCESS_AUD: AUD })).toBeNull();
  });

  it("lets tests point at their own keys", () => {
    expect(accessConfig({ ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD, ACCESS_CERTS_URL: "http://127.0.0.1:9/jwks" })?.certsUrl).toBe(
      "http://127.0.0.1:9/jwks",
    );
  });
});
