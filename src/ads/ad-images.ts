import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { adImages, adImageVariants } from "../db/schema.ts";
import { type AdImageFormat, adImageVariantId, type CreativeSize, RENDERED_SIZES } from "./campaign.ts";
import { IMAGE_CONTENT_TYPES, type SniffedImage } from "./image-sniff.ts";

/**
 * Creative images in Postgres (issue 18): the uploaded original, queued until the Node renderer
 * (scripts/ads/render-creatives.ts) has drawn every size in RENDERED_SIZES as WebP and JPEG.
 * Bytes travel as base64 and are converted by Postgres (`decode`/`encode`), so the Worker's
 * Neon driver and Node's see the same text.
 */

export type AdImageStatus = "queued" | "rendered" | "failed";

/** An image as the console and the admin API see it (never its bytes). */
export type AdImageSummary = {
  id: string;
  name: string;
  contentType: "image/png" | "image/jpeg" | "image/webp";
  width: number;
  height: number;
  byteSize: number;
  status: AdImageStatus;
  error: string | null;
  createdAt: number;
  renderedAt: number | null;
};

/** Times a render is tried before the image is marked failed. */
export const MAX_RENDER_ATTEMPTS = 3;

const summaryColumns = {
  id: adImages.id,
  name: adImages.name,
  contentType: adImages.contentType,
  width: adImages.width,
  height: adImages.height,
  byteSize: adImages.byteSize,
  status: adImages.status,
  error: adImages.error,
  createdAt: adImages.createdAt,
  renderedAt: adImages.renderedAt,
};

type SummaryRow = {
  id: string;
  name: string;
  contentType: string;
  width: number;
  height: number;
  byteSize: number;
  status: AdImageStatus;
  error: string | null;
  createdAt: Date;
  renderedAt: Date | null;
};

function present(row: SummaryRow): AdImageSummary {
  return {
    ...row,
    contentType: row.contentType as AdImageSummary["contentType"],
    createdAt: row.createdAt.getTime(),
    renderedAt: row.renderedAt?.getTime() ?? null,
  };
}

