import { redisSettings } from "../../src/config.ts";
import type { ShopperEvent } from "../../src/events/event.ts";
import { ViewWindowStore } from "../../src/profile/view-window-store.ts";
import { redactSecrets } from "../../src/redact.ts";
import { openRedis } from "../../src/redis/client.ts";
import { withTimeout } from "../../src/timeout.ts";
import type { EventsEnv } from "./env.ts";

/** How long a batch waits for Redis before it leaves its views out of the windows. */
export const VIEW_WINDOW_TIMEOUT_MS = 2_000;

/**
 * Puts the product views of a batch Postgres has taken into the shoppers' 30-minute windows in
 * Upstash Redis (issue 13), in one pipeline. Best-effort, on purpose: the events are already in
 * Postgres and acknowledged, and a profile is a convenience that heals with the next view, so a
 * Redis failure is logged and never fails or retries the batch (which would write nothing new
 * to Postgres and could only delay it). The cost of an outage: views during it are missing from
 * the windows until they age out.
 */
export async function recordViewWindows(events: readonly ShopperEvent[], env: EventsEnv, now: number): Promise<void> {
  if (!events.some((event) => event.type === "product_view")) return;
  try {
    const store = new ViewWindowStore(openRedis(redisSettings(env)));
    await withTimeout(store.record(events, now), VIEW_WINDOW_TIMEOUT_MS);
  } catch (error) {
    console.error(
      `shopper-events: the view windows missed this batch's views (${redactSecrets((error as Error).message)}); the events are in Postgres`,
    );
  }
}
