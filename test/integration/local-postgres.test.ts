import net from "node:net";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../../scripts/local/embedded-postgres.ts";
import { startNeonWsProxy, type NeonWsProxy } from "../../scripts/local/neon-ws-proxy.ts";
import { startPgliteWireServer } from "../../scripts/local/pglite-wire-server.ts";
import { migrateDatabase } from "../../scripts/migrate.ts";
import { openDatabase } from "../../src/db/client.ts";
import { newOrderId, type Order, type OrderEvent } from "../../src/orders/order.ts";
import { orderTotalsBySku, writeOrderEvents, type OrderTotals } from "../../src/orders/order-sink.ts";

// The embedded Postgres is one PGlite session shared by every connection (issue 10): these
// tests run many connections at once against an instance of their own and check that each
// gets its own answers, as it would from a real Postgres.
//
// Clients reach it through a relay that delivers their messages one at a time, an event-loop
// turn apart, as they arrive from the Worker through the WebSocket proxy (one WebSocket message
// each). Within one process a query's messages would otherwise arrive in one chunk, and a server
// that interleaves connections message by message would go unnoticed.

let postgres: EmbeddedPostgres;
let relay: Relay;
let proxy: NeonWsProxy;
/** The embedded Postgres, by way of the relay. */
let url: string;
beforeAll(async () => {
  postgres = await startEmbeddedPostgres({ port: 0 });
  relay = await startMessageRelay(postgres.port);
  url = `postgres://postgres:postgres@127.0.0.1:${relay.port}/postgres`;
  proxy = await startNeonWsProxy({ port: 0, allowedTargets: [`127.0.0.1:${relay.port}`] });
});
afterAll(async () => {
  await proxy?.close();
  await relay?.close();
  await postgres?.close();
});

/** A pg pool on the embedded Postgres; ended after `use`. */
async function withPool<T>(max: number, use: (pool: pg.Pool) => Promise<T>): Promise<T> {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on("error", () => undefined);
  try {
    return await use(pool);
  } finally {
    await pool.end();
  }
}

/** A query with the answer a real Postgres gives; different types and shapes, so a mix-up shows. */
interface Probe {
  text: string;
  values: unknown[];
  expected: Array<Record<string, unknown>>;
}

function probe(i: number): Probe {
  const tag = `probe-${i}`;
  switch (i % 4) {
    case 0:
      return { text: "select $1::text as tag, $2::int as n", values: [tag, i], expected: [{ tag, n: i }] };
    case 1:
      return {
        text: "select $1::text as tag, ($2::numeric * 2)::text as doubled, $3::boolean as flag",
        values: [tag, `${i}.25`, i % 3 === 0],
        expected: [{ tag, doubled: `${i * 2}.50`, flag: i % 3 === 0 }],
      };
    case 2:
      return {
        text: "select $1::text as tag, array_length($2::int[], 1) as len, $3::jsonb as doc",
        values: [tag, Array.from({ length: (i % 5) + 1 }, (_, k) => k), JSON.stringify({ i, tag })],
        expected: [{ tag, len: (i % 5) + 1, doc: { i, tag } }],
      };
    default:
      return {
        text: "select $1::text as tag, g from generate_series(1, $2::int) as g order by g",
        values: [tag, (i % 7) + 1],
        expected: Array.from({ length: (i % 7) + 1 }, (_, k) => ({ tag, g: k + 1 })),
      };
  }
}

type Queryable = { query(text: string, values: unknown[]): Promise<{ rows: unknown[] }> };

/** Runs probes `from`..`to` at once; returns what went wrong, one line per probe. */
async function runProbes(client: Queryable, from: number, to: number): Promise<string[]> {
  const problems: string[] = [];
  await Promise.all(
    Array.from({ length: to - from }, async (_, k) => {
      const { text, values, expected } = probe(from + k);
      try {
        const { rows } = await client.query(text, values);
        if (JSON.stringify(rows) !== JSON.stringify(expected)) {
          problems.push(`probe ${from + k}: got ${JSON.stringify(rows)}, expected ${JSON.stringify(expected)}`);
        }
      } catch (error) {
        problems.push(`probe ${from + k}: ${(error as Error).message}`);
      }
    }),
  );
  return problems;
}

