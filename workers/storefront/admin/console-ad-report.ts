import { html } from "hono/html";
import type { Capability } from "../../../src/staff/roles.ts";

/**
 * The "Ad report" view's section (issue 18, part B): a campaign's impressions, clicks and CTR
 * per creative and per placement, and its budget spent; filled by
 * web/client/console/ad-report-view.ts. Opened by its nav button (a campaign id to type) or by
 * the Ads view's "Report" button on a campaign.
 */
export function adReportSection() {
  const needs: Capability = "readAds";
  return html`<section id="ad-report" class="card" data-capability="${needs}" hidden>
    <div class="toolbar">
      <h2>Ad report</h2>
      <form id="ad-report-form" class="inline">
        <label>Campaign <input id="ad-report-campaign" name="campaign" required maxlength="40" pattern="[a-z0-9][a-z0-9\\-]{1,39}" autocomplete="off" /></label>
        <button type="submit" class="secondary">Show</button>
      </form>
      <button type="button" id="refresh-ad-report" class="secondary">Refresh</button>
      <button type="button" id="close-ad-report" class="secondary">Close</button>
    </div>
    <p class="muted">Impressions and clicks from the ad events (a few seconds behind), CTR with its 95 % Wilson interval; the budget as serving counted it.</p>
    <p id="ad-report-status" class="muted" role="status"></p>
    <dl id="ad-report-totals" class="figures"></dl>
    <h3>By creative</h3>
    <div id="ad-report-creatives"></div>
    <h3>By placement</h3>
    <div id="ad-report-placements"></div>
  </section>`;
}
