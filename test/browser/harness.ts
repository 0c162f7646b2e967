import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Miniflare } from "miniflare";
import pg from "pg";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect, inject } from "vitest";
import { buildProductionBundle, EVENTS_CONSUMER_CONFIG, runBundle } from "../../scripts/local/worker-bundle.ts";
import type { LocalStackVars } from "../../scripts/local/stack-vars.ts";
import { openDatabase } from "../../src/db/client.ts";
import { saleConfigSchema, saleKey, type SaleConfig, type SaleConfigInput } from "../../src/sales/sale-config.ts";
import type { Role } from "../../src/staff/roles.ts";
import { TEST_SECRETS, TEST_STAFF_SESSION_SECRET } from "../support/test-secrets.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** Test artifacts: screenshots and first-contentful-paint numbers (git-ignored, kept by CI). */
export const ARTIFACTS = join(ROOT, "test-results", "browser");

export interface StartOptions {
  /**
   * Also run the events consumer Worker on the queue the pages' beacons go to, as deployed, so
   * a page's events reach Postgres and the shopper's profile in Redis.
   */
  eventsConsumer?: boolean;
}

/**
 * The storefront as a shopper's browser meets it: the production bundle with its static
 * assets on workerd, on a real port, and Debian's Chromium driven by playwright-core
 * (never a downloaded browser).
 */
export class StorefrontUnderTest {
  readonly mf: Miniflare;
  readonly baseUrl: string;
  readonly browser: Browser;
  private readonly vars: LocalStackVars;
  private drizzle: ReturnType<typeof openDatabase> | null = null;
  private sqlPool: pg.Pool | null = null;

  private constructor(mf: Miniflare, baseUrl: string, browser: Browser, vars: LocalStackVars) {
    this.mf = mf;
    this.baseUrl = baseUrl;
    this.browser = browser;
    this.vars = vars;
  }

  static async start(vars: LocalStackVars, options: StartOptions = {}): Promise<StorefrontUnderTest> {
    // Through Miniflare's own entry (as wrangler dev serves it): that is what routes to the
    // static assets the way Cloudflare does.
    // Local staff accounts open, as `npm start` has them: the console signs staff in with a password.
    const secrets = { ...TEST_SECRETS, STAFF_SESSION_SECRET: TEST_STAFF_SESSION_SECRET };
    const [storefront, eventsConsumer] = await Promise.all([
      buildProductionBundle(),
      options.eventsConsumer ? buildProductionBundle(undefined, EVENTS_CONSUMER_CONFIG) : undefined,
    ]);
    const mf = runBundle(storefront, vars, { assetsDirectory: join(ROOT, "public"), secrets, eventsConsumer });
    const url = await mf.ready;
    const browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-background-networking",
        "--disable-gpu",
        "--disable-component-update",
        "--no-first-run",
      ],
    });
    mkdirSync(join(ARTIFACTS, "screenshots"), { recursive: true });
    return new StorefrontUnderTest(mf, url.origin, browser, vars);
  }

  async stop(): Promise<void> {
    await this.drizzle?.close();
    await this.sqlPool?.end();
    await this.browser?.close();
    await this.mf?.dispose();
  }

  /** The shop's Postgres through the Neon driver, as the Worker reads it (drizzle): opened on first use, closed by `stop`. */
  get database(): ReturnType<typeof openDatabase> {
    this.drizzle ??= openDatabase({ url: this.vars.DATABASE_URL, localWsProxy: this.vars.NEON_WS_PROXY });
    return this.drizzle;
  }

  /** The shop's Postgres for plain SQL, one connection: opened on first use, closed by `stop`. */
  get pool(): pg.Pool {
    this.sqlPool ??= new pg.Pool({ connectionString: this.vars.DATABASE_URL, max: 1 });
    return this.sqlPool;
  }

  /**
   * Every Content-Security-Policy violation any shopper's page reported (its
   * `securitypolicyviolation` event, or Chromium's "Refused to …" console message), as
   * "<page> <directive> <blocked>": the pages must work under their policy without one.
   */
  readonly cspViolations: string[] = [];

  /** A shopper's browser: its own cookies, a phone or desktop screen; its CSP violations are recorded. */
  async newShopper(screen: "phone" | "desktop" = "desktop", locale = "en-US"): Promise<BrowserContext> {
    const viewport = screen === "phone" ? { width: 390, height: 844 } : { width: 1280, height: 900 };
    const context = await this.browser.newContext({
      baseURL: this.baseUrl,
      viewport,
      locale,
      isMobile: screen === "phone",
      hasTouch: screen === "phone",
    });
    await this.watchCsp(context);
    return context;
  }

  /** Records the CSP violations of any browser context's pages (a staff member's at the console too). */
  async watchCsp(context: BrowserContext): Promise<void> {
    // A binding and an init script come in through DevTools, so the page's own CSP does not apply to them.
    await context.exposeFunction("__reportCspViolation", (violation: string) => this.cspViolations.push(violation));
    await context.addInitScript(() => {
      addEventListener(
        "securitypolicyviolation",
        (event) => {
          const report = (window as unknown as { __reportCspViolation: (v: string) => void }).__reportCspViolation;
          void report(
            `${location.pathname} ${event.effectiveDirective} ${event.blockedURI || "inline"} ${event.sourceFile}:${event.lineNumber}`,
          );
        },
        true,
      );
    });
    context.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) this.cspViolations.push(`${message.location().url} console: ${message.text()}`);
    });
  }

  /** Signs a staff member in at the console with their password and waits for it (`path` may carry ?lang= and a #view). */
  async signInToConsole(page: Page, staff: { email: string; password: string }, path = "/admin"): Promise<void> {
    await page.goto(path);
    await page.fill("#password-sign-in [name=email]", staff.email);
    await page.fill("#password-sign-in [name=password]", staff.password);
    await page.click("#password-sign-in button[type=submit]");
    await page.locator("#app").waitFor();
  }

  /** Writes a value to the storefront's KV (binding SALES) as a test's starting point. */
  async putConfig(key: string, value: unknown): Promise<void> {
    await (await this.mf.getKVNamespace("SALES")).put(key, JSON.stringify(value));
  }

  async seedSale(overrides: Partial<SaleConfigInput> = {}): Promise<SaleConfig> {
    const now = Date.now();
    const sale = saleConfigSchema.parse({
      sku: `b-${crypto.randomUUID().slice(0, 12)}`,
      title: "Wireless Earbuds Pro",
      description: "Active noise cancelling, 30 h battery.",
      images: ["earbuds"],
      listPrice: 59_900,
      stock: 200,
      startsAt: now - 60_000,
      endsAt: now + 3_600_000,
      tiers: [{ fromRank: 1, toRank: 50, unitPrice: 29_950, label: "First 50 at half price" }],
      perShopperLimit: 2,
      ...overrides,
    });
    await (await this.mf.getKVNamespace("SALES")).put(saleKey(sale.sku), JSON.stringify(sale));
    return sale;
  }

  /**
   * A local staff account, made as an owner makes one (`POST /admin/api/staff` with the admin
   * token): a fresh email each time, so no test meets another's account or its failed sign-ins.
   */
  async createStaff(role: Role, name: string): Promise<TestStaff> {
    const staff = { email: `${role}-${crypto.randomUUID().slice(0, 8)}@example.com`, name, role, password: "correct horse battery staple" };
    const response = await fetch(`${this.baseUrl}/admin/api/staff`, {
      method: "POST",
      headers: { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify(staff),
    });
    if (response.status !== 201) throw new Error(`could not create a ${role}: ${response.status} ${await response.text()}`);
    return staff;
  }
}

