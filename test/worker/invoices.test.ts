import { env, exports } from "cloudflare:workers";
import { encode } from "fast-png";
import { describe, expect, expectTypeOf, it } from "vitest";
import type * as Console from "../../web/client/console/api-types.ts";
import type { AdminInvoiceUploads } from "../../workers/storefront/admin/invoices.ts";
import { TEST_SECRETS } from "../support/test-secrets.ts";
import { qrPayloadOf } from "../../src/invoices/invoice-fields.ts";
import { sql } from "drizzle-orm";
import { databaseSettings } from "../../src/config.ts";
import { withDatabase } from "../../src/db/client.ts";
import { invoiceUploads } from "../../src/db/schema.ts";
import { base64Of, decideUpload, heldQrOf } from "../../src/invoices/invoice-uploads.ts";
import { MAX_INVOICE_BYTES } from "../../src/invoices/upload-file.ts";
import { freshInvoice, qrInvoicePng } from "../support/invoice-image.ts";
import { eventually, withPostgres } from "./postgres-support.ts";
import { seedSale, Shopper, type ApiError, type ApiOrder } from "./support.ts";

/**
 * Invoices (issue 16) through the Worker with real bindings and Postgres: the paper or
 * electronic choice at payment, and uploads — an image's QR code read in the Worker and kept
 * for the reader's check of the print (202, nothing awarded yet), queued when there is none,
 * refused in the error shape when tampered, oversized, unsupported, invalid or already
 * awarded — with points once per invoice under a stampede.
 */
type UploadAnswer = {
  upload: { id: string; status: string; method: string | null; points: number; invoice: unknown; qr: unknown };
  replayed: boolean;
};

/**
 * The reader's decision on uploads the Worker queued with their QR reading, when OCR read none
 * of the print's fields (what `readQueuedInvoices` decides then; its own tests OCR real prints).
 */
const readerDecides = (uploadIds: string[]) =>
  withDatabase(databaseSettings(env), (db) =>
    Promise.all(
      uploadIds.map(async (id) => {
        const [row] = await db.select().from(invoiceUploads).where(sql`${invoiceUploads.id} = ${id}`);
        return decideUpload(db, id, { qr: heldQrOf(row!), printed: {}, printedBy: "ocr" }, Date.now());
      }),
    ),
  );

const send = (shopper: Shopper, file: Uint8Array | string, key: string = crypto.randomUUID()) =>
  shopper.post("/api/invoices", { file: typeof file === "string" ? file : base64Of(file) }, { "Idempotency-Key": key });

const invoicePoints = (shopperId: string) =>
  withPostgres(async (pool) => {
    const { rows } = await pool.query<{ points: string | null }>(
      "select sum(amount) as points from points_entries where shopper_id = $1 and reason = 'invoice_upload'",
      [shopperId],
    );
    return Number(rows[0]?.points ?? 0);
  });

describe("the invoice choice at payment", () => {
  it("stores electronic on the order and in orders.invoice_kind; no choice is paper", async () => {
    const sale = await seedSale({ perShopperLimit: 5 });
    const shopper = await Shopper.create();
    const place = async () => (await (await shopper.checkout(sale.sku, 1)).json<{ order: ApiOrder }>()).order;
    const [electronic, plain] = [await place(), await place()];
    expect(electronic.invoiceKind).toBeNull();
    const paid = await shopper.post(`/api/orders/${electronic.id}/pay`, { invoice: "electronic" });
    expect((await paid.json<{ order: ApiOrder }>()).order.invoiceKind).toBe("electronic");
    await shopper.post(`/api/orders/${plain.id}/pay`, {});
    const read = await (await shopper.request(`/api/orders/${plain.id}`)).json<{ order: ApiOrder }>();
    expect(read.order.invoiceKind).toBe("paper");
    const wrong = await shopper.post(`/api/orders/${plain.id}/pay`, { invoice: "carrier-pigeon" });
    expect(wrong.status).toBe(400);
    await env.SKU_SALE.getByName(sale.sku).flushOutbox();
    const kinds = await eventually(
      () =>
        withPostgres(async (pool) => {
          const { rows } = await pool.query<{ id: string; invoice_kind: string | null }>(
            "select id, invoice_kind from orders where sku = $1",
            [sale.sku],
          );
          return Object.fromEntries(rows.map((r) => [r.id, r.invoice_kind]));
        }),
      (found) => Object.keys(found).length === 2 && Object.values(found).every((kind) => kind !== null),
    );
    expect(kinds).toEqual({ [electronic.id]: "electronic", [plain.id]: "paper" });
  });
});

