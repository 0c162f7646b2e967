import { fill } from "../../../src/coupons/coupon-words.ts";
import { formatOpeningHours } from "../../../src/stores/opening-hours-format.ts";
import type { StoreWords } from "../../../src/stores/store-words.ts";
import { storeWords } from "../../../src/stores/store-words.ts";
import type { AdminApi } from "./admin-api.ts";
import type { Store, StoreAuditEntry } from "./api-types.ts";
import { showAuditRows } from "./audit-view.ts";
import { needs } from "./capabilities.ts";
import { type ChangeWords, changesBetween } from "./changes.ts";
import { byId, h } from "./dom.ts";
import { flash } from "./flash.ts";
import { FormFields, input } from "./form-fields.ts";
import { FormProblems } from "./form-problems.ts";
import { StoreTokens } from "./store-tokens.ts";

/**
 * The console's Stores view (issue 15): every store (active or deactivated) with its place,
 * its hours in their one-line text and whether coupons are redeemed only while open; a form to
 * create and edit a store with each problem the API lists next to its field (FormProblems, the
 * fields' `data-path`); deactivation (never deletion); the CSV import, from a file or pasted,
 * listing every bad row the API names; and each store's staff tokens (./store-tokens.ts). In the
 * language the page rendered the section in (`lang` of #stores). Read on opening, on "Refresh"
 * and after every change; never polled.
 */
export class StoresView {
  private readonly api: AdminApi;
  private readonly words: StoreWords = storeWords(byId("stores").lang === "zh-CN" ? "zh-CN" : "en");
  private readonly form = byId("store-editor", HTMLFormElement);
  private readonly problems = new FormProblems(this.form, "store-form-problems");
  private readonly tokens: StoreTokens;
  /** The store being edited; null for a new one. */
  private editing: Store | null = null;

