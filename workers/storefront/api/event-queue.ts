import type { Context } from "hono";
import type { ShopperEvent } from "../../../src/events/event.ts";
import { queueEvents } from "../../../src/events/event-message.ts";
import { redactSecrets } from "../../../src/redact.ts";
import type { AppEnv } from "../app-env.ts";

/**
 * A server event from a route (a declined payment), sent after the answer: a route never
 * waits for analytics, and a queue that is down costs the shopper nothing (logged).
 */
export function emitAfterAnswer(c: Context<AppEnv>, ...events: ShopperEvent[]): void {
  c.executionCtx.waitUntil(
    queueEvents(c.env.EVENTS, events).catch((error: Error) => {
      console.error(`shopper events not queued (${events.map((e) => e.type).join(", ")}): ${redactSecrets(error.message)}`);
    }),
  );
}
