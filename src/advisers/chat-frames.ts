import { z } from "zod";
import { CHAT_LIMITS } from "./chat-limits.ts";

/**
 * The chat's one protocol (issue 17), shared by the Conversation object, the routes that
 * document it and the two clients (the shop's chat panel, the console's chat): what a socket
 * sends and what it is sent.
 */

/** A message's text: trimmed, not empty, at most CHAT_LIMITS.maxMessageChars characters. */
export const messageBodySchema = z
  .string()
  .trim()
  .min(1, "a message needs some text")
  .max(CHAT_LIMITS.maxMessageChars, `a message is at most ${CHAT_LIMITS.maxMessageChars} characters`);

/** The client's key of a message: a retry with the same key is the same message. */
export const clientKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{8,128}$/, "clientKey must be 8-128 characters of letters, digits, '_', '-', '.', ':'");

export const chatClientFrameSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("send"), body: messageBodySchema, clientKey: clientKeySchema }),
  z.object({ type: z.literal("ping") }),
]);
export type ChatClientFrame = z.infer<typeof chatClientFrameSchema>;

/** Who wrote a message. */
export type Author = "shopper" | "adviser" | "system";

/** A message as both sides see it. `at` in epoch ms. */
export interface ChatMessage {
  id: string;
  conversationId: string;
  author: Author;
  body: string;
  clientKey: string;
  at: number;
}

export type ConversationStatus = "open" | "resolved";

export type ChatServerFrame =
  | { type: "message"; message: ChatMessage }
  | { type: "status"; conversationId: string; status: ConversationStatus }
  | { type: "error"; code: string; message: string; clientKey?: string }
  | { type: "pong"; serverTime: number };
