import { z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { AppError } from "../../../src/errors.ts";
import { EVENT_TYPES, MAX_BEACON_BYTES, MAX_EVENTS_PER_BEACON, BROWSER_TYPES } from "../../../src/events/event.ts";
import { beaconSchema, DROP_REASONS, screenBeacon } from "../../../src/events/screening.ts";
import { redactSecrets } from "../../../src/redact.ts";
import type { AppEnv } from "../app-env.ts";
import { withContract } from "../contract/middleware-contract.ts";
import { contractApp, contractRoute } from "../contract/route.ts";
import { int } from "../contract/units.ts";
import { queueEvents } from "../../../src/events/event-message.ts";
import { eventsLimit, sessionLimit } from "./rate-limit.ts";
import { requestDevice } from "./request-device.ts";
import { readJson } from "./request-body.ts";
import { session } from "./session.ts";
import { requireJsonContentType, requireSameOrigin } from "./validation.ts";

/**
 * A beacon is a shopper write like the others (same origin, JSON), with a bigger body:
 * `navigator.sendBeacon` queues up to 64 KiB a page.
 */
const beaconInput = withContract(
  createMiddleware<AppEnv>(async (c, next) => {
    requireSameOrigin(c);
    requireJsonContentType(c);
    await readJson(c, MAX_BEACON_BYTES);
    await next();
  }),
  {
    errors: ["invalid_request", "forbidden_origin", "payload_too_large", "unsupported_media_type"],
    readsJsonBody: true,
    note: "Send `Content-Type: application/json` (sendBeacon: a Blob of that type); a browser's `Origin` must be this server's own (else 403); a body over 64 KiB is 413.",
  },
);

const dropCounts = z.object(Object.fromEntries(DROP_REASONS.map((reason) => [reason, int.nonnegative().optional()])));

const sendEvents = contractRoute({
  method: "post",
  path: "/events",
  tags: ["events"],
  summary: "Send a batch of the page's events (navigator.sendBeacon)",
  description:
    `Up to ${MAX_EVENTS_PER_BEACON} events the page recorded: ${BROWSER_TYPES.map((t) => `\`${t}\``).join(", ")}. ` +
    "The server adds the shopper (the session cookie), the device class (`Sec-CH-UA-Mobile`, else the User-Agent) and moves each event's time to its own clock: `at = receivedAt − (sentAt − event.at)`. " +
    `Each event is screened on its own: one of an unknown type, a server's type (${EVENT_TYPES.filter(
      (t) => !BROWSER_TYPES.includes(t as never),
    )
      .map((t) => `\`${t}\``)
      .join(
        ", ",
      )}: those are recorded where they happen), one that does not fit the model, is over 2 KiB, is dated after the beacon was sent, or is more than a day old is dropped and counted, and the rest are accepted. ` +
    "Accepted events are queued (Cloudflare Queues) and written to Postgres within seconds; an event id already stored is not stored again, so a beacon may be sent twice.",
  middleware: [beaconInput, sessionLimit, session, eventsLimit],
  request: { body: { required: true, content: { "application/json": { schema: beaconSchema.openapi("EventBeacon") } } } },
  responses: {
    202: {
      description: "queued: how many events were accepted and how many dropped, by reason",
      content: {
        "application/json": {
          schema: z.object({ accepted: int.nonnegative(), dropped: dropCounts }).openapi("EventBeaconReceipt"),
        },
      },
    },
  },
  errors: ["dependency_unavailable"],
});

/** The events beacon (issue 13): the one way the browser's events come in. */
export const events = contractApp().openapi(sendEvents, async (c) => {
  const beacon = c.req.valid("json");
  const { accepted, dropped } = screenBeacon(beacon, {
    shopperId: c.get("shopperId"),
    device: requestDevice(c),
    receivedAt: Date.now(),
  });
  try {
    // The queue refusing: 503, so a page that can read the answer (fetch with keepalive) may send again.
    await queueEvents(c.env.EVENTS, accepted, dropped);
  } catch (error) {
    throw new AppError("dependency_unavailable", `the events queue refused the beacon: ${redactSecrets((error as Error).message)}`);
  }
  return c.json({ accepted: accepted.length, dropped }, 202);
});
