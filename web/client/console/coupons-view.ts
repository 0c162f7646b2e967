import { couponKind, type CouponWords, couponWords, fill } from "../../../src/coupons/coupon-words.ts";
import type { Lang } from "../../../src/i18n/messages.ts";
import type { AdminApi } from "./admin-api.ts";
import type { CouponDraftInput, CouponPoolFigures, CouponTemplate, CouponTemplateFigures } from "./api-types.ts";
import { needs } from "./capabilities.ts";
import { type ChangeWords, changesBetween } from "./changes.ts";
import { CouponForm } from "./coupon-form.ts";
import { byId, h } from "./dom.ts";
import { flash } from "./flash.ts";
import { money, when } from "./format.ts";
import { showAuditRows } from "./audit-view.ts";
import { showVersions } from "./history-view.ts";
import { VersionedEditor } from "./versioned-editor.ts";

/**
 * The console's Coupons view (issue 14): every coupon template with its discount in words
 * ("满300减50", "12% off, up to ¥100"), its validity in local time and its pool's figures
 * (claimed of the pool, held by unpaid orders, used, the redemption rate); a form to create
 * and edit templates, each problem next to its field; each template's history and audit log.
 * In the language the page rendered the section in (`lang` of #coupons). Read on opening and
 * on "Refresh", and after every save; never polled.
 */
export class CouponsView {
  private readonly api: AdminApi;
  private readonly lang: Lang = byId("coupons").lang === "zh-CN" ? "zh-CN" : "en";
  private readonly words: CouponWords = couponWords(this.lang);
  readonly editor: VersionedEditor<CouponTemplate, CouponDraftInput, CouponTemplateFigures>;

  constructor(api: AdminApi) {
    this.api = api;
    const w = this.words;
    this.editor = new VersionedEditor(
      {
        form: new CouponForm(w),
        ids: { problems: "coupon-form-problems", save: "save-coupon", close: "close-coupon-editor", title: "coupon-editor-title" },
        send: (draft, editing) => (editing ? api.updateCoupon(editing.id, draft, editing.version) : api.createCoupon(draft)),
        words: {
          title: (t) => (t ? fill(w.form_edit, { title: t.title, version: t.version }) : w.form_new),
          fixFields: w.fixFields,
          notSaved: () => w.notSaved,
          stale: (version) => fill(w.stale, { version }),
          failed: (error) => fill(w.failed, { message: error.message }),
          saved: ({ template }) => fill(w.saved, { title: template.title, version: template.version }),
        },
      },
      () => void this.load(),
    );
    byId("show-coupons").addEventListener("click", () => this.open());
    byId("close-coupons").addEventListener("click", () => this.close());
    byId("refresh-coupons").addEventListener("click", () => void this.load());
    byId("new-coupon").addEventListener("click", () => this.editor.open(null));
  }

  open(): void {
    byId("coupons").hidden = false;
    byId("coupons").scrollIntoView({ behavior: "smooth" });
    void this.load();
  }

  close(): void {
    byId("coupons").hidden = true;
    this.editor.close();
    byId("coupon-list").replaceChildren();
  }

