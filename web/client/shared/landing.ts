import { ApiError, api } from "./api.ts";

/**
 * Landings through share and campaign links (issue 14), recorded by the page: one opened with
 * `ref` or `utm_*` parameters posts its address once (`POST /api/share/landings`) when the
 * shopper's session is there, then takes those parameters out of the address bar
 * (history.replaceState), so a copy of the address or a reload does not land again. Every
 * shopper page's entry calls recordLanding. No zod here: the pages run under a CSP without
 * 'unsafe-eval'; the server validates the address.
 */

/** The parameters a landing is read from (src/share/share-link.ts), taken out of the address after it is recorded. */
const LANDING_PARAM = /^(?:utm_(?:source|medium|campaign|term|content)|ref)$/;

export interface LandingAnswer {
  recorded: boolean;
  referred: boolean;
  edge: "tree" | "touch" | null;
  utm: Record<string, string>;
}

/** The address without its landing parameters, or null when it has none. */
function withoutLandingParams(href: string): string | null {
  const url = new URL(href);
  const names = [...url.searchParams.keys()].filter((name) => LANDING_PARAM.test(name));
  if (names.length === 0) return null;
  for (const name of names) url.searchParams.delete(name);
  return url.pathname + url.search + url.hash;
}

/**
 * Records this page's landing, once, after `sessionReady` (a page that starts the shopper's
 * session itself passes it: two requests without a cookie at once would be issued two
 * shoppers); without it, the session is asked for first. The outcome is left on
 * `<html data-landing>`: `recorded`, `repeat` (the same landing within 30 minutes), `none`,
 * `self` (the shopper's own link: refused, nothing recorded) or `failed`.
 */
export async function recordLanding(sessionReady?: Promise<unknown>): Promise<LandingAnswer | null> {
  const href = location.href;
  const stripped = withoutLandingParams(href);
  if (stripped === null) return null;
  const root = document.documentElement;
  let answer: LandingAnswer | null = null;
  try {
    await (sessionReady ?? api("/api/session", { method: "POST" }));
    const post = () => api<LandingAnswer>("/api/share/landings", { method: "POST", body: { url: href } });
    answer = await post().catch((error: unknown) => {
      if (error instanceof ApiError && error.code === "network") return post();
      throw error;
    });
    root.dataset.landing = answer.recorded ? "recorded" : answer.referred || Object.keys(answer.utm).length > 0 ? "repeat" : "none";
  } catch (error) {
    root.dataset.landing = error instanceof ApiError && error.code === "self_referral" ? "self" : "failed";
  }
  // Only the landing's parameters go; another script may have changed the address meanwhile.
  history.replaceState(history.state, "", withoutLandingParams(location.href) ?? location.pathname + location.search + location.hash);
  return answer;
}
