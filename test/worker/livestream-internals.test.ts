import { createExecutionContext, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { CouponPool } from "../../durable-objects/coupon-pool/index.ts";
import type { EventMessage } from "../../src/events/event-message.ts";
import worker from "../../workers/storefront/index.ts";
import { liveClaim, seedLivestream, seedStoreTemplate } from "./livestream-support.ts";
import { seedStaffToken, seedStore } from "./store-support.ts";
import { Shopper } from "./support.ts";

/**
 * Issue 15 below the routes: what the claim and the redemption tell the events table (the store-coupon
 * figures read them), the livestream pages' policy, and the pool reading coupons it stored
 * before store coupons existed.
 */
class RecordingQueue {
  readonly sent: EventMessage[] = [];
  async send(body: EventMessage): Promise<void> {
    this.sent.push(structuredClone(body));
  }
  async sendBatch(): Promise<void> {
    throw new Error("not used");
  }
}

async function throughWorker(path: string, init: RequestInit): Promise<{ response: Response; events: EventMessage["events"] }> {
  const queue = new RecordingQueue();
  const ctx = createExecutionContext();
  const response = await worker.request(`https://shop.test${path}`, init, { ...env, EVENTS: queue as unknown as Queue }, ctx);
  await waitOnExecutionContext(ctx);
  return { response, events: queue.sent.flatMap((message) => message.events) };
}

describe("livestream coupons below the routes", () => {
  it("emits coupon_claimed with the livestream and template, and coupon_redeemed with the store, livestream and template", async () => {
    const template = await seedStoreTemplate();
    const store = await seedStore();
    const livestream = await seedLivestream([template.id], [store.id]);
    const shopper = await Shopper.create();
    const claim = await throughWorker(`/api/livestreams/${livestream.id}/claim`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Cookie: shopper.cookie, "Idempotency-Key": crypto.randomUUID() },
      body: JSON.stringify({ templateId: template.id }),
    });
    expect(claim.response.status).toBe(201);
    const { coupon } = await claim.response.json<{ coupon: { id: string } }>();
    expect(claim.events).toEqual([
      expect.objectContaining({
        type: "coupon_claimed",
        couponId: coupon.id,
        shopperId: shopper.id,
        livestreamId: livestream.id,
        templateId: template.id,
      }),
    ]);

    const token = await seedStaffToken(store.id);
    const redeem = await throughWorker(`/api/stores/${store.id}/redemptions`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: token, "Idempotency-Key": crypto.randomUUID() },
      body: JSON.stringify({ code: coupon.id }),
    });
    expect(redeem.response.status).toBe(201);
    expect(redeem.events).toEqual([
      expect.objectContaining({
        type: "coupon_redeemed",
        id: `${coupon.id}:redeemed`,
        couponId: coupon.id,
        shopperId: shopper.id,
        storeId: store.id,
        livestreamId: livestream.id,
        templateId: template.id,
      }),
    ]);
  });

  it("serves /live and /live/<id> with the stream's one origin in the policy: media-src for a video, frame-src for an embed", async () => {
    const template = await seedStoreTemplate();
    const store = await seedStore();
    const video = await seedLivestream([template.id], [store.id], { streamUrl: "https://cdn.example.com/live/a.m3u8" });
    const embed = await seedLivestream([template.id], [store.id], { embed: "iframe", streamUrl: "https://player.example.net/embed/1" });
    const list = await exports.default.fetch("https://shop.test/live");
    expect(list.status).toBe(200);
    expect(list.headers.get("Cache-Control")).toBe("private, no-store");
    const policyOf = async (id: string) => {
      const response = await exports.default.fetch(`https://shop.test/live/${id}`);
      expect(response.status).toBe(200);
      return { csp: response.headers.get("Content-Security-Policy") ?? "", body: await response.text() };
    };
    const a = await policyOf(video.id);
    expect(a.csp).toContain("media-src 'self' https://cdn.example.com");
    expect(a.csp).not.toContain("frame-src");
    expect(a.body).toContain('<video id="stream"');
    const b = await policyOf(embed.id);
    expect(b.csp).toContain("frame-src https://player.example.net");
    expect(b.csp).not.toContain("media-src");
    expect(b.body).toMatch(/<iframe\s+id="stream"[^>]*sandbox="allow-scripts allow-same-origin allow-presentation"/);
    expect((await exports.default.fetch("https://shop.test/live/no-such-livestream")).status).toBe(404);
  });

  it("reads coupons stored before issue 15 with its fields null, and stamps only store coupons", async () => {
    const online = await seedStoreTemplate({ redeem: "online" });
    const pool = env.COUPON_POOL.getByName(online.id);
    const claimed = await pool.claim(online, "shp_olderthanissue15aaaa", "key-old");
    expect(claimed.ok).toBe(true);
    const id = claimed.ok ? claimed.value.coupon.id : "";
    // Rewrite the row as issue 14 wrote it: none of the new fields.
    await runInDurableObject(pool, (_instance: CouponPool, state) => {
      const row = state.storage.sql.exec<{ data: string }>("SELECT data FROM coupons WHERE id = ?", id).one();
      const { stores, livestreamId, shortCode, redeemedAt, redeemedStoreId, ...old } = JSON.parse(row.data) as Record<string, unknown>;
      state.storage.sql.exec("UPDATE coupons SET data = ? WHERE id = ?", JSON.stringify(old), id);
    });
    expect(await pool.findById(id)).toMatchObject({
      id,
      stores: null,
      livestreamId: null,
      shortCode: null,
      redeemedAt: null,
      redeemedStoreId: null,
    });
    expect(await pool.wallet("shp_olderthanissue15aaaa")).toMatchObject([{ id, shortCode: null }]);

    // A stamp on an online template, or none on a store template: not claimable that way.
    expect(await pool.claim(online, "shp_b", "k", { livestreamId: "l", stores: ["s"] })).toMatchObject({
      ok: false,
      error: { code: "not_found" },
    });
    const inStore = await seedStoreTemplate();
    expect(await env.COUPON_POOL.getByName(inStore.id).claim(inStore, "shp_b", "k")).toMatchObject({
      ok: false,
      error: { code: "not_found" },
    });
  });

  it("answers a replayed claim through the livestream API with the same coupon and short code", async () => {
    const template = await seedStoreTemplate();
    const store = await seedStore();
    const livestream = await seedLivestream([template.id], [store.id]);
    const shopper = await Shopper.create();
    const key = crypto.randomUUID();
    const first = await (await liveClaim(shopper, livestream.id, { templateId: template.id }, key)).json<{
      coupon: { shortCode: string };
    }>();
    const again = await (await liveClaim(shopper, livestream.id, { templateId: template.id }, key)).json<{
      coupon: { shortCode: string };
    }>();
    expect(again.coupon.shortCode).toBe(first.coupon.shortCode);
    expect((await env.COUPON_POOL.getByName(template.id).stats()).claimed).toBe(1);
  });
});
