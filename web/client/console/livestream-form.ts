import type { LivestreamWords } from "../../../src/livestreams/livestream-words.ts";
import type { CouponTemplate, Livestream, LivestreamDraftInput } from "./api-types.ts";
import { byId, h } from "./dom.ts";
import { control, FormFields, input, select } from "./form-fields.ts";
import { setTime } from "./local-time.ts";
import type { EditForm } from "./versioned-editor.ts";

/**
 * The livestream form ↔ the API's livestream (issue 15): local time ↔ epoch ms, the stores as
 * a comma list, the coupon templates ticked from the in_store templates (`templates`, read by
 * the view before the form opens; a template the livestream names but KV no longer has is kept
 * ticked, so saving it shows the API's problem at its field).
 */
export class LivestreamForm implements EditForm<Livestream, LivestreamDraftInput> {
  readonly form = byId("livestream-editor", HTMLFormElement);
  private readonly words: LivestreamWords;
  /** The in_store coupon templates to pick from. */
  templates: CouponTemplate[] = [];

  constructor(words: LivestreamWords) {
    this.words = words;
  }

  fill(livestream: Livestream | null): void {
    const set = (name: string, value: string) => {
      input(this.form, name).value = value;
    };
    set("id", livestream?.id ?? "");
    input(this.form, "id").readOnly = livestream !== null;
    set("title", livestream?.title ?? "");
    control(this.form, "description", HTMLTextAreaElement).value = livestream?.description ?? "";
    set("streamUrl", livestream?.streamUrl ?? "");
    select(this.form, "embed").value = livestream?.embed ?? "video";
    setTime(input(this.form, "startsAt"), livestream?.startsAt);
    setTime(input(this.form, "endsAt"), livestream?.endsAt);
    set("stores", (livestream?.stores ?? []).join(", "));
    set("claimCode", livestream?.claimCode ?? "");
    input(this.form, "paused").checked = livestream?.paused ?? false;
    const picked = new Set(livestream?.couponTemplates ?? []);
    const ids = [...new Set([...this.templates.map((t) => t.id), ...picked])];
    const titles = new Map(this.templates.map((t) => [t.id, t.title]));
    byId("livestream-templates").replaceChildren(
      ...(ids.length === 0
        ? [h("p", { class: "muted" }, this.words.noStoreTemplates)]
        : ids.map((id) =>
            h(
              "label",
              { class: "inline" },
              h("input", { type: "checkbox", name: "couponTemplate", value: id, checked: picked.has(id) }),
              ` ${titles.get(id) ?? id} (${id})`,
            ),
          )),
    );
  }

  read(): { draft: LivestreamDraftInput; problems: string[] } {
    const fields = new FormFields(this.form, this.words);
    const ticked = [...this.form.querySelectorAll<HTMLInputElement>('input[name="couponTemplate"]:checked')].map((box) => box.value);
    const draft: LivestreamDraftInput = {
      id: fields.text("id"),
      title: fields.text("title"),
      description: control(this.form, "description", HTMLTextAreaElement).value,
      streamUrl: fields.text("streamUrl"),
      embed: select(this.form, "embed").value === "iframe" ? "iframe" : "video",
      startsAt: fields.time("startsAt"),
      endsAt: fields.time("endsAt"),
      couponTemplates: ticked,
      stores: fields.list("stores"),
      claimCode: fields.text("claimCode"),
      paused: input(this.form, "paused").checked,
    };
    return { draft, problems: fields.problems };
  }
}
