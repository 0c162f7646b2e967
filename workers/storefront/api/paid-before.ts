import { sql } from "drizzle-orm";
import { databaseSettings } from "../../../src/config.ts";
import { withDatabase } from "../../../src/db/client.ts";

/**
 * Whether the shopper has paid for an order here: new (新客) or returning (老客), from the
 * events (`order_paid`, by the events' shopper index). Throws when Postgres cannot say; each
 * caller decides what an unknown answer means (an experiment shows the control, a team for new
 * shoppers refuses the join).
 */
export async function hasPaidBefore(env: Env, shopperId: string): Promise<boolean> {
  const paid = await withDatabase(databaseSettings(env), (db) =>
    db.execute<{ paid: boolean }>(
      sql`select exists (select 1 from events where shopper_id = ${shopperId} and type = 'order_paid') as paid`,
    ),
  );
  return paid.rows[0]?.paid === true;
}
