import { html } from "hono/html";
import { needs } from "./console-coupons.ts";

/**
 * The console's Recommendations view (issue 18, part E): the recommender's model versions with
 * their evaluation, which one is served, activate and roll back, and the click-through rate of
 * "Recommended for you" per arm (drawn by web/client/console/recommendations-view.ts).
 */
export function recommendationsSection() {
  return html`<section id="recommendations" class="card" data-capability="${needs("readRecs")}" hidden>
    <div class="toolbar">
      <h2>Recommendations</h2>
      <button type="button" id="rollback-recs" data-capability="${needs("editRecs")}">Roll back</button>
      <button type="button" id="refresh-recs" class="secondary">Refresh</button>
      <button type="button" id="close-recs" class="secondary">Close</button>
    </div>
    <p id="recs-status" class="muted" role="status"></p>
    <h3>Model versions</h3>
    <div id="recs-models"></div>
    <h3>Click-through per arm (last 7 days)</h3>
    <div id="recs-ctr"></div>
  </section>`;
}
