/**
 * `npm run bench:memory` (issue 12): the SKU object's heap and cold start on a sale with many
 * orders. One SKU's orders are written through the real SaleStore in batches, as the
 * object's group commit writes them, over Node's SQLite (bench/node-sqlite-storage.ts). Then
 * each approach wakes on that storage in a fresh process, several times: a forced GC, the
 * heap, the store and book built exactly as the object's constructor builds them
 * (`wakeBook`), the time that took, a forced GC and the heap again. For comparison, the same
 * with every order loaded and held in memory, as the object did before issue 12.
 *
 *   npm run bench:memory                          200,000 orders, 2,000 of them live holds
 *   npm run bench:memory -- --orders 20000 --holds 500 --repeats 5
 *
 * Writes bench/results/object-memory.json and .md. Nothing is asserted here; the structural
 * property (the heap does not grow with orders) is test/integration/object-memory.test.ts's.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { MemoryOrderArchive } from "../src/orders/order-archive.ts";
import { OrderBook, type Change } from "../src/orders/order-book.ts";
import type { OrderStatus } from "../src/orders/order.ts";
import { Inventory } from "../src/sales/inventory.ts";
import { saleConfigSchema, type SaleConfig } from "../src/sales/sale-config.ts";
import { newBook, wakeBook } from "../durable-objects/sku-sale/stored-book.ts";
import { readOrder } from "../durable-objects/sku-sale/stored-orders.ts";
import { SaleStore } from "../durable-objects/sku-sale/store.ts";
import { machineInfo, type MachineInfo } from "./machine.ts";
import { NodeSqliteStorage } from "./node-sqlite-storage.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const THIS_FILE = fileURLToPath(import.meta.url);
const MB = 1024 * 1024;
/** Double 11, 00:00 in Beijing: the sale's clock starts here. */
const T0 = Date.UTC(2026, 10, 10, 16);
const HOLD_SECONDS = 600;
/** Orders decided per group write, about what a stampede gathers in one turn. */
const BATCH = 500;
/** What becomes of the orders that are not live holds at the end. */
const MIX = { paid: 0.85, cancelled: 0.08, expired: 0.07 };
/** Trys timed on the woken book, of each kind, after the heap is measured (and as many untimed before). */
const PROBES = 1_000;

export type Approach = "new" | "old";

export interface MemoryBenchOptions {
  /** Orders placed and settled (paid, cancelled or expired). */
  orders: number;
  /** Orders placed after those and still awaiting payment when the object wakes: its live holds. */
  holds: number;
  /** Cold starts per approach; the report takes the median. */
  repeats: number;
}

/** One cold start of one approach, measured in a process of its own. */
export interface ColdStart {
  approach: Approach;
  /** Heap retained by the store and the woken book: heapUsed after, minus before, each after a forced GC. */
  heapBytes: number;
  /** The process's whole heapUsed after waking (Node's own share included). */
  heapUsedBytes: number;
  /** From `new SaleStore` to a woken book. */
  startMs: number;
  /** Mean time a woken book takes to decide a Try of a new shopper (not written), once compiled. */
  tryMicros: number;
  /** Mean time it takes to answer a replay of a stored order's key, once compiled. */
  replayMicros: number;
  /** What the woken book counts: the same for both approaches, or one of them is wrong. */
  ordersPlaced: number;
  unitsByStatus: Record<OrderStatus, number>;
  giftsGiven: Record<string, number>;
}

export interface MemoryBenchResults {
  date: string;
  machine: MachineInfo;
  options: MemoryBenchOptions;
  mix: typeof MIX;
  batch: number;
  databaseBytes: number;
  fillSeconds: number;
  runs: ColdStart[];
  median: Record<Approach, ColdStart>;
}

/** The sale every run fills: a million units, a tier, a gift, five per shopper. */
function benchSale(): SaleConfig {
  return saleConfigSchema.parse({
    sku: "bench-memory",
    title: "Memory benchmark",
    listPrice: 49_900,
    stock: 1_000_000,
    startsAt: T0,
    endsAt: T0 + 30 * 24 * 3600 * 1000,
    tiers: [{ fromRank: 1, toRank: 100_000, unitPrice: 29_900, label: "First 100,000" }],
    perShopperLimit: 5,
    holdSeconds: HOLD_SECONDS,
    gifts: [{ id: "tote", title: "Tote bag", startsAt: T0, endsAt: T0 + 30 * 24 * 3600 * 1000, stock: 50_000 }],
  });
}

