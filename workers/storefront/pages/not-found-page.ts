import { html } from "hono/html";
import { messages, type Lang } from "../../../src/i18n/messages.ts";
import type { Markup } from "./layout.ts";

export function notFoundPage(lang: Lang): Markup {
  const t = messages(lang);
  return html`<section class="card not-found">
    <h1>404 · ${t.notFoundTitle}</h1>
    <p>${t.notFoundBody}</p>
    <p><a class="button" href="/">${t.goHome}</a></p>
  </section>`;
}
