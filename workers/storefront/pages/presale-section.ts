import { html, raw } from "hono/html";
import { format, type Lang, messages } from "../../../src/i18n/messages.ts";
import { formatMoney } from "../../../src/money.ts";
import { deadlineText } from "../../../src/presale-view/countdown-text.ts";
import { balancePerUnit, presaleWindowAt } from "../../../src/presale-view/presale-timeline.ts";
import type { Presale } from "../../../src/presale/presale-terms.ts";
import { jsonForScript, type Markup } from "./layout.ts";

/**
 * A presale's part of the sale page (issue 19): the deposit and what it is worth (膨胀), the
 * balance at the current price, both windows, and a countdown to the end of the window the
 * sale is in. Rendered from the configuration and the snapshot's time, like the rest of the
 * cached page; the script (web/client/sale-presale.ts) moves the window and its countdown on by
 * server time and makes Buy "Pay deposit" in the deposit window. The terms go to the script
 * as JSON in #presale-terms.
 */
export function presaleSection(lang: Lang, presale: Presale, unitPrice: number | null, serverTime: number): Markup {
  const t = messages(lang);
  const { window, until } = presaleWindowAt(presale, serverTime);
  const range = (from: number, to: number) => format(t.presale_windowRange, { from: deadlineText(from, lang), to: deadlineText(to, lang) });
  return html`<section class="presale" id="presale" data-window="${window}" aria-labelledby="presale-title">
        <h2 id="presale-title"><span class="presale-badge">${t.presale_badge}</span></h2>
        <dl class="order-lines">
          <dt>${t.presale_deposit}</dt>
          <dd data-field="deposit"><strong>${formatMoney(presale.depositPerUnit)}</strong>
            <span class="presale-worth" id="presale-worth">${format(t.presale_worth, { worth: formatMoney(presale.depositWorthPerUnit) })}</span></dd>
          <dt>${t.presale_balance}</dt>
          <dd data-field="balance" id="presale-balance">${
            unitPrice === null ? "—" : format(t.presale_balanceAtPrice, { balance: formatMoney(balancePerUnit(presale, unitPrice)) })
          }</dd>
          <dt>${t.presale_depositWindow}</dt>
          <dd data-field="deposit-window">${range(presale.depositStartsAt, presale.depositEndsAt)}</dd>
          <dt>${t.presale_balanceWindow}</dt>
          <dd data-field="balance-window">${range(presale.balanceStartsAt, presale.balanceEndsAt)}</dd>
        </dl>
        <p class="presale-countdown">
          <span id="presale-window-label">${t[`presale_window_${window}`]}</span>
          <strong id="presale-window-countdown" ${until === null ? "" : raw(`data-countdown-to="${until}"`)}></strong>
        </p>
        <p class="meta">${t[`presale_forfeit_${presale.forfeit}`]}</p>
        <script type="application/json" id="presale-terms">${raw(jsonForScript(presale))}</script>
      </section>`;
}
