import type { Context } from "hono";
import type { ShopperEvent } from "../../../src/events/event.ts";
import { eventMessage } from "../../../src/events/event-message.ts";
import type { DropCounts } from "../../../src/events/screening.ts";
import { redactSecrets } from "../../../src/redact.ts";
import type { AppEnv } from "../app-env.ts";

/**
 * Puts events on the `shopper-events` queue (issue 13; workers/events/ consumes it). Throws
 * when the queue refuses: the beacon route answers 503 then, so a page that can read the
 * answer (fetch with keepalive) may send again.
 */
export async function queueEvents(env: Env, events: ShopperEvent[], dropped: DropCounts = {}): Promise<void> {
  await env.EVENTS.send(eventMessage(events, dropped), { contentType: "json" });
}

/**
 * A server event from a route (a declined payment), sent after the answer: a route never
 * waits for analytics, and a queue that is down costs the shopper nothing (logged).
 */
export function emitAfterAnswer(c: Context<AppEnv>, ...events: ShopperEvent[]): void {
  c.executionCtx.waitUntil(
    queueEvents(c.env, events).catch((error: Error) => {
      console.error(`shopper events not queued (${events.map((e) => e.type).join(", ")}): ${redactSecrets(error.message)}`);
    }),
  );
}
