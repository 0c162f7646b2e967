/** Where a livestream's window stands (issue 15). No zod here: the pages and the console import it. */
export type LivePhase = "upcoming" | "live" | "ended";

/** Where the livestream's window stands at `now` (server time): before, on air (startsAt ≤ now < endsAt), or after. */
export function liveAt(livestream: { startsAt: number; endsAt: number }, now: number): LivePhase {
  if (now < livestream.startsAt) return "upcoming";
  return now < livestream.endsAt ? "live" : "ended";
}
