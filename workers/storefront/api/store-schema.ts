import { storeSchema } from "../../../src/stores/store.ts";
import { component } from "../contract/component.ts";

/** The Store (src/stores/store.ts) as the document's component, for every route that answers one. */
export const storeComponent = component(
  "Store",
  storeSchema,
  "A physical store (issue 15). `openingHours`: per weekday, local opening intervals `HH:MM-HH:MM` in the store's IANA `timeZone` (none: closed that day); `redeemOnlyWhenOpen`: coupons are redeemed only while open; `active`: false for a store closed down (kept: redemptions name it)",
);
