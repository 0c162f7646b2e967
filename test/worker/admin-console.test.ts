import { exports } from "cloudflare:workers";
import { describe, expect, expectTypeOf, it } from "vitest";
import manifest from "../../build/asset-manifest.json";
import type { SkuSale } from "../../durable-objects/sku-sale/index.ts";
import { couponDraftSchema } from "../../src/coupons/coupon-template.ts";
import { experimentDraftSchema, targetingSchema } from "../../src/experiments/experiment-config.ts";
import { saleDraftSchema, waitingRoomSchema } from "../../src/sales/sale-config.ts";
import { presaleSchema } from "../../src/presale/presale-terms.ts";
import type { StaffIdentity } from "../../src/staff/identity.ts";
import { teamCampaignDraftSchema } from "../../src/teams/team-campaign.ts";
import { livestreamDraftSchema } from "../../src/livestreams/livestream.ts";
import type { CouponAuditEntry, CouponPoolFigures, CouponTemplateFigures } from "../../workers/storefront/admin/coupons.ts";
import type { AdminSale, SaleSaved } from "../../workers/storefront/admin/sales.ts";
import type { TierConfigAuditEntry } from "../../workers/storefront/admin/member-tiers.ts";
import type { claimsReport } from "../../src/membership/claims-report.ts";
import type { LivestreamAuditEntry } from "../../workers/storefront/admin/livestreams.ts";
import type {
  TeamCampaignAuditEntry,
  TeamCampaignFigures,
  TeamCampaignWithFigures,
} from "../../workers/storefront/admin/team-campaigns.ts";
import type * as Console from "../../web/client/console/api-types.ts";
import type * as SegmentConsole from "../../web/client/console/segment-types.ts";
import type { SegmentOverviewBody, SegmentRunBody } from "../../workers/storefront/admin/segments.ts";
import type * as ForecastConsole from "../../web/client/console/forecast-types.ts";
import type { ForecastListBody } from "../../workers/storefront/admin/forecasts.ts";
import type { eventsOverview } from "../../src/events/events-overview.ts";
import type { recentEvents } from "../../src/events/recent-events.ts";
import type { readProfile } from "../../workers/storefront/api/read-profile.ts";
import type { OrderRefund } from "../../workers/storefront/api/refund-order.ts";
import type { CampaignSummary, listCampaigns } from "../../src/propagation/edge-store.ts";
import type { namedReport } from "../../src/propagation/report.ts";
import type { livestreamReport, storeCouponReport, storeReport } from "../../src/store-coupons/stats-report.ts";
import type { StaffTokenRecord, StoresWritten } from "../../workers/storefront/api/store-records.ts";

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
    // Styles only from hashed files of its own origin: no inline style runs either.
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    const page = await response.text();
    // Its one script is the bundled, hashed console (web/client/console.page.ts), let in by the nonce.
    expect(manifest.scripts.console).toMatch(/^\/assets\/console\.page\.\w+\.js$/);
    expect(page).toContain(`<script nonce="${nonce}" type="module" src="${manifest.scripts.console}"></script>`);
    expect(page.match(/<script/g)).toHaveLength(1);
    expect(page).toContain(`<link rel="stylesheet" href="${manifest.styles.console}" />`);
    expect(page).not.toContain("<style");
    expect(page).toContain('id="sign-in"');
  });

  it("renders the Propagation view in the asked language, its legend without inline style", async () => {
    const zh = await (await exports.default.fetch("https://shop.test/admin?lang=zh-CN")).text();
    expect(zh).toContain('<section id="propagation" class="card" lang="zh-CN" data-capability="readSales" hidden>');
    expect(zh).toContain("裂变传播");
    expect(zh).toContain("之后的触达（虚线）");
    const en = await (await exports.default.fetch("https://shop.test/admin?lang=en")).text();
    expect(en).toContain('lang="en" data-capability="readSales"');
    expect(en).toContain("later touch (dashed)");
    expect(en).not.toMatch(/style=/);
  });

  it("serves the console's script and stylesheet as immutable hashed assets", async () => {
    for (const path of [manifest.scripts.console, manifest.styles.console]) {
      const response = await exports.default.fetch(`https://shop.test${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
      await response.body?.cancel();
    }
  });

  it("has a field for every field of a sale, named by its API path, so each problem lands next to it", async () => {
    const page = await (await exports.default.fetch("https://shop.test/admin")).text();
    const start = page.indexOf('<form id="editor"');
    const markup = page.slice(start, page.indexOf("</form>", start));
    const paths = [...markup.matchAll(/data-path="([^"]+)"/g)].map((m) => m[1]);
    // Currency is fixed (CNY); rows of tiers and gifts get their paths in the browser; the
    // waiting room and the presale are fieldsets with a field for each of their own.
    const fields = Object.keys(saleDraftSchema.shape).filter((key) => key !== "currency");
    const nested = [
      ...Object.keys(waitingRoomSchema.shape).map((key) => `waitingRoom.${key}`),
      ...Object.keys(presaleSchema.shape).map((key) => `presale.${key}`),
    ];
    expect(paths.sort()).toEqual([...fields, ...nested].sort());
  });

  it("has a field for every field of an experiment (issue 13); its variants' rows are drawn for the surface chosen", async () => {
    const page = await (await exports.default.fetch("https://shop.test/admin")).text();
    const start = page.indexOf('<form id="experiment-editor"');
    const markup = page.slice(start, page.indexOf("</form>", start));
    const paths = [...markup.matchAll(/data-path="([^"]+)"/g)].map((m) => m[1]);
    const targeting = Object.keys(targetingSchema.shape).map((key) => `targeting.${key}`);
    expect(paths.sort()).toEqual([...Object.keys(experimentDraftSchema.shape), ...targeting].sort());
  });

  it("has a field for every field of a coupon template (issue 14), in the shop's language", async () => {
    const page = await (await exports.default.fetch("https://shop.test/admin")).text();
    const start = page.indexOf('<form id="coupon-editor"');
    const markup = page.slice(start, page.indexOf("</form>", start));
    const paths = [...markup.matchAll(/data-path="([^"]+)"/g)].map((m) => m[1]);
    expect(paths.sort()).toEqual(Object.keys(couponDraftSchema.shape).sort());
    expect(markup).toContain("Amount off (yuan; saved as whole fen)");
    const zh = await (await exports.default.fetch("https://shop.test/admin?lang=zh-CN")).text();
    expect(zh).toContain('<html lang="en">'); // the rest of the console is in English
    expect(zh).toContain('<form id="coupon-editor" class="card" lang="zh-CN"');
    expect(zh).toContain("减免金额（元；按整数分保存）");
  });

  it("has a field for every field of a team campaign (issue 14), in the shop's language", async () => {
    const page = await (await exports.default.fetch("https://shop.test/admin")).text();
    const start = page.indexOf('<form id="team-editor"');
    const markup = page.slice(start, page.indexOf("</form>", start));
    const paths = [...markup.matchAll(/data-path="([^"]+)"/g)].map((m) => m[1]);
    // The SKUs are the one field of appliesTo; the time to complete is typed in hours.
    const fields = Object.keys(teamCampaignDraftSchema.shape).map((key) => (key === "appliesTo" ? "appliesTo.skus" : key));
    expect(paths.sort()).toEqual(fields.sort());
    expect(markup).toContain("Time to complete a team (hours; 1/60 to 168)");
    const zh = await (await exports.default.fetch("https://shop.test/admin?lang=zh-CN")).text();
    expect(zh).toContain('<form id="team-editor" class="card" lang="zh-CN"');
    expect(zh).toContain("成团后瓜分的金额（元；按整数分保存）");
  });

  it("has a field for every field of a livestream (issue 15), in the shop's language", async () => {
    const page = await (await exports.default.fetch("https://shop.test/admin")).text();
    const start = page.indexOf('<form id="livestream-editor"');
    const markup = page.slice(start, page.indexOf("</form>", start));
    const paths = [...markup.matchAll(/data-path="([^"]+)"/g)].map((m) => m[1]);
    expect(paths.sort()).toEqual(Object.keys(livestreamDraftSchema.shape).sort());
    expect(markup).toContain("Claim code announced on air");
    const zh = await (await exports.default.fetch("https://shop.test/admin?lang=zh-CN")).text();
    expect(zh).toContain('<form id="livestream-editor" class="card" lang="zh-CN"');
    expect(zh).toContain("直播间公布的领券口令");
  });

  it("signs staff in with email and password first, for their password manager, and a token second", async () => {
    const page = await (await exports.default.fetch("https://shop.test/admin")).text();
    const form = (id: string) => page.slice(page.indexOf(`<form id="${id}"`), page.indexOf("</form>", page.indexOf(`<form id="${id}"`)));
    const password = form("password-sign-in");
    expect(password).toContain('<input name="email" type="email" autocomplete="username" required />');
    expect(password).toContain('<input name="password" type="password" autocomplete="current-password" required />');
    // The token way (ADMIN_TOKEN, API keys) comes after, folded in a <details> the person opens.
    expect(page.indexOf('id="password-sign-in"')).toBeLessThan(page.indexOf('<details id="token-way">'));
    expect(page.indexOf('<details id="token-way">')).toBeLessThan(page.indexOf('<form id="token-sign-in"'));
    expect(form("token-sign-in")).toContain('<input name="token" type="password" autocomplete="off" required />');
  });

  it("marks its controls with capabilities of the role table", async () => {
    const page = await (await exports.default.fetch("https://shop.test/admin")).text();
    const marked = Object.fromEntries([...page.matchAll(/id="([^"]+)"[^>]*data-capability="([^"]+)"/g)].map((m) => [m[1], m[2]]));
    expect(marked).toEqual({
      "sign-out": "self",
      "new-sale": "editSales",
      "show-audit": "readAudit",
      "show-shoppers": "readShoppers",
      "show-points": "readShoppers",
      "open-dashboard": "readMetrics",
      shoppers: "readShoppers",
      "points-refunds": "readShoppers",
      "refund-form": "refundOrders",
      editor: "editSales",
      "show-experiments": "readExperiments",
      "experiment-editor": "editExperiments",
      "show-coupons": "readSales",
      coupons: "readSales",
      "new-coupon": "editSales",
      "coupon-editor": "editSales",
      "show-propagation": "readSales",
      propagation: "readSales",
      "show-teams": "readSales",
      teams: "readSales",
      "new-team-campaign": "editSales",
      "team-editor": "editSales",
      "show-store-coupons": "readSales",
      "store-coupons": "readSales",
      "show-stores": "readSales",
      stores: "readSales",
      "new-store": "editSales",
      "import-stores": "editSales",
      "store-editor": "editSales",
      "store-import": "editSales",
      "store-tokens": "editSales",
      "show-livestreams": "readSales",
      livestreams: "readSales",
      "new-livestream": "editSales",
      "livestream-editor": "editSales",
      "show-invoices": "readShoppers",
      invoices: "readShoppers",
      "show-member-tiers": "readSales",
      "show-price-protection": "readSales",
      "member-tiers": "readSales",
      "edit-member-tiers": "editSales",
      "member-tiers-audit": "readAudit",
      "member-lookup": "readShoppers",
      "member-tiers-editor": "editSales",
      "price-protection": "readSales",
      "show-crm": "readCrm",
      crm: "readCrm",
      "show-adviser-board": "readAdviserBoard",
      "adviser-board": "readAdviserBoard",
      "edit-adviser-board": "editAdviserBoard",
      "adviser-board-editor": "editAdviserBoard",
      "show-segments": "readSegments",
      segments: "readSegments",
      "run-segments": "runSegments",
      "segment-lookup": "readShoppers",
      "show-audiences": "readAudiences",
      audiences: "readAudiences",
      "audience-form": "editAudiences",
      "show-follow-ups": "readFollowUps",
      "follow-ups": "readFollowUps",
      "new-sequence": "editFollowUps",
      "sequence-editor": "editFollowUps",
      "show-conversations": "serveShoppers",
      "show-advisers": "manageAdvisers",
      conversations: "serveShoppers",
      advisers: "manageAdvisers",
      "show-ads": "readAds",
      ads: "readAds",
      "new-ad-campaign": "editAds",
      "ad-campaign-editor": "editAds",
      "show-recommendations": "readRecs",
      recommendations: "readRecs",
      "rollback-recs": "editRecs",
      // Issue 18, part B.
      "show-ad-report": "readAds",
      "ad-report": "readAds",
      // Issue 19.
      "show-forecasts": "readForecasts",
      forecasts: "readForecasts",
      "run-forecast": "editForecasts",
    });
  });

  // The browser program cannot import the handlers' modules (they need workerd's globals),
  // so the console states the API's shapes itself (web/client/console/api-types.ts); here,
  // in the Worker's program, each must be the server's own type, or the typecheck fails.
  it("reads the API with the server's own types", () => {
    type Value<T> = Extract<Awaited<T>, { ok: true; value: unknown }>["value"];
    expectTypeOf<Console.AdminSale>().toEqualTypeOf<AdminSale>();
    expectTypeOf<Console.SaleSaved>().toEqualTypeOf<SaleSaved>();
    expectTypeOf<Omit<Console.DeadLetters, "sku">>().toEqualTypeOf<Value<ReturnType<SkuSale["deadLetters"]>>>();
    expectTypeOf<Omit<Console.DeadLettersRetried, "sku">>().toEqualTypeOf<Value<ReturnType<SkuSale["retryDeadLetters"]>>>();
    expectTypeOf<Console.Me["staff"]>().toEqualTypeOf<StaffIdentity>();
    // The Shoppers view (issue 13): the types the handlers answer by (their schemas are held to them with Describes).
    expectTypeOf<Console.ShopperProfile>().toEqualTypeOf<Awaited<ReturnType<typeof readProfile>>>();
    expectTypeOf<Console.ShopperEvents["events"]>().toEqualTypeOf<Awaited<ReturnType<typeof recentEvents>>>();
    expectTypeOf<Console.EventsOverview>().toEqualTypeOf<Awaited<ReturnType<typeof eventsOverview>>>();
    // Points & refunds (issue 16).
    expectTypeOf<Console.OrderRefund>().toEqualTypeOf<OrderRefund>();
    // Coupons (issue 14): the types of the handlers' response schemas.
    expectTypeOf<Console.CouponPoolFigures>().toEqualTypeOf<CouponPoolFigures>();
    expectTypeOf<Console.CouponTemplateFigures>().toEqualTypeOf<CouponTemplateFigures>();
    expectTypeOf<Console.CouponAuditEntry>().toEqualTypeOf<CouponAuditEntry>();
    // The Propagation view (issue 14).
    expectTypeOf<Console.PropagationReport>().toEqualTypeOf<Awaited<ReturnType<typeof namedReport>>>();
    expectTypeOf<Console.PropagationCampaigns["campaigns"]>().toEqualTypeOf<Awaited<ReturnType<typeof listCampaigns>>>();
    expectTypeOf<Console.PropagationCampaigns["campaigns"][number]>().toEqualTypeOf<CampaignSummary>();
    // Team red packets (issue 14): the same.
    expectTypeOf<Console.TeamCampaignFigures>().toEqualTypeOf<TeamCampaignFigures>();
    expectTypeOf<Console.TeamCampaignWithFigures>().toEqualTypeOf<TeamCampaignWithFigures>();
    expectTypeOf<Console.TeamCampaignAuditEntry>().toEqualTypeOf<TeamCampaignAuditEntry>();
    // Store coupons (issue 15): the reports the routes answer (their schemas are held to them with Describes).
    expectTypeOf<Console.StoreCouponReport>().toEqualTypeOf<Awaited<ReturnType<typeof storeCouponReport>>>();
    expectTypeOf<Console.LivestreamReport>().toEqualTypeOf<NonNullable<Awaited<ReturnType<typeof livestreamReport>>>>();
    expectTypeOf<Console.StoreReport>().toEqualTypeOf<NonNullable<Awaited<ReturnType<typeof storeReport>>>>();
    // Stores (issue 15): the records the handlers answer with.
    expectTypeOf<Console.StoreStaffToken>().toEqualTypeOf<StaffTokenRecord>();
    expectTypeOf<Console.StoreImport>().toEqualTypeOf<StoresWritten>();
    // Livestreams (issue 15).
    expectTypeOf<Console.LivestreamAuditTrail["entries"][number]>().toEqualTypeOf<LivestreamAuditEntry>();
    // Member tiers and price protection (issue 16).
    expectTypeOf<Console.MemberTiersAuditTrail["entries"][number]>().toEqualTypeOf<TierConfigAuditEntry>();
    expectTypeOf<Omit<Console.PriceProtectionReport, "timeZone">>().toEqualTypeOf<Awaited<ReturnType<typeof claimsReport>>>();
    // RFM segments (issue 17).
    expectTypeOf<SegmentConsole.SegmentOverview>().toEqualTypeOf<SegmentOverviewBody>();
    expectTypeOf<SegmentConsole.SegmentRunResult>().toEqualTypeOf<SegmentRunBody>();
    expectTypeOf<ForecastConsole.ForecastList>().toEqualTypeOf<ForecastListBody>();
  });
});

describe("GET /admin/dashboard: the live dashboard (issue 13)", () => {
  it("serves its shell uncached under the console's policy, running only its own script and stylesheet, in the asked language", async () => {
    const response = await exports.default.fetch("https://shop.test/admin/dashboard", { headers: { "Accept-Language": "zh-CN,zh;q=0.9" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const csp = response.headers.get("Content-Security-Policy") ?? "";
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    const page = await response.text();
    expect(page).toContain('<html lang="zh-CN">');
    expect(page).toContain(`<script nonce="${nonce}" type="module" src="${manifest.scripts.dashboard}"></script>`);
    expect(page.match(/<script/g)).toHaveLength(1);
    expect(page).toContain(`<link rel="stylesheet" href="${manifest.styles.dashboard}" />`);
    expect(page).not.toContain("<style");
    expect(page).not.toContain("style=");
    for (const id of ["verdict-p99Latency", "verdict-paymentSuccess", "verdict-couponRedemption", "chart-latency", "chart-stock"]) {
      expect(page).toContain(`id="${id}"`);
    }
    const english = await (await exports.default.fetch("https://shop.test/admin/dashboard?lang=en")).text();
    expect(english).toContain('<html lang="en">');
    expect(english).toContain("Payment success");
  });
});
