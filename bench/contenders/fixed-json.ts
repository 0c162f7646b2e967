import type { Miniflare } from "miniflare";
import { directUrl, runModuleWorker } from "../../scripts/local/worker-bundle.ts";
import { workerdPids } from "../cpu.ts";
import type { Contender } from "./contender.ts";

/**
 * The runtime's ceiling: a Worker that answers every request with the same JSON body, the
 * size of a checkout's answer, without reading the request. Served exactly like the
 * storefront (same Miniflare API, same compatibility settings, its own direct socket).
 */
export const FIXED_JSON_WORKER = `
const BODY = JSON.stringify({
  order: {
    id: "ord_bench-fixed_0000000000000000000000",
    sku: "bench-fixed",
    qty: 1,
    unitPrices: [19900],
    totalAmount: 19900,
    currency: "CNY",
    tier: null,
    status: "pending_payment",
    createdAt: 1795000000000,
    updatedAt: 1795000000000,
    expiresAt: 1795003600000,
    paymentRef: null,
  },
});
export default {
  fetch() {
    return new Response(BODY, { status: 201, headers: { "Content-Type": "application/json" } });
  },
};
`;

export function fixedJsonContender(runner: string): Contender {
  let mf: Miniflare | undefined;
  let pids: number[] = [];
  return {
    id: "fixed-json",
    label: "fixed JSON Worker (ceiling)",
    runner,
    sells: false,
    async start() {
      mf = runModuleWorker("fixed-json", FIXED_JSON_WORKER, { directPort: 0 });
      await mf.ready;
      pids = workerdPids();
      return (await directUrl(mf, "fixed-json")).href;
    },
    async openSku() {},
    async settle(_sku, stock) {
      return { stock, taken: 0, remaining: null, ordersInPostgres: 0, unitsInPostgres: 0, duplicates: 0, oversold: 0, pendingWrites: 0 };
    },
    pids: () => pids,
    async stop() {
      await mf?.dispose();
      mf = undefined;
    },
  };
}
