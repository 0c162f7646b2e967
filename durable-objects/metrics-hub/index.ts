import { DurableObject } from "cloudflare:workers";
import { MovableClock } from "../../src/clock.ts";
import { MetricSet, type MetricsSnapshot } from "../../src/metrics/metric-set.ts";
import { SlotHistory, type SlotFigures } from "../../src/metrics/slot-history.ts";

/** The one object every isolate reports to. */
export const METRICS_HUB_NAME = "global";

const TOTALS_KEY = "totals";
const SLOT_PREFIX = "slot:";
/** Slot keys sort by time: the start in ms, zero-padded. */
const slotKey = (at: number) => `${SLOT_PREFIX}${String(at).padStart(15, "0")}`;

/** What the hub answers for the dashboard: the totals and the kept slots, oldest first. */
export interface HubReading {
  totals: MetricsSnapshot;
  slots: SlotFigures[];
}

/**
 * The metrics hub (issue 13): one Durable Object, named "global", that every Worker isolate
 * sends its batches to (at most one per isolate per 5 s, src/metrics/isolate-buffer.ts). It
 * keeps the cumulative totals of every series (what `GET /metrics` exposes) and an hour of
 * 10 s slots (what the dashboard charts) in its SQLite-backed key-value storage: a batch costs
 * two small writes, the totals and its slot, and a slot older than the hour is deleted.
 *
 * One object is one place for every count, so totals never need adding up across shards; at
 * one batch per isolate per 5 s, even a few hundred isolates make well under a hundred calls a
 * second, which one object serves. Kept in memory too: a read costs no storage read.
 */
export class MetricsHub extends DurableObject<Env> {
  private readonly clock = new MovableClock();
  private totals = new MetricSet();
  private history = new SlotHistory();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const kv = ctx.storage.kv;
    const stored = kv.get<MetricsSnapshot>(TOTALS_KEY);
    if (stored) this.totals = MetricSet.from(stored);
    this.history = new SlotHistory([...kv.list<SlotFigures>({ prefix: SLOT_PREFIX })].map(([, slot]) => slot));
  }

  /** The clock the hub's slots run on, for tests (src/clock.ts). Static: no part of its RPC surface. */
  static clockOf(hub: MetricsHub): MovableClock {
    return hub.clock;
  }

  /** Adds an isolate's batch to the totals and to the slot of now. */
  async record(batch: MetricsSnapshot): Promise<void> {
    const now = this.clock.now();
    this.totals.merge(batch);
    const slot = this.history.record(now, batch);
    const kv = this.ctx.storage.kv;
    kv.put(TOTALS_KEY, this.totals.snapshot());
    kv.put(slotKey(slot.at), slot);
    this.prune(now);
  }

  /** Notes units left per SKU in the slot of now (read by whoever asked: a scrape, the dashboard). */
  async noteStock(stock: Record<string, number>): Promise<void> {
    if (Object.keys(stock).length === 0) return;
    const slot = this.history.noteStock(this.clock.now(), stock);
    this.ctx.storage.kv.put(slotKey(slot.at), slot);
  }

  /** The cumulative totals of every series. */
  async readTotals(): Promise<MetricsSnapshot> {
    return this.totals.snapshot();
  }

  /** The totals and the last hour's slots, and the hub's time (the slots' clock). */
  async read(): Promise<HubReading & { now: number }> {
    const now = this.clock.now();
    this.prune(now);
    return { totals: this.totals.snapshot(), slots: this.history.list(), now };
  }

  /** Forgets the slots older than the hour, in memory and in storage. */
  private prune(now: number): void {
    for (const at of this.history.prune(now)) this.ctx.storage.kv.delete(slotKey(at));
  }
}
