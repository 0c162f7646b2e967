import { fill } from "../../../src/coupons/coupon-words.ts";
import type { StoreWords } from "../../../src/stores/store-words.ts";
import type { AdminApi } from "./admin-api.ts";
import type { Store, StoreStaffToken } from "./api-types.ts";
import { byId, h } from "./dom.ts";
import { qrSvg } from "../shared/qr-svg.ts";
import { flash } from "./flash.ts";
import { when } from "./format.ts";

/**
 * One store's staff tokens in the console (issue 15): issue one with a label (the API answers
 * the token text once: it is shown here with a copy button until the panel closes or another
 * is issued, and never again), the list of its tokens (live or revoked, who issued each and
 * when), and revoke.
 */
export class StoreTokens {
  private readonly api: AdminApi;
  private readonly words: StoreWords;
  private store: Store | null = null;

  constructor(api: AdminApi, words: StoreWords) {
    this.api = api;
    this.words = words;
    byId("close-store-tokens").addEventListener("click", () => this.close());
    byId("issue-store-token", HTMLFormElement).addEventListener("submit", (event) => {
      event.preventDefault();
      void this.issue();
    });
    byId("copy-store-token").addEventListener("click", () => void this.copy());
  }

  open(store: Store): void {
    this.store = store;
    byId("store-tokens-title").textContent = fill(this.words.tokens_title, { name: store.name });
    this.forgetShown();
    byId("store-tokens").hidden = false;
    byId("store-tokens").scrollIntoView({ behavior: "smooth" });
    void this.load();
  }

  close(): void {
    this.store = null;
    this.forgetShown();
    byId("store-tokens").hidden = true;
    byId("store-token-list").replaceChildren();
  }

  /** The token text leaves the page: it was to be shown once. */
  private forgetShown(): void {
    byId("new-store-token-text").textContent = "";
    byId("new-store-token-qr").replaceChildren();
    byId("new-store-token").hidden = true;
  }

  private async load(): Promise<void> {
    const w = this.words;
    const store = this.store;
    if (!store) return;
    const result = await this.api.storeTokens(store.id);
    const out = byId("store-token-list");
    if (!result.ok) return out.replaceChildren(h("p", { class: "problem" }, fill(w.failed, { message: result.error.message })));
    if (!result.data.tokens.length) return out.replaceChildren(h("p", { class: "muted" }, w.token_none));
    out.replaceChildren(h("ul", { "data-view": "store-tokens" }, ...result.data.tokens.map((token) => this.item(token))));
  }

  private item(token: StoreStaffToken): HTMLLIElement {
    const w = this.words;
    return h(
      "li",
      { "data-token": token.id },
      h("strong", {}, token.label),
      ` · ${token.id} · ${fill(w.token_issued, { time: when(token.createdAt), by: token.createdBy })} · `,
      token.revokedAt === null ? w.token_live : fill(w.token_revoked, { time: when(token.revokedAt) }),
      token.revokedAt === null
        ? h("button", { type: "button", class: "secondary", onclick: () => void this.revoke(token) }, w.token_revoke)
        : null,
    );
  }

  private async issue(): Promise<void> {
    const store = this.store;
    if (!store) return;
    const label = byId("store-token-label", HTMLInputElement);
    const result = await this.api.issueStoreToken(store.id, label.value.trim());
    if (!result.ok) return flash(fill(this.words.failed, { message: (result.error.problems ?? [result.error.message]).join("; ") }), true);
    label.value = "";
    byId("new-store-token-text").textContent = result.data.secret;
    // The till's sign-in link: the token rides in the fragment, which never reaches a server (web/client/store-staff/credentials.ts).
    const signIn = `${location.origin}/store#token=${encodeURIComponent(result.data.secret)}&store=${encodeURIComponent(store.id)}`;
    byId("new-store-token-qr").replaceChildren(qrSvg(signIn, this.words.token_qr));
    byId("new-store-token").hidden = false;
    await this.load();
  }

  private async copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(byId("new-store-token-text").textContent ?? "");
      flash(this.words.token_copied);
    } catch (error) {
      flash(fill(this.words.failed, { message: error instanceof Error ? error.message : String(error) }), true);
    }
  }

  private async revoke(token: StoreStaffToken): Promise<void> {
    const store = this.store;
    if (!store || !confirm(fill(this.words.confirmRevoke, { label: token.label }))) return;
    const result = await this.api.revokeStoreToken(store.id, token.id);
    if (!result.ok) return flash(fill(this.words.failed, { message: result.error.message }), true);
    await this.load();
  }
}
