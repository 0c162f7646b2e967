import { ApiError, api } from "./shared/api.ts";
import { ServerClock } from "./shared/clock.ts";
import { CanvasCountdown } from "./shared/countdown.ts";
import { couponHeadline, type CouponView } from "./shared/coupons.ts";
import { pageEvents } from "./shared/events.ts";
import { lang, t } from "./shared/i18n.ts";

/**
 * Livestreams (issue 15), phone first. On `/live`: the livestreams on air and coming. On
 * `/live/<id>`: the stream, a countdown on the server's clock before it starts, a claim button
 * per coupon (with the claim code announced on air, when the livestream has one) and how many
 * are left, and the stores where the coupons are redeemed. The page reads the livestream again
 * every few seconds while open, so the counts fall and the buttons open as the show goes on.
 *
 * The stream: a <video> plays an MP4 anywhere and an HLS playlist where the browser plays HLS
 * itself (Safari, iOS, Android's Chrome); elsewhere the page says so rather than bundling a
 * player library (hls.js is ~500 KB minified, more than every other page script together).
 */

type Phase = "upcoming" | "live" | "ended";

interface LivestreamSummary {
  id: string;
  title: string;
  description: string;
  streamUrl: string;
  embed: "video" | "iframe";
  startsAt: number;
  endsAt: number;
  phase: Phase;
  paused: boolean;
  claimCodeRequired: boolean;
}

interface LiveCoupon extends Omit<CouponView, "skus" | "stackable" | "validFrom"> {
  templateId: string;
  perShopperLimit: number;
  remaining: number;
}

interface LivestreamDetail {
  livestream: LivestreamSummary;
  coupons: LiveCoupon[];
  stores: Array<{ id: string; name: string; address: string; city: string }>;
  serverTime: number;
}

const REFRESH_MS = 5_000;
const $ = (id: string) => document.getElementById(id);
const times = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" });

function element<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}): HTMLElementTagNameMap[K] {
  return Object.assign(document.createElement(tag), props);
}

async function listPage(): Promise<void> {
  const status = $("live-status")!;
  try {
    const { livestreams } = await api<{ livestreams: LivestreamSummary[] }>("/api/livestreams");
    status.textContent = livestreams.length === 0 ? t("liveNone") : "";
    $("live-list")!.replaceChildren(
      ...livestreams.map((livestream) => {
        const li = element("li", { className: "livestream-item" });
        li.dataset.livestreamId = livestream.id;
        li.dataset.phase = livestream.phase;
        const link = element("a", { href: `/live/${encodeURIComponent(livestream.id)}`, textContent: livestream.title });
        const badge = element("span", { className: `badge badge-${livestream.phase}`, textContent: t(`livePhase_${livestream.phase}`) });
        const when = element("span", {
          className: "meta",
          textContent: `${times.format(livestream.startsAt)} – ${times.format(livestream.endsAt)}`,
        });
        li.append(link, badge, when);
        return li;
      }),
    );
  } catch (error) {
    status.textContent = error instanceof ApiError ? error.message : t("error_internal");
  }
}

/** Plays the stream in the <video>: MP4 anywhere, HLS only where the browser plays it natively. */
function startVideo(video: HTMLVideoElement): void {
  const src = video.dataset.src ?? "";
  const hls = /\.m3u8(\?|$)/i.test(src);
  if (hls && video.canPlayType("application/vnd.apple.mpegurl") === "") {
    video.hidden = true;
    $("stream-note")!.hidden = false;
    return;
  }
  if (!video.src) video.src = src;
}

