import { html } from "hono/html";
import { messages, type Lang } from "../../../src/i18n/messages.ts";
import type { Markup } from "./layout.ts";

/**
 * Team-up red packets (issue 14): shells only, like the order page. A team changes with every
 * join and shows the shopper their own seat and share, so the pages are never cached; their
 * script (web/client/team.page.ts) reads `/api/team-campaigns` and `/api/teams/{id}`.
 */
export function teamCampaignsPage(lang: Lang): Markup {
  const t = messages(lang);
  return html`<article class="teams card" id="teams">
    <h1>${t.teamsTitle}</h1>
    <p>${t.teamsIntro}</p>
    <p class="status" id="teams-status" role="status">${t.loading}</p>
    <ul class="campaigns" id="campaigns"></ul>
    <p class="message" id="message" role="alert"></p>
  </article>`;
}

export function teamPage(lang: Lang, teamId: string): Markup {
  const t = messages(lang);
  return html`<article class="team card" id="team" data-team-id="${teamId}" data-status="loading">
    <h1 id="team-title">${t.teamTitle}</h1>
    <p class="status" id="team-status" role="status">${t.loading}</p>
    <p class="team-pool" id="team-pool"></p>
    <ol class="members" id="members" aria-label="${t.teamMembers}"></ol>
    <p class="seats" id="seats"></p>
    <div class="countdown" id="team-clock" hidden>
      <span>${t.teamEndsIn}</span>
      <canvas id="countdown" width="360" height="64"></canvas>
    </div>
    <p class="share-result" id="my-share" hidden></p>
    <button type="button" id="join" hidden>${t.joinTeam}</button>
    <div class="share-panel" id="share-panel"></div>
    <p class="message" id="message" role="alert"></p>
    <p><a href="/teams">${t.startOwnTeam}</a></p>
  </article>`;
}
