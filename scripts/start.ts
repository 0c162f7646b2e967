/**
 * `npm start`: the whole storefront on one machine, nothing else installed.
 * Starts the local stack (embedded Postgres, the Neon WebSocket proxy, the Upstash REST
 * gateway), applies migrations, seeds demo sales into local KV, then runs `wrangler dev`
 * with local Durable Objects, KV and Queues: the storefront, the events consumer and the CRM webhooks consumer Workers. Ctrl-C
 * stops everything it started.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { demoExperiments } from "../src/experiments/demo-experiments.ts";
import { couponKey, couponTemplateSchema } from "../src/coupons/coupon-template.ts";
import { demoCoupons } from "../src/coupons/demo-coupons.ts";
import { demoTeamCampaigns } from "../src/teams/demo-team-campaigns.ts";
import { demoLivestreams, demoStoreCoupons } from "../src/livestreams/demo-livestreams.ts";
import { demoTiers } from "../src/membership/demo-tiers.ts";
import { historyKeyOf } from "../src/kv/history-key.ts";
import { demoSequences } from "../src/sequences/demo-sequences.ts";
import { SEQUENCE_KEY_PREFIX, sequenceHistoryPrefix, sequenceSchema } from "../src/sequences/sequence.ts";
import { TIER_CONFIG_KEY, tierConfigSchema } from "../src/membership/tier-config.ts";
import { livestreamKey, livestreamSchema } from "../src/livestreams/livestream.ts";
import { teamCampaignKey, teamCampaignSchema } from "../src/teams/team-campaign.ts";
import { teamCouponTemplate } from "../src/teams/team-coupon.ts";
import { experimentConfigSchema, experimentKey } from "../src/experiments/experiment-config.ts";
import { demoSales } from "../src/sales/demo-sales.ts";
import { saleConfigSchema, saleKey } from "../src/sales/sale-config.ts";
import { startLocalStack, type LocalStack } from "./local/stack.ts";
import { LOCAL_STAFF_SESSION_SECRET } from "./local/stack-vars.ts";
import { assertPortFree, PortInUseError } from "./local/ports.ts";
import { migrateDatabase } from "./migrate.ts";
import { generateVapidKeys } from "../src/push/vapid.ts";
import { seedDemoStores } from "./local/seed-stores.ts";
import { startLookalikeJob } from "./audiences/lookalike.ts";
import { startForecastJob } from "./forecast/forecast-job.ts";
import { startInvoiceReader } from "./invoices/reader.ts";
import { startCreativeRenderer } from "./ads/render-creatives.ts";
import { seedDemoAds } from "./ads/seed-demo-ads.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const HOST = "127.0.0.1";
const env = process.env;
const port = (name: string, fallback: number) => Number(env[name] ?? fallback);
const PORTS = {
  storefront: port("PORT", 8787),
  postgres: port("LOCAL_PG_PORT", 5433),
  wsProxy: port("LOCAL_PG_PROXY_PORT", 5434),
  gateway: port("LOCAL_REDIS_GATEWAY_PORT", 8079),
};
const WRANGLER = join(ROOT, "node_modules", ".bin", "wrangler");
// Wrangler's telemetry and Miniflare's Request.cf download both call out to Cloudflare;
// a local stack must need no network, so both are off.
const childEnv = { ...env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };

/**
 * App secrets for local runs: from the environment, else fixed session secrets (so local
 * shopper and staff sessions survive restarts; the staff one turns on local staff accounts)
 * and fresh admin and metrics tokens, printed in the banner.
 */
const APP_SECRETS = {
  SESSION_SECRET: env.SESSION_SECRET || "local-dev-session-secret-not-for-production",
  STAFF_SESSION_SECRET: env.STAFF_SESSION_SECRET || LOCAL_STAFF_SESSION_SECRET,
  ADMIN_TOKEN: env.ADMIN_TOKEN || `local-admin-${crypto.randomUUID()}`,
  METRICS_TOKEN: env.METRICS_TOKEN || `local-metrics-${crypto.randomUUID()}`,
};

/** The CRM webhooks' signing secret (issue 16): CRM_WEBHOOK_SECRET, else one for this run (printed, for a local receiver). */
const CRM_WEBHOOK_SECRET = env.CRM_WEBHOOK_SECRET || `whsec_${Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString("base64")}`;

