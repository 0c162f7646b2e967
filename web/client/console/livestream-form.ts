import type { LivestreamWords } from "../../../src/livestreams/livestream-words.ts";
import type { CouponTemplate, Livestream, LivestreamDraftInput, Store } from "./api-types.ts";
import { byId } from "./dom.ts";
import { control, FormFields, input, select } from "./form-fields.ts";
import { setTime } from "./local-time.ts";
import { renderTickList, tickedValues } from "./tick-list.ts";
import type { EditForm } from "./versioned-editor.ts";

/**
 * The livestream form ↔ the API's livestream (issue 15): local time ↔ epoch ms, the coupon
 * templates ticked from the in_store templates and the stores from the active stores (both read
 * by the view before the form opens; see tick-list.ts for one that is gone).
 */
export class LivestreamForm implements EditForm<Livestream, LivestreamDraftInput> {
  readonly form = byId("livestream-editor", HTMLFormElement);
  private readonly words: LivestreamWords;
  /** The in_store coupon templates to pick from. */
  templates: CouponTemplate[] = [];
  /** The active stores to pick from. */
  stores: Store[] = [];

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
    set("claimCode", livestream?.claimCode ?? "");
    input(this.form, "paused").checked = livestream?.paused ?? false;
    renderTickList(
      byId("livestream-templates"),
      "couponTemplate",
      this.templates.map((t) => ({ value: t.id, label: t.title })),
      livestream?.couponTemplates ?? [],
      this.words.noStoreTemplates,
    );
    renderTickList(
      byId("livestream-stores"),
      "store",
      this.stores.filter((store) => store.active).map((store) => ({ value: store.id, label: `${store.name} · ${store.city}` })),
      livestream?.stores ?? [],
      this.words.noStores,
    );
  }

  read(): { draft: LivestreamDraftInput; problems: string[] } {
    const fields = new FormFields(this.form, this.words);
    const draft: LivestreamDraftInput = {
      id: fields.text("id"),
      title: fields.text("title"),
      description: control(this.form, "description", HTMLTextAreaElement).value,
      streamUrl: fields.text("streamUrl"),
      embed: select(this.form, "embed").value === "iframe" ? "iframe" : "video",
      startsAt: fields.time("startsAt"),
      endsAt: fields.time("endsAt"),
      couponTemplates: tickedValues(this.form, "couponTemplate"),
      stores: tickedValues(this.form, "store"),
      claimCode: fields.text("claimCode"),
      paused: input(this.form, "paused").checked,
    };
    return { draft, problems: fields.problems };
  }
}
