/**
 * What one client may do with a SKU's live feed. A socket sending frames unthrottled once
 * moved checkout p50 on its SKU from 0.55 s to 8.5 s (every frame is a turn of the SKU's
 * object, the same object that sells the stock); four made the whole local storefront
 * unresponsive. The page itself sends 4 pings at connect and one every 15 s.
 */
export const LIVE_SOCKET_LIMITS = {
  /** A client frame longer than this closes the socket (1009): a ping is about 40 bytes. */
  maxFrameBytes: 1024,
  /** Frames a socket may send at once, then `framesPerSecond` on average; beyond it the socket is closed (1008). */
  burstFrames: 8,
  framesPerSecond: 1,
  /** Open sockets per client address on one SKU; more are refused with 429. */
  socketsPerClient: 16,
  /** Open sockets on one SKU; more are refused with 429 (a SKU object holds up to 32,768). */
  socketsPerSku: 20_000,
} as const;

/**
 * A token bucket for one socket's frames: `burst` frames at once, refilled at `perSecond`.
 * Pure: time comes in as an argument.
 */
export class FrameBudget {
  private readonly burst: number;
  private readonly perSecond: number;
  private tokens: number;
  private last: number;

  constructor(now: number, burst: number = LIVE_SOCKET_LIMITS.burstFrames, perSecond: number = LIVE_SOCKET_LIMITS.framesPerSecond) {
    this.burst = burst;
    this.perSecond = perSecond;
    this.tokens = burst;
    this.last = now;
  }

  /** Takes one frame's token; false when the socket is over its budget. */
  take(now: number): boolean {
    const elapsed = Math.max(0, now - this.last);
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.perSecond) / 1000);
    this.last = Math.max(this.last, now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** The tag a client's sockets carry on a SKU object, to count them (at most 256 characters). */
export function clientTag(address: string | null): string {
  return `client:${(address ?? "unknown").slice(0, 64)}`;
}
