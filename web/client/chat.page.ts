import type { ChatMessage, ChatServerFrame } from "../../src/advisers/chat-frames.ts";
import { ApiError, api } from "./shared/api.ts";
import { lang, t } from "./shared/i18n.ts";

/**
 * The adviser chat on every shop page (issue 17; markup in workers/storefront/pages/chat-widget.ts).
 * Nothing runs until the shopper opens the panel: then the conversation is read, and a socket
 * follows it live. A message is sent on the socket when one is open and over HTTP otherwise,
 * with one client key per message either way, so a retry after a dropped connection is stored
 * once. A message shows as sending until the server's copy (stored in Postgres) comes back.
 */

interface Conversation {
  id: string;
  adviserName: string | null;
  status: "open" | "resolved";
}

interface History {
  conversation: Conversation | null;
  messages: ChatMessage[];
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const toggle = $<HTMLButtonElement>("chat-toggle");
const panel = $<HTMLElement>("chat-panel");
const list = $<HTMLOListElement>("chat-messages");
const status = $<HTMLParagraphElement>("chat-status");
const adviserLine = $<HTMLParagraphElement>("chat-adviser");
const form = $<HTMLFormElement>("chat-form");
const input = $<HTMLTextAreaElement>("chat-input");
const times = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit" });

/** Messages by client key: the server's copy replaces the pending one. */
const shown = new Map<string, HTMLLIElement>();
let socket: WebSocket | null = null;
let loaded = false;
/** Whether the shopper has an open conversation: the first message of one goes over HTTP, which answers its adviser. */
let open = false;

function render(message: Pick<ChatMessage, "author" | "body" | "clientKey"> & { at?: number }, pending = false): void {
  const item = shown.get(message.clientKey) ?? document.createElement("li");
  item.className = `chat-message from-${message.author}${pending ? " pending" : ""}`;
  item.dataset.clientKey = message.clientKey;
  const who = document.createElement("span");
  who.className = "chat-who";
  who.textContent = `${message.author === "shopper" ? t("chatYou") : t("chatFromAdviser")}${message.at ? ` · ${times.format(message.at)}` : ""}`;
  const body = document.createElement("p");
  body.textContent = message.body;
  item.replaceChildren(who, body);
  if (!shown.has(message.clientKey)) {
    shown.set(message.clientKey, item);
    list.append(item);
  }
  list.scrollTop = list.scrollHeight;
}

function showConversation(conversation: Conversation | null): void {
  adviserLine.textContent = conversation?.adviserName ? t("chatAdviser", { name: conversation.adviserName }) : t("chatEmpty");
  showStatus(conversation?.status ?? null);
}

function showStatus(now: "open" | "resolved" | null): void {
  open = now === "open";
  status.textContent = now === "resolved" ? t("chatResolved") : "";
}

async function load(): Promise<void> {
  try {
    const history = await api<History>("/api/chat");
    showConversation(history.conversation);
    for (const message of history.messages) render(message);
    loaded = true;
    connect();
  } catch (error) {
    status.textContent = error instanceof ApiError ? error.message : t("error_internal");
  }
}

/** Follows the conversation live; without a socket the panel still sends over HTTP. */
function connect(): void {
  if (socket || !("WebSocket" in window)) return;
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const opened = new WebSocket(`${scheme}://${location.host}/api/chat/socket`);
  socket = opened;
  opened.addEventListener("message", (event) => {
    const frame = JSON.parse(String(event.data)) as ChatServerFrame;
    if (frame.type === "message") {
      render(frame.message);
      // A reply while the panel is closed marks the button until it is opened again.
      if (frame.message.author === "adviser" && panel.hidden) toggle.dataset.unread = "";
    } else if (frame.type === "status") showStatus(frame.status);
    else if (frame.type === "error") failed(frame.clientKey, frame.code);
  });
  opened.addEventListener("close", () => {
    if (socket === opened) socket = null;
  });
  opened.addEventListener("error", () => {
    status.textContent = t("chatOffline");
  });
}

function failed(clientKey: string | undefined, code: string): void {
  if (clientKey) shown.get(clientKey)?.classList.add("failed");
  status.textContent = t(`error_${code}` as Parameters<typeof t>[0]);
}

async function send(body: string): Promise<void> {
  const clientKey = crypto.randomUUID();
  render({ author: "shopper", body, clientKey }, true);
  if (socket?.readyState === WebSocket.OPEN && open) {
    socket.send(JSON.stringify({ type: "send", body, clientKey }));
    return;
  }
  try {
    const sent = await api<{ message: ChatMessage; conversation: Conversation }>("/api/chat/messages", {
      method: "POST",
      body: { body },
      headers: { "Idempotency-Key": clientKey },
    });
    render(sent.message);
    showConversation(sent.conversation);
    connect();
  } catch (error) {
    failed(clientKey, error instanceof ApiError ? error.code : "internal");
  }
}

function togglePanel(opening: boolean): void {
  panel.hidden = !opening;
  toggle.setAttribute("aria-expanded", String(opening));
  if (opening) {
    delete toggle.dataset.unread;
    if (!loaded) void load();
    input.focus();
  }
}

toggle.addEventListener("click", () => togglePanel(panel.hasAttribute("hidden")));
$("chat-close").addEventListener("click", () => togglePanel(false));
form.addEventListener("submit", (event) => {
  event.preventDefault();
  const body = input.value.trim();
  if (!body) return;
  input.value = "";
  void send(body);
});
input.addEventListener("keydown", (event) => {
  // Enter sends, Shift+Enter breaks the line (a phone's keyboard sends with its own button).
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    form.requestSubmit();
  }
});
