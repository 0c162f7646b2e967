import { DurableObject } from "cloudflare:workers";
import { adviserFor } from "../../src/advisers/assignment-store.ts";
import { type ChatMessage, type ChatServerFrame, chatClientFrameSchema, type ConversationStatus } from "../../src/advisers/chat-frames.ts";
import { CHAT_LIMITS } from "../../src/advisers/chat-limits.ts";
import {
  appendMessage,
  type ConversationRow,
  findMessage,
  insertConversation,
  readConversation,
  readMessages,
  setStatus,
} from "../../src/advisers/conversation-store.ts";
import { MovableClock } from "../../src/clock.ts";
import { databaseSettings } from "../../src/config.ts";
import { type Database, withDatabase } from "../../src/db/client.ts";
import { describeDatabaseFailure } from "../../src/db/errors.ts";
import { statusOf } from "../../src/error-codes.ts";
import { fail, type Result, succeed } from "../../src/errors.ts";
import { FrameBudget } from "../../src/live/socket-limits.ts";

/** Who a socket speaks for: set by the Worker's route, which checked them, on the upgrade it forwards. */
export const CHAT_ROLE_HEADER = "X-Chat-Role";
export const CHAT_AUTHOR_HEADER = "X-Chat-Author";
/** An adviser's socket is for one conversation, the one the route found theirs. */
export const CHAT_CONVERSATION_HEADER = "X-Chat-Conversation";
/** The roster entry an adviser's socket writes as (absent for an owner, who may write in any). */
export const CHAT_ADVISER_HEADER = "X-Chat-Adviser";

type Side = "shopper" | "adviser";

/** A socket's attachment: survives hibernation with the socket. */
interface SocketSide {
  side: Side;
  authorId: string;
  /** An adviser's: the conversation they may write in (a newer one of the shopper's may be someone else's). */
  conversationId: string | null;
  /** An adviser's roster entry: they write only while the conversation is theirs (null: an owner). */
  asAdviser: string | null;
}

/** What the object keeps: whose thread it is, its current conversation and every one it had. */
interface State {
  shopperId: string | null;
  current: { id: string; status: ConversationStatus } | null;
  ids: string[];
}

const STATE_KEY = "state";
const EMPTY: State = { shopperId: null, current: null, ids: [] };

/** A message to post: from the shopper (their thread) or an adviser (checked by the route). */
export interface PostRequest {
  shopperId: string;
  author: Side;
  authorId: string;
  body: string;
  clientKey: string;
  /** The conversation the client means; absent means the current one. One not of this shopper is 404. */
  conversationId?: string | undefined;
  /**
   * An adviser's roster entry: the message is refused (404) unless the conversation is still
   * theirs when it is stored (they may have left, and their shoppers moved, since the route or
   * the socket checked). Null or absent: an owner, who may write in any.
   */
  asAdviser?: string | null | undefined;
}

/** A history: the conversation (null before the first message) and its latest messages. */
export interface ChatHistory {
  conversation: ConversationRow | null;
  messages: ChatMessage[];
}

/**
 * One shopper's conversation thread with their adviser (issue 17), named by the shopper's id:
 * the shopper's tabs and the advisers looking at it hold hibernating sockets here
 * (`ctx.acceptWebSocket`, tagged by side), and every message, by socket or by HTTP, is written
 * to Postgres once per client key BEFORE it is sent to the sockets, so what a reader saw is
 * what is stored. A thread holds one open conversation at a time: the shopper's first message
 * opens one (and assigns their adviser, under the roster's lock), resolving closes it, and the
 * shopper's next message opens the next, so the board measures each conversation on its own.
 *
 * Writes are taken one at a time (a promise chain): a Postgres write lets other requests in,
 * and two first messages at once must open one conversation, not two.
 */
