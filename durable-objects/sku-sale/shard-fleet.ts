import { succeed, type Result } from "../../src/errors.ts";
import type { OrderStatus } from "../../src/orders/order.ts";
import type { SaleConfig } from "../../src/sales/sale-config.ts";
import type { SaleUnits } from "../../src/sales/snapshot.ts";
import type { DeadLetter } from "./store.ts";

/** What a shard tells its primary about itself, for the sale's live numbers and reconciliation. */
export interface ShardReport {
  shard: number;
  available: number;
  nextRank: number | null;
  unitsByStatus: Record<OrderStatus, number>;
  ordersPlaced: number;
  outbox: { pending: number; deadLettered: number };
}

/** A shard's dead letters, and what retrying them left. */
export interface DeadLetterList {
  total: number;
  deadLetters: DeadLetter[];
}
export interface RetriedDeadLetters {
  requeued: number;
  deadLettered: number;
  outboxPending: number;
}

/** The shard calls the primary makes to speak for the whole sale. */
export interface FleetShard {
  report(): Promise<Result<ShardReport>>;
  followConfig(config: SaleConfig): Promise<void>;
  flushOutbox(): Promise<{ outboxPending: number }>;
  deadLetters(limit: number): Promise<Result<DeadLetterList>>;
  retryDeadLetters(): Promise<Result<RetriedDeadLetters>>;
}

/** How long the primary reuses its shards' reports: the live feed and snapshots ask often. */
export const REPORT_TTL_MS = 250;

/**
 * The shards of a sharded sale as its primary sees them (issue 12): every call the primary
 * makes to all of them at once. Their reports are shared by concurrent askers and reused for
 * REPORT_TTL_MS; for a snapshot, a shard that does not answer keeps its last report (or counts
 * as empty) rather than failing the sale's snapshot, while reconciliation and the dead letters
 * need every shard's answer.
 */
export class ShardFleet {
  private readonly shards: () => number;
  private readonly shard: (index: number) => FleetShard;
  private readonly now: () => number;
  private latest: ShardReport[] = [];
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private fetching: Promise<ShardReport[]> | null = null;

  constructor(shards: () => number, shard: (index: number) => FleetShard, now: () => number) {
    this.shards = shards;
    this.shard = shard;
    this.now = now;
  }

  /** The last reports fetched, without asking (for the live feed's synchronous snapshot). */
  get last(): ShardReport[] {
    return this.latest;
  }

  /** Fresh reports: at most REPORT_TTL_MS old, or `fresh` to ask now (reconciliation). */
  reports(fresh = false): Promise<ShardReport[]> {
    if (!fresh && this.now() - this.fetchedAt < REPORT_TTL_MS && this.latest.length === this.shards()) {
      return Promise.resolve(this.latest);
    }
    this.fetching ??= this.fetchAll().finally(() => {
      this.fetching = null;
    });
    return this.fetching;
  }

  /** Forgets the reports: a shard said it changed. */
  invalidate(): void {
    this.fetchedAt = Number.NEGATIVE_INFINITY;
  }

  /** Every shard's report, or the first refusal: a reconciliation that skipped a shard would count it as empty. */
  async everyReport(): Promise<Result<ShardReport[]>> {
    return allOf(await this.askAll((shard) => shard.report()));
  }

  /** Every shard takes a configuration its primary adopted; resolves with how many did not answer. */
  async tell(config: SaleConfig): Promise<number> {
    const told = await Promise.allSettled(this.indices().map((index) => this.shard(index).followConfig(config)));
    return told.filter((result) => result.status === "rejected").length;
  }

  /** Every shard writes its outbox now; resolves with what they still have pending. */
  async flushOutbox(): Promise<number> {
    const flushed = await this.askAll((shard) => shard.flushOutbox());
    return flushed.reduce((sum, shard) => sum + shard.outboxPending, 0);
  }

  /** The shards' dead letters together, oldest first. */
  async deadLetters(limit: number): Promise<Result<DeadLetterList>> {
    const lists = allOf(await this.askAll((shard) => shard.deadLetters(limit)));
    if (!lists.ok) return lists;
    return succeed({
      total: lists.value.reduce((sum, list) => sum + list.total, 0),
      deadLetters: lists.value.flatMap((list) => list.deadLetters),
    });
  }

