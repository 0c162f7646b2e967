import { z } from "@hono/zod-openapi";
import { databaseSettings } from "../../../src/config.ts";
import { withDatabase } from "../../../src/db/client.ts";
import { describeDatabaseFailure } from "../../../src/db/errors.ts";
import { AppError } from "../../../src/errors.ts";
import type { ShopperEvent } from "../../../src/events/event.ts";
import { redactSecrets } from "../../../src/redact.ts";
import { referralCodeRow } from "../../../src/share/referral-code.ts";
import { MAX_UTM_LENGTH, readLanding, shareLink } from "../../../src/share/share-link.ts";
import { recordLanding, registerReferralCode } from "../../../src/share/share-store.ts";
import { wechatConfig, wechatNonce } from "../../../src/share/wechat-signature.ts";
import { jsapiTicket, kvCredentialCache } from "../../../src/share/wechat-ticket.ts";
import { contractApp, contractRoute } from "../contract/route.ts";
import { emitAfterAnswer } from "./event-queue.ts";
import { addressLimit, shopperLimit } from "./rate-limit.ts";
import { requestDevice } from "./request-device.ts";
import { session } from "./session.ts";
import { shopperWrite } from "./validation.ts";

/**
 * The key referral codes are made with: SESSION_SECRET under a label of its own, as the
 * waiting room's tickets are (a second secret would be a knob that protects nothing more). A
 * code is resolved through `referral_codes`, never recomputed, so rotating the secret leaves
 * every shared link working: a shopper keeps the code registered first.
 */
export function referralSecret(env: Pick<Env, "SESSION_SECRET">): string {
  if (!env.SESSION_SECRET) throw new AppError("dependency_unavailable", "SESSION_SECRET is not configured");
  return `referral-code:${env.SESSION_SECRET}`;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const UTM_VALUE = /^[^\u0000-\u001f\u007f\s](?:[^\u0000-\u001f\u007f]*[^\u0000-\u001f\u007f\s])?$/;
const utmValue = (what: string) =>
  z.string().min(1).max(MAX_UTM_LENGTH).regex(UTM_VALUE, `${what}: no control characters, no spaces at either end`);

/** A page of this shop: one leading `/`, no backslash, not the API or admin. */
const SHARED_PATH = /^\/(?![/\\])(?!api(?:[/?#]|$))(?!admin(?:[/?#]|$))[^\\\s]*$/;

/** The channel of a `share` event, from the link's utm_source. */
const CHANNELS = ["link", "wechat", "weibo", "system"] as const;
const channelOf = (source: string) => ((CHANNELS as readonly string[]).includes(source) ? (source as (typeof CHANNELS)[number]) : "other");

const utmSchema = z
  .object({ source: z.string(), medium: z.string(), campaign: z.string(), term: z.string(), content: z.string() })
  .openapi("ShareUtm");

const createLink = contractRoute({
  method: "post",
  path: "/share/links",
  tags: ["share"],
  summary: "A share link for a page of this shop: the five UTM parameters and the shopper's referral code",
  description:
    "The link carries `utm_source`, `utm_medium`, `utm_campaign`, `utm_term` (the SKU, else `all`), `utm_content` (`team`) and `ref`, the shopper's referral code: 12 characters of a–z and 2–7, an HMAC of the shopper id that only the shop can resolve (never the shopper id). The first share registers the code (`referral_codes`); later ones answer the same code. Records a `share` event.",
  middleware: [shopperWrite, addressLimit, session, shopperLimit],
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .object({
              path: z
                .string()
                .max(512)
                .regex(SHARED_PATH, "a path of this shop's pages, starting with one /, e.g. /sales/<sku>")
                .describe("the page shared, e.g. `/sales/demo-earbuds`; any `utm_*` or `ref` in it is replaced"),
              campaign: utmValue("campaign").describe("utm_campaign"),
              source: utmValue("source").default("link").describe("utm_source: where it is shared (`link`, `wechat`, `weibo`, `system`…)"),
              medium: utmValue("medium").default("referral").describe("utm_medium (`referral` by default)"),
              sku: z
                .string()
                .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "a SKU")
                .optional()
                .describe("the SKU shared: utm_term"),
            })
            .strict()
            .openapi("ShareLinkRequest"),
        },
      },
    },
  },
  responses: {
    201: {
      description: "the link",
      content: {
        "application/json": {
          schema: z.object({ url: z.string(), referralCode: z.string(), utm: utmSchema }).openapi("ShareLink"),
        },
      },
    },
  },
  errors: ["dependency_unavailable"],
});

const landing = contractRoute({
  method: "post",
  path: "/share/landings",
  tags: ["share"],
  summary: "Record that the shopper landed on a page through a share or campaign link",
  description:
    "The page posts its address once when it carries `ref` or `utm_*` parameters. The referral code is resolved to its sharer; a landing through the shopper's own code is refused (409 `self_referral`) and records nothing. Otherwise a `share_landings` row (the UTM values and the referrer) and, for a known referrer and a campaign, a `visit` edge of the campaign's propagation graph (a tree edge when it is the first to reach this shopper), in one transaction. The same landing again within 30 minutes records nothing (`recorded: false`). Paid orders within 7 days are credited to the last landing (\"Share links and attribution\" in the README).",
  middleware: [shopperWrite, addressLimit, session, shopperLimit],
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .object({ url: z.string().max(8_192).describe("the page's address as it was opened (`location.href`)") })
            .strict()
            .openapi("ShareLandingRequest"),
        },
      },
    },
  },
  responses: {
    200: {
      description: "what was recorded",
      content: {
        "application/json": {
          schema: z
            .object({
              recorded: z.boolean().describe("false: nothing to record (no `ref`, no UTM), or the same landing within 30 minutes"),
              referred: z.boolean().describe("the link's referral code belongs to a shopper"),
              edge: z
                .enum(["tree", "touch"])
                .nullable()
                .describe("the visit edge written: `tree` placed the shopper in the campaign's tree; null: none written"),
              utm: utmSchema.partial(),
            })
            .openapi("ShareLanding"),
        },
      },
    },
  },
  errors: ["self_referral", "dependency_unavailable"],
});

