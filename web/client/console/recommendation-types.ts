import type { RecArm } from "../../../src/recs/serving.ts";

/** What the Recommendations view reads of /admin/api/recommendations… (issue 18, part E), as the routes' schemas say. */

/** The active pointer (workers/storefront/recs/model-store.ts ActivePointer). */
export interface RecActive {
  model: string;
  revision: number;
  previous: string | null;
  activatedAt: number;
  activatedBy: string;
}

/** One stored version (ModelDescription). */
export interface RecModelVersion {
  version: string;
  trainedAt: number;
  dims: number;
  items: number;
  metrics?: unknown;
  uploadedAt: number;
  uploadedBy: string;
  chunks: number;
  size: number;
}

/** `GET /recommendations/models`. */
export interface RecModelsBody {
  active: RecActive | null;
  models: RecModelVersion[];
}

/** `GET /recommendations/ctr`. */
export interface RecCtrBody {
  since: number;
  arms: Array<{ arm: RecArm; impressions: number; clicks: number; ctr: number | null; low: number | null; high: number | null }>;
  sources: Array<{ source: string; impressions: number; clicks: number; ctr: number | null }>;
}
