import { html } from "hono/html";
import type { Messages } from "../../../src/i18n/messages.ts";
import { assets } from "../assets.ts";

/**
 * The adviser chat on every shop page (issue 17): a button in the corner and the panel it opens,
 * driven by web/client/chat.page.ts. Nothing of the shopper's is rendered here — pages are
 * shared through the edge cache — the script reads the conversation when the panel opens.
 */
export function chatWidget(t: Messages, pageScript: string | undefined) {
  // The till (/store) is the store staff's page, not a shopper's: no adviser chat there.
  if (pageScript === "store-staff") return "";
  const script = assets.scripts.chat;
  return html`<button type="button" class="chat-toggle" id="chat-toggle" aria-controls="chat-panel" aria-expanded="false">
      💬 <span>${t.chatOpen}</span>
    </button>
    <section class="chat-panel" id="chat-panel" role="dialog" aria-labelledby="chat-title" hidden>
      <header class="chat-head">
        <h2 id="chat-title">${t.chatTitle}</h2>
        <button type="button" class="chat-close" id="chat-close" aria-label="${t.chatClose}">×</button>
      </header>
      <p class="chat-adviser" id="chat-adviser"></p>
      <ol class="chat-messages" id="chat-messages" aria-live="polite"></ol>
      <p class="chat-status" id="chat-status" role="status"></p>
      <form class="chat-form" id="chat-form">
        <textarea id="chat-input" name="body" rows="2" maxlength="2000" placeholder="${t.chatPlaceholder}" aria-label="${t.chatPlaceholder}"></textarea>
        <button type="submit" class="chat-send">${t.chatSend}</button>
      </form>
    </section>
    ${script ? html`<script type="module" src="${script}"></script>` : ""}`;
}
