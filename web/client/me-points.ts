import type { PointsStatement } from "../../src/membership/points-statement.ts";
import type { MessageKey } from "../../src/i18n/messages.ts";
import { formatMoney } from "../../src/money.ts";
import { ApiError, api } from "./shared/api.ts";
import { lang, t } from "./shared/i18n.ts";

/**
 * "My points" on the account page (issue 16): the balance and what it is worth (100 points =
 * ¥1), points held by unpaid orders, what lapses within 30 days, and the latest movements,
 * from `GET /api/me/points`. Read with the profile, after it (one session per first visit).
 */
const dates = new Intl.DateTimeFormat(lang, { dateStyle: "medium" });
const $ = (id: string) => document.getElementById(id);

function render(statement: PointsStatement): void {
  const root = $("me-points")!;
  root.dataset.state = "ready";
  root.dataset.balance = String(statement.balance);
  const status = [t("points_balance", { n: statement.balance, value: formatMoney(Math.max(0, statement.balance)) })];
  if (statement.held > 0) status.push(t("points_held", { n: statement.held }));
  if (statement.entries.length === 0) status.push(t("points_none"));
  $("points-status")!.textContent = status.join(" · ");
  $("points-expiring")!.replaceChildren(
    ...statement.expiringSoon.map((soon) => {
      const li = document.createElement("li");
      li.textContent = t("points_expiring", { n: soon.points, date: dates.format(soon.expiresAt) });
      return li;
    }),
  );
  $("points-entries")!.replaceChildren(
    ...statement.entries.map((entry) => {
      const li = document.createElement("li");
      li.dataset.reason = entry.reason;
      const what = document.createElement("span");
      what.textContent = t(`points_reason_${entry.reason}` as MessageKey);
      const amount = document.createElement("strong");
      amount.textContent = entry.amount > 0 ? `+${entry.amount}` : String(entry.amount);
      const when = document.createElement("span");
      when.className = "meta";
      when.textContent = dates.format(entry.at);
      li.append(what, " ", amount, " ", when);
      return li;
    }),
  );
}

/** Reads and shows the points; a page without the section does nothing. */
export async function loadMePoints(): Promise<void> {
  if (!$("me-points")) return;
  try {
    render(await api<PointsStatement>("/api/me/points"));
  } catch (error) {
    $("me-points")!.dataset.state = "error";
    $("points-status")!.textContent = error instanceof ApiError ? error.message : t("error_internal");
  }
}
