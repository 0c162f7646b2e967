import { describe, expect, it } from "vitest";
import type { ShopperEvent } from "../../src/events/event.ts";
import { readMember, viewMember, viewSetUpdates, viewsKey, windowOfRange, windowRange } from "../../src/profile/view-set.ts";

const MINUTE = 60_000;
const view = (shopperId: string, sku: string, category: string, at: number): ShopperEvent => ({
  id: `${shopperId}-${sku}-${at}`,
  type: "product_view",
  shopperId,
  device: "phone",
  sku,
  category,
  at,
});

describe("the view window's Redis encoding (src/profile/view-set.ts)", () => {
  it("names one key per shopper, hash-tagged, and carries the category in the member", () => {
    expect(viewsKey("shp_abc")).toBe("profile:{shp_abc}:views");
    expect(viewMember({ sku: "sku-1", category: "running | trail" })).toBe("sku-1|running | trail");
    expect(readMember("sku-1|running | trail")).toEqual({ sku: "sku-1", category: "running | trail" });
    expect(readMember("no-separator")).toBeNull();
    expect(readMember("|shoes")).toBeNull();
  });

  it("groups a batch's product views by shopper, each member once at its latest time, leaving out what is already out", () => {
    const now = 100 * MINUTE;
    const updates = viewSetUpdates(
      [
        view("shp_a", "sku-1", "shoes", now - MINUTE),
        view("shp_a", "sku-1", "shoes", now - 2 * MINUTE),
        view("shp_b", "sku-2", "bags", now - 30 * MINUTE), // exactly 30 minutes old: out
        view("shp_b", "sku-3", "bags", now - 30 * MINUTE + 1),
        { id: "page-1", type: "page_view", shopperId: "shp_c", device: "phone", at: now },
      ],
      now,
    );
    expect(updates).toEqual([
      { key: "profile:{shp_a}:views", members: [{ member: "sku-1|shoes", score: now - MINUTE }], trimThrough: now - 30 * MINUTE },
      { key: "profile:{shp_b}:views", members: [{ member: "sku-3|bags", score: now - 30 * MINUTE + 1 }], trimThrough: now - 30 * MINUTE },
    ]);
  });

  it("reads a ZRANGE answer through viewWindow, skipping members it did not write", () => {
    const now = 100 * MINUTE;
    expect(windowRange(now)).toEqual({ min: `(${70 * MINUTE}`, max: now });
    const window = windowOfRange(
      ["sku-1|shoes", 90 * MINUTE, "stray", 91 * MINUTE, "sku-2|bags", String(95 * MINUTE), "sku-1|boots", 80 * MINUTE],
      now,
    );
    expect(window).toEqual({
      products: [
        { sku: "sku-2", category: "bags", at: 95 * MINUTE },
        { sku: "sku-1", category: "shoes", at: 90 * MINUTE },
      ],
      distinct: 2,
      latestCategory: "bags",
    });
  });
});
