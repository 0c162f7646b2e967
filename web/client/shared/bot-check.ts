import { TURNSTILE_SCRIPT_URL } from "../../../src/bot-check/widget.ts";

/** The part of Turnstile's browser API the page uses (explicit rendering). */
interface TurnstileApi {
  render(container: HTMLElement, options: TurnstileOptions): string | null | undefined;
  reset(widgetId?: string): void;
}

interface TurnstileOptions {
  sitekey: string;
  action?: string;
  language?: string;
  /** No hidden input: the token goes in a header, not a form. */
  "response-field"?: boolean;
  callback?: (token: string) => void;
  /** Returning true tells Turnstile the error is handled (else it throws); it retries by itself. */
  "error-callback"?: (code: string) => boolean;
  "expired-callback"?: () => void;
  "timeout-callback"?: () => void;
}

declare global {
  interface Window {
    turnstile?: TurnstileApi;
  }
}

/** `pending`: no token yet (the challenge runs); `ready`: one is there; `failed`: Turnstile could not run. */
export type BotCheckState = "pending" | "ready" | "failed";

/**
 * The sale page's bot check (issue 12): Cloudflare's Turnstile widget, rendered explicitly into
 * the server's `#bot-check` when the shop has a site key. It solves its challenge as the page
 * loads, so a token is ready when the sale opens; each attempt takes the token and resets the
 * widget at once, since Siteverify accepts a token only once (a retry of the same checkout
 * gets the next one). Expired tokens are refreshed by Turnstile itself.
 */
export class BotCheck {
  state: BotCheckState = "pending";
  #token: string | null = null;
  #widgetId: string | undefined;
  #waiting: Array<(token: string) => void> = [];
  readonly #container: HTMLElement;
  readonly #onChange: () => void;

  /** The page's bot check, or null when the shop has none (no site key: the page is as it always was). */
  static fromPage(onChange: () => void): BotCheck | null {
    const container = document.getElementById("bot-check");
    return container?.dataset.sitekey ? new BotCheck(container, onChange) : null;
  }

  private constructor(container: HTMLElement, onChange: () => void) {
    this.#container = container;
    this.#onChange = onChange;
    // Loaded here rather than by a tag in the page: its `load` and `error` are then certain to be seen.
    const script = document.createElement("script");
    script.src = TURNSTILE_SCRIPT_URL;
    script.async = true;
    script.addEventListener("load", () => this.#render(), { once: true });
    script.addEventListener("error", () => this.#set("failed", null), { once: true });
    document.head.append(script);
  }

  /** Whether a token is there for the next attempt. */
  get ready(): boolean {
    return this.#token !== null;
  }

  /**
   * The token for one attempt: the one there, or the next the widget gets. Taking it resets the
   * widget, which starts on the token for the attempt after.
   */
  async take(): Promise<string> {
    const token = this.#token ?? (await new Promise<string>((resolve) => this.#waiting.push(resolve)));
    this.#token = null;
    this.state = "pending";
    window.turnstile?.reset(this.#widgetId);
    this.#onChange();
    return token;
  }

  #render(): void {
    const turnstile = window.turnstile;
    if (!turnstile) {
      this.#set("failed", null);
      return;
    }
    const { sitekey = "", action, language } = this.#container.dataset;
    this.#widgetId =
      turnstile.render(this.#container, {
        sitekey,
        action,
        language,
        "response-field": false,
        callback: (token) => this.#set("ready", token),
        "error-callback": () => {
          this.#set("failed", null);
          return true;
        },
        "expired-callback": () => this.#set("pending", null),
        "timeout-callback": () => this.#set("pending", null),
      }) ?? undefined;
  }

  #set(state: BotCheckState, token: string | null): void {
    this.state = state;
    this.#token = token;
    const waiter = token === null ? undefined : this.#waiting.shift();
    waiter?.(token!);
    this.#onChange();
  }
}
