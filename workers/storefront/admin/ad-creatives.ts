import { z } from "@hono/zod-openapi";
import { type AdImageSummary, findAdImages, listAdImages, recordAdImage, renderedSizesOf } from "../../../src/ads/ad-images.ts";
import { adImageUrl } from "../../../src/ads/campaign.ts";
import { AD_IMAGE_LIMITS, sniffImage } from "../../../src/ads/image-sniff.ts";
import { AppError } from "../../../src/errors.ts";
import { readJson } from "../api/request-body.ts";
import { requireJsonContentType } from "../api/validation.ts";
import { adminRoute } from "../contract/admin-route.ts";
import { handlerValidatedBody } from "../contract/handler-validated-body.ts";
import { noStore } from "../contract/no-store.ts";
import { contractApp } from "../contract/route.ts";
import { epochMs, int } from "../contract/units.ts";
import { auditActor } from "./auth.ts";
import { readDatabase } from "./read-database.ts";
import { adminActorHeader } from "./request.ts";

/**
 * Creative images for ad campaigns (issue 18) under /admin/api/ad-creatives: a marketer uploads
 * an image as base64 JSON (≤ 1 MiB decoded); its type is told by its bytes (PNG, JPEG or WebP)
 * and its dimensions read, then it is kept in Postgres queued for the Node renderer
 * (scripts/ads/render-creatives.ts), which draws every placement's and off-site channel's size
 * as WebP and JPEG. A campaign can name an image only once it is rendered.
 */

/** 1 MiB of file is ~1.34 MiB of base64, with room for the name and the envelope. */
export const AD_UPLOAD_BODY_LIMIT = Math.ceil((AD_IMAGE_LIMITS.maxBytes * 4) / 3) + 4096;

const READ = { what: "ad creative images", log: "admin ad creatives", timeoutMs: 10_000 };
const WRITE = { what: "the ad creative image", log: "admin ad creatives upload", timeoutMs: 15_000 };

const imageSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    contentType: z.enum(["image/png", "image/jpeg", "image/webp"]),
    width: int,
    height: int,
    byteSize: int.describe("the original's bytes"),
    status: z.enum(["queued", "rendered", "failed"]).describe("queued: waiting for the renderer; failed: see `error`"),
    error: z.string().nullable(),
    createdAt: epochMs,
    renderedAt: epochMs.nullable(),
  })
  .openapi("AdImage");

const variantSchema = z
  .object({
    width: int,
    height: int,
    format: z.enum(["webp", "jpg"]),
    byteSize: int,
    url: z.string().describe("/ads/img/<id>-<w>x<h>.<format>"),
  })
  .openapi("AdImageVariant");

const uploadBody = z
  .object({
    name: z.string().trim().min(1, "must not be empty").max(120, "must be at most 120 characters"),
    file: z.string().min(1, "must not be empty").describe("the image, base64 (a `data:` prefix allowed): PNG, JPEG or WebP, at most 1 MiB"),
  })
  .strict()
  .describe("A creative image to upload");

/** What the routes answer (the console states it in its types; the workerd test holds them equal). */
export type AdminAdImage = z.output<typeof imageSchema>;
export type AdminAdImageVariant = z.output<typeof variantSchema>;

const uploadRoute = adminRoute({
  method: "post",
  path: "/ad-creatives",
  admits: "editAds",
  summary: "Upload a creative image (base64 JSON), queued for rendering at every ad size",
  description:
    "The type is told by the bytes (PNG, JPEG or WebP; anything else is 422 `ad_image_invalid` listing every problem, as are sides under 100 or over 8000 px). Over 1 MiB decoded (or a body over ~1.34 MiB) is 413. The same bytes uploaded again answer the image already kept (200, `created: false`), so a retry is safe. The renderer draws each placement's and off-site channel's size as WebP and JPEG; `GET /admin/api/ad-creatives/{id}` shows when it is `rendered`.",
  request: { headers: adminActorHeader, body: handlerValidatedBody("AdImageUpload", "the image") },
  responses: {
    200: {
      description: "the same bytes were uploaded before: that image",
      content: { "application/json": { schema: z.object({ image: imageSchema, created: z.boolean() }) } },
    },
    201: {
      description: "kept, queued for the renderer",
      content: { "application/json": { schema: z.object({ image: imageSchema, created: z.boolean() }) } },
    },
  },
  errors: ["unsupported_media_type", "payload_too_large", "invalid_request", "ad_image_invalid", "dependency_unavailable"],
});

