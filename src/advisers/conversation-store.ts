import { and, asc, desc, eq, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { advisers, conversationMessages, conversations } from "../db/schema.ts";
import type { Author, ChatMessage, ConversationStatus } from "./chat-frames.ts";

/**
 * Conversations and their messages in Postgres (issue 17). The Conversation object is the one
 * writer of a conversation's messages and times; a message is stored once per
 * (conversation, client key) — the unique index decides, so a retried send stores nothing
 * twice — and the conversation's times move in the same statement:
 * `first_message_at` at the shopper's first message, `first_response_at` at the adviser's
 * first reply after it, `last_message_at` at every message.
 */

/** A conversation's row, times in epoch ms. */
export interface ConversationRow {
  id: string;
  shopperId: string;
  adviserId: string;
  adviserName: string | null;
  status: ConversationStatus;
  openedAt: number;
  firstMessageAt: number | null;
  firstResponseAt: number | null;
  resolvedAt: number | null;
  lastMessageAt: number | null;
}

/** Opens a conversation (its id chosen by the object). */
export async function insertConversation(
  db: Database,
  conversation: { id: string; shopperId: string; adviserId: string; at: number },
): Promise<void> {
  await db
    .insert(conversations)
    .values({
      id: conversation.id,
      shopperId: conversation.shopperId,
      adviserId: conversation.adviserId,
      status: "open",
      openedAt: new Date(conversation.at),
    })
    .onConflictDoNothing();
}

/**
 * Stores a message unless its client key was stored already, moving the conversation's times
 * with it; answers the stored message (a replay: the one stored first) and whether it is new.
 */
export async function appendMessage(
  db: Database,
  message: { id: string; conversationId: string; author: Author; authorId: string; body: string; clientKey: string; at: number },
): Promise<{ message: ChatMessage; replayed: boolean }> {
  const at = new Date(message.at).toISOString();
  const { rows } = await db.execute<{ id: string }>(sql`
    with inserted as (
      insert into conversation_messages (id, conversation_id, author, author_id, body, client_key, at)
      values (${message.id}, ${message.conversationId}, ${message.author}, ${message.authorId}, ${message.body}, ${message.clientKey}, ${at})
      on conflict (conversation_id, client_key) do nothing
      returning id
    ), touched as (
      update conversations set
        first_message_at = case when ${message.author} = 'shopper' then coalesce(first_message_at, ${at}::timestamptz) else first_message_at end,
        first_response_at = case when ${message.author} = 'adviser' and first_message_at is not null
          then coalesce(first_response_at, ${at}::timestamptz) else first_response_at end,
        last_message_at = ${at}::timestamptz
      where id = ${message.conversationId} and exists (select 1 from inserted)
      returning id
    )
    select id from inserted`);
  if (rows.length > 0) {
    const { authorId: _, ...stored } = message;
    return { message: stored, replayed: false };
  }
  return { message: (await findMessage(db, message.conversationId, message.clientKey))!, replayed: true };
}

/** The message a client key stored in a conversation, or null. */
export async function findMessage(db: Database, conversationId: string, clientKey: string): Promise<ChatMessage | null> {
  const [row] = await db
    .select()
    .from(conversationMessages)
    .where(and(eq(conversationMessages.conversationId, conversationId), eq(conversationMessages.clientKey, clientKey)));
  return row ? presentMessage(row) : null;
}

/** A conversation with its adviser's name, or null. */
export async function readConversation(db: Database, id: string): Promise<ConversationRow | null> {
  const [row] = await db
    .select({ conversation: conversations, adviserName: advisers.displayName })
    .from(conversations)
    .leftJoin(advisers, eq(advisers.id, conversations.adviserId))
    .where(eq(conversations.id, id));
  return row ? presentConversation(row.conversation, row.adviserName) : null;
}

/** The latest messages of a conversation, oldest first. */
export async function readMessages(db: Database, conversationId: string, limit: number): Promise<ChatMessage[]> {
  const rows = await db
    .select()
    .from(conversationMessages)
    .where(eq(conversationMessages.conversationId, conversationId))
    .orderBy(desc(conversationMessages.at), desc(conversationMessages.id))
    .limit(limit);
  return rows.reverse().map(presentMessage);
}

/** Resolves or reopens a conversation; false when it was in that state already. */
export async function setStatus(db: Database, id: string, status: ConversationStatus, at: number): Promise<boolean> {
  const rows = await db
    .update(conversations)
    .set({ status, resolvedAt: status === "resolved" ? new Date(at) : null })
    .where(and(eq(conversations.id, id), sql`${conversations.status} <> ${status}`))
    .returning({ id: conversations.id });
  return rows.length > 0;
}

/** Conversations of an adviser (or all, for `null`), open first, latest message first. */
export async function listConversations(
  db: Database,
  filter: { adviserId: string | null; status: ConversationStatus | null; limit: number },
): Promise<Array<ConversationRow & { lastMessage: string | null }>> {
  const conditions = [
    filter.adviserId === null ? undefined : eq(conversations.adviserId, filter.adviserId),
    filter.status === null ? undefined : eq(conversations.status, filter.status),
  ].filter((condition) => condition !== undefined);
  const rows = await db
    .select({
      conversation: conversations,
      adviserName: advisers.displayName,
      lastMessage: sql<
        string | null
      >`(select body from conversation_messages m where m.conversation_id = ${conversations.id} order by m.at desc limit 1)`,
    })
    .from(conversations)
    .leftJoin(advisers, eq(advisers.id, conversations.adviserId))
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(asc(sql`${conversations.status} = 'resolved'`), desc(sql`coalesce(${conversations.lastMessageAt}, ${conversations.openedAt})`))
    .limit(filter.limit);
  return rows.map((row) => ({ ...presentConversation(row.conversation, row.adviserName), lastMessage: row.lastMessage }));
}

function presentConversation(row: typeof conversations.$inferSelect, adviserName: string | null): ConversationRow {
  return {
    id: row.id,
    shopperId: row.shopperId,
    adviserId: row.adviserId,
    adviserName,
    status: row.status,
    openedAt: row.openedAt.getTime(),
    firstMessageAt: row.firstMessageAt?.getTime() ?? null,
    firstResponseAt: row.firstResponseAt?.getTime() ?? null,
    resolvedAt: row.resolvedAt?.getTime() ?? null,
    lastMessageAt: row.lastMessageAt?.getTime() ?? null,
  };
}

function presentMessage(row: typeof conversationMessages.$inferSelect): ChatMessage {
  return {
    id: row.id,
    conversationId: row.conversationId,
    author: row.author,
    body: row.body,
    clientKey: row.clientKey,
    at: row.at.getTime(),
  };
}
