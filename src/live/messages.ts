import { z } from "zod";
import type { SkuSnapshot } from "../sales/snapshot.ts";

/**
 * The live feed's protocol (`GET /api/skus/:sku/live`), shared by the SKU object and the
 * browser. Server → client: a snapshot on connect and after changes (coalesced), and
 * `pong` answers carrying server time for clock sync. Client → server: `ping`.
 */
export type ServerMessage =
  | { type: "snapshot"; snapshot: SkuSnapshot }
  | { type: "pong"; clientTime: number; serverTime: number }
  | { type: "error"; message: string };

export const clientMessageSchema = z.discriminatedUnion("type", [z.object({ type: z.literal("ping"), clientTime: z.number() }).strict()]);

export type ClientMessage = z.infer<typeof clientMessageSchema>;
