import { describe, expect, it } from "vitest";
import { type CachedCredential, type CredentialCache, cacheKeys, jsapiTicket } from "../../src/share/wechat-ticket.ts";

/**
 * Getting and caching the jsapi_ticket (src/share/wechat-ticket.ts), on an in-memory cache and
 * a fetch that answers as WeChat's API does: one fetch for concurrent requests, nothing cached
 * that would expire within the refresh margin, and neither secret nor token in a problem.
 */

function memoryCache(): CredentialCache & { entries: Map<string, CachedCredential> } {
  const entries = new Map<string, CachedCredential>();
  return {
    entries,
    get: async (key) => entries.get(key) ?? null,
    put: async (key, entry) => void entries.set(key, entry),
    delete: async (key) => void entries.delete(key),
  };
}

function wechat(answers: { token?: unknown; ticket?: unknown; delayMs?: number } = {}) {
  const urls: string[] = [];
  const fetch = (async (input: string | URL | Request) => {
    const url = String(input);
    urls.push(url);
    if (answers.delayMs) await new Promise((resolve) => setTimeout(resolve, answers.delayMs));
    if (url.includes("/cgi-bin/token")) return Response.json(answers.token ?? { access_token: "TOKEN", expires_in: 7200 });
    return Response.json(answers.ticket ?? { errcode: 0, errmsg: "ok", ticket: "TICKET", expires_in: 7200 });
  }) as typeof globalThis.fetch;
  return { urls, fetch };
}

const base = { appSecret: "s3cret", apiBase: "https://stand-in.test", now: 1_000_000 };

describe("jsapiTicket", () => {
  it("fetches a token and a ticket once for concurrent requests, and caches both until 5 minutes before expiry", async () => {
    const cache = memoryCache();
    const api = wechat({ delayMs: 10 });
    const request = { ...base, appId: "wxA", cache, fetch: api.fetch };
    const answers = await Promise.all([jsapiTicket(request), jsapiTicket(request), jsapiTicket(request)]);
    expect(answers.every((answer) => answer.ok && answer.ticket === "TICKET")).toBe(true);
    expect(api.urls.map((url) => new URL(url).pathname)).toEqual(["/cgi-bin/token", "/cgi-bin/ticket/getticket"]);
    expect(cache.entries.get(cacheKeys("wxA").ticket)).toEqual({ value: "TICKET", usableUntil: 1_000_000 + 7_200_000 - 300_000 });
    expect(await jsapiTicket(request)).toEqual({ ok: true, ticket: "TICKET", cached: true });
    expect(api.urls).toHaveLength(2);
    // Past its usable time, it is asked for again (the token, still usable, is not).
    expect(await jsapiTicket({ ...request, now: 1_000_000 + 6_900_000 })).toMatchObject({ ok: true, cached: false });
    expect(api.urls).toHaveLength(4);
  });

  it("does not cache a credential that would expire within the refresh margin", async () => {
    const cache = memoryCache();
    const api = wechat({ ticket: { errcode: 0, errmsg: "ok", ticket: "SHORT", expires_in: 200 } });
    expect(await jsapiTicket({ ...base, appId: "wxB", cache, fetch: api.fetch })).toMatchObject({ ok: true, ticket: "SHORT" });
    expect(cache.entries.has(cacheKeys("wxB").ticket)).toBe(false);
  });

  it("tells WeChat's errcode and a malformed answer apart, without the secret or the token in the problem", async () => {
    const refused = await jsapiTicket({
      ...base,
      appId: "wxC",
      cache: memoryCache(),
      fetch: wechat({ token: { errcode: 40013, errmsg: "invalid appid" } }).fetch,
    });
    expect(refused).toMatchObject({ ok: false, errcode: 40013 });
    const malformed = await jsapiTicket({ ...base, appId: "wxD", cache: memoryCache(), fetch: wechat({ ticket: "<html>" }).fetch });
    expect(malformed).toMatchObject({ ok: false, errcode: -2 });
    for (const answer of [refused, malformed]) {
      expect(JSON.stringify(answer)).not.toContain("s3cret");
      expect(JSON.stringify(answer)).not.toContain("TOKEN");
    }
  });

  it("treats a cache that fails as empty, and a slow API as unreachable", async () => {
    const broken: CredentialCache = {
      get: () => Promise.reject(new Error("KV down")),
      put: () => Promise.reject(new Error("KV down")),
      delete: () => Promise.reject(new Error("KV down")),
    };
    expect(await jsapiTicket({ ...base, appId: "wxE", cache: broken, fetch: wechat().fetch })).toMatchObject({
      ok: true,
      ticket: "TICKET",
    });
    const slow = await jsapiTicket({ ...base, appId: "wxF", cache: memoryCache(), fetch: wechat({ delayMs: 200 }).fetch, timeoutMs: 20 });
    expect(slow).toMatchObject({ ok: false, errcode: -3 });
  });
});