export class Conversation extends DurableObject<Env> {
  private readonly clock = new MovableClock();
  private state: State = EMPTY;
  private queue: Promise<unknown> = Promise.resolve();
  /** The shopper's message budget. In memory: a flood keeps the object awake, and it holds as long as the flood does. */
  private budget: FrameBudget | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.state = (await ctx.storage.get<State>(STATE_KEY)) ?? EMPTY;
    });
  }

  /** The object's clock, for tests (src/clock.ts). */
  static clockOf(conversation: Conversation): MovableClock {
    return conversation.clock;
  }

  /** Posts a message (see the class comment); a replay of a client key answers the message stored first. */
  async post(request: PostRequest): Promise<Result<{ message: ChatMessage; conversation: ConversationRow; replayed: boolean }>> {
    const owned = this.claim(request.shopperId);
    if (!owned.ok) return owned;
    if (request.conversationId !== undefined && !this.state.ids.includes(request.conversationId)) {
      return fail("not_found", "no such conversation of this shopper");
    }
    if (request.author === "shopper") {
      const refused = this.spend();
      if (refused) return refused;
    }
    return this.serially(async () => {
      const posted = await this.database(async (db) => {
        const retried = await this.retryAfterResolution(db, request);
        if (retried)
          return succeed({ message: retried, conversation: (await readConversation(db, retried.conversationId))!, replayed: true });
        const conversation = await this.conversationFor(db, request);
        if (!conversation.ok) return conversation;
        const stored = await appendMessage(db, {
          id: `msg_${crypto.randomUUID()}`,
          conversationId: conversation.value,
          author: request.author,
          authorId: request.authorId,
          body: request.body,
          clientKey: request.clientKey,
          at: this.clock.now(),
        });
        const row = await readConversation(db, conversation.value);
        return succeed({ ...stored, conversation: row! });
      });
      if (posted.ok && !posted.value.replayed) this.broadcast({ type: "message", message: posted.value.message });
      return posted;
    });
  }

  /** The current (or latest) conversation and its latest messages. */
  async history(shopperId: string): Promise<Result<ChatHistory>> {
    const owned = this.claim(shopperId);
    if (!owned.ok) return owned;
    const current = this.state.current;
    if (!current) return succeed({ conversation: null, messages: [] });
    return this.database(async (db) =>
      succeed({
        conversation: await readConversation(db, current.id),
        messages: await readMessages(db, current.id, CHAT_LIMITS.historyMessages),
      }),
    );
  }

  /** Resolves the current conversation (an adviser, checked by the route), or reopens it. */
  async setStatus(conversationId: string, status: ConversationStatus): Promise<Result<{ changed: boolean }>> {
    return this.serially(async () => {
      const current = this.state.current;
      if (!this.state.ids.includes(conversationId)) return fail("not_found", "no such conversation");
      if (current?.id !== conversationId)
        return fail("conversation_resolved", "a newer conversation of this shopper is open; work in that one");
      const changed = await this.database(async (db) => succeed(await setStatus(db, conversationId, status, this.clock.now())));
      if (!changed.ok) return changed;
      this.state = { ...this.state, current: { id: conversationId, status } };
      await this.ctx.storage.put(STATE_KEY, this.state);
      if (changed.value) this.broadcast({ type: "status", conversationId, status });
      return succeed({ changed: changed.value });
    });
  }

  /** Accepts a socket for the side and author the Worker's route names (it checked them). */
  override async fetch(request: Request): Promise<Response> {
    const side = request.headers.get(CHAT_ROLE_HEADER);
    const authorId = request.headers.get(CHAT_AUTHOR_HEADER);
    const conversationId = request.headers.get(CHAT_CONVERSATION_HEADER);
    const named = side === "shopper" || (side === "adviser" && conversationId !== null);
    if (!named || !authorId || request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return Response.json(
        { error: { code: "invalid_request", message: "a chat socket is opened through /api/chat/socket" } },
        { status: 400 },
      );
    }
    if (side === "shopper") {
      const owned = this.claim(authorId);
      if (!owned.ok) return Response.json({ error: owned.error }, { status: statusOf(owned.error.code) });
    }
    if (this.ctx.getWebSockets(side).length >= CHAT_LIMITS.socketsPerSide) {
      const message = `too many chat sockets on this conversation (at most ${CHAT_LIMITS.socketsPerSide}); close one and retry`;
      return Response.json(
        { error: { code: "rate_limited", message } },
        { status: statusOf("rate_limited"), headers: { "Retry-After": "5" } },
      );
    }
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, [side]);
    server.serializeAttachment({
      side,
      authorId,
      conversationId: side === "adviser" ? conversationId : null,
      asAdviser: side === "adviser" ? request.headers.get(CHAT_ADVISER_HEADER) : null,
    } satisfies SocketSide);
    return new Response(null, { status: 101, webSocket: client });
  }

  /** A frame from a socket: a message to post, or a ping. Oversized frames close the socket unread. */
  override async webSocketMessage(socket: WebSocket, data: string | ArrayBuffer): Promise<void> {
    const bytes = typeof data === "string" ? new TextEncoder().encode(data).byteLength : data.byteLength;
    if (bytes > CHAT_LIMITS.maxFrameBytes) {
      socket.close(1009, `frames are limited to ${CHAT_LIMITS.maxFrameBytes} bytes`);
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(typeof data === "string" ? data : new TextDecoder().decode(data));
    } catch {
      parsed = undefined;
    }
    const frame = chatClientFrameSchema.safeParse(parsed);
    if (!frame.success) {
      const problem = frame.error.issues[0]?.message ?? "not a chat frame";
      send(socket, {
        type: "error",
        code: "invalid_request",
        message: `expected {"type":"send","body","clientKey"} or {"type":"ping"}: ${problem}`,
      });
      return;
    }
    if (frame.data.type === "ping") {
      send(socket, { type: "pong", serverTime: this.clock.now() });
      return;
    }
    const { side, authorId, conversationId, asAdviser } = socket.deserializeAttachment() as SocketSide;
    const shopperId = this.state.shopperId;
    if (!shopperId) {
      send(socket, { type: "error", code: "not_found", message: "no conversation yet", clientKey: frame.data.clientKey });
      return;
    }
    const posted = await this.post({
      shopperId,
      author: side,
      authorId,
      body: frame.data.body,
      clientKey: frame.data.clientKey,
      conversationId: conversationId ?? undefined,
      asAdviser,
    });
    if (!posted.ok)
      send(socket, { type: "error", code: posted.error.code, message: posted.error.message, clientKey: frame.data.clientKey });
    // A replay was not broadcast; its sender still learns it is stored.
    else if (posted.value.replayed) send(socket, { type: "message", message: posted.value.message });
  }

  override async webSocketClose(socket: WebSocket, code: number): Promise<void> {
    // 1005/1006 have no wire form: answer a plain close.
    socket.close(code === 1005 || code === 1006 ? 1000 : code, "closing");
  }

  /**
   * A shopper's retry of a message stored just before its conversation was resolved: the
   * message stored then, not the first of a new conversation (the unique index is per
   * conversation, so without this a retry could be stored twice).
   */
  private async retryAfterResolution(db: Database, request: PostRequest): Promise<ChatMessage | null> {
    const current = this.state.current;
    if (request.author !== "shopper" || current?.status !== "resolved") return null;
    return findMessage(db, current.id, request.clientKey);
  }

  /** The conversation a message goes to, opening one (and assigning the shopper's adviser) on the shopper's first message or the first after a resolution. */
  private async conversationFor(db: Database, request: PostRequest): Promise<Result<string>> {
    const current = this.state.current;
    if (request.author === "adviser") {
      if (!current || (request.conversationId !== undefined && request.conversationId !== current.id)) {
        return fail("conversation_resolved", "this conversation is resolved; the shopper's newer one is open");
      }
      if (current.status === "resolved") return fail("conversation_resolved", "this conversation is resolved; reopen it to write");
      if (request.asAdviser) {
        const row = await readConversation(db, current.id);
        if (row?.adviserId !== request.asAdviser) return fail("not_found", "this conversation is no longer yours");
      }
      return succeed(current.id);
    }
    if (current && current.status === "open") return succeed(current.id);
    const adviser = await adviserFor(db, request.shopperId, this.clock.now());
    if (!adviser.ok) return adviser;
    const id = `cv_${crypto.randomUUID()}`;
    await insertConversation(db, { id, shopperId: request.shopperId, adviserId: adviser.value.adviserId, at: this.clock.now() });
    this.state = { ...this.state, current: { id, status: "open" }, ids: [...this.state.ids, id] };
    await this.ctx.storage.put(STATE_KEY, this.state);
    if (current) this.broadcast({ type: "status", conversationId: id, status: "open" });
    return succeed(id);
  }

  /** Binds the object to its shopper on first use; any other shopper is refused (a misrouted call). */
  private claim(shopperId: string): Result<null> {
    if (this.state.shopperId === null) {
      this.state = { ...this.state, shopperId };
      void this.ctx.storage.put(STATE_KEY, this.state);
    } else if (this.state.shopperId !== shopperId) {
      return fail("not_found", "no such conversation of this shopper");
    }
    return succeed(null);
  }

  /** One message from the shopper's budget, or the refusal. */
  private spend(): ReturnType<typeof fail> | null {
    const now = this.clock.now();
    this.budget ??= new FrameBudget(now, CHAT_LIMITS.shopperBurst, CHAT_LIMITS.shopperMessagesPerMinute / 60);
    if (this.budget.take(now)) return null;
    const retryAfter = Math.ceil(60 / CHAT_LIMITS.shopperMessagesPerMinute);
    const { shopperBurst, shopperMessagesPerMinute } = CHAT_LIMITS;
    return fail(
      "rate_limited",
      `too many messages: at most ${shopperBurst} at once, then ${shopperMessagesPerMinute} a minute; try again in ${retryAfter} s`,
      { retryAfter },
    );
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Borrows Postgres; a failure to reach it is 503 `dependency_unavailable`, nothing sent. */
  private async database<T>(work: (db: Database) => Promise<Result<T>>): Promise<Result<T>> {
    try {
      return await withDatabase(databaseSettings(this.env), work);
    } catch (error) {
      console.error(`conversation: Postgres did not answer (${describeDatabaseFailure(error).summary})`);
      return fail("dependency_unavailable", "the conversation cannot be stored just now (Postgres); try again shortly");
    }
  }

  private broadcast(frame: ChatServerFrame): void {
    const text = JSON.stringify(frame);
    for (const socket of this.ctx.getWebSockets()) {
      try {
        socket.send(text);
      } catch {
        // A socket closing as we send: its close handler tidies up.
      }
    }
  }
}

function send(socket: WebSocket, frame: ChatServerFrame): void {
  socket.send(JSON.stringify(frame));
}