/** A staff account made for a test, with the password it signs in with. */
export interface TestStaff {
  email: string;
  name: string;
  role: Role;
  password: string;
}

/** Appends one page's first contentful paint to the artifacts (a measurement, not an assertion). */
export function recordPaint(page: string, firstContentfulPaintMs: number): void {
  const file = join(ARTIFACTS, `fcp-${page}.json`);
  writeFileSync(file, `${JSON.stringify({ page, firstContentfulPaintMs, at: new Date().toISOString() }, null, 2)}\n`);
}

export const screenshotPath = (name: string) => join(ARTIFACTS, "screenshots", `${name}.png`);

/**
 * The storefront of one test file: started before its first test, stopped (with its Postgres
 * connections) after its last, and every test ends with no Content-Security-Policy violation
 * reported by any page it opened. Read it inside tests and hooks: before the start it throws.
 */
export function storefrontForFile(options: StartOptions = {}): StorefrontUnderTest {
  let started: StorefrontUnderTest | undefined;
  beforeAll(async () => {
    started = await StorefrontUnderTest.start(inject("stackVars"), options);
  });
  afterAll(() => started?.stop());
  afterEach(() => {
    expect(started?.cspViolations.splice(0) ?? []).toEqual([]);
  });
  return new Proxy({} as StorefrontUnderTest, {
    get(_, key) {
      if (!started) {
        // Not a thenable, and printable, before the start.
        if (typeof key === "symbol" || key === "then") return undefined;
        throw new Error(`the storefront is not started yet: read .${key} inside a test or a hook`);
      }
      const value: unknown = Reflect.get(started, key, started);
      return typeof value === "function" ? value.bind(started) : value;
    },
  });
}

/**
 * Stops the page's installed clock `aheadMs` past the PAGE's now (not this process's): the page's
 * fake clock and Node's can drift apart on a loaded machine, and pausing at a time the page has
 * already passed is refused ("Cannot fast-forward to the past").
 */
export async function pausePageClock(page: Page, aheadMs: number): Promise<void> {
  const pageNow = await page.evaluate(() => Date.now());
  await page.clock.pauseAt(pageNow + aheadMs);
}

/**
 * Counts the clock-sync answers (`pong`) the page's live feeds receive. A page pings a few times
 * as its feed opens; a pong that lands after the test pauses the page's clock has a round trip of
 * 0 ms, so the page takes it as its best sample and jumps its server time by however long the
 * pause has really lasted. Wait for the opening pings before pausing.
 */
export function countClockPongs(page: Page): () => number {
  let pongs = 0;
  page.on("websocket", (socket) =>
    socket.on("framereceived", ({ payload }) => {
      if (typeof payload === "string" && payload.includes('"type":"pong"')) pongs += 1;
    }),
  );
  return () => pongs;
}
