import type { Lang } from "../../../src/i18n/messages.ts";
import { completeWithin, completionRate, fill, type TeamWords, teamTerms, teamWords } from "../../../src/teams/team-words.ts";
import type { AdminApi } from "./admin-api.ts";
import type { TeamCampaign, TeamCampaignDraftInput, TeamCampaignFigures, TeamCampaignWithFigures } from "./api-types.ts";
import { showAuditRows } from "./audit-view.ts";
import { needs } from "./capabilities.ts";
import { type ChangeWords, changesBetween } from "./changes.ts";
import { byId, h } from "./dom.ts";
import { flash } from "./flash.ts";
import { money, when } from "./format.ts";
import { showVersions } from "./history-view.ts";
import { TeamForm } from "./team-form.ts";
import { VersionedEditor } from "./versioned-editor.ts";

/**
 * The console's Team red packets view (issue 14), built as the Coupons view is
 * (./coupons-view.ts): every team-up campaign with its red packet in words ("4 people share
 * ¥100.00, equal"), who may join, its window in local time, the time a team has to fill, and
 * its figures (teams started / open / completed / expired, members, coupons granted and their
 * total, the completion rate: completed ÷ (completed + expired)); a form to create and edit
 * campaigns, each problem next to its field; each campaign's history and audit log. In the
 * language the page rendered the section in (`lang` of #teams). Read on opening, on "Refresh"
 * and after every save; never polled.
 */
export class TeamsView {
  private readonly api: AdminApi;
  private readonly lang: Lang = byId("teams").lang === "zh-CN" ? "zh-CN" : "en";
  private readonly words: TeamWords = teamWords(this.lang);
  readonly editor: VersionedEditor<TeamCampaign, TeamCampaignDraftInput, TeamCampaignWithFigures>;

  constructor(api: AdminApi) {
    this.api = api;
    const w = this.words;
    this.editor = new VersionedEditor(
      {
        form: new TeamForm(w),
        ids: { problems: "team-form-problems", save: "save-team-campaign", close: "close-team-editor", title: "team-editor-title" },
        send: (draft, editing) => (editing ? api.updateTeamCampaign(editing.id, draft, editing.version) : api.createTeamCampaign(draft)),
        words: {
          title: (c) => (c ? fill(w.form_edit, { title: c.title, version: c.version }) : w.form_new),
          fixFields: w.fixFields,
          notSaved: () => w.notSaved,
          stale: (version) => fill(w.stale, { version }),
          failed: (error) => fill(w.failed, { message: error.message }),
          saved: ({ campaign }) => fill(w.saved, { title: campaign.title, version: campaign.version }),
        },
      },
      () => void this.load(),
    );
    byId("show-teams").addEventListener("click", () => this.open());
    byId("close-teams").addEventListener("click", () => this.close());
    byId("refresh-teams").addEventListener("click", () => void this.load());
    byId("new-team-campaign").addEventListener("click", () => this.editor.open(null));
  }

  open(): void {
    byId("teams").hidden = false;
    byId("teams").scrollIntoView({ behavior: "smooth" });
    void this.load();
  }

  close(): void {
    byId("teams").hidden = true;
    this.editor.close();
    byId("team-campaign-list").replaceChildren();
  }

