import { type AdWords, adWords } from "../../../src/ads/ad-words.ts";
import { adImageUrl, PLACEMENT_SIZES } from "../../../src/ads/placements.ts";
import { fill } from "../../../src/coupons/coupon-words.ts";
import type { Lang } from "../../../src/i18n/messages.ts";
import { AdCampaignForm } from "./ad-campaign-form.ts";
import type { AdminApi } from "./admin-api.ts";
import type { AdCampaign, AdCampaignDraftInput, AdCampaignSaved } from "./ads-types.ts";
import { showAuditRows } from "./audit-view.ts";
import { needs } from "./capabilities.ts";
import { type ChangeWords, changesBetween } from "./changes.ts";
import { byId, h } from "./dom.ts";
import { flash } from "./flash.ts";
import { when } from "./format.ts";
import { showVersions } from "./history-view.ts";
import { VersionedEditor } from "./versioned-editor.ts";

/**
 * The console's Ads view (issue 18, part A), built as the Livestreams view is: every campaign
 * with its status, window in local time, placements, budget and cap, targeting, and its creatives
 * as thumbnails; the form to create and edit one (creatives uploaded and previewed at every
 * size); each campaign's history and audit log, and its exported creative set per off-site
 * channel. Read on opening, on "Refresh" and after every save.
 */
export class AdsView {
  private readonly api: AdminApi;
  private readonly lang: Lang = byId("ads").lang === "zh-CN" ? "zh-CN" : "en";
  private readonly words: AdWords = adWords(this.lang);
  readonly form: AdCampaignForm;
  readonly editor: VersionedEditor<AdCampaign, AdCampaignDraftInput, AdCampaignSaved>;

  constructor(api: AdminApi) {
    this.api = api;
    const w = this.words;
    this.form = new AdCampaignForm(w, api);
    this.editor = new VersionedEditor(
      {
        form: this.form,
        ids: {
          problems: "ad-campaign-form-problems",
          save: "save-ad-campaign",
          close: "close-ad-campaign-editor",
          title: "ad-campaign-editor-title",
        },
        send: (draft, editing) => (editing ? api.updateAdCampaign(editing.id, draft, editing.version) : api.createAdCampaign(draft)),
        words: {
          title: (c) => (c ? fill(w.form_edit, { name: c.name, version: c.version }) : w.form_new),
          fixFields: w.fixFields,
          notSaved: () => w.notSaved,
          stale: (version) => fill(w.stale, { version }),
          failed: (error) => fill(w.failed, { message: error.message }),
          saved: ({ campaign }) => fill(w.saved, { name: campaign.name, version: campaign.version }),
        },
      },
      () => void this.load(),
    );
    byId("show-ads").addEventListener("click", () => this.open());
    byId("close-ads").addEventListener("click", () => this.close());
    byId("refresh-ads").addEventListener("click", () => void this.load());
    byId("new-ad-campaign").addEventListener("click", () => void this.edit(null));
  }

  open(): void {
    byId("ads").hidden = false;
    byId("ads").scrollIntoView({ behavior: "smooth" });
    void this.load();
  }

  close(): void {
    byId("ads").hidden = true;
    this.editor.close();
    byId("ad-campaign-list").replaceChildren();
  }

  /** Opens the form with the uploaded images to pick from, read afresh. */
  private async edit(campaign: AdCampaign | null): Promise<void> {
    const images = await this.api.adImages();
    this.form.images = images.ok ? images.data.images : [];
    this.editor.open(campaign);
  }

