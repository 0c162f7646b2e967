import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { crmOutbox } from "../db/schema.ts";

/** A transaction or the database: both run the statement below. */
type Executor = Pick<Database, "execute">;

/**
 * What the CRM is told of (issue 16), as Standard Webhooks event types. Each is written to the
 * CRM outbox in the same transaction as the change itself (see `crm_outbox` in the schema), so
 * a change committed is always told and a change rolled back never is.
 */
export const CRM_EVENT_TYPES = [
  "member.tier_changed",
  "member.benefit_granted",
  "member.price_protection_credited",
  "member.points_earned",
] as const;
export type CrmEventType = (typeof CRM_EVENT_TYPES)[number];

export interface CrmEvent {
  type: CrmEventType;
  shopperId: string;
  /** What the receiver needs to act on the event, JSON. */
  data: Record<string, unknown>;
  /** When the change happened (epoch ms, server time). */
  at: number;
  /**
   * Derived from the change's own idempotency key (e.g. the ledger row's), so the same change
   * recorded twice is one webhook: the id is the `webhook-id` the receiver deduplicates on.
   */
  key: string;
}

/** The `webhook-id` of an event: `msg_` and a digest of its key, stable across retries. */
export async function webhookIdOf(key: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key)));
  return `msg_${Array.from(digest.subarray(0, 16), (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** Records events for the CRM in the caller's transaction; the same key twice is recorded once. */
export async function recordCrmEvents(tx: Executor, events: readonly CrmEvent[]): Promise<void> {
  if (events.length === 0) return;
  const rows = await Promise.all(
    events.map(async (event) => ({
      id: await webhookIdOf(event.key),
      type: event.type,
      shopper_id: event.shopperId,
      payload: { type: event.type, timestamp: new Date(event.at).toISOString(), data: { shopperId: event.shopperId, ...event.data } },
      created_at: new Date(event.at).toISOString(),
    })),
  );
  await tx.execute(sql`
    insert into ${crmOutbox} (id, type, shopper_id, payload, created_at)
    select r.id, r.type, r.shopper_id, r.payload, r.created_at
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as r(id text, type text, shopper_id text, payload jsonb, created_at timestamptz)
    on conflict (id) do nothing`);
}
