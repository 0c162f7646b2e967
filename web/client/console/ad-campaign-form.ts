import type { AdWords } from "../../../src/ads/ad-words.ts";
import { adImageUrl, CREATIVE_VARIANTS, PLACEMENT_SIZES, PLACEMENTS } from "../../../src/ads/placements.ts";
import { fill } from "../../../src/coupons/coupon-words.ts";
import type { AdminApi } from "./admin-api.ts";
import type { AdCampaign, AdCampaignDraftInput, AdImage } from "./ads-types.ts";
import { byId, h } from "./dom.ts";
import { FormFields, input, select } from "./form-fields.ts";
import { setTime } from "./local-time.ts";
import type { EditForm } from "./versioned-editor.ts";

/**
 * The ad campaign form ↔ the API's campaign (issue 18): local time ↔ epoch ms, ticked lists ↔
 * lists (a targeting row with nothing ticked is "all"), and the creatives as rows the marketer
 * adds (at most 4), each with its image picked from the rendered uploads or uploaded here: the
 * file goes as base64, the row waits for the renderer and then shows the creative at every
 * placement size.
 */
export class AdCampaignForm implements EditForm<AdCampaign, AdCampaignDraftInput> {
  readonly form = byId("ad-campaign-editor", HTMLFormElement);
  private readonly words: AdWords;
  private readonly api: AdminApi;
  /** The uploaded images to pick from (read by the view before the form opens). */
  images: AdImage[] = [];
  /** How long a row waits for the renderer between looks, ms (a test may shorten it). */
  pollMs = 1000;

  constructor(words: AdWords, api: AdminApi) {
    this.words = words;
    this.api = api;
    byId("add-ad-creative").addEventListener("click", () => this.addCreative(null));
  }

  fill(campaign: AdCampaign | null): void {
    const set = (name: string, value: string) => {
      input(this.form, name).value = value;
    };
    const now = Date.now();
    set("id", campaign?.id ?? "");
    input(this.form, "id").readOnly = campaign !== null;
    set("name", campaign?.name ?? "");
    select(this.form, "status").value = campaign?.status ?? "draft";
    setTime(input(this.form, "startsAt"), campaign?.startsAt ?? now);
    setTime(input(this.form, "endsAt"), campaign?.endsAt ?? now + 7 * 86_400_000);
    set("budget", String(campaign?.budget.impressions ?? 10_000));
    set("capImpressions", String(campaign?.frequencyCap.impressions ?? 3));
    set("capHours", String(campaign?.frequencyCap.hours ?? 24));
    set("experiment", campaign?.experiment ?? "");
    this.tick("placement", campaign?.placements ?? ["home_banner"]);
    this.tick("offsite", campaign?.offsite ?? []);
    const rule = (value: "all" | readonly string[] | undefined) => (value === undefined || value === "all" ? [] : value);
    this.tick("segment", rule(campaign?.targeting.segments));
    this.tick("device", rule(campaign?.targeting.devices));
    this.tick("locale", rule(campaign?.targeting.locales));
    byId("ad-creatives").replaceChildren();
    for (const creative of campaign?.creatives ?? [null]) this.addCreative(creative);
  }

