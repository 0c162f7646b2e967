import { BusinessClock, type BusinessHours } from "./business-hours.ts";
import { boardPercentiles } from "./percentiles.ts";

/**
 * The response-time board's figures (issue 17), from the times kept on each `conversations`
 * row, all in business time (./business-hours.ts):
 *
 * - first-response time: from the shopper's first message (`first_message_at`) to the
 *   adviser's first reply after it (`first_response_at`);
 * - resolution time: from the shopper's first message (the opening, when the shopper never
 *   wrote) to `resolved_at`;
 * - the cohort: conversations whose first message (else opening) falls in the window
 *   [from, to); each is counted for its adviser and overall;
 * - percentiles p50/p90/p95 by nearest rank (./percentiles.ts) of the answered (resolved)
 *   ones, and Chatwoot's buckets of business time: 0–1 h, 1–4 h, 4–8 h, 8–24 h, 24 h+
 *   (each from its lower bound, inclusive, to the next, exclusive);
 * - an SLA breach: a first response later than the SLA, or an open conversation whose shopper
 *   has waited longer than it with no reply yet (counted now, and listed so the console can
 *   highlight it). Every open conversation still waiting for its first reply is listed,
 *   whatever the window: the board is also the queue of who is waiting right now.
 *
 * Pure: the rows and the instant "now" come in; test/unit/response-metrics.test.ts drives it.
 */

/** A conversation's times, epoch ms. */
export interface ConversationTimes {
  id: string;
  shopperId: string;
  adviserId: string;
  status: "open" | "resolved";
  openedAt: number;
  firstMessageAt: number | null;
  firstResponseAt: number | null;
  resolvedAt: number | null;
}

export const BUCKETS = ["0-1h", "1-4h", "4-8h", "8-24h", "24h+"] as const;
export type Bucket = (typeof BUCKETS)[number];
const HOUR_S = 3_600;
/** Each bucket's lower bound, business seconds. */
const BUCKET_FLOORS: ReadonlyArray<readonly [Bucket, number]> = [
  ["24h+", 24 * HOUR_S],
  ["8-24h", 8 * HOUR_S],
  ["4-8h", 4 * HOUR_S],
  ["1-4h", 1 * HOUR_S],
  ["0-1h", 0],
];

/** The bucket of a duration in business seconds. */
export function bucketOf(seconds: number): Bucket {
  for (const [bucket, floor] of BUCKET_FLOORS) if (seconds >= floor) return bucket;
  return "0-1h";
}

/** One measure (first response or resolution) over a set of conversations, business seconds. */
export interface DurationFigures {
  /** Conversations measured (answered, or resolved). */
  count: number;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  /** Mean, whole seconds rounded; null of none. */
  mean: number | null;
  buckets: Record<Bucket, number>;
}

export interface Figures {
  /** Conversations in the cohort. */
  conversations: number;
  open: number;
  resolved: number;
  /** Open, the shopper wrote and nobody has replied yet. */
  waiting: number;
  firstResponse: DurationFigures;
  resolution: DurationFigures;
  /** First responses later than the SLA, and open waits already past it. */
  slaBreaches: number;
  /** breaches ÷ conversations the shopper wrote in; null when none did. */
  slaBreachRate: number | null;
}

export interface AdviserFigures extends Figures {
  adviserId: string;
}

/** An open conversation whose shopper is waiting for a first reply. */
export interface Waiting {
  conversationId: string;
  shopperId: string;
  adviserId: string;
  firstMessageAt: number;
  /** Business seconds waited so far. */
  waitedSeconds: number;
  /** Waited longer than the SLA: highlighted. */
  breached: boolean;
}

export interface ResponseFigures {
  overall: Figures;
  /** Per adviser with a conversation in the cohort, by adviser id. */
  advisers: AdviserFigures[];
  /** Longest wait first, at most `waitingLimit`. */
  waiting: Waiting[];
}

export interface FigureSettings {
  businessHours: BusinessHours;
  firstResponseSlaMinutes: number;
  /** The window [from, to), epoch ms. */
  from: number;
  to: number;
  /** Server time: open waits are measured up to it. */
  now: number;
  waitingLimit?: number;
}

