import { clientMessageSchema, type ServerMessage } from "../../src/live/messages.ts";
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
  private pushTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(ctx: DurableObjectState, snapshot: () => SkuSnapshot) {
    this.ctx = ctx;
    this.snapshot = snapshot;
  }

  /** Accepts a shopper's socket and sends the current snapshot at once. */
  accept(): Response {
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
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

  /** Answers a client frame: `ping` gets server time back, for the countdown's clock sync. */
  onMessage(socket: WebSocket, data: string | ArrayBuffer): void {
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
    send(socket, { type: "pong", clientTime: message.data.clientTime, serverTime: Date.now() });
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

function send(socket: WebSocket, message: ServerMessage): void {
  socket.send(JSON.stringify(message));
}
