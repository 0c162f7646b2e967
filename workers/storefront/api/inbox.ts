import { z } from "@hono/zod-openapi";
import { INBOX_PAGE_MAX, inboxPage, markAllRead, markRead, unreadCount } from "../../../src/inbox/inbox-store.ts";
import { AppError } from "../../../src/errors.ts";
import { readDatabase } from "../admin/read-database.ts";
import { noStore } from "../contract/no-store.ts";
import { contractApp, contractRoute } from "../contract/route.ts";
import { epochMs, int } from "../contract/units.ts";
import { addressLimit, sessionLimit, shopperLimit } from "./rate-limit.ts";
import { presentedShopper, session } from "./session.ts";
import { shopperWrite } from "./validation.ts";

/**
 * The shopper's in-app inbox (issue 17): the follow-up sequences' messages (and any notice
 * written to `inbox_messages`), newest first, each unread until read. Every read and write is
 * the session's own shopper's: another shopper's message is 404, as one that does not exist.
 * Marking read needs no Idempotency-Key: it is idempotent by itself (a message read again
 * keeps the time it was first read), as unsubscribing from push is.
 */

const messageSchema = z
  .object({
    id: z.string(),
    kind: z.string().describe("`follow_up`: a step of a follow-up sequence"),
    title: z.string(),
    body: z.string(),
    link: z.string().nullable().describe("a path on this shop the message points to"),
    createdAt: epochMs,
    readAt: epochMs.nullable(),
  })
  .openapi("InboxMessage");

const json = <T extends z.ZodType>(schema: T) => ({ "application/json": { schema } });
const NO_STORE = noStore("a shopper's own inbox, as it is now");
const WRITE = [shopperWrite, addressLimit, session, shopperLimit];
const noBody = { required: false, content: { "application/json": { schema: z.unknown().describe("nothing: send `{}` or no body") } } };
const idParams = z.object({
  id: z
    .string()
    .max(64)
    .openapi({ param: { description: "the message's id, `msg_…`" } }),
});

const listRoute = contractRoute({
  method: "get",
  path: "/me/inbox",
  tags: ["inbox"],
  summary: "The shopper's inbox, newest first, a page at a time",
  description: `\`before\`: the last id of the previous page (\`next\` of its answer). At most ${INBOX_PAGE_MAX} a page. \`unread\` counts every unread message, not only this page's.`,
  middleware: [sessionLimit, session],
  request: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(INBOX_PAGE_MAX).default(20),
      before: z.string().max(64).optional(),
    }),
  },
  responses: {
    200: {
      description: "the page",
      headers: NO_STORE,
      content: json(z.object({ messages: z.array(messageSchema), unread: int, next: z.string().nullable() }).openapi("InboxPage")),
    },
  },
  errors: ["invalid_request", "dependency_unavailable"],
});

const unreadRoute = contractRoute({
  method: "get",
  path: "/me/inbox/unread-count",
  tags: ["inbox"],
  summary: "How many messages are unread: the header's badge (one indexed count)",
  description:
    "Every page asks (at most once a minute per tab), so it never issues a session: a request without a valid session cookie is a shopper with no messages, `{ unread: 0 }`, answered without Postgres (a first visit's own `POST /api/session` is then the only one issuing its cookie).",
  middleware: [sessionLimit],
  security: [{ session: [] }, {}],
  responses: { 200: { description: "the count", headers: NO_STORE, content: json(z.object({ unread: int })) } },
  errors: ["dependency_unavailable"],
});

const readRoute = contractRoute({
  method: "post",
  path: "/me/inbox/{id}/read",
  tags: ["inbox"],
  summary: "Mark one message read (again: it keeps the time it was first read)",
  middleware: WRITE,
  request: { params: idParams, body: noBody },
  responses: { 200: { description: "read", content: json(z.object({ message: messageSchema, unread: int })) } },
  errors: ["not_found", "dependency_unavailable"],
});

const readAllRoute = contractRoute({
  method: "post",
  path: "/me/inbox/read-all",
  tags: ["inbox"],
  summary: "Mark every message read",
  middleware: WRITE,
  request: { body: noBody },
  responses: {
    200: { description: "read", content: json(z.object({ marked: int.describe("how many were unread"), unread: z.literal(0) })) },
  },
  errors: ["dependency_unavailable"],
});

const READ = { what: "your inbox", log: "me/inbox", timeoutMs: 5_000 };

export const inbox = contractApp()
  .openapi(listRoute, async (c) => {
    const { limit, before } = c.req.valid("query");
    const shopperId = c.get("shopperId");
    const answer = await readDatabase(c.env, READ, async (db) => {
      const page = await inboxPage(db, shopperId, { limit, before });
      return { messages: page.messages, unread: await unreadCount(db, shopperId), next: page.more ? page.messages.at(-1)!.id : null };
    });
    c.header("Cache-Control", "no-store");
    return c.json(answer, 200);
  })
  .openapi(unreadRoute, async (c) => {
    const shopperId = c.env.SESSION_SECRET ? await presentedShopper(c, c.env.SESSION_SECRET) : null;
    const unread = shopperId ? await readDatabase(c.env, READ, (db) => unreadCount(db, shopperId)) : 0;
    c.header("Cache-Control", "no-store");
    return c.json({ unread }, 200);
  })
  .openapi(readRoute, async (c) => {
    const shopperId = c.get("shopperId");
    const { id } = c.req.valid("param");
    const answer = await readDatabase(c.env, READ, async (db) => {
      const message = await markRead(db, shopperId, id, Date.now());
      if (!message) throw new AppError("not_found", `no message ${id} in your inbox`);
      return { message, unread: await unreadCount(db, shopperId) };
    });
    return c.json(answer, 200);
  })
  .openapi(readAllRoute, async (c) => {
    const marked = await readDatabase(c.env, READ, (db) => markAllRead(db, c.get("shopperId"), Date.now()));
    return c.json({ marked, unread: 0 as const }, 200);
  });
