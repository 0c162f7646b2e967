/**
 * The two baselines of the benchmark (issue 7), as a user would build them: one Node HTTP
 * service (node:http, pg, ioredis), the same shopper contract as the storefront
 * (`POST /api/checkout` with `{sku, qty}`, the signed `fs_session` cookie, an
 * `Idempotency-Key`), one process like the storefront's one isolate.
 *
 *   BENCH_MODE=redis-decr     the seed's approach (seed/double11-playbook.zh.txt, §1): Redis
 *                             DECRBY the stock, INCRBY it back when it went below 0, then
 *                             INSERT the order into Postgres (INCRBY back if that fails)
 *   BENCH_MODE=postgres-only  one transaction: UPDATE bench.stock SET units_left = units_left - qty
 *                             WHERE sku = $1 AND units_left >= qty, then INSERT the order
 *
 * Neither does what the storefront does besides: per-shopper limits, tier prices by sale
 * rank, holds that expire, an order status history. Both answer a retried key with the
 * order it made (201, `Idempotent-Replayed: true`), through the orders table's unique key.
 *
 * Run by bench/contenders/node-baselines.ts; prints `listening <port>` once it serves.
 * Also serves `/__bench/*` for the harness: open a SKU, read its counter, in-flight count.
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import { Redis } from "ioredis";
import RedisMock from "ioredis-mock";
import pg from "pg";
import { verifySessionCookie, SESSION_COOKIE } from "../sessions.ts";
import { BASELINE_ORDER_TABLES, type BaselineId } from "./baseline-schema.ts";

const env = process.env;
const mode = env.BENCH_MODE as BaselineId;
if (!(mode in BASELINE_ORDER_TABLES)) throw new Error(`BENCH_MODE must be one of ${Object.keys(BASELINE_ORDER_TABLES).join(", ")}`);
const secret = env.SESSION_SECRET ?? "";
if (!secret || !env.DATABASE_URL) throw new Error("SESSION_SECRET and DATABASE_URL are required");
const ordersTable = BASELINE_ORDER_TABLES[mode];
/** A sensible production pool: pg's default is 10; 20 keeps a single Node process busy. */
const POOL_MAX = Number(env.PG_POOL_MAX ?? 20);
const UNIT_PRICE = 19_900;

const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: POOL_MAX });
pool.on("error", (error) => console.error(`pg pool: ${error.message}`));
// Redis only for the seed's approach; without REDIS_URL an in-process stand-in (smoke tests).
const redis: Redis | null =
  mode !== "redis-decr"
    ? null
    : env.REDIS_URL
      ? new Redis(env.REDIS_URL, { maxRetriesPerRequest: 2 })
      : (new RedisMock() as unknown as Redis);
redis?.on("error", (error: Error) => console.error(`redis: ${error.message}`));

const stats = { inflight: 0, accepted: 0, replayed: 0, soldOut: 0, rolledBack: 0, failed: 0 };
/** Counters this service created, removed again when it stops (a shared Redis stays clean). */
const opened = new Set<string>();

type Answer = { status: number; body: unknown; headers?: Record<string, string> };
const fail = (status: number, code: string, message: string): Answer => ({ status, body: { error: { code, message } } });

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,128}$/;
const SKU = /^[a-z0-9][a-z0-9-]{1,62}$/;

interface OrderRow {
  id: string;
  sku: string;
  qty: number;
  unit_price: number;
  total_amount: number;
  currency: string;
  status: string;
  created_at: Date;
}

function present(row: OrderRow) {
  return {
    id: row.id,
    sku: row.sku,
    qty: row.qty,
    unitPrices: Array(row.qty).fill(row.unit_price),
    totalAmount: row.total_amount,
    currency: row.currency,
    status: row.status,
    createdAt: new Date(row.created_at).getTime(),
  };
}

function newOrderId(sku: string): string {
  return `ord_${sku}_${randomBytes(12).toString("base64url").replace(/[-_]/g, "0")}`;
}

const INSERT = `INSERT INTO ${ordersTable} (id, sku, shopper_id, qty, unit_price, total_amount, status, idempotency_key)
  VALUES ($1, $2, $3, $4, $5, $6, 'pending_payment', $7)
  ON CONFLICT (sku, shopper_id, idempotency_key) DO NOTHING
  RETURNING id, sku, qty, unit_price, total_amount, currency, status, created_at`;
const EXISTING = `SELECT id, sku, qty, unit_price, total_amount, currency, status, created_at FROM ${ordersTable}
  WHERE sku = $1 AND shopper_id = $2 AND idempotency_key = $3`;

interface Checkout {
  shopperId: string;
  key: string;
  sku: string;
  qty: number;
}

/** The seed's approach: DECRBY, roll back below 0, then the order row. */
async function checkoutRedis({ shopperId, key, sku, qty }: Checkout): Promise<Answer> {
  const counter = `stock:${sku}`;
  const remaining = await redis!.decrby(counter, qty);
  if (remaining < 0) {
    await redis!.incrby(counter, qty); // 回滚: put back what was not there
    stats.soldOut++;
    return fail(409, "sold_out", "sold out");
  }
  try {
    const inserted = await pool.query<OrderRow>(INSERT, [newOrderId(sku), sku, shopperId, qty, UNIT_PRICE, UNIT_PRICE * qty, key]);
    if (inserted.rows[0]) {
      stats.accepted++;
      return { status: 201, body: { order: present(inserted.rows[0]) } };
    }
    // A retried key: its order exists, the unit just taken goes back.
    await redis!.incrby(counter, qty);
    return replay(await pool.query<OrderRow>(EXISTING, [sku, shopperId, key]));
  } catch (error) {
    await redis!.incrby(counter, qty);
    stats.rolledBack++;
    throw error;
  }
}

