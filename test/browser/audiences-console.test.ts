import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { hashIdentifier } from "../../src/audiences/custom-audience.ts";
import { generatePopulation } from "../../src/audiences/population.ts";
import { buildQueuedAudiences } from "../../scripts/audiences/lookalike.ts";
import { screenshotPath, storefrontForFile } from "./harness.ts";

/**
 * The console's "Audiences" view in Chromium (issue 18): a marketer pastes a seed list, sees the
 * refusal listing the problem when too few are shoppers, creates a 5 % lookalike, watches it
 * build (the Node job's pass run here, scoped to this test's shoppers) and downloads the hashed
 * custom-audience CSV; an analyst reads the list in Chinese and is not offered the form.
 */
const shop = storefrontForFile();

const POLL = { timeout: 20_000 };

/** A planted population of 300 of this test's own shoppers, written as product views. */
async function population() {
  const prefix = `shp_lkb${crypto.randomUUID().replaceAll("-", "").slice(0, 8)}_`;
  const p = generatePopulation({ shoppers: 300, planted: 120, seeds: 100, seed: 4, idPrefix: prefix });
  const rows: unknown[][] = [];
  for (const s of p.shoppers) {
    const device = s.devices.phone >= s.devices.desktop ? "phone" : "desktop";
    for (const [category, n] of Object.entries(s.views))
      for (let i = 0; i < n; i++) rows.push([`evt_${s.shopperId}_${category}_${i}`, s.shopperId, category, device]);
  }
  await shop.pool.query(
    `insert into events (id, type, shopper_id, at, received_at, sku, category, device, locale)
     select id, 'product_view', shopper, now(), now(), 'lkb-' || category, category, device, 'zh-CN'
     from unnest($1::text[], $2::text[], $3::text[], $4::text[]) as r(id, shopper, category, device)`,
    [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2]), rows.map((r) => r[3])],
  );
  return { ...p, ids: p.shoppers.map((s) => s.shopperId) };
}

describe("the console's Audiences view", () => {
  it("lets a marketer create a lookalike from an uploaded list, watch it build and download the hashed CSV", async () => {
    const p = await population();
    const marketer = await shop.createStaff("marketer", "Lu Marketer");
    const context = await shop.browser.newContext({ baseURL: shop.baseUrl, viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    await shop.signInToConsole(page, { email: marketer.email, password: marketer.password });
    await page.click("#show-audiences");
    await expect.poll(() => page.locator("#audiences").isVisible(), POLL).toBe(true);

    // Too few of the listed ids are shoppers: refused, the count in the problem.
    await page.fill("#audience-form [name=name]", "Too few");
    await page.selectOption("#audience-form [name=kind]", "list");
    await page.fill("#audience-form [name=list]", `shopper_id\n${p.ids.slice(0, 5).join("\n")}\n`);
    await page.click("#audience-form button[type=submit]");
    await expect
      .poll(() => page.locator("#audience-problems li").allTextContents(), POLL)
      .toEqual(["seed: 5 of the 5 listed ids are shoppers of this shop; at least 100 are needed"]);

    await page.fill("#audience-form [name=name]", "Young parents lookalike");
    await page.fill("#audience-form [name=list]", `shopper_id\n${[...p.seeds].join("\n")}\n`);
    await page.fill("#audience-form [name=percent]", "5");
    await page.click("#audience-form button[type=submit]");
    await expect
      .poll(() => page.locator("#audiences-status").textContent(), POLL)
      .toBe("Queued Young parents lookalike: the lookalike job builds it now.");
    const row = page.locator('[data-view="audiences"] tr', { hasText: "Young parents lookalike" });
    await expect.poll(() => row.getAttribute("data-status"), POLL).toBe("queued");
    const id = (await row.getAttribute("data-audience")) ?? "";

    // The Node job's pass, for this audience and this test's shoppers (the stack shares one Postgres).
    expect(await buildQueuedAudiences(shop.database.db, { only: [id], pool: p.ids })).toBe(1);
    await expect.poll(() => row.getAttribute("data-status"), POLL).toBe("built");
    expect(await row.locator('[data-cell="size"]').textContent()).toBe("15 of 300");
    // The held-out estimate, as the API holds it, in percent.
    const read = (await (await page.request.get(`/admin/api/audiences/${id}`)).json()) as { holdoutRecall: number };
    expect(await row.locator('[data-cell="recall"]').textContent()).toBe(`${Math.round(read.holdoutRecall * 100)} %`);

    const [download] = await Promise.all([page.waitForEvent("download"), row.locator("button[data-export]").click()]);
    expect(download.suggestedFilename()).toBe(`lookalike-${id}-5pct.csv`);
    const lines = (await readFile((await download.path())!, "utf8")).split("\r\n");
    expect(lines[0]).toBe("EXTERN_ID");
    expect(lines.slice(1, -1)).toHaveLength(15);
    const members = (
      await shop.pool.query<{ shopper_id: string }>(
        "select shopper_id from lookalike_audience_members where audience_id = $1 order by rank",
        [id],
      )
    ).rows;
    expect(lines.slice(1, -1)).toEqual(await Promise.all(members.map((m) => hashIdentifier(m.shopper_id))));
    expect(members.some((m) => p.seeds.has(m.shopper_id))).toBe(false);
    await page.screenshot({ path: screenshotPath("audiences-console"), fullPage: true });
    await context.close();
  });

  it("shows an analyst the audiences in Chinese, without the form", async () => {
    const analyst = await shop.createStaff("analyst", "An Analyst");
    const context = await shop.browser.newContext({ baseURL: shop.baseUrl, viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await shop.signInToConsole(page, { email: analyst.email, password: analyst.password }, "/admin?lang=zh-CN#audiences");
    await expect.poll(() => page.locator("#audiences").isVisible(), POLL).toBe(true);
    await expect.poll(() => page.locator("#audiences h2").textContent(), POLL).toBe("人群");
    expect(await page.locator("#audience-form").isVisible()).toBe(false);
    await context.close();
  });
});