  /** Every shard retries its dead letters; what they requeued and have left, summed. */
  async retryDeadLetters(): Promise<Result<RetriedDeadLetters>> {
    const retried = allOf(await this.askAll((shard) => shard.retryDeadLetters()));
    if (!retried.ok) return retried;
    return succeed(
      retried.value.reduce(
        (sum, shard) => ({
          requeued: sum.requeued + shard.requeued,
          deadLettered: sum.deadLettered + shard.deadLettered,
          outboxPending: sum.outboxPending + shard.outboxPending,
        }),
        { requeued: 0, deadLettered: 0, outboxPending: 0 },
      ),
    );
  }

  private indices(): number[] {
    return Array.from({ length: this.shards() }, (_, index) => index);
  }

  private askAll<T>(call: (shard: FleetShard) => Promise<T>): Promise<T[]> {
    return Promise.all(this.indices().map((index) => call(this.shard(index))));
  }

  private async fetchAll(): Promise<ShardReport[]> {
    const started = this.now();
    const count = this.shards();
    const answers = await Promise.all(
      Array.from({ length: count }, (_, index) =>
        this.shard(index)
          .report()
          .catch((error: unknown) => error),
      ),
    );
    this.latest = answers.map((answer, index) => {
      if (isReport(answer)) return answer.value;
      console.warn(`sale shard ${index}: no report (${describe(answer)}); using the last one`);
      return this.latest.find((report) => report.shard === index) ?? emptyReport(index);
    });
    this.fetchedAt = started;
    return this.latest;
  }
}

/** A sharded sale's units for its snapshot: the primary's undealt ones and its shards' last reports. */
export function saleUnits(
  reports: readonly ShardReport[],
  primary: { total: number; available: number; nextRank: number | null },
): SaleUnits {
  const totals = sumReports(reports, primary);
  return {
    total: primary.total,
    remaining: totals.available,
    sold: totals.unitsByStatus.paid,
    held: totals.unitsByStatus.pending_payment + totals.unitsByStatus.deposit_paid,
    nextRank: totals.nextRank,
  };
}

/** The sale's totals from its shards' reports and the units the primary still holds. */
export function sumReports(reports: readonly ShardReport[], primary: { available: number; nextRank: number | null }) {
  const unitsByStatus: Record<OrderStatus, number> = {
    pending_payment: 0,
    deposit_paid: 0,
    paid: 0,
    cancelled: 0,
    expired: 0,
    forfeited: 0,
  };
  let available = primary.available;
  let nextRank = primary.nextRank;
  let ordersPlaced = 0;
  const outbox = { pending: 0, deadLettered: 0 };
  for (const report of reports) {
    for (const status of Object.keys(unitsByStatus) as OrderStatus[]) unitsByStatus[status] += report.unitsByStatus[status];
    available += report.available;
    if (report.nextRank !== null && (nextRank === null || report.nextRank < nextRank)) nextRank = report.nextRank;
    ordersPlaced += report.ordersPlaced;
    outbox.pending += report.outbox.pending;
    outbox.deadLettered += report.outbox.deadLettered;
  }
  return { unitsByStatus, available, nextRank, ordersPlaced, outbox };
}

/** The values of every answer, or the first refusal. */
function allOf<T>(answers: Array<Result<T>>): Result<T[]> {
  const values: T[] = [];
  for (const answer of answers) {
    if (!answer.ok) return answer;
    values.push(answer.value);
  }
  return succeed(values);
}

function emptyReport(shard: number): ShardReport {
  return {
    shard,
    available: 0,
    nextRank: null,
    unitsByStatus: { pending_payment: 0, deposit_paid: 0, paid: 0, cancelled: 0, expired: 0, forfeited: 0 },
    ordersPlaced: 0,
    outbox: { pending: 0, deadLettered: 0 },
  };
}

function isReport(answer: unknown): answer is { ok: true; value: ShardReport } {
  return typeof answer === "object" && answer !== null && (answer as Result<ShardReport>).ok === true;
}

function describe(answer: unknown): string {
  if (answer instanceof Error) return answer.message;
  if (typeof answer === "object" && answer !== null && "error" in answer)
    return String((answer as { error: { message: string } }).error.message);
  return String(answer);
}