  /** Reads the templates and their figures again and redraws the table. */
  async load(): Promise<void> {
    const w = this.words;
    const result = await this.api.coupons();
    const out = byId("coupon-list");
    if (!result.ok) return out.replaceChildren(h("p", { class: "problem" }, fill(w.couldNotRead, { message: result.error.message })));
    const { coupons } = result.data;
    if (!coupons.length) return out.replaceChildren(h("p", { class: "muted" }, w.noCoupons));
    const headings = [w.col_coupon, w.col_kind, w.col_valid, w.col_pool, w.col_held, w.col_used, w.col_rate, ""];
    out.replaceChildren(
      h(
        "table",
        { "data-view": "coupons" },
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
          coupons.map((entry) => this.row(entry)),
        ),
      ),
    );
  }

  private row({ template, pool }: CouponTemplateFigures): HTMLTableRowElement {
    const w = this.words;
    const flags = [
      template.paused && w.flag_paused,
      template.stackable && w.flag_stackable,
      !template.claimable && w.flag_granted,
      template.redeem === "in_store" && w.flag_in_store,
    ];
    const scope = template.skus.length ? fill(w.onlySkus, { skus: template.skus.join(", ") }) : w.everySale;
    return h(
      "tr",
      { "data-coupon": template.id },
      h(
        "td",
        {},
        h("strong", {}, template.title),
        h("div", { class: "muted" }, `${template.id} · v${template.version}`),
        flags.map((flag) => flag && h("span", { class: "flag" }, flag)),
      ),
      h("td", { "data-cell": "kind" }, couponKind(template, this.lang), h("div", { class: "muted" }, scope)),
      h("td", { "data-cell": "valid" }, fill(w.validity, { from: when(template.validFrom), until: when(template.validUntil) })),
      h("td", { "data-cell": "pool" }, `${pool.claimed} / ${pool.quantity}`),
      h("td", { "data-cell": "held" }, pool.held),
      h("td", { "data-cell": "used" }, pool.used),
      h("td", { "data-cell": "rate" }, this.rate(pool)),
      h(
        "td",
        { class: "actions" },
        h(
          "button",
          { type: "button", class: "secondary", "data-action": "edit", ...needs("editSales"), onclick: () => this.editor.open(template) },
          w.edit,
        ),
        h(
          "button",
          { type: "button", class: "secondary", "data-action": "history", onclick: () => void this.history(template) },
          w.history,
        ),
        h(
          "button",
          { type: "button", class: "secondary", "data-action": "audit", ...needs("readAudit"), onclick: () => void this.audit(template) },
          w.audit,
        ),
      ),
    );
  }

  private rate(pool: CouponPoolFigures): string {
    if (pool.redemptionRate === null) return this.words.noRate;
    return fill(this.words.rate, { rate: (pool.redemptionRate * 100).toFixed(1) });
  }

  private async history(template: CouponTemplate): Promise<void> {
    const w = this.words;
    const result = await this.api.couponHistory(template.id);
    if (!result.ok) return flash(fill(w.couldNotReadHistory, { message: result.error.message }), true);
    showVersions(fill(w.historyOf, { title: template.title }), result.data.versions, this.changes, {
      headings: [w.h_version, w.h_saved, w.h_by, w.h_changes],
      unknownAuthor: w.unknownAuthor,
    });
  }

  private async audit(template: CouponTemplate): Promise<void> {
    const w = this.words;
    const result = await this.api.couponAudit(template.id);
    if (!result.ok) return flash(fill(w.couldNotReadAudit, { message: result.error.message }), true);
    const rows = result.data.entries.map((entry) => ({ ...entry, subject: `${entry.after.id} v${entry.version}` }));
    showAuditRows(fill(w.auditOf, { title: template.title }), rows, this.changes, [w.h_when, w.h_who, w.h_action, w.h_subject, w.h_what]);
  }

  /** What changed between two versions of a template, in the view's words and units. */
  private readonly changes = (before: CouponTemplate | null, after: CouponTemplate): string[] =>
    changesBetween(couponChanges(this.words), before, after);
}

/** A template's fields in the marketer's words and units: yuan, local time, yes/no. */
function couponChanges(w: CouponWords): ChangeWords<CouponTemplate> {
  return {
    label: (key) => (w as Record<string, string>)[`label_${key}`] ?? key,
    show: (key, template) => {
      const value: unknown = template[key];
      if (value === undefined) return "–";
      switch (key) {
        case "amountOff":
        case "maxDiscount":
        case "minSpend":
          return money(template[key]);
        case "validFrom":
        case "validUntil":
          return when(template[key]);
        case "type":
          return w[`type_${template.type}`];
        case "skus":
          return template.skus.length ? template.skus.join(", ") : w.everySale;
        default:
          return typeof value === "boolean" ? (value ? w.yes : w.no) : typeof value === "string" ? value : JSON.stringify(value);
      }
    },
    created: w.created,
    oldestKept: w.oldestKept,
    noChange: w.noChange,
  };
}