/** Business seconds, rounded down. */
const seconds = (ms: number) => Math.floor(ms / 1_000);

function durationFigures(values: number[]): DurationFigures {
  const buckets = Object.fromEntries(BUCKETS.map((b) => [b, 0])) as Record<Bucket, number>;
  for (const value of values) buckets[bucketOf(value)] += 1;
  const total = values.reduce((sum, value) => sum + value, 0);
  return {
    count: values.length,
    ...boardPercentiles(values),
    mean: values.length > 0 ? Math.round(total / values.length) : null,
    buckets,
  };
}

/** What one conversation contributes, measured once. */
interface Measured {
  row: ConversationTimes;
  firstResponse: number | null;
  resolution: number | null;
  waiting: number | null;
  breached: boolean;
}

function figuresOf(measured: Measured[]): Figures {
  const wrote = measured.filter((m) => m.row.firstMessageAt !== null).length;
  const breaches = measured.filter((m) => m.breached).length;
  return {
    conversations: measured.length,
    open: measured.filter((m) => m.row.status === "open").length,
    resolved: measured.filter((m) => m.row.status === "resolved").length,
    waiting: measured.filter((m) => m.waiting !== null).length,
    firstResponse: durationFigures(measured.flatMap((m) => (m.firstResponse === null ? [] : [m.firstResponse]))),
    resolution: durationFigures(measured.flatMap((m) => (m.resolution === null ? [] : [m.resolution]))),
    slaBreaches: breaches,
    slaBreachRate: wrote > 0 ? breaches / wrote : null,
  };
}

/** The figures of no conversations: an adviser with nothing in the window. */
export function emptyFigures(): Figures {
  return figuresOf([]);
}

/** Where a conversation starts for the board: the shopper's first message, else its opening. */
const startOf = (row: ConversationTimes) => row.firstMessageAt ?? row.openedAt;

/** The board's figures from the conversations read (the cohort, and any open ones still waiting). */
export function responseFigures(rows: readonly ConversationTimes[], settings: FigureSettings): ResponseFigures {
  const clock = new BusinessClock(settings.businessHours);
  const slaSeconds = settings.firstResponseSlaMinutes * 60;
  const measured: Measured[] = [];
  const waiting: Waiting[] = [];
  for (const row of rows) {
    const start = startOf(row);
    const isWaiting = row.status === "open" && row.firstMessageAt !== null && row.firstResponseAt === null;
    const firstResponse =
      row.firstMessageAt !== null && row.firstResponseAt !== null
        ? seconds(clock.businessMs(row.firstMessageAt, row.firstResponseAt))
        : null;
    const waited = isWaiting ? seconds(clock.businessMs(start, Math.max(start, settings.now))) : null;
    const breached = (firstResponse ?? waited ?? 0) > slaSeconds;
    if (waited !== null && row.firstMessageAt !== null) {
      waiting.push({
        conversationId: row.id,
        shopperId: row.shopperId,
        adviserId: row.adviserId,
        firstMessageAt: row.firstMessageAt,
        waitedSeconds: waited,
        breached,
      });
    }
    if (start < settings.from || start >= settings.to) continue;
    const resolution = row.status === "resolved" && row.resolvedAt !== null ? seconds(clock.businessMs(start, row.resolvedAt)) : null;
    measured.push({ row, firstResponse, resolution, waiting: waited, breached });
  }
  const byAdviser = new Map<string, Measured[]>();
  for (const m of measured) {
    const list = byAdviser.get(m.row.adviserId);
    if (list) list.push(m);
    else byAdviser.set(m.row.adviserId, [m]);
  }
  waiting.sort((a, b) => b.waitedSeconds - a.waitedSeconds || a.firstMessageAt - b.firstMessageAt);
  return {
    overall: figuresOf(measured),
    advisers: [...byAdviser.keys()].sort().map((adviserId) => ({ adviserId, ...figuresOf(byAdviser.get(adviserId) ?? []) })),
    waiting: waiting.slice(0, settings.waitingLimit ?? 100),
  };
}
