import { afterEach, describe, expect, it, vi } from "vitest";
import { isTestSecret, MAX_TOKEN_LENGTH, SITEVERIFY_URL, verifyTurnstile } from "../../src/bot-check/turnstile.ts";

/**
 * The Turnstile verifier (issue 12) against a stubbed Siteverify: the network is not reachable
 * here, and Cloudflare's test secrets need it. Each stub records what it was sent.
 */

const SECRET = "0x4AAAAAAAtest-secret-for-the-unit-tests";
const TOKEN = "XXXX.DUMMY.TOKEN.XXXX";

interface Sent {
  url: string;
  method: string | undefined;
  form: Record<string, string>;
}

/** A Siteverify that answers each call with the next of `answers` (a Response, or an error to throw). */
function siteverify(...answers: Array<Response | Error | (() => Promise<Response>)>) {
  const sent: Sent[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    sent.push({
      url: String(input),
      method: init?.method,
      form: Object.fromEntries(new URLSearchParams(init?.body as URLSearchParams)),
    });
    const answer = answers[Math.min(sent.length - 1, answers.length - 1)]!;
    if (answer instanceof Error) throw answer;
    return typeof answer === "function" ? answer() : answer;
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, sent };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const PASSED = { success: true, "error-codes": [], challenge_ts: "2026-11-11T00:00:00.000Z", hostname: "shop.test", action: "checkout" };

afterEach(() => {
  vi.useRealTimers();
});

describe("verifyTurnstile", () => {
  it("passes a token Siteverify accepts, sending the secret, the token, the client's address and an idempotency key as a form", async () => {
    const { fetch, sent } = siteverify(json(PASSED));
    const verdict = await verifyTurnstile(
      { secret: SECRET, token: TOKEN, remoteIp: "203.0.113.7", expect: { hostname: "shop.test", action: "checkout" } },
      { fetch, idempotencyKey: "0b6e3c1e-0000-4000-8000-000000000001" },
    );
    expect(verdict).toEqual({ ok: true, answer: PASSED });
    expect(sent).toEqual([
      {
        url: SITEVERIFY_URL,
        method: "POST",
        form: { secret: SECRET, response: TOKEN, remoteip: "203.0.113.7", idempotency_key: "0b6e3c1e-0000-4000-8000-000000000001" },
      },
    ]);
  });

  it("refuses a token Siteverify refuses, with its error codes, and does not ask again", async () => {
    for (const codes of [["invalid-input-response"], ["timeout-or-duplicate"]]) {
      const { fetch, sent } = siteverify(json({ success: false, "error-codes": codes }));
      expect(await verifyTurnstile({ secret: SECRET, token: TOKEN }, { fetch })).toEqual({ ok: false, refused: true, reasons: codes });
      expect(sent).toHaveLength(1);
    }
  });

  it("refuses a failure without error codes as an invalid token", async () => {
    const { fetch } = siteverify(json({ success: false }));
    expect(await verifyTurnstile({ secret: SECRET, token: TOKEN }, { fetch })).toEqual({
      ok: false,
      refused: true,
      reasons: ["invalid-input-response"],
    });
  });

  it("refuses no token, a blank one and one over 2048 characters without asking Siteverify", async () => {
    const { fetch, sent } = siteverify(json(PASSED));
    for (const token of [undefined, null, "", "   "]) {
      expect(await verifyTurnstile({ secret: SECRET, token }, { fetch })).toEqual({
        ok: false,
        refused: true,
        reasons: ["missing-input-response"],
      });
    }
    expect(await verifyTurnstile({ secret: SECRET, token: "x".repeat(MAX_TOKEN_LENGTH + 1) }, { fetch })).toEqual({
      ok: false,
      refused: true,
      reasons: ["invalid-input-response"],
    });
    expect(sent).toEqual([]);
    // Exactly 2048 is a token to ask about.
    expect((await verifyTurnstile({ secret: SECRET, token: "x".repeat(MAX_TOKEN_LENGTH) }, { fetch })).ok).toBe(true);
  });

  it("refuses a token solved on another hostname or for another action, when it is told what to expect", async () => {
    const elsewhere = { ...PASSED, hostname: "localhost", action: "login" };
    const expectations = { hostname: "shop.test", action: "checkout" };
    expect(
      await verifyTurnstile({ secret: SECRET, token: TOKEN, expect: expectations }, { fetch: siteverify(json(elsewhere)).fetch }),
    ).toEqual({
      ok: false,
      refused: true,
      reasons: ["hostname-mismatch", "action-mismatch"],
    });
    const noHostname = { success: true, "error-codes": [] };
    expect(
      await verifyTurnstile(
        { secret: SECRET, token: TOKEN, expect: { hostname: "shop.test" } },
        { fetch: siteverify(json(noHostname)).fetch },
      ),
    ).toMatchObject({ ok: false, reasons: ["hostname-mismatch"] });
    // The hostname is compared without regard to case; nothing expected, nothing checked.
    const upper = { ...PASSED, hostname: "SHOP.test" };
    expect(
      (await verifyTurnstile({ secret: SECRET, token: TOKEN, expect: expectations }, { fetch: siteverify(json(upper)).fetch })).ok,
    ).toBe(true);
    expect((await verifyTurnstile({ secret: SECRET, token: TOKEN }, { fetch: siteverify(json(elsewhere)).fetch })).ok).toBe(true);
  });

  it("is unavailable when Siteverify's answer is not its JSON (an HTML error page, a wrong shape), after one retry", async () => {
    const html = new Response("<html>502 Bad Gateway</html>", { status: 200, headers: { "Content-Type": "text/html" } });
    const { fetch, sent } = siteverify(html, new Response("not json either"));
    expect(await verifyTurnstile({ secret: SECRET, token: TOKEN }, { fetch })).toEqual({
      ok: false,
      refused: false,
      problem: "Siteverify's answer was not its JSON",
    });
    expect(sent).toHaveLength(2);
    const wrongShape = await verifyTurnstile({ secret: SECRET, token: TOKEN }, { fetch: siteverify(json({ ok: "yes" })).fetch });
    expect(wrongShape).toMatchObject({ ok: false, refused: false });
  });

  it("retries once after an error status or a network failure, with the same idempotency key, and passes if the retry does", async () => {
    const { fetch, sent } = siteverify(json({ error: "busy" }, 503), json(PASSED));
    expect((await verifyTurnstile({ secret: SECRET, token: TOKEN }, { fetch })).ok).toBe(true);
    expect(sent).toHaveLength(2);
    expect(sent[0]!.form.idempotency_key).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent[1]!.form).toEqual(sent[0]!.form);

    const down = siteverify(new TypeError("Network connection lost"));
    expect(await verifyTurnstile({ secret: SECRET, token: TOKEN }, { fetch: down.fetch })).toEqual({
      ok: false,
      refused: false,
      problem: "Siteverify unreachable: Network connection lost",
    });
    expect(down.sent).toHaveLength(2);
  });

  it("is unavailable when Siteverify does not answer in time, aborting the hung request", async () => {
    vi.useFakeTimers();
    const signals: AbortSignal[] = [];
    const hung = vi.fn((_: RequestInfo | URL, init?: RequestInit) => {
      signals.push(init!.signal!);
      return new Promise<Response>(() => {});
    });
    const verdict = verifyTurnstile({ secret: SECRET, token: TOKEN }, { fetch: hung as unknown as typeof fetch, timeoutMs: 1_000 });
    await vi.advanceTimersByTimeAsync(999);
    expect(hung).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(hung).toHaveBeenCalledTimes(2); // the retry
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await verdict).toEqual({ ok: false, refused: false, problem: "Siteverify unreachable: no answer within 1000 ms" });
    expect(signals.map((signal) => signal.aborted)).toEqual([true, true]);
  });

  it("counts a body that stalls after the headers as no answer", async () => {
    vi.useFakeTimers();
    const stalled = () => Promise.resolve(new Response(new ReadableStream({ start() {} }), { status: 200 }));
    const { fetch } = siteverify(stalled);
    const verdict = verifyTurnstile({ secret: SECRET, token: TOKEN }, { fetch, timeoutMs: 500, attempts: 1 });
    await vi.advanceTimersByTimeAsync(500);
    expect(await verdict).toMatchObject({ ok: false, refused: false });
  });

  it("is unavailable, not a refusal of the token, when Siteverify faults our secret or itself; retries only its internal error", async () => {
    const badSecret = siteverify(json({ success: false, "error-codes": ["invalid-input-secret"] }));
    expect(await verifyTurnstile({ secret: "wrong", token: TOKEN }, { fetch: badSecret.fetch })).toEqual({
      ok: false,
      refused: false,
      problem: "Siteverify: invalid-input-secret",
    });
    expect(badSecret.sent).toHaveLength(1);

    const internal = siteverify(json({ success: false, "error-codes": ["internal-error"] }), json(PASSED));
    expect((await verifyTurnstile({ secret: SECRET, token: TOKEN }, { fetch: internal.fetch })).ok).toBe(true);
    expect(internal.sent).toHaveLength(2);
  });

  it("never puts the secret or the token in what it reports", async () => {
    const verdicts = [
      await verifyTurnstile(
        { secret: SECRET, token: TOKEN },
        { fetch: siteverify(json({ success: false, "error-codes": ["bad-request"] })).fetch },
      ),
      await verifyTurnstile({ secret: SECRET, token: TOKEN }, { fetch: siteverify(json({ error: "no" }, 500)).fetch }),
      await verifyTurnstile(
        { secret: SECRET, token: TOKEN },
        { fetch: siteverify(json({ success: false, "error-codes": ["invalid-input-response"] })).fetch },
      ),
    ];
    for (const verdict of verdicts) {
      expect(JSON.stringify(verdict)).not.toContain(SECRET);
      expect(JSON.stringify(verdict)).not.toContain(TOKEN);
    }
  });
});

describe("isTestSecret", () => {
  it("knows Cloudflare's published test secrets and nothing else", () => {
    for (const secret of [
      "1x0000000000000000000000000000000AA",
      "2x0000000000000000000000000000000AA",
      "3x0000000000000000000000000000000AA",
    ]) {
      expect(isTestSecret(secret)).toBe(true);
    }
    for (const secret of ["4x0000000000000000000000000000000AA", "1x000000000000000000000000000000AA", SECRET, ""]) {
      expect(isTestSecret(secret)).toBe(false);
    }
  });
});
