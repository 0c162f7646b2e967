import { z } from "@hono/zod-openapi";

/**
 * The API's units, shared by the contracts: money is integer minor units (fen), times are
 * epoch milliseconds of server time.
 */
export const int = z.number().int();
export const epochMs = int.nonnegative().describe("epoch milliseconds, server time");
export const minorUnits = int.nonnegative().describe("integer minor units (fen)");
