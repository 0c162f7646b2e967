/**
 * The jsapi_ticket a WeChat JS-SDK signature needs (issue 14), fetched and cached: WeChat
 * limits how often the access_token and the ticket may be asked for (2,000 tokens a day) and
 * asks that both be cached globally, not per page view. So both go to a cache shared by every
 * isolate (the storefront's KV), each kept until 5 minutes before WeChat says it expires
 * (`usableUntil`), and asked for again only then. Within an isolate, concurrent requests for a
 * missing ticket share one fetch.
 *
 * The fetch is injected and the API base configurable (WECHAT_API_BASE): tests answer for
 * WeChat with a stand-in. Never throws; the app secret and the token are never in a problem.
 */
import { withTimeout } from "../timeout.ts";
import {
  accessTokenUrl,
  jsapiTicketUrl,
  readAccessTokenAnswer,
  readTicketAnswer,
  usableUntil,
  WECHAT_API_BASE,
  type WechatAnswer,
} from "./wechat-signature.ts";

/** Per call to WeChat's API: a share sheet cannot wait long. */
export const WECHAT_TIMEOUT_MS = 3_000;

/**
 * WeChat's codes for an access_token that is no longer good (40001 invalid credential, 40014
 * invalid access_token, 42001 expired): the cached token is dropped and a fresh one asked for,
 * once.
 */
const STALE_TOKEN = new Set([40001, 40014, 42001]);

/** A cached credential: its value and until when (epoch ms) it may be used. */
export interface CachedCredential {
  value: string;
  usableUntil: number;
}

/** Where the token and ticket are kept between requests. */
export interface CredentialCache {
  get(key: string): Promise<CachedCredential | null>;
  put(key: string, entry: CachedCredential, now: number): Promise<void>;
  delete(key: string): Promise<void>;
}

/** KV's shortest expiration, in seconds. */
const KV_MIN_TTL_S = 60;

/** What kvCredentialCache needs of a KV namespace (a `KVNamespace`; named here so the module also builds outside workerd). */
export interface KvStore {
  get(key: string, type: "json"): Promise<unknown>;
  put(key: string, value: string, options: { expirationTtl: number }): Promise<void>;
  delete(key: string): Promise<void>;
}

/** A CredentialCache in a KV namespace: JSON entries that KV also expires itself (at least 60 s on). */
export function kvCredentialCache(kv: KvStore): CredentialCache {
  return {
    async get(key) {
      const entry = (await kv.get(key, "json")) as CachedCredential | null;
      return entry && typeof entry.value === "string" && typeof entry.usableUntil === "number" ? entry : null;
    },
    async put(key, entry, now) {
      const ttl = Math.max(KV_MIN_TTL_S, Math.ceil((entry.usableUntil - now) / 1000));
      await kv.put(key, JSON.stringify(entry), { expirationTtl: ttl });
    },
    delete: (key) => kv.delete(key),
  };
}

/** The cache keys of an app's credentials. */
export const cacheKeys = (appId: string) => ({ token: `wechat:access_token:${appId}`, ticket: `wechat:jsapi_ticket:${appId}` });

