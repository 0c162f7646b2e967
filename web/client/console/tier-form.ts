import { fill } from "../../../src/coupons/coupon-words.ts";
import type { MembershipWords } from "../../../src/membership/membership-words.ts";
import type { CouponTemplate, MemberTiers, MemberTiersDraft } from "./api-types.ts";
import { byId, h } from "./dom.ts";
import { control, FormFields, input } from "./form-fields.ts";
import { yuanInput } from "./format.ts";
import { renderTickList, tickedValues } from "./tick-list.ts";
import type { EditForm } from "./versioned-editor.ts";

type TierDraft = MemberTiersDraft["tiers"][number];

/**
 * The member-tier form ↔ the API's tier document (issue 16): one fieldset per tier, lowest
 * first, each input named `t<i>-<field>` and marked with its API path (`tiers.<i>.minSpend`…)
 * so each problem the API lists lands next to its field; spend in yuan ↔ fen; the coupons
 * ticked from the coupon templates (read by the view before the form opens).
 */
export class TierForm implements EditForm<MemberTiers, MemberTiersDraft> {
  readonly form = byId("member-tiers-editor", HTMLFormElement);
  private readonly words: MembershipWords;
  private readonly list = byId("member-tier-fieldsets");
  /** The coupon templates to pick from. */
  templates: CouponTemplate[] = [];

  constructor(words: MembershipWords) {
    this.words = words;
    byId("add-member-tier").addEventListener("click", () => {
      this.list.append(this.fieldset(null, this.list.children.length));
    });
  }

  fill(saved: MemberTiers | null): void {
    input(this.form, "timeZone").value = saved?.timeZone ?? "Asia/Shanghai";
    this.list.replaceChildren(...(saved?.tiers ?? []).map((tier, i) => this.fieldset(tier, i)));
  }

  private fieldset(tier: TierDraft | null, i: number): HTMLFieldSetElement {
    const w = this.words;
    const field = (name: string, path: string, label: string, value: string, attrs: Record<string, string> = {}) =>
      h("label", {}, `${label} `, h("input", { name: `t${i}-${name}`, "data-path": `tiers.${i}.${path}`, value, ...attrs }));
    const b = tier?.benefits;
    const coupons = h("div", { class: "picker" });
    renderTickList(
      coupons,
      `t${i}-coupon`,
      this.templates.map((t) => ({ value: t.id, label: t.title })),
      b?.couponTemplates ?? [],
      w.noTemplates,
    );
    const set = h(
      "fieldset",
      { "data-tier": String(i), "data-path": `tiers.${i}` },
      h("legend", {}, fill(w.legend_tier, { n: i + 1 })),
      field("id", "id", w.f_id, tier?.id ?? "", { autocomplete: "off", spellcheck: "false", placeholder: "gold" }),
      field("nameZh", "name.zh-CN", w.f_nameZh, tier?.name["zh-CN"] ?? ""),
      field("nameEn", "name.en", w.f_nameEn, tier?.name.en ?? ""),
      field("minSpend", "minSpend", w.f_minSpend, tier?.minSpend == null ? "" : yuanInput(tier.minSpend), {
        inputmode: "decimal",
      }),
      field("minPoints", "minPoints", w.f_minPoints, tier?.minPoints == null ? "" : String(tier.minPoints), { inputmode: "numeric" }),
      field("protectionDays", "benefits.protectionDays", w.f_protectionDays, String(b?.protectionDays ?? 0), { inputmode: "numeric" }),
      field("multiplier", "benefits.pointsMultiplierPercent", w.f_multiplier, String(b?.pointsMultiplierPercent ?? 100), {
        inputmode: "numeric",
      }),
      field("memberPrice", "benefits.memberPricePercentOff", w.f_memberPrice, String(b?.memberPricePercentOff ?? 0), {
        inputmode: "numeric",
      }),
      field("welcomePoints", "benefits.welcomePoints", w.f_welcomePoints, String(b?.welcomePoints ?? 0), { inputmode: "numeric" }),
      h("fieldset", { "data-path": `tiers.${i}.benefits.couponTemplates` }, h("legend", {}, w.f_coupons), coupons),
      h(
        "label",
        {},
        `${w.f_perks} `,
        h("textarea", { name: `t${i}-perks`, "data-path": `tiers.${i}.benefits.perks`, rows: "2" }, (b?.perks ?? []).join("\n")),
      ),
      h("button", { type: "button", class: "secondary", "data-action": "remove-tier", onclick: () => this.remove(set) }, w.removeTier),
    );
    return set;
  }

  /** Removes a tier and renumbers the rest, so names and paths stay by position. */
  private remove(set: HTMLFieldSetElement): void {
    const drafts = this.tierDrafts(new FormFields(this.form, this.words)).filter((_, i) => this.list.children[i] !== set);
    this.list.replaceChildren(...drafts.map((tier, i) => this.fieldset(tier, i)));
  }

  read(): { draft: MemberTiersDraft; problems: string[] } {
    const fields = new FormFields(this.form, this.words);
    return { draft: { timeZone: fields.text("timeZone"), tiers: this.tierDrafts(fields) }, problems: fields.problems };
  }

  private tierDrafts(fields: FormFields): TierDraft[] {
    return [...this.list.children].map((_, i) => {
      const name = (field: string) => `t${i}-${field}`;
      const optional = (field: string, convert: () => number) => (fields.text(name(field)) === "" ? null : convert());
      return {
        id: fields.text(name("id")),
        name: { "zh-CN": fields.text(name("nameZh")), en: fields.text(name("nameEn")) },
        minSpend: optional("minSpend", () => fields.fen(name("minSpend"), `tiers.${i}.minSpend`, true)),
        minPoints: optional("minPoints", () => fields.count(name("minPoints"), `tiers.${i}.minPoints`)),
        benefits: {
          protectionDays: fields.count(name("protectionDays"), `tiers.${i}.benefits.protectionDays`),
          pointsMultiplierPercent: fields.count(name("multiplier"), `tiers.${i}.benefits.pointsMultiplierPercent`),
          memberPricePercentOff: fields.count(name("memberPrice"), `tiers.${i}.benefits.memberPricePercentOff`),
          welcomePoints: fields.count(name("welcomePoints"), `tiers.${i}.benefits.welcomePoints`),
          couponTemplates: tickedValues(this.form, name("coupon")),
          perks: control(this.form, name("perks"), HTMLTextAreaElement)
            .value.split("\n")
            .map((line) => line.trim())
            .filter(Boolean),
        },
      };
    });
  }
}
