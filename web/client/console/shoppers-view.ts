import type { AdminApi } from "./admin-api.ts";
import type { EventsOverview, RecentEvent, ShopperProfile } from "./api-types.ts";
import { byId, h } from "./dom.ts";
import { money, when } from "./format.ts";

/**
 * The console's "Shoppers" view (issue 13): a shopper looked up by id, with their profile (the
 * one they see at /me: the last 30 minutes' products and the lifetime facts) and their latest
 * 50 events; and the events pipeline at a glance (events per type in the last 24 hours, drops
 * by reason, dead letters). Read on demand, never polled: shoppers' data is read when a person
 * asks for it.
 */
export class ShoppersView {
  private readonly api: AdminApi;

  constructor(api: AdminApi) {
    this.api = api;
    byId("show-shoppers").addEventListener("click", () => this.open());
    byId("close-shoppers").addEventListener("click", () => this.close());
    byId("refresh-overview").addEventListener("click", () => void this.showOverview());
    byId("shopper-lookup").addEventListener("submit", (event) => {
      event.preventDefault();
      const id = (byId("shopper-id", HTMLInputElement).value ?? "").trim();
      if (id) void this.lookUp(id);
    });
  }

  open(): void {
    byId("shoppers").hidden = false;
    byId("shoppers").scrollIntoView({ behavior: "smooth" });
    void this.showOverview();
  }

  close(): void {
    byId("shoppers").hidden = true;
  }

  /** The shopper's profile and latest events, side by side; a refusal (a malformed id, 503) said in place. */
  async lookUp(id: string): Promise<void> {
    const out = byId("shopper-result");
    out.replaceChildren(h("p", { class: "muted" }, `Looking up ${id}…`));
    const [profile, events] = await Promise.all([this.api.shopperProfile(id), this.api.shopperEvents(id)]);
    if (!profile.ok) return out.replaceChildren(h("p", { class: "problem", "data-view": "shopper-problem" }, profile.error.message));
    if (!events.ok) return out.replaceChildren(h("p", { class: "problem", "data-view": "shopper-problem" }, events.error.message));
    out.replaceChildren(profileView(profile.data), eventsTable(events.data.events));
  }

  async showOverview(): Promise<void> {
    const out = byId("events-overview");
    const result = await this.api.eventsOverview();
    if (!result.ok) return out.replaceChildren(h("p", { class: "problem" }, `Could not read the events overview: ${result.error.message}`));
    out.replaceChildren(overviewView(result.data));
  }
}

function profileView(profile: ShopperProfile): HTMLElement {
  const { window, lifetime } = profile;
  const windowPart = window
    ? h(
        "div",
        { "data-view": "shopper-window" },
        h(
          "p",
          {},
          `Last ${window.minutes} minutes: `,
          h("strong", { "data-field": "distinct" }, window.distinct),
          ` distinct products · latest category `,
          h("strong", { "data-field": "latest-category" }, window.latestCategory ?? "–"),
        ),
        window.products.length
          ? h(
              "table",
              {},
              h(
                "thead",
                {},
                h(
                  "tr",
                  {},
                  ["SKU", "Category", "Viewed"].map((t) => h("th", {}, t)),
                ),
              ),
              h(
                "tbody",
                {},
                window.products.map((p) => h("tr", {}, h("td", {}, p.sku), h("td", {}, p.category), h("td", {}, when(p.viewedAt)))),
              ),
            )
          : null,
      )
    : h(
        "p",
        { class: "problem", "data-view": "shopper-window" },
        "The 30-minute window is unavailable (Redis could not be read); the lifetime facts below stand.",
      );
  const favourites = lifetime.favouriteCategories.map((f) => `${f.category} (${f.purchases} bought, ${f.views} viewed)`).join(" · ");
  return h(
    "div",
    { "data-view": "shopper-profile", "data-shopper": profile.shopperId },
    h("h3", {}, profile.shopperId),
    windowPart,
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "First seen"),
      h("dd", { "data-field": "first-seen" }, when(lifetime.firstSeen)),
      h("dt", {}, "Paid orders"),
      h("dd", { "data-field": "paid-orders" }, lifetime.paidOrders),
      h("dt", {}, "Spent"),
      h("dd", { "data-field": "spend" }, money(lifetime.spend)),
      h("dt", {}, "Favourite categories"),
      h("dd", { "data-field": "favourites" }, favourites || "–"),
    ),
  );
}

const utmText = (utm: RecentEvent["utm"]) =>
  utm
    ? Object.entries(utm)
        .map(([name, value]) => `${name}=${value}`)
        .join(" ")
    : "–";

function eventsTable(events: RecentEvent[]): HTMLElement {
  if (events.length === 0) return h("p", { class: "muted", "data-view": "shopper-events" }, "No events recorded for this shopper.");
  return h(
    "table",
    { "data-view": "shopper-events" },
    h("caption", {}, `Latest ${events.length} events, newest first`),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ["When", "Type", "SKU", "Page", "Device", "UTM", "Amount"].map((t) => h("th", {}, t)),
      ),
    ),
    h(
      "tbody",
      {},
      events.map((e) =>
        h(
          "tr",
          { "data-type": e.type },
          h("td", {}, when(e.at)),
          h("td", {}, e.type),
          h("td", {}, e.sku ?? "–"),
          h("td", {}, e.page ?? "–"),
          h("td", {}, e.device),
          h("td", {}, utmText(e.utm)),
          h("td", { class: "num" }, e.amount === null ? "–" : money(e.amount)),
        ),
      ),
    ),
  );
}

function overviewView(overview: EventsOverview): HTMLElement {
  const seen = overview.byType.filter((t) => t.events > 0);
  return h(
    "div",
    { "data-view": "events-overview" },
    h(
      "p",
      { class: "muted" },
      `Since ${when(overview.since)} · dead letters kept: `,
      h("strong", { "data-field": "dead-letters" }, overview.deadLetters),
    ),
    h(
      "table",
      { "data-view": "events-by-type" },
      h("thead", {}, h("tr", {}, h("th", {}, "Type"), h("th", { class: "num" }, "Events, 24 h"))),
      h(
        "tbody",
        {},
        seen.length
          ? seen.map((t) => h("tr", { "data-type": t.type }, h("td", {}, t.type), h("td", { class: "num" }, t.events.toLocaleString())))
          : h("tr", {}, h("td", { colspan: 2 }, "No events in the last 24 hours.")),
      ),
    ),
    h(
      "table",
      { "data-view": "event-drops" },
      h("thead", {}, h("tr", {}, h("th", {}, "Day (UTC)"), h("th", {}, "Dropped as"), h("th", { class: "num" }, "Events"))),
      h(
        "tbody",
        {},
        overview.drops.length
          ? overview.drops.map((d) =>
              h(
                "tr",
                { "data-reason": d.reason },
                h("td", {}, d.day),
                h("td", {}, d.reason),
                h("td", { class: "num" }, d.count.toLocaleString()),
              ),
            )
          : h("tr", {}, h("td", { colspan: 3 }, "No events dropped today or yesterday.")),
      ),
    ),
  );
}
