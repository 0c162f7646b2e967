import { api, ApiError } from "./api.ts";
import type { ServerClock } from "./clock.ts";

/** What `POST /api/skus/{sku}/queue` answers. */
export interface QueueTicketAnswer {
  ticket: string;
  /** 1-based, in order of arrival; null when the server let the shopper through without a queue. */
  place: number | null;
  admitAt: number;
  expiresAt: number;
  estimateSeconds: number;
  serverTime: number;
}

/**
 * `none`: not joined; `joining`: asking; `retrying`: the queue did not answer, asking again;
 * `held`: a ticket is held; `off`: the server says the sale has no waiting room (or no more
 * sale), so Buy needs no ticket.
 */
export type QueueState = "none" | "joining" | "retrying" | "held" | "off";

const JOIN_RETRY_MS = [250, 500, 1_000, 2_000, 5_000];

/**
 * The sale page's place in the sale's waiting room (issue 12): joins the queue once the shopper
 * has a session (the ticket is bound to it), keeps the ticket, and says when it admits on the
 * server's clock. A join that fails is retried with backoff, like the session; a ticket the
 * server refuses or one that has expired is dropped, and the page joins again (at the back:
 * that is what expiry means).
 */
export class QueuePlace {
  state: QueueState = "none";
  held: QueueTicketAnswer | null = null;
  readonly #sku: string;
  readonly #clock: ServerClock;
  readonly #onChange: () => void;

  constructor(sku: string, clock: ServerClock, onChange: () => void) {
    this.#sku = sku;
    this.#clock = clock;
    this.#onChange = onChange;
  }

  /** Joins unless a join is under way or a ticket is held that has not expired. */
  join(): void {
    if (this.state === "joining" || this.state === "retrying" || this.state === "off") return;
    if (this.held && this.#clock.now() < this.held.expiresAt) return;
    this.held = null;
    void this.#join();
  }

  /** Whether the ticket admits now: its turn has come and it has not expired. */
  admitted(now: number): boolean {
    return this.held !== null && now >= this.held.admitAt && now < this.held.expiresAt;
  }

  /** The server refused the ticket (expired, or the sale moved): forget it; the next `join` gets another. */
  drop(): void {
    this.held = null;
    if (this.state === "held") this.state = "none";
  }

  async #join(): Promise<void> {
    this.state = "joining";
    this.#onChange();
    for (let failures = 0; ; failures++) {
      try {
        const answer = await api<QueueTicketAnswer>(`/api/skus/${encodeURIComponent(this.#sku)}/queue`, { method: "POST" });
        this.#clock.seed(answer.serverTime);
        this.held = answer;
        this.state = "held";
        this.#onChange();
        return;
      } catch (error) {
        if (error instanceof ApiError && ["no_waiting_room", "not_found", "ended"].includes(error.code)) {
          this.state = "off";
          this.#onChange();
          return;
        }
        this.state = "retrying";
        this.#onChange();
        const retryAfter = error instanceof ApiError ? Number(error.details.retryAfter) * 1000 || 0 : 0;
        const backoff = JOIN_RETRY_MS[Math.min(failures, JOIN_RETRY_MS.length - 1)]!;
        await new Promise((resolve) => setTimeout(resolve, Math.max(retryAfter, backoff)));
      }
    }
  }
}
