import { readFileSync } from "node:fs";
import { Miniflare } from "miniflare";
import type pg from "pg";
import type { LocalStackVars } from "../../scripts/local/stack-vars.ts";
import { directUrl, type WorkerSecrets } from "../../scripts/local/worker-bundle.ts";
import { workerdPids } from "../cpu.ts";
import { sleep, type Contender } from "./contender.ts";
import { benchSale, storefrontPostgresBooks } from "./storefront.ts";

/**
 * The SKU object's own decision capacity, apart from the storefront Worker (issue 12): the
 * production bundle's `SkuSale` class in a Worker of its own, driven by a front Worker that
 * does next to nothing (no router, no validation, no cookie check: the shopper is the
 * cookie's value as sent) and makes one `tryCheckout` RPC per request. In production the
 * Worker tier scales out and the object does not; this is the part that does not.
 */
const FRONT = `
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/counts") {
      const object = env.SKU_SALE.getByName(url.searchParams.get("sku"));
      const flushed = await object.flushOutbox();
      const counts = await object.counts();
      return Response.json({ ...flushed, counts });
    }
    const { sku, qty } = await request.json();
    const cookie = request.headers.get("Cookie") ?? "";
    const shopperId = cookie.slice(cookie.indexOf("=") + 1, cookie.lastIndexOf("."));
    const idempotencyKey = request.headers.get("Idempotency-Key");
    const result = await env.SKU_SALE.getByName(sku).tryCheckout({ shopperId, idempotencyKey, qty });
    if (result.ok) {
      const headers = result.value.replayed ? { "Idempotent-Replayed": "true" } : {};
      return Response.json({ order: { id: result.value.order.id, status: result.value.order.status } }, { status: 201, headers });
    }
    return Response.json({ error: { code: result.error.code } }, { status: 409 });
  },
};
`;

export function objectsDirectContender(options: {
  bundlePath: string;
  vars: LocalStackVars;
  secrets: WorkerSecrets;
  db: pg.Pool;
  runner: string;
}): Contender {
  let mf: Miniflare | undefined;
  let base = "";
  let pids: number[] = [];
  const text = (value: string) => ({ type: "text" as const, value });
  const worker = (name: string, contents: string) => ({
    name,
    compatibilityDate: "2026-11-01",
    compatibilityFlags: ["nodejs_compat"],
    manifest: { mainModule: "index.js", modules: { "index.js": { type: "esm" as const, contents } } },
  });
  const sales = { type: "kv" as const, id: "SALES" };
  const objectBinding = { type: "durable-object" as const, worker: "objects", exportName: "SkuSale" };

  return {
    id: "objects-direct",
    label: "SkuSale objects behind a bare front (decision capacity)",
    runner: options.runner,
    sells: true,
    async start() {
      const before = new Set(workerdPids());
      mf = new Miniflare({
        host: "127.0.0.1",
        logRequests: false,
        cf: false,
        workers: [
          {
            dev: { unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }] },
            config: { ...worker("front", FRONT), env: { SALES: sales, SKU_SALE: objectBinding } },
          },
          {
            config: {
              ...worker("objects", readFileSync(options.bundlePath, "utf8")),
              env: {
                SALES: sales,
                SKU_SALE: objectBinding,
                DATABASE_URL: text(options.vars.DATABASE_URL),
                NEON_WS_PROXY: text(options.vars.NEON_WS_PROXY),
                UPSTASH_REDIS_REST_URL: text(options.vars.UPSTASH_REDIS_REST_URL),
                UPSTASH_REDIS_REST_TOKEN: text(options.vars.UPSTASH_REDIS_REST_TOKEN),
                SESSION_SECRET: text(options.secrets.SESSION_SECRET),
                ADMIN_TOKEN: text(options.secrets.ADMIN_TOKEN),
                PAYMENT_PROVIDER: text("local"),
              },
              exports: { SkuSale: { type: "durable-object", storage: "sqlite" } },
            },
          },
        ],
      });
      await mf.ready;
      pids = workerdPids().filter((pid) => !before.has(pid));
      base = (await directUrl(mf, "front")).href;
      return base;
    },
    async openSku(sku, stock) {
      await (await mf!.getKVNamespace("SALES")).put(`sale:${sku}`, JSON.stringify(benchSale(sku, stock)));
    },
    async settle(sku, stock) {
      await sleep(500);
      const deadline = Date.now() + 60_000;
      let answer: { outboxPending: number; counts: { ok: boolean; value: { unitsByStatus: Record<string, number> } } };
      for (;;) {
        answer = await (await fetch(`${base}counts?sku=${encodeURIComponent(sku)}`)).json();
        if (answer.outboxPending === 0 || Date.now() > deadline) break;
        await sleep(300);
      }
      const units = answer.counts.value.unitsByStatus;
      const taken = (units.pending_payment ?? 0) + (units.paid ?? 0);
      return { ...(await storefrontPostgresBooks(options.db, sku, stock, taken)), pendingWrites: answer.outboxPending };
    },
    pids: () => pids,
    async stop() {
      await mf?.dispose();
      mf = undefined;
    },
  };
}
