import type { AudienceView } from "../../../src/audiences/audience-store.ts";

/** What the Audiences view reads of /admin/api/audiences… (issue 18), as the routes' schemas say. */
export type { AudienceView };

/** `GET /audiences`. */
export interface AudienceList {
  audiences: AudienceView[];
}
