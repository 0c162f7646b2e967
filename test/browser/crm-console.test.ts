import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { crmOutbox } from "../../src/db/schema.ts";
import type { Role } from "../../src/staff/roles.ts";
import { seededCrmConfig } from "../support/crm-receiver.ts";
import { screenshotPath, storefrontForFile } from "./harness.ts";

/**
 * The console's CRM view (issue 16) in Chromium, on the production bundle: an owner saves the
 * webhook endpoint and events, sees a dead webhook with its attempts and last error and sends
 * it again, creates an API key (its secret shown once) that then opens the CRM API, and revokes
 * it; a marketer sees the deliveries but no keys.
 */
const shop = storefrontForFile();

const run = crypto.randomUUID().replaceAll("-", "").slice(0, 12);
const DEAD = `msg_dead${run}`;

beforeAll(async () => {
  const at = new Date();
  await shop.database.db.insert(crmOutbox).values({
    id: DEAD,
    // A type no other test drains, so "Send again" leaves it pending.
    type: "member.price_protection_credited",
    shopperId: `shp_${run}`,
    payload: { type: "member.price_protection_credited", timestamp: at.toISOString(), data: {} },
    createdAt: at,
    enqueuedAt: at,
    attempts: 13,
    lastError: "no answer within 10000 ms",
    deadAt: at,
  });
});

async function signIn(page: Page, role: Role): Promise<void> {
  const staff = await shop.createStaff(role, role === "owner" ? "Olu Owner" : "Mia Marketer");
  await page.goto("/admin#crm");
  await page.fill("#password-sign-in [name=email]", staff.email);
  await page.fill("#password-sign-in [name=password]", staff.password);
  await page.click("#password-sign-in button[type=submit]");
  await page.locator("#app").waitFor();
}

/** A loaded CI machine (two test passes, every project at once) answers slower than a quiet one. */
const POLL = { timeout: 15_000 };

describe("the CRM view", () => {
  it("lets an owner configure webhooks, send a dead one again, and create and revoke an API key shown once", async () => {
    const context = await shop.newShopper("desktop");
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("dialog", (dialog) => void dialog.accept());
    const seed = seededCrmConfig();
    await (await shop.mf.getKVNamespace("SALES")).put(seed.key, seed.value);
    await signIn(page, "owner");
    await expect.poll(() => page.locator("#crm").isVisible(), POLL).toBe(true);

    await expect.poll(() => page.locator("#crm-version").textContent(), POLL).toMatch(new RegExp(`^version ${seed.version} · test seed`));
    await page.fill("#crm-url", "https://crm.example.com/webhooks");
    await page.check("#crm-events input[value='member.benefit_granted']");
    await page.click("#crm-webhooks button[type=submit]");
    await expect.poll(() => page.locator("#crm-version").textContent(), POLL).toMatch(new RegExp(`^version ${seed.version + 1} · owner-`));
    // Read back as saved.
    expect(await page.inputValue("#crm-url")).toBe("https://crm.example.com/webhooks");
    expect(await page.isChecked("#crm-events input[value='member.benefit_granted']")).toBe(true);
    expect(await page.isChecked("#crm-events input[value='member.tier_changed']")).toBe(false);

    const row = page.locator(`#crm-deliveries tr[data-webhook="${DEAD}"] td`);
    await expect
      .poll(() => row.allTextContents())
      .toEqual([
        "member.price_protection_credited",
        `shp_${run}`,
        "dead",
        "13",
        "no answer within 10000 ms",
        expect.any(String),
        "–",
        "Send again",
      ]);
    await page.locator("#crm").screenshot({ path: screenshotPath("console-crm") });
    await page.click(`#crm-deliveries tr[data-webhook="${DEAD}"] button`);
    await expect.poll(() => row.nth(2).textContent(), POLL).toBe("pending");

    await page.fill("#crm-key-label", "Salesforce");
    await page.check("#crm-key-form input[value='members:read']");
    await page.click("#crm-key-form button[type=submit]");
    const secret = await page.locator("#crm-new-key-secret").textContent();
    expect(secret).toMatch(/^crm_[0-9a-z]{12}_[A-Za-z0-9_-]{43}$/);
    const keyId = secret!.split("_")[1]!;
    await expect.poll(() => page.locator(`#crm-keys tr[data-key="${keyId}"] td`).nth(2).textContent(), POLL).toBe("members:read");
    const lookup = () =>
      shop.mf.dispatchFetch(`http://shop.test/api/crm/members/shp_${run}`, { headers: { Authorization: `Bearer ${secret}` } });
    expect((await lookup()).status).toBe(404); // in: no such member, rather than 401

    await page.click(`#crm-keys tr[data-key="${keyId}"] button`);
    await expect.poll(() => page.locator(`#crm-keys tr[data-key="${keyId}"] td`).nth(5).textContent(), POLL).toMatch(/^revoked /);
    expect((await lookup()).status).toBe(401);
    // The secret is shown once: closing the view forgets it.
    await page.click("#close-crm");
    expect(await page.locator("#crm-new-key-secret").count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("shows a marketer the deliveries and no API keys", async () => {
    const context = await shop.newShopper("desktop");
    const page = await context.newPage();
    await signIn(page, "marketer");
    await expect.poll(() => page.locator("#crm").isVisible(), POLL).toBe(true);
    await expect.poll(() => page.locator("#crm-counts").textContent(), POLL).toMatch(/pending \d+ · queued \d+ · delivered \d+ · dead \d+/);
    expect(await page.locator("#crm-key-form").isVisible()).toBe(false);
    await context.close();
  });
});
