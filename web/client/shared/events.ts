import type { BrowserEvent, Utm } from "../../../src/events/event.ts";
import { MAX_EVENTS_PER_BEACON } from "../../../src/events/limits.ts";
import { lang } from "./i18n.ts";

/** Without an earlier reason (a full batch, the page hidden), the page sends what it recorded this often. */
const FLUSH_MS = 10_000;
const ENDPOINT = "/api/events";
const UTM_KEY = "fs_utm";
const UTM_FIELDS = ["source", "medium", "campaign", "term", "content"] as const;

type Fields<T> = T extends { type: infer K }
  ? { type: K } & Omit<T, "id" | "at" | "page" | "referrer" | "utm" | "locale" | "experiments" | "type">
  : never;
/** What a page records: the type and its own fields; the recorder adds the id, time and context. */
export type Recorded = Fields<BrowserEvent>;

/**
 * The page's events (issue 13): recorded in memory, sent in batches with `navigator.sendBeacon`
 * (the browser delivers it even as the page unloads, and no answer is awaited) every 10 s, when
 * a batch is full, and when the page is hidden or left. Each event carries an id (so a batch
 * sent twice is stored once), its time on this page's clock with the batch's `sentAt` (the
 * server moves both to its own clock), and the context: page, referrer, the first UTM
 * parameters of this visit, the page's language and the experiment variants shown.
 */
export class EventRecorder {
  private pending: BrowserEvent[] = [];
  private readonly assignments: Record<string, string> = {};
  private readonly utm = visitUtm();

  constructor() {
    setInterval(() => this.flush(), FLUSH_MS);
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") this.flush();
    });
    addEventListener("pagehide", () => this.flush());
  }

  /** From now on every event says the shopper sees this variant of this experiment. */
  assign(experiment: string, variant: string): void {
    this.assignments[experiment] = variant;
  }

  record(event: Recorded): void {
    this.pending.push({
      ...event,
      id: crypto.randomUUID(),
      at: Date.now(),
      page: (location.pathname + location.search).slice(0, 512),
      ...(document.referrer ? { referrer: document.referrer.slice(0, 512) } : {}),
      ...(this.utm ? { utm: this.utm } : {}),
      locale: lang === "zh-CN" ? "zh-CN" : "en",
      ...(Object.keys(this.assignments).length ? { experiments: { ...this.assignments } } : {}),
    } as BrowserEvent);
    if (this.pending.length >= MAX_EVENTS_PER_BEACON) this.flush();
  }

  /** Sends what is pending now (also the way tests need not wait 10 s). */
  flush(): void {
    if (this.pending.length === 0) return;
    const body = JSON.stringify({ sentAt: Date.now(), events: this.pending.splice(0, MAX_EVENTS_PER_BEACON) });
    const sent = navigator.sendBeacon?.(ENDPOINT, new Blob([body], { type: "application/json" }));
    if (!sent) {
      // The beacon queue is full (or there is none): a keepalive fetch outlives the page too.
      void fetch(ENDPOINT, { method: "POST", body, keepalive: true, headers: { "Content-Type": "application/json" } }).catch(() => {});
    }
    if (this.pending.length) this.flush();
  }
}

/**
 * The visit's UTM parameters: those of the address it landed on, kept for the tab's later pages
 * (sessionStorage), so an order three pages on is still credited to the campaign that brought it.
 */
function visitUtm(): Utm | undefined {
  const query = new URLSearchParams(location.search);
  const landed: Utm = {};
  for (const field of UTM_FIELDS) {
    const value = query.get(`utm_${field}`)?.trim().slice(0, 128);
    if (value) landed[field] = value;
  }
  try {
    if (Object.keys(landed).length) sessionStorage.setItem(UTM_KEY, JSON.stringify(landed));
    else return JSON.parse(sessionStorage.getItem(UTM_KEY) ?? "null") ?? undefined;
  } catch {
    // storage refused (private mode): the landing page's own parameters still go
  }
  return Object.keys(landed).length ? landed : undefined;
}

/** The page's one recorder. */
export const pageEvents = new EventRecorder();
