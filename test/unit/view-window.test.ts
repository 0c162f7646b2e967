import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ProductView, VIEW_WINDOW_MS, viewWindow } from "../../src/profile/view-window.ts";

const MINUTE = 60_000;
const at = (minutes: number) => minutes * MINUTE;

/** Issue 13's worked example: views at 0 A/shoes, 10 B/bags, 20 A/shoes, 29 C/phones. */
const VIEWS: ProductView[] = [
  { sku: "A", category: "shoes", at: at(0) },
  { sku: "B", category: "bags", at: at(10) },
  { sku: "A", category: "shoes", at: at(20) },
  { sku: "C", category: "phones", at: at(29) },
];

describe("a shopper's 30-minute view window (src/profile/view-window.ts)", () => {
  it("follows issue 13's worked example: 3 distinct and phones at 31, 2 at 45, none at 60", () => {
    expect(viewWindow(VIEWS, at(31))).toMatchObject({ distinct: 3, latestCategory: "phones" });
    expect(viewWindow(VIEWS, at(31)).products.map((p) => p.sku)).toEqual(["C", "A", "B"]);
    expect(viewWindow(VIEWS, at(45))).toMatchObject({ distinct: 2, latestCategory: "phones" });
    expect(viewWindow(VIEWS, at(60))).toEqual({ products: [], distinct: 0, latestCategory: null });
  });

  it("counts a repeat view once, at its latest time (A seen at 0 and 20 is still in at 45)", () => {
    const window = viewWindow(VIEWS, at(45));
    expect(window.products.map((p) => [p.sku, p.at])).toEqual([
      ["C", at(29)],
      ["A", at(20)],
    ]);
  });

  it("pins the edges: a view leaves exactly 30 minutes after it happened; a view from the future is not counted", () => {
    const one = [{ sku: "A", category: "shoes", at: at(10) }];
    expect(viewWindow(one, at(40) - 1).distinct).toBe(1);
    expect(viewWindow(one, at(40)).distinct).toBe(0);
    expect(viewWindow(one, at(10)).distinct).toBe(1);
    expect(viewWindow(one, at(10) - 1).distinct).toBe(0);
  });

  it("never counts more than the distinct SKUs viewed in the window, whatever the order of views", () => {
    const view = fc.record({
      sku: fc.constantFrom("A", "B", "C", "D"),
      category: fc.constantFrom("x", "y"),
      at: fc.integer({ min: 0, max: at(90) }),
    });
    fc.assert(
      fc.property(fc.array(view, { maxLength: 40 }), fc.integer({ min: 0, max: at(120) }), (views, now) => {
        const window = viewWindow(views, now);
        const inWindow = new Set(views.filter((v) => v.at <= now && v.at > now - VIEW_WINDOW_MS).map((v) => v.sku));
        expect(window.distinct).toBe(inWindow.size);
        expect(viewWindow([...views].reverse(), now).distinct).toBe(window.distinct);
      }),
    );
  });
});
