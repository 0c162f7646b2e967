import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rfmScores } from "../../src/db/schema.ts";
import { TEST_SECRETS } from "../support/test-secrets.ts";
import { screenshotPath, storefrontForFile } from "./harness.ts";

/**
 * Adviser chat (issue 17) in Chromium, on the production bundle: a shopper on a phone opens the
 * chat from the home page (zh-CN) and writes; the owner answers from the console's
 * Conversations view, with the shopper's RFM segment beside the chat, and the shopper's panel
 * shows the reply live; resolving shows on the shopper's side too. The Advisers view adds a
 * staff account to the roster and removes it.
 *
 * The roster is shared with the workerd tests, which count a round robin over advisers on
 * shift: this test's adviser stays off shift (a shopper is still assigned one when nobody is
 * on shift), and the console is the owner's, who sees every conversation.
 */
const shop = storefrontForFile();

const POLL = { timeout: 15_000 };
const made: string[] = [];

async function ownerApi(path: string, init: { method?: string; body?: unknown } = {}): Promise<Response> {
  return fetch(`${shop.baseUrl}/admin/api${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}`, "Content-Type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

/** A staff account with the adviser role: its id. */
async function adviserAccount(name: string): Promise<string> {
  const response = await ownerApi("/staff", {
    body: {
      email: `adviser-${crypto.randomUUID().slice(0, 8)}@example.com`,
      name,
      role: "adviser",
      password: "correct horse battery staple",
    },
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { staff: { id: string } }).staff.id;
}

beforeAll(async () => {
  const added = await ownerApi("/advisers", { body: { staffId: await adviserAccount("Lin"), displayName: "小林" } });
  expect(added.status).toBe(201);
  made.push(((await added.json()) as { adviser: { id: string } }).adviser.id);
});

afterAll(async () => {
  for (const id of made) await ownerApi(`/advisers/${id}`, { method: "DELETE" });
});

async function signInAsOwner(page: Page, hash: string): Promise<void> {
  const staff = await shop.createStaff("owner", "Olu Owner");
  await shop.signInToConsole(page, staff, `/admin${hash}`);
}

describe("adviser chat", () => {
  it("lets a shopper on a phone write from any page, the owner answer beside the shopper's profile, and the reply arrive live", async () => {
    const phone = await shop.newShopper("phone", "zh-CN");
    const shopperPage = await phone.newPage();
    const errors: string[] = [];
    shopperPage.on("pageerror", (error) => errors.push(error.message));
    await shopperPage.goto("/");
    const toggle = shopperPage.locator("#chat-toggle");
    await expect.poll(() => toggle.textContent()).toContain("咨询顾问");
    await toggle.click();
    await expect.poll(() => shopperPage.locator("#chat-panel").isVisible(), POLL).toBe(true);
    // Phone first: the panel fills the screen.
    const box = await shopperPage.locator("#chat-panel").boundingBox();
    expect(box).toMatchObject({ x: 0, y: 0, width: 390, height: 844 });
    await expect.poll(() => shopperPage.locator("#chat-adviser").textContent(), POLL).toContain("顾问");
    await shopperPage.fill("#chat-input", "这款精华适合敏感肌吗？");
    await shopperPage.click(".chat-send");
    const mine = shopperPage.locator(".chat-message.from-shopper");
    await expect.poll(() => mine.count(), POLL).toBe(1);
    await expect.poll(() => mine.getAttribute("class"), POLL).not.toContain("pending");
    await expect.poll(() => shopperPage.locator("#chat-adviser").textContent(), POLL).toMatch(/您的专属顾问：/);
    const { conversation } = await shopperPage.evaluate(() => fetch("/api/chat").then((r) => r.json()));
    await shopperPage.screenshot({ path: screenshotPath("chat-panel-phone") });

    // The shopper's segment, as an RFM recompute would have left it.
    await shop.database.db
      .insert(rfmScores)
      .values({
        shopperId: conversation.shopperId,
        recencyDays: 3,
        frequency: 6,
        monetary: 259_900,
        r: 5,
        f: 5,
        m: 5,
        segment: "champions",
        previousSegment: "loyal",
        runId: `run_${crypto.randomUUID()}`,
        computedAt: new Date(),
      })
      .onConflictDoNothing();

    const desk = await shop.newShopper("desktop");
    const console = await desk.newPage();
    console.on("pageerror", (error) => errors.push(error.message));
    await signInAsOwner(console, "#conversations");
    await expect.poll(() => console.locator("#conversations").isVisible(), POLL).toBe(true);
    const row = console.locator(`#conversation-list li[data-conversation="${conversation.id}"]`);
    await expect.poll(() => row.textContent(), POLL).toContain("awaiting first reply");
    await row.locator("button").click();
    await expect
      .poll(() => console.locator("#conversation-messages li").allTextContents(), POLL)
      .toEqual([expect.stringContaining("这款精华适合敏感肌吗？")]);
    await expect.poll(() => console.locator("[data-cell=segment]").textContent(), POLL).toBe("Segment: champions (R5 F5 M5, was loyal)");
    await expect.poll(() => console.locator("[data-cell=paid]").textContent()).toBe("0 paid orders · ¥0.00");

    await console.fill("#conversation-input", "适合的，建议先在耳后试用。");
    await console.click("#conversation-reply button[type=submit]");
    const replies = shopperPage.locator(".chat-message.from-adviser");
    await expect.poll(() => replies.allTextContents(), POLL).toEqual([expect.stringContaining("建议先在耳后试用")]);
    await expect.poll(() => console.locator("#conversation-messages li.pending").count(), POLL).toBe(0);
    await console.locator("#conversations").screenshot({ path: screenshotPath("console-conversations") });

    // The adviser links the shopper's WeCom userid beside the chat; a userid WeCom would refuse is told why.
    await console.fill("#wecom-user-id", "has space");
    await console.click("#wecom-user button[type=submit]");
    await expect.poll(() => console.locator("#wecom-user-status").textContent(), POLL).toContain("WeCom userid");
    await console.fill("#wecom-user-id", "li.na@brand");
    await console.click("#wecom-user button[type=submit]");
    await expect
      .poll(() => console.locator("#wecom-user-status").textContent(), POLL)
      .toBe("Linked: follow-ups go to li.na@brand on WeCom.");

    // A reply while the panel is closed marks the button; opening it clears the mark.
    await shopperPage.click("#chat-close");
    await console.fill("#conversation-input", "有问题随时找我。");
    await console.click("#conversation-reply button[type=submit]");
    await expect.poll(() => toggle.getAttribute("data-unread"), POLL).toBe("");
    await toggle.click();
    await expect.poll(() => toggle.getAttribute("data-unread")).toBeNull();
    await expect.poll(() => replies.count(), POLL).toBe(2);

    await console.click("#conversation-resolve");
    await expect.poll(() => shopperPage.locator("#chat-status").textContent(), POLL).toContain("本次会话已结束");
    await expect.poll(() => console.locator("#conversation-reopen").isVisible(), POLL).toBe(true);
    expect(errors).toEqual([]);
    await phone.close();
    await desk.close();
  });

  it("lets the owner add a staff account to the roster and remove it", async () => {
    const staffId = await adviserAccount("Mei");
    const desk = await shop.newShopper("desktop");
    const page = await desk.newPage();
    page.on("dialog", (dialog) => void dialog.accept());
    await signInAsOwner(page, "#advisers");
    await expect.poll(() => page.locator("#advisers").isVisible(), POLL).toBe(true);
    // The adviser accounts not on the roster are offered by name.
    await expect.poll(() => page.locator(`#adviser-accounts option[value="${staffId}"]`).textContent(), POLL).toMatch(/^Mei · adviser-/);
    await page.fill("#adviser-staff-id", staffId);
    await page.fill("#adviser-name", "小美");
    await page.click("#adviser-add button[type=submit]");
    await expect.poll(() => page.locator("#advisers-status").textContent(), POLL).toBe("小美 is on the roster (off shift).");
    const row = page.locator("#adviser-roster tr", { hasText: "小美" });
    await expect.poll(() => row.count(), POLL).toBe(1);
    expect(await row.locator("input[type=checkbox]").isChecked()).toBe(false);
    await page.locator("#advisers").screenshot({ path: screenshotPath("console-advisers") });
    await row.locator("button", { hasText: "Remove" }).click();
    await expect.poll(() => page.locator("#advisers-status").textContent(), POLL).toBe("小美 removed; 0 shoppers reassigned.");
    await expect.poll(() => row.count(), POLL).toBe(0);
    await desk.close();
  });
});