describe("embedded Postgres with many connections", () => {
  it("gives each of 400 concurrent parameterized queries over 20 pg connections its own answer", async () => {
    const problems = await withPool(20, (pool) => runProbes(pool, 0, 400));
    expect(problems).toEqual([]);
  });

  it("does the same through the Neon driver and the WebSocket proxy, drizzle aggregates per SKU included", async () => {
    const settings = { url, localWsProxy: proxy.address };
    await migrateDatabase(settings);
    const database = openDatabase(settings);
    try {
      const skus = Array.from({ length: 6 }, (_, k) => `wire-${k}-${crypto.randomUUID().slice(0, 8)}`);
      const expected = new Map<string, OrderTotals>();
      // Each SKU's batch is its own transaction, and they run at once, as SKU objects' outboxes do.
      await Promise.all(
        skus.map((sku, k) => {
          const orders = Array.from({ length: 2 * k + 1 }, (_, j) => orderOf(sku, j));
          expected.set(sku, totalsOf(orders));
          return writeOrderEvents(
            database.db,
            orders.map((order, j) => ({ seq: j + 1, order, reason: null }) satisfies OrderEvent),
          );
        }),
      );

      const mixups: string[] = [];
      const aggregates = skus.flatMap((sku) =>
        Array.from({ length: 5 }, async () => {
          const totals = await orderTotalsBySku(database.db, sku).catch((error: Error) => error.message);
          if (JSON.stringify(totals) !== JSON.stringify(expected.get(sku))) {
            mixups.push(`${sku}: got ${JSON.stringify(totals)}, expected ${JSON.stringify(expected.get(sku))}`);
          }
        }),
      );
      const [probeProblems] = await Promise.all([runProbes(database.pool, 1000, 1200), ...aggregates]);
      expect({ probeProblems, mixups }).toEqual({ probeProblems: [], mixups: [] });
    } finally {
      await database.close();
    }
  });

  it("keeps concurrent transactions on different connections apart, and commits them all", async () => {
    await withPool(10, async (pool) => {
      await pool.query("create table tx_rows (tag text not null, n int not null)");
      const seen = await Promise.all(
        Array.from({ length: 10 }, async (_, t) => {
          const tag = `tx-${t}`;
          const client = await pool.connect();
          try {
            // Half open the transaction by the simple protocol, half by the extended one.
            await client.query(t % 2 === 0 ? "begin" : ({ text: "begin", queryMode: "extended" } as pg.QueryConfig));
            for (let n = 1; n <= 5; n++) await client.query("insert into tx_rows (tag, n) values ($1, $2)", [tag, n]);
            const { rows } = await client.query<{ own: number; others: number }>(
              "select count(*) filter (where tag = $1)::int as own, count(*) filter (where tag <> $1)::int as others from tx_rows",
              [tag],
            );
            await client.query("commit");
            return rows[0]!;
          } finally {
            client.release();
          }
        }),
      );
      for (const { own, others } of seen) {
        expect(own).toBe(5);
        // Others' rows are visible only once their transaction committed: never part of one.
        expect(others % 5).toBe(0);
      }
      const { rows } = await pool.query<{ tag: string; n: number }>(
        "select tag, count(*)::int as n from tx_rows group by tag order by tag",
      );
      expect(rows).toEqual(Array.from({ length: 10 }, (_, t) => ({ tag: `tx-${t}`, n: 5 })).sort((a, b) => a.tag.localeCompare(b.tag)));
    });
  });

  it("answers an erroring extended query with its error, and neither other connections nor that one suffer", async () => {
    await withPool(10, async (pool) => {
      const failing = new pg.Client({ connectionString: url });
      await failing.connect();
      try {
        const errors = async () => {
          const codes: string[] = [];
          for (let k = 0; k < 10; k++) {
            for (const [text, values] of [
              ["select 10 / $1::int as q", [0]],
              ["select $1::int as n", ["not a number"]],
              ["select $1::text as tag, no_such_column from (select 1) as t", ["x"]],
            ] as const) {
              const outcome = await failing.query(text, [...values]).then(
                () => "no error",
                (error: { code?: string }) => error.code ?? "no code",
              );
              codes.push(outcome);
            }
            // The same connection, straight after its errors.
            const { rows } = await failing.query("select $1::text as after, $2::int as k", ["error", k]);
            codes.push(JSON.stringify(rows));
          }
          return codes;
        };
        const [codes, problems] = await Promise.all([errors(), runProbes(pool, 2000, 2300)]);
        expect(problems).toEqual([]);
        expect(codes).toEqual(
          Array.from({ length: 10 }, (_, k) => ["22012", "22P02", "42703", JSON.stringify([{ after: "error", k }])]).flat(),
        );
      } finally {
        await failing.end();
      }
    });
  });

  it("rolls back and lets go of a client killed mid-transaction, while the others wait their turn", async () => {
    await withPool(5, async (pool) => {
      await pool.query("create table killed_rows (tag text)");
      const insert = (tag: string) => extendedQuery("insert into killed_rows values ($1)", [tag]);
      const deaths: Array<[string, (victim: RawClient) => Promise<void>]> = [
        [
          "after BEGIN and an insert",
          async (victim) => {
            await victim.exchange(simpleQuery("begin"));
            expect((await victim.exchange(...insert("in-begin"))).at(-1)).toEqual({ type: "Z", body: Buffer.from("T") });
          },
        ],
        [
          // The insert ran in an implicit transaction that only Sync would commit.
          "after an insert flushed but never synced",
          async (victim) => {
            victim.send(...insert("unsynced").filter((m) => m[0] !== 0x53 /* Sync */ && m[0] !== 0x44 /* Describe */), message("H"));
            expect((await victim.until("C")).map((m) => m.type)).toEqual(["1", "2", "C"]);
          },
        ],
      ];
      for (const [k, [, dieHoldingTheSession]] of deaths.entries()) {
        const victim = await RawClient.connect(postgres.port);
        await dieHoldingTheSession(victim);
        // These queue behind the victim; it dies while they wait.
        const others = runProbes(pool, 3000 + 100 * k, 3050 + 100 * k);
        const count = pool.query<{ n: number }>("select count(*)::int as n from killed_rows");
        victim.destroy();
        expect(await others).toEqual([]);
        expect((await count).rows).toEqual([{ n: 0 }]);
      }
    });
  });

  it("sends exactly one ReadyForQuery per Sync, however the client's bytes are cut", async () => {
    const client = await RawClient.connect(postgres.port);
    try {
      // An error in Parse: the rest of the batch is skipped up to Sync, which answers once.
      const failed = await client.exchange(message("P", cstring(""), cstring("select syntax error"), int16(0)), message("S"));
      expect(failed.map((m) => m.type)).toEqual(["E", "Z"]);
      expect(await client.exchange(...extendedQuery("select $1::text as ok", ["after"]))).toEqual([
        { type: "1", body: Buffer.alloc(0) },
        { type: "2", body: Buffer.alloc(0) },
        expect.objectContaining({ type: "T" }),
        { type: "D", body: dataRow("after") },
        expect.objectContaining({ type: "C" }),
        { type: "Z", body: Buffer.from("I") },
      ]);

      // Three batches in one write, answered in order, one ReadyForQuery each.
      const pipelined = [
        ...extendedQuery("select $1::text as v", ["one"]),
        ...extendedQuery("select 1 / $1::int as v", ["0"]),
        ...extendedQuery("select $1::text as v", ["three"]),
      ];
      client.send(...pipelined);
      const answers = [await client.untilReady(), await client.untilReady(), await client.untilReady()];
      expect(
        answers.map((messages) => messages.filter((m) => m.type === "D" || m.type === "E" || m.type === "Z").map((m) => m.type)),
      ).toEqual([
        ["D", "Z"],
        ["E", "Z"],
        ["D", "Z"],
      ]);
      expect(answers[2]!.find((m) => m.type === "D")!.body).toEqual(dataRow("three"));

      // One batch a few bytes at a time.
      const bytes = Buffer.concat(extendedQuery("select $1::text as v", ["dribbled"]));
      for (let at = 0; at < bytes.length; at += 3) await client.write(bytes.subarray(at, at + 3));
      const dribbled = await client.untilReady();
      expect(dribbled.find((m) => m.type === "D")!.body).toEqual(dataRow("dribbled"));
      expect(dribbled.filter((m) => m.type === "Z")).toHaveLength(1);
    } finally {
      await client.terminate();
    }
  });
});

