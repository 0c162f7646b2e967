import type { Context } from "hono";
import { html, raw } from "hono/html";
import { HtmlEscapedCallbackPhase, resolveCallback, type HtmlEscapedString } from "hono/utils/html";
import { messages, type Lang, type Messages } from "../../../src/i18n/messages.ts";
import { assets } from "../assets.ts";
import { inboxLink } from "./inbox-link.ts";
import { chatWidget } from "./chat-widget.ts";

export type Markup = HtmlEscapedString | Promise<HtmlEscapedString>;

export interface PageOptions {
  lang: Lang;
  title: string;
  body: Markup;
  /** The page's client script (a key of the asset manifest's scripts), if any. */
  script?: string;
  /** An image to fetch early (the sale's hero picture). */
  preloadImage?: string | null;
  /** Path of this page, for the language switch link. */
  path: string;
}

/**
 * Announces the stylesheet, the page script and the hero image before the HTML is parsed:
 * `Link: rel=preload` headers, which Cloudflare also turns into 103 Early Hints.
 */
export function preloadHeaders(c: Context, page: Pick<PageOptions, "script" | "preloadImage">): void {
  c.header("Link", preloadLinks(page));
}

/** The `Link` header's value for a page (see preloadHeaders). */
export function preloadLinks(page: Pick<PageOptions, "script" | "preloadImage">): string {
  const links = [`<${assets.styles.storefront}>; rel=preload; as=style`];
  if (page.script && assets.scripts[page.script]) links.push(`<${assets.scripts[page.script]}>; rel=modulepreload`);
  if (page.preloadImage) links.push(`<${page.preloadImage}>; rel=preload; as=image; fetchpriority=high`);
  return links.join(", ");
}

/**
 * A page as a response of its own, built without the request's hono context: an edge-cache
 * refresh renders after the request was answered, when the context belongs to a response
 * already sent (once hono holds it as `c.res`, `c.header()` rewraps it, taking its body, and
 * `c.html()` copies its headers into the new page). Same headers as `c.html()` plus `Link`.
 */
export async function pageResponse(page: PageOptions): Promise<Response> {
  const body = await resolveCallback(await layout(page), HtmlEscapedCallbackPhase.Stringify, false, {});
  return new Response(body, { headers: { "Content-Type": "text/html; charset=UTF-8", Link: preloadLinks(page) } });
}

/** The page shell every storefront page shares; the page's strings go to its script as JSON. */
export function layout(page: PageOptions): Markup {
  const t = messages(page.lang);
  const other: Lang = page.lang === "en" ? "zh-CN" : "en";
  const script = page.script ? assets.scripts[page.script] : undefined;
  return html`<!doctype html>
<html lang="${page.lang}">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${page.title} · ${t.siteName}</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="${assets.styles.storefront}" />
    ${script ? html`<script type="module" src="${script}"></script>` : ""}
  </head>
  <body>
    <header class="top">
      <a class="brand" href="/">⚡ ${t.siteName}</a>
      <nav class="top-links">
        <a class="teams-link" href="/teams">${t.teamsLink}</a>
        <a class="stores-link" href="/stores">${t.storesLink}</a>
        <a class="live-link" href="/live">${t.liveLink}</a>
        <a class="me" href="/me">${t.myProfile}</a>
        ${inboxLink(t)}
        <a class="lang" href="${page.path}?lang=${other}" hreflang="${other}">${t.language}</a>
      </nav>
    </header>
    <main>${page.body}</main>
    ${chatWidget(t, page.script)}
    <script type="application/json" id="i18n">${raw(jsonForScript(t))}</script>
  </body>
</html>`;
}

/** JSON that is safe inside a <script> element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

export type { Messages };
