import type { ActivePointer, ModelDescription } from "../../../src/recs/model-versions.ts";
import type { RecCtrReport } from "../../../src/recs/serving.ts";

/** What the Recommendations view reads of /admin/api/recommendations… (issue 18, part E), as the routes' schemas say. */

/** `GET /recommendations/models`. */
export interface RecModelsBody {
  active: ActivePointer | null;
  models: ModelDescription[];
}

/** `GET /recommendations/ctr`. */
export type RecCtrBody = RecCtrReport;