/** A fresh image id: 24 lowercase hex digits (AD_IMAGE_ID). */
export function newAdImageId(): string {
  return crypto.randomUUID().replaceAll("-", "").slice(0, 24);
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function toBase64(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

/**
 * Keeps an upload, queued for the renderer. The same bytes uploaded again (a retry, or the same
 * file twice) answer the image already kept (`created: false`), so a retry never queues twice.
 */
export async function recordAdImage(
  db: Database,
  upload: { bytes: Uint8Array; image: SniffedImage; name: string; actor: string | null; at: number },
): Promise<{ image: AdImageSummary; created: boolean }> {
  const sha256 = await sha256Hex(upload.bytes);
  const inserted = await db.execute<{ id: string }>(sql`
    insert into ${adImages} (id, name, content_type, width, height, byte_size, sha256, original, status, created_at, created_by)
    values (${newAdImageId()}, ${upload.name}, ${IMAGE_CONTENT_TYPES[upload.image.type]}, ${upload.image.width}, ${upload.image.height},
      ${upload.bytes.length}, ${sha256}, decode(${toBase64(upload.bytes)}, 'base64'), 'queued', ${new Date(upload.at).toISOString()}, ${upload.actor})
    on conflict (sha256) do nothing
    returning id`);
  const [row] = await db.select(summaryColumns).from(adImages).where(sql`${adImages.sha256} = ${sha256}`);
  if (!row) throw new Error("the uploaded image was neither kept nor found");
  return { image: present(row), created: inserted.rows.length > 0 };
}

/** The images with these ids that exist (any status). */
export async function findAdImages(db: Database, ids: readonly string[]): Promise<AdImageSummary[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select(summaryColumns)
    .from(adImages)
    .where(sql`${adImages.id} in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`);
  return rows.map(present);
}

/** The newest images, at most `limit`. */
export async function listAdImages(db: Database, limit = 100): Promise<AdImageSummary[]> {
  const rows = await db.select(summaryColumns).from(adImages).orderBy(sql`${adImages.createdAt} desc`).limit(limit);
  return rows.map(present);
}

/**
 * Problems with the images a campaign's creatives name: each must exist and be rendered
 * (a creative whose image is still queued, failed or missing would show nothing).
 */
export async function creativeImageProblems(db: Database, creatives: ReadonlyArray<{ imageId: string }>): Promise<string[]> {
  const found = new Map((await findAdImages(db, [...new Set(creatives.map((c) => c.imageId))])).map((image) => [image.id, image]));
  return creatives.flatMap(({ imageId }, i) => {
    const image = found.get(imageId);
    if (!image) return [`creatives.${i}.imageId: no uploaded image "${imageId}"`];
    if (image.status === "queued") return [`creatives.${i}.imageId: the image "${imageId}" is not rendered yet; save again once it is`];
    if (image.status === "failed")
      return [`creatives.${i}.imageId: the image "${imageId}" failed to render (${image.error ?? "unknown"}); upload another`];
    return [];
  });
}

export type LeasedAdImage = { id: string; attempts: number; original: string };

/**
 * Leases up to `limit` queued images (`for update skip locked`; a lease older than `leaseMs`,
 * from a renderer that died, is taken again), so renderers can run side by side. `only`: these
 * images and no others (tests sharing one Postgres).
 */
export async function leaseQueuedAdImages(
  db: Database,
  limit: number,
  at: number,
  options: { leaseMs?: number; only?: readonly string[] } = {},
): Promise<LeasedAdImage[]> {
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const scope = options.only ? sql`and id in (select jsonb_array_elements_text(${JSON.stringify(options.only)}::jsonb))` : sql``;
  const result = await db.execute<{ id: string; attempts: number; original: string }>(sql`
    update ${adImages} set claimed_at = ${new Date(at).toISOString()}, attempts = attempts + 1
    where id in (
      select id from ${adImages}
      where status = 'queued' and (claimed_at is null or claimed_at < ${new Date(at - leaseMs).toISOString()}) ${scope}
      order by created_at
      limit ${limit}
      for update skip locked)
    returning id, attempts, encode(original, 'base64') as original`);
  return result.rows.map((row) => ({ id: row.id, attempts: Number(row.attempts), original: row.original.replace(/\s/g, "") }));
}

export type RenderedVariant = { size: CreativeSize; format: AdImageFormat; base64: string; byteSize: number };

/** Keeps every rendered variant of an image and marks it rendered, in one transaction (a re-render replaces them). */
export async function saveRenderedAdImage(db: Database, imageId: string, variants: readonly RenderedVariant[], at: number): Promise<void> {
  const when = new Date(at).toISOString();
  await db.transaction(async (tx) => {
    for (const variant of variants) {
      await tx.execute(sql`
        insert into ${adImageVariants} (id, format, image_id, width, height, byte_size, content, created_at)
        values (${adImageVariantId(imageId, variant.size)}, ${variant.format}, ${imageId}, ${variant.size.width}, ${variant.size.height},
          ${variant.byteSize}, decode(${variant.base64}, 'base64'), ${when})
        on conflict (id, format) do update set content = excluded.content, byte_size = excluded.byte_size, created_at = excluded.created_at`);
    }
    await tx.execute(
      sql`update ${adImages} set status = 'rendered', rendered_at = ${when}, error = null, claimed_at = null where id = ${imageId}`,
    );
  });
}

/** A render that failed: left queued to be leased again, or failed for good after MAX_RENDER_ATTEMPTS. */
export async function recordRenderFailure(db: Database, image: { id: string; attempts: number }, error: string): Promise<void> {
  const status = image.attempts >= MAX_RENDER_ATTEMPTS ? "failed" : "queued";
  await db.execute(
    sql`update ${adImages} set status = ${status}, error = ${error.slice(0, 500)}, claimed_at = null where id = ${image.id}`,
  );
}

/** The rendered sizes an image has, by format (for the console's previews and the export). */
export async function renderedSizesOf(
  db: Database,
  imageId: string,
): Promise<Array<CreativeSize & { format: AdImageFormat; byteSize: number }>> {
  const rows = await db
    .select({
      width: adImageVariants.width,
      height: adImageVariants.height,
      format: adImageVariants.format,
      byteSize: adImageVariants.byteSize,
    })
    .from(adImageVariants)
    .where(sql`${adImageVariants.imageId} = ${imageId}`)
    .orderBy(adImageVariants.width, adImageVariants.height, adImageVariants.format);
  return rows;
}

/** A rendered variant's bytes (base64) for `/ads/img/<id>.<format>`, or null. */
export async function readAdImageVariant(
  db: Database,
  id: string,
  format: AdImageFormat,
): Promise<{ base64: string; byteSize: number } | null> {
  const result = await db.execute<{ content: string; byte_size: number }>(
    sql`select encode(content, 'base64') as content, byte_size from ${adImageVariants} where id = ${id} and format = ${format}`,
  );
  const row = result.rows[0];
  return row ? { base64: row.content.replace(/\s/g, ""), byteSize: Number(row.byte_size) } : null;
}

export const AD_VARIANT_CONTENT_TYPES: Record<AdImageFormat, string> = { webp: "image/webp", jpg: "image/jpeg" };

/** How many variants a rendered image has: every size in both formats. */
export const VARIANTS_PER_IMAGE = RENDERED_SIZES.length * 2;
