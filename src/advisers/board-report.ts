import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import type { BoardSettings } from "./board-settings.ts";
import {
  type AdviserFigures,
  type ConversationTimes,
  emptyFigures,
  type Figures,
  responseFigures,
  type Waiting,
} from "./response-metrics.ts";

/**
 * The response-time board (issue 17) read from Postgres: the conversations of the window (and
 * every open one still waiting for a first reply), measured by ./response-metrics.ts under the
 * board's settings, with the advisers' names, and the repeat-purchase rate of shoppers with and
 * without an adviser conversation. Two reads of `conversations`/`advisers` and one of
 * `orders`, run at once.
 */

type Executor = Pick<Database, "execute">;

/** The board's window, [from, to) epoch ms. */
export interface BoardWindow {
  from: number;
  to: number;
}

/** Shoppers with at least one paid order in the window, and those of them with two or more. */
export interface RepeatFigures {
  buyers: number;
  repeatBuyers: number;
  /** repeatBuyers ÷ buyers; null when nobody bought. */
  rate: number | null;
}

export interface RepeatPurchase {
  /** Shoppers who had written to their adviser by the end of the window. */
  withConversation: RepeatFigures;
  withoutConversation: RepeatFigures;
}

export interface BoardReport {
  window: BoardWindow;
  /** Server time the waits were measured at. */
  now: number;
  settings: { version: number; timeZone: string; firstResponseSlaMinutes: number };
  overall: Figures;
  advisers: Array<AdviserFigures & { displayName: string | null; onShift: boolean; removed: boolean }>;
  waiting: Array<Waiting & { adviserName: string | null }>;
  repeatPurchase: RepeatPurchase;
}

const ms = (column: string) => sql.raw(`(extract(epoch from ${column}) * 1000)::float8`);

/** The window's conversations (by their first message, else their opening) and every one still waiting. */
export async function boardConversations(db: Executor, window: BoardWindow): Promise<ConversationTimes[]> {
  const from = new Date(window.from).toISOString();
  const to = new Date(window.to).toISOString();
  const rows = await db.execute<{
    id: string;
    shopper_id: string;
    adviser_id: string;
    status: "open" | "resolved";
    opened_at: number;
    first_message_at: number | null;
    first_response_at: number | null;
    resolved_at: number | null;
  }>(sql`
    select id, shopper_id, adviser_id, status, ${ms("opened_at")} as opened_at, ${ms("first_message_at")} as first_message_at,
      ${ms("first_response_at")} as first_response_at, ${ms("resolved_at")} as resolved_at
    from conversations
    where (coalesce(first_message_at, opened_at) >= ${from} and coalesce(first_message_at, opened_at) < ${to})
       or (status = 'open' and first_message_at is not null and first_response_at is null)`);
  return rows.rows.map((r) => ({
    id: r.id,
    shopperId: r.shopper_id,
    adviserId: r.adviser_id,
    status: r.status,
    openedAt: Number(r.opened_at),
    firstMessageAt: r.first_message_at === null ? null : Number(r.first_message_at),
    firstResponseAt: r.first_response_at === null ? null : Number(r.first_response_at),
    resolvedAt: r.resolved_at === null ? null : Number(r.resolved_at),
  }));
}

/**
 * The repeat-purchase rate (issue 17): of the shoppers with at least one order paid in the
 * window (by when it became paid), the share with two or more, for those who had written to
 * their adviser (a conversation with a shopper message) by the window's end and for those who
 * had not. One statement; orders paid and later refunded still count as purchases.
 */
export async function repeatPurchase(db: Executor, window: BoardWindow): Promise<RepeatPurchase> {
  const from = new Date(window.from).toISOString();
  const to = new Date(window.to).toISOString();
  const rows = await db.execute<{ with_conversation: boolean; buyers: string; repeat_buyers: string }>(sql`
    with buyers as (
      select o.shopper_id, count(*) as paid
      from orders o
      join order_status_history h on h.order_id = o.id and h.status = 'paid'
      where o.status = 'paid' and h.at >= ${from} and h.at < ${to}
      group by o.shopper_id
    )
    select exists (
        select 1 from conversations c where c.shopper_id = b.shopper_id and c.first_message_at is not null and c.first_message_at < ${to}
      ) as with_conversation,
      count(*) as buyers, count(*) filter (where b.paid >= 2) as repeat_buyers
    from buyers b
    group by 1`);
  const figures = (withConversation: boolean): RepeatFigures => {
    const row = rows.rows.find((r) => r.with_conversation === withConversation);
    const buyers = Number(row?.buyers ?? 0);
    const repeatBuyers = Number(row?.repeat_buyers ?? 0);
    return { buyers, repeatBuyers, rate: buyers > 0 ? repeatBuyers / buyers : null };
  };
  return { withConversation: figures(true), withoutConversation: figures(false) };
}

/** Every adviser on the roster and any other named by a conversation: name, shift, whether removed. */
async function adviserRoster(db: Executor): Promise<Map<string, { displayName: string; onShift: boolean; removed: boolean }>> {
  const rows = await db.execute<{ id: string; display_name: string; on_shift: boolean; removed: boolean }>(
    sql`select id, display_name, on_shift, removed_at is not null as removed from advisers`,
  );
  return new Map(rows.rows.map((r) => [r.id, { displayName: r.display_name, onShift: r.on_shift, removed: r.removed }]));
}

/** The whole board for a window under the settings, waits measured at `now`. */
export async function boardReport(db: Executor, settings: BoardSettings, window: BoardWindow, now: number): Promise<BoardReport> {
  const [rows, roster, repeat] = await Promise.all([boardConversations(db, window), adviserRoster(db), repeatPurchase(db, window)]);
  const figures = responseFigures(rows, {
    businessHours: { timeZone: settings.timeZone, hours: settings.hours },
    firstResponseSlaMinutes: settings.firstResponseSlaMinutes,
    from: window.from,
    to: window.to,
    now,
  });
  const measured = new Map(figures.advisers.map((a) => [a.adviserId, a]));
  // Advisers still on the roster show with zeros when they had nothing in the window: the board is also who is there.
  const ids = new Set([...measured.keys(), ...[...roster].filter(([, a]) => !a.removed).map(([id]) => id)]);
  const advisers = [...ids].map((adviserId) => {
    const who = roster.get(adviserId);
    return {
      ...(measured.get(adviserId) ?? { adviserId, ...emptyFigures() }),
      displayName: who?.displayName ?? null,
      onShift: who?.onShift ?? false,
      removed: who?.removed ?? true,
    };
  });
  advisers.sort(
    (a, b) => (a.displayName ?? a.adviserId).localeCompare(b.displayName ?? b.adviserId) || a.adviserId.localeCompare(b.adviserId),
  );
  return {
    window,
    now,
    settings: { version: settings.version, timeZone: settings.timeZone, firstResponseSlaMinutes: settings.firstResponseSlaMinutes },
    overall: figures.overall,
    advisers,
    waiting: figures.waiting.map((w) => ({ ...w, adviserName: roster.get(w.adviserId)?.displayName ?? null })),
    repeatPurchase: repeat,
  };
}
