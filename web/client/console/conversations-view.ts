import type { ChatMessage, ChatServerFrame } from "../../../src/advisers/chat-frames.ts";
import type { ConversationRow } from "../../../src/advisers/conversation-store.ts";
import type { AdminApi } from "./admin-api.ts";
import type { AdviserConversation } from "./adviser-types.ts";
import { byId, h } from "./dom.ts";
import { money, when } from "./format.ts";

/** The inbox is read again this often while the view is open: new conversations and their latest messages. */
const INBOX_POLL_MS = 5_000;

/**
 * The console's Conversations view (issue 17): the adviser's inbox (an owner's: everyone's),
 * the chosen conversation's messages with a reply box, resolve/reopen, and beside it the
 * shopper's profile: RFM segment and scores, paid orders, the latest orders and their coupons.
 * The open conversation follows its socket (a staff session's cookie goes with the upgrade);
 * signed in with a token, which a browser cannot put on a socket, the inbox poll reads it again.
 */
export class ConversationsView {
  private readonly api: AdminApi;
  private poll: ReturnType<typeof setInterval> | undefined;
  private current: string | null = null;
  private socket: WebSocket | null = null;
  private readonly shown = new Map<string, HTMLLIElement>();

  constructor(api: AdminApi) {
    this.api = api;
    byId("show-conversations").addEventListener("click", () => this.open());
    byId("close-conversations").addEventListener("click", () => this.close());
    byId("refresh-conversations").addEventListener("click", () => void this.loadInbox());
    byId("conversations-status").addEventListener("change", () => void this.loadInbox());
    byId("conversation-resolve").addEventListener("click", () => void this.setStatus("resolve"));
    byId("conversation-reopen").addEventListener("click", () => void this.setStatus("reopen"));
    byId("conversation-reply", HTMLFormElement).addEventListener("submit", (event) => {
      event.preventDefault();
      void this.reply();
    });
  }

  open(): void {
    byId("conversations").hidden = false;
    byId("conversations").scrollIntoView({ behavior: "smooth" });
    void this.loadInbox();
    clearInterval(this.poll);
    this.poll = setInterval(() => document.hidden || void this.loadInbox(), INBOX_POLL_MS);
  }

  close(): void {
    clearInterval(this.poll);
    this.poll = undefined;
    this.leave();
    byId("conversations").hidden = true;
    byId("conversation-list").replaceChildren();
  }

  private async loadInbox(): Promise<void> {
    const status = byId("conversations-status", HTMLSelectElement).value;
    const result = await this.api.conversations(status);
    if (!result.ok) {
      byId("conversation-status").textContent = `Could not read the inbox: ${result.error.message}`;
      return;
    }
    const rows = result.data.conversations;
    byId("conversations-empty").hidden = rows.length > 0;
    byId("conversation-list").replaceChildren(...rows.map((row) => this.inboxRow(row)));
    // Without a socket (a token sign-in), the open conversation is read with the inbox.
    if (this.current && this.socket?.readyState !== WebSocket.OPEN) void this.show(this.current, false);
  }

  private inboxRow(row: ConversationRow & { lastMessage: string | null }): HTMLLIElement {
    const waiting = row.status === "open" && row.firstMessageAt !== null && row.firstResponseAt === null;
    return h(
      "li",
      { "data-conversation": row.id, class: `${row.id === this.current ? "current " : ""}${waiting ? "waiting" : ""}`.trim() || undefined },
      h(
        "button",
        { type: "button", class: "link", onclick: () => void this.show(row.id, true) },
        h("strong", {}, row.shopperId),
        ` · ${row.status}${waiting ? " · awaiting first reply" : ""}`,
        row.adviserName ? ` · ${row.adviserName}` : "",
      ),
      h("p", { class: "muted" }, row.lastMessage ?? "", " · ", when(row.lastMessageAt ?? row.openedAt)),
    );
  }

  /** Shows a conversation; `follow` also opens its socket (a click, not a poll). */
  private async show(id: string, follow: boolean): Promise<void> {
    const result = await this.api.conversation(id);
    if (!result.ok) {
      byId("conversation-status").textContent = `Could not open the conversation: ${result.error.message}`;
      return;
    }
    if (follow || this.current !== id) {
      this.leave();
      this.current = id;
    }
    const { conversation, messages } = result.data;
    byId("conversation-chat").hidden = false;
    byId("conversation-title").textContent = `${conversation.shopperId} · ${conversation.status}`;
    this.statusButtons(conversation.status);
    for (const message of messages) this.render(message);
    byId("conversation-profile").hidden = false;
    byId("conversation-profile").replaceChildren(...this.profile(result.data));
    for (const li of byId("conversation-list").querySelectorAll("li")) li.classList.toggle("current", li.dataset.conversation === id);
    if (follow) this.follow(id);
  }

  private statusButtons(status: "open" | "resolved"): void {
    byId("conversation-resolve").hidden = status !== "open";
    byId("conversation-reopen").hidden = status !== "resolved";
    byId("conversation-input", HTMLTextAreaElement).disabled = status !== "open";
  }