const wechat = contractRoute({
  method: "get",
  path: "/share/wechat-config",
  tags: ["share"],
  summary: "WeChat JS-SDK configuration (wx.config) for a page of this shop",
  description:
    "The values `wx.config` needs beside its jsApiList: the official account's AppID, a timestamp (seconds), a nonce and the signature, SHA-1 of `jsapi_ticket=…&noncestr=…&timestamp=…&url=…` as WeChat's JS-SDK documentation gives it (the URL without its `#` fragment). The jsapi_ticket and the access_token it takes are cached in KV until 5 minutes before they expire. Off (404 `not_found`) unless WECHAT_APP_ID and WECHAT_APP_SECRET are set; WeChat refusing or unreachable: 503 `dependency_unavailable` (`errcode`).",
  request: {
    query: z.object({
      url: z
        .string()
        .min(1)
        .max(2_048)
        .openapi({ param: { description: "the page's full address (`location.href`), on this shop's own host" } }),
    }),
  },
  responses: {
    200: {
      description: "the configuration",
      content: {
        "application/json": {
          schema: z
            .object({ appId: z.string(), timestamp: z.number().int(), nonceStr: z.string(), signature: z.string() })
            .openapi("WechatConfig"),
        },
      },
    },
  },
  errors: ["invalid_request", "not_found", "dependency_unavailable"],
});

/** Share links and attribution (issue 14): making links, recording landings, WeChat's JS-SDK configuration. */
export const share = contractApp()
  .openapi(createLink, async (c) => {
    const body = c.req.valid("json");
    const shopperId = c.get("shopperId");
    const now = Date.now();
    const row = await referralCodeRow(referralSecret(c.env), shopperId, now);
    const code = await withDatabase(databaseSettings(c.env), (db) => registerReferralCode(db, row)).catch((error: unknown) => {
      throw unavailable("the referral code could not be registered", error);
    });
    let url: string;
    try {
      url = shareLink({
        origin: new URL(c.req.url).origin,
        path: body.path,
        source: body.source,
        medium: body.medium,
        campaign: body.campaign,
        sku: body.sku,
        referralCode: code,
      });
    } catch (error) {
      throw new AppError("invalid_request", (error as Error).message);
    }
    const utm = readLanding(url).utm as z.output<typeof utmSchema>;
    const event: ShopperEvent = {
      id: `share_${crypto.randomUUID()}`,
      type: "share",
      shopperId,
      at: now,
      device: requestDevice(c),
      channel: channelOf(body.source),
      page: body.path,
      ...(body.sku ? { sku: body.sku } : {}),
    };
    emitAfterAnswer(c, event);
    return c.json({ url, referralCode: code, utm }, 201);
  })
  .openapi(landing, async (c) => {
    const shopperId = c.get("shopperId");
    const landed = readLanding(c.req.valid("json").url);
    const outcome = await withDatabase(databaseSettings(c.env), (db) =>
      recordLanding(db, { shopperId, landing: landed, at: Date.now() }),
    ).catch((error: unknown) => {
      if (error instanceof AppError) throw error;
      throw unavailable("the landing could not be recorded", error);
    });
    return c.json({ recorded: outcome.recorded, referred: outcome.referrerId !== null, edge: outcome.edge, utm: landed.utm }, 200);
  })
  .openapi(wechat, async (c) => {
    const appId = c.env.WECHAT_APP_ID?.trim();
    const appSecret = c.env.WECHAT_APP_SECRET?.trim();
    if (!appId || !appSecret) {
      throw new AppError("not_found", "WeChat sharing is off: the shop has no WECHAT_APP_ID and WECHAT_APP_SECRET");
    }
    const { url } = c.req.valid("query");
    let page: URL;
    try {
      page = new URL(url);
    } catch {
      throw new AppError("invalid_request", "url must be the page's full address");
    }
    if ((page.protocol !== "https:" && page.protocol !== "http:") || page.host !== new URL(c.req.url).host) {
      throw new AppError("invalid_request", "url must be a page of this shop");
    }
    const now = Date.now();
    const ticket = await jsapiTicket({ appId, appSecret, apiBase: c.env.WECHAT_API_BASE, cache: kvCredentialCache(c.env.SALES), now });
    if (!ticket.ok) {
      console.error(`wechat-config: ${ticket.problem}`);
      throw new AppError(
        "dependency_unavailable",
        "WeChat's API did not give a jsapi_ticket just now; please try again",
        ticket.errcode === undefined ? undefined : { errcode: ticket.errcode },
      );
    }
    c.header("Cache-Control", "no-store");
    return c.json(await wechatConfig({ appId, ticket: ticket.ticket, url, now, nonce: wechatNonce() }), 200);
  });

/** Postgres unreachable or failing: 503, logged without credentials. */
function unavailable(what: string, error: unknown): AppError {
  console.error(`share: ${what} (${redactSecrets(describeDatabaseFailure(error).summary)})`);
  return new AppError("dependency_unavailable", `${what}: the database is unavailable; please try again`);
}