/** mulberry32: the same orders on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Places `orders` settled orders and then `holds` live ones on a new sale in `path`, through
 * an OrderBook over the real SaleStore, written in batches as the object's group commit does
 * (and its outbox drained, as Postgres would). Returns the sale clock at the end.
 */
export function fillSale(path: string, options: Pick<MemoryBenchOptions, "orders" | "holds">): number {
  const storage = new NodeSqliteStorage(path);
  let now = T0 + 1_000;
  const store = new SaleStore(storage, () => now);
  const sale = benchSale();
  const book = newBook(store, sale);
  store.saveConfig(sale, now, book.inventory);
  const next = random(12);
  let shoppers = 0;
  let changes: Change[] = [];
  const keep = (change: Change | null) => {
    if (change) changes.push(change);
  };
  const write = () => {
    store.record(changes, book.inventory, book.tally);
    book.markWritten();
    store.acknowledgeOutbox(Number.MAX_SAFE_INTEGER);
    changes = [];
  };
  const place = (index: number): Change["order"] => {
    // A quarter of the orders come from shoppers who bought before.
    const again = shoppers > 0 && next() < 0.25;
    let shopperId = `shp_bench_${again ? Math.floor(next() * shoppers) : shoppers++}`;
    const qty = next() < 0.8 ? 1 : 2;
    let result = book.tryCheckout({ shopperId, idempotencyKey: `key-${index}`, qty }, now);
    if (!result.ok && result.error.code === "limit_exceeded") {
      shopperId = `shp_bench_${shoppers++}`;
      result = book.tryCheckout({ shopperId, idempotencyKey: `key-${index}`, qty }, now);
    }
    if (!result.ok) throw new Error(`order ${index} refused: ${result.error.code}`);
    keep(result.value.change);
    return result.value.order;
  };

  for (let index = 0; index < options.orders; ) {
    for (const end = Math.min(options.orders, index + BATCH); index < end; index++) {
      const order = place(index);
      const fate = next();
      const settled =
        fate < MIX.paid
          ? book.confirm(order.id, order.shopperId, `pay_${order.id}`, now)
          : fate < MIX.paid + MIX.cancelled
            ? book.cancel(order.id, order.shopperId, now)
            : null; // left to run out
      if (settled?.ok) keep(settled.value.change);
      now += 1;
    }
    // The holds left unpaid run out: the alarm expires them.
    now += HOLD_SECONDS * 1000;
    for (const change of book.expireDue(now)) keep(change);
    write();
  }
  for (let index = options.orders; index < options.orders + options.holds; index++) {
    place(index);
    now += 1;
    if ((index + 1) % BATCH === 0) write();
  }
  write();
  storage.close();
  return now;
}

/**
 * What the object's constructor did before issue 12: every order read and held in memory,
 * indexed by id and by shopper and key (MemoryOrderArchive, the shape the old book kept).
 */
function wakeWithEveryOrder(store: SaleStore, storage: NodeSqliteStorage): OrderBook {
  const stored = store.loadSale();
  if (!stored) throw new Error("no sale stored");
  const orders = storage.sql
    .exec<{ data: string }>(`SELECT data FROM orders`)
    .toArray()
    .map((row) => readOrder(row.data));
  const { stock, nextFresh, returned } = stored.inventory as Inventory["state"];
  return new OrderBook(stored.config, new Inventory(stock, nextFresh, returned), new MemoryOrderArchive(orders), store.loadCancelledKeys());
}