describe("invoice uploads", () => {
  it("reads a QR code in the Worker and queues the image with its reading for the print check, awarding nothing yet", async () => {
    const shopper = await Shopper.create();
    const fields = freshInvoice();
    const png = qrInvoicePng(qrPayloadOf(fields));
    const key = crypto.randomUUID();
    const first = await send(shopper, png, key);
    expect(first.status).toBe(202);
    const body = await first.json<UploadAnswer>();
    const qr = { type: "10", code: fields.code, number: fields.number, amount: 25_800, date: fields.date };
    expect(body).toEqual({
      replayed: false,
      upload: expect.objectContaining({ status: "queued", method: null, points: 0, invoice: null, qr, refusal: null }),
    });
    const retried = await send(shopper, png, key);
    expect(retried.status).toBe(202);
    expect(await retried.json<UploadAnswer>()).toMatchObject({ replayed: true, upload: { id: body.upload.id, qr } });
    const otherFile = await send(shopper, qrInvoicePng(qrPayloadOf(freshInvoice())), key);
    expect(otherFile.status).toBe(422);
    expect((await otherFile.json<ApiError>()).error.code).toBe("idempotency_conflict");
    expect(await invoicePoints(shopper.id)).toBe(0);
    const listed = await (await shopper.request("/api/invoices")).json<{ uploads: UploadAnswer["upload"][] }>();
    expect(listed.uploads.map((u) => [u.id, u.status, u.points, u.qr])).toEqual([[body.upload.id, "queued", 0, qr]]);
    // The reader decides it (its print checked); the key then answers the accepted upload, 201.
    await readerDecides([body.upload.id]);
    const decided = await send(shopper, png, key);
    expect(decided.status).toBe(201);
    expect(await decided.json<UploadAnswer>()).toMatchObject({
      replayed: true,
      upload: {
        status: "accepted",
        method: "qr",
        points: 25,
        qr: null,
        invoice: { code: fields.code, number: fields.number, amount: 25_800 },
      },
    });
    expect(await invoicePoints(shopper.id)).toBe(25);
  });

  it("awards an invoice uploaded by many shoppers at once exactly once; the others hear invoice_duplicate", async () => {
    const png = qrInvoicePng(qrPayloadOf(freshInvoice()));
    const shoppers = await Promise.all(Array.from({ length: 8 }, () => Shopper.create()));
    const answers = await Promise.all(shoppers.map((s) => send(s, png)));
    expect(answers.map((a) => a.status)).toEqual(shoppers.map(() => 202));
    const queued = await Promise.all(answers.map((a) => a.json<UploadAnswer>()));
    const decided = await readerDecides(queued.map((q) => q.upload.id));
    expect(decided.map((r) => r.status).sort()).toEqual(["accepted", ...Array(7).fill("refused")]);
    expect(new Set(decided.filter((r) => r.status === "refused").map((r) => r.refusalCode))).toEqual(new Set(["invoice_duplicate"]));
    const points = await Promise.all(shoppers.map((s) => invoicePoints(s.id)));
    expect(points.reduce((a, b) => a + b, 0)).toBe(25);
    // Once awarded, the Worker refuses the invoice's QR code at once: no print could change that.
    const late = await send(await Shopper.create(), png);
    expect([late.status, (await late.json<ApiError>()).error.code]).toEqual([409, "invoice_duplicate"]);
  });

  it("refuses invalid data in the error shape, and queues an image without a QR code for the reader", async () => {
    const shopper = await Shopper.create();
    const future = await send(shopper, qrInvoicePng(qrPayloadOf(freshInvoice("2099-01-01"))));
    expect(future.status).toBe(422);
    expect((await future.json<ApiError>()).error).toMatchObject({ code: "invoice_invalid", message: expect.stringMatching(/future/) });
    const badCheck = await send(shopper, qrInvoicePng(qrPayloadOf({ ...freshInvoice(), checkCode: "42" })));
    expect((await badCheck.json<ApiError>()).error.code).toBe("invoice_invalid");
    const noQr = await send(shopper, qrInvoicePng("just a shop's website, not an invoice"));
    expect(noQr.status).toBe(202);
    expect(await noQr.json<UploadAnswer>()).toMatchObject({ upload: { status: "queued", method: null, points: 0 } });
    // A photo over 4 megapixels is not decoded in the Worker: the reader takes it as it is.
    const huge = encode({ width: 2100, height: 2100, data: new Uint8Array(2100 * 2100).fill(255), channels: 1 });
    expect(await (await send(shopper, huge)).json<UploadAnswer>()).toMatchObject({ upload: { status: "queued" } });
    const pdf = new TextEncoder().encode("%PDF-1.4\n1 0 obj\n<< >>\nendobj\ntrailer\n<< >>\n%%EOF\n");
    expect((await send(shopper, pdf)).status).toBe(202);
    expect(await invoicePoints(shopper.id)).toBe(0);
  });

  it("refuses tampered, oversized and unsupported files before storing anything", async () => {
    const shopper = await Shopper.create();
    const png = qrInvoicePng(qrPayloadOf(freshInvoice()));
    const cases: [Uint8Array | string, number, string][] = [
      [png.subarray(0, png.length - 20), 422, "invoice_damaged"],
      [Uint8Array.from(png, (b, i) => (i > 60 && i < 90 ? b ^ 0xff : b)), 422, "invoice_damaged"],
      [new TextEncoder().encode("<svg xmlns='http://www.w3.org/2000/svg'/>"), 415, "invoice_unsupported"],
      [new TextEncoder().encode("GIF89a\u0001\u0000"), 415, "invoice_unsupported"],
      [new Uint8Array(MAX_INVOICE_BYTES + 1), 413, "payload_too_large"],
      ["not base64 at all!", 400, "invalid_request"],
    ];
    for (const [file, status, code] of cases) {
      const answer = await send(shopper, file);
      expect([answer.status, (await answer.json<ApiError>()).error.code]).toEqual([status, code]);
    }
    const huge = await shopper.request("/api/invoices", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID() },
      body: JSON.stringify({ file: "A".repeat(2 * 1024 * 1024) }),
    });
    expect(huge.status).toBe(413);
    const noKey = await shopper.post("/api/invoices", { file: base64Of(png) });
    expect(noKey.status).toBe(400);
    const listed = await (await shopper.request("/api/invoices")).json<{ uploads: unknown[] }>();
    expect(listed.uploads).toEqual([]);
  });
});

