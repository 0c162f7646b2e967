import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type pg from "pg";
import { descendants } from "../cpu.ts";
import { BASELINE_ORDER_TABLES, type BaselineId } from "./baseline-schema.ts";
import { sleep, type Contender } from "./contender.ts";

const SERVICE = fileURLToPath(new URL("./node-service.ts", import.meta.url));
const PROJECT_NODE = fileURLToPath(new URL("../../node_modules/.bin/node", import.meta.url));

/** The project's Node 22 (the `node` devDependency), else the one running the harness. */
export function projectNode(): string {
  return existsSync(PROJECT_NODE) ? PROJECT_NODE : process.execPath;
}

const LABELS: Record<BaselineId, string> = {
  "redis-decr": "Node + Redis DECR + Postgres (seed)",
  "postgres-only": "Node + Postgres only",
};

/**
 * A baseline service (bench/contenders/node-service.ts) in its own Node process, so the
 * harness's own work never shares its event loop.
 */
export function nodeBaselineContender(
  id: BaselineId,
  options: {
    databaseUrl: string;
    redisUrl: string | null;
    sessionSecret: string;
    db: pg.Pool;
    runner: string;
    /** The service's pg pool size (default 20). */
    poolMax?: number;
  },
): Contender {
  let child: ChildProcess | undefined;
  let base = "";
  let stderr = "";

  async function call<T>(path: string, init?: RequestInit): Promise<T> {
    const response = await fetch(`${base}${path}`, init);
    if (!response.ok) throw new Error(`${id} ${path}: ${response.status} ${await response.text()}`);
    return (response.status === 204 ? null : await response.json()) as T;
  }

  return {
    id,
    label: LABELS[id],
    runner: options.runner,
    sells: true,
    async start() {
      const env: Record<string, string> = {
        ...(process.env as Record<string, string>),
        BENCH_MODE: id,
        PORT: "0",
        DATABASE_URL: options.databaseUrl,
        SESSION_SECRET: options.sessionSecret,
        PG_POOL_MAX: String(options.poolMax ?? 20),
      };
      delete env.REDIS_URL;
      if (options.redisUrl) env.REDIS_URL = options.redisUrl;
      child = spawn(projectNode(), [SERVICE], { env, stdio: ["ignore", "pipe", "pipe"] });
      child.stderr!.on("data", (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-4000);
      });
      const port = await new Promise<number>((resolve, reject) => {
        let out = "";
        const timer = setTimeout(() => reject(new Error(`${id} did not start within 20 s: ${stderr}`)), 20_000);
        child!.stdout!.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          const match = /listening (\d+)/.exec(out);
          if (match) {
            clearTimeout(timer);
            resolve(Number(match[1]));
          }
        });
        child!.on("exit", (code) => {
          clearTimeout(timer);
          reject(new Error(`${id} exited (${code}) before it listened: ${stderr}`));
        });
      });
      base = `http://127.0.0.1:${port}/`;
      return base;
    },
    async openSku(sku, stock) {
      await call("__bench/open", { method: "POST", body: JSON.stringify({ sku, stock }) });
    },
    async settle(sku, stock) {
      // Requests whose client has gone are still worked on: wait until none is in flight.
      const deadline = Date.now() + 30_000;
      let inflight = (await call<{ inflight: number }>("__bench/stats")).inflight;
      while (inflight > 0 && Date.now() < deadline) {
        await sleep(100);
        inflight = (await call<{ inflight: number }>("__bench/stats")).inflight;
      }
      const { remaining } = await call<{ remaining: number | null }>(`__bench/remaining?sku=${encodeURIComponent(sku)}`);
      const table = BASELINE_ORDER_TABLES[id];
      const totals = await options.db.query<{ orders: string; units: string; keys: string }>(
        `SELECT count(*) AS orders, coalesce(sum(qty), 0) AS units, count(DISTINCT (shopper_id, idempotency_key)) AS keys
         FROM ${table} WHERE sku = $1`,
        [sku],
      );
      const orders = Number(totals.rows[0]!.orders);
      const units = Number(totals.rows[0]!.units);
      const left = remaining ?? 0;
      const taken = stock - left;
      return {
        stock,
        taken,
        remaining,
        ordersInPostgres: orders,
        unitsInPostgres: units,
        duplicates: orders - Number(totals.rows[0]!.keys),
        // A counter below 0 once idle, or more units recorded than stock, is overselling.
        oversold: Math.max(0, units - stock, -left),
        pendingWrites: inflight,
      };
    },
    pids: () => (child?.pid ? [child.pid, ...descendants(child.pid)] : []),
    async stop() {
      if (!child || child.exitCode !== null) return;
      const exited = new Promise((resolve) => child!.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, sleep(5_000)]);
      if (child.exitCode === null) child.kill("SIGKILL");
      child = undefined;
    },
  };
}
