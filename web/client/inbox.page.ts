import type { InboxMessage } from "../../src/inbox/inbox-store.ts";
import { ApiError, api } from "./shared/api.ts";
import { showUnread } from "./shared/inbox-badge.ts";
import { lang, t } from "./shared/i18n.ts";

/**
 * The shopper's inbox (issue 17): their messages newest first from `GET /api/me/inbox`, a page
 * at a time ("older messages"); opening one marks it read (and follows its link, if it has
 * one); "mark all as read" marks the rest. The header's badge follows every change.
 */
type Page = { messages: InboxMessage[]; unread: number; next: string | null };

const $ = (id: string) => document.getElementById(id)!;
const dates = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" });
let next: string | null = null;

function item(message: InboxMessage): HTMLLIElement {
  const li = document.createElement("li");
  li.className = "inbox-item";
  li.dataset.id = message.id;
  li.dataset.read = String(message.readAt !== null);
  const open = document.createElement(message.link ? "a" : "button");
  open.className = "inbox-open";
  if (open instanceof HTMLAnchorElement) open.href = message.link!;
  else open.type = "button";
  const title = document.createElement("strong");
  title.className = "inbox-item-title";
  title.textContent = message.title;
  const tag = document.createElement("span");
  tag.className = "inbox-new";
  tag.textContent = t("inbox_new");
  const body = document.createElement("p");
  body.className = "inbox-body";
  body.textContent = message.body;
  const when = document.createElement("time");
  when.className = "meta";
  when.dateTime = new Date(message.createdAt).toISOString();
  when.textContent = dates.format(message.createdAt);
  open.append(title, " ", tag, body, when);
  open.addEventListener("click", (event) => {
    if (li.dataset.read === "true") return;
    const href = message.link;
    if (href) event.preventDefault();
    void markRead(li).finally(() => {
      if (href) location.assign(href);
    });
  });
  li.append(open);
  return li;
}

async function markRead(li: HTMLLIElement): Promise<void> {
  try {
    const answer = await api<{ unread: number }>(`/api/me/inbox/${encodeURIComponent(li.dataset.id!)}/read`, { method: "POST" });
    li.dataset.read = "true";
    showUnread(answer.unread);
    refreshReadAll(answer.unread);
  } catch (error) {
    $("inbox-status").textContent = error instanceof ApiError ? error.message : t("error_internal");
  }
}

function refreshReadAll(unread: number): void {
  ($("inbox-read-all") as HTMLButtonElement).hidden = unread === 0;
}

async function load(before: string | null): Promise<void> {
  const root = $("inbox");
  try {
    const query = new URLSearchParams({ limit: "20", ...(before ? { before } : {}) });
    const page = await api<Page>(`/api/me/inbox?${query}`);
    const list = $("inbox-list");
    if (!before) list.replaceChildren();
    list.append(...page.messages.map(item));
    next = page.next;
    ($("inbox-more") as HTMLButtonElement).hidden = next === null;
    $("inbox-status").textContent = list.children.length === 0 ? t("inbox_empty") : "";
    showUnread(page.unread);
    refreshReadAll(page.unread);
    root.dataset.state = "ready";
  } catch (error) {
    root.dataset.state = "error";
    $("inbox-status").textContent = error instanceof ApiError ? error.message : t("error_internal");
  }
}

$("inbox-more").addEventListener("click", () => void load(next));
$("inbox-read-all").addEventListener("click", async () => {
  try {
    await api("/api/me/inbox/read-all", { method: "POST" });
    for (const li of $("inbox-list").querySelectorAll<HTMLLIElement>(".inbox-item")) li.dataset.read = "true";
    showUnread(0);
    refreshReadAll(0);
  } catch (error) {
    $("inbox-status").textContent = error instanceof ApiError ? error.message : t("error_internal");
  }
});
void load(null);
