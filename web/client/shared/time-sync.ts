import type { ServerClock } from "./clock.ts";

/** Samples server time over HTTP (for pages without a live feed): a few round trips to /api/time. */
export async function syncOverHttp(clock: ServerClock, samples = 3): Promise<void> {
  for (let i = 0; i < samples; i++) {
    const sent = Date.now();
    try {
      const response = await fetch("/api/time", { cache: "no-store" });
      const { serverTime } = (await response.json()) as { serverTime: number };
      clock.sample(sent, serverTime, Date.now());
    } catch {
      return; // the countdown runs on the local clock until the next page load
    }
  }
}
