import pg from "pg";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { SaleConfig } from "../../src/sales/sale-config.ts";
import { TEST_SECRETS } from "../support/test-secrets.ts";
import { screenshotPath, StorefrontUnderTest } from "./harness.ts";

let shop: StorefrontUnderTest;

beforeAll(async () => {
  shop = await StorefrontUnderTest.start(inject("stackVars"));
});
afterAll(() => shop?.stop());

const MINUTE = 60_000;
const AUTH = { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}` };

/** A time as a datetime-local input takes it, in the page's own time zone. */
const localInput = (page: Page, ms: number) =>
  page.evaluate((t) => {
    const d = new Date(t);
    const pad = (n: number) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }, ms);

async function adminGet(path: string): Promise<Response> {
  return fetch(`${shop.baseUrl}/admin/api${path}`, { headers: AUTH });
}

/** One checkout by a new shopper, as a browser would make it. */
async function buyOne(sku: string, qty = 1): Promise<number> {
  const session = await fetch(`${shop.baseUrl}/api/session`, { method: "POST", headers: { "Content-Type": "application/json" } });
  const cookie = (session.headers.get("Set-Cookie") ?? "").split(";")[0]!;
  const response = await fetch(`${shop.baseUrl}/api/checkout`, {
    method: "POST",
    headers: { Cookie: cookie, "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID() },
    body: JSON.stringify({ sku, qty }),
  });
  return response.status;
}

/** The console, signed in, in a desktop browser. */
async function signedIn(actor = "admin") {
  const context = await shop.browser.newContext({ baseURL: shop.baseUrl, timezoneId: "Asia/Shanghai", viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto("/admin");
  await page.fill("#sign-in [name=token]", TEST_SECRETS.ADMIN_TOKEN);
  await page.fill("#sign-in [name=actor]", actor);
  await page.click("#sign-in button[type=submit]");
  await page.locator("#app").waitFor();
  return { context, page };
}

/** Runs SQL on the stack's Postgres (the embedded one, or CI's server). */
async function sql(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject("stackVars").DATABASE_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

describe("the marketer console in a real browser", () => {
  it("signs in, shows every problem next to its field, creates, pauses, resumes, tops up, and shows live state, history and audit", async () => {
    const context = await shop.browser.newContext({ baseURL: shop.baseUrl, timezoneId: "Asia/Shanghai", viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    const row = (sku: string) => page.locator(`tr[data-sku="${sku}"]`);
    const now = Date.now();

    await page.goto("/admin");
    await page.fill("#sign-in [name=token]", "not-the-token");
    await page.click("#sign-in button[type=submit]");
    await expect.poll(() => page.locator("#sign-in-problem").textContent()).toContain("valid admin bearer token");
    await page.fill("#sign-in [name=token]", TEST_SECRETS.ADMIN_TOKEN);
    await page.fill("#sign-in [name=actor]", "王芳");
    await page.click("#sign-in button[type=submit]");
    await page.locator("#app").waitFor();

    // A sale with several mistakes: each problem appears next to its own field, nothing is saved.
    const sku = `console-${crypto.randomUUID().slice(0, 8)}`;
    await page.click("#new-sale");
    await page.fill("[name=sku]", sku);
    await page.fill("[name=title]", "Console sale 控制台");
    await page.fill("[name=listPrice]", "599.50");
    await page.fill("[name=stock]", "100");
    await page.fill("[name=perShopperLimit]", "1");
    await page.fill("[name=startsAt]", await localInput(page, now + 60 * MINUTE));
    await page.fill("[name=endsAt]", await localInput(page, now - MINUTE));
    await page.click("#add-tier");
    await page.click("#add-tier");
    const tier = (i: number, field: string) => page.locator(`#tiers [data-path="tiers.${i}.${field}"]`);
    await tier(0, "fromRank").fill("1");
    await tier(0, "toRank").fill("10");
    await tier(0, "unitPrice").fill("299");
    await tier(1, "fromRank").fill("5");
    await tier(1, "toRank").fill("20");
    await tier(1, "unitPrice").fill("-1");
    await page.click("#save");
    const problem = (path: string) => page.locator(`.problem[data-for="${path}"]`);
    await expect.poll(() => problem("endsAt").textContent()).toBe("must be after startsAt");
    expect(await problem("tiers.1.fromRank").textContent()).toContain("must be 11");
    expect(await problem("tiers.1.unitPrice").textContent()).toBe("must not be negative");
    expect((await adminGet(`/sales/${sku}`)).status).toBe(404);

    // Fixed: saved in fen and epoch ms, listed as live at once.
    await page.fill("[name=startsAt]", await localInput(page, now - MINUTE));
    await page.fill("[name=endsAt]", await localInput(page, now + 60 * MINUTE));
    await tier(1, "fromRank").fill("11");
    await tier(1, "unitPrice").fill("399.9");
    await page.click("#save");
    await expect.poll(() => page.locator("#flash").textContent()).toContain("Saved Console sale");
    await row(sku).waitFor();
    expect(await page.locator(`section[data-phase="live"] tr[data-sku="${sku}"]`).count()).toBe(1);
    const stored = (await (await adminGet(`/sales/${sku}`)).json()) as { sale: SaleConfig };
    expect(stored.sale).toMatchObject({ listPrice: 59_950, stock: 100, version: 1, updatedBy: "王芳" });
    expect(stored.sale.tiers.map((t) => t.unitPrice)).toEqual([29_900, 39_990]);

    // Live numbers and orders per second, from successive refreshes.
    let rate = "…";
    for (let i = 0; i < 30 && !(Number(rate) > 0); i++) {
      await buyOne(sku);
      await new Promise((resolve) => setTimeout(resolve, 300));
      rate = (await row(sku).locator('[data-field="rate"]').textContent()) ?? "…";
    }
    expect(Number(rate)).toBeGreaterThan(0);
    await expect.poll(() => row(sku).locator('[data-field="held"]').textContent()).not.toBe("0");

    // Pause and resume move it between the lists; a checkout is refused while paused.
    await row(sku).locator('[data-action="pause"]').click();
    await page.locator(`section[data-phase="paused"] tr[data-sku="${sku}"]`).waitFor();
    expect(await buyOne(sku)).toBe(409);
    await row(sku).locator('[data-action="resume"]').click();
    await page.locator(`section[data-phase="live"] tr[data-sku="${sku}"]`).waitFor();

    // Top-up, typed into the row while it keeps refreshing.
    await row(sku).locator("input").fill("20");
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    await row(sku).locator('[data-action="top-up"]').click();
    await expect.poll(() => row(sku).locator('[data-field="remaining"]').textContent()).toMatch(/ \/ 120$/);

    // Stock below what is out, from the edit form: the problem is shown at the stock field.
    for (let i = 0; i < 3; i++) expect(await buyOne(sku)).toBe(201);
    await row(sku).getByRole("button", { name: "Edit" }).click();
    await page.fill("[name=stock]", "0");
    await page.click("#save");
    await expect.poll(() => problem("stock").textContent()).toBe("must be at least 1");
    await page.locator("#tiers").getByRole("button", { name: "Remove" }).first().click();
    await page.locator("#tiers").getByRole("button", { name: "Remove" }).first().click();
    await page.fill("[name=stock]", "1");
    await page.click("#save");
    await expect.poll(() => problem("stock").textContent()).toMatch(/must be at least \d+, the units sold/);

    // Someone else saves meanwhile: the form says so instead of overwriting.
    const current = (await (await adminGet(`/sales/${sku}`)).json()) as { sale: SaleConfig };
    const { version, updatedAt: _a, updatedBy: _b, ...draft } = current.sale;
    await fetch(`${shop.baseUrl}/admin/api/sales/${sku}`, {
      method: "PUT",
      headers: { ...AUTH, "Content-Type": "application/json" },
      body: JSON.stringify({ ...draft, title: "Renamed elsewhere", expectedVersion: version }),
    });
    await page.fill("[name=stock]", "150");
    await page.click("#save");
    await expect.poll(() => page.locator("#form-problems").textContent()).toContain("Someone saved this sale meanwhile");
    await page.click("#close-editor");

    // History and audit, in the marketer's units.
    await row(sku).getByRole("button", { name: "History" }).click();
    await expect.poll(() => page.locator('table[data-view="history"] tbody tr').count()).toBe(5);
    expect(await page.locator('table[data-view="history"]').textContent()).toContain("stock: 100 → 120");
    await row(sku).getByRole("button", { name: "Audit" }).click();
    await expect.poll(() => page.locator('table[data-view="audit"] tbody tr').count()).toBe(5);
    const audit = (await page.locator('table[data-view="audit"]').textContent()) ?? "";
    expect(audit).toContain("王芳");
    expect(audit).toContain("pause");

    await page.screenshot({ path: screenshotPath("admin-console"), fullPage: true });
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 180_000);

  it("shows the orders Postgres refused for a sale and writes them on retry once the cause is fixed (issue 10)", async () => {
    const now = Date.now();
    const sku = `dead-${crypto.randomUUID().slice(0, 8)}`;
    const created = await fetch(`${shop.baseUrl}/admin/api/sales`, {
      method: "POST",
      headers: { ...AUTH, "Content-Type": "application/json" },
      body: JSON.stringify({ sku, title: "Refused order sale", listPrice: 9_900, stock: 20, perShopperLimit: 5, startsAt: now - MINUTE, endsAt: now + 60 * MINUTE }),
    });
    expect(created.status).toBe(201);
    const constraint = `refuse_${sku.replace(/-/g, "_")}`;
    await sql(`alter table orders add constraint ${constraint} check (sku <> '${sku}' or qty <> 3) not valid`);
    const { context, page } = await signedIn();
    const row = page.locator(`tr[data-sku="${sku}"]`);
    try {
      expect(await buyOne(sku, 3)).toBe(201);
      expect(await buyOne(sku, 1)).toBe(201);
      await expect.poll(() => row.locator('[data-field="outbox"]').textContent()).toBe("⚠ 1 refused");
      await row.locator('[data-action="dead-letters"]').click();
      const view = page.locator('[data-view="dead-letters"]');
      await expect.poll(() => view.locator("tbody tr").count()).toBe(1);
      expect(await view.textContent()).toContain(constraint);
    } finally {
      await sql(`alter table orders drop constraint if exists ${constraint}`);
    }
    await page.locator('[data-action="retry-dead-letters"]').click();
    await expect.poll(() => page.locator("#flash").textContent()).toContain("1 change(s) written to Postgres");
    await expect.poll(() => page.locator('[data-view="dead-letters"]').textContent()).toContain("None");
    await expect.poll(() => row.locator('[data-field="outbox"]').textContent()).toBe("up to date");
    await page.screenshot({ path: screenshotPath("admin-dead-letters"), fullPage: true });
    await context.close();
  }, 120_000);
});
