/**
 * `npm run bench:flood` (issue 10): what hostile live-feed clients do to a sale's checkouts.
 * One SKU is sold under wrk's checkout load twice: once quiet, once while `--flooders`
 * clients, each from its own address, send ping frames on the SKU's WebSocket as fast as
 * they can and reconnect whenever they are closed or refused. Reports checkouts per second
 * and latency of both, what the flooders got through, and the books (nothing oversold or
 * lost) after each.
 *
 *   npm run bench:flood                               the work tree
 *   npm run bench:flood -- --ref <commit> --label before
 *   npm run bench:flood -- --flooders 4 --seconds 5 --connections 64
 *
 * Writes bench/results/flood-<label>.json and .md (label: "latest" unless given).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import pg from "pg";
import WebSocket from "ws";
import type { WorkerSecrets } from "../scripts/local/worker-bundle.ts";
import { sleep, type SkuBooks } from "./contenders/contender.ts";
import { storefrontContender } from "./contenders/storefront.ts";
import { machineInfo } from "./machine.ts";
import { buildStorefront, startBenchStack, workerRunnerName } from "./run.ts";
import { writeSessionPool } from "./sessions.ts";
import { runWrk } from "./wrk.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const STOCK = 1_000_000;
const PING = JSON.stringify({ type: "ping", clientTime: 0 });
/** Frames a flooder queues per turn of its event loop: enough to saturate, not to starve the harness. */
const FRAMES_PER_TURN = 200;

/** What one flooder managed. */
interface FloodStats {
  connections: number;
  framesSent: number;
  /** Frames the server answered (pongs, errors, snapshots). */
  answered: number;
  /** Times the server closed the socket for too many or too large frames (1008, 1009). */
  closedByServer: number;
  /** Upgrades refused (429 over the socket caps). */
  refused: number;
}

/** A client that sends pings as fast as its socket takes them, reconnecting when closed. */
class Flooder {
  readonly stats: FloodStats = { connections: 0, framesSent: 0, answered: 0, closedByServer: 0, refused: 0 };
  private running = true;
  private socket: WebSocket | null = null;
  private readonly url: string;
  private readonly address: string;

  constructor(url: string, address: string) {
    this.url = url;
    this.address = address;
  }

  start(): void {
    this.connect();
  }

  stop(): FloodStats {
    this.running = false;
    this.socket?.terminate();
    return this.stats;
  }

  private connect(): void {
    if (!this.running) return;
    const socket = new WebSocket(this.url, { headers: { "CF-Connecting-IP": this.address } });
    this.socket = socket;
    let again = false;
    const reconnect = (delayMs: number) => {
      if (again || !this.running) return;
      again = true;
      setTimeout(() => this.connect(), delayMs);
    };
    socket.on("open", () => {
      this.stats.connections += 1;
      this.pump(socket);
    });
    socket.on("message", () => (this.stats.answered += 1));
    socket.on("unexpected-response", (_request, response) => {
      this.stats.refused += 1;
      response.resume();
      reconnect(100);
    });
    socket.on("close", (code) => {
      if (code === 1008 || code === 1009) this.stats.closedByServer += 1;
      reconnect(10);
    });
    socket.on("error", () => reconnect(100));
  }

  private pump(socket: WebSocket): void {
    const turn = () => {
      if (!this.running || socket.readyState !== WebSocket.OPEN) return;
      for (let i = 0; i < FRAMES_PER_TURN && socket.bufferedAmount < 64 * 1024; i++) {
        socket.send(PING);
        this.stats.framesSent += 1;
      }
      setImmediate(turn);
    };
    turn();
  }
}

interface Condition {
  flooders: number;
  checkoutsPerS: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  errors: number;
  statuses: Record<string, number>;
  flood: FloodStats;
  books: SkuBooks;
}

function sum(stats: FloodStats[]): FloodStats {
  const total: FloodStats = { connections: 0, framesSent: 0, answered: 0, closedByServer: 0, refused: 0 };
  for (const s of stats) for (const key of Object.keys(total) as Array<keyof FloodStats>) total[key] += s[key];
  return total;
}