  constructor(api: AdminApi) {
    this.api = api;
    this.tokens = new StoreTokens(api, this.words);
    byId("show-stores").addEventListener("click", () => this.open());
    byId("close-stores").addEventListener("click", () => this.close());
    byId("refresh-stores").addEventListener("click", () => void this.load());
    byId("new-store").addEventListener("click", () => this.edit(null));
    byId("import-stores").addEventListener("click", () => this.openImport());
    byId("close-store-editor").addEventListener("click", () => (this.form.hidden = true));
    byId("close-store-import").addEventListener("click", () => (byId("store-import").hidden = true));
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.save();
    });
    byId("store-import", HTMLFormElement).addEventListener("submit", (event) => {
      event.preventDefault();
      void this.runImport();
    });
  }

  open(): void {
    byId("stores").hidden = false;
    byId("stores").scrollIntoView({ behavior: "smooth" });
    void this.load();
  }

  close(): void {
    byId("stores").hidden = true;
    this.form.hidden = true;
    byId("store-import").hidden = true;
    this.tokens.close();
    byId("store-list").replaceChildren();
  }

  /** Reads the stores again and redraws the table. */
  async load(): Promise<void> {
    const w = this.words;
    const result = await this.api.stores();
    const out = byId("store-list");
    if (!result.ok) return out.replaceChildren(h("p", { class: "problem" }, fill(w.couldNotRead, { message: result.error.message })));
    const { stores } = result.data;
    if (!stores.length) return out.replaceChildren(h("p", { class: "muted" }, w.noStores));
    const headings = [w.col_store, w.col_where, w.col_hours, w.col_state, ""];
    out.replaceChildren(
      h(
        "table",
        { "data-view": "stores" },
        h("thead", {}, h("tr", {}, ...headings.map((t) => h("th", {}, t)))),
        h("tbody", {}, ...stores.map((store) => this.row(store))),
      ),
    );
  }

  private row(store: Store): HTMLTableRowElement {
    const w = this.words;
    return h(
      "tr",
      { "data-store": store.id },
      h("td", {}, h("strong", {}, store.name), h("div", { class: "muted" }, store.id)),
      h(
        "td",
        {},
        `${store.city} · ${store.address}`,
        h("div", { class: "muted" }, `${store.latitude}, ${store.longitude} · ${store.timeZone}`),
      ),
      h(
        "td",
        { "data-cell": "hours" },
        formatOpeningHours(store.openingHours) || "–",
        store.redeemOnlyWhenOpen ? h("div", { class: "muted" }, w.onlyWhenOpen) : null,
      ),
      h("td", { "data-cell": "state" }, store.active ? w.active : w.inactive),
      h(
        "td",
        { class: "actions" },
        h("button", { type: "button", class: "secondary", ...needs("editSales"), onclick: () => this.edit(store) }, w.edit),
        h("button", { type: "button", class: "secondary", ...needs("editSales"), onclick: () => this.tokens.open(store) }, w.tokens),
        store.active
          ? h(
              "button",
              { type: "button", class: "secondary", ...needs("editSales"), onclick: () => void this.deactivate(store) },
              w.deactivate,
            )
          : null,
        h("button", { type: "button", class: "secondary", ...needs("readAudit"), onclick: () => void this.audit(store) }, w.audit),
      ),
    );
  }

  /** Opens the form on a store, or empty for a new one. */
  edit(store: Store | null): void {
    const w = this.words;
    this.editing = store;
    this.form.reset();
    this.problems.clear();
    byId("store-editor-title").textContent = store ? fill(w.form_edit, { id: store.id }) : w.form_new;
    input(this.form, "id").disabled = store !== null;
    if (store) {
      for (const name of ["id", "name", "address", "city", "timeZone"] as const) input(this.form, name).value = store[name];
      input(this.form, "latitude").value = String(store.latitude);
      input(this.form, "longitude").value = String(store.longitude);
      input(this.form, "openingHours").value = formatOpeningHours(store.openingHours);
      input(this.form, "redeemOnlyWhenOpen").checked = store.redeemOnlyWhenOpen;
      input(this.form, "active").checked = store.active;
    }
    this.form.hidden = false;
    this.form.scrollIntoView({ behavior: "smooth" });
  }

  private async save(): Promise<void> {
    const w = this.words;
    const fields = new FormFields(this.form, { need_number: w.need_number, need_amount: w.need_number, need_time: w.need_number });
    const degrees = (name: "latitude" | "longitude") => {
      const text = fields.text(name);
      if (!/^-?\d+(\.\d+)?$/.test(text)) fields.note(name, w.need_number);
      return Number(text);
    };
    const body = {
      id: this.editing?.id ?? fields.text("id"),
      name: fields.text("name"),
      address: fields.text("address"),
      city: fields.text("city"),
      latitude: degrees("latitude"),
      longitude: degrees("longitude"),
      timeZone: fields.text("timeZone"),
      openingHours: fields.text("openingHours"),
      redeemOnlyWhenOpen: input(this.form, "redeemOnlyWhenOpen").checked,
      active: input(this.form, "active").checked,
    };
    if (fields.problems.length) return this.problems.show(fields.problems, w.notSaved);
    const result = this.editing ? await this.api.updateStore(this.editing.id, body) : await this.api.createStore(body);
    if (!result.ok) return this.problems.show(result.error.problems ?? [result.error.message], w.notSaved);
    this.form.hidden = true;
    flash(fill(w.saved, { name: result.data.store.name }));
    await this.load();
  }

  private async deactivate(store: Store): Promise<void> {
    const w = this.words;
    if (!confirm(fill(w.confirmDeactivate, { name: store.name }))) return;
    const result = await this.api.deactivateStore(store.id);
    if (!result.ok) return flash(fill(w.failed, { message: result.error.message }), true);
    flash(fill(w.deactivated, { name: store.name }));
    await this.load();
  }

  /** The store's audit log in the details panel: each edit field by field, each token issued or revoked. */
  private async audit(store: Store): Promise<void> {
    const w = this.words;
    const result = await this.api.storeAudit(store.id);
    if (!result.ok) return flash(fill(w.failed, { message: result.error.message }), true);
    const rows = result.data.entries.map((entry) => ({ ...entry, subject: `${store.id} #${entry.version}` }));
    showAuditRows(fill(w.auditOf, { name: store.name }), rows, this.changes, [w.h_when, w.h_who, w.h_action, w.h_subject, w.h_what]);
  }

  /** A store's change field by field (its hours as text); a token's entry names the token. */
  private readonly changes = (before: StoreAuditEntry["before"], after: StoreAuditEntry["after"]): string[] => {
    const w = this.words;
    if ("storeId" in after) return [fill(w.tokenEntry, { label: String(after.label), id: String(after.id) })];
    const words: ChangeWords<StoreAuditEntry["after"] & { version: number }> = {
      label: (key) => (w as Record<string, string>)[`f_${key}`] ?? key,
      show: (key, version) => {
        const value = version[key];
        if (key === "openingHours" && value) return formatOpeningHours(value as Store["openingHours"]) || "–";
        return value === undefined ? "–" : typeof value === "string" ? value : JSON.stringify(value);
      },
      created: w.created,
      oldestKept: w.created,
      noChange: w.noChange,
    };
    return changesBetween(
      words,
      before as (StoreAuditEntry["after"] & { version: number }) | null,
      after as StoreAuditEntry["after"] & { version: number },
    );
  };

  private openImport(): void {
    const form = byId("store-import", HTMLFormElement);
    form.reset();
    byId("store-import-problems").hidden = true;
    form.hidden = false;
    form.scrollIntoView({ behavior: "smooth" });
  }

  /** Sends the chosen file (else the pasted text) and lists every problem the API names, or what it did. */
  private async runImport(): Promise<void> {
    const w = this.words;
    const out = byId("store-import-problems");
    const file = byId("store-csv-file", HTMLInputElement).files?.[0];
    const text = file ? await file.text() : byId("store-csv-text", HTMLTextAreaElement).value;
    if (text.trim() === "") {
      out.replaceChildren(w.import_empty);
      out.hidden = false;
      return;
    }
    const result = await this.api.importStores(text);
    if (!result.ok) {
      const problems = result.error.problems ?? [result.error.message];
      out.replaceChildren(
        h("p", {}, fill(w.import_refused, { count: problems.length })),
        h("ul", { "data-view": "import-problems" }, ...problems.map((problem) => h("li", {}, problem))),
      );
      out.hidden = false;
      return;
    }
    const { created, updated, unchanged } = result.data;
    byId("store-import").hidden = true;
    flash(fill(w.import_done, { created: created.length, updated: updated.length, unchanged: unchanged.length }));
    await this.load();
  }
}
