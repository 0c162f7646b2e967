import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { experimentExposures } from "../db/schema.ts";
import type { ShopperEvent } from "../events/event.ts";

type Executor = Pick<Database, "execute">;
type Exposure = Extract<ShopperEvent, { type: "experiment_exposure" }>;

/**
 * Keeps each shopper's first exposure to each experiment (issue 13) from the pages'
 * `experiment_exposure` events: a page reports one per view, the table keeps one per
 * shopper and experiment. A later batch carrying an earlier exposure (queues do not keep
 * order) moves it earlier, variant included: what the shopper saw first is what they are
 * counted for. In the consumer's transaction, with the events themselves.
 */
export async function recordExposures(db: Executor, batch: readonly ShopperEvent[]): Promise<number> {
  const rows = batch
    .filter((event): event is Exposure => event.type === "experiment_exposure")
    .map((event) => ({
      experiment: event.experiment,
      shopper_id: event.shopperId,
      variant: event.variant,
      exposed_at: new Date(event.at).toISOString(),
      device: event.device,
      locale: event.locale ?? null,
    }));
  if (rows.length === 0) return 0;
  // One row per key within the batch too (the earliest): an upsert may not touch a row twice.
  await db.execute(sql`
    insert into ${experimentExposures} (experiment, shopper_id, variant, exposed_at, device, locale)
    select distinct on (r.experiment, r.shopper_id) r.experiment, r.shopper_id, r.variant, r.exposed_at, r.device, r.locale
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as r(experiment text, shopper_id text, variant text, exposed_at timestamptz, device text, locale text)
    order by r.experiment, r.shopper_id, r.exposed_at
    on conflict (experiment, shopper_id) do update
      set variant = excluded.variant, exposed_at = excluded.exposed_at, device = excluded.device, locale = excluded.locale
      where excluded.exposed_at < ${experimentExposures.exposedAt}`);
  return rows.length;
}
