import { z } from "zod";
import { withTimeout } from "../timeout.ts";

/**
 * Cloudflare Turnstile's server side (issue 12): a token from the widget is worth nothing until
 * Siteverify has said so, once (developers.cloudflare.com/turnstile/get-started/server-side-validation/).
 * Pure but for the fetch, which is injected: no secret or token is logged or returned.
 */

/** Where Siteverify answers: form or JSON `secret`, `response`, `remoteip`, `idempotency_key`. */
export const SITEVERIFY_URL = "https://challenges.cloudflare.com/turnstile/v0/siteverify";
/** A token has at most 2048 characters (Cloudflare's docs); a longer one is refused without asking. */
export const MAX_TOKEN_LENGTH = 2048;
/** Per attempt. A flash sale's checkout cannot wait long on a third party; two attempts at most. */
export const SITEVERIFY_TIMEOUT_MS = 2_500;
export const SITEVERIFY_ATTEMPTS = 2;

/**
 * Cloudflare's published test secrets (always passes, always fails, always "already spent"):
 * they answer for a dummy token with a fixed hostname and action (`example.com`/`localhost`,
 * `test`), so the hostname and action are not held against them.
 */
const TEST_SECRET = /^[123]x0{31}AA$/;

/** Whether `secret` is one of Cloudflare's test secrets (see TEST_SECRET). */
export function isTestSecret(secret: string): boolean {
  return TEST_SECRET.test(secret);
}

/** What Siteverify answers (always JSON, also on failure). Other fields (metadata) are ignored. */
const siteverifyAnswer = z.object({
  success: z.boolean(),
  "error-codes": z.array(z.string()).default([]),
  challenge_ts: z.string().optional(),
  hostname: z.string().optional(),
  action: z.string().optional(),
  cdata: z.string().optional(),
});
export type SiteverifyAnswer = z.infer<typeof siteverifyAnswer>;

/**
 * Siteverify's error codes that are about us, not the token: our secret is missing or wrong, our
 * request malformed, or Cloudflare failed inside. The shopper can do nothing about them, so they
 * are "unavailable" (503), not a refusal of the token (403). `internal-error` may be retried.
 */
const OUR_SIDE = new Set(["missing-input-secret", "invalid-input-secret", "bad-request", "internal-error"]);
const RETRYABLE = new Set(["internal-error"]);

/** The outcome of a verification. */
export type TurnstileVerdict =
  /** Siteverify accepted the token (and it is now spent). */
  | { ok: true; answer: SiteverifyAnswer }
  /**
   * The token is refused: none, too long, or Siteverify's `error-codes` (invalid, expired or
   * already spent: `timeout-or-duplicate`), or ours for a token solved elsewhere
   * (`hostname-mismatch`, `action-mismatch`). A fresh token may pass.
   */
  | { ok: false; refused: true; reasons: string[] }
  /** Siteverify could not say: unreachable, too slow, not JSON, an error status, or a fault on our side. */
  | { ok: false; refused: false; problem: string };

export interface TurnstileCheck {
  secret: string;
  /** The widget's token, as the client sent it. */
  token: string | null | undefined;
  /** The client's address (`CF-Connecting-IP`), passed on as `remoteip`. */
  remoteIp?: string | null | undefined;
  /**
   * What the answer must say, when given: the hostname the challenge was solved on (this shop's)
   * and the widget's action. Cloudflare recommends checking both: a token farmed on another page
   * that carries our site key (a hostname the widget also allows, such as localhost) is refused.
   */
  expect?: { hostname?: string; action?: string };
}

export interface SiteverifyOptions {
  fetch?: typeof fetch;
  timeoutMs?: number;
  attempts?: number;
  /** Sent as `idempotency_key`, the same on every attempt, so a retry is not refused as a duplicate. */
  idempotencyKey?: string;
}

/**
 * Asks Siteverify about a token. A missing or over-long token is refused without asking. A
 * failed attempt (no answer within `timeoutMs`, a network error, a non-2xx status, an answer
 * that is not Siteverify's JSON, `internal-error`) is tried once more with the same
 * idempotency key; then the verdict is "unavailable", which the caller must treat as a refusal
 * (fail closed). Never throws.
 */
export async function verifyTurnstile(check: TurnstileCheck, options: SiteverifyOptions = {}): Promise<TurnstileVerdict> {
  const token = check.token?.trim() ?? "";
  if (token === "") return { ok: false, refused: true, reasons: ["missing-input-response"] };
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, refused: true, reasons: ["invalid-input-response"] };
  const form = new URLSearchParams({ secret: check.secret, response: token });
  if (check.remoteIp) form.set("remoteip", check.remoteIp);
  form.set("idempotency_key", options.idempotencyKey ?? crypto.randomUUID());
  const attempts = Math.max(1, options.attempts ?? SITEVERIFY_ATTEMPTS);
  let problem = "";
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const outcome = await askOnce(form, options);
    if ("answer" in outcome) return judge(outcome.answer, check.expect);
    problem = outcome.problem;
    if (!outcome.retryable) break;
  }
  return { ok: false, refused: false, problem };
}

type Attempt = { answer: SiteverifyAnswer } | { problem: string; retryable: boolean };

async function askOnce(form: URLSearchParams, options: SiteverifyOptions): Promise<Attempt> {
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? SITEVERIFY_TIMEOUT_MS;
  const abort = new AbortController();
  try {
    // The body is read inside the deadline too: a server that sends headers and then stalls is no answer.
    const { status, text } = await withTimeout(
      (async () => {
        const response = await doFetch(SITEVERIFY_URL, { method: "POST", body: form, signal: abort.signal });
        return { status: response.status, text: await response.text() };
      })(),
      timeoutMs,
    );
    if (status < 200 || status > 299) return { problem: `Siteverify answered HTTP ${status}`, retryable: true };
    const parsed = siteverifyAnswer.safeParse(parseJson(text));
    if (!parsed.success) return { problem: "Siteverify's answer was not its JSON", retryable: true };
    const ours = parsed.data["error-codes"].filter((code) => OUR_SIDE.has(code));
    if (!parsed.data.success && ours.length > 0) {
      return { problem: `Siteverify: ${ours.join(", ")}`, retryable: ours.every((code) => RETRYABLE.has(code)) };
    }
    return { answer: parsed.data };
  } catch (error) {
    abort.abort();
    return { problem: `Siteverify unreachable: ${error instanceof Error ? error.message : String(error)}`, retryable: true };
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Siteverify's answer, held against what the caller expects. */
function judge(answer: SiteverifyAnswer, expected: TurnstileCheck["expect"] = {}): TurnstileVerdict {
  if (!answer.success) {
    const reasons = answer["error-codes"];
    return { ok: false, refused: true, reasons: reasons.length > 0 ? reasons : ["invalid-input-response"] };
  }
  const reasons: string[] = [];
  if (expected.hostname !== undefined && answer.hostname?.toLowerCase() !== expected.hostname.toLowerCase()) {
    reasons.push("hostname-mismatch");
  }
  if (expected.action !== undefined && answer.action !== expected.action) reasons.push("action-mismatch");
  return reasons.length > 0 ? { ok: false, refused: true, reasons } : { ok: true, answer };
}
