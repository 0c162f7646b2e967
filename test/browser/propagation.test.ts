import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { type EdgeInput, recordEdges } from "../../src/propagation/edge-store.ts";
import { screenshotPath, storefrontForFile } from "./harness.ts";

/**
 * The console's Propagation view (issue 14) in Chromium, on the production bundle: a
 * campaign picked, its figures, its top spreaders, and its graph drawn by cytoscape on
 * canvases, under the console's CSP (cytoscape's own stylesheet kept out, its chunk let in by
 * the script's nonce). The edges go in through the edge store (src/propagation/edge-store.ts)
 * as the share, team and order writers record them.
 *
 * The fixture: A→B, A→C, B→D, D→E, C→F visits (the tree), E→A (a cycle attempt), A→B join,
 * B→D order ¥99.00, D→E order ¥50.00. Descendants A 5, B 2, C 1, D 1; depth 3.
 * K: pairs A→B, A→C, B→D, D→E, C→F, E→A = 6; inviters A, B, C, D, E = 5 → i = 1.2;
 * converted A→B, B→D, D→E = 3 → c = 0.5; K = 0.6 (3 converted ÷ 5 inviters).
 */
const shop = storefrontForFile();

async function seedCampaign(): Promise<{ campaign: string; ids: Record<string, string> }> {
  const campaign = `browser-${crypto.randomUUID().slice(0, 8)}`;
  const ids = Object.fromEntries(
    ["A", "B", "C", "D", "E", "F"].map((n) => [n, `shp_${n.toLowerCase()}${crypto.randomUUID().slice(0, 10)}`]),
  );
  let second = 0;
  const e = (from: string, to: string, kind: EdgeInput["kind"] = "visit", amount?: number): EdgeInput => ({
    campaign,
    inviterId: ids[from]!,
    inviteeId: ids[to]!,
    kind,
    at: Date.now() - 60_000 + ++second * 1_000,
    ...(amount === undefined ? {} : { orderId: `${campaign}-${from}${to}`, amount }),
  });
  const outcomes = await recordEdges(shop.database.db, [
    e("A", "B"),
    e("A", "C"),
    e("B", "D"),
    e("D", "E"),
    e("C", "F"),
    e("E", "A"),
    e("A", "B", "join"),
    e("B", "D", "order", 9_900),
    e("D", "E", "order", 5_000),
  ]);
  expect(outcomes.slice(0, 6)).toEqual(["tree", "tree", "tree", "tree", "tree", "back_edge"]);
  return { campaign, ids };
}

async function signIn(page: Page, email: string, password: string, path = "/admin"): Promise<void> {
  await page.goto(path);
  await page.fill("#password-sign-in [name=email]", email);
  await page.fill("#password-sign-in [name=password]", password);
  await page.click("#password-sign-in button[type=submit]");
  await page.locator("#app").waitFor();
}

async function pick(page: Page, campaign: string): Promise<void> {
  await page.locator(`#propagation-campaign option[value="${campaign}"]`).waitFor({ state: "attached" });
  await page.selectOption("#propagation-campaign", campaign);
  await page.click("#propagation-pick button[type=submit]");
  // The pick's own report drawn (the view's opening refresh may have drawn one before it).
  const report = page.locator("#propagation-report");
  await expect
    .poll(async () => `${await report.getAttribute("data-campaign")} ${await report.getAttribute("data-state")}`)
    .toBe(`${campaign} ready`);
}

const figure = (page: Page, name: string) => page.locator(`[data-figure=${name}] dd`).first().textContent();

