/**
 * Tombstones of checkouts cancelled by their Idempotency-Key before the Try arrived
 * (`POST /api/checkout/cancel`): a late Try with such a key takes nothing. They only have
 * to outlive a Try still in flight, so they are bounded twice: a shopper keeps at most
 * `perShopper` of them (the oldest go first), and none outlives `ttlMs` or the sale.
 * Without the bounds every tombstone was kept, and loaded at every start, forever.
 */
export interface CancelledKey {
  shopperId: string;
  idempotencyKey: string;
  cancelledAt: number;
}

export interface CancelledKeyLimits {
  perShopper: number;
  ttlMs: number;
}

export const CANCELLED_KEY_LIMITS: CancelledKeyLimits = {
  perShopper: 20,
  /** Far beyond any retry of a Try in flight; the sale's end clears them sooner. */
  ttlMs: 24 * 3600 * 1000,
};

export class CancelledKeys {
  private readonly limits: CancelledKeyLimits;
  /** By shopper, oldest first: the per-shopper bound drops from the front. */
  private readonly byShopper = new Map<string, CancelledKey[]>();
  private count = 0;

  constructor(keys: Iterable<CancelledKey> = [], limits: CancelledKeyLimits = CANCELLED_KEY_LIMITS) {
    this.limits = limits;
    const sorted = [...keys].sort((a, b) => a.cancelledAt - b.cancelledAt);
    for (const key of sorted) this.add(key.shopperId, key.idempotencyKey, key.cancelledAt);
  }

  get size(): number {
    return this.count;
  }

  has(shopperId: string, idempotencyKey: string): boolean {
    return this.byShopper.get(shopperId)?.some((key) => key.idempotencyKey === idempotencyKey) ?? false;
  }

  /**
   * Records a tombstone. Returns what it pushed out of the shopper's bound (to delete from
   * storage too); a key already recorded keeps its first time and pushes nothing out.
   */
  add(shopperId: string, idempotencyKey: string, cancelledAt: number): { added: boolean; evicted: CancelledKey[] } {
    const keys = this.byShopper.get(shopperId) ?? [];
    if (keys.some((key) => key.idempotencyKey === idempotencyKey)) return { added: false, evicted: [] };
    keys.push({ shopperId, idempotencyKey, cancelledAt });
    this.byShopper.set(shopperId, keys);
    this.count += 1;
    const evicted = keys.splice(0, Math.max(0, keys.length - this.limits.perShopper));
    this.count -= evicted.length;
    return { added: true, evicted };
  }

  /** Forgets every tombstone cancelled before `before`; returns how many went. */
  expire(before: number): number {
    let removed = 0;
    for (const [shopperId, keys] of this.byShopper) {
      const kept = keys.filter((key) => key.cancelledAt >= before);
      removed += keys.length - kept.length;
      if (kept.length === 0) this.byShopper.delete(shopperId);
      else this.byShopper.set(shopperId, kept);
    }
    this.count -= removed;
    return removed;
  }

  /** When the oldest tombstone ages out, or null when there is none. */
  nextExpiry(): number | null {
    let oldest: number | null = null;
    for (const keys of this.byShopper.values()) {
      const first = keys[0];
      if (first && (oldest === null || first.cancelledAt < oldest)) oldest = first.cancelledAt;
    }
    return oldest === null ? null : oldest + this.limits.ttlMs;
  }

  /** The cutoff for `expire` at `now`: older tombstones have outlived any Try in flight. */
  cutoff(now: number): number {
    return now - this.limits.ttlMs;
  }
}