export interface TicketRequest {
  appId: string;
  appSecret: string;
  /** WECHAT_API_BASE; empty or absent: WeChat's own. */
  apiBase?: string | undefined;
  cache: CredentialCache;
  /** Epoch ms. */
  now: number;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** The ticket, or why there is none: WeChat's error (`errcode`), or no usable answer at all. */
export type TicketResult = { ok: true; ticket: string; cached: boolean } | { ok: false; problem: string; errcode?: number };

const inFlight = new Map<string, Promise<TicketResult>>();

/** The app's jsapi_ticket: the cached one while usable, else fetched (with an access_token, cached too) and cached. */
export async function jsapiTicket(request: TicketRequest): Promise<TicketResult> {
  const keys = cacheKeys(request.appId);
  const cached = await readCache(request.cache, keys.ticket, request.now);
  if (cached !== null) return { ok: true, ticket: cached, cached: true };
  let pending = inFlight.get(request.appId);
  if (!pending) {
    pending = fetchTicket(request).finally(() => inFlight.delete(request.appId));
    inFlight.set(request.appId, pending);
  }
  return pending;
}

async function fetchTicket(request: TicketRequest): Promise<TicketResult> {
  const keys = cacheKeys(request.appId);
  const base = request.apiBase?.trim() || WECHAT_API_BASE;
  for (let attempt = 1; attempt <= 2; attempt++) {
    const token = await accessToken(request, base, keys.token);
    if (!token.ok) return token;
    const answer = await ask(jsapiTicketUrl(token.token, base), readTicketAnswer, request);
    if (answer.ok) {
      const until = usableUntil(request.now, answer.value.expiresIn);
      if (until > request.now)
        await writeCache(request.cache, keys.ticket, { value: answer.value.ticket, usableUntil: until }, request.now);
      return { ok: true, ticket: answer.value.ticket, cached: false };
    }
    if (attempt === 1 && token.cached && STALE_TOKEN.has(answer.errcode)) {
      await request.cache.delete(keys.token).catch(() => undefined);
      continue;
    }
    return { ok: false, problem: `no jsapi_ticket from WeChat: ${answer.errcode} ${answer.errmsg}`, errcode: answer.errcode };
  }
  return { ok: false, problem: "no jsapi_ticket from WeChat" };
}

type TokenResult = { ok: true; token: string; cached: boolean } | { ok: false; problem: string; errcode?: number };

async function accessToken(request: TicketRequest, base: string, key: string): Promise<TokenResult> {
  const cached = await readCache(request.cache, key, request.now);
  if (cached !== null) return { ok: true, token: cached, cached: true };
  const answer = await ask(accessTokenUrl(request.appId, request.appSecret, base), readAccessTokenAnswer, request);
  if (!answer.ok) return { ok: false, problem: `no access_token from WeChat: ${answer.errcode} ${answer.errmsg}`, errcode: answer.errcode };
  const until = usableUntil(request.now, answer.value.expiresIn);
  if (until > request.now) await writeCache(request.cache, key, { value: answer.value.accessToken, usableUntil: until }, request.now);
  return { ok: true, token: answer.value.accessToken, cached: false };
}

/** A cached value still usable at `now`, else null; a cache that fails to answer is as good as empty. */
async function readCache(cache: CredentialCache, key: string, now: number): Promise<string | null> {
  const entry = await cache.get(key).catch(() => null);
  return entry !== null && entry.usableUntil > now ? entry.value : null;
}

/** Caching is a saving, not a condition: a cache that refuses the write costs a fetch next time. */
async function writeCache(cache: CredentialCache, key: string, entry: CachedCredential, now: number): Promise<void> {
  await cache
    .put(key, entry, now)
    .catch((error: Error) => console.error(`wechat: could not cache ${key.split(":")[1]} (${error.message})`));
}

/** Wrong status, no JSON, unreachable or too slow: told apart from WeChat's own errors by a code WeChat never uses. */
const UNREACHABLE = -3;

/** One GET of WeChat's API, read by `read`; a failure to get an answer at all is an errcode of its own (-3). */
async function ask<T>(url: string, read: (json: unknown) => WechatAnswer<T>, request: TicketRequest): Promise<WechatAnswer<T>> {
  const doFetch = request.fetch ?? globalThis.fetch;
  const abort = new AbortController();
  try {
    const { status, text } = await withTimeout(
      (async () => {
        const response = await doFetch(url, { signal: abort.signal });
        return { status: response.status, text: await response.text() };
      })(),
      request.timeoutMs ?? WECHAT_TIMEOUT_MS,
    );
    if (status < 200 || status > 299) return { ok: false, errcode: UNREACHABLE, errmsg: `HTTP ${status}` };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return read(json);
  } catch (error) {
    abort.abort();
    // The URL carries the secret or the token: only the error's kind is told.
    return { ok: false, errcode: UNREACHABLE, errmsg: `unreachable (${error instanceof Error ? error.name : "error"})` };
  }
}
