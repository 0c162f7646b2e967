import { fill } from "../../../src/coupons/coupon-words.ts";
import type { Lang } from "../../../src/i18n/messages.ts";
import { type MembershipWords, membershipWords } from "../../../src/membership/membership-words.ts";
import type { AdminApi } from "./admin-api.ts";
import type { MemberLookup, MemberTiers, MemberTiersDraft, MemberTiersSaved } from "./api-types.ts";
import { showAuditRows } from "./audit-view.ts";
import { type ChangeWords, changesBetween } from "./changes.ts";
import { byId, h } from "./dom.ts";
import { flash } from "./flash.ts";
import { money, when } from "./format.ts";
import { showVersions } from "./history-view.ts";
import { TierForm } from "./tier-form.ts";
import { VersionedEditor } from "./versioned-editor.ts";

/**
 * The console's Member tiers view (issue 16): the tiers in force (what reaches each, what each
 * gives), the form that edits the one tier document, its history and audit log, and a member
 * lookup (tier, 12-month spend and points, progress, benefits granted). Read on opening, on
 * "Refresh" and after every save.
 */
export class MemberTiersView {
  private readonly api: AdminApi;
  private readonly lang: Lang = byId("member-tiers").lang === "zh-CN" ? "zh-CN" : "en";
  private readonly words: MembershipWords = membershipWords(this.lang);
  private readonly form: TierForm;
  private current: MemberTiers | null = null;
  readonly editor: VersionedEditor<MemberTiers, MemberTiersDraft, MemberTiersSaved>;

  constructor(api: AdminApi) {
    this.api = api;
    const w = this.words;
    this.form = new TierForm(w);
    this.editor = new VersionedEditor(
      {
        form: this.form,
        ids: {
          problems: "member-tiers-form-problems",
          save: "save-member-tiers",
          close: "close-member-tiers-editor",
          title: "member-tiers-editor-title",
        },
        send: (draft, editing) => api.saveMemberTiers(draft, editing?.version ?? 0),
        words: {
          title: (tiers) => fill(w.form_title, { version: tiers?.version ?? 0 }),
          fixFields: w.fixFields,
          notSaved: () => w.notSaved,
          stale: (version) => fill(w.stale, { version }),
          failed: (error) => fill(w.failed, { message: error.message }),
          saved: ({ tiers }) => fill(w.saved, { version: tiers.version }),
        },
      },
      () => void this.load(),
    );
    byId("show-member-tiers").addEventListener("click", () => this.open());
    byId("close-member-tiers").addEventListener("click", () => this.close());
    byId("refresh-member-tiers").addEventListener("click", () => void this.load());
    byId("edit-member-tiers").addEventListener("click", () => void this.edit());
    byId("member-tiers-history").addEventListener("click", () => void this.history());
    byId("member-tiers-audit").addEventListener("click", () => void this.audit());
    byId("member-lookup", HTMLFormElement).addEventListener("submit", (event) => {
      event.preventDefault();
      const id = new FormData(event.target as HTMLFormElement).get("shopperId");
      void this.lookup(String(id ?? "").trim());
    });
  }

  open(): void {
    byId("member-tiers").hidden = false;
    byId("member-tiers").scrollIntoView({ behavior: "smooth" });
    void this.load();
  }

  close(): void {
    byId("member-tiers").hidden = true;
    this.editor.close();
    byId("member-tier-list").replaceChildren();
    byId("member-lookup-result").replaceChildren();
  }

  /** Opens the form on the document in force, with the coupon templates to tick, read afresh. */
  private async edit(): Promise<void> {
    const coupons = await this.api.coupons();
    this.form.templates = coupons.ok ? coupons.data.coupons.map((c) => c.template).filter((t) => t.redeem === "online") : [];
    this.editor.open(this.current);
  }

