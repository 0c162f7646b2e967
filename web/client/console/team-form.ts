import type { TeamWords } from "../../../src/teams/team-words.ts";
import type { TeamCampaign, TeamCampaignDraftInput } from "./api-types.ts";
import { byId } from "./dom.ts";
import { FormFields, input, select } from "./form-fields.ts";
import { yuanInput } from "./format.ts";
import { setTime } from "./local-time.ts";
import type { EditForm } from "./versioned-editor.ts";

const HOUR_SECONDS = 3_600;

/**
 * The team campaign form ↔ the API's campaign (issue 14): yuan ↔ integer fen, local time ↔
 * epoch ms, the time to complete in hours ↔ seconds, SKUs as a comma list. Every input
 * carries its API path (`data-path`; the hours' is `completeWithinSeconds`), so every problem
 * the API lists is shown next to its field.
 */
export class TeamForm implements EditForm<TeamCampaign, TeamCampaignDraftInput> {
  readonly form = byId("team-editor", HTMLFormElement);
  private readonly words: TeamWords;

  constructor(words: TeamWords) {
    this.words = words;
  }

  /** Fills the form from a campaign, or a new one's defaults; a saved campaign's id is fixed. */
  fill(campaign: TeamCampaign | null): void {
    const set = (name: string, value: string) => {
      input(this.form, name).value = value;
    };
    set("id", campaign?.id ?? "");
    input(this.form, "id").readOnly = campaign !== null;
    set("title", campaign?.title ?? "");
    set("teamSize", String(campaign?.teamSize ?? 4));
    set("poolAmount", campaign ? yuanInput(campaign.poolAmount) : "");
    select(this.form, "split").value = campaign?.split ?? "equal";
    set("completeWithinHours", hours(campaign?.completeWithinSeconds ?? 24 * HOUR_SECONDS));
    select(this.form, "joinRule").value = campaign?.joinRule ?? "anyone";
    setTime(input(this.form, "startsAt"), campaign?.startsAt);
    setTime(input(this.form, "endsAt"), campaign?.endsAt);
    set("couponValidDays", String(campaign?.couponValidDays ?? 7));
    set("couponMinSpend", yuanInput(campaign?.couponMinSpend ?? 0));
    set("skus", (campaign?.appliesTo.skus ?? []).join(", "));
  }

  /** The form as the API's campaign; what cannot be converted is a problem at its field. */
  read(): { draft: TeamCampaignDraftInput; problems: string[] } {
    const fields = new FormFields(this.form, this.words);
    const draft: TeamCampaignDraftInput = {
      id: fields.text("id"),
      title: fields.text("title"),
      teamSize: fields.count("teamSize"),
      poolAmount: fields.fen("poolAmount", "poolAmount", true),
      split: select(this.form, "split").value === "random" ? "random" : "equal",
      completeWithinSeconds: this.seconds(fields),
      joinRule: select(this.form, "joinRule").value === "new_shoppers" ? "new_shoppers" : "anyone",
      startsAt: fields.time("startsAt"),
      endsAt: fields.time("endsAt"),
      couponValidDays: fields.count("couponValidDays"),
      couponMinSpend: fields.fen("couponMinSpend"),
      appliesTo: { skus: fields.list("skus") },
    };
    return { draft, problems: fields.problems };
  }

  /** Hours ("24", "1.5") as whole seconds. */
  private seconds(fields: FormFields): number {
    const text = fields.text("completeWithinHours").replace(",", ".");
    if (!/^\d+(\.\d+)?$/.test(text)) {
      fields.note("completeWithinSeconds", this.words.need_hours);
      return Number.NaN;
    }
    return Math.round(Number(text) * HOUR_SECONDS);
  }
}

/** Seconds as hours for the input: 86400 → "24", 5400 → "1.5". */
function hours(seconds: number): string {
  return String(Number((seconds / HOUR_SECONDS).toFixed(4)));
}