describe("GET /admin/api/invoices", () => {
  it("lists uploads with how each was read and the totals, to staff who may read shoppers", async () => {
    expectTypeOf<Console.AdminInvoiceUploads>().toEqualTypeOf<AdminInvoiceUploads>();
    const shopper = await Shopper.create();
    const fields = freshInvoice();
    const sent = await (await send(shopper, qrInvoicePng(qrPayloadOf(fields)))).json<UploadAnswer>();
    await readerDecides([sent.upload.id]);
    expect((await exports.default.fetch("https://shop.test/admin/api/invoices")).status).toBe(401);
    const answer = await exports.default.fetch("https://shop.test/admin/api/invoices?status=accepted", {
      headers: { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}` },
    });
    expect(answer.status).toBe(200);
    const body = await answer.json<AdminInvoiceUploads>();
    expect(body.uploads.every((u) => u.status === "accepted")).toBe(true);
    expect(body.uploads.find((u) => u.shopperId === shopper.id)).toMatchObject({
      method: "qr",
      invoiceKey: fields.code + fields.number,
      amount: 25_800,
      points: 25,
      refusal: null,
    });
    expect(body.totals.accepted).toBeGreaterThanOrEqual(1);
    const bad = await exports.default.fetch("https://shop.test/admin/api/invoices?status=lost", {
      headers: { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}` },
    });
    expect(bad.status).toBe(400);
  });
});
