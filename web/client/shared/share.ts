import { ApiError, api } from "./api.ts";
import { t } from "./i18n.ts";
import { recordLanding } from "./landing.ts";
import { qrSvg } from "./qr-svg.ts";

/**
 * Share links on the page (issue 14). No zod here: the pages run under a CSP without
 * 'unsafe-eval'; the server validates everything. Landings are recorded by ./landing.ts
 * (every shopper page; this module, with its QR encoder, only where there is a panel).
 *
 * - mountSharePanel: the share panel (the sale page's, and a team page's later): a button
 *   that asks for the shopper's link (`POST /api/share/links`), then the link, the system
 *   share sheet (Web Share API, where there is one), copy (Clipboard API, else the selection
 *   and execCommand) and a QR code of the link (qrcode-generator, drawn as SVG).
 */

export interface SharePanelOptions {
  /** The page shared: this page's path by default. */
  path?: string;
  campaign: string;
  sku?: string;
  /** The shopper's session: the link is asked for after it. */
  sessionReady: Promise<unknown>;
}

interface ShareLink {
  url: string;
  referralCode: string;
}

/** Where the link is shared from, by the browser it is made in: WeChat's and Weibo's in-app browsers, else a link. */
function shareSource(): string {
  const agent = navigator.userAgent;
  if (/MicroMessenger/i.test(agent)) return "wechat";
  if (/Weibo/i.test(agent)) return "weibo";
  return "link";
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}): HTMLElementTagNameMap[K] {
  return Object.assign(document.createElement(tag), props);
}

/** The share panel in `container` (nothing without one). */
export function mountSharePanel(container: HTMLElement | null, options: SharePanelOptions): void {
  if (!container) return;
  container.replaceChildren();
  const title = element("h2", { id: "share-title", textContent: t("share_title") });
  const hint = element("p", { className: "share-hint", textContent: t("share_hint") });
  const open = element("button", { type: "button", id: "share-open", className: "secondary", textContent: t("share_open") });
  const status = element("p", { id: "share-status", className: "share-status" });
  status.setAttribute("role", "status");
  container.append(title, hint, open, status);
  container.hidden = false;
  container.dataset.state = "closed";

  open.addEventListener("click", async () => {
    open.disabled = true;
    open.textContent = t("share_preparing");
    status.textContent = "";
    try {
      await options.sessionReady;
      const link = await api<ShareLink>("/api/share/links", {
        method: "POST",
        body: {
          path: options.path ?? location.pathname,
          campaign: options.campaign,
          source: shareSource(),
          ...(options.sku ? { sku: options.sku } : {}),
        },
      });
      open.remove();
      container.insertBefore(sharedLink(link.url, status), status);
      container.dataset.state = "open";
    } catch (error) {
      open.disabled = false;
      open.textContent = t("share_open");
      status.textContent = error instanceof ApiError ? error.message : t("error_internal");
    }
  });
}

/** The link, its buttons and its QR code. */
function sharedLink(url: string, status: HTMLElement): HTMLElement {
  const body = element("div", { className: "share-body" });
  const label = element("label", { className: "share-link", textContent: t("share_linkLabel") });
  const input = element("input", { id: "share-url", type: "url", readOnly: true, value: url });
  input.addEventListener("focus", () => input.select());
  label.append(input);
  const actions = element("div", { className: "share-actions" });
  if (typeof navigator.share === "function") {
    const system = element("button", { type: "button", id: "share-system", textContent: t("share_system") });
    system.addEventListener("click", () => {
      navigator.share({ title: document.title, url }).catch(() => undefined); // dismissed: nothing to say
    });
    actions.append(system);
  }
  const copy = element("button", { type: "button", id: "share-copy", className: "secondary", textContent: t("share_copy") });
  copy.addEventListener("click", async () => {
    const copied = await copyText(url, input);
    status.textContent = t(copied ? "share_copied" : "share_copyFailed");
    status.dataset.copied = String(copied);
  });
  actions.append(copy);
  const figure = element("figure", { className: "share-qr" });
  const qr = qrSvg(url, t("share_qr"));
  qr.id = "share-qr";
  figure.append(qr, element("figcaption", { textContent: t("share_qr") }));
  body.append(label, actions, figure);
  return body;
}

/** Copies with the Clipboard API; where it is missing or refused, selects the link and copies the selection. */
async function copyText(text: string, input: HTMLInputElement): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    input.focus();
    input.select();
    try {
      return document.execCommand("copy");
    } catch {
      return false;
    }
  }
}

/**
 * The sale page's sharing: its landing recorded, and the share panel in `#share` for the
 * sale's campaign (the container's `data-campaign`) and SKU.
 */
export function mountSaleShare(sku: string, sessionReady: Promise<unknown>): void {
  void recordLanding(sessionReady);
  const container = document.getElementById("share");
  mountSharePanel(container, { campaign: container?.dataset.campaign || sku, sku, sessionReady });
}
