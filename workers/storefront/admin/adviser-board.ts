import { z } from "@hono/zod-openapi";
import { type BoardReport, boardReport, type RepeatFigures } from "../../../src/advisers/board-report.ts";
import { BoardSettingsCatalog } from "../../../src/advisers/board-settings-catalog.ts";
import {
  type BoardSettings,
  boardSettingsDraftSchema,
  boardSettingsSchema,
  validateBoardSettings,
} from "../../../src/advisers/board-settings.ts";
import { BUCKETS, type DurationFigures, type Figures, type Waiting } from "../../../src/advisers/response-metrics.ts";
import { AppError } from "../../../src/errors.ts";
import { edgeClock } from "../api/sku-object.ts";
import { adminRoute } from "../contract/admin-route.ts";
import { component } from "../contract/component.ts";
import type { Describes, Holds } from "../contract/describes.ts";
import { handlerValidatedBody } from "../contract/handler-validated-body.ts";
import { noStore } from "../contract/no-store.ts";
import { contractApp } from "../contract/route.ts";
import { epochMs, int } from "../contract/units.ts";
import { windowQueryFields } from "../contract/window-query.ts";
import { auditActor } from "./auth.ts";
import { readDatabase } from "./read-database.ts";
import { adminActorHeader, JSON_INPUT_ERRORS, jsonInput, valid } from "./request.ts";
import { type ConfigKind, saveConfigVersion, versionTrailRoutes } from "./version-trail.ts";

/**
 * The advisers' response-time board under /admin/api (issue 17): first-response and resolution
 * times per adviser and overall in business hours, percentiles, Chatwoot's buckets, SLA
 * breaches, who is waiting now, and the repeat-purchase rate with and without an adviser
 * conversation (src/advisers/board-report.ts); and the board's settings, one versioned KV
 * document (`adviser-board:settings`, audited as kind `adviser-board`), read and saved as the
 * member tiers are (./version-trail.ts). Thin: the arithmetic is src/advisers/'s.
 */

const BOARD_SETTINGS: ConfigKind<BoardSettings> = {
  kind: "adviser-board",
  noun: "board settings",
  catalog: (env) => new BoardSettingsCatalog(env.SALES),
};

const DAY_MS = 86_400_000;
const DEFAULT_SPAN_MS = 7 * DAY_MS;
/** A quarter: wider asks Postgres for more than a live board should. */
const MAX_SPAN_MS = 92 * DAY_MS;
const READ = { what: "the response-time board", log: "adviser board", timeoutMs: 10_000 };

const json = <T extends z.ZodType>(schema: T) => ({ "application/json": { schema } });
const count = int.nonnegative();
const seconds = (what: string) => int.nonnegative().nullable().describe(`${what}, business seconds; null when nothing was measured`);

const settingsComponent = component(
  "AdviserBoardSettings",
  boardSettingsSchema,
  "The board's settings as stored in KV (`adviser-board:settings`): the advisers' business hours per weekday (`HH:MM-HH:MM` intervals, `24:00` for midnight, none: closed) in `timeZone`, and the first-response SLA in business minutes. Version 0: nothing saved, 09:00–18:00 every day in Asia/Shanghai and 30 minutes.",
);

const durationSchema = z
  .object({
    count: count.describe("conversations measured"),
    p50: seconds("median (nearest rank)"),
    p90: seconds("90th percentile (nearest rank)"),
    p95: seconds("95th percentile (nearest rank)"),
    mean: seconds("mean, rounded"),
    buckets: z
      .object(Object.fromEntries(BUCKETS.map((b) => [b, count])) as Record<(typeof BUCKETS)[number], typeof count>)
      .describe(
        "how many fell in each of Chatwoot's buckets of business time: [0, 1 h), [1 h, 4 h), [4 h, 8 h), [8 h, 24 h), 24 h and more",
      ),
  })
  .openapi("ResponseDuration");
