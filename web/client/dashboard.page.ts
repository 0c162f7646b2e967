/**
 * The live dashboard (GET /admin/dashboard, issue 13). Reads GET /admin/api/metrics/summary
 * every 5 s (a hidden tab skips its turn) and draws it with uPlot: p99 latency, checkouts by
 * outcome, orders/s, payment success, coupon redemption and units left per SKU, the three
 * thresholds as dashed lines and as cards that turn red and say "ALERT" when breached. Signed
 * in the console's way: the staff session cookie, or the token this tab keeps
 * (./console/credentials.ts); without either it says where to sign in. zh-CN or English, as
 * the page was served.
 */
import type { Lang } from "../../src/i18n/messages.ts";
import { dashboardWords, fill } from "../../src/metrics/dashboard-words.ts";
import { AdminApi } from "./console/admin-api.ts";
import { byId } from "./console/dom.ts";
import { CHART_UNITS, chartLines } from "./dashboard/chart-lines.ts";
import { LiveChart } from "./dashboard/live-chart.ts";
import { showVerdicts } from "./dashboard/verdict-cards.ts";

const REFRESH_MS = 5_000;

const lang: Lang = document.documentElement.lang === "zh-CN" ? "zh-CN" : "en";
const words = dashboardWords(lang);
const status = byId("status");
let poll: ReturnType<typeof setInterval> | undefined;

const api = new AdminApi({
  signedOut: () => stop(),
  forbidden: () => undefined, // the refusal's message is shown by refresh()
});

const charts = new Map(
  [...document.querySelectorAll<HTMLElement>("figure.chart")].map((figure) => [
    figure.id,
    new LiveChart(figure, CHART_UNITS[figure.id] ?? String, words.time),
  ]),
);

async function refresh(): Promise<void> {
  const result = await api.metricsSummary();
  if (!result.ok) {
    if (result.status === 401 || result.error.code === "admin_closed") return stop();
    status.textContent =
      result.status === 403
        ? fill(words.forbidden, { message: result.error.message })
        : fill(words.couldNotRefresh, { message: result.error.message });
    return;
  }
  const summary = result.data;
  showVerdicts(summary, words);
  const lines = chartLines(summary, words);
  for (const [id, chart] of charts) chart.draw(summary.series.at, lines[id] ?? []);
  status.textContent = fill(words.updated, { time: new Date().toLocaleTimeString(lang) });
}

/** Not signed in (or no longer): say where to sign in, and stop asking. */
function stop(): void {
  clearInterval(poll);
  poll = undefined;
  status.hidden = true;
  byId("sign-in-needed").hidden = false;
}

addEventListener("resize", () => {
  for (const chart of charts.values()) chart.fit();
});

void refresh();
poll = setInterval(() => document.hidden || void refresh(), REFRESH_MS);
