import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { type Forecaster, runQueuedForecasts } from "../../scripts/forecast/forecast-job.ts";
import { shopDay } from "../../src/forecast/daily-series.ts";
import { dateOfDay } from "../../src/forecast/festivals.ts";
import type { ForecastRecord } from "../../src/forecast/forecast-record.ts";
import { recommendStock } from "../../src/forecast/stock.ts";
import { sampleForecast, storeForecastsSql } from "../support/forecast-sample.ts";
import { screenshotPath, storefrontForFile } from "./harness.ts";

/**
 * The console's Forecast view in Chromium (issue 19): on a phone, a marketer sees each target's
 * newest forecast, opens one's chart (inline SVG with the history, the forecast and both bands),
 * its backtest and its stock recommendation; presses "Run now", watches the run move (the Node
 * job's pass run here with a stand-in forecaster, scoped to this run) and sees the new target;
 * a run refused for too little history shows the forecaster's message; an analyst reads it in
 * Chinese without "Run now".
 */
const shop = storefrontForFile();

const POLL = { timeout: 20_000 };
const short = () => crypto.randomUUID().slice(0, 8);

/** A run's forecasts of a SKU and a category, their points from today (Asia/Shanghai) on. */
async function storeRun(): Promise<{ sku: string; category: string; record: ForecastRecord }> {
  const sku = `fc-kettle-${short()}`;
  const category = `kitchen-${short()}`;
  const runId = `fcr_b_${short()}`;
  const at = Date.now() - 60_000;
  const lastHistoryDay = dateOfDay(shopDay(Date.now()) - 1);
  const records = [
    sampleForecast({ kind: "sku", key: sku }, { runId, createdAt: at, lastHistoryDay }),
    sampleForecast({ kind: "category", key: category }, { runId, createdAt: at, lastHistoryDay }),
  ];
  for (const statement of storeForecastsSql(runId, records, at)) await shop.pool.query(statement.text, statement.values);
  return { sku, category, record: records[0] as ForecastRecord };
}

/** Midnight in Shanghai `days` from today. */
const shanghaiMidnight = (days: number) => (shopDay(Date.now()) + days) * 86_400_000 - 8 * 3_600_000;

/** The id of the run the view shows (its status line carries it). */
const shownRun = async (page: Page) => (await page.locator("#forecast-run").getAttribute("data-run")) ?? "";

