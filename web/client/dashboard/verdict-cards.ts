import type { DashboardWords } from "../../../src/metrics/dashboard-words.ts";
import type { Verdict } from "../../../src/metrics/thresholds.ts";
import type { DashboardSummary } from "../../../src/metrics/dashboard-summary.ts";

type VerdictKey = keyof DashboardSummary["verdicts"];

/** How each verdict's figure reads: latency in milliseconds, rates in per cent. */
const FIGURE: Record<VerdictKey, (value: number) => string> = {
  p99Latency: (seconds) => `${Math.round(seconds * 1000)} ms`,
  paymentSuccess: (rate) => percent(rate),
  couponRedemption: (rate) => percent(rate),
};

export function percent(rate: number): string {
  return `${(Math.floor(rate * 10_000) / 100).toFixed(2)} %`;
}

/**
 * The three threshold cards at the top, and the charts tied to them (`data-verdict`): each
 * gets `data-state` ok, breached or no_data, which the stylesheet colours (green, red, grey),
 * and says it in words too ("ALERT", "告警"), so the state never rests on colour alone.
 */
export function showVerdicts(summary: DashboardSummary, words: DashboardWords): void {
  for (const key of Object.keys(FIGURE) as VerdictKey[]) {
    const verdict: Verdict = summary.verdicts[key];
    const card = document.getElementById(`verdict-${key}`);
    if (!card) continue;
    card.dataset.state = verdict.state;
    const value = card.querySelector(".value");
    const state = card.querySelector(".state");
    if (value) {
      value.textContent = verdict.value === null ? (key === "couponRedemption" ? words.noCoupons : "–") : FIGURE[key](verdict.value);
    }
    if (state) state.textContent = words[`state_${verdict.state}`];
    for (const chart of document.querySelectorAll<HTMLElement>(`figure[data-verdict="${key}"]`)) chart.dataset.state = verdict.state;
  }
}
