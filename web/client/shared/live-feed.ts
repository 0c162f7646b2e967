import type { ServerMessage } from "../../../src/live/messages.ts";
import type { SkuSnapshot } from "../../../src/sales/snapshot.ts";
import type { ServerClock } from "./clock.ts";

const RECONNECT_MS = [250, 500, 1_000, 2_000, 5_000];
const PING_EVERY_MS = 15_000;

/**
 * The SKU's live feed: snapshots as they are pushed, and ping/pong for clock sync. After
 * a drop it reconnects with backoff and gets a fresh snapshot on connect.
 */
export class LiveFeed {
  private readonly url: string;
  private readonly clock: ServerClock;
  private readonly onSnapshot: (snapshot: SkuSnapshot) => void;
  private readonly onStatus: (connected: boolean) => void;
  private socket: WebSocket | null = null;
  private failures = 0;
  private pinger = 0;

  constructor(sku: string, clock: ServerClock, onSnapshot: (s: SkuSnapshot) => void, onStatus: (connected: boolean) => void) {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    this.url = `${scheme}//${location.host}/api/skus/${encodeURIComponent(sku)}/live`;
    this.clock = clock;
    this.onSnapshot = onSnapshot;
    this.onStatus = onStatus;
  }

  connect(): void {
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.addEventListener("open", () => {
      this.failures = 0;
      this.onStatus(true);
      // A few quick samples at connect: the shortest round trip sets the clock.
      for (let i = 0; i < 4; i++) setTimeout(() => this.ping(), i * 150);
      this.pinger = window.setInterval(() => this.ping(), PING_EVERY_MS);
    });
    socket.addEventListener("message", (event) => this.receive(event.data as string));
    socket.addEventListener("close", () => this.reconnect());
  }

  private ping(): void {
    if (this.socket?.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify({ type: "ping", clientTime: Date.now() }));
    }
  }

  private receive(data: string): void {
    const message = JSON.parse(data) as ServerMessage;
    if (message.type === "pong") this.clock.sample(message.clientTime, message.serverTime, Date.now());
    if (message.type === "snapshot") {
      this.clock.seed(message.snapshot.serverTime);
      this.onSnapshot(message.snapshot);
    }
  }

  private reconnect(): void {
    clearInterval(this.pinger);
    this.onStatus(false);
    const delay = RECONNECT_MS[Math.min(this.failures, RECONNECT_MS.length - 1)]!;
    this.failures += 1;
    setTimeout(() => this.connect(), delay);
  }
}