/**
 * Web Push for "offers near me" (issue 15): the VAPID keys from the environment, else a pair
 * generated for this run (local only: production keys are made once and kept, since every
 * browser subscription is bound to the public key). Pushes reach a browser's real push
 * service (FCM, Mozilla's, Apple's), so only from a machine that can reach it.
 */
async function localVapid(): Promise<{ VAPID_PUBLIC_KEY: string; VAPID_PRIVATE_KEY: string; VAPID_SUBJECT: string; generated: boolean }> {
  if (env.VAPID_PUBLIC_KEY && env.VAPID_PRIVATE_KEY) {
    return {
      VAPID_PUBLIC_KEY: env.VAPID_PUBLIC_KEY,
      VAPID_PRIVATE_KEY: env.VAPID_PRIVATE_KEY,
      VAPID_SUBJECT: env.VAPID_SUBJECT || "mailto:dev@localhost.test",
      generated: false,
    };
  }
  const keys = await generateVapidKeys();
  return {
    VAPID_PUBLIC_KEY: keys.publicKey,
    VAPID_PRIVATE_KEY: keys.privateKey,
    VAPID_SUBJECT: "mailto:dev@localhost.test",
    generated: true,
  };
}

let stack: LocalStack | undefined;
let wrangler: ChildProcess | undefined;
let stopping = false;

async function main(): Promise<void> {
  console.log("Starting the flash-sale storefront…");
  // Read now, used at seeding: wrangler takes a few seconds to answer.
  const previousVersions = seededVersions(demoSales(0).map((sale) => sale.sku));
  await assertPortFree(PORTS.storefront, HOST, "storefront (wrangler dev); set PORT to use another");
  stack = await startLocalStack({
    databaseUrl: env.DATABASE_URL || undefined,
    embeddedDataDir: join(ROOT, ".data", "pglite"),
    upstash:
      env.UPSTASH_REDIS_REST_URL && env.UPSTASH_REDIS_REST_TOKEN
        ? { url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN }
        : undefined,
    redisUrl: env.REDIS_URL || "redis://127.0.0.1:6379",
    gatewayToken: env.LOCAL_REDIS_GATEWAY_TOKEN || "local-dev-token",
    ports: PORTS,
    host: HOST,
  });
  step("applying migrations");
  await migrateDatabase({ url: stack.vars.DATABASE_URL, localWsProxy: stack.vars.NEON_WS_PROXY });
  step("seeding demo sales into local KV");
  await seedDemoSales(await previousVersions);
  step("rendering the demo ad creative with sharp into local Postgres (issue 18)");
  const demoAds = await seedDemoAds({ url: stack.vars.DATABASE_URL, localWsProxy: stack.vars.NEON_WS_PROXY });
  step("seeding the demo A/B experiments, coupons and team campaign into local KV (those not there yet)");
  await seedDemoConfiguration(demoAds);
  step("seeding the demo stores into local Postgres (those not there yet)");
  await seedDemoStores({ url: stack.vars.DATABASE_URL, localWsProxy: stack.vars.NEON_WS_PROXY });
  step("starting the invoice reader (OCR and PDFs of uploaded invoices, issue 16)");
  startInvoiceReader({ url: stack.vars.DATABASE_URL, localWsProxy: stack.vars.NEON_WS_PROXY });
  step("starting the lookalike job (builds queued lookalike audiences, issue 18)");
  startLookalikeJob({ url: stack.vars.DATABASE_URL, localWsProxy: stack.vars.NEON_WS_PROXY });
  step("starting the forecast job (runs queued demand forecasts: run now and the daily 03:00 run, issue 19)");
  startForecastJob({ url: stack.vars.DATABASE_URL, localWsProxy: stack.vars.NEON_WS_PROXY });
  step("starting the creative renderer (ad images at every size, sharp, issue 18)");
  startCreativeRenderer({ url: stack.vars.DATABASE_URL, localWsProxy: stack.vars.NEON_WS_PROXY });
  step("starting wrangler dev");
  writeConsumerVars(stack.vars);
  const { generated, ...vapid } = await localVapid();
  wrangler = runWranglerDev({ ...stack.vars, ...APP_SECRETS, ...vapid });
  await waitUntilServing(`http://${HOST}:${PORTS.storefront}/healthz`, wrangler);
  fireCronEveryMinute(`http://${HOST}:${PORTS.storefront}`);
  await printBanner(stack, generated);
}

