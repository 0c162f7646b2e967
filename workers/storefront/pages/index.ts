import { Hono } from "hono";
import { html } from "hono/html";
import { formatMoney } from "../../../src/money.ts";
import { salePhase } from "../../../src/sales/phase.ts";
import { unitPriceForRank } from "../../../src/sales/pricing.ts";
import { SaleCatalog } from "../../../src/sales/sale-catalog.ts";
import type { SaleConfig } from "../../../src/sales/sale-config.ts";
import { layout } from "./layout.ts";

/**
 * Server-rendered shopper pages. Live numbers (stock, tier) arrive over the SKU's
 * WebSocket in a later issue; these pages render the configuration and the phase.
 */
export const pages = new Hono<{ Bindings: Env }>()
  .get("/", async (c) => {
    const now = Date.now();
    const sales = (await new SaleCatalog(c.env.SALES).list()).filter((s) => s.endsAt > now);
    const items = sales.map((sale) => saleCard(sale, now));
    return c.html(
      layout(
        "Flash sales",
        html`<h1>Live and upcoming sales</h1>
          ${items.length ? items : html`<p class="card">No sale is running or scheduled right now.</p>`}`,
      ),
    );
  })
  .get("/sales/:sku", async (c) => {
    const sale = await new SaleCatalog(c.env.SALES).get(c.req.param("sku"));
    return c.html(layout(sale.title, salePage(sale, Date.now())));
  });

function saleCard(sale: SaleConfig, now: number) {
  const phase = salePhase(sale, sale.stock, now);
  return html`<a class="card" style="display:block;color:inherit;text-decoration:none" href="/sales/${sale.sku}">
    <span class="phase phase-${phase}">${phase}</span>
    <h2>${sale.title}</h2>
    <span class="price">${formatMoney(unitPriceForRank(sale, 1))}</span>
    <span class="list">${formatMoney(sale.listPrice)}</span>
  </a>`;
}

function salePage(sale: SaleConfig, now: number) {
  const phase = salePhase(sale, sale.stock, now);
  const target = phase === "upcoming" ? sale.startsAt : sale.endsAt;
  return html`<article class="card" data-sku="${sale.sku}" data-phase="${phase}">
      <span class="phase phase-${phase}">${phase}</span>
      <h1>${sale.title}</h1>
      <p>${sale.description}</p>
      <p>
        <span class="price">${formatMoney(unitPriceForRank(sale, 1))}</span>
        <span class="list">${formatMoney(sale.listPrice)}</span>
      </p>
      <p>
        ${phase === "upcoming" ? "Opens in" : "Ends in"}
        <strong id="countdown" data-target="${target}" data-server-time="${now}">…</strong>
      </p>
      <p>${sale.stock} units · limit ${sale.perShopperLimit} per shopper</p>
      ${sale.tiers.length
        ? html`<table>
            <tr><th>Units</th><th>Price</th><th></th></tr>
            ${sale.tiers.map(
              (t) => html`<tr><td>${t.fromRank}–${t.toRank}</td><td>${formatMoney(t.unitPrice)}</td><td>${t.label ?? ""}</td></tr>`,
            )}
          </table>`
        : ""}
    </article>
    <script>
      // Counts against server time: the offset to the client's clock is taken once at load.
      const el = document.getElementById("countdown");
      const offset = Number(el.dataset.serverTime) - Date.now();
      const tick = () => {
        const left = Math.max(0, Number(el.dataset.target) - (Date.now() + offset));
        const s = Math.floor(left / 1000);
        el.textContent = Math.floor(s / 3600) + "h " + Math.floor((s % 3600) / 60) + "m " + (s % 60) + "s";
      };
      tick();
      setInterval(tick, 250);
    </script>`;
}
