import { parseYuan } from "../../../src/money.ts";
import type { Gift, PriceTier } from "../../../src/sales/sale-config.ts";
import type { SaleConfig, SaleDraftInput } from "./api-types.ts";
import { byId, h } from "./dom.ts";
import { yuanInput } from "./format.ts";
import { readTime, setTime } from "./local-time.ts";

/**
 * The create/edit form ↔ the API's sale: yuan ↔ fen, local time ↔ epoch ms, tiers and
 * gifts as rows. Every input carries the API path of its field (`data-path`); rows get
 * theirs (`tiers.0.fromRank`…) here, renumbered as rows come and go, so every problem the
 * API lists can be shown next to its field (./form-problems.ts).
 */
export class SaleForm {
  readonly form = byId("editor", HTMLFormElement);
  private readonly tiers = byId("tiers");
  private readonly gifts = byId("gifts");

  constructor() {
    byId("add-tier").addEventListener("click", () => this.addTier());
    byId("add-gift").addEventListener("click", () => this.addGift());
    this.input("waitingRoomOn").addEventListener("change", () => this.showWaitingRoom());
    this.input("presaleOn").addEventListener("change", () => this.showPresale());
  }

  /** Fills the form from a sale, or with a new sale's defaults; the SKU of a saved sale is fixed. */
  fill(sale: SaleConfig | null): void {
    this.input("sku").value = sale?.sku ?? "";
    this.input("sku").readOnly = sale !== null;
    this.input("title").value = sale?.title ?? "";
    this.input("category").value = sale?.category ?? "general";
    this.textarea("description").value = sale?.description ?? "";
    this.textarea("images").value = (sale?.images ?? []).join("\n");
    this.input("listPrice").value = sale ? yuanInput(sale.listPrice) : "";
    this.input("stock").value = sale ? String(sale.stock) : "";
    this.input("perShopperLimit").value = String(sale?.perShopperLimit ?? 1);
    this.input("holdSeconds").value = String(sale?.holdSeconds ?? 600);
    this.input("shards").value = String(sale?.shards ?? 1);
    setTime(this.input("startsAt"), sale?.startsAt);
    setTime(this.input("endsAt"), sale?.endsAt);
    this.input("paused").checked = sale?.paused ?? false;
    this.input("memberPrices").checked = sale?.memberPrices ?? false;
    this.input("waitingRoomOn").checked = Boolean(sale?.waitingRoom);
    this.input("admitPerSecond").value = sale?.waitingRoom ? String(sale.waitingRoom.admitPerSecond) : "";
    this.input("ticketTtlSeconds").value = String(sale?.waitingRoom?.ticketTtlSeconds ?? 900);
    this.showWaitingRoom();
    const presale = sale?.presale ?? null;
    this.input("presaleOn").checked = presale !== null;
    this.input("depositPerUnit").value = presale ? yuanInput(presale.depositPerUnit) : "";
    this.input("depositWorthPerUnit").value = presale ? yuanInput(presale.depositWorthPerUnit) : "";
    for (const field of PRESALE_TIMES) setTime(this.input(field), presale?.[field]);
    this.select("forfeit").value = presale?.forfeit ?? "keep";
    this.showPresale();
    this.tiers.replaceChildren();
    this.gifts.replaceChildren();
    for (const tier of sale?.tiers ?? []) this.addTier(tier);
    for (const gift of sale?.gifts ?? []) this.addGift(gift);
  }

