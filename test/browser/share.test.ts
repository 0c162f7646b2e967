import { describe, expect, it } from "vitest";
import { screenshotPath, storefrontForFile } from "./harness.ts";

/**
 * Share links in a real browser (issue 14): a shopper opens a sale page and gets their share
 * link (five UTM parameters and a referral code), sees its QR code and copy button; a friend
 * opens the link in a browser of their own, the page records the landing (read back from
 * Postgres) and takes the parameters out of the address bar; the sharer opening their own link
 * is refused and records nothing.
 */

const shop = storefrontForFile();

describe("share links in the browser", () => {
  it("gets a share link with UTM and ref, with its QR code and copy button; a friend's landing through it is recorded", async () => {
    const sale = await shop.seedSale();
    const sharer = await shop.newShopper("phone");
    await sharer.grantPermissions(["clipboard-read", "clipboard-write"], { origin: shop.baseUrl });
    const page = await sharer.newPage();
    await page.goto(`/sales/${sale.sku}`);
    const panel = page.locator("#share");
    await expect.poll(() => panel.isVisible()).toBe(true);
    expect(await panel.locator("h2").textContent()).toBe("Share with friends");
    await page.locator("#share-open").click();
    await expect.poll(() => panel.getAttribute("data-state")).toBe("open");

    const link = new URL(await page.locator("#share-url").inputValue());
    expect(link.origin).toBe(shop.baseUrl);
    expect(link.pathname).toBe(`/sales/${sale.sku}`);
    expect(Object.fromEntries(link.searchParams)).toEqual({
      utm_source: "link",
      utm_medium: "referral",
      utm_campaign: sale.sku,
      utm_term: sale.sku,
      utm_content: "team",
      ref: expect.stringMatching(/^[a-z2-7]{12}$/),
    });
    const code = link.searchParams.get("ref")!;
    const { rows: registered } = await shop.pool.query<{ shopper_id: string }>("select shopper_id from referral_codes where code = $1", [
      code,
    ]);
    expect(registered).toHaveLength(1);
    const sharerId = registered[0]!.shopper_id;
    expect(link.href).not.toContain(sharerId);

    // The QR code: an SVG of the link's modules, at a size a phone camera reads.
    const qr = page.locator("#share-qr");
    expect(Number(await qr.getAttribute("data-modules"))).toBeGreaterThanOrEqual(21);
    const box = await qr.boundingBox();
    expect(box!.width).toBeGreaterThanOrEqual(150);
    // Copy: the button is there, and the link lands on the clipboard.
    const copy = page.locator("#share-copy");
    expect(await copy.textContent()).toBe("Copy link");
    await copy.click();
    await expect.poll(() => page.locator("#share-status").textContent()).toBe("Link copied.");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link.href);
    await page.screenshot({ path: screenshotPath("share-panel-phone"), fullPage: true });

    // A friend opens the link: the landing is recorded under their own shopper, credited to the sharer.
    const friend = await shop.newShopper("phone", "zh-CN");
    const friendPage = await friend.newPage();
    await friendPage.goto(link.pathname + link.search);
    await expect.poll(() => friendPage.locator("html").getAttribute("data-landing")).toBe("recorded");
    expect(new URL(friendPage.url()).search).toBe("");
    const { rows: landings } = await shop.pool.query(
      "select shopper_id, referrer_id, utm_source, utm_medium, utm_campaign, utm_term, utm_content from share_landings where referral_code = $1",
      [code],
    );
    expect(landings).toEqual([
      {
        shopper_id: expect.stringMatching(/^shp_/),
        referrer_id: sharerId,
        utm_source: "link",
        utm_medium: "referral",
        utm_campaign: sale.sku,
        utm_term: sale.sku,
        utm_content: "team",
      },
    ]);
    expect(landings[0].shopper_id).not.toBe(sharerId);
    const { rows: edges } = await shop.pool.query(
      "select inviter_id, invitee_id, kind, tree_edge from propagation_edges where campaign = $1",
      [sale.sku],
    );
    expect(edges).toEqual([{ inviter_id: sharerId, invitee_id: landings[0].shopper_id, kind: "visit", tree_edge: true }]);
    // The friend's page speaks their language, share panel included.
    expect(await friendPage.locator("#share h2").textContent()).toBe("分享给好友");

    // The sharer opening their own link: refused, nothing recorded, the address cleaned all the same.
    const own = await sharer.newPage();
    await own.goto(link.pathname + link.search);
    await expect.poll(() => own.locator("html").getAttribute("data-landing")).toBe("self");
    expect(new URL(own.url()).search).toBe("");
    const { rows: all } = await shop.pool.query("select count(*)::int as n from share_landings where referral_code = $1", [code]);
    expect(all).toEqual([{ n: 1 }]);
    await sharer.close();
    await friend.close();
  });
});
