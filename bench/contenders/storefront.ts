import type { Miniflare } from "miniflare";
import type pg from "pg";
import type { LocalStackVars } from "../../scripts/local/stack-vars.ts";
import { directUrl, runBundle, type WorkerSecrets } from "../../scripts/local/worker-bundle.ts";
import { RATE_LIMITS_OFF, type RateLimitVar } from "../../src/rate-limit/limits.ts";
import type { SaleConfigInput } from "../../src/sales/sale-config.ts";
import { workerdPids } from "../cpu.ts";
import { startProfile, summarizeProfile } from "../profile.ts";
import { sleep, type Contender, type ContenderId, type SkuBooks } from "./contender.ts";

interface Reconciliation {
  consistent: boolean;
  skus: Array<{
    sku: string;
    object: Record<string, number>;
    postgres: Record<string, number>;
    outboxPending: number;
    differences: unknown[];
  }>;
}

/**
 * The storefront as it ships: the `wrangler deploy` bundle on workerd through Miniflare's
 * API (scripts/local/worker-bundle.ts), its Durable Objects in SQLite, orders to the
 * benchmark's Postgres through the Neon driver and the local WebSocket proxy.
 */
export function storefrontContender(options: {
  bundlePath: string;
  vars: LocalStackVars;
  secrets: WorkerSecrets;
  db: pg.Pool;
  runner: string;
  /** How long settle() waits for the outbox to drain before it reports what is pending. */
  drainTimeoutMs?: number;
  /**
   * The Worker's rate-limit variables (RATE_LIMIT_*). Default: every limit off, see serve().
   * `npm run bench:abuse` (bench/abuse.ts) runs the storefront once with them on.
   */
  rateLimits?: Record<RateLimitVar, string>;
  /** Shard objects per sale (issue 12's `shards`): 1, the default, is the SKU's one object. */
  shards?: number;
  /** The SKU objects in a Worker of their own, their own isolate (runBundle's `objectsApart`). */
  objectsApart?: boolean;
}): Contender {
  const shards = options.shards ?? 1;
  const variant: Pick<Contender, "id" | "label"> =
    shards > 1
      ? { id: `storefront-k${shards}` as ContenderId, label: `storefront, ${shards} shards` }
      : options.objectsApart
        ? { id: "storefront-apart", label: "storefront, objects in their own isolate" }
        : { id: "storefront", label: "storefront (SkuSale object)" };
  let mf: Miniflare | undefined;
  let base = "";
  let pids: number[] = [];

  async function reconciliation(): Promise<Reconciliation> {
    const response = await fetch(`${base}admin/api/reconciliation`, {
      headers: { Authorization: `Bearer ${options.secrets.ADMIN_TOKEN}` },
    });
    if (!response.ok) throw new Error(`reconciliation answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as Reconciliation;
  }

  async function serve(inspect: boolean): Promise<string> {
    const before = new Set(workerdPids());
    // Rate limits off unless asked for, explicitly: wrk sends every request from one address,
    // and the figures stay comparable with the runs before the limits (issue 12).
    mf = runBundle(options.bundlePath, options.vars, {
      directPort: 0,
      secrets: options.secrets,
      settings: options.rateLimits ?? RATE_LIMITS_OFF,
      objectsApart: options.objectsApart ?? false,
      ...(inspect ? { inspectorPort: 0 } : {}),
    });
    await mf.ready;
    pids = workerdPids().filter((pid) => !before.has(pid));
    base = (await directUrl(mf, "storefront")).href;
    return base;
  }

  const contender: Contender = {
    ...variant,
    runner: options.runner,
    sells: true,
    start: () => serve(false),
    async openSku(sku, stock) {
      await (await mf!.getKVNamespace("SALES")).put(`sale:${sku}`, JSON.stringify(benchSale(sku, stock, shards)));
    },
    async settle(sku, stock) {
      // Checkouts still running in the Worker when wrk stopped finish within this pause;
      // after it, poll until the object's counts stop moving and its outbox is empty.
      await sleep(500);
      const deadline = Date.now() + (options.drainTimeoutMs ?? 60_000);
      let previous = "";
      let entry: Reconciliation["skus"][number] | undefined;
      for (;;) {
        entry = (await reconciliation()).skus.find((s) => s.sku === sku);
        if (!entry) throw new Error(`reconciliation does not list ${sku}`);
        const counts = JSON.stringify(entry.object);
        if (entry.outboxPending === 0 && counts === previous) break;
        if (Date.now() > deadline) break;
        previous = counts;
        await sleep(300);
      }
      const taken = (entry.object.pending_payment ?? 0) + (entry.object.paid ?? 0);
      return { ...(await storefrontPostgresBooks(options.db, sku, stock, taken)), pendingWrites: entry.outboxPending };
    },
    pids: () => pids,
    // The profile is of the one-object storefront: the variants' isolates are laid out otherwise.
    profile:
      variant.id !== "storefront"
        ? undefined
        : async (sku, stock, load) => {
            // A separate instance with the inspector open, so the measured runs never had one.
            await contender.stop();
            await serve(true);
            await contender.openSku(sku, stock);
            const stop = await startProfile(await mf!.getInspectorURL(), "storefront");
            await load(base);
            return summarizeProfile(await stop(), options.bundlePath);
          },
    async stop() {
      await mf?.dispose();
      mf = undefined;
    },
  };
  return contender;
}

/** The sale every storefront contender opens: live now, one unit per shopper, holds that outlive the run. */
export function benchSale(sku: string, stock: number, shards = 1): SaleConfigInput {
  const now = Date.now();
  return {
    sku,
    title: `Benchmark ${sku}`,
    listPrice: 19_900,
    stock,
    startsAt: now - 60_000,
    endsAt: now + 6 * 3_600_000,
    perShopperLimit: 1,
    // Holds outlive the run, so no expiry work runs beside the measured levels.
    holdSeconds: 3_600,
    shards,
  };
}

/** What Postgres holds of a storefront SKU, beside the object's own count of units taken. */
export async function storefrontPostgresBooks(
  db: pg.Pool,
  sku: string,
  stock: number,
  taken: number,
): Promise<Omit<SkuBooks, "pendingWrites">> {
  const totals = await db.query<{ orders: string; units: string; keys: string }>(
    `SELECT count(*) AS orders, coalesce(sum(qty), 0) AS units, count(DISTINCT (shopper_id, idempotency_key)) AS keys
     FROM orders WHERE sku = $1 AND status IN ('pending_payment', 'paid')`,
    [sku],
  );
  // A unit is its sale rank: a rank in two orders is a unit sold twice; a rank past the
  // stock is a unit that never existed.
  const ranks = await db.query<{ doubled: string; past: string }>(
    `SELECT count(*) FILTER (WHERE holders > 1) AS doubled, count(*) FILTER (WHERE rank > $2) AS past
     FROM (SELECT (r)::int AS rank, count(*) AS holders
           FROM orders, jsonb_array_elements(ranks) AS r
           WHERE sku = $1 AND status IN ('pending_payment', 'paid') GROUP BY 1) AS units`,
    [sku, stock],
  );
  const orders = Number(totals.rows[0]!.orders);
  const units = Number(totals.rows[0]!.units);
  const doubled = Number(ranks.rows[0]!.doubled);
  return {
    stock,
    taken,
    remaining: stock - taken,
    ordersInPostgres: orders,
    unitsInPostgres: units,
    duplicates: orders - Number(totals.rows[0]!.keys) + doubled,
    oversold: Math.max(0, units - stock, taken - stock) + Number(ranks.rows[0]!.past),
  };
}
