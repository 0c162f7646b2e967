import type { Hook } from "@hono/zod-openapi";
import type { ValidationTargets } from "hono";
import { AppError } from "../../../src/errors.ts";
import { describeIssues } from "../../../src/sales/sale-config.ts";
import type { AppEnv } from "../app-env.ts";

/**
 * What a request failing its contract's schemas is answered: 400 `invalid_request`, in the one
 * error shape, thrown so the one error handler answers it (and checks it is declared). The
 * default hook of every contracted app (contract/route.ts).
 */
export const refuseInvalid: Hook<unknown, AppEnv, string, undefined> = (result) => {
  if (!result.success) throw invalidRequest(result.target, result.error.issues);
};

/**
 * Bodies and queries are structured: every issue is listed in `problems` as `path: message`.
 * A header or path parameter is one value whose schema words its own problem in full, naming
 * the header, as the Idempotency-Key's messages always have.
 */
function invalidRequest(target: keyof ValidationTargets, issues: Parameters<typeof describeIssues>[0]): AppError {
  if (target === "json" || target === "query") {
    const problems = describeIssues(issues);
    const what = target === "json" ? "request body" : "query";
    return new AppError("invalid_request", `invalid ${what}: ${problems.join("; ")}`, { problems });
  }
  return new AppError("invalid_request", issues.map((issue) => issue.message).join("; "));
}
