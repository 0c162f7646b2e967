import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type AdImageSummary, saveRenderedAdImage } from "../../src/ads/ad-images.ts";
import { type AdCampaign, RENDERED_SIZES } from "../../src/ads/campaign.ts";
import { databaseSettings } from "../../src/config.ts";
import { withDatabase } from "../../src/db/client.ts";
import { demoExperiments } from "../../src/experiments/demo-experiments.ts";
import { experimentKey } from "../../src/experiments/experiment-config.ts";
import type { AdminAdImage, AdminAdImageVariant } from "../../workers/storefront/admin/ad-creatives.ts";
import { base64Of, randomPng } from "../support/ad-image.ts";
import { admin, expectProblems, readError } from "./admin-support.ts";

/** Ad campaigns and creative images through the admin API, and rendered creatives at /ads/img (issue 18). */

type Uploaded = { image: AdminAdImage; created: boolean };

async function upload(bytes: Uint8Array, name = "banner.png") {
  return admin("/ad-creatives", { body: { name, file: base64Of(bytes) } });
}

/** What the renderer would keep: every size in both formats (here the original's bytes stand in for each). */
async function markRendered(imageId: string, bytes: Uint8Array): Promise<void> {
  const base64 = base64Of(bytes);
  const variants = RENDERED_SIZES.flatMap((size) => [
    { size, format: "webp" as const, base64, byteSize: bytes.length },
    { size, format: "jpg" as const, base64, byteSize: bytes.length },
  ]);
  await withDatabase(databaseSettings(env), (db) => saveRenderedAdImage(db, imageId, variants, Date.now()));
}

async function renderedImage(): Promise<{ id: string; bytes: Uint8Array }> {
  const bytes = randomPng();
  const { image } = await (await upload(bytes)).json<Uploaded>();
  await markRendered(image.id, bytes);
  return { id: image.id, bytes };
}

function draftCampaign(imageId: string, overrides: Record<string, unknown> = {}) {
  const now = Date.now();
  return {
    id: `ad-${crypto.randomUUID().slice(0, 12)}`,
    name: "双11 横幅",
    status: "active",
    startsAt: now - 60_000,
    endsAt: now + 3_600_000,
    budget: { impressions: 1_000 },
    placements: ["home_banner", "sale_slot"],
    offsite: ["wechat_moments"],
    creatives: [{ id: "red", variant: "a", headline: { "zh-CN": "双11 五折", en: "Half price" }, targetUrl: "/", imageId }],
    ...overrides,
  };
}

describe("creative image uploads", () => {
  it("keeps a PNG queued with its dimensions read from its bytes; the same bytes again answer the same image", async () => {
    const bytes = randomPng(640, 320);
    const first = await upload(bytes, "双11.png");
    expect(first.status).toBe(201);
    const { image, created } = await first.json<Uploaded>();
    expect(created).toBe(true);
    expect(image).toMatchObject({
      name: "双11.png",
      contentType: "image/png",
      width: 640,
      height: 320,
      byteSize: bytes.length,
      status: "queued",
    });
    const again = await upload(bytes, "retry.png");
    expect(again.status).toBe(200);
    expect(await again.json<Uploaded>()).toEqual({ image, created: false });
    const one = await (await admin(`/ad-creatives/${image.id}`)).json<{ image: AdminAdImage; variants: AdminAdImageVariant[] }>();
    expect(one).toEqual({ image, variants: [] });
    const listed = await (await admin("/ad-creatives")).json<{ images: AdImageSummary[] }>();
    expect(listed.images.map((i) => i.id)).toContain(image.id);
  });

  it("refuses what is not an image (422 listing the problem), too small sides (both listed), over 1 MiB (413), not base64 (400), not JSON (415)", async () => {
    const text = await upload(new TextEncoder().encode("GIF89a, or so it says"), "fake.png");
    expect(text.status).toBe(422);
    const notImage = await readError(text);
    expect(notImage.code).toBe("ad_image_invalid");
    expect(notImage.problems).toEqual([expect.stringMatching(/not a PNG, JPEG or WebP/)]);

    const small = await readError(await upload(randomPng(60, 40)));
    expect(small.problems).toEqual(["image: width 60 px is below 100 px", "image: height 40 px is below 100 px"]);

    const big = new Uint8Array(1024 * 1024 + 1);
    big.set(randomPng(200, 200));
    const tooLarge = await upload(big);
    expect(tooLarge.status).toBe(413);
    expect((await readError(tooLarge)).code).toBe("payload_too_large");

    const notBase64 = await admin("/ad-creatives", { body: { name: "x", file: "%%%" } });
    expect(notBase64.status).toBe(400);
    expect((await readError(notBase64)).problems).toEqual(["file: must be base64"]);

    const missing = await admin("/ad-creatives", { body: { file: "" } });
    expect(missing.status).toBe(400);
    expect((await readError(missing)).problems).toHaveLength(2);

    const form = await admin("/ad-creatives", { method: "POST", headers: { "Content-Type": "text/plain" } });
    expect(form.status).toBe(415);
  });

  it("is admitted only with credentials", async () => {
    expect((await admin("/ad-creatives", { token: null })).status).toBe(401);
  });
});

