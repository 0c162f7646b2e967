import { Hono } from "hono";
import { html } from "hono/html";
import { NONCE, secureHeaders, type SecureHeadersVariables } from "hono/secure-headers";
import { dashboardWords, type DashboardWord } from "../../../src/metrics/dashboard-words.ts";
import { assets } from "../assets.ts";
import { pageLang } from "../pages/lang.ts";

/** The verdict cards, in the order they are shown; their ids are the summary's `verdicts` keys. */
const VERDICTS = ["p99Latency", "paymentSuccess", "couponRedemption"] as const;
/** The charts, each a figure the script draws into; `data-verdict` ties a chart to its threshold. */
const CHARTS: ReadonlyArray<{ id: string; caption: DashboardWord; verdict?: (typeof VERDICTS)[number] }> = [
  { id: "chart-latency", caption: "chartLatency", verdict: "p99Latency" },
  { id: "chart-checkouts", caption: "chartCheckouts" },
  { id: "chart-orders", caption: "chartOrders" },
  { id: "chart-payments", caption: "chartPayments", verdict: "paymentSuccess" },
  { id: "chart-coupons", caption: "chartCoupons", verdict: "couponRedemption" },
  { id: "chart-stock", caption: "chartStock" },
];

/**
 * `GET /admin/dashboard` (issue 13): the live monitoring dashboard, a static shell like the
 * console (admin/console.ts) under the same policy: its one hashed script by nonce, its one
 * hashed stylesheet (uPlot's styles bundled in), no inline style. The script
 * (web/client/dashboard.page.ts) signs in as the console does (the staff cookie, or the tab's
 * token) and reads GET /admin/api/metrics/summary every 5 s. In the shopper's language choice
 * (`?lang=`, the cookie, Accept-Language), zh-CN or English.
 */
export const adminDashboard = new Hono<{ Bindings: Env; Variables: SecureHeadersVariables }>()
  .use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        scriptSrc: [NONCE],
        styleSrc: ["'self'"],
        connectSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        formAction: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
      referrerPolicy: "no-referrer",
    }),
  )
  .get("/", (c) => {
    c.header("Cache-Control", "no-store");
    const { lang } = pageLang(c);
    return c.html(page(lang, c.get("secureHeadersNonce") ?? ""));
  });

function page(lang: "en" | "zh-CN", nonce: string) {
  const w = dashboardWords(lang);
  return html`<!doctype html>
<html lang="${lang}">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="robots" content="noindex" />
    <title>${w.title} · Flash Sale</title>
    <link rel="stylesheet" href="${assets.styles.dashboard}" />
  </head>
  <body>
    <header>
      <strong>${w.brand}</strong>
      <nav>
        <a class="lang" href="?lang=${lang === "en" ? "zh-CN" : "en"}">${w.otherLanguage}</a>
        <a href="/admin">${w.console}</a>
      </nav>
    </header>
    <main>
      <p id="status" role="status" class="muted">${w.loading}</p>
      <p id="sign-in-needed" class="problem" hidden>${w.signedOut} <a href="/admin">${w.openConsole}</a></p>
      <section id="verdicts" class="verdicts" aria-live="polite">
        ${VERDICTS.map(
          (key) => html`<article class="verdict" id="verdict-${key}" data-state="no_data">
            <h2>${w[key]}</h2>
            <p class="figure"><span class="value">–</span> <strong class="state">${w.state_no_data}</strong></p>
            <p class="rule">${w[`${key}_rule`]}</p>
          </article>`,
        )}
      </section>
      <section class="charts">
        ${CHARTS.map(
          (chart) => html`<figure class="chart" id="${chart.id}" data-verdict="${chart.verdict ?? ""}" data-state="no_data">
            <figcaption>${w[chart.caption]}</figcaption>
            <div class="plot"></div>
          </figure>`,
        )}
      </section>
    </main>
    <script nonce="${nonce}" type="module" src="${assets.scripts.dashboard}"></script>
  </body>
</html>`;
}
