import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

type Markup = HtmlEscapedString | Promise<HtmlEscapedString>;

const STYLE = `
  :root { font-family: system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif; color: #1d1d1f; }
  body { margin: 0; background: #fafafa; }
  header { background: #e1251b; color: #fff; padding: 12px 20px; font-weight: 700; }
  header a { color: inherit; text-decoration: none; }
  main { max-width: 760px; margin: 0 auto; padding: 16px; }
  .card { background: #fff; border-radius: 12px; padding: 16px; margin: 12px 0; box-shadow: 0 1px 3px #0001; }
  .phase { display: inline-block; border-radius: 999px; padding: 2px 10px; font-size: 13px; background: #eee; }
  .phase-live { background: #e1251b; color: #fff; } .phase-upcoming { background: #ffb400; }
  .price { font-size: 28px; color: #e1251b; font-weight: 700; } .list { color: #888; text-decoration: line-through; }
  table { border-collapse: collapse; width: 100%; } td, th { padding: 6px; border-bottom: 1px solid #eee; text-align: left; }
`;

/** The page shell every storefront page shares. */
export function layout(title: string, body: Markup): Markup {
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title}</title>
    <style>${raw(STYLE)}</style>
  </head>
  <body>
    <header><a href="/">⚡ Flash Sale</a></header>
    <main>${body}</main>
  </body>
</html>`;
}
