/**
 * How staff see shopper events (issue 13): one of a shopper's events as the console lists it,
 * and the pipeline's overview. Types only, without imports, so the console's script
 * (web/client/console/api-types.ts) can name them; the queries are ./recent-events.ts and
 * ./events-overview.ts.
 */

/** One of a shopper's events as the console lists it. */
export interface RecentEvent {
  id: string;
  type: string;
  /** Epoch ms, server time. */
  at: number;
  sku: string | null;
  category: string | null;
  orderId: string | null;
  /** Fen, for order and payment events. */
  amount: number | null;
  page: string | null;
  referrer: string | null;
  device: string;
  utm: Record<string, string> | null;
  experiments: Record<string, string>;
  props: Record<string, unknown>;
}

/** The events pipeline at a glance. */
export interface EventsOverview {
  /** Epoch ms: the counts are of events after `since` (24 hours before the server's `now`). */
  since: number;
  /** Events per type in those 24 hours, every type listed (0 for none), by the time they happened. */
  byType: Array<{ type: string; events: number }>;
  /** Events dropped as bad, per UTC day and reason, for today and yesterday (drops are counted per day), newest day first. */
  drops: Array<{ day: string; reason: string; count: number }>;
  /** Queue messages that failed every retry, kept in `event_dead_letters`. */
  deadLetters: number;
}
