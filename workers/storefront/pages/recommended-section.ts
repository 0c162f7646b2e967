import { html } from "hono/html";
import { type Lang, messages } from "../../../src/i18n/messages.ts";
import type { Markup } from "./layout.ts";

/**
 * "Recommended for you" / "为你推荐" (issue 18, part E): an empty, hidden shelf in the shared,
 * edge-cached page; web/client/shared/recommendations.ts fills it per shopper from
 * `GET /api/recommendations` once the shopper's session is there, and shows it only when there
 * is something to show. Phone first: one row that scrolls sideways, cards a third of the width.
 */
export function recommendedSection(lang: Lang): Markup {
  const t = messages(lang);
  return html`<section class="recs" id="recs" data-recs="pending" aria-labelledby="recs-title" hidden>
    <h2 id="recs-title">${t.recs_title}</h2>
    <ul class="recs-list" id="recs-list"></ul>
  </section>`;
}