describe("the console's Forecast view", () => {
  it("shows a marketer the forecasts, a chart with both bands, the backtest and the stock at a chosen service level, and runs a forecast now", async () => {
    const { sku, record } = await storeRun();
    // An ordinary (not presale) sale in two days for 18 days: the 14-day forecast covers 12 of them.
    const sale = await shop.seedSale({ sku, stock: 150, startsAt: shanghaiMidnight(2), endsAt: shanghaiMidnight(20) });
    const expected = (serviceLevel: number) =>
      recommendStock({
        points: record.points,
        sale: { sku, startsAt: sale.startsAt, endsAt: sale.endsAt, stock: 150 },
        depositUnits: 0,
        conversion: { rate: 1, basis: 0 },
        serviceLevel,
      }).recommendedUnits;
    const marketer = await shop.createStaff("marketer", "Lu Marketer");
    const context = await shop.browser.newContext({ baseURL: shop.baseUrl, viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await shop.signInToConsole(page, { email: marketer.email, password: marketer.password });
    await page.click("#show-forecasts");
    await expect.poll(() => page.locator("#forecasts").isVisible(), POLL).toBe(true);

    const row = page.locator(`[data-view="forecasts"] tr[data-target="sku:${sku}"]`);
    await expect.poll(() => row.locator('[data-cell="expected"]').textContent(), POLL).toBe("300");
    expect(await row.locator('[data-cell="accuracy"]').textContent()).toBe("91.6 %");
    expect(await row.locator('[data-cell="stock"]').textContent()).toBe("182");

    // The list fits a phone: no sideways scrolling.
    const list = await page.locator("#forecasts-list").evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(list.scroll).toBeLessThanOrEqual(list.client);

    await row.locator("button[data-show]").click();
    const detail = page.locator("#forecast-detail");
    await expect.poll(() => detail.getAttribute("data-target"), POLL).toBe(`sku:${sku}`);
    const svg = detail.locator("#forecast-chart svg");
    expect(await svg.count()).toBe(1);
    for (const series of ["history", "forecast", "band80", "band95"]) {
      expect(await svg.locator(`path[data-series="${series}"]`).getAttribute("d"), series).toMatch(/^M\d/);
    }
    // The chart fits the phone's width: no sideways scrolling of the card.
    const box = await svg.boundingBox();
    expect(box?.width).toBeGreaterThan(250);
    expect(box?.width).toBeLessThanOrEqual(390);
    expect(await detail.locator('[data-figure="stocking-accuracy"] dd').first().textContent()).toBe("91.6 %");
    expect(await detail.locator('[data-figure="stocking-accuracy"] dd.hint').textContent()).toBe("56 % lower WAPE than seasonal-naive");
    // The Worker sized the sale's stock as it answered: P90 by default, against its configured 150.
    const recommended = () => detail.locator('[data-figure="recommended"] dd').first().textContent();
    expect(await recommended()).toBe(String(expected(0.9)));
    expect(await detail.locator('[data-figure="service-level"] dd').first().textContent()).toBe("90 %");
    expect(await detail.locator('[data-figure="current-stock"] dd').first().textContent()).toBe("150");
    expect(await detail.locator('[data-figure="current-stock"] dd.hint').textContent()).toBe(`${expected(0.9) - 150} short`);
    expect(await detail.locator('[data-figure="deposit-demand"] dd').first().textContent()).toBe("0");
    expect(await detail.locator('[data-stock="coverage"]').textContent()).toBe(
      "The forecast covers 12 of 18 sale days: the days beyond it are not counted.",
    );
    expect(await detail.locator("#forecast-service-level option").allTextContents()).toEqual(["80 %", "90 %", "95 %", "99 %"]);
    await page.screenshot({ path: screenshotPath("forecast-console-phone"), fullPage: true });

    // Another service level reads the target again, sized at it: more at 99 %, less at 80 %.
    await detail.locator("#forecast-service-level").selectOption("0.99");
    await expect.poll(() => detail.locator('[data-figure="service-level"] dd').first().textContent(), POLL).toBe("99 %");
    expect(await recommended()).toBe(String(expected(0.99)));
    await detail.locator("#forecast-service-level").selectOption("0.8");
    await expect.poll(() => detail.locator('[data-figure="service-level"] dd').first().textContent(), POLL).toBe("80 %");
    expect(await recommended()).toBe(String(expected(0.8)));
    expect(expected(0.8)).toBeLessThan(expected(0.9));
    expect(expected(0.9)).toBeLessThan(expected(0.99));
    expect(await detail.locator("#forecast-service-level").inputValue()).toBe("0.8");

    // Run now: queued, the job's pass (this run only) moves it, done shows the new target.
    await page.click("#run-forecast");
    await expect.poll(() => page.locator("#forecast-run").getAttribute("data-status"), POLL).toBe("queued");
    const runId = await shownRun(page);
    expect(runId).toMatch(/^fcr_k/);
    const newSku = `fc-new-${short()}`;
    let release!: () => void;
    const halfway = new Promise<void>((resolve) => {
      release = resolve;
    });
    const forecaster: Forecaster = async (_database, id, _options, progress) => {
      await progress(40);
      await halfway;
      const record = sampleForecast({ kind: "sku", key: newSku }, { runId: id, createdAt: Date.now() });
      for (const statement of storeForecastsSql(id, [record], Date.now()).slice(1)) {
        await shop.pool.query(statement.text, statement.values);
      }
      return { forecasts: 1 };
    };
    const pass = runQueuedForecasts(shop.database.db, { only: [runId], forecaster });
    await expect.poll(() => page.locator("#forecast-run").textContent(), POLL).toBe(`Run ${runId}: 40 % done`);
    expect(await page.locator("#forecast-progress").isVisible()).toBe(true);
    release();
    expect(await pass).toBe(1);
    await expect.poll(() => page.locator("#forecast-run").getAttribute("data-status"), POLL).toBe("done");
    expect(await page.locator("#forecast-run").textContent()).toContain(": 1 forecasts.");
    await expect.poll(() => page.locator(`tr[data-target="sku:${newSku}"]`).count(), POLL).toBe(1);
    expect(await page.locator("#forecast-progress").isVisible()).toBe(false);
    await context.close();
  });

  it("shows why a run failed: too little history, and how much is needed", async () => {
    const marketer = await shop.createStaff("marketer", "Mei Marketer");
    const context = await shop.browser.newContext({ baseURL: shop.baseUrl, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await shop.signInToConsole(page, { email: marketer.email, password: marketer.password }, "/admin#forecasts");
    await expect.poll(() => page.locator("#forecasts").isVisible(), POLL).toBe(true);
    await page.click("#run-forecast");
    await expect.poll(() => page.locator("#forecast-run").getAttribute("data-status"), POLL).toBe("queued");
    const runId = await shownRun(page);
    const message = "nothing forecast: sku fc-young: needs at least 2 × 7 days of history for weekly seasonality; has 9";
    const refuses: Forecaster = async () => {
      throw new Error(message);
    };
    expect(await runQueuedForecasts(shop.database.db, { only: [runId], forecaster: refuses })).toBe(1);
    await expect.poll(() => page.locator("#forecast-run-error").textContent(), POLL).toBe(`Run ${runId} failed: ${message}`);
    expect(await page.locator("#forecast-run-error").isVisible()).toBe(true);
    expect(shop.cspViolations).toEqual([]);
    await context.close();
  });

  it("shows an analyst the forecasts in Chinese, without Run now", async () => {
    const { category } = await storeRun();
    const analyst = await shop.createStaff("analyst", "An Analyst");
    const context = await shop.browser.newContext({ baseURL: shop.baseUrl, viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await shop.signInToConsole(page, { email: analyst.email, password: analyst.password }, "/admin?lang=zh-CN#forecasts");
    await expect.poll(() => page.locator("#forecasts").isVisible(), POLL).toBe(true);
    await expect.poll(() => page.locator("#forecasts h2").textContent(), POLL).toBe("需求预测");
    expect(await page.locator("#run-forecast").isVisible()).toBe(false);
    const row = page.locator(`tr[data-target="category:${category}"]`);
    await expect.poll(() => row.count(), POLL).toBe(1);
    await row.locator("button[data-show]").click();
    await expect.poll(() => page.locator("#forecast-detail h3").textContent(), POLL).toBe(`品类 ${category}：未来 14 天`);
    expect(await page.locator("#forecast-chart svg title").textContent()).toBe(`品类 ${category}：未来 14 天`);
    expect(await page.locator('#forecast-detail [data-figure="stocking-accuracy"] dt').textContent()).toBe("备货准确率（1 − WAPE）");
    await context.close();
  });
});