/**
 * wrangler dev does not fire Cron Triggers by itself; with `--test-scheduled` it runs the
 * scheduled handler when asked at /__scheduled, which this does every minute, as production's
 * `* * * * *` would (workers/storefront/scheduled.ts).
 */
function fireCronEveryMinute(base: string): void {
  const timer = setInterval(() => {
    fetch(`${base}/__scheduled?cron=*+*+*+*+*`).catch((error: Error) => console.error(`scheduled run not fired: ${error.message}`));
  }, 60_000);
  timer.unref();
}

function step(what: string): void {
  console.log(`  · ${what}`);
}

/**
 * Demo sales are written afresh on every start, so the "live" one is live from now on,
 * each one version above what local KV held: a SKU object never steps back to an older
 * configuration version (issue 6) and keeps the one it ran across restarts.
 */
async function seedDemoSales(previousVersions: Map<string, number>): Promise<void> {
  const entries = demoSales(Date.now()).map((sale) => {
    const valid = saleConfigSchema.parse({ ...sale, version: (previousVersions.get(sale.sku) ?? 0) + 1 });
    return { key: saleKey(valid.sku), value: JSON.stringify(valid) };
  });
  const dir = mkdtempSync(join(tmpdir(), "flashsale-seed-"));
  const file = join(dir, "sales.json");
  writeFileSync(file, JSON.stringify(entries));
  try {
    await run(WRANGLER, ["kv", "bulk", "put", file, "--binding", "SALES", "--local"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The seed's experiments (issue 13), coupons and team campaign (issue 14), member tiers (issue 16), follow-up sequences (issue 17), written only when local KV has none
 * under their keys: unlike a demo sale, whose window must start now, these keep what the
 * console did to them (started, stopped, reweighted, edited) across restarts.
 */
async function seedDemoConfiguration(extra: Array<{ key: string; value: string }> = []): Promise<void> {
  const experiments = demoExperiments(Date.now()).map((experiment) => {
    const valid = experimentConfigSchema.parse(experiment);
    return { key: experimentKey(valid.key), value: JSON.stringify(valid) };
  });
  const coupons = demoCoupons(Date.now()).map((coupon) => {
    const valid = couponTemplateSchema.parse(coupon);
    return { key: couponKey(valid.id), value: JSON.stringify(valid) };
  });
  // A team campaign goes with its coupon template (team-<id>), as its admin save writes them.
  const teams = demoTeamCampaigns(Date.now()).flatMap((input) => {
    const campaign = teamCampaignSchema.parse(input);
    const template = teamCouponTemplate(campaign, null);
    return [
      { key: teamCampaignKey(campaign.id), value: JSON.stringify(campaign) },
      { key: couponKey(template.id), value: JSON.stringify(template) },
    ];
  });
  // Livestream coupons (issue 15): a store coupon template and the livestream handing it out.
  const live = [
    ...demoStoreCoupons(Date.now()).map((input) => {
      const template = couponTemplateSchema.parse(input);
      return { key: couponKey(template.id), value: JSON.stringify(template) };
    }),
    ...demoLivestreams(Date.now()).map((input) => {
      const livestream = livestreamSchema.parse(input);
      return { key: livestreamKey(livestream.id), value: JSON.stringify(livestream) };
    }),
  ];
  // Member tiers (issue 16): the one tier document, silver, gold and diamond.
  const tiers = [{ key: TIER_CONFIG_KEY, value: JSON.stringify(tierConfigSchema.parse(demoTiers())) }];
  // Follow-up sequences (issue 17): each under its key and as version 1 in its history, which an enrolment reads back.
  const sequences = demoSequences().flatMap((input) => {
    const sequence = sequenceSchema.parse(input);
    const value = JSON.stringify(sequence);
    return [
      { key: `${SEQUENCE_KEY_PREFIX}${sequence.id}`, value },
      { key: historyKeyOf(sequenceHistoryPrefix(sequence.id), sequence.version), value },
    ];
  });
  const entries = [...experiments, ...coupons, ...teams, ...live, ...tiers, ...sequences, ...extra];
  const present = await localKvKeys(entries.map((entry) => entry.key));
  const missing = entries.filter((entry) => !present.has(entry.key));
  if (missing.length === 0) return;
  const dir = mkdtempSync(join(tmpdir(), "flashsale-seed-"));
  const file = join(dir, "seed.json");
  writeFileSync(file, JSON.stringify(missing));
  try {
    await run(WRANGLER, ["kv", "bulk", "put", file, "--binding", "SALES", "--local"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Which of these keys local KV holds a value for. */
async function localKvKeys(keys: string[]): Promise<Set<string>> {
  const dir = mkdtempSync(join(tmpdir(), "flashsale-seed-"));
  const file = join(dir, "keys.json");
  writeFileSync(file, JSON.stringify(keys));
  try {
    const { stdout } = await promisify(execFile)(WRANGLER, ["kv", "bulk", "get", file, "--binding", "SALES", "--local"], {
      cwd: ROOT,
      env: childEnv,
    });
    const found = JSON.parse(stdout.slice(stdout.indexOf("{"))) as Record<string, { value: string | null }>;
    return new Set(Object.entries(found).flatMap(([key, { value }]) => (value === null ? [] : [key])));
  } catch (error) {
    console.warn(`  · could not read local KV (${(error as Error).message.split("\n")[0]}); seeding the experiments afresh`);
    return new Set();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The configuration versions local KV holds for these SKUs (none on a first start). */
async function seededVersions(skus: string[]): Promise<Map<string, number>> {
  const versions = new Map<string, number>();
  const dir = mkdtempSync(join(tmpdir(), "flashsale-seed-"));
  const file = join(dir, "keys.json");
  writeFileSync(file, JSON.stringify(skus.map(saleKey)));
  try {
    const { stdout } = await promisify(execFile)(WRANGLER, ["kv", "bulk", "get", file, "--binding", "SALES", "--local"], {
      cwd: ROOT,
      env: childEnv,
    });
    // Wrangler may print a notice before the JSON.
    const found = JSON.parse(stdout.slice(stdout.indexOf("{"))) as Record<string, { value: string | null }>;
    for (const [key, { value }] of Object.entries(found)) {
      const parsed = value === null ? null : saleConfigSchema.safeParse(JSON.parse(value));
      if (parsed?.success) versions.set(parsed.data.sku, parsed.data.version);
      else if (value !== null) versions.set(key.slice("sale:".length), 1);
    }
  } catch (error) {
    console.warn(
      `  · could not read the demo sales' versions from local KV (${(error as Error).message.split("\n")[0]}); seeding version 1`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return versions;
}

/**
 * The events consumer's connection variables. `wrangler dev` gives `--var` to the first
 * Worker only; a second one reads the `.dev.vars` beside its own configuration, so they go
 * there (git ignores `.dev.vars`; it holds only this local stack's addresses and token).
 */
function writeConsumerVars(vars: LocalStack["vars"]): void {
  const names = ["DATABASE_URL", "NEON_WS_PROXY", "UPSTASH_REDIS_REST_URL", "UPSTASH_REDIS_REST_TOKEN"] as const;
  const lines = names.map((name) => `${name}=${JSON.stringify(vars[name] ?? "")}`);
  writeFileSync(
    join(ROOT, "workers", "events", ".dev.vars"),
    `# Written by npm start for the events consumer; rewritten on every start.\n${lines.join("\n")}\n`,
  );
  // The CRM webhooks consumer (issue 16): Postgres and its signing secret.
  writeFileSync(
    join(ROOT, "workers", "crm-webhooks", ".dev.vars"),
    `# Written by npm start for the CRM webhooks consumer; rewritten on every start.\n${lines.slice(0, 2).join("\n")}\nCRM_WEBHOOK_SECRET=${JSON.stringify(CRM_WEBHOOK_SECRET)}\n`,
  );
}

function runWranglerDev(vars: Record<string, string>): ChildProcess {
  const varArgs = Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]);
  const child = spawn(
    WRANGLER,
    // Two Workers in one session, as deployed: the storefront (first: it serves the port) and
    // the shopper-events consumer, with the local queue between them (issue 13).
    [
      "dev",
      "-c",
      "wrangler.toml",
      "-c",
      "workers/events/wrangler.toml",
      "-c",
      "workers/crm-webhooks/wrangler.toml",
      "--ip",
      HOST,
      "--port",
      String(PORTS.storefront),
      "--show-interactive-dev-session=false",
      "--test-scheduled",
      ...varArgs,
    ],
    { cwd: ROOT, env: childEnv, stdio: ["ignore", "inherit", "inherit"] },
  );
  child.on("exit", (code, signal) => {
    if (!stopping) {
      console.error(`wrangler dev stopped (${signal ?? `exit code ${code}`}); shutting the stack down.`);
      void stop(code ?? 1);
    }
  });
  return child;
}

async function waitUntilServing(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error("wrangler dev exited before it served a request");
    try {
      const response = await fetch(url);
      if (response.status === 200 || response.status === 503) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`the storefront did not answer at ${url} within 120 s`);
}

async function printBanner(running: LocalStack, vapidGenerated: boolean): Promise<void> {
  const base = `http://${HOST}:${PORTS.storefront}`;
  const health = (await (await fetch(`${base}/healthz`)).json()) as { status: string; failing: string[] };
  const sales = demoSales(Date.now());
  console.log(
    [
      "",
      "┌─ Flash-sale storefront is running ──────────────────────────────",
      `│ Storefront   ${base}/`,
      ...sales.map((sale) => `│ Demo sale    ${base}/sales/${sale.sku}`),
      `│ Experiments  ${base}/admin (A/B: countdown, Buy colour, promotion wording running; loading a draft)`,
      `│ Health       ${base}/healthz  (${health.status === "ok" ? "all green" : `failing: ${health.failing.join(", ")}`})`,
      `│ Admin token  ${APP_SECRETS.ADMIN_TOKEN}${env.ADMIN_TOKEN ? " (ADMIN_TOKEN)" : " (fresh for this run; set ADMIN_TOKEN to choose)"}`,
      `│ Metrics      ${base}/metrics  (Authorization: Bearer ${APP_SECRETS.METRICS_TOKEN}${env.METRICS_TOKEN ? ", METRICS_TOKEN" : "; fresh for this run, set METRICS_TOKEN to choose"})`,
      `│ Dashboard    ${base}/admin/dashboard`,
      `│ CRM webhooks ${base}/admin#crm  (set the endpoint there; signed with ${CRM_WEBHOOK_SECRET}${env.CRM_WEBHOOK_SECRET ? ", CRM_WEBHOOK_SECRET" : ", fresh for this run"})`,
      `│ Web Push     ${vapidGenerated ? "VAPID keys generated for this run (set VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY to keep subscriptions);" : "VAPID keys from the environment;"} pushes go to the browser's own push service, so only where this machine reaches it`,
      `│ Staff        ${base}/admin  (add an account: npm run staff -- add --email you@shop.test --role owner)`,
      ...running.summary.map((line) => `│ ${line}`),
      "└─ Ctrl-C stops everything ───────────────────────────────────────",
      "",
    ].join("\n"),
  );
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: childEnv, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(" ")} failed:\n${stderr}`))));
  });
}

async function stop(exitCode: number): Promise<never> {
  stopping = true;
  if (wrangler && wrangler.exitCode === null) {
    const exited = new Promise((resolve) => wrangler!.once("exit", resolve));
    wrangler.kill("SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    if (wrangler.exitCode === null) wrangler.kill("SIGKILL");
  }
  await stack?.close();
  process.exit(exitCode);
}

process.on("SIGINT", () => {
  console.log("\nStopping…");
  void stop(0);
});
process.on("SIGTERM", () => void stop(0));
// npm does not pass SIGTERM on to its script: if the npm above us goes, go with it rather
// than leave the stack holding its ports.
const launchedBy = process.ppid;
setInterval(() => process.ppid !== launchedBy && void stop(0), 1_000).unref();

main().catch(async (error: unknown) => {
  const message = error instanceof PortInUseError ? error.message : error instanceof Error ? error.message : String(error);
  console.error(`\nCould not start: ${message}`);
  await stop(1);
});
