import { type BoardWords, boardWords, duration } from "../../../src/advisers/board-words.ts";
import { format, type Lang } from "../../../src/i18n/messages.ts";
import { WEEKDAYS } from "../../../src/stores/weekdays.ts";
import type { AdminApi } from "./admin-api.ts";
import type { AdviserBoard, AdviserBoardSettings } from "./api-types.ts";
import { byId, h } from "./dom.ts";
import { FormProblems } from "./form-problems.ts";
import { when } from "./format.ts";

/**
 * The console's "Response times" view (issue 17): the advisers' response-time board, read
 * again every 5 seconds while it is open and the tab is visible (the board is Postgres'
 * conversations measured at the server's "now", so a shopper's wait grows between reads and
 * a wait that passes the SLA turns red without anyone touching the page). Overall figures,
 * who is waiting now (breaches highlighted, longest first), each adviser, Chatwoot's buckets,
 * and the repeat-purchase rate with and without an adviser conversation; and the form of the
 * business hours and SLA (editAdviserBoard).
 */

const POLL_MS = 5_000;
const BUCKET_NAMES = { "0-1h": "0–1 h", "1-4h": "1–4 h", "4-8h": "4–8 h", "8-24h": "8–24 h", "24h+": "24 h+" } as const;

export class AdviserBoardView {
  private readonly api: AdminApi;
  private readonly lang: Lang = byId("adviser-board").lang === "zh-CN" ? "zh-CN" : "en";
  private readonly w: BoardWords = boardWords(this.lang);
  private readonly form = byId("adviser-board-editor", HTMLFormElement);
  private readonly problems = new FormProblems(this.form, "adviser-board-problems");
  private poll: ReturnType<typeof setInterval> | undefined;
  /** Bumped by every read and by closing: an answer to an older read is dropped. */
  private asked = 0;
  private editing: AdviserBoardSettings | null = null;

