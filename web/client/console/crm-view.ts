import type { AdminApi } from "./admin-api.ts";
import { needs } from "./capabilities.ts";
import type { CrmKeys, CrmWebhooks, DeliveryStatus } from "./crm-types.ts";
import { byId, h } from "./dom.ts";
import { flash } from "./flash.ts";
import { when } from "./format.ts";

/**
 * The console's CRM view (issue 16): the webhook endpoint and events (saved as a new version,
 * refused when someone saved in between), the deliveries by status with their attempts and
 * last error and "Send again" for a dead one, and the CRM API keys: created with scopes (the
 * secret shown once, here, until the view closes), listed and revoked. Read on demand.
 */
export class CrmView {
  private readonly api: AdminApi;
  private readonly form = byId("crm-webhooks", HTMLFormElement);
  private config: CrmWebhooks["config"] | null = null;

  constructor(api: AdminApi) {
    this.api = api;
    byId("show-crm").addEventListener("click", () => this.open());
    byId("close-crm").addEventListener("click", () => this.close());
    byId("refresh-crm").addEventListener("click", () => void this.refresh());
    byId("crm-status").addEventListener("change", () => void this.deliveries());
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.save();
    });
    byId("crm-key-form", HTMLFormElement).addEventListener("submit", (event) => {
      event.preventDefault();
      void this.createKey();
    });
  }

  open(): void {
    byId("crm").hidden = false;
    byId("crm").scrollIntoView({ behavior: "smooth" });
    void this.refresh();
  }

  close(): void {
    byId("crm").hidden = true;
    byId("crm-new-key").hidden = true;
    byId("crm-new-key").replaceChildren();
  }

  async refresh(): Promise<void> {
    await Promise.all([this.webhooks(), this.deliveries(), this.keys()]);
  }

  private async webhooks(): Promise<void> {
    const answer = await this.api.crmWebhooks();
    if (!answer.ok) return flash(`Could not read the CRM configuration: ${answer.error.message}`, true);
    this.config = answer.data.config;
    byId("crm-url", HTMLInputElement).value = this.config.url ?? "";
    for (const box of this.form.querySelectorAll<HTMLInputElement>("input[name=events]")) {
      box.checked = this.config.events.includes(box.value as (typeof this.config.events)[number]);
    }
    byId("crm-version").textContent =
      this.config.version === 0
        ? "never saved: off"
        : `version ${this.config.version} · ${this.config.updatedBy} · ${when(this.config.updatedAt)}`;
  }

  private async save(): Promise<void> {
    const url = byId("crm-url", HTMLInputElement).value.trim();
    const events = [...this.form.querySelectorAll<HTMLInputElement>("input[name=events]:checked")].map((box) => box.value);
    const saved = await this.api.saveCrmWebhooks({ url: url || null, events, expectedVersion: this.config?.version ?? 0 });
    if (!saved.ok) return flash(`Not saved: ${saved.error.message}`, true);
    flash(`CRM webhooks saved (version ${saved.data.config.version})`);
    await this.webhooks();
  }

  private async deliveries(): Promise<void> {
    const status = byId("crm-status", HTMLSelectElement).value;
    const answer = await this.api.crmDeliveries(status);
    if (!answer.ok) return flash(`Could not read the deliveries: ${answer.error.message}`, true);
    const { counts, deliveries } = answer.data;
    byId("crm-counts").textContent = (["pending", "queued", "delivered", "dead"] as DeliveryStatus[])
      .map((s) => `${s} ${counts[s]}`)
      .join(" · ");
    byId("crm-deliveries").replaceChildren(
      deliveries.length === 0
        ? h("p", { class: "muted" }, "No webhooks.")
        : h(
            "table",
            { class: "data" },
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                ...["Event", "Shopper", "Status", "Attempts", "Last error", "Created", "Delivered", ""].map((t) => h("th", {}, t)),
              ),
            ),
            h(
              "tbody",
              {},
              ...deliveries.map((d) =>
                h(
                  "tr",
                  { "data-webhook": d.id },
                  h("td", { title: d.id }, d.type),
                  h("td", {}, d.shopperId),
                  h("td", { class: `status-${d.status}` }, d.status),
                  h("td", {}, d.attempts),
                  h("td", {}, d.lastError ?? ""),
                  h("td", {}, when(d.createdAt)),
                  h("td", {}, when(d.deliveredAt)),
                  h(
                    "td",
                    {},
                    d.status === "dead"
                      ? h(
                          "button",
                          { type: "button", class: "secondary", ...needs("editCrm"), onclick: () => void this.resend(d.id) },
                          "Send again",
                        )
                      : null,
                  ),
                ),
              ),
            ),
          ),
    );
  }

  private async resend(id: string): Promise<void> {
    const answer = await this.api.resendCrmWebhook(id);
    if (!answer.ok) return flash(`Not sent again: ${answer.error.message}`, true);
    flash("The webhook waits to be sent again (within a minute), with the same webhook-id");
    await this.deliveries();
  }

  private async keys(): Promise<void> {
    if (byId("crm-keys").closest("[data-denied]")) return; // not an owner: the API would refuse
    const answer = await this.api.crmKeys();
    if (!answer.ok) return flash(`Could not read the CRM API keys: ${answer.error.message}`, true);
    this.showKeys(answer.data.keys);
  }

  private showKeys(keys: CrmKeys["keys"]): void {
    byId("crm-keys").replaceChildren(
      keys.length === 0
        ? h("p", { class: "muted" }, "No keys: the CRM API is closed.")
        : h(
            "table",
            { class: "data" },
            h("thead", {}, h("tr", {}, ...["Label", "Key id", "Scopes", "Created", "Last used", ""].map((t) => h("th", {}, t)))),
            h(
              "tbody",
              {},
              ...keys.map((key) =>
                h(
                  "tr",
                  { "data-key": key.id },
                  h("td", {}, key.label),
                  h("td", {}, h("code", {}, key.id)),
                  h("td", {}, key.scopes.join(", ")),
                  h("td", {}, `${when(key.createdAt)} · ${key.createdBy}`),
                  h("td", {}, when(key.lastUsedAt)),
                  h(
                    "td",
                    {},
                    key.revokedAt === null
                      ? h("button", { type: "button", class: "secondary", onclick: () => void this.revoke(key.id, key.label) }, "Revoke")
                      : `revoked ${when(key.revokedAt)}`,
                  ),
                ),
              ),
            ),
          ),
    );
  }

  private async createKey(): Promise<void> {
    const form = byId("crm-key-form", HTMLFormElement);
    const label = byId("crm-key-label", HTMLInputElement).value.trim();
    const scopes = [...form.querySelectorAll<HTMLInputElement>("input[name=scopes]:checked")].map((box) => box.value);
    if (scopes.length === 0) return flash("Choose at least one scope", true);
    const created = await this.api.createCrmKey(label, scopes);
    if (!created.ok) return flash(`No key created: ${created.error.message}`, true);
    form.reset();
    const shown = byId("crm-new-key");
    shown.replaceChildren(
      `Key “${created.data.key.label}” created. Copy it now: it is not shown again. `,
      h("code", { id: "crm-new-key-secret" }, created.data.secret),
    );
    shown.hidden = false;
    await this.keys();
  }

  private async revoke(id: string, label: string): Promise<void> {
    if (!confirm(`Revoke the CRM API key “${label}”? The CRM's next call with it is refused.`)) return;
    const answer = await this.api.revokeCrmKey(id);
    if (!answer.ok) return flash(`Not revoked: ${answer.error.message}`, true);
    flash(`Key “${label}” revoked`);
    await this.keys();
  }
}
