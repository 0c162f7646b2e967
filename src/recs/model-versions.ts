import { z } from "zod";

/**
 * The recommender's published versions as the admin API and the console describe them (issue
 * 18): a stored model's description and the pointer to the one the shop serves. The KV store
 * that keeps them is workers/storefront/recs/model-store.ts.
 */

/** What an uploaded version is called: letters, digits and `._-`, as it goes in KV keys and URLs. */
export const MODEL_VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const modelDescriptionSchema = z.object({
  version: z.string().regex(MODEL_VERSION),
  trainedAt: z.number().int().nonnegative(),
  dims: z.number().int().positive(),
  items: z.number().int().nonnegative(),
  /** The evaluation table the trainer published with the model (recall@10, NDCG@10…), as it sent it. */
  metrics: z.unknown(),
  uploadedAt: z.number().int().nonnegative(),
  uploadedBy: z.string(),
  chunks: z.number().int().positive(),
  /** Characters of JSON in all. */
  size: z.number().int().positive(),
});
export type ModelDescription = z.infer<typeof modelDescriptionSchema>;

export const activePointerSchema = z.object({
  model: z.string().regex(MODEL_VERSION),
  revision: z.number().int().positive(),
  /** The version served before this one: what a rollback goes back to. */
  previous: z.string().regex(MODEL_VERSION).nullable(),
  activatedAt: z.number().int().nonnegative(),
  activatedBy: z.string(),
});
export type ActivePointer = z.infer<typeof activePointerSchema>;