describe("embedded Postgres server when PGlite misbehaves", () => {
  // A PGlite whose protocol entry point can be made to fail, as in electric-sql/pglite#1046 and #958.
  let db: PGlite;
  let fault: "none" | "throw-once" | "extra-ready" = "none";
  let server: { port: number; close(): Promise<void> };
  beforeAll(async () => {
    db = await PGlite.create("memory://");
    const execute = db.execProtocolRawStream.bind(db);
    db.execProtocolRawStream = async (bytes, options) => {
      if (fault === "throw-once" && bytes[0] === 0x50 /* 'P' */) {
        fault = "none";
        throw new Error("injected failure");
      }
      await execute(bytes, {
        ...options,
        onRawData: (data) => {
          options.onRawData(data);
          // #958: a ReadyForQuery straight after the error, before the one Sync brings.
          if (fault === "extra-ready" && startsMessage(data, "E")) options.onRawData(Uint8Array.of(0x5a, 0, 0, 0, 5, 0x49));
        },
      });
    };
    server = await serve(db, 3);
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it("ends the client whose batch PGlite threw on, and goes on serving the others", async () => {
    const url = `postgres://postgres:postgres@127.0.0.1:${server.port}/postgres`;
    const victim = new pg.Client({ connectionString: url });
    victim.on("error", () => undefined);
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    pool.on("error", () => undefined);
    try {
      await victim.connect();
      await pool.query("select 1"); // connections up before the fault is armed
      fault = "throw-once";
      await expect(victim.query("select $1::int as n", [1])).rejects.toThrow(/injected failure/);
      expect(await runProbes(pool, 4000, 4040)).toEqual([]);
    } finally {
      fault = "none";
      await victim.end().catch(() => undefined);
      await pool.end();
    }
  });

  it("passes on one ReadyForQuery per Sync even when PGlite sends more", async () => {
    fault = "extra-ready";
    const client = await RawClient.connect(server.port);
    try {
      const failed = await client.exchange(...extendedQuery("select 1 / $1::int as v", ["0"]));
      // Planning folds 1 / 0, so Bind already fails.
      expect(failed.map((m) => m.type)).toEqual(["1", "E", "Z"]);
      // Had the extra one come through, this answer would be off by one message.
      const next = await client.exchange(...extendedQuery("select $1::text as v", ["next"]));
      expect(next.map((m) => m.type)).toEqual(["1", "2", "T", "D", "C", "Z"]);
      expect(next[3]!.body).toEqual(dataRow("next"));
    } finally {
      fault = "none";
      await client.terminate();
    }
  });

  it("refuses clients beyond its limit with Postgres' error", async () => {
    const url = `postgres://postgres:postgres@127.0.0.1:${server.port}/postgres`;
    // Earlier tests' clients are gone: the limit of 3 is all free.
    const clients = Array.from({ length: 3 }, () => new pg.Client({ connectionString: url }));
    const extra = new pg.Client({ connectionString: url });
    try {
      for (const client of clients) await client.connect();
      await expect(extra.connect()).rejects.toMatchObject({ code: "53300" });
      for (const client of clients) expect((await client.query("select 1 as one")).rows).toEqual([{ one: 1 }]);
    } finally {
      for (const client of clients) await client.end();
    }
  });
});

/** Whether `data`, PGlite's output, holds a message of `type` (it hands over whole messages). */
function startsMessage(data: Uint8Array, type: string): boolean {
  const bytes = Buffer.from(data);
  for (let at = 0; at + 5 <= bytes.length; at += 1 + Math.max(4, bytes.readInt32BE(at + 1))) {
    if (bytes[at] === type.charCodeAt(0)) return true;
  }
  return false;
}

/** The server under test on `db`; a function of its own so that another server can be tried in its place. */
async function serve(db: PGlite, maxConnections: number): Promise<{ port: number; close(): Promise<void> }> {
  return startPgliteWireServer({ db, port: 0, maxConnections });
}

const T0 = Date.UTC(2026, 10, 11, 0, 0, 0);

/** Order `j` of a SKU: quantities and statuses vary, so each SKU's totals differ. */
function orderOf(sku: string, j: number): Order {
  const qty = (j % 3) + 1;
  const unitPrices = Array.from({ length: qty }, () => 100 * (j + 1));
  const paid = j % 2 === 0;
  return {
    id: newOrderId(sku),
    sku,
    shopperId: `shopper-${j}`,
    qty,
    unitPrices,
    discounts: [],
    ranks: Array.from({ length: qty }, (_, k) => k + 1),
    totalAmount: unitPrices.reduce((a, b) => a + b, 0),
    currency: "CNY",
    tier: null,
    status: paid ? "paid" : "pending_payment",
    idempotencyKey: crypto.randomUUID(),
    createdAt: T0,
    updatedAt: T0,
    expiresAt: paid ? null : T0 + 15 * 60_000,
    paymentRef: paid ? `pay_${j}` : null,
    version: 1,
    gift: null,
    invoiceKind: null,
  };
}

function totalsOf(orders: Order[]): OrderTotals {
  const totals: OrderTotals = {
    orders: 0,
    unitsByStatus: { pending_payment: 0, deposit_paid: 0, paid: 0, cancelled: 0, expired: 0, forfeited: 0 },
  };
  for (const order of orders) {
    totals.orders += 1;
    totals.unitsByStatus[order.status] += order.qty;
  }
  return totals;
}

interface Relay {
  port: number;
  close(): Promise<void>;
}

/** A TCP hop to `targetPort` that passes the client's messages on one at a time, an event-loop turn apart. */
async function startMessageRelay(targetPort: number): Promise<Relay> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ noDelay: true }, (client) => {
    const upstream = net.connect({ port: targetPort, host: "127.0.0.1", noDelay: true });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => undefined);
      socket.on("close", () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    upstream.on("data", (chunk: Buffer) => client.write(chunk));
    let pending = Buffer.alloc(0);
    let startup = true;
    let sent = Promise.resolve();
    client.on("data", (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        // Before and at the startup packet no type byte; SSLRequest comes before it.
        const length = startup
          ? pending.length >= 8
            ? pending.readInt32BE(0)
            : Infinity
          : pending.length >= 5
            ? 1 + pending.readInt32BE(1)
            : Infinity;
        if (pending.length < length) break;
        const one = pending.subarray(0, length);
        pending = pending.subarray(length);
        if (startup && one.readInt32BE(4) !== 80877103) startup = false;
        sent = sent.then(async () => {
          upstream.write(one);
          await new Promise((resolve) => setImmediate(resolve));
        });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    close: async () => {
      const closed = new Promise((resolve) => server.close(resolve));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

// --- A bare wire-protocol client, to see exactly what the server sends. ---

interface BackendMessage {
  type: string;
  body: Buffer;
}

function message(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const header = Buffer.alloc(5);
  header.write(type, 0, "latin1");
  header.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([header, body]);
}

function cstring(text: string): Buffer {
  return Buffer.from(`${text}\0`);
}

function int16(value: number): Buffer {
  const bytes = Buffer.alloc(2);
  bytes.writeInt16BE(value);
  return bytes;
}

function int32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32BE(value);
  return bytes;
}

function simpleQuery(sql: string): Buffer {
  return message("Q", cstring(sql));
}

/** Parse, Bind, Describe, Execute, Sync: what pg sends for a parameterized query. */
function extendedQuery(sql: string, params: string[]): Buffer[] {
  return [
    message("P", cstring(""), cstring(sql), int16(0)),
    message(
      "B",
      cstring(""),
      cstring(""),
      int16(0),
      int16(params.length),
      ...params.flatMap((p) => [int32(Buffer.byteLength(p)), Buffer.from(p)]),
      int16(0),
    ),
    message("D", Buffer.from("P"), cstring("")),
    message("E", cstring(""), int32(0)),
    message("S"),
  ];
}

/** The body of a DataRow of one text column. */
function dataRow(value: string): Buffer {
  return Buffer.concat([int16(1), int32(Buffer.byteLength(value)), Buffer.from(value)]);
}

class RawClient {
  #socket: net.Socket;
  #received = Buffer.alloc(0);
  #wake: (() => void) | null = null;
  #closed = false;

  private constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.on("data", (chunk: Buffer) => {
      this.#received = Buffer.concat([this.#received, chunk]);
      this.#wake?.();
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      this.#closed = true;
      this.#wake?.();
    });
  }

  static async connect(port: number): Promise<RawClient> {
    const socket = net.connect({ port, host: "127.0.0.1", noDelay: true });
    await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    const client = new RawClient(socket);
    const params = Buffer.concat([
      int32(196608),
      cstring("user"),
      cstring("postgres"),
      cstring("database"),
      cstring("postgres"),
      Buffer.from([0]),
    ]);
    client.send(Buffer.concat([int32(4 + params.length), params]));
    const greeting = await client.untilReady();
    if (greeting.at(-1)?.body.toString() !== "I" || greeting[0]?.type !== "R")
      throw new Error(`unexpected greeting ${greeting.map((m) => m.type).join("")}`);
    return client;
  }

  send(...messages: Buffer[]): void {
    this.#socket.write(Buffer.concat(messages));
  }

  write(bytes: Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.#socket.write(bytes, (error) => (error ? reject(error) : resolve())));
  }

  /** Sends, then collects the answer up to and including ReadyForQuery. */
  exchange(...messages: Buffer[]): Promise<BackendMessage[]> {
    this.send(...messages);
    return this.untilReady();
  }

  /** The answer up to and including ReadyForQuery, less ParameterStatus and notices, which may come at any time. */
  untilReady(): Promise<BackendMessage[]> {
    return this.until("Z");
  }

  async until(type: string): Promise<BackendMessage[]> {
    const messages: BackendMessage[] = [];
    for (;;) {
      const next = await this.#next();
      if (next.type !== "S" && next.type !== "N") messages.push(next);
      if (next.type === type) return messages;
    }
  }

  destroy(): void {
    this.#socket.destroy();
  }

  /** Says goodbye (Terminate) and waits for the server to hang up. */
  async terminate(): Promise<void> {
    if (this.#closed) return;
    const closed = new Promise((resolve) => this.#socket.once("close", resolve));
    this.#socket.end(message("X"));
    await closed;
  }

  async #next(): Promise<BackendMessage> {
    for (;;) {
      if (this.#received.length >= 5) {
        const length = this.#received.readInt32BE(1);
        if (this.#received.length >= 1 + length) {
          const type = String.fromCharCode(this.#received[0]!);
          const body = Buffer.from(this.#received.subarray(5, 1 + length));
          this.#received = this.#received.subarray(1 + length);
          return { type, body };
        }
      }
      if (this.#closed) throw new Error("connection closed");
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = null;
    }
  }
}