  async load(): Promise<void> {
    const w = this.words;
    const result = await this.api.memberTiers();
    const out = byId("member-tier-list");
    if (!result.ok) return out.replaceChildren(h("p", { class: "problem" }, fill(w.couldNotRead, { message: result.error.message })));
    const { tiers } = result.data;
    this.current = tiers;
    const line = h("p", { class: "muted" }, fill(w.versionLine, { version: tiers.version, timeZone: tiers.timeZone }));
    if (!tiers.tiers.length) return out.replaceChildren(line, h("p", { class: "muted" }, w.noTiers));
    const headings = [w.col_tier, w.col_reach, w.col_protection, w.col_points, w.col_memberPrice, w.col_grants];
    out.replaceChildren(
      line,
      h(
        "table",
        { "data-view": "member-tiers" },
        h("thead", {}, h("tr", {}, ...headings.map((t) => h("th", {}, t)))),
        h(
          "tbody",
          {},
          ...tiers.tiers.map((tier) => {
            const b = tier.benefits;
            return h(
              "tr",
              { "data-tier": tier.id },
              h("td", {}, tier.name[this.lang], h("div", { class: "muted" }, tier.id)),
              h(
                "td",
                {},
                fill(w.reach, {
                  spend: tier.minSpend === null ? "–" : money(tier.minSpend).replace("¥", ""),
                  points: tier.minPoints === null ? "–" : tier.minPoints,
                }),
              ),
              h("td", { "data-cell": "protection" }, b.protectionDays ? fill(w.days, { days: b.protectionDays }) : w.none),
              h("td", {}, fill(w.percent, { n: b.pointsMultiplierPercent })),
              h("td", {}, b.memberPricePercentOff ? fill(w.percentOff, { n: b.memberPricePercentOff }) : w.none),
              h(
                "td",
                {},
                [...b.couponTemplates, b.welcomePoints ? fill(w.welcomePoints, { n: b.welcomePoints }) : null, ...b.perks]
                  .filter(Boolean)
                  .join(" · ") || w.none,
              ),
            );
          }),
        ),
      ),
    );
  }

  private async lookup(id: string): Promise<void> {
    const w = this.words;
    const out = byId("member-lookup-result");
    if (!id) return;
    const result = await this.api.member(id);
    if (!result.ok) return out.replaceChildren(h("p", { class: "problem" }, fill(w.couldNotRead, { message: result.error.message })));
    const m: MemberLookup = result.data;
    out.replaceChildren(
      h(
        "p",
        { "data-member": m.shopperId },
        fill(w.memberLine, {
          tier: m.tierName?.[this.lang] ?? w.noTier,
          spend: money(m.spend12m).replace("¥", ""),
          points: m.points12m,
          days: m.protectionDays,
          multiplier: m.pointsMultiplierPercent,
        }),
      ),
      m.next ? h("p", { class: "muted" }, fill(w.nextLine, { tier: m.next.tier, percent: m.next.percent })) : "",
      m.grants.length
        ? h(
            "details",
            {},
            h("summary", {}, w.grants),
            h("ul", {}, ...m.grants.map((g) => h("li", {}, `${when(g.at)} · ${g.kind} · ${g.tier ?? g.source} · ${g.key}`))),
          )
        : "",
    );
  }

  private async history(): Promise<void> {
    const w = this.words;
    const result = await this.api.memberTiersHistory();
    if (!result.ok) return flash(fill(w.couldNotReadHistory, { message: result.error.message }), true);
    showVersions(w.historyOf, result.data.versions, this.changes, {
      headings: [w.h_version, w.h_saved, w.h_by, w.h_changes],
      unknownAuthor: w.unknownAuthor,
    });
  }

  private async audit(): Promise<void> {
    const w = this.words;
    const result = await this.api.memberTiersAudit();
    if (!result.ok) return flash(fill(w.couldNotReadAudit, { message: result.error.message }), true);
    const rows = result.data.entries.map((entry) => ({ ...entry, subject: `membership:tiers v${entry.version}` }));
    showAuditRows(w.auditOf, rows, this.changes, [w.h_when, w.h_who, w.h_action, w.h_subject, w.h_what]);
  }

  private readonly changes = (before: MemberTiers | null, after: MemberTiers): string[] =>
    changesBetween(tierChanges(this.words), before, after);
}

/** The document's fields in the marketer's words: each tier by its id and thresholds. */
function tierChanges(w: MembershipWords): ChangeWords<MemberTiers> {
  return {
    label: (key) => (w as Record<string, string>)[`label_${key}`] ?? key,
    show: (key, config) => {
      if (key === "tiers") {
        return config.tiers
          .map((t) => `${t.id} (${t.minSpend === null ? "–" : money(t.minSpend)} / ${t.minPoints ?? "–"}, ${t.benefits.protectionDays}d)`)
          .join(", ");
      }
      const value: unknown = config[key];
      return value === undefined ? "–" : typeof value === "string" ? value : JSON.stringify(value);
    },
    created: w.created,
    oldestKept: w.oldestKept,
    noChange: w.noChange,
  };
}
