import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import type { LocalStackVars } from "../../scripts/local/stack-vars.ts";
import { TEST_SECRETS } from "./test-secrets.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/**
 * Builds the production bundle exactly as `wrangler deploy` would (`--dry-run --outdir`),
 * once per test file, so tests exercise what ships rather than the sources.
 */
export async function buildProductionBundle(): Promise<string> {
  const outdir = mkdtempSync(join(tmpdir(), "flashsale-bundle-"));
  await promisify(execFile)(join(ROOT, "node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--outdir", outdir], {
    cwd: ROOT,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  return join(outdir, "index.js");
}

/**
 * Runs a built bundle on workerd through Miniflare's API (Miniflare 5's worker config:
 * a module manifest, typed `env` bindings and declared exports) with the bindings of
 * wrangler.toml (in-memory KV and SQLite-backed Durable Object storage) and the given
 * connection variables.
 */
export function runBundle(scriptPath: string, vars: LocalStackVars): Miniflare {
  const text = (value: string) => ({ type: "text" as const, value });
  return new Miniflare({
    workers: [
      {
        config: {
          name: "storefront",
          compatibilityDate: "2026-11-01",
          compatibilityFlags: ["nodejs_compat"],
          manifest: {
            mainModule: "index.js",
            modules: { "index.js": { type: "esm", contents: readFileSync(scriptPath, "utf8") } },
          },
          env: {
            SALES: { type: "kv" },
            SKU_SALE: { type: "durable-object", worker: "storefront", exportName: "SkuSale" },
            DATABASE_URL: text(vars.DATABASE_URL),
            NEON_WS_PROXY: text(vars.NEON_WS_PROXY),
            UPSTASH_REDIS_REST_URL: text(vars.UPSTASH_REDIS_REST_URL),
            UPSTASH_REDIS_REST_TOKEN: text(vars.UPSTASH_REDIS_REST_TOKEN),
            SESSION_SECRET: text(TEST_SECRETS.SESSION_SECRET),
            ADMIN_TOKEN: text(TEST_SECRETS.ADMIN_TOKEN),
            PAYMENT_PROVIDER: text("local"),
          },
          exports: { SkuSale: { type: "durable-object", storage: "sqlite" } },
        },
      },
    ],
  });
}