/** Postgres alone: the conditional decrement and the order in one transaction. */
async function checkoutPostgres({ shopperId, key, sku, qty }: Checkout): Promise<Answer> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query("BEGIN");
    const taken = await client.query(`UPDATE bench.stock SET units_left = units_left - $2 WHERE sku = $1 AND units_left >= $2`, [sku, qty]);
    if (taken.rowCount === 0) {
      await client.query("ROLLBACK");
      stats.soldOut++;
      return fail(409, "sold_out", "sold out");
    }
    const inserted = await client.query<OrderRow>(INSERT, [newOrderId(sku), sku, shopperId, qty, UNIT_PRICE, UNIT_PRICE * qty, key]);
    if (!inserted.rows[0]) {
      await client.query("ROLLBACK"); // a retried key: the decrement is undone with it
      return replay(await client.query<OrderRow>(EXISTING, [sku, shopperId, key]));
    }
    await client.query("COMMIT");
    stats.accepted++;
    return { status: 201, body: { order: present(inserted.rows[0]) } };
  } catch (error) {
    broken = true;
    await client.query("ROLLBACK").catch(() => undefined);
    stats.rolledBack++;
    throw error;
  } finally {
    client.release(broken);
  }
}

function replay(existing: pg.QueryResult<OrderRow>): Answer {
  const row = existing.rows[0];
  if (!row) return fail(409, "conflict", "the order of this key is gone");
  stats.replayed++;
  return { status: 201, body: { order: present(row) }, headers: { "Idempotent-Replayed": "true" } };
}

function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

async function handleCheckout(req: http.IncomingMessage, raw: string): Promise<Answer> {
  const cookie = cookieValue(req.headers.cookie, SESSION_COOKIE);
  const shopperId = cookie ? verifySessionCookie(cookie, secret) : null;
  if (!shopperId) return fail(401, "unauthorized", "no valid session");
  if (!/^application\/json\b/i.test(req.headers["content-type"] ?? "")) return fail(400, "invalid_request", "send JSON");
  const key = req.headers["idempotency-key"];
  if (typeof key !== "string" || !IDEMPOTENCY_KEY.test(key)) return fail(400, "invalid_request", "a valid Idempotency-Key is required");
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return fail(400, "invalid_request", "malformed JSON");
  }
  const { sku, qty } = (body ?? {}) as { sku?: unknown; qty?: unknown };
  if (typeof sku !== "string" || !SKU.test(sku) || !Number.isInteger(qty) || (qty as number) < 1 || (qty as number) > 1000) {
    return fail(400, "invalid_request", "body must be {sku, qty}");
  }
  const checkout = { shopperId, key, sku, qty: qty as number };
  return mode === "redis-decr" ? checkoutRedis(checkout) : checkoutPostgres(checkout);
}

/** The harness's side door: open a SKU with its stock, read what is left. */
async function handleBench(req: http.IncomingMessage, url: URL, raw: string): Promise<Answer> {
  if (url.pathname === "/__bench/stats") return { status: 200, body: stats };
  if (url.pathname === "/__bench/open" && req.method === "POST") {
    const { sku, stock } = JSON.parse(raw) as { sku: string; stock: number };
    if (mode === "redis-decr") {
      await redis!.set(`stock:${sku}`, String(stock));
      opened.add(`stock:${sku}`);
    } else
      await pool.query(
        `INSERT INTO bench.stock (sku, units_left) VALUES ($1, $2) ON CONFLICT (sku) DO UPDATE SET units_left = excluded.units_left`,
        [sku, stock],
      );
    return { status: 204, body: null };
  }
  if (url.pathname === "/__bench/remaining") {
    const sku = url.searchParams.get("sku") ?? "";
    const remaining =
      mode === "redis-decr"
        ? Number(await redis!.get(`stock:${sku}`))
        : ((await pool.query<{ units_left: number }>(`SELECT units_left FROM bench.stock WHERE sku = $1`, [sku])).rows[0]?.units_left ??
          null);
    return { status: 200, body: { remaining } };
  }
  return fail(404, "not_found", "no such route");
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const url = new URL(req.url ?? "/", "http://bench.local");
    const raw = Buffer.concat(chunks).toString("utf8");
    // Checkouts at work, also those whose client has gone (wrk stopping): the harness
    // waits for 0 before it counts, so an order made after the cutoff is still counted.
    const isCheckout = url.pathname === "/api/checkout" && req.method === "POST";
    if (isCheckout) stats.inflight++;
    const work = isCheckout
      ? handleCheckout(req, raw)
      : url.pathname.startsWith("/__bench/")
        ? handleBench(req, url, raw)
        : Promise.resolve(fail(404, "not_found", "no such route"));
    work
      .catch((error: Error) => {
        stats.failed++;
        console.error(`checkout failed: ${error.message}`);
        return fail(500, "internal", "internal error");
      })
      .then((answer) => {
        const payload = answer.body === null ? "" : JSON.stringify(answer.body);
        res.writeHead(answer.status, { "Content-Type": "application/json", ...answer.headers });
        res.end(payload);
        if (isCheckout) stats.inflight--;
      });
  });
});
server.keepAliveTimeout = 60_000;

server.listen(Number(env.PORT ?? 0), env.HOST ?? "127.0.0.1", () => {
  const address = server.address();
  console.log(`listening ${typeof address === "object" && address ? address.port : env.PORT}`);
});

const shutdown = () => {
  server.close();
  server.closeAllConnections();
  const cleanRedis = async () => {
    if (!redis) return;
    if (opened.size > 0) await redis.del(...opened);
    await redis.quit();
  };
  void Promise.allSettled([pool.end(), cleanRedis()]).then(() => process.exit(0));
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
