import { html } from "hono/html";
import type { Livestream } from "../../../src/livestreams/livestream.ts";
import { messages, type Lang } from "../../../src/i18n/messages.ts";
import type { Markup } from "./layout.ts";

/**
 * Livestreams (issue 15): shells, like the team pages. A livestream's coupons change with
 * every claim and its phase by the second, so the pages are never cached; their script
 * (web/client/live.page.ts) reads `/api/livestreams` and `/api/livestreams/{id}`. The stream
 * element is drawn here, so the page's policy can name the one origin it plays from
 * (security-headers.ts): a <video> for an HLS or MP4 URL, a sandboxed <iframe> for an
 * embeddable player page.
 */
export function livestreamsPage(lang: Lang): Markup {
  const t = messages(lang);
  return html`<article class="livestreams card" id="live-list-page">
    <h1>${t.liveTitle}</h1>
    <p>${t.liveIntro}</p>
    <p class="status" id="live-status" role="status">${t.loading}</p>
    <ul class="livestream-list" id="live-list"></ul>
  </article>`;
}

export function livestreamPage(lang: Lang, livestream: Livestream): Markup {
  const t = messages(lang);
  const stream =
    livestream.embed === "iframe"
      ? html`<iframe
          id="stream"
          class="stream"
          src="${livestream.streamUrl}"
          title="${livestream.title}"
          sandbox="allow-scripts allow-same-origin allow-presentation"
          allow="autoplay; fullscreen; picture-in-picture"
          referrerpolicy="strict-origin-when-cross-origin"
          loading="lazy"
        ></iframe>`
      : html`<video id="stream" class="stream" data-src="${livestream.streamUrl}" controls playsinline muted preload="none"></video>`;
  return html`<article class="livestream" id="livestream" data-livestream-id="${livestream.id}" data-phase="loading">
    <h1 id="live-title">${livestream.title}</h1>
    <p class="live-phase"><span class="badge" id="live-phase"></span></p>
    <div class="stream-box">${stream}</div>
    <p class="status" id="stream-note" role="status" hidden>${t.liveVideoUnsupported}</p>
    <div class="countdown" id="live-clock" hidden>
      <span id="live-clock-label">${t.liveStartsIn}</span>
      <canvas id="countdown" width="360" height="64"></canvas>
    </div>
    <p id="live-description">${livestream.description}</p>
    <section class="card" aria-labelledby="live-coupons-title">
      <h2 id="live-coupons-title">${t.liveCouponsTitle}</h2>
      <label class="claim-code" id="claim-code-field" hidden>${t.liveClaimCode}
        <input id="claim-code" name="claimCode" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="12" />
      </label>
      <ul class="live-coupons" id="live-coupons"></ul>
      <p class="status" id="claim-note" role="status"></p>
      <p class="message" id="message" role="alert"></p>
      <p><a href="/me" id="open-wallet">${t.liveOpenWallet}</a></p>
    </section>
    <section class="card" aria-labelledby="live-stores-title">
      <h2 id="live-stores-title">${t.liveStoresTitle}</h2>
      <ul class="live-stores" id="live-stores"></ul>
      <p><a href="/stores">${t.liveFindStore}</a></p>
    </section>
  </article>`;
}
