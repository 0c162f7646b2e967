import { z } from "@hono/zod-openapi";
import { CHAT_LIMITS } from "../../../src/advisers/chat-limits.ts";
import { unwrap } from "../../../src/errors.ts";
import {
  CHAT_ADVISER_HEADER,
  CHAT_AUTHOR_HEADER,
  CHAT_CONVERSATION_HEADER,
  CHAT_ROLE_HEADER,
} from "../../../durable-objects/conversation/index.ts";
import { errorSchemaOf } from "../contract/error-schema.ts";
import { noStore } from "../contract/no-store.ts";
import { contractApp, contractRoute } from "../contract/route.ts";
import { errorBody } from "../errors.ts";
import {
  chatClientFrameDoc,
  chatMessageSchema,
  chatServerFrameDoc,
  conversationSchema,
  SOCKET_DESCRIPTION,
  sendBody,
  sentResponses,
} from "./chat-schema.ts";
import { addressLimit, sessionLimit } from "./rate-limit.ts";
import { session } from "./session.ts";
import { idempotencyKeyHeader, requireSameOrigin, shopperWrite } from "./validation.ts";

/**
 * The shopper's side of the adviser chat (issue 17): their conversation and its history, a
 * send over HTTP for clients without a socket, and the socket. A shopper reaches only their own
 * thread: its object is named by the session's shopper, and a conversation id that is not one
 * of theirs is 404 with nothing written.
 */

/** The shopper's conversation object: one per shopper, named by them. */
export function conversationObject(env: Env, shopperId: string) {
  return env.CONVERSATION.getByName(shopperId);
}

const conversationQuery = z.object({
  conversationId: z
    .string()
    .max(64)
    .optional()
    .openapi({ param: { description: "the conversation the client means; one that is not the shopper's is 404" } }),
});

const myChat = contractRoute({
  method: "get",
  path: "/chat",
  tags: ["chat"],
  summary: "The shopper's conversation with their adviser, and its latest messages",
  description: `Null before the shopper's first message. At most the latest ${CHAT_LIMITS.historyMessages} messages, oldest first.`,
  middleware: [sessionLimit, session],
  responses: {
    200: {
      description: "the conversation",
      headers: noStore("a shopper's own conversation"),
      content: {
        "application/json": {
          schema: z.object({ conversation: conversationSchema.nullable(), messages: z.array(chatMessageSchema) }).openapi("ChatHistory"),
        },
      },
    },
  },
  errors: ["dependency_unavailable"],
});

const sendMessage = contractRoute({
  method: "post",
  path: "/chat/messages",
  tags: ["chat"],
  summary: "Send a message to the shopper's adviser (for clients without a socket)",
  description:
    "The first message (and the first after a conversation was resolved) opens a conversation and, for a shopper without one, assigns an adviser round robin among those on shift. " +
    "Stored in Postgres once per Idempotency-Key, before any socket hears of it: the same key again answers the message stored first (`replayed`). " +
    `Rate limited per shopper: ${CHAT_LIMITS.shopperBurst} at once, then ${CHAT_LIMITS.shopperMessagesPerMinute} a minute (429 \`rate_limited\`).`,
  middleware: [shopperWrite, addressLimit, session],
  request: {
    headers: idempotencyKeyHeader,
    query: conversationQuery,
    body: sendBody,
  },
  responses: sentResponses,
  errors: ["not_found", "rate_limited", "no_adviser", "dependency_unavailable"],
});

const chatSocket = contractRoute({
  method: "get",
  path: "/chat/socket",
  tags: ["chat"],
  summary: "The shopper's conversation, live (WebSocket)",
  description: SOCKET_DESCRIPTION,
  middleware: [sessionLimit, session],
  request: { query: conversationQuery },
  // Not a request schema: without the upgrade the answer is 426, which the handler words.
  parameters: [{ name: "Upgrade", in: "header", required: true, schema: { type: "string", enum: ["websocket"] } }],
  responses: {
    101: { description: "switching to the WebSocket" },
    426: {
      description: "`invalid_request`: not a WebSocket upgrade",
      "x-error-codes": ["invalid_request"],
      content: { "application/json": { schema: errorSchemaOf(["invalid_request"]) } },
    },
  },
  errors: ["not_found", "rate_limited", "forbidden_origin"],
});

export const chat = contractApp()
  .openapi(myChat, async (c) => {
    const history = unwrap(await conversationObject(c.env, c.get("shopperId")).history(c.get("shopperId")));
    c.header("Cache-Control", "no-store");
    return c.json(history, 200);
  })
  .openapi(sendMessage, async (c) => {
    const shopperId = c.get("shopperId");
    const posted = unwrap(
      await conversationObject(c.env, shopperId).post({
        shopperId,
        author: "shopper",
        authorId: shopperId,
        body: c.req.valid("json").body,
        clientKey: c.req.valid("header")["Idempotency-Key"],
        conversationId: c.req.valid("query").conversationId,
      }),
    );
    return posted.replayed ? c.json(posted, 200) : c.json(posted, 201);
  })
  .openapi(chatSocket, async (c) => {
    if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
      return c.json(errorBody("invalid_request", "this endpoint is a WebSocket: send Upgrade: websocket"), 426);
    }
    // A browser names the page that opens a socket: another site's page must not follow a shopper's chat with their cookie.
    requireSameOrigin(c);
    const shopperId = c.get("shopperId");
    const object = conversationObject(c.env, shopperId);
    const { conversationId } = c.req.valid("query");
    if (conversationId !== undefined) {
      const history = unwrap(await object.history(shopperId));
      if (history.conversation?.id !== conversationId) return c.json(errorBody("not_found", "no such conversation of this shopper"), 404);
    }
    return object.fetch(socketRequest(c.req.url, { side: "shopper", authorId: shopperId }));
  });

/**
 * The upgrade the object sees: a fresh request naming the side and author the route checked
 * (an adviser's, the conversation), nothing of the client's but the upgrade.
 */
export function socketRequest(
  url: string,
  who: { side: "shopper"; authorId: string } | { side: "adviser"; authorId: string; conversationId: string; asAdviser: string | null },
): Request {
  const headers: Record<string, string> = { Upgrade: "websocket", [CHAT_ROLE_HEADER]: who.side, [CHAT_AUTHOR_HEADER]: who.authorId };
  if (who.side === "adviser") {
    headers[CHAT_CONVERSATION_HEADER] = who.conversationId;
    if (who.asAdviser !== null) headers[CHAT_ADVISER_HEADER] = who.asAdviser;
  }
  return new Request(url, { headers });
}

// The socket's frames, documented beside the routes that carry them.
chat.openAPIRegistry.register("ChatClientFrame", chatClientFrameDoc);
chat.openAPIRegistry.register("ChatServerFrame", chatServerFrameDoc);