/** One cold start, in this process: needs `--expose-gc`. */
export function measureColdStart(path: string, approach: Approach, now: number): ColdStart {
  const gc = globalThis.gc;
  if (!gc) throw new Error("run with node --expose-gc");
  // The runtime has the object's database open before its constructor runs.
  const storage = new NodeSqliteStorage(path);
  gc();
  const before = process.memoryUsage().heapUsed;
  const started = performance.now();
  const store = new SaleStore(storage, () => now);
  const book = approach === "new" ? wakeBook(store, now)?.book : wakeWithEveryOrder(store, storage);
  const startMs = performance.now() - started;
  if (!book) throw new Error("no sale stored");
  gc();
  const after = process.memoryUsage().heapUsed;
  const woken = { ordersPlaced: book.ordersPlaced, unitsByStatus: book.totals.unitsByStatus, giftsGiven: book.giftsGiven };

  // The hot path's price, after the heap is taken: SQLite lookups against memory ones. Each
  // timed round follows an untimed one, so the figures are of compiled code, not of the JIT.
  const replays = storage.sql
    .exec<{ shopper_id: string; idempotency_key: string; qty: number }>(
      `SELECT shopper_id, idempotency_key, json_extract(data, '$.qty') AS qty FROM orders ORDER BY random() LIMIT ?`,
      2 * PROBES,
    )
    .toArray()
    .map((row) => ({ shopperId: row.shopper_id, idempotencyKey: row.idempotency_key, qty: row.qty }));
  const fresh = Array.from({ length: 2 * PROBES }, (_, i) => ({ shopperId: `shp_probe_${i}`, idempotencyKey: `probe-${i}`, qty: 1 }));
  const timeTrys = (requests: typeof replays) => {
    const started = performance.now();
    for (const request of requests) book.tryCheckout(request, now);
    return round(((performance.now() - started) * 1000) / requests.length, 1);
  };
  timeTrys(replays.slice(PROBES));
  const replayMicros = timeTrys(replays.slice(0, PROBES));
  timeTrys(fresh.slice(PROBES));
  const tryMicros = timeTrys(fresh.slice(0, PROBES));

  storage.close();
  return {
    approach,
    heapBytes: after - before,
    heapUsedBytes: after,
    startMs: round(startMs, 1),
    tryMicros,
    replayMicros,
    ...woken,
  };
}

