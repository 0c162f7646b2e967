import type { RfmRun } from "../../../src/rfm/recompute.ts";
import type { Segment } from "../../../src/rfm/segment-names.ts";
import type { ShopperScores } from "../../../src/rfm/segment-reads.ts";

/** What the Segments view reads of /admin/api/segments… (issue 17), as the routes' schemas say. */
export type { RfmRun, ShopperScores };

/** `GET /segments`. */
export interface SegmentOverview {
  latest: RfmRun | null;
  segments: Array<{ segment: Segment; shoppers: number; change: number | null }>;
  grid: Segment[][];
  intervalHours: number;
  windowDays: number;
}

/** `POST /segments/runs`. */
export interface SegmentRunResult {
  run: RfmRun;
  triggers: number;
}

/** A file the API sent as an attachment: its bytes and the name it gave. */
export interface Download {
  blob: Blob;
  filename: string;
}
