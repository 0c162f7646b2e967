import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import { RATE_LIMITS_OFF } from "../../src/rate-limit/limits.ts";
import { TEST_SECRETS } from "../../test/support/test-secrets.ts";
import type { LocalStackVars } from "./stack-vars.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The app secrets the Worker needs besides its connection variables. */
export interface WorkerSecrets {
  SESSION_SECRET: string;
  ADMIN_TOKEN: string;
  /** Opens GET /metrics to a scraper (issue 13); absent, /metrics is closed (401). */
  METRICS_TOKEN?: string;
  /** Opens local staff accounts (email and password sign-in); absent, they stay closed. */
  STAFF_SESSION_SECRET?: string;
}

/** How to serve a Worker on workerd through Miniflare's API. */
export interface ServeOptions {
  /**
   * Also serve the Worker on a socket of its own, on this TCP port (0: a free one), so
   * outside tools (wrk) reach it the way Cloudflare's edge does: straight into the
   * Worker's fetch handler. Read the address with `directUrl(mf, name)`. Miniflare's public
   * port puts its own entry Worker in front (routing, `cf`, pretty errors), which costs
   * more than a small Worker itself: about 3,300 against 14,000 requests/s for a fixed
   * JSON body on a 2-core machine (bench/, issue 7).
   */
  directPort?: number;
  host?: string;
  /** Serve the built static assets (public/) through the ASSETS binding, as wrangler.toml does. */
  assetsDirectory?: string;
  /** Open workerd's V8 inspector on this port (0: a free one), e.g. for a CPU profile: `mf.getInspectorURL()`. */
  inspectorPort?: number;
}

/**
 * Builds the production bundle exactly as `wrangler deploy` would (`--dry-run --outdir`),
 * so tests and the benchmark exercise what ships rather than the sources. `root` is the
 * project to build (default: this one; the benchmark may build a commit checked out aside),
 * `config` the Worker's wrangler configuration in it (default: the storefront's; the events
 * consumer's is EVENTS_CONSUMER_CONFIG).
 */
