import { describe, expect, it } from "vitest";
import { isReferralCode } from "../../src/share/referral-code.ts";
import { withPostgres } from "./postgres-support.ts";
import { type ApiError, Shopper } from "./support.ts";

/**
 * Share links and landings (issue 14) through the storefront Worker, against the test stack's
 * Postgres: a link carries the five UTM parameters and the sharer's referral code, a landing
 * records a `share_landings` row and a `visit` edge, and a self-referral is refused with
 * nothing written.
 */

interface ShareLink {
  url: string;
  referralCode: string;
  utm: Record<string, string>;
}
interface Landed {
  recorded: boolean;
  referred: boolean;
  edge: "tree" | "touch" | null;
  utm: Record<string, string>;
}

/** A campaign of this test only: edges are per campaign. */
const campaign = () => `c-${crypto.randomUUID().slice(0, 8)}`;

async function linkOf(shopper: Shopper, body: Record<string, unknown>): Promise<ShareLink> {
  const response = await shopper.post("/api/share/links", body);
  expect(response.status).toBe(201);
  return response.json<ShareLink>();
}

async function land(shopper: Shopper, url: string): Promise<Response> {
  return shopper.post("/api/share/landings", { url });
}

function landingsOf(shopperId: string) {
  return withPostgres(
    async (pool) =>
      (
        await pool.query(
          "select referral_code, referrer_id, utm_source, utm_medium, utm_campaign, utm_term, utm_content from share_landings where shopper_id = $1 order by id",
          [shopperId],
        )
      ).rows,
  );
}

function edgesOf(campaignName: string) {
  return withPostgres(
    async (pool) =>
      (
        await pool.query("select inviter_id, invitee_id, kind, tree_edge from propagation_edges where campaign = $1 order by id", [
          campaignName,
        ])
      ).rows,
  );
}