  /**
   * The form as the API's sale. What cannot be converted (an amount that is no amount, an
   * empty time) is a problem here; everything else is for the API to judge, so the rules
   * live in one place and its messages reach the marketer unchanged.
   */
  read(): { draft: SaleDraftInput; problems: string[] } {
    const problems: string[] = [];
    const number = (input: HTMLInputElement, path: string): number => {
      const text = input.value.trim();
      if (text === "") problems.push(`${path}: required`);
      else if (!/^-?\d+(\.\d+)?$/.test(text)) problems.push(`${path}: enter a number`);
      return Number(text);
    };
    const amount = (input: HTMLInputElement, path: string): number => {
      const fen = parseYuan(input.value);
      if (fen === null) problems.push(`${path}: enter an amount in yuan, like 299 or 299.50`);
      return fen ?? Number.NaN;
    };
    const time = (input: HTMLInputElement, path: string): number => {
      const ms = readTime(input);
      if (ms === null) problems.push(`${path}: pick a date and time`);
      return ms ?? Number.NaN;
    };
    const draft: SaleDraftInput = {
      sku: this.input("sku").value.trim(),
      title: this.input("title").value.trim(),
      category: this.input("category").value.trim(),
      description: this.textarea("description").value,
      images: this.textarea("images")
        .value.split("\n")
        .map((line) => line.trim())
        .filter(Boolean),
      listPrice: amount(this.input("listPrice"), "listPrice"),
      stock: number(this.input("stock"), "stock"),
      startsAt: time(this.input("startsAt"), "startsAt"),
      endsAt: time(this.input("endsAt"), "endsAt"),
      perShopperLimit: number(this.input("perShopperLimit"), "perShopperLimit"),
      holdSeconds: number(this.input("holdSeconds"), "holdSeconds"),
      shards: number(this.input("shards"), "shards"),
      paused: this.input("paused").checked,
      memberPrices: this.input("memberPrices").checked,
      waitingRoom: this.input("waitingRoomOn").checked
        ? {
            admitPerSecond: number(this.input("admitPerSecond"), "waitingRoom.admitPerSecond"),
            ticketTtlSeconds: number(this.input("ticketTtlSeconds"), "waitingRoom.ticketTtlSeconds"),
          }
        : null,
      // Presale (issue 19): the API judges the windows against the sale and the deposit against the prices.
      presale: this.input("presaleOn").checked
        ? {
            depositPerUnit: amount(this.input("depositPerUnit"), "presale.depositPerUnit"),
            depositWorthPerUnit: amount(this.input("depositWorthPerUnit"), "presale.depositWorthPerUnit"),
            depositStartsAt: time(this.input("depositStartsAt"), "presale.depositStartsAt"),
            depositEndsAt: time(this.input("depositEndsAt"), "presale.depositEndsAt"),
            balanceStartsAt: time(this.input("balanceStartsAt"), "presale.balanceStartsAt"),
            balanceEndsAt: time(this.input("balanceEndsAt"), "presale.balanceEndsAt"),
            forfeit: this.select("forfeit").value === "refund" ? "refund" : "keep",
          }
        : null,
      tiers: rowsOf(this.tiers).map((cell, i) => {
        const tier: PriceTier = {
          fromRank: number(cell("fromRank"), `tiers.${i}.fromRank`),
          toRank: number(cell("toRank"), `tiers.${i}.toRank`),
          unitPrice: amount(cell("unitPrice"), `tiers.${i}.unitPrice`),
        };
        const label = cell("label").value.trim();
        return label ? { ...tier, label } : tier;
      }),
      gifts: rowsOf(this.gifts).map((cell, i) => ({
        id: cell("id").value.trim(),
        title: cell("title").value.trim(),
        startsAt: time(cell("startsAt"), `gifts.${i}.startsAt`),
        endsAt: time(cell("endsAt"), `gifts.${i}.endsAt`),
        stock: number(cell("stock"), `gifts.${i}.stock`),
      })),
    };
    return { draft, problems };
  }

  addTier(tier?: PriceTier): void {
    this.tiers.append(
      h(
        "tr",
        { "data-row": "tiers" },
        h("td", {}, h("input", { "data-field": "fromRank", inputmode: "numeric", value: tier?.fromRank })),
        h("td", {}, h("input", { "data-field": "toRank", inputmode: "numeric", value: tier?.toRank })),
        h(
          "td",
          {},
          h("input", { "data-field": "unitPrice", "data-money": true, inputmode: "decimal", value: tier && yuanInput(tier.unitPrice) }),
        ),
        h("td", {}, h("input", { "data-field": "label", maxlength: 80, value: tier?.label ?? "" })),
        this.removeButton(),
      ),
    );
    this.numberRows();
  }

