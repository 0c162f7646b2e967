/**
 * WeChat JS-SDK configuration (issue 14): what a page inside WeChat needs to call `wx.config`
 * (and so share with its own title, picture and link), and the pure pieces of getting the
 * jsapi_ticket it is signed with. No HTTP here: the URLs to call and parsers of their answers;
 * the caller fetches, and caches the ticket (WeChat limits how often it may be fetched, and
 * asks that it be cached globally, not per page view).
 *
 * The signature, as WeChat's JS-SDK documentation (附录1, JS-SDK使用权限签名算法) gives it:
 * the four fields noncestr, jsapi_ticket, timestamp and url, sorted by name in ASCII order,
 * joined as `key=value` with `&` (jsapi_ticket=…&noncestr=…&timestamp=…&url=…), values raw
 * (not URL-escaped), field names lowercase, the url without its `#` fragment; then SHA-1, hex.
 */
import { z } from "zod";
import { randomBase36, toHex } from "../encoding.ts";

/** WeChat's API, where the token and ticket come from; WECHAT_API_BASE points elsewhere (a stand-in in tests). */
export const WECHAT_API_BASE = "https://api.weixin.qq.com";

/** `${base}/cgi-bin/${path}`: the base without a trailing slash, so `https://host/` and `https://host` are one. */
function apiUrl(base: string, path: string): URL {
  return new URL(`${base.replace(/\/+$/, "")}/cgi-bin/${path}`);
}

/** The page URL as WeChat signs it: everything before the first `#`. */
export function signableUrl(url: string): string {
  const hash = url.indexOf("#");
  return hash === -1 ? url : url.slice(0, hash);
}

export interface SignatureFields {
  jsapiTicket: string;
  nonceStr: string;
  /** Seconds since the epoch, as WeChat takes it. */
  timestamp: number;
  url: string;
}

/** The string WeChat's signature is the SHA-1 of. */
export function signatureBase({ jsapiTicket, nonceStr, timestamp, url }: SignatureFields): string {
  // Already in ASCII order of the field names: jsapi_ticket < noncestr < timestamp < url.
  return `jsapi_ticket=${jsapiTicket}&noncestr=${nonceStr}&timestamp=${timestamp}&url=${signableUrl(url)}`;
}

/** The JS-SDK signature: SHA-1 of signatureBase, lowercase hex. */
export async function wechatSignature(fields: SignatureFields): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(signatureBase(fields)));
  return toHex(new Uint8Array(digest));
}

/** A nonceStr for wx.config: 16 random characters of [0-9a-z] (WeChat asks for a random string up to 32). */
export function wechatNonce(): string {
  return randomBase36(16);
}

/** What the page passes to `wx.config` beside its jsApiList. */
export interface WechatConfig {
  appId: string;
  /** Seconds since the epoch. */
  timestamp: number;
  nonceStr: string;
  signature: string;
}

/** The wx.config values for the page at `url`, signed with `ticket` at `now` (epoch ms). */
export async function wechatConfig(input: {
  appId: string;
  ticket: string;
  url: string;
  now: number;
  nonce: string;
}): Promise<WechatConfig> {
  if (!/^[A-Za-z0-9]{1,32}$/.test(input.nonce)) throw new RangeError("a nonceStr is 1–32 letters and digits");
  const timestamp = Math.floor(input.now / 1000);
  const signature = await wechatSignature({ jsapiTicket: input.ticket, nonceStr: input.nonce, timestamp, url: input.url });
  return { appId: input.appId, timestamp, nonceStr: input.nonce, signature };
}

/** The URL that trades the official account's AppID and AppSecret for an access_token (GET). */
export function accessTokenUrl(appId: string, secret: string, base: string = WECHAT_API_BASE): string {
  const url = apiUrl(base, "token");
  url.searchParams.set("grant_type", "client_credential");
  url.searchParams.set("appid", appId);
  url.searchParams.set("secret", secret);
  return url.href;
}

/** The URL that trades an access_token for a jsapi_ticket (GET). */
export function jsapiTicketUrl(accessToken: string, base: string = WECHAT_API_BASE): string {
  const url = apiUrl(base, "ticket/getticket");
  url.searchParams.set("access_token", accessToken);
  url.searchParams.set("type", "jsapi");
  return url.href;
}

/** What WeChat's API answers, read: the value, or WeChat's own error code and message. */
export type WechatAnswer<T> = { ok: true; value: T } | { ok: false; errcode: number; errmsg: string };

/** A credential and how long it lives, in seconds (WeChat gives 7200 for both). */
export interface Expiring {
  expiresIn: number;
}

const errorAnswer = z.object({
  errcode: z
    .number()
    .int()
    .refine((code) => code !== 0),
  errmsg: z.string().max(1_000).catch(""),
});
const tokenAnswer = z.object({ access_token: z.string().min(1).max(2_048), expires_in: z.number().int().positive() });
const ticketAnswer = z.object({
  errcode: z.literal(0).optional(),
  ticket: z.string().min(1).max(2_048),
  expires_in: z.number().int().positive(),
});

/** A malformed answer, told apart from WeChat's own errors by its code, which WeChat never uses. */
const MALFORMED = { ok: false, errcode: -2, errmsg: "malformed answer" } as const;

/** The access_token answer (`{ access_token, expires_in }`, or `{ errcode, errmsg }`). */
export function readAccessTokenAnswer(json: unknown): WechatAnswer<{ accessToken: string } & Expiring> {
  const error = errorAnswer.safeParse(json);
  if (error.success) return { ok: false, ...error.data };
  const token = tokenAnswer.safeParse(json);
  if (!token.success) return MALFORMED;
  return { ok: true, value: { accessToken: token.data.access_token, expiresIn: token.data.expires_in } };
}

/** The jsapi_ticket answer (`{ errcode: 0, errmsg: "ok", ticket, expires_in }`, or an error). */
export function readTicketAnswer(json: unknown): WechatAnswer<{ ticket: string } & Expiring> {
  const error = errorAnswer.safeParse(json);
  if (error.success) return { ok: false, ...error.data };
  const ticket = ticketAnswer.safeParse(json);
  if (!ticket.success) return MALFORMED;
  return { ok: true, value: { ticket: ticket.data.ticket, expiresIn: ticket.data.expires_in } };
}

/** Refresh a token or ticket this long before WeChat says it expires: a page signed with a ticket that expires in flight fails wx.config. */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/** Until when (epoch ms) a credential received at `now` may be cached and used. */
export function usableUntil(now: number, expiresInSeconds: number): number {
  return now + Math.max(0, expiresInSeconds * 1000 - REFRESH_MARGIN_MS);
}