describe("POST /api/share/links", () => {
  it("makes a link with the five UTM parameters and the sharer's referral code, never the shopper id", async () => {
    const sharer = await Shopper.create();
    const name = campaign();
    const link = await linkOf(sharer, {
      path: "/sales/demo-earbuds",
      campaign: name,
      source: "wechat",
      medium: "social",
      sku: "demo-earbuds",
    });
    expect(isReferralCode(link.referralCode)).toBe(true);
    const url = new URL(link.url);
    expect(url.origin).toBe("https://shop.test");
    expect(url.pathname).toBe("/sales/demo-earbuds");
    expect([...url.searchParams.keys()]).toEqual(["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "ref"]);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      utm_source: "wechat",
      utm_medium: "social",
      utm_campaign: name,
      utm_term: "demo-earbuds",
      utm_content: "team",
      ref: link.referralCode,
    });
    expect(link.utm).toEqual({ source: "wechat", medium: "social", campaign: name, term: "demo-earbuds", content: "team" });
    expect(link.url).not.toContain(sharer.id);
    // Registered once: sharing again answers the same code, and the table has one row.
    const again = await linkOf(sharer, { path: "/teams/t1", campaign: name });
    expect(again.referralCode).toBe(link.referralCode);
    expect(Object.fromEntries(new URL(again.url).searchParams)).toMatchObject({
      utm_source: "link",
      utm_medium: "referral",
      utm_term: "all",
    });
    const rows = await withPostgres(
      async (pool) => (await pool.query("select code from referral_codes where shopper_id = $1", [sharer.id])).rows,
    );
    expect(rows).toEqual([{ code: link.referralCode }]);
  });

  it("refuses a path off this shop's pages, and a bad UTM value, as 400", async () => {
    const sharer = await Shopper.create();
    for (const path of ["//evil.example/x", "https://evil.example/", "/api/session", "/admin", "/api?x=1", "sales/x", "/a\\b"]) {
      const response = await sharer.post("/api/share/links", { path, campaign: "c1" });
      expect(response.status, path).toBe(400);
      expect((await response.json<ApiError>()).error.code).toBe("invalid_request");
    }
    const response = await sharer.post("/api/share/links", { path: "/sales/x", campaign: " padded " });
    expect(response.status).toBe(400);
  });

  it("is a shopper write: JSON only, same origin", async () => {
    const sharer = await Shopper.create();
    const form = await sharer.request("/api/share/links", { method: "POST", body: "path=/sales/x" });
    expect(form.status).toBe(415);
    const foreign = await sharer.post("/api/share/links", { path: "/sales/x", campaign: "c" }, { Origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
  });
});

describe("POST /api/share/landings", () => {
  it("records the landing with its UTM and referrer, and a visit edge that places the shopper in the campaign's tree", async () => {
    const sharer = await Shopper.create();
    const friend = await Shopper.create();
    const name = campaign();
    const link = await linkOf(sharer, {
      path: "/sales/demo-earbuds",
      campaign: name,
      source: "wechat",
      medium: "social",
      sku: "demo-earbuds",
    });
    const response = await land(friend, link.url);
    expect(response.status).toBe(200);
    expect(await response.json<Landed>()).toEqual({
      recorded: true,
      referred: true,
      edge: "tree",
      utm: { source: "wechat", medium: "social", campaign: name, term: "demo-earbuds", content: "team" },
    });
    expect(await landingsOf(friend.id)).toEqual([
      {
        referral_code: link.referralCode,
        referrer_id: sharer.id,
        utm_source: "wechat",
        utm_medium: "social",
        utm_campaign: name,
        utm_term: "demo-earbuds",
        utm_content: "team",
      },
    ]);
    expect(await edgesOf(name)).toEqual([{ inviter_id: sharer.id, invitee_id: friend.id, kind: "visit", tree_edge: true }]);

    // The same landing again (a reload) records nothing more.
    expect(await (await land(friend, link.url)).json<Landed>()).toMatchObject({ recorded: false, referred: true, edge: null });
    expect(await landingsOf(friend.id)).toHaveLength(1);
    expect(await edgesOf(name)).toHaveLength(1);
  });

  it("keeps one parent per shopper: a second inviter is a touch, and a link back up the tree is never a tree edge", async () => {
    const [a, b, c] = await Promise.all([Shopper.create(), Shopper.create(), Shopper.create()]);
    const name = campaign();
    const linkA = await linkOf(a, { path: "/sales/demo-earbuds", campaign: name });
    const linkB = await linkOf(b, { path: "/sales/demo-earbuds", campaign: name });
    const linkC = await linkOf(c, { path: "/sales/demo-earbuds", campaign: name });
    expect((await (await land(b, linkA.url)).json<Landed>()).edge).toBe("tree"); // A → B
    expect((await (await land(c, linkB.url)).json<Landed>()).edge).toBe("tree"); // B → C
    expect((await (await land(c, linkA.url)).json<Landed>()).edge).toBe("touch"); // A → C: C has a parent
    expect((await (await land(a, linkC.url)).json<Landed>()).edge).toBe("touch"); // C → A: back up the tree
    const edges = await edgesOf(name);
    expect(edges.filter((edge) => edge.tree_edge)).toEqual([
      { inviter_id: a.id, invitee_id: b.id, kind: "visit", tree_edge: true },
      { inviter_id: b.id, invitee_id: c.id, kind: "visit", tree_edge: true },
    ]);
    expect(edges).toHaveLength(4);
  });

  it("refuses a landing through the shopper's own link: 409 self_referral, nothing written", async () => {
    const sharer = await Shopper.create();
    const name = campaign();
    const link = await linkOf(sharer, { path: "/sales/demo-earbuds", campaign: name });
    const response = await land(sharer, link.url);
    expect(response.status).toBe(409);
    const body = await response.json<ApiError>();
    expect(body.error.code).toBe("self_referral");
    expect(body.error.message).toMatch(/own referral code/);
    expect(await landingsOf(sharer.id)).toEqual([]);
    expect(await edgesOf(name)).toEqual([]);
  });

  it("records a campaign landing without a referrer, and an unknown code as unresolved, without an edge", async () => {
    const shopper = await Shopper.create();
    const name = campaign();
    const ad = await land(shopper, `https://shop.test/sales/demo-earbuds?utm_source=weibo&utm_medium=cpc&utm_campaign=${name}`);
    expect(await ad.json<Landed>()).toEqual({
      recorded: true,
      referred: false,
      edge: null,
      utm: { source: "weibo", medium: "cpc", campaign: name },
    });
    const unknown = await land(shopper, `/sales/demo-earbuds?utm_campaign=${name}&ref=zzzzzzzzzzzz`);
    expect(await unknown.json<Landed>()).toMatchObject({ recorded: true, referred: false, edge: null });
    expect(await landingsOf(shopper.id)).toEqual([
      expect.objectContaining({ referral_code: null, referrer_id: null, utm_source: "weibo", utm_campaign: name }),
      expect.objectContaining({ referral_code: "zzzzzzzzzzzz", referrer_id: null, utm_source: null, utm_campaign: name }),
    ]);
    expect(await edgesOf(name)).toEqual([]);
  });

  it("records nothing for an address without ref or UTM, or one that does not parse", async () => {
    const shopper = await Shopper.create();
    for (const url of ["/sales/demo-earbuds", "http://[::1", "/x?ref=NOT-A-CODE"]) {
      const response = await land(shopper, url);
      expect(response.status).toBe(200);
      expect(await response.json<Landed>()).toMatchObject({ recorded: false, referred: false, edge: null });
    }
    expect(await landingsOf(shopper.id)).toEqual([]);
  });
});