  addGift(gift?: Gift): void {
    const from = h("input", { "data-field": "startsAt", "data-time": true, type: "datetime-local" });
    const until = h("input", { "data-field": "endsAt", "data-time": true, type: "datetime-local" });
    setTime(from, gift?.startsAt);
    setTime(until, gift?.endsAt);
    this.gifts.append(
      h(
        "tr",
        { "data-row": "gifts" },
        h("td", {}, h("input", { "data-field": "id", value: gift?.id ?? "", placeholder: "tote-bag" })),
        h("td", {}, h("input", { "data-field": "title", value: gift?.title ?? "", placeholder: "Tote bag 帆布袋" })),
        h("td", {}, from),
        h("td", {}, until),
        h("td", {}, h("input", { "data-field": "stock", inputmode: "numeric", value: gift?.stock })),
        this.removeButton(),
      ),
    );
    this.numberRows();
  }

  /** The waiting room's numbers are asked for only while it is on: off, the sale has none (`null`). */
  private showWaitingRoom(): void {
    const on = this.input("waitingRoomOn").checked;
    this.input("admitPerSecond").disabled = !on;
    this.input("ticketTtlSeconds").disabled = !on;
  }

  /** The presale's terms are asked for only while it is on: off, the sale has none (`null`). */
  private showPresale(): void {
    const on = this.input("presaleOn").checked;
    for (const name of ["depositPerUnit", "depositWorthPerUnit", ...PRESALE_TIMES]) this.input(name).disabled = !on;
    this.select("forfeit").disabled = !on;
  }

  private removeButton(): HTMLTableCellElement {
    const button = h("button", { type: "button", class: "secondary" }, "Remove");
    button.addEventListener("click", () => {
      button.closest("tr")?.remove();
      this.numberRows();
    });
    return h("td", {}, button);
  }

  /** Rows carry the API's paths (tiers.0.fromRank…), renumbered as rows come and go. */
  private numberRows(): void {
    for (const [list, body] of [
      ["tiers", this.tiers],
      ["gifts", this.gifts],
    ] as const) {
      [...body.children].forEach((row, index) => {
        if (!(row instanceof HTMLElement)) return;
        row.dataset.path = `${list}.${index}`;
        for (const input of row.querySelectorAll<HTMLElement>("[data-field]"))
          input.dataset.path = `${list}.${index}.${input.dataset.field}`;
      });
    }
  }

  private input(name: string): HTMLInputElement {
    const el = this.form.elements.namedItem(name);
    if (!(el instanceof HTMLInputElement)) throw new Error(`the sale form has no input "${name}"`);
    return el;
  }

  private select(name: string): HTMLSelectElement {
    const el = this.form.elements.namedItem(name);
    if (!(el instanceof HTMLSelectElement)) throw new Error(`the sale form has no select "${name}"`);
    return el;
  }

  private textarea(name: string): HTMLTextAreaElement {
    const el = this.form.elements.namedItem(name);
    if (!(el instanceof HTMLTextAreaElement)) throw new Error(`the sale form has no textarea "${name}"`);
    return el;
  }
}

const PRESALE_TIMES = ["depositStartsAt", "depositEndsAt", "balanceStartsAt", "balanceEndsAt"] as const;

/** Each row of a tier or gift table, as a lookup of its inputs by field name. */
function rowsOf(body: HTMLElement): Array<(field: string) => HTMLInputElement> {
  return [...body.children].map((row) => (field: string) => {
    const input = row.querySelector(`[data-field="${field}"]`);
    if (!(input instanceof HTMLInputElement)) throw new Error(`a row has no input "${field}"`);
    return input;
  });
}
