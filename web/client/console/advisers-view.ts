import type { RosterAdviser } from "../../../src/advisers/roster.ts";
import type { AdminApi } from "./admin-api.ts";
import { byId, h } from "./dom.ts";
import { when } from "./format.ts";

/**
 * The console's Advisers view (issue 17), for the owner: the roster with each adviser's shift,
 * shoppers and open conversations; putting someone on or off shift; adding a staff account
 * with the adviser role; removing an adviser (their shoppers go to the others, round robin).
 */
export class AdvisersView {
  private readonly api: AdminApi;

  constructor(api: AdminApi) {
    this.api = api;
    byId("show-advisers").addEventListener("click", () => this.open());
    byId("close-advisers").addEventListener("click", () => this.close());
    byId("refresh-advisers").addEventListener("click", () => void this.load());
    byId("adviser-add", HTMLFormElement).addEventListener("submit", (event) => {
      event.preventDefault();
      void this.add();
    });
  }

  open(): void {
    byId("advisers").hidden = false;
    byId("advisers").scrollIntoView({ behavior: "smooth" });
    void this.load();
  }

  close(): void {
    byId("advisers").hidden = true;
    byId("adviser-roster").replaceChildren();
  }

  private say(message: string): void {
    byId("advisers-status").textContent = message;
  }

  private async load(): Promise<void> {
    const [result, accounts] = await Promise.all([this.api.advisers(), this.api.staffAccounts()]);
    if (!result.ok) return this.say(`Could not read the roster: ${result.error.message}`);
    const { advisers } = result.data;
    // The adviser accounts not on the roster yet, offered by name in the staff field.
    const onRoster = new Set(advisers.map((adviser) => adviser.staffId));
    const candidates = accounts.ok
      ? accounts.data.staff.filter((account) => account.role === "adviser" && account.disabledAt === null && !onRoster.has(account.id))
      : [];
    byId("adviser-accounts").replaceChildren(
      ...candidates.map((account) => h("option", { value: account.id }, `${account.name} · ${account.email ?? ""}`)),
    );
    byId("adviser-roster").replaceChildren(
      advisers.length === 0
        ? h("p", { class: "muted" }, "Nobody on the roster yet.")
        : h(
            "table",
            { "data-view": "adviser-roster" },
            h("thead", {}, h("tr", {}, ...["Adviser", "On shift", "Shoppers", "Open", "Last assigned", ""].map((t) => h("th", {}, t)))),
            h("tbody", {}, ...advisers.map((adviser) => this.row(adviser))),
          ),
    );
  }

  private row(adviser: RosterAdviser): HTMLTableRowElement {
    return h(
      "tr",
      { "data-adviser": adviser.id },
      h("td", {}, adviser.displayName, h("br", {}), h("span", { class: "muted" }, adviser.staffId)),
      h(
        "td",
        {},
        h("input", {
          type: "checkbox",
          "aria-label": `${adviser.displayName} on shift`,
          checked: adviser.onShift,
          onchange: (event: Event) => void this.shift(adviser, (event.target as HTMLInputElement).checked),
        }),
      ),
      h("td", { "data-cell": "shoppers" }, adviser.shoppers),
      h("td", { "data-cell": "open" }, adviser.openConversations),
      h("td", {}, when(adviser.lastAssignedAt)),
      h("td", {}, h("button", { type: "button", class: "secondary", onclick: () => void this.remove(adviser) }, "Remove")),
    );
  }

  private async shift(adviser: RosterAdviser, onShift: boolean): Promise<void> {
    const result = await this.api.setOnShift(adviser.id, onShift);
    this.say(result.ok ? `${adviser.displayName} is ${onShift ? "on" : "off"} shift.` : result.error.message);
    void this.load();
  }

  private async remove(adviser: RosterAdviser): Promise<void> {
    if (!confirm(`Remove ${adviser.displayName}? Their ${adviser.shoppers} shoppers go to the others.`)) return;
    const result = await this.api.removeAdviser(adviser.id);
    this.say(result.ok ? `${adviser.displayName} removed; ${result.data.reassigned} shoppers reassigned.` : result.error.message);
    void this.load();
  }

  private async add(): Promise<void> {
    const staffId = byId("adviser-staff-id", HTMLInputElement).value.trim();
    const name = byId("adviser-name", HTMLInputElement).value.trim();
    const result = await this.api.addAdviser(staffId, name || undefined);
    if (!result.ok)
      return this.say(`Not added: ${result.error.message}${result.error.problems ? ` (${result.error.problems.join("; ")})` : ""}`);
    byId("adviser-add", HTMLFormElement).reset();
    this.say(`${result.data.adviser.displayName} is on the roster (off shift).`);
    void this.load();
  }
}
