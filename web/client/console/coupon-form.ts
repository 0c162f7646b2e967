import type { CouponType } from "../../../src/coupons/limits.ts";
import { SEGMENTS } from "../../../src/rfm/segment-names.ts";
import type { CouponWords } from "../../../src/coupons/coupon-words.ts";
import type { CouponDraftInput, CouponTemplate } from "./api-types.ts";
import { byId } from "./dom.ts";
import type { EditForm } from "./versioned-editor.ts";
import { yuanInput } from "./format.ts";
import { setTime } from "./local-time.ts";
import { control, FormFields, input, select } from "./form-fields.ts";

/**
 * The coupon template form ↔ the API's template (issue 14): yuan ↔ integer fen, local time ↔
 * epoch ms, SKUs as a comma list. Every input carries its API path (`data-path`), so every
 * problem the API lists is shown next to its field. Only the chosen kind's amounts are asked
 * for: an amount-off coupon sends percentOff and maxDiscount 0, a percent-off one amountOff 0,
 * as the API requires.
 */
export class CouponForm implements EditForm<CouponTemplate, CouponDraftInput> {
  readonly form = byId("coupon-editor", HTMLFormElement);
  private readonly words: CouponWords;

  constructor(words: CouponWords) {
    this.words = words;
    this.select("type").addEventListener("change", () => this.showKind());
  }

  /** Fills the form from a template, or a new one's defaults; a saved template's id is fixed. */
  fill(template: CouponTemplate | null): void {
    this.input("id").value = template?.id ?? "";
    this.input("id").readOnly = template !== null;
    this.input("title").value = template?.title ?? "";
    this.textarea("description").value = template?.description ?? "";
    this.select("type").value = template?.type ?? "amount_off";
    this.input("amountOff").value = template?.amountOff ? yuanInput(template.amountOff) : "";
    this.input("percentOff").value = template?.percentOff ? String(template.percentOff) : "";
    this.input("maxDiscount").value = yuanInput(template?.maxDiscount ?? 0);
    this.input("minSpend").value = yuanInput(template?.minSpend ?? 0);
    this.input("skus").value = (template?.skus ?? []).join(", ");
    setTime(this.input("validFrom"), template?.validFrom);
    setTime(this.input("validUntil"), template?.validUntil);
    this.input("totalQuantity").value = template ? String(template.totalQuantity) : "";
    this.input("perShopperLimit").value = String(template?.perShopperLimit ?? 1);
    this.input("stackable").checked = template?.stackable ?? false;
    this.input("paused").checked = template?.paused ?? false;
    this.input("claimable").checked = template?.claimable ?? true;
    this.select("redeem").value = template?.redeem ?? "online";
    for (const box of this.segmentBoxes()) box.checked = template?.segments?.some((segment) => segment === box.value) ?? false;
    this.showKind();
  }

  /**
   * The form as the API's template. What cannot be converted (an amount that is no amount,
   * an empty time) is a problem here; everything else is the API's to judge, so its rules
   * and messages stay in one place (src/coupons/coupon-template.ts).
   */
  read(): { draft: CouponDraftInput; problems: string[] } {
    const fields = new FormFields(this.form, this.words);
    const type = this.kind();
    const draft: CouponDraftInput = {
      id: fields.text("id"),
      title: fields.text("title"),
      description: this.textarea("description").value,
      type,
      amountOff: type === "amount_off" ? fields.fen("amountOff") : 0,
      percentOff: type === "percent_off" ? fields.count("percentOff") : 0,
      maxDiscount: type === "percent_off" ? fields.fen("maxDiscount") : 0,
      minSpend: fields.fen("minSpend"),
      skus: fields.list("skus"),
      validFrom: fields.time("validFrom"),
      validUntil: fields.time("validUntil"),
      perShopperLimit: fields.count("perShopperLimit"),
      totalQuantity: fields.count("totalQuantity"),
      stackable: this.input("stackable").checked,
      paused: this.input("paused").checked,
      claimable: this.input("claimable").checked,
      redeem: this.select("redeem").value === "in_store" ? "in_store" : "online",
      // The audience (issue 17): the segments ticked, in the API's order.
      segments: SEGMENTS.filter((segment) => this.segmentBoxes().some((box) => box.checked && box.value === segment)),
    };
    return { draft, problems: fields.problems };
  }

  /** The select holds only the API's own kinds. */
  private kind(): CouponType {
    return this.select("type").value === "percent_off" ? "percent_off" : "amount_off";
  }

  /** Shows the chosen kind's amounts only: the other kind's are 0 by the API's rules. */
  private showKind(): void {
    const kind = this.kind();
    for (const label of this.form.querySelectorAll<HTMLElement>("[data-for-type]")) {
      const shown = label.dataset.forType === kind;
      label.hidden = !shown;
      for (const input of label.querySelectorAll("input")) input.disabled = !shown;
    }
  }

  private segmentBoxes(): HTMLInputElement[] {
    return [...this.form.querySelectorAll<HTMLInputElement>('input[name="segments"]')];
  }

  private input(name: string): HTMLInputElement {
    return input(this.form, name);
  }

  private textarea(name: string): HTMLTextAreaElement {
    return control(this.form, name, HTMLTextAreaElement);
  }

  private select(name: string): HTMLSelectElement {
    return select(this.form, name);
  }
}
