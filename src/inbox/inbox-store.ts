import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { inboxMessages } from "../db/schema.ts";

/** Messages one page of the inbox holds at most. */
export const INBOX_PAGE_MAX = 50;

/** One inbox message as the shopper reads it. */
export interface InboxMessage {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  createdAt: number;
  readAt: number | null;
}

type Executor = Pick<Database, "execute">;
type Raw = {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  created_at: string | Date;
  read_at: string | Date | null;
};

const messageOf = (r: Raw): InboxMessage => ({
  id: r.id,
  kind: r.kind,
  title: r.title,
  body: r.body,
  link: r.link,
  createdAt: new Date(r.created_at).getTime(),
  readAt: r.read_at === null ? null : new Date(r.read_at).getTime(),
});

/**
 * The shopper's messages, newest first (issue 17), `limit` of them from after the message
 * `before` (the previous page's last), and whether more remain. Only the shopper's own: a
 * `before` naming another's message reads as the first page.
 */
export async function inboxPage(
  db: Executor,
  shopperId: string,
  page: { limit: number; before?: string },
): Promise<{ messages: InboxMessage[]; more: boolean }> {
  const cursor = page.before
    ? sql`and (created_at, id) < (select created_at, id from ${inboxMessages} where id = ${page.before} and shopper_id = ${shopperId})`
    : sql``;
  const { rows } = await db.execute<Raw>(sql`
    select id, kind, title, body, link, created_at, read_at from ${inboxMessages}
    where shopper_id = ${shopperId} ${cursor}
    order by created_at desc, id desc
    limit ${page.limit + 1}`);
  return { messages: rows.slice(0, page.limit).map(messageOf), more: rows.length > page.limit };
}

/** How many of the shopper's messages are unread: the badge's number, from the partial index of unread rows. */
export async function unreadCount(db: Executor, shopperId: string): Promise<number> {
  const { rows } = await db.execute<{ n: string | number }>(sql`
    select count(*) as n from ${inboxMessages} where shopper_id = ${shopperId} and read_at is null`);
  return Number(rows[0]?.n ?? 0);
}

/** Marks one of the shopper's messages read (a message read before keeps its first time); null when it is not theirs. */
export async function markRead(db: Executor, shopperId: string, id: string, at: number): Promise<InboxMessage | null> {
  const { rows } = await db.execute<Raw>(sql`
    update ${inboxMessages} set read_at = coalesce(read_at, ${new Date(at).toISOString()})
    where id = ${id} and shopper_id = ${shopperId}
    returning id, kind, title, body, link, created_at, read_at`);
  return rows[0] ? messageOf(rows[0]) : null;
}

/** Marks every unread message of the shopper read; answers how many were unread. */
export async function markAllRead(db: Executor, shopperId: string, at: number): Promise<number> {
  const { rows } = await db.execute<{ id: string }>(sql`
    update ${inboxMessages} set read_at = ${new Date(at).toISOString()}
    where shopper_id = ${shopperId} and read_at is null
    returning id`);
  return rows.length;
}
