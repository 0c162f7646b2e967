import type { Result } from "../../src/errors.ts";
import type { ShardStock } from "../../src/sales/shard-stock.ts";
import type { Release } from "./stock-dealer.ts";
import type { StockTransfer } from "./store.ts";

/** What a shard needs of its primary: a lease of units. */
export interface LeasingPrimary {
  lease(shard: number, leaseId: string, want: number): Promise<Result<number[]>>;
}

/** What the supply needs of its shard object. */
export interface SupplyHost {
  shard: number;
  stock(): ShardStock;
  primary(): LeasingPrimary;
  transfer(id: string): StockTransfer | null;
  unsettled(): StockTransfer[];
  /** Persists a transfer with the stock it moved (after any changes still unwritten). */
  record(transfer: StockTransfer): void;
  /** A question went unanswered: ask again soon (the object's alarm runs `resume`). */
  retrySoon(): void;
  now(): number;
}

/**
 * After the primary answered "nothing left", the shard does not ask again for this long: a
 * stampede on a sold-out sale costs one question per shard per quarter second, not one per
 * checkout. Units that come back elsewhere (a hold expiring) reach this shard's shoppers after
 * at most this long.
 */
export const DRY_MEMORY_MS = 250;

/**
 * A shard's supply of units (issue 12): it leases units from the primary when a Try finds too
 * few, one lease at a time (Tries arriving meanwhile wait for it), and gives up its unsold
 * units when the primary recalls them for a shard that ran dry. A lease is recorded before it
 * is asked, so a shard restarted before the answer asks again by the same id and the primary
 * answers with the same ranks.
 */
export class StockSupply {
  private readonly host: SupplyHost;
  private leasing: Promise<number> | null = null;
  /** Leases being asked now: `resume` leaves them to the question already on its way. */
  private readonly asking = new Set<string>();
  private dryUntil = 0;

  constructor(host: SupplyHost) {
    this.host = host;
  }

  /**
   * Leases at least `want` units unless the primary has none, or waits for the lease in flight;
   * resolves with how many units that lease brought (0: none, so asking again is pointless).
   */
  refill(want: number): Promise<number> {
    if (this.leasing) return this.leasing;
    if (this.host.now() < this.dryUntil) return Promise.resolve(0);
    this.leasing = this.leaseMore(want).finally(() => {
      this.leasing = null;
    });
    return this.leasing;
  }

  /**
   * Answers a recall: every unsold unit (the same ranks again for a recall asked twice), and
   * which of the leases the primary asks about have arrived here (their answers stored), so it
   * knows whether units it dealt are still on their way.
   */
  release(recallId: string, leases: readonly string[] = []): Release {
    const received = leases.filter((id) => this.host.transfer(id)?.settled === true);
    const known = this.host.transfer(recallId);
    if (known) return { ranks: known.ranks, received };
    const ranks = this.host.stock().surrender();
    this.host.record({ id: recallId, kind: "release", shard: this.host.shard, ranks, settled: true });
    return { ranks, received };
  }

  /** Asks again every lease whose answer never arrived; resolves with the units they brought. */
  async resume(): Promise<number> {
    let received = 0;
    for (const lease of this.host.unsettled()) if (!this.asking.has(lease.id)) received += await this.ask(lease, 0);
    return received;
  }

  private async leaseMore(want: number): Promise<number> {
    const resumed = await this.resume();
    if (this.host.stock().available >= want) return resumed;
    const lease: StockTransfer = {
      id: `lease:${this.host.shard}:${crypto.randomUUID()}`,
      kind: "lease",
      shard: this.host.shard,
      ranks: [],
      settled: false,
    };
    this.host.record(lease); // before the question leaves: a shard restarted meanwhile asks again
    return resumed + (await this.ask(lease, want));
  }

  /** Asks the primary for a lease's ranks and takes them; 0 when it has none or did not answer. */
  private async ask(lease: StockTransfer, want: number): Promise<number> {
    let answer: Result<number[]>;
    this.asking.add(lease.id);
    try {
      answer = await this.host.primary().lease(this.host.shard, lease.id, want);
    } catch (error) {
      console.warn(`sale shard ${this.host.shard}: lease ${lease.id} not answered (${String(error)}); asked again soon`);
      this.host.retrySoon();
      return 0;
    } finally {
      this.asking.delete(lease.id);
    }
    if (!answer.ok) {
      console.warn(`sale shard ${this.host.shard}: lease ${lease.id} refused (${answer.error.message}); asked again soon`);
      this.host.retrySoon();
      return 0;
    }
    if (this.host.transfer(lease.id)?.settled) return 0;
    if (answer.value.length === 0) this.dryUntil = this.host.now() + DRY_MEMORY_MS;
    this.host.stock().receive(answer.value);
    this.host.record({ ...lease, ranks: answer.value, settled: true });
    return answer.value.length;
  }
}