async function livestreamPage(root: HTMLElement): Promise<void> {
  const id = root.dataset.livestreamId!;
  const clock = new ServerClock();
  const countdown = new CanvasCountdown($("countdown") as HTMLCanvasElement, () => clock.now());
  const message = $("message")!;
  const claimCode = $("claim-code") as HTMLInputElement;
  /** One Idempotency-Key per coupon until a claim is answered: a retried click claims once. */
  const keys = new Map<string, string>();
  const claimed = new Set<string>();
  let detail: LivestreamDetail | null = null;
  let counting: number | null = null;

  const render = () => {
    if (!detail) return;
    const { livestream, coupons, stores } = detail;
    root.dataset.phase = livestream.phase;
    $("live-phase")!.textContent = t(`livePhase_${livestream.phase}`);
    $("live-phase")!.className = `badge badge-${livestream.phase}`;
    const stream = $("stream");
    if (stream instanceof HTMLVideoElement && livestream.phase === "live") startVideo(stream);
    const target = livestream.phase === "upcoming" ? livestream.startsAt : livestream.phase === "live" ? livestream.endsAt : null;
    $("live-clock")!.hidden = target === null;
    $("live-clock-label")!.textContent = livestream.phase === "upcoming" ? t("liveStartsIn") : t("liveEndsIn");
    if (target !== null && target !== counting) {
      counting = target;
      countdown.countTo(target, () => void load());
    } else if (target === null) countdown.stop();
    $("claim-code-field")!.hidden = !livestream.claimCodeRequired || livestream.phase !== "live";
    const open = livestream.phase === "live" && !livestream.paused;
    $("live-coupons")!.replaceChildren(
      ...coupons.map((coupon) => {
        const li = element("li", { className: "live-coupon" });
        li.dataset.templateId = coupon.templateId;
        const headline = element("strong", { textContent: couponHeadline({ ...coupon, skus: [], stackable: false, validFrom: 0 }) });
        headline.id = `live-coupon-${coupon.templateId}`;
        const title = element("span", { className: "coupon-title", textContent: coupon.title });
        const left = element("span", { className: "coupon-left", textContent: t("liveCouponLeft", { n: coupon.remaining }) });
        const button = element("button", { type: "button", className: "claim" });
        button.setAttribute("aria-describedby", headline.id);
        const mine = claimed.has(coupon.templateId);
        button.dataset.state = mine ? "claimed" : open && coupon.remaining > 0 ? "open" : "closed";
        button.textContent = mine ? t("liveClaimed") : coupon.remaining > 0 ? t("liveClaim") : t("error_coupons_gone");
        button.disabled = mine || !open || coupon.remaining === 0;
        button.addEventListener("click", () => void claim(coupon, button));
        li.append(headline, title, left, button);
        return li;
      }),
    );
    const note = $("claim-note")!;
    if (livestream.phase === "upcoming") note.textContent = t("liveClaimsOpen");
    else if (note.textContent === t("liveClaimsOpen")) note.textContent = "";
    $("live-stores")!.replaceChildren(
      ...stores.map((store) => {
        const li = element("li", { className: "live-store" });
        li.dataset.storeId = store.id;
        li.append(
          element("strong", { textContent: store.name }),
          element("span", { className: "meta", textContent: [store.city, store.address].filter(Boolean).join(" · ") }),
        );
        return li;
      }),
    );
  };

  const claim = async (coupon: LiveCoupon, button: HTMLButtonElement) => {
    button.disabled = true;
    message.textContent = "";
    $("claim-note")!.textContent = "";
    const key = keys.get(coupon.templateId) ?? crypto.randomUUID();
    keys.set(coupon.templateId, key);
    try {
      const code = claimCode.value.trim();
      await api(`/api/livestreams/${encodeURIComponent(id)}/claim`, {
        method: "POST",
        headers: { "Idempotency-Key": key },
        body: { templateId: coupon.templateId, ...(code ? { claimCode: code } : {}) },
      });
      claimed.add(coupon.templateId);
      $("claim-note")!.textContent = t("liveClaimedNote");
    } catch (error) {
      message.textContent = error instanceof ApiError ? error.message : t("error_internal");
      // A refusal is final for this click; a network failure retries with the same key.
      if (!(error instanceof ApiError && error.code === "network")) keys.delete(coupon.templateId);
      if (error instanceof ApiError && error.code === "limit_exceeded") claimed.add(coupon.templateId);
    }
    await load();
  };

  const load = async () => {
    const sent = Date.now();
    try {
      detail = await api<LivestreamDetail>(`/api/livestreams/${encodeURIComponent(id)}`);
      clock.sample(sent, detail.serverTime, Date.now());
      render();
    } catch (error) {
      message.textContent = error instanceof ApiError ? error.message : t("error_internal");
    }
  };

  await load();
  setInterval(() => void load(), REFRESH_MS);
}

const single = $("livestream");
if (single) await livestreamPage(single);
else await listPage();
pageEvents.record({ type: "page_view" });
