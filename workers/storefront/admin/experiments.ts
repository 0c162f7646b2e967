import { z } from "@hono/zod-openapi";
import { AppError } from "../../../src/errors.ts";
import { compareMeans, compareProportions, sampleRatioCheck } from "../../../src/experiments/statistics.ts";
import { statsRequestSchema } from "../../../src/experiments/stats-request.ts";
import { describeIssues } from "../../../src/sales/sale-config.ts";
import { adminRoute } from "../contract/admin-route.ts";
import { handlerValidatedBody } from "../contract/handler-validated-body.ts";
import { contractApp } from "../contract/route.ts";
import { experimentRoutes } from "./experiment-routes.ts";
import { JSON_INPUT_ERRORS, jsonInput } from "./request.ts";

const statsAnswer = z
  .object({
    srm: z
      .object({
        chiSquare: z.number(),
        pValue: z.number(),
        mismatch: z.boolean().describe("p < 0.001: the split is not the one configured"),
      })
      .describe("sample-ratio mismatch: the shoppers per variant against the weights (equal when none are given)"),
    comparisons: z
      .array(
        z.object({
          variant: z.string(),
          difference: z.number().describe("variant − control, absolute, in the metric's unit"),
          uplift: z.number().nullable().describe("the difference relative to the control; null when the control's value is 0"),
          statistic: z.number().describe("z (proportion) or Welch's t (mean)"),
          pValue: z.number().describe("two-sided"),
          ciLow: z.number().describe("95 % interval of the difference, absolute"),
          ciHigh: z.number(),
        }),
      )
      .describe("each variant after the first against the first (the control)"),
  })
  .openapi("ExperimentStats");

const stats = adminRoute({
  method: "post",
  path: "/experiments/stats",
  admits: "readExperiments",
  summary: "A/B statistics from raw numbers per variant, first variant the control",
  description:
    "Proportion metric: two-proportion z-test (200/1000 against 250/1000: z = 2.6774, p = 0.00742). Mean metric: Welch's t-test. Both with the difference, its 95 % interval and the uplift, and a sample-ratio-mismatch chi-square that flags p < 0.001. Computes only: nothing is stored.",
  request: { body: handlerValidatedBody("ExperimentStatsRequest", "the metric and each variant's numbers") },
  responses: { 200: { description: "the statistics", content: { "application/json": { schema: statsAnswer } } } },
  errors: [...JSON_INPUT_ERRORS],
});

/** The experiments' admin routes (issue 13): statistics from raw numbers here, the experiments themselves in experiment-routes.ts. */
export const adminExperiments = contractApp()
  .route("/", experimentRoutes)
  .openapi(stats, async (c) => {
    const parsed = statsRequestSchema.safeParse(await jsonInput(c));
    if (!parsed.success) {
      const problems = describeIssues(parsed.error.issues);
      throw new AppError("invalid_request", `invalid statistics request: ${problems.join("; ")}`, { problems });
    }
    const { metric, variants } = parsed.data;
    const comparisons =
      metric === "proportion"
        ? compareProportions(variants.map((v) => ({ name: v.name, users: v.users, conversions: v.conversions ?? 0 })))
        : compareMeans(variants.map((v) => ({ name: v.name, users: v.users, mean: v.mean ?? 0, stddev: v.stddev ?? 0 })));
    return c.json({ srm: sampleRatioCheck(variants), comparisons }, 200);
  });

adminExperiments.openAPIRegistry.register(
  "ExperimentStatsRequest",
  statsRequestSchema.describe(
    "`metric`: `proportion` (each variant's `conversions` of `users`) or `mean` (each variant's `mean` and `stddev` per user); `weight`: the configured share, equal when left out",
  ),
);