describe("the Propagation view", () => {
  it("shows a marketer a campaign's figures, top spreaders and its graph, which pans and zooms", async () => {
    const { campaign, ids } = await seedCampaign();
    const marketer = await shop.createStaff("marketer", "Mia Marketer");
    const context = await shop.newShopper("desktop");
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await signIn(page, marketer.email, marketer.password);
    await page.click("#show-propagation");
    await pick(page, campaign);

    expect(await figure(page, "visits")).toBe("6");
    expect(await figure(page, "joins")).toBe("1");
    expect(await figure(page, "orders")).toBe("2");
    expect(await figure(page, "revenue")).toBe("¥149.00");
    expect(await figure(page, "kFactor")).toBe("0.60");
    expect(await page.locator("[data-figure=kFactor] dd.hint").textContent()).toBe("invites per inviter 1.20 × conversion 50.0 %");
    expect(await figure(page, "depth")).toBe("3");
    expect(await figure(page, "people")).toBe("6");

    // Top spreaders: a marketer reads shoppers, so by id; most descendants first.
    const rows = page.locator("[data-view=top-spreaders] tbody tr");
    await expect.poll(() => rows.count()).toBe(4);
    expect(await rows.first().getAttribute("data-shopper")).toBe(ids.A);
    expect(await rows.first().locator("td").nth(2).textContent()).toBe("5");
    expect(await rows.nth(1).getAttribute("data-shopper")).toBe(ids.B);

    // The graph: cytoscape's canvases in the box, one node per shopper, one edge per pair.
    const graph = page.locator("#propagation-graph");
    await expect.poll(() => graph.getAttribute("data-nodes")).toBe("6");
    expect(await graph.getAttribute("data-edges")).toBe("6");
    expect(await graph.locator("canvas").count()).toBeGreaterThan(0);
    const box = (await graph.boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(300);
    // Cytoscape lays its canvases out after the first draw (and again on a resize): until then a
    // canvas has no box, so wait for it rather than read it once (it raced on a loaded CI machine).
    await expect
      .poll(async () => (await graph.locator("canvas").first().boundingBox())?.width ?? 0, { timeout: 15_000 })
      .toBeGreaterThan(box.width * 0.9);
    // Something is drawn: the canvas is not blank.
    const painted = () =>
      page.evaluate(() => {
        const canvases = [...document.querySelectorAll<HTMLCanvasElement>("#propagation-graph canvas")];
        return canvases.some((c) => {
          const data = c.getContext("2d")?.getImageData(0, 0, c.width, c.height).data ?? [];
          for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) return true;
          return false;
        });
      });
    await expect.poll(painted).toBe(true);
    const before = await graph.screenshot();
    await page.click("#graph-zoom-in");
    await page.click("#graph-zoom-in");
    await expect.poll(async () => Buffer.compare(await graph.screenshot(), before) !== 0).toBe(true);
    // Dragging the background pans.
    const zoomed = await graph.screenshot();
    await graph.scrollIntoViewIfNeeded();
    const at = (await graph.boundingBox())!;
    await page.mouse.move(at.x + 12, at.y + 12);
    await page.mouse.down();
    await page.mouse.move(at.x + 132, at.y + 52, { steps: 8 });
    await page.mouse.up();
    await expect.poll(async () => Buffer.compare(await graph.screenshot(), zoomed) !== 0).toBe(true);
    await page.click("#graph-fit");
    // The legend.
    expect(await page.locator(".graph-legend li").allTextContents()).toEqual([
      "first invitation (tree)",
      "later touch (dashed)",
      "visit",
      "join",
      "order",
      "larger node: more shoppers brought",
    ]);
    // The spreaders table centres the graph on a shopper.
    await rows.nth(1).locator("button").click();
    await page.screenshot({ path: screenshotPath("propagation-desktop"), fullPage: true });
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it("works on a phone, in Chinese, with pseudonyms for a role that does not read shoppers", async () => {
    const { campaign, ids } = await seedCampaign();
    const integration = await fetch(`${shop.baseUrl}/admin/api/api-keys`, {
      method: "POST",
      headers: { Authorization: "Bearer test-admin-token", "Content-Type": "application/json" },
      body: JSON.stringify({ name: "warehouse", role: "integration" }),
    });
    expect(integration.status).toBe(201);
    const { key } = (await integration.json()) as { key: string };
    const context = await shop.newShopper("phone", "zh-CN");
    const page = await context.newPage();
    await page.goto("/admin?lang=zh-CN#propagation");
    if (!(await page.locator("#token-way").evaluate((el) => (el as HTMLDetailsElement).open))) await page.click("#token-way summary");
    await page.fill("#token-sign-in [name=token]", key);
    await page.click("#token-sign-in button[type=submit]");
    // #propagation opens the view on sign-in.
    await page.locator("#propagation").waitFor();
    expect(await page.locator("#propagation h2").textContent()).toBe("裂变传播");
    await pick(page, campaign);
    expect(await page.locator("[data-figure=kFactor] dt").textContent()).toBe("K 因子");
    expect(await figure(page, "kFactor")).toBe("0.60");
    expect(await page.locator("#propagation-notes").textContent()).toContain("化名");
    const graph = page.locator("#propagation-graph");
    await expect.poll(() => graph.getAttribute("data-nodes")).toBe("6");
    // No shopper id anywhere on the page: pseudonyms only.
    const text = await page.locator("#propagation").textContent();
    for (const id of Object.values(ids)) expect(text ?? "").not.toContain(id);
    expect(await page.locator("[data-view=top-spreaders] tbody tr").first().getAttribute("data-shopper")).toMatch(/^#[0-9a-f]{12}$/);
    // Phone-usable: the view fits the screen's width, the graph fills it.
    const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, screen: window.innerWidth }));
    expect(widths.page).toBeLessThanOrEqual(widths.screen);
    const box = (await graph.boundingBox())!;
    expect(box.width).toBeGreaterThan(300);
    await graph.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath("propagation-phone-zh") });
    await context.close();
  });
});
