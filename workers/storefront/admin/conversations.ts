import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { and, eq, isNull } from "drizzle-orm";
import { type ConversationRow, listConversations, readConversation, readMessages } from "../../../src/advisers/conversation-store.ts";
import { CHAT_LIMITS } from "../../../src/advisers/chat-limits.ts";
import { type ShopperProfile, shopperProfile } from "../../../src/advisers/shopper-profile.ts";
import { WECOM_USER_ID, wecomUserIdKey } from "../../../src/channels/wecom.ts";
import { CouponCatalog } from "../../../src/coupons/coupon-catalog.ts";
import type { Database } from "../../../src/db/client.ts";
import { advisers } from "../../../src/db/schema.ts";
import { AppError, unwrap } from "../../../src/errors.ts";
import type { AppEnv } from "../app-env.ts";
import { conversationObject, socketRequest } from "../api/chat.ts";
import { chatMessageSchema, conversationSchema, SOCKET_DESCRIPTION, sendBody, sentResponses } from "../api/chat-schema.ts";
import { couponPool } from "../api/coupon-holds.ts";
import { presentCoupon } from "../api/coupons.ts";
import { idempotencyKeyHeader, requireSameOrigin } from "../api/validation.ts";
import { adminRoute } from "../contract/admin-route.ts";
import type { Describes, Holds } from "../contract/describes.ts";
import { errorSchemaOf } from "../contract/error-schema.ts";
import { noStore } from "../contract/no-store.ts";
import { contractApp } from "../contract/route.ts";
import { epochMs, int, minorUnits } from "../contract/units.ts";
import { errorBody } from "../errors.ts";
import { adminJsonBody } from "./points-refunds.ts";
import { readDatabase } from "./read-database.ts";

/**
 * The advisers' side of the chat (issue 17): their inbox of conversations, one conversation
 * with the shopper's profile beside it (RFM segment, latest orders, coupons), sending,
 * resolving and reopening, and the conversation's socket. An adviser works their own
 * conversations: another adviser's is 404, as if it did not exist, and nothing is written (a
 * staff account with the adviser role not on the roster has none); an owner may open any.
 */

const conversationParams = z.object({
  id: z
    .string()
    .regex(/^cv_[0-9a-f-]{36}$/, "a conversation id is cv_ and a UUID")
    .openapi({ param: { description: "cv_…" } }),
});

const inboxRowSchema = conversationSchema.extend({ lastMessage: z.string().nullable() }).openapi("ConversationInboxRow");

const profileSchema = z
  .object({
    shopperId: z.string(),
    rfm: z
      .object({ segment: z.string(), previousSegment: z.string().nullable(), r: int, f: int, m: int, computedAt: epochMs })
      .nullable()
      .describe("the shopper's scores and segment at the last RFM recompute; null before one scored them"),
    orders: z
      .array(z.object({ id: z.string(), sku: z.string(), qty: int, totalAmount: minorUnits, status: z.string(), createdAt: epochMs }))
      .describe("the latest 10, newest first"),
    paidOrders: int,
    paidAmount: minorUnits.describe("paid orders' totals, before refunds"),
  })
  .openapi("AdviserShopperProfile");
export type ProfileSchemaMatchesCode = Holds<Describes<z.output<typeof profileSchema>, ShopperProfile>>;

const couponSummarySchema = z
  .object({ id: z.string(), title: z.string(), status: z.string(), usable: z.boolean(), validUntil: epochMs, claimedAt: epochMs })
  .openapi("AdviserCouponSummary");

const LIVE = noStore("conversations, read as they are now");

const inbox = adminRoute({
  method: "get",
  path: "/conversations",
  admits: "serveShoppers",
  summary: "The signed-in adviser's conversations (an owner: every adviser's), open first, latest message first",
  request: {
    query: z.object({
      status: z
        .enum(["open", "resolved", "all"])
        .default("open")
        .openapi({ param: { description: "which; by default the open ones" } }),
    }),
  },
  responses: {
    200: {
      description: "the inbox (at most 200)",
      headers: LIVE,
      content: { "application/json": { schema: z.object({ conversations: z.array(inboxRowSchema) }).openapi("ConversationInbox") } },
    },
  },
  errors: ["invalid_request", "dependency_unavailable"],
});

const oneConversation = adminRoute({
  method: "get",
  path: "/conversations/{id}",
  admits: "serveShoppers",
  summary: "A conversation, its messages and the shopper's profile: RFM segment, latest orders, coupons",
  description: `At most the latest ${CHAT_LIMITS.historyMessages} messages, oldest first. Another adviser's conversation is 404.`,
  request: { params: conversationParams },
  responses: {
    200: {
      description: "the conversation",
      headers: LIVE,
      content: {
        "application/json": {
          schema: z
            .object({
              conversation: conversationSchema,
              messages: z.array(chatMessageSchema),
              profile: profileSchema,
              coupons: z.array(couponSummarySchema).describe("the shopper's coupons, newest first"),
              wecomUserId: z
                .string()
                .nullable()
                .describe("the shopper's WeCom userid as their adviser linked it (follow-ups reach them there); null: none linked"),
            })
            .openapi("AdviserConversation"),
        },
      },
    },
  },
  errors: ["invalid_request", "not_found", "dependency_unavailable"],
});

