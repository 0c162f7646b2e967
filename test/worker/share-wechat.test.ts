import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cacheKeys } from "../../src/share/wechat-ticket.ts";
import { wechatSignature } from "../../src/share/wechat-signature.ts";
import worker from "../../workers/storefront/index.ts";
import type { ApiError } from "./support.ts";

/**
 * GET /api/share/wechat-config (issue 14) through the Worker, with WeChat's API answered by a
 * local stand-in at WECHAT_API_BASE (tests have no network, and WeChat's real API wants a real
 * official account): the token and ticket endpoints as WeChat documents them, counting calls so
 * the caching shows, and answering an errcode when a test asks.
 */

const STAND_IN = "https://wechat.stand-in.test";
const SECRET = "stand-in-app-secret";
/** The ticket of WeChat's documented signature example. */
const TICKET = "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg";

interface Call {
  path: string;
  params: Record<string, string>;
}
let calls: Call[];
/** What the stand-in's ticket endpoint answers next, when set: WeChat's error shape. */
let ticketError: { errcode: number; errmsg: string } | null;
let tokenError: { errcode: number; errmsg: string } | null;
let tokens = 0;
/** The stand-in as though WeChat's API were unreachable. */
let down: boolean;
const realFetch = globalThis.fetch;

beforeEach(() => {
  calls = [];
  ticketError = null;
  tokenError = null;
  down = false;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.origin !== STAND_IN) return realFetch(input, init);
    calls.push({ path: url.pathname, params: Object.fromEntries(url.searchParams) });
    if (down) throw new TypeError("Network connection lost");
    if (url.pathname === "/cgi-bin/token") {
      if (tokenError) return Response.json(tokenError);
      if (url.searchParams.get("grant_type") !== "client_credential" || url.searchParams.get("secret") !== SECRET) {
        return Response.json({ errcode: 40125, errmsg: "invalid appsecret" });
      }
      tokens += 1;
      return Response.json({ access_token: `ACCESS_TOKEN_${tokens}`, expires_in: 7200 });
    }
    if (url.pathname === "/cgi-bin/ticket/getticket") {
      if (ticketError) return Response.json(ticketError);
      if (!url.searchParams.get("access_token")?.startsWith("ACCESS_TOKEN_") || url.searchParams.get("type") !== "jsapi") {
        return Response.json({ errcode: 40001, errmsg: "invalid credential" });
      }
      return Response.json({ errcode: 0, errmsg: "ok", ticket: TICKET, expires_in: 7200 });
    }
    return new Response("not found", { status: 404 });
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** An app id of this test only: the cache is per app id. */
const appId = () => `wx${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;

async function config(url: string, overrides: Partial<Env> = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.request(
    `https://shop.test/api/share/wechat-config?url=${encodeURIComponent(url)}`,
    {},
    { ...env, WECHAT_API_BASE: STAND_IN, ...overrides },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

interface Config {
  appId: string;
  timestamp: number;
  nonceStr: string;
  signature: string;
}

describe("GET /api/share/wechat-config", () => {
  it("is off without WECHAT_APP_ID and WECHAT_APP_SECRET: 404 not_found saying so, and WeChat is not asked", async () => {
    for (const overrides of [
      {},
      { WECHAT_APP_ID: "wx1" },
      { WECHAT_APP_SECRET: SECRET },
      { WECHAT_APP_ID: " ", WECHAT_APP_SECRET: SECRET },
    ]) {
      const response = await config("https://shop.test/sales/demo-earbuds", overrides);
      expect(response.status).toBe(404);
      const body = await response.json<ApiError>();
      expect(body.error.code).toBe("not_found");
      expect(body.error.message).toMatch(/WeChat sharing is off/);
    }
    expect(calls).toEqual([]);
  });

  it("signs the page as WeChat documents, with a ticket from the token and ticket endpoints, then from the cache", async () => {
    const id = appId();
    const on = { WECHAT_APP_ID: id, WECHAT_APP_SECRET: SECRET };
    const page = "https://shop.test/sales/demo-earbuds?utm_source=wechat&ref=abcdefghijkl#share";
    const response = await config(page, on);
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const answer = await response.json<Config>();
    expect(answer.appId).toBe(id);
    expect(answer.nonceStr).toMatch(/^[0-9a-z]{16}$/);
    expect(Math.abs(answer.timestamp - Date.now() / 1000)).toBeLessThan(60);
    // The signature of the page without its fragment, with the stand-in's ticket (WeChat's example ticket).
    expect(answer.signature).toBe(
      await wechatSignature({ jsapiTicket: TICKET, nonceStr: answer.nonceStr, timestamp: answer.timestamp, url: page.split("#")[0]! }),
    );
    expect(calls.map((call) => call.path)).toEqual(["/cgi-bin/token", "/cgi-bin/ticket/getticket"]);
    expect(calls[0]!.params).toEqual({ grant_type: "client_credential", appid: id, secret: SECRET });
    expect(calls[1]!.params).toMatchObject({ type: "jsapi" });

    // Cached: another page, another nonce, and WeChat is not asked again.
    const again = await (await config("https://shop.test/teams/t1", on)).json<Config>();
    expect(again.signature).toBe(
      await wechatSignature({
        jsapiTicket: TICKET,
        nonceStr: again.nonceStr,
        timestamp: again.timestamp,
        url: "https://shop.test/teams/t1",
      }),
    );
    expect(calls).toHaveLength(2);
    // Kept until five minutes before WeChat's 7200 s.
    const kept = await env.SALES.get<{ value: string; usableUntil: number }>(cacheKeys(id).ticket, "json");
    expect(kept?.value).toBe(TICKET);
    expect(kept!.usableUntil - Date.now()).toBeGreaterThan(6_800_000);
    expect(kept!.usableUntil - Date.now()).toBeLessThanOrEqual(6_900_000);
  });

  it("answers WeChat's errcode as 503 dependency_unavailable, caches nothing, and tries again next time", async () => {
    const id = appId();
    const on = { WECHAT_APP_ID: id, WECHAT_APP_SECRET: SECRET };
    ticketError = { errcode: 45009, errmsg: "reach max api daily quota limit" };
    const refused = await config("https://shop.test/sales/demo-earbuds", on);
    expect(refused.status).toBe(503);
    const body = await refused.json<ApiError>();
    expect(body.error).toMatchObject({ code: "dependency_unavailable", errcode: 45009 });
    expect(JSON.stringify(body)).not.toContain(SECRET);
    expect(await env.SALES.get(cacheKeys(id).ticket)).toBeNull();

    ticketError = null;
    expect((await config("https://shop.test/sales/demo-earbuds", on)).status).toBe(200);
    // The token was cached by the first call: only the ticket was asked for again.
    expect(calls.map((call) => call.path)).toEqual(["/cgi-bin/token", "/cgi-bin/ticket/getticket", "/cgi-bin/ticket/getticket"]);
  });

  it("refuses a wrong app secret as WeChat does (errcode on the token), without the secret in the answer", async () => {
    const response = await config("https://shop.test/", { WECHAT_APP_ID: appId(), WECHAT_APP_SECRET: "wrong-secret" });
    expect(response.status).toBe(503);
    const body = await response.json<ApiError>();
    expect(body.error.errcode).toBe(40125);
    expect(JSON.stringify(body)).not.toContain("wrong-secret");
  });

  it("drops a cached token WeChat no longer takes and asks for a fresh one, once", async () => {
    const id = appId();
    await env.SALES.put(cacheKeys(id).token, JSON.stringify({ value: "REVOKED", usableUntil: Date.now() + 3_600_000 }));
    const response = await config("https://shop.test/sales/demo-earbuds", { WECHAT_APP_ID: id, WECHAT_APP_SECRET: SECRET });
    expect(response.status).toBe(200);
    expect(calls.map((call) => [call.path, call.params.access_token])).toEqual([
      ["/cgi-bin/ticket/getticket", "REVOKED"],
      ["/cgi-bin/token", undefined],
      ["/cgi-bin/ticket/getticket", expect.stringMatching(/^ACCESS_TOKEN_/)],
    ]);
  });

  it("answers 503 when WeChat's API cannot be reached, and refuses to sign another site's page (400)", async () => {
    const on = { WECHAT_APP_ID: appId(), WECHAT_APP_SECRET: SECRET };
    down = true;
    const unreachable = await config("https://shop.test/", on);
    expect(unreachable.status).toBe(503);
    expect(calls).toHaveLength(1);
    down = false;
    for (const url of ["https://evil.example/page", "not a url", "javascript:alert(1)"]) {
      const response = await config(url, on);
      expect(response.status, url).toBe(400);
      expect((await response.json<ApiError>()).error.code).toBe("invalid_request");
    }
  });
});
