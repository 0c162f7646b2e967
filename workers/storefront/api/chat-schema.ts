import { z } from "@hono/zod-openapi";
import { messageBodySchema } from "../../../src/advisers/chat-frames.ts";
import { CHAT_LIMITS } from "../../../src/advisers/chat-limits.ts";
import type { ConversationRow } from "../../../src/advisers/conversation-store.ts";
import type { Describes, Holds } from "../contract/describes.ts";
import { epochMs } from "../contract/units.ts";

/** The chat's shapes in the API (issue 17), shared by the shopper's routes (chat.ts) and the advisers' (admin/conversations.ts). */

export const chatMessageSchema = z
  .object({
    id: z.string(),
    conversationId: z.string(),
    author: z.enum(["shopper", "adviser", "system"]),
    body: z.string(),
    clientKey: z.string().describe("the sender's key (the Idempotency-Key of an HTTP send): the same key again is the same message"),
    at: epochMs,
  })
  .openapi("ChatMessage");

export const conversationSchema = z
  .object({
    id: z.string(),
    shopperId: z.string(),
    adviserId: z.string(),
    adviserName: z.string().nullable(),
    status: z.enum(["open", "resolved"]),
    openedAt: epochMs,
    firstMessageAt: epochMs.nullable().describe("the shopper's first message"),
    firstResponseAt: epochMs.nullable().describe("the adviser's first reply after it"),
    resolvedAt: epochMs.nullable(),
    lastMessageAt: epochMs.nullable(),
  })
  .openapi("Conversation");

export type ConversationSchemaMatchesCode = Holds<Describes<z.output<typeof conversationSchema>, ConversationRow>>;

export const sendBodySchema = z
  .object({
    body: messageBodySchema.openapi({ description: `the message: 1 to ${CHAT_LIMITS.maxMessageChars} characters after trimming` }),
  })
  .openapi("ChatSend");

export const sentSchema = z
  .object({ message: chatMessageSchema, conversation: conversationSchema, replayed: z.boolean() })
  .openapi("ChatSent");

/** The socket's frames, documented beside the routes that carry them. */
/** A message sent over HTTP, by the shopper or their adviser: its body, and the answers of a first send and of a retry. */
export const sendBody = { required: true, content: { "application/json": { schema: sendBodySchema } } } as const;
export const sentResponses = {
  201: { description: "stored and sent", content: { "application/json": { schema: sentSchema } } },
  200: { description: "a retry: the message stored first with this key", content: { "application/json": { schema: sentSchema } } },
};

export const chatClientFrameDoc = z
  .union([z.object({ type: z.literal("send"), body: z.string(), clientKey: z.string() }), z.object({ type: z.literal("ping") })])
  .openapi("ChatClientFrame");

export const chatServerFrameDoc = z
  .union([
    z.object({ type: z.literal("message"), message: chatMessageSchema }),
    z.object({ type: z.literal("status"), conversationId: z.string(), status: z.enum(["open", "resolved"]) }),
    z.object({ type: z.literal("error"), code: z.string(), message: z.string(), clientKey: z.string().optional() }),
    z.object({ type: z.literal("pong"), serverTime: epochMs }),
  ])
  .openapi("ChatServerFrame");

/** The socket's description, for both sides' socket routes. */
export const SOCKET_DESCRIPTION =
  "Send `Upgrade: websocket`. Frames are JSON (ChatClientFrame, ChatServerFrame): send " +
  '`{"type":"send","body","clientKey"}` and every socket of the conversation, yours too, gets `{"type":"message"}` once the message is stored in Postgres; ' +
  'a refused message answers `{"type":"error","code","clientKey"}` to its sender only. ' +
  "A browser's `Origin` must be this server's own (else 403 `forbidden_origin`): another site's page cannot follow a conversation with the reader's cookie. " +
  `A frame over ${CHAT_LIMITS.maxFrameBytes} bytes closes the socket (1009); at most ${CHAT_LIMITS.socketsPerSide} sockets per side of one conversation (else 429).`;
