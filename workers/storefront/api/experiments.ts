import { z } from "@hono/zod-openapi";
import { redisSettings } from "../../../src/config.ts";
import { describeDatabaseFailure } from "../../../src/db/errors.ts";
import { enrolShopper } from "../../../src/experiments/enrol.ts";
import { TARGET_LOCALES, type ShopperKind } from "../../../src/experiments/experiment-config.ts";
import { StickyStore } from "../../../src/experiments/sticky-store.ts";
import { PAGE_SURFACES, SURFACE_NAMES, type ExperimentPage } from "../../../src/experiments/surfaces.ts";
import { redactSecrets } from "../../../src/redact.ts";
import { openRedis } from "../../../src/redis/client.ts";
import { withTimeout } from "../../../src/timeout.ts";
import { contractApp, contractRoute } from "../contract/route.ts";
import { hasPaidBefore } from "./paid-before.ts";
import { sessionLimit } from "./rate-limit.ts";
import { requestDevice } from "./request-device.ts";
import { runningExperiments } from "./running-experiments.ts";
import { session } from "./session.ts";
import { shopperWrite } from "./validation.ts";

/** How long a page's assignments may wait for Redis or Postgres before it is answered with none (the page shows every control). */
const STORE_WAIT_MS = 800;

const assignmentSchema = z
  .object({
    experiment: z.string(),
    surface: z.enum(SURFACE_NAMES),
    variant: z.string().describe("the variant to show; the page reports it as an `experiment_exposure` event once shown"),
  })
  .openapi("ExperimentAssignment");

const assign = contractRoute({
  method: "post",
  path: "/experiments/assignments",
  tags: ["experiments"],
  summary: "The shopper's variants of the running experiments a page shows (A/B tests, assigned at the edge)",
  description:
    "Assigned by GrowthBook's documented hashing (hash v2 of the experiment's seed and the shopper id) over the weights, for shoppers the experiment targets (new or returning, device class from the request, the page's `locale`). " +
    "Sticky: a shopper's first assignment is kept (Upstash Redis) and answered ever after, whatever the weights or targeting become, until the experiment stops. " +
    "Experiments the shopper is not in are left out: the page shows their control. Never cached; issues the session cookie to a new shopper. " +
    "With Redis or Postgres unreachable the answer is an empty list, not an error: the page shows every control and reports no exposure.",
  middleware: [shopperWrite, sessionLimit, session],
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .object({
              page: z
                .enum(Object.keys(PAGE_SURFACES) as [ExperimentPage, ...ExperimentPage[]])
                .describe("the page asking: only its surfaces are answered"),
              locale: z.enum(TARGET_LOCALES).describe("the page's language, for targeting"),
            })
            .strict()
            .openapi("ExperimentAssignmentRequest"),
        },
      },
    },
  },
  responses: {
    200: {
      description: "the shopper's variants",
      content: { "application/json": { schema: z.object({ assignments: z.array(assignmentSchema) }).openapi("ExperimentAssignments") } },
    },
  },
});

/** The shopper side of experiments (issue 13): assignment at the edge. */
export const experiments = contractApp().openapi(assign, async (c) => {
  const { page, locale } = c.req.valid("json");
  const shopperId = c.get("shopperId");
  c.header("Cache-Control", "no-store");
  const surfaces: readonly string[] = PAGE_SURFACES[page];
  try {
    const running = (await runningExperiments(c.env)).filter((e) => surfaces.includes(e.surface));
    if (running.length === 0) return c.json({ assignments: [] }, 200);
    const sticky = new StickyStore(openRedis(redisSettings(c.env)));
    const enrolments = await withTimeout(
      enrolShopper(
        running,
        { id: shopperId, device: requestDevice(c), locale },
        {
          sticky: { read: (id) => sticky.read(id), keep: (id, first) => sticky.keep(id, first) },
          shopperKind: (id) => shopperKind(c.env, id),
        },
      ),
      STORE_WAIT_MS,
    );
    const surfaceOf = new Map(running.map((e) => [e.key, e.surface]));
    return c.json(
      { assignments: enrolments.map((e) => ({ experiment: e.experiment, surface: surfaceOf.get(e.experiment)!, variant: e.variant })) },
      200,
    );
  } catch (error) {
    // Not the shopper's problem: without a kept assignment no variant can be answered safely
    // (the hash alone may disagree with what they saw before), so every control it is.
    console.error(`experiments: no assignments for a ${page} page (${redactSecrets((error as Error).message)})`);
    return c.json({ assignments: [] }, 200);
  }
});

/**
 * New (新客) or returning (老客): whether the shopper has paid for an order, from the events
 * (`order_paid`, by the events' shopper index). Null when Postgres cannot say: a rule on it
 * then does not match, and the shopper sees the control.
 */
async function shopperKind(env: Env, shopperId: string): Promise<ShopperKind | null> {
  try {
    return (await hasPaidBefore(env, shopperId)) ? "returning" : "new";
  } catch (error) {
    console.error(`experiments: could not tell whether a shopper is new (${describeDatabaseFailure(error).summary})`);
    return null;
  }
}
