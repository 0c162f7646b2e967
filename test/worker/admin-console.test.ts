import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { saleDraftSchema } from "../../src/sales/sale-config.ts";

describe("GET /admin: the marketer console", () => {
  it("serves the console shell without a token, uncached, running only its own script", async () => {
    const response = await exports.default.fetch("https://shop.test/admin");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const csp = response.headers.get("Content-Security-Policy") ?? "";
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain("frame-ancestors 'none'");
    const page = await response.text();
    expect(page).toContain(`<script nonce="${nonce}">`);
    expect(page.match(/<script/g)).toHaveLength(1);
    expect(page).toContain('id="sign-in"');
  });

  it("has a field for every field of a sale, named by its API path, so each problem lands next to it", async () => {
    const page = await (await exports.default.fetch("https://shop.test/admin")).text();
    const markup = page.slice(0, page.indexOf("<script"));
    const paths = [...markup.matchAll(/data-path="([^"]+)"/g)].map((m) => m[1]);
    // Currency is fixed (CNY); rows of tiers and gifts get their paths in the browser.
    const fields = Object.keys(saleDraftSchema.shape).filter((key) => key !== "currency");
    expect(paths.sort()).toEqual(fields.sort());
  });
});
