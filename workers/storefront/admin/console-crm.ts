import { html } from "hono/html";
import { CRM_SCOPES } from "../../../src/crm/api-key.ts";
import { CRM_EVENT_TYPES } from "../../../src/membership/crm-events.ts";
import type { Capability } from "../../../src/staff/roles.ts";

/**
 * The console's CRM view (issue 16): where the webhooks go and which events (a versioned
 * configuration), the deliveries with "send again" for dead ones, and the inbound API's keys
 * (created with scopes, the secret shown once, revoked). Filled by web/client/console/crm-view.ts.
 */
export function crmSection() {
  return html`<section id="crm" class="card" data-capability="${needs("readCrm")}" hidden>
    <div class="toolbar">
      <h2>CRM</h2>
      <button type="button" id="refresh-crm" class="secondary">Refresh</button>
      <button type="button" id="close-crm" class="secondary">Close</button>
    </div>
    <h3>Webhooks</h3>
    <form id="crm-webhooks" class="inline-form">
      <label>Endpoint <input id="crm-url" name="url" type="url" placeholder="https://crm.example.com/webhooks" size="40" /></label>
      <fieldset id="crm-events">
        <legend>Events</legend>
        ${CRM_EVENT_TYPES.map((type) => html`<label><input type="checkbox" name="events" value="${type}" /> ${type}</label>`)}
      </fieldset>
      <button type="submit" data-capability="${needs("editCrm")}">Save</button>
      <span id="crm-version" class="muted"></span>
    </form>
    <p class="muted">Signed per Standard Webhooks with CRM_WEBHOOK_SECRET (a secret of the crm-webhooks Worker); an empty endpoint or no event: off.</p>
    <div class="toolbar">
      <h3>Deliveries</h3>
      <label>Show
        <select id="crm-status">
          <option value="">all</option><option value="pending">pending</option><option value="queued">queued</option>
          <option value="delivered">delivered</option><option value="dead">dead</option>
        </select>
      </label>
    </div>
    <p id="crm-counts" class="muted" role="status"></p>
    <div id="crm-deliveries"></div>
    <div data-capability="${needs("manageCrmKeys")}">
      <h3>API keys</h3>
      <form id="crm-key-form" class="inline-form">
        <label>Label <input id="crm-key-label" name="label" required maxlength="60" placeholder="Salesforce" /></label>
        <fieldset>
          <legend>Scopes</legend>
          ${CRM_SCOPES.map((scope) => html`<label><input type="checkbox" name="scopes" value="${scope}" /> ${scope}</label>`)}
        </fieldset>
        <button type="submit">Create key</button>
      </form>
      <p id="crm-new-key" class="notice" hidden></p>
      <div id="crm-keys"></div>
    </div>
  </section>`;
}

function needs(capability: Capability): Capability {
  return capability;
}
