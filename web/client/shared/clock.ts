/**
 * Server time in the browser. Each sample is one round trip: the client's send and
 * receive times and the server's clock in between. The offset is taken from the sample
 * with the shortest round trip, whose midpoint is the most certain (NTP's rule).
 */
export class ServerClock {
  private best: { offset: number; rtt: number } | null = null;

  /** Records a round trip: sent at `clientSent`, answered with `serverTime`, received at `clientReceived`. */
  sample(clientSent: number, serverTime: number, clientReceived: number): void {
    const rtt = Math.max(0, clientReceived - clientSent);
    const offset = serverTime + rtt / 2 - clientReceived;
    if (!this.best || rtt <= this.best.rtt) this.best = { offset, rtt };
  }

  /** A one-way reading (no round trip known), used only until a real sample arrives. */
  seed(serverTime: number): void {
    if (!this.best) this.best = { offset: serverTime - Date.now(), rtt: Number.POSITIVE_INFINITY };
  }

  get synced(): boolean {
    return this.best !== null && Number.isFinite(this.best.rtt);
  }

  get offset(): number {
    return this.best?.offset ?? 0;
  }

  now(): number {
    return Date.now() + this.offset;
  }
}
