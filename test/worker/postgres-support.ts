import { env } from "cloudflare:workers";
import { databaseSettings } from "../../src/config.ts";
import { openDatabase } from "../../src/db/client.ts";

/** Runs `work` with a pool on the test Postgres, closing it after. */
export async function withPostgres<T>(work: (pool: ReturnType<typeof openDatabase>["pool"]) => Promise<T>): Promise<T> {
  const { pool, close } = openDatabase(databaseSettings(env));
  try {
    return await work(pool);
  } finally {
    await close();
  }
}

type TotalsRow = { status: string; orders: string; units: string; amount: string };

/** What Postgres holds for a SKU, by status. */
export function postgresTotals(sku: string): Promise<Record<string, { orders: number; units: number; amount: number }>> {
  return withPostgres(async (pool) => {
    const { rows } = await pool.query<TotalsRow>(
      "select status, count(*) as orders, sum(qty) as units, sum(total_amount) as amount from orders where sku = $1 group by status",
      [sku],
    );
    return Object.fromEntries(rows.map((r) => [r.status, { orders: Number(r.orders), units: Number(r.units), amount: Number(r.amount) }]));
  });
}

/** Each of a SKU's orders in Postgres: status and total, by order id. */
export function postgresOrders(sku: string): Promise<Map<string, { status: string; totalAmount: number; qty: number }>> {
  return withPostgres(async (pool) => {
    const { rows } = await pool.query<{ id: string; status: string; total_amount: string; qty: number }>(
      "select id, status, total_amount, qty from orders where sku = $1",
      [sku],
    );
    return new Map(rows.map((r) => [r.id, { status: r.status, totalAmount: Number(r.total_amount), qty: r.qty }]));
  });
}

/** Reads until `done` holds or the time is up, and returns the last value read (the test asserts on it). */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
