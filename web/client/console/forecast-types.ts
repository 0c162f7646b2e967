import type { ForecastRecord } from "../../../src/forecast/forecast-record.ts";
import type { ForecastRunView, ForecastSummary } from "../../../src/forecast/run-queue.ts";

/** What the Forecast view reads of /admin/api/forecasts… (issue 19), as the routes' schemas say. */
export type { ForecastRecord, ForecastRunView, ForecastSummary };

/** `GET /forecasts`. */
export interface ForecastList {
  forecasts: ForecastSummary[];
  runs: ForecastRunView[];
}
