import type { ApiProblem } from "./api-types.ts";

/**
 * Why an email-and-password sign-in was refused, as the form says it. The API's messages are
 * written for developers reading a response; the form speaks to the person at it, and says
 * what to do next.
 */
export function passwordRefusal(problem: ApiProblem, now = Date.now()): string {
  switch (problem.code) {
    case "unauthorized":
      return "Wrong email or password.";
    case "rate_limited":
      return problem.retryAfter === undefined
        ? "Too many failed sign-ins. Try again later."
        : `Too many failed sign-ins. Try again in ${wait(problem.retryAfter)} (at ${clock(now + problem.retryAfter * 1000)}).`;
    case "admin_closed":
      return "Signing in with an email and password is not enabled on this shop (no STAFF_SESSION_SECRET). Sign in with a token instead.";
    default:
      return `Could not sign in: ${problem.message}`;
  }
}

/** A wait in seconds, rounded up to the unit a person would say. */
export function wait(seconds: number): string {
  if (seconds < 60) return plural(Math.max(1, seconds), "second");
  if (seconds < 3_600) return plural(Math.ceil(seconds / 60), "minute");
  return plural(Math.ceil(seconds / 3_600), "hour");
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
const clock = (ms: number) => new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
