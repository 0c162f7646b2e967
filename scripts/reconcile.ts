/**
 * `npm run reconcile`: compares every SKU object's counts with Postgres through the admin
 * API and reports any difference. Exits 1 when something differs, so it can gate a job.
 *
 *   ADMIN_TOKEN=… npm run reconcile                      # the local stack (npm start)
 *   ADMIN_TOKEN=… npm run reconcile -- --url https://shop.example.com
 */
import { parseArgs } from "node:util";
import type { SkuReconciliation } from "../src/orders/reconcile.ts";

const { values } = parseArgs({ options: { url: { type: "string", default: "http://127.0.0.1:8787" } } });
const token = process.env.ADMIN_TOKEN;
if (!token) {
  console.error("ADMIN_TOKEN is not set: it is the storefront's admin token (npm start prints it).");
  process.exit(2);
}

const response = await fetch(new URL("/admin/api/reconciliation", values.url), { headers: { Authorization: `Bearer ${token}` } }).catch(
  (error: Error) => {
    console.error(`could not reach ${values.url}: ${error.message}`);
    process.exit(2);
  },
);
const body = (await response.json()) as { consistent: boolean; skus: SkuReconciliation[]; error?: { message: string } };
if (!response.ok) {
  console.error(`reconciliation refused (${response.status}): ${body.error?.message ?? "unknown error"}`);
  process.exit(2);
}

const rows = body.skus.map((r) => ({
  sku: r.sku,
  "paid (object/pg)": `${r.object.paid}/${r.postgres.paid}`,
  // A presale's paid deposits hold units as unpaid orders do; a forfeit releases them (issue 19).
  "held (object/pg)": `${r.object.pending_payment + r.object.deposit_paid}/${r.postgres.pending_payment + r.postgres.deposit_paid}`,
  "released (object/pg)": `${r.object.cancelled + r.object.expired + r.object.forfeited}/${r.postgres.cancelled + r.postgres.expired + r.postgres.forfeited}`,
  outbox: r.outboxPending,
  parked: r.deadLettered,
  result: verdict(r),
}));
console.table(rows);
if (!body.consistent) {
  for (const r of body.skus.filter((s) => !s.consistent)) {
    for (const d of r.differences) console.log(`${r.sku}: ${d.status} object=${d.object} postgres=${d.postgres}`);
    if (r.outboxPending > 0) console.log(`${r.sku}: ${r.outboxPending} changes still in the outbox (is Postgres reachable?)`);
    if (r.deadLettered > 0)
      console.log(
        `${r.sku}: ${r.deadLettered} changes refused by Postgres and parked (see the console, or POST /admin/api/sales/${r.sku}/dead-letters/retry after a fix)`,
      );
  }
  process.exit(1);
}
console.log(`all ${rows.length} SKUs match Postgres`);

/** One word per SKU: ok, or what keeps it from being consistent. */
function verdict(r: SkuReconciliation): string {
  if (r.consistent) return "ok";
  if (r.deadLettered > 0) return "PARKED";
  if (r.outboxPending > 0) return "STUCK";
  return "DIFFERS";
}
