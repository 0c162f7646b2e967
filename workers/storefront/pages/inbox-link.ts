import { html } from "hono/html";
import type { Messages } from "../../../src/i18n/messages.ts";
import { assets } from "../assets.ts";

/**
 * The header's inbox link with its unread badge (issue 17), on every page: the badge is
 * empty in the HTML (shared pages are cached at the edge for every shopper alike) and filled
 * by its own small script (web/client/inbox-badge.page.ts) from `GET /api/me/inbox/unread-count`.
 */
export function inboxLink(t: Messages) {
  const script = assets.scripts["inbox-badge"];
  return html`<a class="inbox-link" href="/inbox">${t.inbox_link}<span class="inbox-badge" id="inbox-badge" hidden></span></a>${
    script ? html`<script type="module" src="${script}"></script>` : ""
  }`;
}
