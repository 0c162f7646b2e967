import { exports } from "cloudflare:workers";
import { expect } from "vitest";
import type { ChatServerFrame } from "../../src/advisers/chat-frames.ts";
import type { Shopper } from "./support.ts";
import { asOwner, call, freshAddress, makeAccount, ORIGIN, PASSWORD, signIn } from "./staff-support.ts";
import { withPostgres } from "./postgres-support.ts";

/** Adviser chat in workerd (issue 17): advisers on the roster, shoppers' messages, sockets that collect frames. */

export interface TestAdviser {
  id: string;
  staffId: string;
  cookie: string;
}

/** A staff account with the adviser role, signed in, on the roster, on shift unless told otherwise. */
export async function makeAdviser(name: string, onShift = true): Promise<TestAdviser> {
  const account = await makeAccount("adviser", { name });
  const added = await asOwner("/advisers", { body: { staffId: account.id } });
  expect(added.status, await added.clone().text()).toBe(201);
  const { adviser } = await added.json<{ adviser: { id: string } }>();
  if (onShift) {
    const shift = await asOwner(`/advisers/${adviser.id}`, { method: "PATCH", body: { onShift: true } });
    expect(shift.status).toBe(200);
  }
  const { cookie } = await signIn(account.email!, PASSWORD, freshAddress());
  return { id: adviser.id, staffId: account.id, cookie };
}

/** As the adviser: a session-cookie call (writes carry the shop's own Origin). */
export function asAdviser(
  adviser: TestAdviser,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  return call(path, { ...init, cookie: adviser.cookie, headers: { Origin: ORIGIN, ...init.headers } });
}

/** Takes every adviser off shift: a test that counts the round robin starts from a roster it knows. */
export function everyoneOffShift(): Promise<void> {
  return withPostgres(async (pool) => {
    await pool.query("update advisers set on_shift = false where on_shift");
  });
}

export function sendAsShopper(shopper: Shopper, body: string, key: string = crypto.randomUUID(), query = ""): Promise<Response> {
  return shopper.post(`/api/chat/messages${query}`, { body }, { "Idempotency-Key": key });
}

/** Opens the shopper's chat socket and collects its frames. */
export async function shopperSocket(shopper: Shopper) {
  return collect(await exports.default.fetch(`${ORIGIN}/api/chat/socket`, { headers: { Upgrade: "websocket", Cookie: shopper.cookie } }));
}

/** Opens an adviser's socket on a conversation (with local staff accounts on) and collects its frames. */
export async function adviserSocket(adviser: TestAdviser, conversationId: string) {
  return collect(await call(`/conversations/${conversationId}/socket`, { cookie: adviser.cookie, headers: { Upgrade: "websocket" } }));
}

async function collect(response: Response) {
  expect(response.status, response.status === 101 ? "" : await response.text()).toBe(101);
  const socket = response.webSocket!;
  const frames: ChatServerFrame[] = [];
  socket.addEventListener("message", (event) => {
    frames.push(JSON.parse(event.data as string));
  });
  socket.accept();
  const until = async <T>(find: (frames: ChatServerFrame[]) => T | undefined, timeoutMs = 10_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find(frames);
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`no such frame; got ${JSON.stringify(frames)}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  return { socket, frames, until };
}

/** Rows Postgres holds for these shoppers: their assignments, conversations and messages. */
export function chatRows(shopperIds: string[]) {
  return withPostgres(async (pool) => {
    const assignments = await pool.query<{ shopper_id: string; adviser_id: string; reason: string }>(
      "select shopper_id, adviser_id, reason from adviser_assignments where shopper_id = any($1)",
      [shopperIds],
    );
    const conversations = await pool.query<{
      id: string;
      shopper_id: string;
      adviser_id: string;
      status: string;
      first_response_at: Date | null;
    }>("select id, shopper_id, adviser_id, status, first_response_at from conversations where shopper_id = any($1)", [shopperIds]);
    const messages = await pool.query<{ conversation_id: string; author: string; body: string; client_key: string }>(
      "select m.conversation_id, m.author, m.body, m.client_key from conversation_messages m join conversations c on c.id = m.conversation_id where c.shopper_id = any($1)",
      [shopperIds],
    );
    return { assignments: assignments.rows, conversations: conversations.rows, messages: messages.rows };
  });
}
