import { METRICS } from "./catalogue.ts";
import type { MetricsSnapshot } from "./metric-set.ts";

/** The history's resolution: one slot per 10 s, two per isolate flush at most. */
export const SLOT_MS = 10_000;
/** How far back the history goes: the dashboard's hour. */
export const HISTORY_MS = 3_600_000;
export const HISTORY_SLOTS = HISTORY_MS / SLOT_MS;

/**
 * What one 10 s slot keeps for the charts: a reduction of the batches that arrived in it, small
 * enough that an hour of slots is one answer (the per-route series stay in the totals, for
 * `/metrics`). Latency is every route's observations in one histogram, per bucket (not
 * cumulative; the last is `+Inf`'s own), so a slot's p99 is the edge's, whatever the route.
 */
export interface SlotFigures {
  /** The slot's start, epoch ms, a multiple of SLOT_MS. */
  at: number;
  latency: number[];
  /** Checkout outcomes by code (created, replayed, sold_out…). */
  checkouts: Record<string, number>;
  orders: number;
  payments: { succeeded: number; failed: number };
  coupons: { claimed: number; redeemed: number };
  /** Units left per SKU as last read in this slot (read when /metrics or the dashboard asks). */
  stock: Record<string, number>;
}

export function slotStart(now: number): number {
  return Math.floor(now / SLOT_MS) * SLOT_MS;
}

export function emptySlot(at: number): SlotFigures {
  return {
    at,
    latency: new Array<number>(METRICS.requestDuration.buckets.length + 1).fill(0),
    checkouts: {},
    orders: 0,
    payments: { succeeded: 0, failed: 0 },
    coupons: { claimed: 0, redeemed: 0 },
    stock: {},
  };
}

/** Adds a batch's figures to a slot's. */
export function addToSlot(slot: SlotFigures, batch: MetricsSnapshot): void {
  for (const sample of batch.histograms) {
    if (sample.name !== METRICS.requestDuration.name || sample.counts.length !== slot.latency.length) continue;
    sample.counts.forEach((count, i) => {
      slot.latency[i]! += count;
    });
  }
  for (const { name, labels, value } of batch.counters) {
    if (name === METRICS.checkoutOutcomes.name) {
      const outcome = labels[0] ?? "";
      slot.checkouts[outcome] = (slot.checkouts[outcome] ?? 0) + value;
    } else if (name === METRICS.ordersCreated.name) slot.orders += value;
    else if (name === METRICS.payments.name && (labels[0] === "succeeded" || labels[0] === "failed")) slot.payments[labels[0]] += value;
    else if (name === METRICS.couponsClaimed.name) slot.coupons.claimed += value;
    else if (name === METRICS.couponsRedeemed.name) slot.coupons.redeemed += value;
  }
}

/**
 * The last hour in 10 s slots: batches are added to the slot of the time they arrive, stock
 * readings noted in it, and slots older than the hour dropped. Only slots something happened in
 * are kept; the summary fills the gaps.
 */
export class SlotHistory {
  private readonly slots = new Map<number, SlotFigures>();

  constructor(slots: Iterable<SlotFigures> = []) {
    for (const slot of slots) this.slots.set(slot.at, slot);
  }

  /** Adds a batch to the slot of `now`; answers that slot, to be stored. */
  record(now: number, batch: MetricsSnapshot): SlotFigures {
    const slot = this.slotAt(now);
    addToSlot(slot, batch);
    return slot;
  }

  /** Notes units left per SKU in the slot of `now`; answers that slot. */
  noteStock(now: number, stock: Record<string, number>): SlotFigures {
    const slot = this.slotAt(now);
    Object.assign(slot.stock, stock);
    return slot;
  }

  /** Drops the slots older than the hour before `now`; answers their starts (to delete from storage). */
  prune(now: number): number[] {
    const oldest = slotStart(now) - HISTORY_MS + SLOT_MS;
    const dropped = [...this.slots.keys()].filter((at) => at < oldest);
    for (const at of dropped) this.slots.delete(at);
    return dropped;
  }

  /** The slots kept, oldest first. */
  list(): SlotFigures[] {
    return [...this.slots.values()].sort((a, b) => a.at - b.at);
  }

  private slotAt(now: number): SlotFigures {
    const at = slotStart(now);
    let slot = this.slots.get(at);
    if (!slot) {
      slot = emptySlot(at);
      this.slots.set(at, slot);
    }
    return slot;
  }
}