  /** Reads the campaigns and their figures again and redraws the table. */
  async load(): Promise<void> {
    const w = this.words;
    const result = await this.api.teamCampaigns();
    const out = byId("team-campaign-list");
    if (!result.ok) return out.replaceChildren(h("p", { class: "problem" }, fill(w.couldNotRead, { message: result.error.message })));
    const { campaigns } = result.data;
    if (!campaigns.length) return out.replaceChildren(h("p", { class: "muted" }, w.noCampaigns));
    const headings = [w.col_campaign, w.col_terms, w.col_window, w.col_teams, w.col_members, w.col_granted, w.col_rate, ""];
    out.replaceChildren(
      h(
        "table",
        { "data-view": "team-campaigns" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            headings.map((t) => h("th", {}, t)),
          ),
        ),
        h(
          "tbody",
          {},
          campaigns.map((entry) => this.row(entry)),
        ),
      ),
    );
  }

  private row({ campaign, figures }: TeamCampaignWithFigures): HTMLTableRowElement {
    const w = this.words;
    return h(
      "tr",
      { "data-team-campaign": campaign.id },
      h("td", {}, h("strong", {}, campaign.title), h("div", { class: "muted" }, `${campaign.id} · v${campaign.version}`)),
      h(
        "td",
        { "data-cell": "terms" },
        teamTerms(campaign, this.lang),
        h("div", { class: "muted", "data-cell": "join" }, w[`join_${campaign.joinRule}`]),
        h("div", { class: "muted", "data-cell": "coupon" }, this.couponTerms(campaign)),
      ),
      h(
        "td",
        { "data-cell": "window" },
        fill(w.window, { from: when(campaign.startsAt), until: when(campaign.endsAt) }),
        h(
          "div",
          { class: "muted", "data-cell": "complete-within" },
          fill(w.completeWithin, { time: completeWithin(campaign.completeWithinSeconds, this.lang) }),
        ),
      ),
      h(
        "td",
        { "data-cell": "teams" },
        fill(w.teamsFigures, {
          started: figures.teamsStarted,
          open: figures.teamsOpen,
          completed: figures.teamsCompleted,
          expired: figures.teamsExpired,
        }),
      ),
      h("td", { "data-cell": "members" }, figures.members),
      h("td", { "data-cell": "granted" }, fill(w.granted, { count: figures.couponsGranted, amount: money(figures.grantedAmount) })),
      h("td", { "data-cell": "rate" }, this.rate(figures)),
      h(
        "td",
        { class: "actions" },
        h(
          "button",
          { type: "button", class: "secondary", "data-action": "edit", ...needs("editSales"), onclick: () => this.editor.open(campaign) },
          w.edit,
        ),
        h(
          "button",
          { type: "button", class: "secondary", "data-action": "history", onclick: () => void this.history(campaign) },
          w.history,
        ),
        h(
          "button",
          { type: "button", class: "secondary", "data-action": "audit", ...needs("readAudit"), onclick: () => void this.audit(campaign) },
          w.audit,
        ),
      ),
    );
  }

  /** The coupons a completed team's members are granted: how long they last, the minimum spend, the SKUs. */
  private couponTerms(campaign: TeamCampaign): string {
    const w = this.words;
    const { skus } = campaign.appliesTo;
    const scope = skus.length ? fill(w.onlySkus, { skus: skus.join(", ") }) : w.anySku;
    const values = { days: campaign.couponValidDays, min: money(campaign.couponMinSpend), scope };
    return fill(campaign.couponMinSpend > 0 ? w.coupon_terms_min : w.coupon_terms, values);
  }

  private rate(figures: TeamCampaignFigures): string {
    const rate = completionRate(figures);
    return rate === null ? this.words.noRate : fill(this.words.rate, { rate: (rate * 100).toFixed(1) });
  }

  private async history(campaign: TeamCampaign): Promise<void> {
    const w = this.words;
    const result = await this.api.teamCampaignHistory(campaign.id);
    if (!result.ok) return flash(fill(w.couldNotReadHistory, { message: result.error.message }), true);
    showVersions(fill(w.historyOf, { title: campaign.title }), result.data.versions, this.changes, {
      headings: [w.h_version, w.h_saved, w.h_by, w.h_changes],
      unknownAuthor: w.unknownAuthor,
    });
  }

  private async audit(campaign: TeamCampaign): Promise<void> {
    const w = this.words;
    const result = await this.api.teamCampaignAudit(campaign.id);
    if (!result.ok) return flash(fill(w.couldNotReadAudit, { message: result.error.message }), true);
    const rows = result.data.entries.map((entry) => ({ ...entry, subject: `${entry.after.id} v${entry.version}` }));
    showAuditRows(fill(w.auditOf, { title: campaign.title }), rows, this.changes, [w.h_when, w.h_who, w.h_action, w.h_subject, w.h_what]);
  }

  /** What changed between two versions of a campaign, in the view's words and units. */
  private readonly changes = (before: TeamCampaign | null, after: TeamCampaign): string[] =>
    changesBetween(teamChanges(this.words, this.lang), before, after);
}

/** A campaign's fields in the marketer's words and units: yuan, local time, hours, the split and rule in words. */
function teamChanges(w: TeamWords, lang: Lang): ChangeWords<TeamCampaign> {
  return {
    label: (key) => (w as Record<string, string>)[`label_${key}`] ?? key,
    show: (key, campaign) => {
      const value: unknown = campaign[key];
      if (value === undefined) return "–";
      switch (key) {
        case "poolAmount":
        case "couponMinSpend":
          return money(campaign[key]);
        case "startsAt":
        case "endsAt":
          return when(campaign[key]);
        case "completeWithinSeconds":
          return completeWithin(campaign.completeWithinSeconds, lang);
        case "split":
          return w[`split_${campaign.split}`];
        case "joinRule":
          return w[`join_${campaign.joinRule}`];
        case "appliesTo":
          return campaign.appliesTo.skus.length ? campaign.appliesTo.skus.join(", ") : w.anySku;
        default:
          return typeof value === "string" ? value : JSON.stringify(value);
      }
    },
    created: w.created,
    oldestKept: w.oldestKept,
    noChange: w.noChange,
  };
}
