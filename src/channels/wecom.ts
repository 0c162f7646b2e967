import { z } from "zod";
import { usableUntil } from "../share/wechat-signature.ts";
import type { CredentialCache } from "../share/wechat-ticket.ts";
import { withTimeout } from "../timeout.ts";
import type { MessageChannel, OutboundMessage } from "./channel.ts";

/**
 * The WeCom (企业微信) channel (issue 17): a follow-up step or notice sent as an application
 * message of the shop's self-built WeCom app, through WeCom's server API as its documentation
 * gives it:
 *
 * - `GET /cgi-bin/gettoken?corpid=…&corpsecret=…` → `{ errcode: 0, access_token, expires_in }`.
 *   The token is cached (in KV, shared by every isolate: WeCom rate-limits gettoken and asks
 *   that the token be cached) until five minutes before `expires_in` runs out, and asked for
 *   again at once when WeCom answers 40014 (invalid access_token) or 42001 (expired): the
 *   cached one is dropped and the send tried once more with a fresh one.
 * - `POST /cgi-bin/message/send?access_token=…` with `{ touser, msgtype, agentid, … }`: `text`
 *   (the title and body) or, when the message links to the shop and the shop's origin is
 *   configured, `textcard` (title, description, url, button). `enable_duplicate_check` is on,
 *   so WeCom itself drops an identical message to the same person within its interval.
 *   Any `errcode` other than 0, or the person named in `invaliduser`, throws: not accepted,
 *   the step is retried. The token, the secret and the request URL are never in an error.
 *
 * The message's `idempotencyKey` is its identity: a send that succeeded is remembered (KV,
 * `wecom:sent:<key>`, 30 days) and a retry of it sends nothing. Between WeCom's "ok" and that
 * write a crash could still send twice; WeCom's duplicate check covers that gap.
 *
 * Who gets it: WeCom's `message/send` reaches members of the corp by their WeCom userid. A
 * shopper is reached when the corp has them as a member whose userid is set (`wecom:userid:
 * <shopperId>` in KV, written by their adviser from the conversation: PUT /admin/api/
 * conversations/{id}/wecom-user), else under their shop id itself
 * (`shp_…` is a valid userid: a corp importing its members with the shop's ids needs no
 * mapping). The fetch and the API base are injected (WECOM_API_BASE): tests answer with a stand-in.
 */

/** WeCom's server API; WECOM_API_BASE points elsewhere (a stand-in in tests). */
export const WECOM_API_BASE = "https://qyapi.weixin.qq.com";
/** Per call to WeCom: a follow-up can wait, but not hang its alarm. */
export const WECOM_TIMEOUT_MS = 5_000;
/** WeCom's codes for a token that is no longer good: dropped and asked for again, once. */
export const STALE_TOKEN = new Set([40014, 42001]);
/** How long a sent message's key is remembered: longer than any sequence retries a step. */
export const SENT_MEMORY_SECONDS = 30 * 86_400;
/** WeCom's limits (bytes, UTF-8): text content 2048; textcard title 128 and description 512. */
export const WECOM_LIMITS = { text: 2_048, title: 128, description: 512 } as const;

export interface WecomSettings {
  corpId: string;
  agentId: number;
  corpSecret: string;
  /** Where WeCom's API is; empty: WeCom's own. */
  apiBase: string;
  /** The shop's origin (`https://shop.example`): a message with a link goes as a textcard to it. Empty: text. */
  shopOrigin: string;
}

/** The channel's settings from the Worker's environment, or null (off) unless corp, agent and secret are all set. */
export function wecomSettings(env: {
  WECOM_CORP_ID?: string;
  WECOM_AGENT_ID?: string;
  WECOM_CORP_SECRET?: string;
  WECOM_API_BASE?: string;
  WECOM_SHOP_ORIGIN?: string;
}): WecomSettings | null {
  const corpId = env.WECOM_CORP_ID?.trim() ?? "";
  const corpSecret = env.WECOM_CORP_SECRET?.trim() ?? "";
  const agentText = env.WECOM_AGENT_ID?.trim() ?? "";
  if (!corpId || !corpSecret || !agentText) return null;
  const agentId = Number(agentText);
  if (!Number.isSafeInteger(agentId) || agentId <= 0) {
    console.error("wecom: WECOM_AGENT_ID is not a whole number: the channel is off");
    return null;
  }
  return {
    corpId,
    agentId,
    corpSecret,
    apiBase: env.WECOM_API_BASE?.trim() || WECOM_API_BASE,
    shopOrigin: env.WECOM_SHOP_ORIGIN?.trim().replace(/\/+$/, "") ?? "",
  };
}

/** A refusal by WeCom (its errcode), or no answer at all (errcode -3); never carries the token or secret. */
export class WecomError extends Error {
  readonly errcode: number;
  constructor(errcode: number, message: string) {
    super(message);
    this.name = "WecomError";
    this.errcode = errcode;
  }
}

