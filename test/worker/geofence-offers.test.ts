import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { forgetLivestreamOffers } from "../../workers/storefront/api/store-offers.ts";
import { edgeClock } from "../../workers/storefront/api/sku-object.ts";
import { GeoShopper, metresFrom, somewhere, storeAt } from "./geofence-support.ts";
import { seedLivestream, seedStoreTemplate } from "./livestream-support.ts";

beforeEach(() => edgeClock.hold());
afterEach(() => edgeClock.release());

describe("what a store near a shopper offers (storeOffers, issue 15)", () => {
  it("offers a newcomer the coupon on air for this store, and its holder their own coupon to show at the till, not a second one", async () => {
    const here = somewhere();
    const store = await storeAt(here);
    const template = await seedStoreTemplate();
    const livestream = await seedLivestream([template.id], [store.id]);
    forgetLivestreamOffers();

    const newcomer = await GeoShopper.create();
    const seen = await newcomer.ping(metresFrom(here, 300));
    expect(seen.nearby[0]?.coupons).toEqual([
      {
        templateId: template.id,
        title: template.title,
        description: template.description,
        livestreamId: livestream.id,
        couponId: null,
        url: `/live/${livestream.id}`,
      },
    ]);
    expect(seen.pushed.map((p) => p.store.id)).toEqual([store.id]);

    const holder = await GeoShopper.create();
    const couponId = await holder.claimLive(livestream.id, template.id);
    const held = await holder.ping(metresFrom(here, 300));
    expect(held.nearby[0]?.coupons).toEqual([
      {
        templateId: template.id,
        title: template.title,
        description: template.description,
        livestreamId: livestream.id,
        couponId,
        url: "/me",
      },
    ]);
  });

  it("offers a held coupon only in the stores it was claimed for", async () => {
    const here = somewhere();
    const store = await storeAt(here);
    const elsewhere = await storeAt(somewhere());
    const template = await seedStoreTemplate();
    const livestream = await seedLivestream([template.id], [elsewhere.id]);
    forgetLivestreamOffers();
    const holder = await GeoShopper.create();
    await holder.claimLive(livestream.id, template.id);
    const near = await holder.ping(metresFrom(here, 200));
    expect(near.nearby.map((n) => n.store.id)).toEqual([store.id]);
    expect(near.nearby[0]?.coupons).toEqual([]);
  });
});