/** Fills a sale in a temporary directory, then wakes each approach `repeats` times in processes of their own. */
export function runMemoryBenchmark(options: MemoryBenchOptions, log: (line: string) => void = () => {}): MemoryBenchResults {
  const dir = mkdtempSync(join(tmpdir(), "flashsale-memory-"));
  try {
    const path = join(dir, "sku.sqlite");
    const filling = performance.now();
    log(`Writing ${options.orders.toLocaleString("en-US")} orders and ${options.holds.toLocaleString("en-US")} live holds…`);
    const now = fillSale(path, options);
    const fillSeconds = round((performance.now() - filling) / 1000, 1);
    const databaseBytes = statSync(path).size + safeSize(`${path}-wal`);
    const runs: ColdStart[] = [];
    for (let repeat = 0; repeat < options.repeats; repeat++) {
      for (const approach of ["new", "old"] as const) {
        const run = coldStartInChild(path, approach, now);
        log(`  ${approach}: heap ${mb(run.heapBytes)} MB, start ${run.startMs} ms`);
        runs.push(run);
      }
    }
    const median = (approach: Approach) => medianRun(runs.filter((run) => run.approach === approach));
    return {
      date: new Date().toISOString(),
      machine: machineInfo(),
      options,
      mix: MIX,
      batch: BATCH,
      databaseBytes,
      fillSeconds,
      runs,
      median: { new: median("new"), old: median("old") },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A cold start in a fresh Node process: a heap of its own, code not yet compiled. */
function coldStartInChild(path: string, approach: Approach, now: number): ColdStart {
  const child = spawnSync(
    process.execPath,
    ["--expose-gc", "--disable-warning=ExperimentalWarning", THIS_FILE, "--measure", approach, "--db", path, "--now", String(now)],
    { encoding: "utf8", maxBuffer: 16 * MB },
  );
  if (child.status !== 0) throw new Error(`cold start (${approach}) failed: ${child.stderr || child.error?.message}`);
  return JSON.parse(child.stdout.trim().split("\n").at(-1)!) as ColdStart;
}

/** The run of median start time, its heap beside it (heaps barely vary between runs). */
function medianRun(runs: ColdStart[]): ColdStart {
  const sorted = [...runs].sort((a, b) => a.startMs - b.startMs);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

export function renderMarkdown(results: MemoryBenchResults): string {
  const { options, median } = results;
  const row = (label: string, run: ColdStart) =>
    `| ${label} | ${mb(run.heapBytes)} MB | ${mb(run.heapUsedBytes)} MB | ${run.startMs} ms | ${run.tryMicros} µs | ${run.replayMicros} µs |`;
  const met = (ok: boolean) => (ok ? "met" : "**not met**");
  return [
    `# SKU object memory and cold start (${results.date})`,
    "",
    `${options.orders.toLocaleString("en-US")} settled orders on one SKU (${pct(MIX.paid)} paid, ${pct(MIX.cancelled)} cancelled, ` +
      `${pct(MIX.expired)} expired) and ${options.holds.toLocaleString("en-US")} live holds after them, written through the real ` +
      `SaleStore in batches of ${results.batch} over Node's SQLite (\`node:sqlite\`): ${mb(results.databaseBytes)} MB of database, ` +
      `filled in ${results.fillSeconds} s. Each approach woke on it ${options.repeats} times, each time in a fresh Node ` +
      `${results.machine.node} process; the row is the run of median start.`,
    "",
    "- **heap retained**: heapUsed after waking minus before, each after a forced GC: what the store and the woken book hold.",
    "- **cold start**: from `new SaleStore` (schema check included) to a woken book.",
    `- **Try / replay**: mean time the woken book takes to decide a Try of a new shopper, and a replay of a stored order's key ` +
      `(${PROBES.toLocaleString("en-US")} of each, after as many untimed): what the SQLite lookups cost the hot path.`,
    "",
    "| approach | heap retained | heapUsed | cold start | Try, new shopper | replay |",
    "| --- | --- | --- | --- | --- | --- |",
    row("every order in memory (before issue 12)", median.old),
    row("live holds in memory, the rest in SQLite (issue 12)", median.new),
    "",
    `Issue 12's targets for the object: heap < 32 MB ${met(median.new.heapBytes < 32 * MB)}, ` +
      `start < 200 ms ${met(median.new.startMs < 200)}.`,
    "",
    `Machine: ${results.machine.cpuModel}, ${results.machine.cores} cores, load ${results.machine.loadAverage.join(" ")}; ` +
      `commit ${results.machine.git.commit}${results.machine.git.dirtyFiles ? ` with ${results.machine.git.dirtyFiles} uncommitted files` : ""}.`,
    "",
  ].join("\n");
}

function mb(bytes: number): string {
  return (bytes / MB).toFixed(1);
}

function pct(share: number): string {
  return `${Math.round(share * 100)} %`;
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function safeSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function main(): void {
  const { values } = parseArgs({
    options: {
      orders: { type: "string" },
      holds: { type: "string" },
      repeats: { type: "string" },
      out: { type: "string" },
      measure: { type: "string" },
      db: { type: "string" },
      now: { type: "string" },
    },
  });
  if (values.measure) {
    // A child of runMemoryBenchmark: one cold start, its figures as JSON.
    const approach: Approach = values.measure === "old" ? "old" : "new";
    console.log(JSON.stringify(measureColdStart(values.db!, approach, Number(values.now))));
    return;
  }
  const options: MemoryBenchOptions = {
    orders: Number(values.orders ?? 200_000),
    holds: Number(values.holds ?? 2_000),
    repeats: Number(values.repeats ?? 3),
  };
  console.log(`SKU object memory benchmark (issue 12)`);
  const results = runMemoryBenchmark(options, console.log);
  const out = values.out ?? join(ROOT, "bench", "results");
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "object-memory.json"), `${JSON.stringify(results, null, 2)}\n`);
  const markdown = renderMarkdown(results);
  writeFileSync(join(out, "object-memory.md"), markdown);
  console.log(`\n${markdown}\nWrote ${join(out, "object-memory.json")} and .md`);
}

if (process.argv[1] === THIS_FILE) main();