  async load(): Promise<void> {
    const w = this.words;
    const result = await this.api.adCampaigns();
    const out = byId("ad-campaign-list");
    if (!result.ok) return out.replaceChildren(h("p", { class: "problem" }, fill(w.couldNotRead, { message: result.error.message })));
    const { campaigns } = result.data;
    if (!campaigns.length) return out.replaceChildren(h("p", { class: "muted" }, w.noCampaigns));
    const headings = [w.col_campaign, w.col_window, w.col_delivery, w.col_targeting, w.col_creatives, ""];
    out.replaceChildren(
      h(
        "table",
        { "data-view": "ad-campaigns" },
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
          campaigns.map((campaign) => this.row(campaign)),
        ),
      ),
    );
  }

  private row(campaign: AdCampaign): HTMLTableRowElement {
    const w = this.words;
    const rule = (value: "all" | readonly string[]) => (value === "all" ? w.all : value.join(", "));
    const thumb = PLACEMENT_SIZES.home_banner[0];
    return h(
      "tr",
      { "data-ad-campaign": campaign.id },
      h(
        "td",
        {},
        h("strong", {}, campaign.name),
        h("div", { class: "muted" }, `${campaign.id} · v${campaign.version} · ${w[`status_${campaign.status}`]}`),
      ),
      h("td", { "data-cell": "window" }, fill(w.window, { from: when(campaign.startsAt), until: when(campaign.endsAt) })),
      h(
        "td",
        { "data-cell": "delivery" },
        campaign.placements.join(", "),
        h("div", { class: "muted" }, fill(w.budget, { impressions: campaign.budget.impressions.toLocaleString() })),
        h("div", { class: "muted" }, fill(w.cap, { impressions: campaign.frequencyCap.impressions, hours: campaign.frequencyCap.hours })),
      ),
      h(
        "td",
        { "data-cell": "targeting" },
        `${w.f_segments}: ${rule(campaign.targeting.segments)}`,
        h("div", {}, `${w.f_devices}: ${rule(campaign.targeting.devices)}`),
        h("div", {}, `${w.f_locales}: ${rule(campaign.targeting.locales)}`),
      ),
      h(
        "td",
        { "data-cell": "creatives", class: "ad-thumbs" },
        campaign.creatives.map((creative) =>
          h(
            "figure",
            { "data-creative": creative.id },
            h("img", {
              src: adImageUrl(creative.imageId, thumb),
              width: String(thumb.width / 2),
              height: String(thumb.height / 2),
              alt: creative.headline[this.lang],
              loading: "lazy",
            }),
            h("figcaption", {}, `${creative.variant} · ${creative.headline[this.lang]}`),
          ),
        ),
      ),
      h(
        "td",
        { class: "actions" },
        h(
          "button",
          { type: "button", class: "secondary", "data-action": "edit", ...needs("editAds"), onclick: () => void this.edit(campaign) },
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
        // Issue 18, part B: the campaign's CTR report (web/client/console/ad-report-view.ts).
        h(
          "button",
          {
            type: "button",
            class: "secondary",
            "data-action": "report",
            ...needs("readAds"),
            onclick: () => document.dispatchEvent(new CustomEvent("open-ad-report", { detail: campaign.id })),
          },
          w.report,
        ),
        campaign.offsite.map((channel) =>
          h(
            "a",
            {
              class: "button secondary",
              "data-action": `export-${channel}`,
              href: `/admin/api/ad-campaigns/${encodeURIComponent(campaign.id)}/export?channel=${channel}`,
              download: `${campaign.id}-${channel}.json`,
            },
            fill(w.exportFor, { channel }),
          ),
        ),
      ),
    );
  }

  private async history(campaign: AdCampaign): Promise<void> {
    const w = this.words;
    const result = await this.api.adCampaignHistory(campaign.id);
    if (!result.ok) return flash(fill(w.couldNotReadHistory, { message: result.error.message }), true);
    showVersions(fill(w.historyOf, { name: campaign.name }), result.data.versions, this.changes, {
      headings: [w.h_version, w.h_saved, w.h_by, w.h_changes],
      unknownAuthor: w.unknownAuthor,
    });
  }

  private async audit(campaign: AdCampaign): Promise<void> {
    const w = this.words;
    const result = await this.api.adCampaignAudit(campaign.id);
    if (!result.ok) return flash(fill(w.couldNotReadAudit, { message: result.error.message }), true);
    const rows = result.data.entries.map((entry) => ({ ...entry, subject: `${entry.after.id} v${entry.version}` }));
    showAuditRows(fill(w.auditOf, { name: campaign.name }), rows, this.changes, [w.h_when, w.h_who, w.h_action, w.h_subject, w.h_what]);
  }

  private readonly changes = (before: AdCampaign | null, after: AdCampaign): string[] =>
    changesBetween(adChanges(this.words), before, after);
}

/** A campaign's fields in the marketer's words: local times, everything else as JSON. */
function adChanges(w: AdWords): ChangeWords<AdCampaign> {
  return {
    label: (key) => (w as Record<string, string>)[`f_${key}`] ?? key,
    show: (key, campaign) => {
      const value: unknown = campaign[key];
      if (value === undefined) return "–";
      if (key === "startsAt" || key === "endsAt") return when(campaign[key]);
      return typeof value === "string" ? value : JSON.stringify(value);
    },
    created: w.created,
    oldestKept: w.oldestKept,
    noChange: w.noChange,
  };
}