  read(): { draft: AdCampaignDraftInput; problems: string[] } {
    const fields = new FormFields(this.form, this.words);
    const ticked = (name: string) => [...this.form.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`)].map((b) => b.value);
    const rule = (name: string) => {
      const values = ticked(name);
      return values.length === 0 ? ("all" as const) : values;
    };
    const experiment = fields.text("experiment");
    const draft = {
      id: fields.text("id"),
      name: fields.text("name"),
      status: select(this.form, "status").value,
      startsAt: fields.time("startsAt"),
      endsAt: fields.time("endsAt"),
      budget: { impressions: fields.count("budget", "budget.impressions") },
      placements: ticked("placement"),
      offsite: ticked("offsite"),
      targeting: { segments: rule("segment"), devices: rule("device"), locales: rule("locale") },
      frequencyCap: {
        impressions: fields.count("capImpressions", "frequencyCap.impressions"),
        hours: fields.count("capHours", "frequencyCap.hours"),
      },
      creatives: [...byId("ad-creatives").querySelectorAll<HTMLElement>("[data-creative]")].map((row) => ({
        id: value(row, "creativeId"),
        variant: value(row, "variant"),
        headline: { "zh-CN": value(row, "headlineZh"), en: value(row, "headlineEn") },
        targetUrl: value(row, "targetUrl"),
        imageId: value(row, "imageId"),
      })),
      experiment: experiment === "" ? null : experiment,
    } as AdCampaignDraftInput;
    return { draft, problems: fields.problems };
  }

  private tick(name: string, values: readonly string[]): void {
    for (const box of this.form.querySelectorAll<HTMLInputElement>(`input[name="${name}"]`)) box.checked = values.includes(box.value);
  }

  /** A creative's row; its inputs carry the API paths (`creatives.<i>.…`) of the row's place. */
  private addCreative(creative: AdCampaign["creatives"][number] | null): void {
    const w = this.words;
    const list = byId("ad-creatives");
    const i = list.children.length;
    if (i >= 4) return;
    const used = new Set([...list.querySelectorAll<HTMLSelectElement>('select[name="variant"]')].map((s) => s.value));
    const variant = creative?.variant ?? CREATIVE_VARIANTS.find((v) => !used.has(v)) ?? "a";
    const field = (label: string, name: string, path: string, valueText: string, attrs: Record<string, string> = {}) =>
      h(
        "label",
        {},
        `${label} `,
        h("input", { name, "data-path": `creatives.${i}.${path}`, value: valueText, autocomplete: "off", ...attrs }),
      );
    const previews = h("div", { class: "ad-previews", "data-previews": "" });
    const status = h("span", { class: "muted", "data-upload-status": "" });
    const imageSelect = h("select", { name: "imageId", "data-path": `creatives.${i}.imageId` });
    const file = h("input", { type: "file", accept: "image/png,image/jpeg,image/webp", "data-upload": "" });
    const row = h(
      "fieldset",
      { "data-creative": String(i), class: "ad-creative" },
      h("legend", {}, `#${i + 1}`),
      field(w.f_creativeId, "creativeId", "id", creative?.id ?? `creative-${variant}`, { spellcheck: "false" }),
      h(
        "label",
        {},
        `${w.f_variant} `,
        h(
          "select",
          { name: "variant", "data-path": `creatives.${i}.variant` },
          CREATIVE_VARIANTS.map((v) => h("option", { value: v, selected: v === variant }, v)),
        ),
      ),
      field(w.f_headlineZh, "headlineZh", "headline.zh-CN", creative?.headline["zh-CN"] ?? "", { maxlength: "60" }),
      field(w.f_headlineEn, "headlineEn", "headline.en", creative?.headline.en ?? "", { maxlength: "60" }),
      field(w.f_targetUrl, "targetUrl", "targetUrl", creative?.targetUrl ?? "/", { spellcheck: "false" }),
      h("label", {}, `${w.f_image} `, imageSelect),
      h("label", {}, `${w.upload} `, file, " ", status),
      previews,
      h("button", { type: "button", class: "secondary", onclick: () => row.remove() }, w.removeCreative),
    );
    list.append(row);
    this.fillImages(imageSelect, creative?.imageId ?? "");
    imageSelect.addEventListener("change", () => this.preview(previews, imageSelect.value));
    file.addEventListener("change", () => void this.upload(file, imageSelect, status, previews));
    this.preview(previews, imageSelect.value);
  }

  private fillImages(picker: HTMLSelectElement, picked: string): void {
    const w = this.words;
    const known = this.images.some((image) => image.id === picked);
    picker.replaceChildren(
      h("option", { value: "" }, w.pickImage),
      ...this.images.map((image) =>
        h(
          "option",
          { value: image.id, selected: image.id === picked, disabled: image.status !== "rendered" },
          `${image.name} · ${image.width}×${image.height} · ${w[`image_${image.status}`]}`,
        ),
      ),
      ...(picked && !known ? [h("option", { value: picked, selected: true }, picked)] : []),
    );
  }

  /** The creative at each placement's narrowest and widest size, as shoppers will get it. */
  private preview(out: HTMLElement, imageId: string): void {
    if (!imageId) {
      out.replaceChildren();
      return;
    }
    out.replaceChildren(
      ...PLACEMENTS.flatMap((placement) =>
        PLACEMENT_SIZES[placement].map((size) =>
          h(
            "figure",
            {},
            h("img", {
              src: adImageUrl(imageId, size),
              width: String(Math.round(size.width / 4)),
              height: String(Math.round(size.height / 4)),
              alt: `${placement} ${size.width}×${size.height}`,
              loading: "lazy",
              "data-size": `${size.width}x${size.height}`,
            }),
            h("figcaption", { class: "muted" }, `${placement} ${size.width}×${size.height}`),
          ),
        ),
      ),
    );
  }

  private async upload(file: HTMLInputElement, picker: HTMLSelectElement, status: HTMLElement, previews: HTMLElement): Promise<void> {
    const w = this.words;
    const chosen = file.files?.[0];
    if (!chosen) return;
    status.textContent = w.uploading;
    const base64 = await new Promise<string>((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result));
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(chosen);
    });
    const uploaded = await this.api.uploadAdImage(chosen.name, base64);
    if (!uploaded.ok) {
      status.textContent = fill(w.uploadFailed, { message: [uploaded.error.message, ...(uploaded.error.problems ?? [])].join(" · ") });
      return;
    }
    let image = uploaded.data.image;
    status.textContent = w.rendering;
    // The renderer runs beside Postgres: look until it has drawn every size (a minute at most).
    for (let look = 0; look < 60 && image.status === "queued"; look++) {
      await new Promise((resolve) => setTimeout(resolve, this.pollMs));
      const read = await this.api.adImage(image.id);
      if (read.ok) image = read.data.image;
    }
    this.images = [image, ...this.images.filter((known) => known.id !== image.id)];
    this.fillImages(picker, image.status === "rendered" ? image.id : picker.value);
    if (image.status === "rendered") {
      const detail = await this.api.adImage(image.id);
      status.textContent = fill(w.rendered, { count: detail.ok ? detail.data.variants.length / 2 : 0 });
      this.preview(previews, image.id);
    } else status.textContent = fill(w.renderFailed, { message: image.error ?? image.status });
  }
}

function value(row: HTMLElement, name: string): string {
  return (row.querySelector<HTMLInputElement | HTMLSelectElement>(`[name="${name}"]`)?.value ?? "").trim();
}