  constructor(api: AdminApi) {
    this.api = api;
    byId("show-adviser-board").addEventListener("click", () => this.open());
    byId("close-adviser-board").addEventListener("click", () => this.close());
    byId("adviser-board-period").addEventListener("change", () => void this.refresh());
    byId("edit-adviser-board").addEventListener("click", () => void this.edit());
    byId("close-adviser-board-editor").addEventListener("click", () => this.closeEditor());
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.save();
    });
  }

  open(): void {
    byId("adviser-board").hidden = false;
    byId("adviser-board").scrollIntoView({ behavior: "smooth" });
    void this.refresh();
    clearInterval(this.poll);
    // A hidden tab skips its turn: nobody is looking, and the next visible read catches up.
    this.poll = setInterval(() => document.hidden || void this.refresh(), POLL_MS);
  }

  close(): void {
    clearInterval(this.poll);
    this.poll = undefined;
    this.asked += 1;
    byId("adviser-board").hidden = true;
    byId("adviser-board-report").replaceChildren();
    this.closeEditor();
  }

  async refresh(): Promise<void> {
    const turn = ++this.asked;
    const days = Number(byId("adviser-board-period", HTMLSelectElement).value) || 7;
    const to = Date.now();
    const result = await this.api.adviserBoard(new URLSearchParams({ from: String(to - days * 86_400_000), to: String(to) }).toString());
    if (turn !== this.asked) return;
    const status = byId("adviser-board-status");
    if (!result.ok) {
      status.textContent = format(this.w.couldNotRead, { message: result.error.message });
      return;
    }
    status.textContent = format(this.w.live, { time: new Date().toLocaleTimeString() });
    byId("adviser-board-report").replaceChildren(...this.report(result.data));
  }

  private report(board: AdviserBoard): Node[] {
    const w = this.w;
    const d = (seconds: number | null) => duration(seconds, this.lang);
    const pct = (rate: number | null) => (rate === null ? w.none : `${(rate * 100).toFixed(1)} %`);
    const o = board.overall;
    const tile = (name: string, label: string, value: string, detail: string, alarm = false) =>
      h(
        "div",
        { class: alarm ? "tile breach" : "tile", "data-tile": name },
        h("span", { class: "muted" }, label),
        h("strong", {}, value),
        h("small", {}, detail),
      );
    const table = (view: string, headings: string[], rows: HTMLTableRowElement[]) =>
      h("table", { "data-view": view }, h("thead", {}, h("tr", {}, ...headings.map((t) => h("th", {}, t)))), h("tbody", {}, ...rows));
    const row = (attrs: Record<string, string | boolean>, cells: Array<Node | string | number>) =>
      h("tr", attrs, ...cells.map((c) => h("td", {}, c)));
    const breachedNow = board.waiting.filter((x) => x.breached).length;
    return [
      h("p", { class: "muted" }, format(w.businessNote, { zone: board.settings.timeZone, sla: board.settings.firstResponseSlaMinutes })),
      h(
        "div",
        { class: "tiles" },
        tile("conversations", w.conversations, String(o.conversations), `${w.col_open} ${o.open}`),
        tile(
          "first-response",
          w.firstResponse,
          d(o.firstResponse.p50),
          format(w.percentiles, { p50: d(o.firstResponse.p50), p90: d(o.firstResponse.p90), p95: d(o.firstResponse.p95) }),
        ),
        tile(
          "resolution",
          w.resolution,
          d(o.resolution.p50),
          format(w.percentiles, { p50: d(o.resolution.p50), p90: d(o.resolution.p90), p95: d(o.resolution.p95) }),
        ),
        tile(
          "breaches",
          w.breaches,
          String(o.slaBreaches),
          format(w.breachLine, { count: o.slaBreaches, rate: pct(o.slaBreachRate) }),
          o.slaBreaches > 0,
        ),
        tile("waiting", w.waitingNow, String(board.waiting.length), `${w.breached}: ${breachedNow}`, breachedNow > 0),
      ),
      h("h3", {}, w.waitingNow),
      board.waiting.length === 0
        ? h("p", { class: "muted" }, w.nobodyWaiting)
        : table(
            "adviser-board-waiting",
            [w.col_conversation, w.col_shopper, w.col_adviser, w.col_since, w.col_waited],
            board.waiting.map((x) =>
              row({ class: x.breached ? "breach" : "", "data-conversation": x.conversationId, "data-breached": x.breached }, [
                x.conversationId,
                x.shopperId,
                x.adviserName ?? x.adviserId,
                when(x.firstMessageAt),
                h("span", {}, d(x.waitedSeconds), x.breached ? h("span", { class: "badge" }, ` ${w.breached}`) : ""),
              ]),
            ),
          ),
      h("h3", {}, w.byAdviser),
      table(
        "adviser-board-advisers",
        [w.col_adviser, w.col_shift, w.col_conversations, w.col_open, w.col_first, w.col_resolution, w.col_breaches],
        board.advisers.map((a) =>
          row({ class: a.slaBreaches > 0 ? "breach" : "", "data-adviser": a.adviserId }, [
            `${a.displayName ?? a.adviserId}${a.removed ? ` ${w.removed}` : ""}`,
            a.onShift ? w.yes : w.no,
            a.conversations,
            a.open,
            `${d(a.firstResponse.p50)} / ${d(a.firstResponse.p90)} / ${d(a.firstResponse.p95)}`,
            `${d(a.resolution.p50)} / ${d(a.resolution.p90)}`,
            a.slaBreaches,
          ]),
        ),
      ),
      h("h3", {}, w.buckets),
      table(
        "adviser-board-buckets",
        [w.col_bucket, w.col_firstCount, w.col_resolutionCount],
        (Object.keys(BUCKET_NAMES) as Array<keyof typeof BUCKET_NAMES>).map((b) =>
          row({ "data-bucket": b }, [BUCKET_NAMES[b], o.firstResponse.buckets[b], o.resolution.buckets[b]]),
        ),
      ),
      h("h3", {}, w.repeat),
      table(
        "adviser-board-repeat",
        [w.col_shoppers, w.col_rate],
        [
          row({ "data-repeat": "with" }, [w.repeat_with, this.repeatLine(board.repeatPurchase.withConversation)]),
          row({ "data-repeat": "without" }, [w.repeat_without, this.repeatLine(board.repeatPurchase.withoutConversation)]),
        ],
      ),
    ];
  }

  private repeatLine(figures: AdviserBoard["repeatPurchase"]["withConversation"]): string {
    const rate = figures.rate === null ? this.w.none : `${(figures.rate * 100).toFixed(1)} %`;
    return format(this.w.repeatLine, { rate, repeat: figures.repeatBuyers, buyers: figures.buyers });
  }

  /** Opens the form on the settings in force. */
  private async edit(): Promise<void> {
    const result = await this.api.adviserBoardSettings();
    if (!result.ok) {
      byId("adviser-board-status").textContent = format(this.w.couldNotRead, { message: result.error.message });
      return;
    }
    const settings = result.data.settings;
    this.editing = settings;
    this.problems.clear();
    byId("adviser-board-editor-title").textContent = format(this.w.settingsTitle, { version: settings.version });
    this.input("timeZone").value = settings.timeZone;
    this.input("firstResponseSlaMinutes").value = String(settings.firstResponseSlaMinutes);
    for (const day of WEEKDAYS) this.input(`hours.${day}`).value = settings.hours[day].join(", ");
    this.form.hidden = false;
    this.form.scrollIntoView({ behavior: "smooth" });
  }

  private closeEditor(): void {
    this.form.hidden = true;
    this.editing = null;
    this.problems.clear();
  }

  private input(name: string): HTMLInputElement {
    const el = this.form.elements.namedItem(name);
    if (!(el instanceof HTMLInputElement)) throw new Error(`the board form has no input ${name}`);
    return el;
  }

  /** Sends the form as it reads; the API lists every problem, each shown at its field. */
  private async save(): Promise<void> {
    const editing = this.editing;
    if (!editing) return;
    const sla = this.input("firstResponseSlaMinutes").value.trim();
    if (!/^\d{1,6}$/.test(sla)) return this.problems.show([`firstResponseSlaMinutes: ${this.w.needMinutes}`]);
    const hours = Object.fromEntries(
      WEEKDAYS.map((day) => [
        day,
        this.input(`hours.${day}`)
          .value.split(/[,\s]+/)
          .filter((text) => text !== ""),
      ]),
    );
    const draft = {
      id: "settings" as const,
      timeZone: this.input("timeZone").value.trim(),
      firstResponseSlaMinutes: Number(sla),
      hours,
    };
    const result = await this.api.saveAdviserBoardSettings(draft, editing.version);
    if (result.ok) {
      byId("adviser-board-status").textContent = format(this.w.saved, { version: result.data.settings.version });
      this.closeEditor();
      return void this.refresh();
    }
    if (result.error.code === "conflict") return this.problems.show([], format(this.w.stale, { version: result.error.version ?? "" }));
    this.problems.show(result.error.problems ?? [], format(this.w.notSaved, { message: result.error.message }));
  }
}
