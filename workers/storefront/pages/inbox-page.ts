import { html } from "hono/html";
import { messages, type Lang } from "../../../src/i18n/messages.ts";
import type { Markup } from "./layout.ts";

/**
 * The shopper's inbox (issue 17): a shell only, like the profile page; its script
 * (web/client/inbox.page.ts) reads `/api/me/inbox` with the shopper's own session, marks a
 * message read when it is opened, and all at once with the button.
 */
export function inboxPage(lang: Lang): Markup {
  const t = messages(lang);
  return html`<article class="inbox" id="inbox" data-state="loading">
    <div class="inbox-head">
      <h1>${t.inbox_title}</h1>
      <button type="button" class="inbox-read-all" id="inbox-read-all" hidden>${t.inbox_markAllRead}</button>
    </div>
    <p class="status" id="inbox-status" role="status">${t.loading}</p>
    <ol class="inbox-list" id="inbox-list"></ol>
    <button type="button" class="inbox-more" id="inbox-more" hidden>${t.inbox_more}</button>
  </article>`;
}