export type DurationMatchesCode = Holds<Describes<z.output<typeof durationSchema>, DurationFigures>>;

const figuresShape = {
  conversations: count.describe("conversations whose shopper's first message (else opening) is in the window"),
  open: count,
  resolved: count,
  waiting: count.describe("open, the shopper wrote, nobody has replied yet"),
  firstResponse: durationSchema.describe("shopper's first message → adviser's first reply"),
  resolution: durationSchema.describe("shopper's first message (else the opening) → resolved"),
  slaBreaches: count.describe("first replies later than the SLA, and open waits already past it"),
  slaBreachRate: z.number().min(0).max(1).nullable().describe("breaches ÷ conversations the shopper wrote in; null when none"),
};
const figuresSchema = z.object(figuresShape).openapi("ResponseFigures");
export type FiguresMatchCode = Holds<Describes<z.output<typeof figuresSchema>, Figures>>;

const waitingSchema = z
  .object({
    conversationId: z.string(),
    shopperId: z.string(),
    adviserId: z.string(),
    adviserName: z.string().nullable(),
    firstMessageAt: epochMs,
    waitedSeconds: count.describe("business seconds waited so far"),
    breached: z.boolean().describe("waited longer than the SLA: highlighted"),
  })
  .openapi("WaitingConversation");
export type WaitingMatchesCode = Holds<Describes<z.output<typeof waitingSchema>, Waiting & { adviserName: string | null }>>;

const repeatSchema = z.object({
  buyers: count.describe("shoppers with at least one order paid in the window"),
  repeatBuyers: count.describe("of them, those with two or more"),
  rate: z.number().min(0).max(1).nullable().describe("repeatBuyers ÷ buyers; null when nobody bought"),
});
export type RepeatMatchesCode = Holds<Describes<z.output<typeof repeatSchema>, RepeatFigures>>;

const boardSchema = z
  .object({
    window: z.object({ from: epochMs, to: epochMs.describe("exclusive") }),
    now: epochMs.describe("server time the open waits were measured at"),
    settings: z.object({ version: int, timeZone: z.string(), firstResponseSlaMinutes: int }),
    overall: figuresSchema,
    advisers: z.array(
      z.object({
        adviserId: z.string(),
        displayName: z.string().nullable().describe("null when the adviser is no longer on the roster"),
        onShift: z.boolean(),
        removed: z.boolean(),
        ...figuresShape,
      }),
    ),
    waiting: z
      .array(waitingSchema)
      .describe("every open conversation waiting for a first reply, whatever the window, longest first (at most 100)"),
    repeatPurchase: z
      .object({
        withConversation: repeatSchema.describe("shoppers who had written to their adviser by the window's end"),
        withoutConversation: repeatSchema,
      })
      .describe("the repeat-purchase rate of shoppers with and without an adviser conversation"),
  })
  .openapi("AdviserBoard");
export type BoardMatchesCode = Holds<Describes<z.output<typeof boardSchema>, BoardReport>>;

const windowQuery = z.object(windowQueryFields);

const LIVE = noStore("the board changes with every message");
const BODY = boardSettingsDraftSchema.extend({
  expectedVersion: int.min(0).describe("the version edited from; 0 when none was saved yet"),
});

const boardRoute = adminRoute({
  method: "get",
  path: "/adviser-board",
  admits: "readAdviserBoard",
  summary: "The advisers' response-time board: first response and resolution in business hours, per adviser and overall",
  description: `Conversations whose shopper's first message (else their opening) is in [from, to), by default the 7 days until now, at most ${MAX_SPAN_MS / DAY_MS} days (400 \`invalid_request\` beyond, or when \`from\` is not before \`to\`). Times are business seconds under the board's settings (a message at 17:50 answered at 09:10 with hours 09:00–18:00 waited 1,200 s); percentiles by nearest rank; an SLA breach is a first reply later than the SLA or an open wait already past it. \`waiting\` is the live queue. The console polls it. Without Postgres, 503.`,
  request: { query: windowQuery },
  responses: { 200: { description: "the board", headers: LIVE, content: json(boardSchema) } },
  errors: ["invalid_request", "dependency_unavailable"],
});

