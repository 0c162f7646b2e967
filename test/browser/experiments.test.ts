import pg from "pg";
import type { Page, Route } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import type { ExperimentConfig } from "../../src/experiments/experiment-config.ts";
import { TEST_SECRETS } from "../support/test-secrets.ts";
import { screenshotPath, storefrontForFile } from "./harness.ts";

/**
 * A/B experiments in Chromium (issue 13): a phone shopper sees the variants the edge assigned
 * them on the cached sale page, and reports each exposure; the console shows an experiment's
 * results with intervals, p-values and the sample-ratio warning.
 */
const shop = storefrontForFile();

const AUTH = { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}`, "Content-Type": "application/json" };

/** A running experiment on `surface` whose every new shopper gets `variant` (the other weighted 0). */
async function runEveryoneOn(surface: string, variants: [string, string], variant: string): Promise<ExperimentConfig> {
  const key = `b-${surface.replace("_", "-")}-${crypto.randomUUID().slice(0, 8)}`;
  const body = {
    key,
    name: `${surface} test`,
    surface,
    primaryMetric: "checkout",
    variants: variants.map((v) => ({ key: v, name: v, weight: v === variant ? 100 : 0 })),
  };
  const created = await fetch(`${shop.baseUrl}/admin/api/experiments`, { method: "POST", headers: AUTH, body: JSON.stringify(body) });
  if (created.status !== 201) throw new Error(`create: ${created.status} ${await created.text()}`);
  const started = await fetch(`${shop.baseUrl}/admin/api/experiments/${key}/start`, { method: "POST", headers: AUTH });
  if (started.status !== 200) throw new Error(`start: ${started.status} ${await started.text()}`);
  return ((await started.json()) as { experiment: ExperimentConfig }).experiment;
}

type SentEvent = { type: string; experiment?: string; variant?: string; experiments?: Record<string, string> };

/** The events the page sends from now on, by beacon (read on their way, then let through). */
async function beacons(page: Page): Promise<SentEvent[]> {
  const events: SentEvent[] = [];
  await page.route("**/api/events", async (route: Route) => {
    const body = route.request().postDataBuffer()?.toString("utf8") ?? "{}";
    events.push(...((JSON.parse(body) as { events?: SentEvent[] }).events ?? []));
    await route.continue();
  });
  return events;
}

describe("A/B experiments on the storefront", () => {
  it("shows a phone shopper in Chinese their variants: blue Buy, static countdown, 5折优惠, and reports each exposure", async () => {
    const button = await runEveryoneOn("buy_button", ["red", "blue"], "blue");
    const countdown = await runEveryoneOn("countdown", ["dynamic", "static"], "static");
    const promo = await runEveryoneOn("promo_label", ["amount_off", "discount"], "discount");
    const sale = await shop.seedSale();
    const context = await shop.newShopper("phone", "zh-CN");
    const page = await context.newPage();
    const sent = await beacons(page);
    await page.goto(`/sales/${sale.sku}`);
    await expect.poll(() => page.locator("#sale").getAttribute("data-experiments")).toBe("ready");
    expect(await page.locator("#sale").getAttribute("data-buy-button")).toBe("blue");
    await expect.poll(() => page.locator("#buy").isEnabled()).toBe(true);
    expect(await page.locator("#buy").evaluate((el) => getComputedStyle(el).backgroundColor)).toBe("rgb(10, 99, 214)");
    expect(await page.locator("#countdown").isVisible()).toBe(false);
    expect(await page.locator("#countdown-static").textContent()).toMatch(/结束$/);
    // ¥299.50 of ¥599.00: half the price.
    expect(await page.locator("#promo").textContent()).toBe("5折优惠");
    await page.screenshot({ path: screenshotPath("sale-phone-experiments") });

    // The page reports what it showed when it is hidden (as when the shopper switches apps).
    await page.evaluate(() => {
      Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
      document.dispatchEvent(new Event("visibilitychange"));
    });
    await expect.poll(() => sent.filter((e) => e.type === "experiment_exposure").length).toBe(3);
    const exposures = sent.filter((e) => e.type === "experiment_exposure");
    expect(exposures.map((e) => [e.experiment, e.variant]).sort()).toEqual(
      [
        [button.key, "blue"],
        [countdown.key, "static"],
        [promo.key, "discount"],
      ].sort(),
    );
    // Every event after the assignment carries it.
    expect(exposures[0]!.experiments).toEqual({ [button.key]: "blue", [countdown.key]: "static", [promo.key]: "discount" });

    // The same shopper sees the same on the next view; an English shopper reads the discount in English.
    await page.reload();
    await expect.poll(() => page.locator("#sale").getAttribute("data-buy-button")).toBe("blue");
    const english = await (await shop.newShopper("phone", "en-US")).newPage();
    await english.goto(`/sales/${sale.sku}`);
    await expect.poll(() => english.locator("#promo").textContent()).toBe("50% off");
    await context.close();
    await english.context().close();
  });

  it("shows the controls to a shopper in no experiment: red Buy, the canvas countdown", async () => {
    const sale = await shop.seedSale();
    // Stop every running experiment of this file first.
    const listed = (await (await fetch(`${shop.baseUrl}/admin/api/experiments`, { headers: AUTH })).json()) as {
      experiments: ExperimentConfig[];
    };
    for (const e of listed.experiments.filter((x) => x.status === "running")) {
      await fetch(`${shop.baseUrl}/admin/api/experiments/${e.key}/stop`, { method: "POST", headers: AUTH });
    }
    const context = await shop.newShopper("phone");
    const page = await context.newPage();
    await page.goto(`/sales/${sale.sku}`);
    await expect.poll(() => page.locator("#sale").getAttribute("data-buy-button")).toBe("red");
    await expect.poll(() => page.locator("#buy").isEnabled()).toBe(true);
    expect(await page.locator("#buy").evaluate((el) => getComputedStyle(el).backgroundColor)).toBe("rgb(225, 37, 27)");
    expect(await page.locator("#countdown").isVisible()).toBe(true);
    expect(await page.locator("#countdown-static").isVisible()).toBe(false);
    expect(await page.locator("#promo").textContent()).toBe("¥299.50 off");
    await context.close();
  });
});

describe("experiment results in the console", () => {
  it("renders each variant's rate with its interval, the p-value, and the sample-ratio warning", async () => {
    const experiment = await runEveryoneOn("loading", ["spinner", "skeleton"], "skeleton");
    // 5,000 shoppers saw the spinner and 4,600 the skeleton, on a 0/100 split now (so the
    // check compares with 50/50 as when they were assigned, the weights are set back first).
    const even = { ...experiment, variants: experiment.variants.map((v) => ({ ...v, weight: 50 })) };
    const { seed: _s, status: _st, startedAt: _a, stoppedAt: _b, version, updatedAt: _u, updatedBy: _by, ...draft } = even;
    const saved = await fetch(`${shop.baseUrl}/admin/api/experiments/${experiment.key}`, {
      method: "PUT",
      headers: AUTH,
      body: JSON.stringify({ ...draft, expectedVersion: version }),
    });
    expect(saved.status).toBe(200);
    const client = new pg.Client({ connectionString: inject("stackVars").DATABASE_URL });
    await client.connect();
    try {
      for (const [variant, shoppers, converted] of [
        ["spinner", 5000, 1000],
        ["skeleton", 4600, 1150],
      ] as const) {
        const prefix = `${experiment.key}-${variant}-`;
        await client.query(
          `insert into experiment_exposures (experiment, shopper_id, variant, exposed_at, device)
           select $1, $2 || i, $3, now() - interval '1 hour', 'phone' from generate_series(1, $4::int) i`,
          [experiment.key, prefix, variant, shoppers],
        );
        await client.query(
          `insert into events (id, type, shopper_id, at, received_at, device, amount)
           select 'ord_' || $1 || i || ':pending_payment', 'order_created', $1 || i, now() - interval '10 minutes', now(), 'unknown', 100
           from generate_series(1, $2::int) i`,
          [prefix, converted],
        );
      }
    } finally {
      await client.end();
    }

    const context = await shop.browser.newContext({ baseURL: shop.baseUrl, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto("/admin");
    await page.click("#token-way summary");
    await page.fill("#token-sign-in [name=token]", TEST_SECRETS.ADMIN_TOKEN);
    await page.click("#token-sign-in button[type=submit]");
    await page.click("#show-experiments");
    const row = page.locator(`[data-view=experiments] tr[data-experiment="${experiment.key}"]`);
    await expect.poll(() => row.locator("[data-cell=status]").textContent()).toMatch(/^running/);
    await row.locator("[data-action=results]").click();
    const results = page.locator("[data-view=experiment-results]");
    await expect.poll(() => results.locator("tr[data-variant]").count()).toBe(2);
    const cell = (variant: string, name: string) => results.locator(`tr[data-variant="${variant}"] [data-cell="${name}"]`).textContent();
    expect(await cell("spinner", "shoppers")).toBe("5,000");
    expect(await cell("spinner", "primary")).toBe("20.00 %");
    expect(await cell("spinner", "ci")).toBe("18.91 % – 21.13 %");
    expect(await cell("skeleton", "primary")).toBe("25.00 %");
    expect(await cell("skeleton", "uplift")).toBe("+25.0 %");
    expect(await cell("skeleton", "p")).toBe("< 0.0001");
    const warning = results.locator("[data-srm=mismatch]");
    expect(await warning.isVisible()).toBe(true);
    expect(await warning.textContent()).toContain("Sample ratio mismatch");
    await page.screenshot({ path: screenshotPath("console-experiment-results"), fullPage: true });
    await context.close();
  });
});
