import { html } from "hono/html";
import type { Capability } from "../../../src/staff/roles.ts";

/**
 * The console's adviser views (issue 17). "Conversations": the adviser's inbox, the chat, and
 * the shopper's profile beside it (RFM segment, orders, coupons); filled by
 * web/client/console/conversations-view.ts. "Advisers": the roster and shifts, for the owner;
 * filled by web/client/console/advisers-view.ts.
 */
export function conversationsSection() {
  return html`<section id="conversations" class="card" data-capability="${needs("serveShoppers")}" hidden>
    <div class="toolbar">
      <h2>Conversations</h2>
      <label>Show
        <select id="conversations-status">
          <option value="open">open</option><option value="resolved">resolved</option><option value="all">all</option>
        </select>
      </label>
      <button type="button" id="refresh-conversations" class="secondary">Refresh</button>
      <button type="button" id="close-conversations" class="secondary">Close</button>
    </div>
    <div class="adviser-desk">
      <ul id="conversation-list" class="conversation-list" aria-label="Inbox"></ul>
      <div id="conversation-chat" class="conversation-chat" hidden>
        <div class="toolbar">
          <h3 id="conversation-title"></h3>
          <button type="button" id="conversation-resolve" class="secondary">Resolve</button>
          <button type="button" id="conversation-reopen" class="secondary" hidden>Reopen</button>
        </div>
        <ol id="conversation-messages" class="conversation-messages" aria-live="polite"></ol>
        <form id="conversation-reply" class="inline-form">
          <textarea id="conversation-input" name="body" rows="2" maxlength="2000" required aria-label="Reply"></textarea>
          <button type="submit">Send</button>
        </form>
        <p id="conversation-status" class="muted" role="status"></p>
      </div>
      <aside id="conversation-profile" class="conversation-profile" aria-label="Shopper profile" hidden></aside>
    </div>
    <p id="conversations-empty" class="muted" hidden>No conversations here.</p>
  </section>`;
}

export function advisersSection() {
  return html`<section id="advisers" class="card" data-capability="${needs("manageAdvisers")}" hidden>
    <div class="toolbar">
      <h2>Advisers</h2>
      <button type="button" id="refresh-advisers" class="secondary">Refresh</button>
      <button type="button" id="close-advisers" class="secondary">Close</button>
    </div>
    <p class="muted">New shoppers go round robin to the advisers on shift (least recently assigned first); a shopper keeps their adviser. Removing an adviser gives their shoppers to the others, round robin.</p>
    <form id="adviser-add" class="inline-form">
      <label>Staff account <input id="adviser-staff-id" name="staffId" required maxlength="64" placeholder="stf_…" list="adviser-accounts" /></label>
      <datalist id="adviser-accounts"></datalist>
      <label>Name shoppers see <input id="adviser-name" name="displayName" maxlength="60" placeholder="the account's name" /></label>
      <button type="submit">Add adviser</button>
    </form>
    <p id="advisers-status" class="muted" role="status"></p>
    <div id="adviser-roster"></div>
  </section>`;
}

function needs(capability: Capability): Capability {
  return capability;
}
