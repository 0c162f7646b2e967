import { describe, expect, it } from "vitest";
import { screenshotPath, storefrontForFile } from "./harness.ts";

/**
 * The inbox in Chromium (issue 17): the unread badge in the header of every page, the /inbox
 * page on a phone in Chinese and English, opening a message marks it read, "mark all as read"
 * the rest, and the badge follows.
 */
const shop = storefrontForFile();

const POLL = { timeout: 15_000 };

/** Messages written as a follow-up step would write them, the newest last. */
async function deliver(shopperId: string, messages: Array<{ title: string; body: string; link?: string }>): Promise<string[]> {
  const ids: string[] = [];
  const base = Date.now() - messages.length * 60_000;
  for (const [i, message] of messages.entries()) {
    const id = `msg_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;
    ids.push(id);
    await shop.database.pool.query(
      "insert into inbox_messages (id, shopper_id, idempotency_key, kind, title, body, link, created_at) values ($1, $2, $1, 'follow_up', $3, $4, $5, $6)",
      [id, shopperId, message.title, message.body, message.link ?? null, new Date(base + i * 60_000)],
    );
  }
  return ids;
}

async function shopperOn(locale: string) {
  const context = await shop.newShopper("phone", locale);
  const page = await context.newPage();
  await page.goto("/inbox");
  await page.waitForSelector('#inbox[data-state="ready"]');
  const shopperId = await page.evaluate(async () => {
    const response = await fetch("/api/session", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    return ((await response.json()) as { shopperId: string }).shopperId;
  });
  return { context, page, shopperId };
}

describe("the inbox", () => {
  it("a phone shopper in Chinese sees the badge on every page, reads a message, then marks all read", async () => {
    const { context, page, shopperId } = await shopperOn("zh-CN");
    expect(await page.locator("#inbox-status").textContent()).toBe("还没有消息。下单后的关怀和优惠会发到这里。");
    expect(await page.locator("#inbox-badge").isHidden()).toBe(true);
    await deliver(shopperId, [
      { title: "第 0 天：感谢购买", body: "亲爱的顾客，口红 用得怎么样？" },
      { title: "第 1 天：使用小贴士", body: "记得先打底。" },
      { title: "第 3 天：送你一张券", body: "券码 cpn_x" },
    ]);
    await page.evaluate(() => sessionStorage.clear());

    // Another page: the header's badge counts them (asked once, then remembered for a minute).
    await page.goto("/stores");
    await expect.poll(() => page.locator("#inbox-badge").textContent(), POLL).toBe("3");
    expect(await page.locator("#inbox-badge").getAttribute("aria-label")).toBe("3 条未读");
    await page.locator(".inbox-link").click();
    await page.waitForSelector('#inbox[data-state="ready"]');
    const titles = await page.locator(".inbox-item-title").allTextContents();
    expect(titles).toEqual(["第 3 天：送你一张券", "第 1 天：使用小贴士", "第 0 天：感谢购买"]);
    expect(await page.locator('.inbox-item[data-read="false"]').count()).toBe(3);
    await page.screenshot({ path: screenshotPath("inbox-phone-zh"), fullPage: true });
    // The page fits a phone: nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

    await page.locator(".inbox-item").nth(1).locator(".inbox-open").click();
    await expect.poll(() => page.locator(".inbox-item").nth(1).getAttribute("data-read"), POLL).toBe("true");
    await expect.poll(() => page.locator("#inbox-badge").textContent(), POLL).toBe("2");
    await page.locator("#inbox-read-all").click();
    await expect.poll(() => page.locator("#inbox-badge").isHidden(), POLL).toBe(true);
    expect(await page.locator('.inbox-item[data-read="false"]').count()).toBe(0);
    expect(await page.locator("#inbox-read-all").isHidden()).toBe(true);
    const { rows } = await shop.database.pool.query(
      "select count(*)::int as n from inbox_messages where shopper_id = $1 and read_at is null",
      [shopperId],
    );
    expect(rows[0].n).toBe(0);
    await context.close();
  });

  it("in English, pages older messages, and a message with a link marks it read and goes there", async () => {
    const { context, page, shopperId } = await shopperOn("en-US");
    const messages: Array<{ title: string; body: string; link?: string }> = Array.from({ length: 22 }, (_, i) => ({
      title: `Message ${i}`,
      body: `Body ${i}`,
    }));
    messages.push({ title: "Your coupon", body: "Use it on the stores page", link: "/stores" });
    await deliver(shopperId, messages);
    await page.reload();
    await page.waitForSelector('#inbox[data-state="ready"]');
    expect(await page.locator("h1").textContent()).toBe("Inbox");
    expect(await page.locator(".inbox-item").count()).toBe(20);
    await page.locator("#inbox-more").click();
    await expect.poll(() => page.locator(".inbox-item").count(), POLL).toBe(23);
    expect(await page.locator("#inbox-more").isHidden()).toBe(true);
    expect(await page.locator(".inbox-item-title").last().textContent()).toBe("Message 0");
    await page.locator(".inbox-item").first().locator(".inbox-open").click();
    await page.waitForURL("**/stores");
    await expect.poll(() => page.locator("#inbox-badge").textContent(), POLL).toBe("22");
    await context.close();
  });
});