/** Messages already accepted by WeCom, by idempotency key. */
export interface SentMemory {
  has(key: string): Promise<boolean>;
  remember(key: string): Promise<void>;
}

/** What WecomChannel needs besides its settings. */
export interface WecomDeps {
  cache: CredentialCache;
  sent: SentMemory;
  /** The WeCom userid of a shopper. */
  userIdOf: (shopperId: string) => Promise<string>;
  now: () => number;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** `${base}/cgi-bin/${path}`, the base without a trailing slash. */
function apiUrl(base: string, path: string): URL {
  return new URL(`${base.replace(/\/+$/, "")}/cgi-bin/${path}`);
}

/** The gettoken URL (GET). */
export function tokenUrl(settings: Pick<WecomSettings, "corpId" | "corpSecret" | "apiBase">): string {
  const url = apiUrl(settings.apiBase, "gettoken");
  url.searchParams.set("corpid", settings.corpId);
  url.searchParams.set("corpsecret", settings.corpSecret);
  return url.href;
}

/** The message/send URL (POST). */
export function sendUrl(apiBase: string, accessToken: string): string {
  const url = apiUrl(apiBase, "message/send");
  url.searchParams.set("access_token", accessToken);
  return url.href;
}

/** `text` cut to at most `max` UTF-8 bytes on a character boundary, with "…" when cut. */
export function clipBytes(text: string, max: number): string {
  const encoder = new TextEncoder();
  if (encoder.encode(text).length <= max) return text;
  let out = "";
  let bytes = 0;
  const room = max - 3; // "…" is 3 bytes
  for (const char of text) {
    const size = encoder.encode(char).length;
    if (bytes + size > room) break;
    out += char;
    bytes += size;
  }
  return `${out}…`;
}

/** The message/send body of a message to `touser`: a textcard when it links to the shop (and the origin is known), else text. */
export function messageBody(message: OutboundMessage, touser: string, settings: Pick<WecomSettings, "agentId" | "shopOrigin">) {
  const common = { touser, agentid: settings.agentId, enable_duplicate_check: 1, duplicate_check_interval: 1_800 };
  if (message.link && settings.shopOrigin) {
    return {
      ...common,
      msgtype: "textcard" as const,
      textcard: {
        title: clipBytes(message.title, WECOM_LIMITS.title),
        description: clipBytes(message.body, WECOM_LIMITS.description),
        url: new URL(message.link, `${settings.shopOrigin}/`).href,
        btntxt: message.locale === "zh-CN" ? "查看" : "Open",
      },
    };
  }
  return { ...common, msgtype: "text" as const, text: { content: clipBytes(`${message.title}\n${message.body}`, WECOM_LIMITS.text) } };
}

const errorAnswer = z.object({ errcode: z.number().int(), errmsg: z.string().max(1_000).catch("") });
const tokenAnswer = z.object({
  errcode: z.literal(0).optional(),
  access_token: z.string().min(1).max(2_048),
  expires_in: z.number().int().positive(),
});
const sendAnswer = z.object({ errcode: z.literal(0), invaliduser: z.string().max(10_000).optional() });

/** Wrong status, no JSON, unreachable or too slow: a code WeCom never uses. */
const UNREACHABLE = -3;
const MALFORMED = -2;

/** Concurrent sends in one isolate that find no token share one gettoken. */
const inFlight = new Map<string, Promise<string>>();
/** Sends under way in this isolate, by app and idempotency key. */
const sending = new Map<string, Promise<void>>();

/** The WeCom application-message channel: `name` "wecom". */
export class WecomChannel implements MessageChannel {
  readonly name = "wecom";
  readonly #settings: WecomSettings;
  readonly #deps: WecomDeps;

  constructor(settings: WecomSettings, deps: WecomDeps) {
    this.#settings = settings;
    this.#deps = deps;
  }

  /** The cache key of this app's token (one per corp and agent: each app has its own secret). */
  get tokenKey(): string {
    return `wecom:access_token:${this.#settings.corpId}:${this.#settings.agentId}`;
  }

  /** Sends once per idempotency key: a retry after success sends nothing, and concurrent sends of one key in this isolate share one. */
  send(message: OutboundMessage): Promise<void> {
    const key = `${this.tokenKey}:${message.idempotencyKey}`;
    let pending = sending.get(key);
    if (!pending) {
      pending = this.#sendOnce(message).finally(() => sending.delete(key));
      sending.set(key, pending);
    }
    return pending;
  }