const ms = (us: number) => Math.round(us / 100) / 10;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      ref: { type: "string" },
      label: { type: "string" },
      flooders: { type: "string" },
      seconds: { type: "string" },
      connections: { type: "string" },
      out: { type: "string" },
    },
  });
  const flooders = Number(values.flooders ?? 4);
  const seconds = Number(values.seconds ?? 5);
  const connections = Number(values.connections ?? 64);
  const label = values.label ?? "latest";
  const out = values.out ?? join(ROOT, "bench", "results");

  const cleanups: Array<() => Promise<void> | void> = [];
  try {
    console.log(
      `Live-feed flood benchmark (issue 10): ${connections} checkout connections for ${seconds} s, quiet and with ${flooders} flooders`,
    );
    const { stack } = await startBenchStack(cleanups);
    const storefront = await buildStorefront(values.ref);
    cleanups.push(storefront.cleanup);
    const secrets: WorkerSecrets = {
      SESSION_SECRET: `bench-session-${crypto.randomUUID()}`,
      ADMIN_TOKEN: `bench-admin-${crypto.randomUUID()}`,
    };
    const db = new pg.Pool({ connectionString: stack.vars.DATABASE_URL, max: 2 });
    db.on("error", () => undefined);
    cleanups.push(() => db.end());
    const contender = storefrontContender({ bundlePath: storefront.bundlePath, vars: stack.vars, secrets, db, runner: workerRunnerName() });
    const base = await contender.start();
    cleanups.push(() => contender.stop());
    const workDir = mkdtempSync(join(tmpdir(), "flashsale-flood-"));
    const cookieFile = join(workDir, "sessions.txt");
    const runTag = writeSessionPool(cookieFile, 100_000, secrets.SESSION_SECRET);

    // Warm the isolate and the pools first, so the quiet run is not the cold one.
    const warm = `f${runTag}-warm`;
    await contender.openSku(warm, STOCK);
    await runWrk({ url: base, connections, threads: 2, durationS: 2, cookieFile, sku: warm, runId: `${warm}-w` });
    await contender.settle(warm, STOCK);

    const conditions: Condition[] = [];
    for (const count of [0, flooders]) {
      const sku = `f${runTag}-${count}`;
      await contender.openSku(sku, STOCK);
      const wsUrl = `${base.replace(/^http/, "ws")}api/skus/${sku}/live`;
      const floods = Array.from({ length: count }, (_, i) => new Flooder(wsUrl, `198.51.100.${i + 1}`));
      for (const flood of floods) flood.start();
      if (count > 0) await sleep(1_000); // the flood at full speed before the measured window
      const raw = await runWrk({ url: base, connections, threads: 2, durationS: seconds, cookieFile, sku, runId: `${sku}-m` });
      const flood = sum(floods.map((f) => f.stop()));
      const books = await contender.settle(sku, STOCK);
      const condition: Condition = {
        flooders: count,
        checkoutsPerS: Math.round(((raw.statuses["201"] ?? 0) * 1e6) / raw.durationUs),
        latencyMs: { p50: ms(raw.latencyUs.p50), p90: ms(raw.latencyUs.p90), p99: ms(raw.latencyUs.p99), max: ms(raw.latencyUs.max) },
        errors: raw.errors.connect + raw.errors.read + raw.errors.write + raw.errors.timeout,
        statuses: raw.statuses,
        flood,
        books,
      };
      conditions.push(condition);
      console.log(
        `  ${count} flooders: ${condition.checkoutsPerS} checkouts/s, p50 ${condition.latencyMs.p50} ms, p99 ${condition.latencyMs.p99} ms, ` +
          `socket errors ${condition.errors}; flood sent ${flood.framesSent} frames, ${flood.answered} answered, ` +
          `${flood.closedByServer} closed by the server, ${flood.refused} refused; oversold ${books.oversold}, in Postgres ${books.unitsInPostgres}/${books.taken}`,
      );
    }

    const results = {
      date: new Date().toISOString(),
      machine: machineInfo(),
      storefront: storefront.describe,
      connections,
      seconds,
      conditions,
    };
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, `flood-${label}.json`), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(out, `flood-${label}.md`), renderMarkdown(results));
    console.log(`\nWrote ${join(out, `flood-${label}.json`)} and .md`);
  } finally {
    for (const step of cleanups.reverse())
      await Promise.resolve(step()).catch((error: Error) => console.error(`cleanup: ${error.message}`));
  }
}

function renderMarkdown(results: {
  date: string;
  storefront: string;
  connections: number;
  seconds: number;
  conditions: Condition[];
}): string {
  const rows = results.conditions.map(
    (c) =>
      `| ${c.flooders} | ${c.checkoutsPerS.toLocaleString("en-US")} | ${c.latencyMs.p50} | ${c.latencyMs.p99} | ${c.errors} | ` +
      `${c.flood.framesSent.toLocaleString("en-US")} | ${c.flood.answered.toLocaleString("en-US")} | ${c.flood.closedByServer} | ${c.flood.refused} | ` +
      `${c.books.oversold} | ${c.books.unitsInPostgres}/${c.books.taken} |`,
  );
  return [
    `# Live-feed flood (${results.date})`,
    "",
    `Storefront: ${results.storefront}. ${results.connections} checkout connections for ${results.seconds} s on one SKU.`,
    "",
    "| flooders | checkouts/s | p50 ms | p99 ms | socket errors | frames sent | answered | closed by server | refused (429) | oversold | units in Postgres / taken |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows,
    "",
  ].join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().then(
    () => process.exit(0),
    (error: Error) => {
      console.error(`\nflood benchmark failed: ${error.message}`);
      process.exit(1);
    },
  );
}
