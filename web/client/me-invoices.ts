import { ERROR_CODES } from "../../src/error-codes.ts";
import { formatMoney } from "../../src/money.ts";
import { ApiError, api } from "./shared/api.ts";
import { lang, t } from "./shared/i18n.ts";

/**
 * /me's "Invoices for points" (issue 16): pick a photo (the phone's camera), a screenshot or
 * a PDF; it is uploaded as base64 JSON with an Idempotency-Key (one per file chosen, so a
 * retried send is the same upload) and its progress shown; then each upload's status —
 * being read, or its QR code read and the print being checked against it (what the QR says
 * shown meanwhile), accepted with its points, refused with the reason. While any is being read
 * (the reader OCRs it), the list is read again every few seconds.
 */
const MAX_BYTES = 1024 * 1024;
/** A phone photo is downscaled to this long side (and JPEG) before upload: plenty for the QR code and OCR. */
const MAX_SIDE = 1800;
const POLL_MS = 4000;
/** The refusals an upload can carry, each with its wording (`error_<code>`). */
const REFUSALS = ["invoice_duplicate", "invoice_invalid", "invoice_mismatch", "invoice_unreadable"] as const;

interface Upload {
  id: string;
  status: "queued" | "accepted" | "refused";
  method: "qr" | "pdf" | "ocr" | null;
  invoice: { code: string; number: string; amount: number; date: string } | null;
  /** While queued: what its QR code says, read at upload; the reader is checking the print against it. */
  qr: { code: string; number: string; amount: number; date: string } | null;
  points: number;
  refusal: { code: string; message: string } | null;
  createdAt: number;
}

const $ = (id: string) => document.getElementById(id)!;
const dates = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" });
let poll: ReturnType<typeof setTimeout> | undefined;

/** Wires the section when the page has it; `after` is what to read once the first upload is sent (the profile, for the points). */
export function mountInvoices(after: () => Promise<void>): void {
  const input = document.getElementById("invoice-file") as HTMLInputElement | null;
  if (!input) return;
  input.addEventListener("change", () => {
    const file = input.files?.[0];
    input.value = "";
    if (file) void send(file).then(after);
  });
  void list();
}

async function send(file: File): Promise<void> {
  const section = $("invoices");
  const message = $("invoice-message");
  const progress = $("invoice-progress") as HTMLProgressElement;
  const bytes = await shrink(file);
  if (bytes.byteLength > MAX_BYTES) {
    message.textContent = t("invoicesTooLarge");
    return;
  }
  section.dataset.state = "uploading";
  progress.hidden = false;
  progress.value = 0;
  message.textContent = t("invoicesUploading", { percent: 0 });
  try {
    await post(base64(bytes), crypto.randomUUID(), (percent) => {
      progress.value = percent;
      message.textContent = t("invoicesUploading", { percent });
    });
    message.textContent = "";
  } catch (error) {
    message.textContent = error instanceof ApiError ? error.message : t("error_internal");
  } finally {
    progress.hidden = true;
    section.dataset.state = "idle";
  }
  await list();
}

/**
 * POST /api/invoices with upload progress: fetch cannot report it, XMLHttpRequest can. Refusals
 * come back in the API's error shape, as ApiError.
 */
function post(file: string, key: string, onProgress: (percent: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/invoices");
    xhr.setRequestHeader("Content-Type", "application/json");
    xhr.setRequestHeader("Idempotency-Key", key);
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(Math.round((event.loaded / event.total) * 100));
    });
    xhr.addEventListener("load", () => {
      if (xhr.status < 400) return resolve();
      let error: { code?: string; message?: string } = {};
      try {
        error = (JSON.parse(xhr.responseText) as { error?: typeof error }).error ?? {};
      } catch {
        // not JSON: a generic failure
      }
      reject(new ApiError(ERROR_CODES.find((code) => code === error.code) ?? "internal", xhr.status, { message: error.message }));
    });
    xhr.addEventListener("error", () => reject(new ApiError("network", 0)));
    xhr.send(JSON.stringify({ file }));
  });
}

/** A big photo drawn again at MAX_SIDE as JPEG; PDFs and small images as they are. */
async function shrink(file: File): Promise<Uint8Array> {
  const original = new Uint8Array(await file.arrayBuffer());
  if (!file.type.startsWith("image/") || original.byteLength <= MAX_BYTES / 2) return original;
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d")!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
    return blob ? new Uint8Array(await blob.arrayBuffer()) : original;
  } catch {
    return original;
  }
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

async function list(): Promise<void> {
  clearTimeout(poll);
  let uploads: Upload[];
  try {
    uploads = (await api<{ uploads: Upload[] }>("/api/invoices")).uploads;
  } catch {
    return;
  }
  const items = uploads.map((upload) => {
    const li = document.createElement("li");
    li.dataset.upload = upload.id;
    li.dataset.status = upload.status;
    const title = document.createElement("strong");
    const read = upload.invoice ?? upload.qr;
    title.textContent = read ? t("invoiceNumber", { number: read.number }) : dates.format(upload.createdAt);
    const status = document.createElement("span");
    status.className = "invoice-status";
    status.textContent = t(upload.qr ? "invoiceStatus_checking" : `invoiceStatus_${upload.status}`);
    const meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent =
      upload.status === "accepted" && upload.invoice
        ? `${formatMoney(upload.invoice.amount)} · ${upload.invoice.date} · ${t("invoicePoints", { points: upload.points })}`
        : upload.qr
          ? `${formatMoney(upload.qr.amount)} · ${upload.qr.date}`
          : upload.refusal
            ? t(`error_${REFUSALS.find((code) => code === upload.refusal?.code) ?? "invoice_unreadable"}`)
            : "";
    li.append(title, status, meta);
    return li;
  });
  if (items.length === 0) {
    const empty = document.createElement("li");
    empty.className = "meta";
    empty.textContent = t("invoicesEmpty");
    items.push(empty);
  }
  $("invoice-list").replaceChildren(...items);
  if (uploads.some((upload) => upload.status === "queued")) poll = setTimeout(() => void list(), POLL_MS);
}
