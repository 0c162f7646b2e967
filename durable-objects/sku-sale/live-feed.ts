import { statusOf } from "../../src/error-codes.ts";
import { clientMessageSchema, type ServerMessage } from "../../src/live/messages.ts";
import { clientTag, FrameBudget, LIVE_SOCKET_LIMITS } from "../../src/live/socket-limits.ts";
import type { SkuSnapshot } from "../../src/sales/snapshot.ts";

/** How long changes gather before one push: a stampede of checkouts becomes a few frames a second. */
const COALESCE_MS = 100;

/**
 * The SKU's live feed over hibernatable WebSockets: the runtime keeps the sockets while
 * the object sleeps, so thousands of idle shoppers cost nothing between pushes.
 */
export class LiveFeed {
  private readonly ctx: DurableObjectState;
  private readonly snapshot: () => SkuSnapshot;
  /** The object's clock: a pong's server time is the same time its snapshots carry. */
  private readonly now: () => number;
  private pushTimer: ReturnType<typeof setTimeout> | null = null;
  /** Each socket's frame budget. In memory only: a socket that keeps sending keeps the object awake. */
  private readonly budgets = new WeakMap<WebSocket, FrameBudget>();

  constructor(ctx: DurableObjectState, snapshot: () => SkuSnapshot, now: () => number) {
    this.ctx = ctx;
    this.snapshot = snapshot;
    this.now = now;
  }

  /**
   * Accepts a shopper's socket and sends the current snapshot at once, unless the client
   * (by address) or the SKU already has as many sockets as it may: then 429.
   */
  accept(request: Request): Response {
    const tag = clientTag(request.headers.get("CF-Connecting-IP"));
    const { socketsPerClient, socketsPerSku } = LIVE_SOCKET_LIMITS;
    if (this.ctx.getWebSockets(tag).length >= socketsPerClient || this.ctx.getWebSockets().length >= socketsPerSku) {
      const message = `too many live connections (at most ${socketsPerClient} per client, ${socketsPerSku} per SKU); close one and retry`;
      return Response.json(
        { error: { code: "rate_limited", message } },
        { status: statusOf("rate_limited"), headers: { "Retry-After": "5" } },
      );
    }
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, [tag]);
    send(server, { type: "snapshot", snapshot: this.snapshot() });
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Notes a change; the next push carries it, together with every change until then. */
  changed(): void {
    if (this.pushTimer !== null || this.ctx.getWebSockets().length === 0) return;
    this.pushTimer = setTimeout(() => {
      this.pushTimer = null;
      this.broadcast();
    }, COALESCE_MS);
  }

  /**
   * Answers a client frame: `ping` gets server time back, for the countdown's clock sync.
   * A frame over the size limit, or beyond the socket's frame budget, closes the socket
   * before anything is parsed.
   */
  onMessage(socket: WebSocket, data: string | ArrayBuffer): void {
    if (socket.readyState !== WebSocket.OPEN) return; // closed by us already: ignore what was in flight
    if (frameBytes(data) > LIVE_SOCKET_LIMITS.maxFrameBytes) {
      socket.close(1009, `frames are limited to ${LIVE_SOCKET_LIMITS.maxFrameBytes} bytes`);
      return;
    }
    const now = this.now();
    let budget = this.budgets.get(socket);
    if (!budget) {
      budget = new FrameBudget(now);
      this.budgets.set(socket, budget);
    }
    if (!budget.take(now)) {
      socket.close(1008, "too many frames: at most a few pings a second");
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(typeof data === "string" ? data : new TextDecoder().decode(data));
    } catch {
      parsed = undefined;
    }
    const message = clientMessageSchema.safeParse(parsed);
    if (!message.success) {
      send(socket, { type: "error", message: 'expected {"type":"ping","clientTime":<ms>}' });
      return;
    }
    send(socket, { type: "pong", clientTime: message.data.clientTime, serverTime: this.now() });
  }

  private broadcast(): void {
    const frame = JSON.stringify({ type: "snapshot", snapshot: this.snapshot() } satisfies ServerMessage);
    for (const socket of this.ctx.getWebSockets()) {
      try {
        socket.send(frame);
      } catch {
        // A socket closing as we push: the close handler will tidy up.
      }
    }
  }
}

/** A frame's size in bytes; a string is only encoded when it could be over the limit. */
function frameBytes(data: string | ArrayBuffer): number {
  if (typeof data !== "string") return data.byteLength;
  return data.length * 3 <= LIVE_SOCKET_LIMITS.maxFrameBytes ? data.length : new TextEncoder().encode(data).byteLength;
}

function send(socket: WebSocket, message: ServerMessage): void {
  socket.send(JSON.stringify(message));
}
