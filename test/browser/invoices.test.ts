import type { Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { InvoiceOcr } from "../../scripts/invoices/ocr.ts";
import { readQueuedInvoices } from "../../scripts/invoices/reader.ts";
import { qrPayloadOf } from "../../src/invoices/invoice-fields.ts";
import { freshInvoice, qrInvoicePng } from "../support/invoice-image.ts";
import { screenshotPath, storefrontForFile } from "./harness.ts";

/**
 * Invoices in Chromium (issue 16): the order page's paper/electronic choice (phone, Chinese),
 * /me's uploads with each one's status (phone, English), and the console's Invoices view.
 * Nothing waits for time: the tests poll what the page shows, and run the invoice reader's
 * pass themselves where `npm start` runs it every 2 s.
 */
const shop = storefrontForFile();

const ocr = new InvoiceOcr();

afterAll(async () => {
  await ocr.close();
});

/**
 * One pass of the invoice reader over the page's queued uploads: read (QR checked against OCR of
 * the print) and decided. Only this page's: the other files' uploads share the one Postgres, and
 * a pass of the oldest eight could lease theirs and never reach this test's.
 */
async function readerPass(page: Page): Promise<void> {
  const only = await page
    .locator('#invoice-list li[data-status="queued"]')
    .evaluateAll((items) => items.map((li) => li.getAttribute("data-upload") ?? ""));
  await readQueuedInvoices(shop.database.db, ocr, { limit: 8, only });
}

const fitsThePhone = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

/** A loaded CI machine (two test passes, every project at once) answers slower than a quiet one. */
const POLL = { timeout: 15_000 };

describe("the invoice choice on the order page", () => {
  it("offers a phone shopper in Chinese paper or electronic (double points), sends the choice with the payment and shows it once paid", async () => {
    const sale = await shop.seedSale();
    const context = await shop.newShopper("phone", "zh-CN");
    const page = await context.newPage();
    await page.goto(`/sales/${sale.sku}`);
    await page.waitForFunction(() => document.querySelector("#buy")?.getAttribute("data-state") === "live");
    await page.locator("#buy").click();
    await page.waitForURL(/\/orders\/ord_/);
    await page.locator("#pay-form").waitFor();
    expect(await page.locator("#invoice-choice legend").textContent()).toBe("发票");
    const paper = page.getByRole("radio", { name: "纸质发票" });
    const electronic = page.getByRole("radio", { name: /电子发票：双倍积分，节约纸张/ });
    expect(await paper.isChecked()).toBe(true);
    await electronic.check();
    expect(await fitsThePhone(page)).toBe(true);
    await page.screenshot({ path: screenshotPath("order-phone-invoice-choice"), fullPage: true });
    const pay = page.waitForRequest((request) => request.url().endsWith("/pay"));
    await page.locator("#pay").click();
    expect((await pay).postDataJSON()).toMatchObject({ invoice: "electronic" });
    await expect.poll(() => page.locator('#order-lines dd[data-field="invoice"]').textContent(), POLL).toBe("电子发票（双倍积分）");
    expect(await page.locator("#pay-form").isHidden()).toBe(true);
    await context.close();
  });
});

describe("invoice uploads on /me", () => {
  it("lets a phone shopper upload invoice photos, with the camera offered, and shows each one's status, points or refusal", async () => {
    const context = await shop.newShopper("phone");
    const page = await context.newPage();
    await page.goto("/me");
    const input = page.locator("#invoice-file");
    expect(await input.getAttribute("accept")).toBe("image/*,application/pdf");
    expect(await page.locator("#invoices-title").textContent()).toBe("Invoices for points");
    await expect.poll(() => page.locator("#invoice-list li").first().textContent(), POLL).toBe("No invoices uploaded yet.");

    // A photo whose QR code reads: what it says shown at once while the reader checks the print…
    const fields = freshInvoice();
    await input.setInputFiles({ name: "fapiao.png", mimeType: "image/png", buffer: Buffer.from(qrInvoicePng(qrPayloadOf(fields))) });
    const checking = page.locator('#invoice-list li[data-status="queued"]');
    await expect.poll(() => checking.locator(".invoice-status").textContent(), POLL).toBe("QR read, checking the print…");
    expect(await checking.locator("strong").textContent()).toBe(`Invoice ${fields.number}`);
    expect(await checking.locator(".meta").textContent()).toBe("¥258.00 · 2026-01-15");
    await page.locator("#invoices").screenshot({ path: screenshotPath("me-phone-invoice-checking") });
    // …then, the reader's pass done (this photo has no print to disagree), accepted with its points.
    await readerPass(page);
    const accepted = page.locator('#invoice-list li[data-status="accepted"]');
    await expect.poll(() => accepted.count(), POLL).toBe(1);
    expect(await accepted.locator("strong").textContent()).toBe(`Invoice ${fields.number}`);
    expect(await accepted.locator(".invoice-status").textContent()).toBe("Accepted");
    expect(await accepted.locator(".meta").textContent()).toBe("¥258.00 · 2026-01-15 · +25 points");

    // The same invoice again: refused, and said why.
    await input.setInputFiles({ name: "again.png", mimeType: "image/png", buffer: Buffer.from(qrInvoicePng(qrPayloadOf(fields))) });
    await expect.poll(() => page.locator("#invoice-message").textContent(), POLL).toBe("This invoice has already earned points.");
    const refused = page.locator('#invoice-list li[data-status="refused"]');
    await expect.poll(() => refused.count(), POLL).toBe(1);
    expect(await refused.locator(".invoice-status").textContent()).toBe("Refused");

    // A photo without an invoice QR code: queued for the reader, shown as being read.
    await input.setInputFiles({ name: "receipt.png", mimeType: "image/png", buffer: Buffer.from(qrInvoicePng("not an invoice")) });
    await expect.poll(() => page.locator('#invoice-list li[data-status="queued"] .invoice-status').textContent(), POLL).toBe("Being read");

    // Not an image at all, whatever it is called: refused before anything is stored.
    await input.setInputFiles({
      name: "fake.png",
      mimeType: "image/png",
      buffer: Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'/>"),
    });
    await expect
      .poll(() => page.locator("#invoice-message").textContent())
      .toBe("Please upload a photo (PNG or JPEG) or the PDF of the invoice.");
    expect(await page.locator("#invoice-list li").count()).toBe(3);
    expect(await fitsThePhone(page)).toBe(true);
    await page.locator("#invoices").screenshot({ path: screenshotPath("me-phone-invoices") });
    await context.close();
  });
});

describe("the console's Invoices view", () => {
  it("shows a marketer the uploads with status, how each was read, refusals and points", async () => {
    const fields = freshInvoice();
    const shopper = await shop.newShopper("desktop");
    const shopperPage = await shopper.newPage();
    await shopperPage.goto("/me");
    // The page's first reads issue the session: an upload sent before them would be another shopper's.
    await expect.poll(() => shopperPage.locator("#invoice-list li").first().textContent(), POLL).toBe("No invoices uploaded yet.");
    const png = Buffer.from(qrInvoicePng(qrPayloadOf(fields)));
    await shopperPage.locator("#invoice-file").setInputFiles({ name: "a.png", mimeType: "image/png", buffer: png });
    await expect.poll(() => shopperPage.locator('#invoice-list li[data-status="queued"]').count(), POLL).toBe(1);
    await readerPass(shopperPage);
    await expect.poll(() => shopperPage.locator('#invoice-list li[data-status="accepted"]').count(), POLL).toBe(1);

    const context = await shop.newShopper("desktop");
    const page = await context.newPage();
    const marketer = await shop.createStaff("marketer", "Mia Marketer");
    await page.goto("/admin");
    await page.fill("#password-sign-in [name=email]", marketer.email);
    await page.fill("#password-sign-in [name=password]", marketer.password);
    await page.click("#password-sign-in button[type=submit]");
    await page.locator("#app").waitFor();
    await page.click("#show-invoices");
    const row = page.locator(`#invoices-table tr[data-status="accepted"]`, { hasText: fields.code + fields.number });
    await expect.poll(() => row.count(), POLL).toBe(1);
    expect(await row.locator('[data-field="method"]').textContent()).toBe("QR");
    expect(await row.locator('[data-field="points"]').textContent()).toBe("25");
    expect(Number(await page.locator('#invoices-totals [data-total="accepted"]').textContent())).toBeGreaterThanOrEqual(1);
    await page.selectOption("#invoices-status", "refused");
    await expect
      .poll(() =>
        page
          .locator("#invoices-table tr[data-upload]")
          .evaluateAll((rows) => rows.every((r) => r.getAttribute("data-status") === "refused")),
      )
      .toBe(true);
    await page.locator("#invoices").screenshot({ path: screenshotPath("console-invoices") });
    await context.close();
    await shopper.close();
  });
});