describe("rendered creatives at /ads/img", () => {
  it("serves each variant with its type, cached for a year as immutable, from the edge cache the second time; unknown ones are 404 and not cached", async () => {
    const { id, bytes } = await renderedImage();
    const url = `https://shop.test/ads/img/${id}-720x300.webp`;
    const first = await exports.default.fetch(url);
    expect(first.status).toBe(200);
    expect(first.headers.get("Content-Type")).toBe("image/webp");
    expect(first.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    expect(new Uint8Array(await first.arrayBuffer())).toEqual(bytes);
    const jpg = await exports.default.fetch(`https://shop.test/ads/img/${id}-1080x1920.jpg`);
    expect(jpg.headers.get("Content-Type")).toBe("image/jpeg");
    await jpg.arrayBuffer();
    await expect.poll(async () => (await exports.default.fetch(url)).headers.get("X-Edge-Cache")).toBe("HIT");

    const unknown = await exports.default.fetch(`https://shop.test/ads/img/${id}-333x333.webp`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("Cache-Control")).toBe("no-store");
    expect((await exports.default.fetch(`https://shop.test/ads/img/..%2Fsecret.webp`)).status).toBe(404);
    expect((await (await admin(`/ad-creatives/${id}`)).json<{ variants: AdminAdImageVariant[] }>()).variants).toHaveLength(
      RENDERED_SIZES.length * 2,
    );
  });
});

describe("ad campaigns through the admin API", () => {
  it("creates version 1, reads, lists, updates from the version read, keeps history and audit, exports a channel's creative set", async () => {
    const image = await renderedImage();
    const draft = draftCampaign(image.id);
    const created = await admin("/ad-campaigns", { body: draft, actor: encodeURIComponent("李娜") });
    expect(created.status).toBe(201);
    const { campaign } = await created.json<{ campaign: AdCampaign }>();
    expect(campaign).toMatchObject({
      ...draft,
      version: 1,
      updatedBy: "李娜",
      frequencyCap: { impressions: 3, hours: 24 },
      experiment: null,
    });
    expect((await (await admin(`/ad-campaigns/${draft.id}`)).json<{ campaign: AdCampaign }>()).campaign).toEqual(campaign);
    expect((await (await admin("/ad-campaigns")).json<{ campaigns: AdCampaign[] }>()).campaigns.map((c) => c.id)).toContain(draft.id);
    expect((await readError(await admin("/ad-campaigns", { body: draft }))).code).toBe("conflict");

    const updated = await admin(`/ad-campaigns/${draft.id}`, { method: "PUT", body: { ...draft, status: "paused", expectedVersion: 1 } });
    expect(updated.status).toBe(200);
    expect((await updated.json<{ campaign: AdCampaign }>()).campaign).toMatchObject({ version: 2, status: "paused" });
    expect(
      (await readError(await admin(`/ad-campaigns/${draft.id}`, { method: "PUT", body: { ...draft, expectedVersion: 1 } }))).code,
    ).toBe("conflict");
    const history = await (await admin(`/ad-campaigns/${draft.id}/history`)).json<{ versions: AdCampaign[] }>();
    expect(history.versions.map((v) => v.version)).toEqual([2, 1]);
    const audit = await (await admin(`/ad-campaigns/${draft.id}/audit`)).json<{ entries: Array<{ action: string; version: number }> }>();
    expect(audit.entries).toMatchObject([
      { action: "update", version: 2 },
      { action: "create", version: 1 },
    ]);

    const exported = await admin(`/ad-campaigns/${draft.id}/export?channel=wechat_moments`);
    expect(exported.status).toBe(200);
    expect(exported.headers.get("Content-Disposition")).toBe(`attachment; filename="${draft.id}-wechat_moments.json"`);
    expect(await exported.json()).toEqual({
      campaignId: draft.id,
      campaignVersion: 2,
      channel: "wechat_moments",
      creatives: [
        {
          id: "red",
          variant: "a",
          headline: { "zh-CN": "双11 五折", en: "Half price" },
          targetUrl: "https://shop.test/",
          images: [
            {
              width: 1080,
              height: 1080,
              webp: `https://shop.test/ads/img/${image.id}-1080x1080.webp`,
              jpg: `https://shop.test/ads/img/${image.id}-1080x1080.jpg`,
            },
            {
              width: 1280,
              height: 720,
              webp: `https://shop.test/ads/img/${image.id}-1280x720.webp`,
              jpg: `https://shop.test/ads/img/${image.id}-1280x720.jpg`,
            },
          ],
        },
      ],
    });
    // Every URL in the set is served.
    expect((await exports.default.fetch(`https://shop.test/ads/img/${image.id}-1280x720.jpg`)).status).toBe(200);
    await expectProblems(await admin(`/ad-campaigns/${draft.id}/export?channel=douyin_feed`), ["channel"]);
  });

  it("lists every problem at once, schema and references, and saves nothing: an empty window, an empty device list, an image not rendered, a missing image, an experiment on another surface", async () => {
    const rendered = await renderedImage();
    const { image: queued } = await (await upload(randomPng())).json<Uploaded>();
    const experiment = `exp-${crypto.randomUUID().slice(0, 8)}`;
    const [template] = demoExperiments(Date.now()).filter((e) => e.surface !== "ad_creative");
    await env.SALES.put(experimentKey(experiment), JSON.stringify({ ...template, key: experiment }));
    const draft = draftCampaign(rendered.id, {
      endsAt: Date.now() - 120_000,
      targeting: { segments: "all", devices: [], locales: ["en"] },
      experiment,
      creatives: [
        { id: "one", variant: "a", headline: { "zh-CN": "一", en: "One" }, targetUrl: "/", imageId: queued.id },
        {
          id: "two",
          variant: "b",
          headline: { "zh-CN": "二", en: "Two" },
          targetUrl: "https://shop.example.com/x",
          imageId: "nosuchimage0000",
        },
      ],
    });
    const schemaProblems = await expectProblems(await admin("/ad-campaigns", { body: draft }), ["endsAt", "targeting.devices"]);
    expect(schemaProblems.join(" ")).toMatch(/empty list targets nobody/);
    const refused = await expectProblems(
      await admin("/ad-campaigns", { body: { ...draft, endsAt: Date.now() + 60_000, targeting: undefined } }),
      ["creatives.0.imageId", "creatives.1.imageId", "experiment"],
    );
    expect(refused.join(" | ")).toMatch(/not rendered yet/);
    expect(refused.join(" | ")).toMatch(/not ad_creative/);
    expect((await admin(`/ad-campaigns/${draft.id}`)).status).toBe(404);
  });
});

describe("the OpenAPI document", () => {
  it("declares the ads routes with their capabilities and every error they answer", async () => {
    const document = await (await exports.default.fetch("https://shop.test/api/openapi.json")).json<{
      paths: Record<string, Record<string, { responses: Record<string, unknown>; "x-admits"?: string }>>;
    }>();
    const upload = document.paths["/admin/api/ad-creatives"]?.post;
    expect(upload?.["x-admits"]).toBe("editAds");
    expect(Object.keys(upload?.responses ?? {})).toEqual(expect.arrayContaining(["200", "201", "400", "413", "415", "422", "503"]));
    expect(document.paths["/admin/api/ad-campaigns"]?.post?.["x-admits"]).toBe("editAds");
    expect(document.paths["/admin/api/ad-campaigns/{id}"]?.put?.responses).toHaveProperty("409");
    expect(document.paths["/admin/api/ad-campaigns/{id}/export"]?.get?.["x-admits"]).toBe("readAds");
    expect(document.paths["/admin/api/ad-campaigns/{id}/history"]?.get).toBeDefined();
  });
});