const listRoute = adminRoute({
  method: "get",
  path: "/ad-creatives",
  admits: "readAds",
  summary: "The newest 100 creative images, with their render status",
  responses: {
    200: {
      description: "the images",
      headers: noStore("a render may finish at any time"),
      content: { "application/json": { schema: z.object({ images: z.array(imageSchema) }) } },
    },
  },
  errors: ["dependency_unavailable"],
});

const getRoute = adminRoute({
  method: "get",
  path: "/ad-creatives/{id}",
  admits: "readAds",
  summary: "One creative image and its rendered variants (each size as WebP and JPEG)",
  request: { params: z.object({ id: z.string().openapi({ param: { description: "the image's id" } }) }) },
  responses: {
    200: {
      description: "the image and its variants (none while queued)",
      headers: noStore("a render may finish at any time"),
      content: { "application/json": { schema: z.object({ image: imageSchema, variants: z.array(variantSchema) }) } },
    },
  },
  errors: ["not_found", "dependency_unavailable"],
});

export const adminAdCreatives = contractApp()
  .openapi(uploadRoute, async (c) => {
    const actor = auditActor(c);
    requireJsonContentType(c);
    const input = await readJson(c, AD_UPLOAD_BODY_LIMIT);
    const parsed = uploadBody.safeParse(input);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`);
      throw new AppError("invalid_request", `invalid upload: ${problems.join("; ")}`, { problems });
    }
    const bytes = fileBytes(parsed.data.file);
    if (bytes.length > AD_IMAGE_LIMITS.maxBytes) {
      throw new AppError("payload_too_large", `the image is ${bytes.length} bytes; at most ${AD_IMAGE_LIMITS.maxBytes} (1 MiB)`, {
        limit: AD_IMAGE_LIMITS.maxBytes,
      });
    }
    const sniffed = sniffImage(bytes);
    if (!sniffed.ok)
      throw new AppError("ad_image_invalid", `invalid image: ${sniffed.problems.join("; ")}`, { problems: sniffed.problems });
    const { image, created } = await readDatabase(c.env, WRITE, (db) =>
      recordAdImage(db, { bytes, image: sniffed.image, name: parsed.data.name, actor, at: Date.now() }),
    );
    return created ? c.json({ image, created }, 201) : c.json({ image, created }, 200);
  })
  .openapi(listRoute, async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json({ images: await readDatabase(c.env, READ, (db) => listAdImages(db)) }, 200);
  })
  .openapi(getRoute, async (c) => {
    const { id } = c.req.valid("param");
    const found = await readDatabase(c.env, READ, async (db) => {
      const [image] = await findAdImages(db, [id]);
      return image ? { image, sizes: await renderedSizesOf(db, id) } : null;
    });
    if (!found) throw new AppError("not_found", `no ad image "${id}"`);
    c.header("Cache-Control", "no-store");
    const variants = found.sizes.map((size) => ({ ...size, url: adImageUrl(id, size, size.format) }));
    return c.json({ image: found.image satisfies AdImageSummary, variants }, 200);
  });

adminAdCreatives.openAPIRegistry.register("AdImageUpload", uploadBody);

/** The file's bytes from base64 (standard or URL-safe, a `data:` prefix allowed); 400 listing the problem when it is not base64. */
function fileBytes(text: string): Uint8Array {
  const base64 = text
    .replace(/^data:[^,]*,/, "")
    .replace(/\s/g, "")
    .replace(/-/g, "+")
    .replace(/_/g, "/");
  const problem = "file: must be base64";
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) throw new AppError("invalid_request", problem, { problems: [problem] });
  try {
    return Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
  } catch {
    throw new AppError("invalid_request", problem, { problems: [problem] });
  }
}
