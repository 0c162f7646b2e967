import { html } from "hono/html";
import { messages, type Lang } from "../../../src/i18n/messages.ts";
import type { Markup } from "./layout.ts";

/**
 * `/store`, the staff redemption page (issue 15): a shell, never cached, whose script
 * (web/client/store-staff.page.ts) signs the till in with a staff token and calls the
 * redemption API with it. Phone first and one-handed: one column, the buttons full width and
 * at least 56 px tall, the main action at the bottom within a thumb's reach.
 */
export function storeStaffPage(lang: Lang): Markup {
  const t = messages(lang);
  return html`<article class="till card" id="till" data-state="signed-out">
    <h1>${t.till_title}</h1>
    <p class="till-store" id="till-store" hidden></p>

    <form class="till-sign-in" id="till-sign-in" novalidate>
      <p>${t.till_signInHint}</p>
      <label>${t.till_storeId}
        <input id="till-store-id" name="storeId" autocomplete="off" autocapitalize="none" spellcheck="false" required />
      </label>
      <label>${t.till_token}
        <input id="till-token" name="token" type="password" autocomplete="off" autocapitalize="none" spellcheck="false" required />
      </label>
      <button type="submit" class="big" id="till-sign-in-button">${t.till_signIn}</button>
    </form>

    <section class="till-work" id="till-work" hidden>
      <p class="till-intro">${t.till_intro}</p>
      <div class="till-camera" id="till-camera">
        <video id="till-video" playsinline muted hidden></video>
        <p class="status" id="till-camera-status" role="status"></p>
        <button type="button" class="big" id="till-scan">${t.till_scan}</button>
        <button type="button" class="big secondary" id="till-stop-scan" hidden>${t.till_stopScan}</button>
      </div>
      <form class="till-code" id="till-code-form" novalidate>
        <label>${t.till_codeLabel}
          <input id="till-code" name="code" autocomplete="off" autocapitalize="characters" spellcheck="false" placeholder="XXXX-XXXX-C" />
        </label>
        <small>${t.till_codeHint}</small>
        <button type="submit" class="big secondary" id="till-look-up">${t.till_lookUp}</button>
      </form>

      <section class="till-preview" id="till-preview" aria-live="polite" hidden>
        <p class="till-code-shown" id="till-preview-code"></p>
        <h2 id="till-preview-title"></h2>
        <p class="till-gives" id="till-preview-gives"></p>
        <p id="till-preview-description"></p>
        <p class="muted" id="till-preview-shopper"></p>
        <p class="till-refusal" id="till-refusal" role="alert" hidden></p>
        <p class="till-ok" id="till-ok" hidden>${t.till_validHere}</p>
        <button type="button" class="big confirm" id="till-confirm" hidden>${t.till_confirm}</button>
        <button type="button" class="big secondary" id="till-cancel">${t.till_cancel}</button>
      </section>

      <section class="till-result" id="till-result" aria-live="polite" hidden>
        <p class="till-result-line" id="till-result-line"></p>
        <button type="button" class="big" id="till-next">${t.till_next}</button>
      </section>

      <h2>${t.till_session}</h2>
      <p class="muted" id="till-session-empty">${t.till_sessionEmpty}</p>
      <ol class="till-session" id="till-session"></ol>
      <button type="button" class="secondary" id="till-sign-out">${t.till_signOut}</button>
    </section>
    <p class="message" id="message" role="alert"></p>
  </article>`;
}
