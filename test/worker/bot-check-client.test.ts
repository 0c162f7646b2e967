import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

/**
 * The sale page's bot check (web/client/shared/bot-check.ts, issue 12), run against a stand-in
 * page and a stand-in Turnstile: the real one needs the network, which tests do not have. It
 * checks what the page's script relies on: the widget rendered explicitly with the server's
 * site key, action and language once Turnstile's script has loaded; a token taken once per
 * attempt, the widget reset as it is taken; an attempt without a token waiting for the next.
 * Imported by a computed path so the Worker's typecheck does not take in the browser program.
 */

interface Options {
  sitekey: string;
  action?: string;
  language?: string;
  "response-field"?: boolean;
  callback: (token: string) => void;
  "error-callback": (code: string) => boolean;
  "expired-callback": () => void;
}

interface BotCheckLike {
  state: "pending" | "ready" | "failed";
  readonly ready: boolean;
  take(): Promise<string>;
}
type BotCheckClass = { fromPage(onChange: () => void): BotCheckLike | null };

/** The stand-in page and Turnstile of one test. */
let page: {
  container: { dataset: Record<string, string> } | null;
  scripts: Array<{ src: string; async: boolean; listeners: Record<string, () => void> }>;
  rendered: Options[];
  resets: number;
};
let changes = 0;

async function load(): Promise<BotCheckClass> {
  const path = "../../web/client/shared/bot-check.ts";
  return ((await import(/* @vite-ignore */ path)) as { BotCheck: BotCheckClass }).BotCheck;
}

beforeEach(() => {
  changes = 0;
  page = {
    container: { dataset: { sitekey: "1x00000000000000000000AA", action: "checkout", language: "zh-cn" } },
    scripts: [],
    rendered: [],
    resets: 0,
  };
  vi.stubGlobal("document", {
    getElementById: (id: string) => (id === "bot-check" ? page.container : null),
    createElement: () => {
      const script = { src: "", async: false, listeners: {} as Record<string, () => void> };
      return Object.assign(script, {
        addEventListener: (type: string, listener: () => void) => {
          script.listeners[type] = listener;
        },
      });
    },
    head: { append: (script: (typeof page.scripts)[number]) => page.scripts.push(script) },
  });
  vi.stubGlobal("window", {});
});

afterEach(() => vi.unstubAllGlobals());

/** Turnstile's script arrives: `window.turnstile` is there and the script's `load` fires. */
function turnstileLoads(): void {
  (globalThis as unknown as { window: Record<string, unknown> }).window.turnstile = {
    render: (_container: unknown, options: Options) => {
      page.rendered.push(options);
      return "widget-1";
    },
    reset: (widgetId: string) => {
      expect(widgetId).toBe("widget-1");
      page.resets += 1;
    },
  };
  page.scripts[0]!.listeners.load!();
}

const widget = () => page.rendered[0]!;

describe("the sale page's bot check", () => {
  it("is nothing without a site key: no script loaded, the page as it was", async () => {
    const BotCheck = await load();
    page.container = null;
    expect(BotCheck.fromPage(() => changes++)).toBeNull();
    page.container = { dataset: {} };
    expect(BotCheck.fromPage(() => changes++)).toBeNull();
    expect(page.scripts).toEqual([]);
  });

  it("loads Turnstile's script for explicit rendering and renders the widget with the page's site key, action and language", async () => {
    const check = (await load()).fromPage(() => changes++)!;
    expect(page.scripts).toHaveLength(1);
    expect(page.scripts[0]).toMatchObject({ src: "https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit", async: true });
    expect(check.state).toBe("pending");
    expect(page.rendered).toEqual([]); // not before Turnstile is there
    turnstileLoads();
    expect(widget()).toMatchObject({ sitekey: "1x00000000000000000000AA", action: "checkout", language: "zh-cn", "response-field": false });
    expect(check.ready).toBe(false);
    widget().callback("token-1");
    expect(check.ready).toBe(true);
    expect(check.state).toBe("ready");
    expect(changes).toBeGreaterThan(0);
  });

  it("gives each attempt its own token: taking one resets the widget, and the next attempt waits for the next token", async () => {
    const check = (await load()).fromPage(() => changes++)!;
    turnstileLoads();
    widget().callback("token-1");
    expect(await check.take()).toBe("token-1");
    expect(page.resets).toBe(1);
    expect(check.ready).toBe(false);

    // The retry of the same checkout (a network error): no token until the widget has a new one.
    let second: string | null = null;
    const retry = check.take().then((token) => {
      second = token;
    });
    await Promise.resolve();
    expect(second).toBeNull();
    widget().callback("token-2");
    await retry;
    expect(second).toBe("token-2");
    expect(page.resets).toBe(2);
    expect(check.ready).toBe(false);
  });

  it("tells the page when Turnstile fails, and recovers when it solves after all; an expired token is no token", async () => {
    const check = (await load()).fromPage(() => changes++)!;
    turnstileLoads();
    expect(widget()["error-callback"]("300010")).toBe(true); // handled: Turnstile retries by itself
    expect(check.state).toBe("failed");
    expect(check.ready).toBe(false);
    widget().callback("token-after-retry");
    expect(check.state).toBe("ready");
    widget()["expired-callback"]();
    expect(check.state).toBe("pending");
    expect(check.ready).toBe(false);
  });

  it("fails when Turnstile's script cannot be loaded", async () => {
    const check = (await load()).fromPage(() => changes++)!;
    page.scripts[0]!.listeners.error!();
    expect(check.state).toBe("failed");
    expect(changes).toBe(1);
  });
});
