import type pg from "pg";

/**
 * Tables of the two Node baselines, in their own schema `bench` beside the storefront's
 * tables: a stock row per SKU (the Postgres-only contender's counter) and one orders table
 * per contender, shaped like the storefront's `orders` (money in fen, one row per order,
 * an Idempotency-Key unique per shopper and SKU).
 */
export const BASELINE_ORDER_TABLES = { "redis-decr": "bench.redis_orders", "postgres-only": "bench.pg_orders" } as const;
export type BaselineId = keyof typeof BASELINE_ORDER_TABLES;

export async function createBaselineSchema(client: pg.Pool | pg.Client): Promise<void> {
  await client.query(`CREATE SCHEMA IF NOT EXISTS bench`);
  await client.query(`CREATE TABLE IF NOT EXISTS bench.stock (sku text PRIMARY KEY, units_left integer NOT NULL CHECK (units_left >= 0))`);
  for (const table of Object.values(BASELINE_ORDER_TABLES)) {
    const name = table.split(".")[1]!;
    await client.query(`CREATE TABLE IF NOT EXISTS ${table} (
      id text PRIMARY KEY,
      sku text NOT NULL,
      shopper_id text NOT NULL,
      qty integer NOT NULL CHECK (qty > 0),
      unit_price integer NOT NULL,
      total_amount integer NOT NULL CHECK (total_amount >= 0),
      currency text NOT NULL DEFAULT 'CNY',
      status text NOT NULL,
      idempotency_key text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT ${name}_idempotency UNIQUE (sku, shopper_id, idempotency_key))`);
    await client.query(`CREATE INDEX IF NOT EXISTS ${name}_sku_status ON ${table} (sku, status)`);
  }
}