const reply = adminRoute({
  method: "post",
  path: "/conversations/{id}/messages",
  admits: "serveShoppers",
  middleware: [adminJsonBody],
  summary: "Reply to the shopper",
  description:
    "Stored in Postgres once per Idempotency-Key before the shopper's sockets hear of it (the same key again: the message stored first, `replayed`). The first reply after the shopper's first message is the conversation's first response. A resolved conversation is 409 `conversation_resolved`: reopen it first.",
  request: {
    params: conversationParams,
    headers: idempotencyKeyHeader,
    body: sendBody,
  },
  responses: sentResponses,
  errors: ["invalid_request", "not_found", "conversation_resolved", "dependency_unavailable"],
});

const wecomUser = adminRoute({
  method: "put",
  path: "/conversations/{id}/wecom-user",
  admits: "serveShoppers",
  middleware: [adminJsonBody],
  summary: "Link the conversation's shopper to their WeCom userid (null unlinks)",
  description:
    "Follow-ups' WeCom messages (when WeCom is configured) go to this userid; unlinked, to the shopper's own id. A WeCom userid is 1–64 letters, digits and `_ - . @`. Setting the same userid again changes nothing.",
  request: {
    params: conversationParams,
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .object({ userId: z.string().regex(WECOM_USER_ID, "a WeCom userid is 1–64 letters, digits and _ - . @").nullable() })
            .strict()
            .openapi("WecomUserLink"),
        },
      },
    },
  },
  responses: {
    200: {
      description: "linked (or unlinked)",
      content: {
        "application/json": {
          schema: z.object({ shopperId: z.string(), wecomUserId: z.string().nullable() }).openapi("WecomUserLinked"),
        },
      },
    },
  },
  errors: ["invalid_request", "not_found", "dependency_unavailable"],
});

const statusRoute = (action: "resolve" | "reopen") =>
  adminRoute({
    method: "post",
    path: `/conversations/{id}/${action}`,
    admits: "serveShoppers",
    summary: action === "resolve" ? "Resolve the conversation (the board measures its resolution time)" : "Reopen a resolved conversation",
    description:
      action === "resolve"
        ? "Resolving twice changes nothing (`changed: false`). The shopper's next message opens a new conversation with the same adviser."
        : "Only the shopper's latest conversation can be reopened (else 409 `conversation_resolved`).",
    request: { params: conversationParams },
    responses: {
      200: {
        description: "the conversation now",
        content: {
          "application/json": {
            schema: z.object({ conversation: conversationSchema, changed: z.boolean() }).openapi("ConversationStatusChange"),
          },
        },
      },
    },
    errors: ["invalid_request", "not_found", "conversation_resolved", "dependency_unavailable"],
  });

const adviserSocket = adminRoute({
  method: "get",
  path: "/conversations/{id}/socket",
  admits: "serveShoppers",
  summary: "A conversation, live (WebSocket), for its adviser",
  description: `${SOCKET_DESCRIPTION} Messages sent on it are the adviser's replies.`,
  request: { params: conversationParams },
  parameters: [{ name: "Upgrade", in: "header", required: true, schema: { type: "string", enum: ["websocket"] } }],
  responses: {
    101: { description: "switching to the WebSocket" },
    426: {
      description: "`invalid_request`: not a WebSocket upgrade",
      "x-error-codes": ["invalid_request"],
      content: { "application/json": { schema: errorSchemaOf(["invalid_request"]) } },
    },
  },
  errors: ["invalid_request", "not_found", "rate_limited", "forbidden_origin", "dependency_unavailable"],
});

const READ = { what: "conversations", log: "conversations", timeoutMs: 5_000 };

/** Whose conversations the caller works: every one (an owner), or an adviser's own by their roster entry (none when not on it). */
async function workerOf(c: Context<AppEnv>, db: Database): Promise<{ all: true } | { all: false; adviserId: string | null }> {
  const staff = c.get("staff");
  if (staff.role === "owner") return { all: true };
  const [row] = await db
    .select({ id: advisers.id })
    .from(advisers)
    .where(and(eq(advisers.staffId, staff.id), isNull(advisers.removedAt)))
    .limit(1);
  return { all: false, adviserId: row?.id ?? null };
}