  async #sendOnce(message: OutboundMessage): Promise<void> {
    if (await this.#deps.sent.has(message.idempotencyKey)) return;
    const touser = await this.#deps.userIdOf(message.shopperId);
    const body = JSON.stringify(messageBody(message, touser, this.#settings));
    for (let attempt = 1; ; attempt++) {
      const token = await this.#token();
      const answer = await this.#call(sendUrl(this.#settings.apiBase, token), {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body,
      });
      const sent = sendAnswer.safeParse(answer);
      if (sent.success) {
        if (sent.data.invaliduser?.split("|").includes(touser)) {
          throw new WecomError(81013, `wecom: ${touser} is not a member the app may message (invaliduser)`);
        }
        await this.#deps.sent.remember(message.idempotencyKey);
        return;
      }
      const error = errorAnswer.safeParse(answer);
      const errcode = error.success ? error.data.errcode : MALFORMED;
      if (attempt === 1 && STALE_TOKEN.has(errcode)) {
        await this.#deps.cache.delete(this.tokenKey).catch(() => undefined);
        continue;
      }
      throw new WecomError(errcode, `wecom: message/send refused: ${errcode} ${error.success ? error.data.errmsg : "malformed answer"}`);
    }
  }

  /** The cached token while usable, else one fetched (shared by concurrent sends) and cached. */
  async #token(): Promise<string> {
    const now = this.#deps.now();
    const cached = await this.#deps.cache.get(this.tokenKey).catch(() => null);
    if (cached && cached.usableUntil > now) return cached.value;
    let pending = inFlight.get(this.tokenKey);
    if (!pending) {
      pending = this.#fetchToken(now).finally(() => inFlight.delete(this.tokenKey));
      inFlight.set(this.tokenKey, pending);
    }
    return pending;
  }

  async #fetchToken(now: number): Promise<string> {
    const answer = await this.#call(tokenUrl(this.#settings), { method: "GET" });
    const token = tokenAnswer.safeParse(answer);
    if (!token.success) {
      const error = errorAnswer.safeParse(answer);
      const errcode = error.success ? error.data.errcode : MALFORMED;
      throw new WecomError(errcode, `wecom: no access_token: ${errcode} ${error.success ? error.data.errmsg : "malformed answer"}`);
    }
    const until = usableUntil(now, token.data.expires_in);
    if (until > now) {
      // Caching is a saving, not a condition: a cache that refuses costs a gettoken next time.
      await this.#deps.cache
        .put(this.tokenKey, { value: token.data.access_token, usableUntil: until }, now)
        .catch((error: Error) => console.error(`wecom: could not cache the access_token (${error.message})`));
    }
    return token.data.access_token;
  }

  /** One call of WeCom's API, its JSON answer; no answer at all throws errcode -3 (the URL, with its secret or token, is not told). */
  async #call(url: string, init: RequestInit): Promise<unknown> {
    const doFetch = this.#deps.fetch ?? globalThis.fetch;
    const abort = new AbortController();
    let status: number;
    let text: string;
    try {
      ({ status, text } = await withTimeout(
        (async () => {
          const response = await doFetch(url, { ...init, signal: abort.signal });
          return { status: response.status, text: await response.text() };
        })(),
        this.#deps.timeoutMs ?? WECOM_TIMEOUT_MS,
      ));
    } catch (error) {
      abort.abort();
      throw new WecomError(UNREACHABLE, `wecom: unreachable (${error instanceof Error ? error.name : "error"})`);
    }
    if (status < 200 || status > 299) throw new WecomError(UNREACHABLE, `wecom: HTTP ${status}`);
    try {
      return JSON.parse(text);
    } catch {
      return undefined;
    }
  }
}

/** What the KV-backed memories need of a namespace (a `KVNamespace`). */
export interface KvLike {
  get(key: string): Promise<string | null>;
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void>;
}

/** Sent keys in KV (`wecom:sent:<key>`), each remembered for SENT_MEMORY_SECONDS. */
export function kvSentMemory(kv: KvLike): SentMemory {
  return {
    has: async (key) => (await kv.get(`wecom:sent:${key}`)) !== null,
    remember: (key) => kv.put(`wecom:sent:${key}`, "1", { expirationTtl: SENT_MEMORY_SECONDS }),
  };
}

/** Where a shopper's linked WeCom userid is kept in KV (an adviser links it from the conversation). */
export const wecomUserIdKey = (shopperId: string) => `wecom:userid:${shopperId}`;

/** WeCom's userid: 1–64 letters, digits and `_ - . @` (its member API's rule). */
export const WECOM_USER_ID = /^[A-Za-z0-9_.@-]{1,64}$/;

/** A shopper's WeCom userid: the linked one in KV (`wecom:userid:<shopperId>`), else their shop id. */
export function kvUserIds(kv: KvLike): (shopperId: string) => Promise<string> {
  return async (shopperId) => (await kv.get(wecomUserIdKey(shopperId)))?.trim() || shopperId;
}