  private render(message: Pick<ChatMessage, "author" | "body" | "clientKey"> & { at?: number }, pending = false): void {
    const list = byId("conversation-messages");
    const item = this.shown.get(message.clientKey) ?? h("li", {});
    item.className = `chat-line from-${message.author}${pending ? " pending" : ""}`;
    item.dataset.clientKey = message.clientKey;
    item.replaceChildren(
      h("span", { class: "muted" }, `${message.author === "shopper" ? "Shopper" : "Adviser"}${message.at ? ` · ${when(message.at)}` : ""}`),
      h("p", {}, message.body),
    );
    if (!this.shown.has(message.clientKey)) {
      this.shown.set(message.clientKey, item);
      list.append(item);
    }
    list.scrollTop = list.scrollHeight;
  }

  private profile(data: AdviserConversation): Node[] {
    const { profile, coupons } = data;
    const rfm = profile.rfm;
    return [
      h("h3", {}, "Shopper"),
      h("p", { "data-cell": "shopper" }, profile.shopperId),
      h(
        "p",
        { "data-cell": "segment" },
        "Segment: ",
        h("strong", {}, rfm ? rfm.segment : "not scored yet"),
        rfm
          ? ` (R${rfm.r} F${rfm.f} M${rfm.m}${rfm.previousSegment && rfm.previousSegment !== rfm.segment ? `, was ${rfm.previousSegment}` : ""})`
          : "",
      ),
      h("p", { "data-cell": "paid" }, `${profile.paidOrders} paid orders · ${money(profile.paidAmount)}`),
      h("h4", {}, "Latest orders"),
      profile.orders.length === 0
        ? h("p", { class: "muted" }, "No orders.")
        : h(
            "table",
            { "data-view": "profile-orders" },
            h(
              "tbody",
              {},
              ...profile.orders.map((o) =>
                h("tr", {}, h("td", {}, o.sku), h("td", {}, o.status), h("td", {}, money(o.totalAmount)), h("td", {}, when(o.createdAt))),
              ),
            ),
          ),
      h("h4", {}, "Coupons"),
      coupons.length === 0
        ? h("p", { class: "muted" }, "No coupons.")
        : h(
            "ul",
            { "data-view": "profile-coupons" },
            ...coupons.map((c) => h("li", {}, `${c.title} · ${c.status}${c.usable ? " · usable" : ""}`)),
          ),
      this.wecomLink(data),
    ];
  }

  /** The shopper's WeCom userid (follow-ups reach them there when WeCom is configured): shown, linked, unlinked. */
  private wecomLink(data: AdviserConversation): Node {
    const input = h("input", {
      id: "wecom-user-id",
      name: "wecomUserId",
      placeholder: "WeCom userid",
      value: data.wecomUserId ?? "",
      maxlength: "64",
    });
    const status = h("span", { id: "wecom-user-status", class: "muted", role: "status" });
    const form = h(
      "form",
      { id: "wecom-user", class: "toolbar" },
      h("label", { for: "wecom-user-id" }, "WeCom userid"),
      input,
      h("button", { type: "submit", class: "secondary" }, "Link"),
      status,
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void (async () => {
        const userId = input.value.trim() || null;
        const result = await this.api.linkWecomUser(data.conversation.id, userId);
        status.textContent = !result.ok
          ? result.error.message
          : result.data.wecomUserId
            ? `Linked: follow-ups go to ${result.data.wecomUserId} on WeCom.`
            : "Unlinked: follow-ups go to the shop id on WeCom.";
      })();
    });
    return h("div", {}, h("h4", {}, "WeCom"), form);
  }

  private follow(id: string): void {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${location.host}/admin/api/conversations/${encodeURIComponent(id)}/socket`);
    this.socket = socket;
    socket.addEventListener("message", (event) => {
      if (this.socket !== socket) return;
      const frame = JSON.parse(String(event.data)) as ChatServerFrame;
      if (frame.type === "message" && frame.message.conversationId === this.current) this.render(frame.message);
      else if (frame.type === "status" && frame.conversationId === this.current) this.statusButtons(frame.status);
      else if (frame.type === "error") byId("conversation-status").textContent = frame.message;
    });
    socket.addEventListener("close", () => {
      if (this.socket === socket) this.socket = null;
    });
  }

  private leave(): void {
    this.socket?.close(1000);
    this.socket = null;
    this.current = null;
    this.shown.clear();
    byId("conversation-messages").replaceChildren();
    byId("conversation-chat").hidden = true;
    byId("conversation-profile").hidden = true;
  }

  private async reply(): Promise<void> {
    const input = byId("conversation-input", HTMLTextAreaElement);
    const body = input.value.trim();
    const id = this.current;
    if (!body || !id) return;
    input.value = "";
    const clientKey = crypto.randomUUID();
    this.render({ author: "adviser", body, clientKey }, true);
    if (this.socket?.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify({ type: "send", body, clientKey }));
      return;
    }
    const result = await this.api.replyToShopper(id, body, clientKey);
    if (result.ok) this.render(result.data.message);
    else byId("conversation-status").textContent = `Not sent: ${result.error.message}`;
  }

  private async setStatus(action: "resolve" | "reopen"): Promise<void> {
    const id = this.current;
    if (!id) return;
    const result = await this.api.setConversationStatus(id, action);
    if (!result.ok) {
      byId("conversation-status").textContent = result.error.message;
      return;
    }
    this.statusButtons(result.data.conversation.status);
    byId("conversation-title").textContent = `${result.data.conversation.shopperId} · ${result.data.conversation.status}`;
    void this.loadInbox();
  }
}