const getSettingsRoute = adminRoute({
  method: "get",
  path: "/adviser-board/settings",
  admits: "readAdviserBoard",
  summary: "The board's settings in force (version 0: the defaults)",
  responses: {
    200: {
      description: "the settings",
      headers: noStore("the settings may be edited at any time"),
      content: json(z.object({ settings: settingsComponent })),
    },
  },
});

const putSettingsRoute = adminRoute({
  method: "put",
  path: "/adviser-board/settings",
  admits: "editAdviserBoard",
  summary: "Replace the board's settings from the version they were read at",
  description:
    "Every problem is listed in `problems` (an interval that closes before it opens, an unknown time zone, a week with no hours at all, an SLA outside 1–10080 minutes). Audited in Postgres and stored in KV in one transaction; two saves from one version: the second is 409 `conflict`. The board measures with the new hours from its next read, past conversations included.",
  request: {
    headers: adminActorHeader,
    body: handlerValidatedBody("AdviserBoardSettingsUpdate", "the whole settings document and expectedVersion"),
  },
  responses: { 200: { description: "saved", content: json(z.object({ settings: settingsComponent })) } },
  errors: [...JSON_INPUT_ERRORS, "conflict", "dependency_unavailable"],
});

/** The window asked for, or 400 naming what is wrong with it. */
function boardWindow(query: { from?: number | undefined; to?: number | undefined }, now: number): { from: number; to: number } {
  const to = query.to ?? now;
  const from = query.from ?? to - DEFAULT_SPAN_MS;
  const problems: string[] = [];
  if (!(from < to)) problems.push("from: must be before to");
  if (to - from > MAX_SPAN_MS) problems.push(`to: at most ${MAX_SPAN_MS / DAY_MS} days after from`);
  if (problems.length > 0) throw new AppError("invalid_request", `invalid window: ${problems.join("; ")}`, { problems });
  return { from, to };
}

export const adminAdviserBoard = contractApp()
  .openapi(boardRoute, async (c) => {
    const now = edgeClock.now();
    const window = boardWindow(c.req.valid("query"), now);
    const settings = await new BoardSettingsCatalog(c.env.SALES).current();
    const report = await readDatabase(c.env, READ, (db) => boardReport(db, settings, window, now));
    c.header("Cache-Control", "no-store");
    return c.json(report, 200);
  })
  .openapi(getSettingsRoute, async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json({ settings: await new BoardSettingsCatalog(c.env.SALES).current() }, 200);
  })
  .openapi(putSettingsRoute, async (c) => {
    const actor = auditActor(c);
    const { expectedVersion, ...draft } = valid(validateBoardSettings(BODY, await jsonInput(c)), "board settings");
    const catalog = new BoardSettingsCatalog(c.env.SALES);
    const current = await catalog.find();
    if (expectedVersion !== (current?.version ?? 0)) {
      throw new AppError(
        "conflict",
        `the board settings are at version ${current?.version ?? 0}, not ${expectedVersion}; read them again`,
        {
          version: current?.version ?? 0,
        },
      );
    }
    const settings: BoardSettings = { ...draft, version: (current?.version ?? 0) + 1, updatedAt: Date.now(), updatedBy: actor };
    await saveConfigVersion(c.env, BOARD_SETTINGS, { action: current ? "update" : "create", actor, before: current, after: settings });
    return c.json({ settings }, 200);
  })
  .route(
    "/",
    versionTrailRoutes(BOARD_SETTINGS, {
      path: "/adviser-board",
      component: settingsComponent,
      historyKey: "adviser-board-history:settings:<version>",
    }),
  );

adminAdviserBoard.openAPIRegistry.register("AdviserBoardSettingsUpdate", BODY);