export async function buildProductionBundle(root: string = ROOT, config: string = "wrangler.toml"): Promise<string> {
  const outdir = mkdtempSync(join(tmpdir(), "flashsale-bundle-"));
  // Run wrangler on this very Node (22), whatever `node` the PATH would find.
  const wrangler = join(ROOT, "node_modules/wrangler/bin/wrangler.js");
  await promisify(execFile)(process.execPath, [wrangler, "deploy", "--dry-run", "--outdir", outdir, "--config", config], {
    cwd: root,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  return join(outdir, "index.js");
}

/** The events consumer Worker's configuration (issue 13). */
export const EVENTS_CONSUMER_CONFIG = "workers/events/wrangler.toml";
/** The queue the storefront sends shopper events to, and its dead-letter queue (workers/events/wrangler.toml). */
const EVENTS_QUEUE = "shopper-events";
const EVENTS_DEAD_LETTERS = "shopper-events-dlq";

/**
 * Runs a built bundle on workerd through Miniflare's API (Miniflare 5's worker config:
 * a module manifest, typed `env` bindings and declared exports) with the bindings of
 * wrangler.toml (in-memory KV and SQLite-backed Durable Object storage) and the given
 * connection variables. Secrets default to the fixed test values, and `settings` (other
 * plain-text variables) to the tests' too: the shopper rate limits off.
 */
export function runBundle(
  scriptPath: string,
  vars: LocalStackVars,
  options: ServeOptions & {
    secrets?: WorkerSecrets;
    settings?: Record<string, string>;
    /**
     * Runs the SKU objects in a second Worker, `objects`, of the same bundle: their own
     * isolate, as production runs a Durable Object class apart from the Workers that call it
     * (the benchmark's `storefront-apart`). Default: one Worker, objects in its isolate.
     */
    objectsApart?: boolean;
    /**
     * The built events consumer (buildProductionBundle(root, EVENTS_CONSUMER_CONFIG)): run as a
     * Worker of its own, consuming the queue the storefront sends its events to, as deployed.
     * Without it the queue takes the events and nothing reads them.
     */
    eventsConsumer?: string;
    /**
     * The built CRM webhooks consumer (buildProductionBundle(root, CRM_WEBHOOKS_CONFIG), issue 16),
     * run as a Worker of its own on the `crm-webhooks` queue, with `crmWebhooks` its variables
     * (CRM_WEBHOOK_SECRET; tests shorten the backoff and the timeout).
     */
    crmWebhooksConsumer?: string;
    crmWebhooks?: Record<string, string>;
  } = {},
): Miniflare {
  const text = (value: string) => ({ type: "text" as const, value });
  const secrets: WorkerSecrets = options.secrets ?? TEST_SECRETS;
  const settings = Object.fromEntries(Object.entries(options.settings ?? RATE_LIMITS_OFF).map(([name, value]) => [name, text(value)]));
  const script = readFileSync(scriptPath, "utf8");
  const objectsWorker = options.objectsApart ? "objects" : "storefront";
  const config = (name: string) => ({
    name,
    compatibilityDate: "2026-11-01",
    compatibilityFlags: ["nodejs_compat"],
    manifest: {
      mainModule: "index.js",
      modules: { "index.js": { type: "esm" as const, contents: script } },
    },
  });
  // One KV namespace for both Workers when the objects run apart (each reads the sale from it).
  const sales = options.objectsApart ? { type: "kv" as const, id: "SALES" } : { type: "kv" as const };
  const env = {
    SALES: sales,
    SKU_SALE: { type: "durable-object" as const, worker: objectsWorker, exportName: "SkuSale" },
    METRICS_HUB: { type: "durable-object" as const, worker: objectsWorker, exportName: "MetricsHub" },
    COUPON_POOL: { type: "durable-object" as const, worker: objectsWorker, exportName: "CouponPool" },
    TEAM_UP: { type: "durable-object" as const, worker: objectsWorker, exportName: "TeamUp" },
    TEAM_CAMPAIGN_ROSTER: { type: "durable-object" as const, worker: objectsWorker, exportName: "TeamCampaignRoster" },
    FOLLOW_UP: { type: "durable-object" as const, worker: objectsWorker, exportName: "FollowUp" },
    CONVERSATION: { type: "durable-object" as const, worker: objectsWorker, exportName: "Conversation" },
    DATABASE_URL: text(vars.DATABASE_URL),
    NEON_WS_PROXY: text(vars.NEON_WS_PROXY),
    UPSTASH_REDIS_REST_URL: text(vars.UPSTASH_REDIS_REST_URL),
    UPSTASH_REDIS_REST_TOKEN: text(vars.UPSTASH_REDIS_REST_TOKEN),
    SESSION_SECRET: text(secrets.SESSION_SECRET),
    ADMIN_TOKEN: text(secrets.ADMIN_TOKEN),
    ...(secrets.METRICS_TOKEN ? { METRICS_TOKEN: text(secrets.METRICS_TOKEN) } : {}),
    ...(secrets.STAFF_SESSION_SECRET ? { STAFF_SESSION_SECRET: text(secrets.STAFF_SESSION_SECRET) } : {}),
    PAYMENT_PROVIDER: text("local"),
    EVENTS: { type: "queue" as const, name: EVENTS_QUEUE },
    CRM_WEBHOOKS: { type: "queue" as const, name: CRM_WEBHOOKS_QUEUE },
    ...settings,
  };
  const durableObjects = {
    SkuSale: { type: "durable-object" as const, storage: "sqlite" as const },
    MetricsHub: { type: "durable-object" as const, storage: "sqlite" as const },
    CouponPool: { type: "durable-object" as const, storage: "sqlite" as const },
    TeamUp: { type: "durable-object" as const, storage: "sqlite" as const },
    TeamCampaignRoster: { type: "durable-object" as const, storage: "sqlite" as const },
    FollowUp: { type: "durable-object" as const, storage: "sqlite" as const },
    Conversation: { type: "durable-object" as const, storage: "sqlite" as const },
  };
  const objects = options.objectsApart ? [{ config: { ...config("objects"), env, exports: durableObjects } }] : [];
  return new Miniflare({
    ...serveOptions(options),
    workers: [
      {
        ...directSocket(options),
        config: {
          ...config("storefront"),
          env: { ...env, ...(options.assetsDirectory ? { ASSETS: { type: "assets" as const } } : {}) },
          ...(options.objectsApart ? {} : { exports: durableObjects }),
          ...(options.assetsDirectory ? { assets: { directory: options.assetsDirectory, runWorkerFirst: true, hasUserWorker: true } } : {}),
        },
      },
      ...objects,
      ...(options.eventsConsumer ? [{ config: eventsConsumerConfig(options.eventsConsumer, vars) }] : []),
      ...(options.crmWebhooksConsumer
        ? [{ config: crmWebhooksConsumerConfig(options.crmWebhooksConsumer, vars, options.crmWebhooks ?? {}) }]
        : []),
    ],
  });
}

/** The events consumer as workers/events/wrangler.toml deploys it: both queues, with the retries and the dead-letter queue. */
function eventsConsumerConfig(scriptPath: string, vars: LocalStackVars) {
  const text = (value: string) => ({ type: "text" as const, value });
  return {
    name: "events",
    compatibilityDate: "2026-11-01",
    compatibilityFlags: ["nodejs_compat"],
    manifest: { mainModule: "index.js", modules: { "index.js": { type: "esm" as const, contents: readFileSync(scriptPath, "utf8") } } },
    env: {
      DATABASE_URL: text(vars.DATABASE_URL),
      NEON_WS_PROXY: text(vars.NEON_WS_PROXY),
      UPSTASH_REDIS_REST_URL: text(vars.UPSTASH_REDIS_REST_URL),
      UPSTASH_REDIS_REST_TOKEN: text(vars.UPSTASH_REDIS_REST_TOKEN),
    },
    triggers: [
      {
        type: "queue" as const,
        name: EVENTS_QUEUE,
        maxBatchSize: 100,
        maxBatchTimeout: 1,
        maxRetries: 2,
        deadLetterQueue: EVENTS_DEAD_LETTERS,
      },
      { type: "queue" as const, name: EVENTS_DEAD_LETTERS, maxBatchSize: 100, maxBatchTimeout: 1 },
    ],
  };
}

/** The CRM webhooks consumer's configuration (issue 16). */
export const CRM_WEBHOOKS_CONFIG = "workers/crm-webhooks/wrangler.toml";
const CRM_WEBHOOKS_QUEUE = "crm-webhooks";
const CRM_WEBHOOKS_DEAD_LETTERS = "crm-webhooks-dlq";

/** The CRM webhooks consumer as workers/crm-webhooks/wrangler.toml deploys it: both queues, 13 attempts, the dead-letter queue. */
function crmWebhooksConsumerConfig(scriptPath: string, vars: LocalStackVars, settings: Record<string, string>) {
  const text = (value: string) => ({ type: "text" as const, value });
  return {
    name: "crm-webhooks",
    compatibilityDate: "2026-11-01",
    compatibilityFlags: ["nodejs_compat"],
    manifest: { mainModule: "index.js", modules: { "index.js": { type: "esm" as const, contents: readFileSync(scriptPath, "utf8") } } },
    env: {
      DATABASE_URL: text(vars.DATABASE_URL),
      NEON_WS_PROXY: text(vars.NEON_WS_PROXY),
      ...Object.fromEntries(Object.entries(settings).map(([name, value]) => [name, text(value)])),
    },
    triggers: [
      {
        type: "queue" as const,
        name: CRM_WEBHOOKS_QUEUE,
        maxBatchSize: 50,
        maxBatchTimeout: 1,
        maxRetries: 12,
        deadLetterQueue: CRM_WEBHOOKS_DEAD_LETTERS,
      },
      { type: "queue" as const, name: CRM_WEBHOOKS_DEAD_LETTERS, maxBatchSize: 100, maxBatchTimeout: 1 },
    ],
  };
}

/**
 * Runs a single ES module Worker without bindings on workerd, through the same Miniflare
 * API and settings as `runBundle` (for a baseline measured on the same runner).
 */
export function runModuleWorker(name: string, source: string, options: ServeOptions = {}): Miniflare {
  return new Miniflare({
    ...serveOptions(options),
    workers: [
      {
        ...directSocket(options),
        config: {
          name,
          compatibilityDate: "2026-11-01",
          compatibilityFlags: ["nodejs_compat"],
          manifest: { mainModule: "index.js", modules: { "index.js": { type: "esm", contents: source } } },
          env: {},
        },
      },
    ],
  });
}

/** The address of a Worker's own socket (`ServeOptions.directPort`). */
export async function directUrl(mf: Miniflare, workerName: string): Promise<URL> {
  return mf.unsafeGetDirectURL(workerName);
}

function serveOptions(options: ServeOptions) {
  const inspector = options.inspectorPort === undefined ? {} : { inspectorPort: options.inspectorPort };
  if (options.directPort === undefined) return inspector;
  // No per-request logging and no Request.cf download: a local runner needs no network.
  return { host: options.host ?? "127.0.0.1", logRequests: false, cf: false, ...inspector };
}

function directSocket(options: ServeOptions) {
  if (options.directPort === undefined) return {};
  return { dev: { unsafeDirectSockets: [{ host: options.host ?? "127.0.0.1", port: options.directPort }] } };
}
