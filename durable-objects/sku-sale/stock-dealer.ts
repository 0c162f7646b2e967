import type { Result } from "../../src/errors.ts";
import type { Inventory } from "../../src/sales/inventory.ts";
import type { StockTransfer } from "./store.ts";

/**
 * Rounds that bring units back one lease may start. Each such round lets Tries be decided
 * (a shard sells what a lease brought before it hears the next recall), so rounds end when one
 * brings nothing; the bound only stops a tug between shards that should never happen.
 */
const MAX_RECALL_ROUNDS = 32;

/**
 * A lease dealt but not yet known to have reached its shard is waited for this long at most
 * before a lease is answered short: its units are on their way to a shard, not gone.
 */
const IN_FLIGHT_WAIT_MS = 2_000;
/** How often the primary asks again while units are on their way. */
const IN_FLIGHT_POLL_MS = 5;

/** A shard's answer to a recall: the ranks it gave up, and which of the leases asked about it has received. */
export interface Release {
  ranks: number[];
  received: string[];
}

/** What the dealer needs of a shard: its answer to a recall. */
export interface RecallableShard {
  release(recallId: string, leases: string[]): Promise<Result<Release>>;
}

/** What the dealer needs of its object. */
export interface DealerHost {
  /** The primary's stock: every unit not dealt to a shard. */
  inventory(): Inventory;
  shards(): number;
  shard(index: number): RecallableShard;
  transfer(id: string): StockTransfer | null;
  unsettled(): StockTransfer[];
  /** Persists a transfer with the stock it moved (after any changes still unwritten). */
  record(transfer: StockTransfer): void;
  /** A question went unanswered: ask again soon (the object's alarm runs `resume`). */
  retrySoon(): void;
}

/**
 * The primary object of a sharded sale (issue 12) deals its units to the shards: a shard that
 * runs dry leases more, lowest ranks first, so units go out close to their global sale order.
 * When the primary has too few left it recalls every shard's unsold units first, so the sale
 * sells out exactly: no shard answers `sold_out` while another sits on units.
 *
 * Every move is kept by id in both objects' storage, written in the same turn as the stock it
 * moves (and the runtime sends no message before such a write is durable): a retried lease
 * gets the ranks it got before, and a recall whose answer was lost is asked again, by the same
 * id, when the primary wakes; the shard answers it with the same ranks. No unit is dealt
 * twice or lost between objects.
 */
export class StockDealer {
  private readonly host: DealerHost;
  /** The recall round in flight: leases arriving meanwhile wait for it instead of starting another. */
  private recalling: Promise<number> | null = null;
  /**
   * Leases dealt whose shard has not yet said it has them, by id: their units are on their way
   * and cannot be recalled yet. In memory: after a restart the primary has none on its list,
   * and a lease still on its way is then found by the round after it lands.
   */
  private readonly inFlight = new Map<string, number>();
  /** Recalls being asked now: `resume` leaves them to the question already on its way. */
  private readonly asking = new Set<string>();

  constructor(host: DealerHost) {
    this.host = host;
  }

  /** Deals up to `want` units to `shard` for its lease `leaseId` (the same ranks again for a retried id). */
  async lease(shard: number, leaseId: string, want: number): Promise<number[]> {
    const known = this.host.transfer(leaseId);
    if (known) return known.ranks;
    // A round may bring back fewer units than its askers want, and one of them may take them
    // all: another round then takes that shard's surplus. Only a round that brings nothing
    // back means no shard has a unit to spare, and only then is a lease answered short.
    // Units dealt to another shard that have not reached it yet are not gone either: while any
    // are on their way the round is asked again, shortly, rather than answering short.
    const giveUpAt = Date.now() + IN_FLIGHT_WAIT_MS;
    let fruitful = 0;
    while (this.host.inventory().available < want) {
      if ((await this.recallSpares(shard)) > 0) {
        if (++fruitful >= MAX_RECALL_ROUNDS) break;
        continue;
      }
      if (!this.unitsOnTheirWay(shard) || Date.now() >= giveUpAt) break;
      await new Promise((resolve) => setTimeout(resolve, IN_FLIGHT_POLL_MS));
    }
    // A retry of this lease may have been answered while the recall ran.
    const answered = this.host.transfer(leaseId);
    if (answered) return answered.ranks;
    const inventory = this.host.inventory();
    const ranks = inventory.take(Math.min(want, inventory.available)) ?? [];
    this.host.record({ id: leaseId, kind: "lease", shard, ranks, settled: true });
    if (ranks.length > 0) this.inFlight.set(leaseId, shard);
    return ranks;
  }

  /** Whether a lease to a shard other than `asking` is still on its way. */
  private unitsOnTheirWay(asking: number): boolean {
    for (const shard of this.inFlight.values()) if (shard !== asking) return true;
    return false;
  }

  /** Asks again every recall whose answer never arrived (the primary was restarted, or a shard did not answer). */
  async resume(): Promise<void> {
    await Promise.all(
      this.host
        .unsettled()
        .filter((recall) => !this.asking.has(recall.id))
        .map((recall) => this.ask(recall)),
    );
  }

  /**
   * Takes back every shard's unsold units, but the asking shard's (it has none); one round at
   * a time. Resolves with the units the round brought back.
   */
  private recallSpares(asking: number): Promise<number> {
    this.recalling ??= this.recallRound(asking).finally(() => {
      this.recalling = null;
    });
    return this.recalling;
  }

  private async recallRound(asking: number): Promise<number> {
    const recalls: StockTransfer[] = [];
    for (let shard = 0; shard < this.host.shards(); shard++) {
      if (shard === asking) continue;
      const recall: StockTransfer = { id: `recall:${shard}:${crypto.randomUUID()}`, kind: "recall", shard, ranks: [], settled: false };
      this.host.record(recall); // before the question leaves: a primary restarted meanwhile asks again
      recalls.push(recall);
    }
    const brought = await Promise.all(recalls.map((recall) => this.ask(recall)));
    return brought.reduce((sum, units) => sum + units, 0);
  }

  /** Asks a shard for a recall's ranks and takes them back (resolving with how many); a failure leaves it for `resume`. */
  private async ask(recall: StockTransfer): Promise<number> {
    let answer: Result<Release>;
    this.asking.add(recall.id);
    try {
      const leases = [...this.inFlight].filter(([, shard]) => shard === recall.shard).map(([id]) => id);
      answer = await this.host.shard(recall.shard).release(recall.id, leases);
    } catch (error) {
      console.warn(`sale shard ${recall.shard}: recall ${recall.id} not answered (${String(error)}); asked again soon`);
      this.host.retrySoon();
      return 0;
    } finally {
      this.asking.delete(recall.id);
    }
    if (!answer.ok) {
      console.warn(`sale shard ${recall.shard}: recall ${recall.id} refused (${answer.error.message}); asked again soon`);
      this.host.retrySoon();
      return 0;
    }
    // Two askers of one recall (a resume during a round) take the ranks back once.
    const { ranks, received } = answer.value;
    for (const id of received) this.inFlight.delete(id);
    if (this.host.transfer(recall.id)?.settled) return 0;
    if (ranks.length > 0) this.host.inventory().giveBack(ranks);
    this.host.record({ ...recall, ranks, settled: true });
    return ranks.length;
  }
}