/** The conversation, if the caller may work it; else 404, whether there is none or it is another adviser's. */
async function conversationFor(c: Context<AppEnv>, db: Database, id: string): Promise<ConversationRow> {
  const worker = await workerOf(c, db);
  const conversation = await readConversation(db, id);
  if (!conversation || (!worker.all && conversation.adviserId !== worker.adviserId)) {
    throw new AppError("not_found", `no conversation "${id}" of yours`);
  }
  return conversation;
}

/** The shopper's coupons from every template's pool, newest first. */
async function couponsOf(env: Env, shopperId: string, now: number): Promise<Array<z.output<typeof couponSummarySchema>>> {
  const templates = await new CouponCatalog(env.SALES).list();
  const held = await Promise.all(
    templates.map(async (template) => (await couponPool(env, template.id).wallet(shopperId)).map((coupon) => ({ coupon, template }))),
  );
  return held
    .flat()
    .map(({ coupon, template }) => {
      const shown = presentCoupon(coupon, template, now, new Map());
      return {
        id: shown.id,
        title: shown.title,
        status: shown.status,
        usable: shown.usable,
        validUntil: shown.validUntil,
        claimedAt: shown.claimedAt,
      };
    })
    .sort((a, b) => b.claimedAt - a.claimedAt);
}

export const adminConversations = contractApp()
  .openapi(inbox, async (c) => {
    const { status } = c.req.valid("query");
    const rows = await readDatabase(c.env, READ, async (db) => {
      const worker = await workerOf(c, db);
      if (!worker.all && worker.adviserId === null) return [];
      return listConversations(db, {
        adviserId: worker.all ? null : worker.adviserId,
        status: status === "all" ? null : status,
        limit: 200,
      });
    });
    c.header("Cache-Control", "no-store");
    return c.json({ conversations: rows }, 200);
  })
  .openapi(oneConversation, async (c) => {
    const { id } = c.req.valid("param");
    const read = await readDatabase(c.env, READ, async (db) => {
      const conversation = await conversationFor(c, db, id);
      const [messages, profile] = await Promise.all([
        readMessages(db, id, CHAT_LIMITS.historyMessages),
        shopperProfile(db, conversation.shopperId),
      ]);
      return { conversation, messages, profile };
    });
    const [coupons, wecomUserId] = await Promise.all([
      couponsOf(c.env, read.conversation.shopperId, Date.now()),
      c.env.SALES.get(wecomUserIdKey(read.conversation.shopperId)),
    ]);
    c.header("Cache-Control", "no-store");
    return c.json({ ...read, coupons, wecomUserId }, 200);
  })
  .openapi(wecomUser, async (c) => {
    const { id } = c.req.valid("param");
    const { userId } = c.req.valid("json");
    const { shopperId } = await readDatabase(c.env, READ, (db) => conversationFor(c, db, id));
    if (userId === null) await c.env.SALES.delete(wecomUserIdKey(shopperId));
    else await c.env.SALES.put(wecomUserIdKey(shopperId), userId);
    return c.json({ shopperId, wecomUserId: userId }, 200);
  })
  .openapi(reply, async (c) => {
    const { id } = c.req.valid("param");
    const conversation = await readDatabase(c.env, READ, (db) => conversationFor(c, db, id));
    const posted = unwrap(
      await conversationObject(c.env, conversation.shopperId).post({
        shopperId: conversation.shopperId,
        author: "adviser",
        authorId: c.get("staff").id,
        asAdviser: c.get("staff").role === "owner" ? null : conversation.adviserId,
        body: c.req.valid("json").body,
        clientKey: c.req.valid("header")["Idempotency-Key"],
        conversationId: id,
      }),
    );
    return posted.replayed ? c.json(posted, 200) : c.json(posted, 201);
  })
  .openapi(statusRoute("resolve"), (c) => changeStatus(c, c.req.valid("param").id, "resolved"))
  .openapi(statusRoute("reopen"), (c) => changeStatus(c, c.req.valid("param").id, "open"))
  .openapi(adviserSocket, async (c) => {
    if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
      return c.json(errorBody("invalid_request", "this endpoint is a WebSocket: send Upgrade: websocket"), 426);
    }
    requireSameOrigin(c);
    const { id } = c.req.valid("param");
    const conversation = await readDatabase(c.env, READ, (db) => conversationFor(c, db, id));
    return conversationObject(c.env, conversation.shopperId).fetch(
      socketRequest(c.req.url, {
        side: "adviser",
        authorId: c.get("staff").id,
        conversationId: id,
        asAdviser: c.get("staff").role === "owner" ? null : conversation.adviserId,
      }),
    );
  });

async function changeStatus(c: Context<AppEnv>, id: string, status: "open" | "resolved") {
  const before = await readDatabase(c.env, READ, (db) => conversationFor(c, db, id));
  const { changed } = unwrap(await conversationObject(c.env, before.shopperId).setStatus(id, status));
  const conversation = await readDatabase(c.env, READ, (db) => readConversation(db, id));
  return c.json({ conversation: conversation!, changed }, 200);
}
