import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { decodeModel } from "../../src/recs/model.ts";
import { recommend } from "../../src/recs/serving.ts";
import { benchRanking, generatedModel } from "../../bench/recs-rank.ts";

/**
 * The serving side at catalogue scale, in Node (issue 18, part E): a generated 10,000-item model
 * survives the trip through JSON and `decodeModel` as the admin API stores it, `recommend` over
 * all of it gives ten distinct SKUs on sale with reasons, the ranking's top 10 is exactly a
 * full sort's, and `npm run bench:recs-serving` runs end to end (a smoke: its figures are the
 * benchmark's to report, never asserted here).
 */
describe("recommendations at catalogue scale", () => {
  it("ranks a 10,000-item model's catalogue: ten distinct on-sale picks, the viewed item's neighbours first", () => {
    const decoded = decodeModel(JSON.parse(JSON.stringify(generatedModel(10_000, 32))));
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    const model = decoded.value;
    const now = Date.now();
    const onSale = new Map(
      model.items.filter((_, i) => i % 2 === 0).map((item) => [item.sku, { title: item.sku.toUpperCase(), category: item.category }]),
    );
    const out = recommend({
      arm: "two_tower",
      model,
      features: { views: [{ sku: "sku-0", category: "phones", at: now - 60_000 }], segment: null, paidOrders: 0, spentFen: 0, now },
      onSale,
      exclude: new Set(["sku-0"]),
      shopPopularity: [],
    });
    expect(out.source).toBe("model");
    const skus = out.items.map((item) => item.sku);
    expect(new Set(skus).size).toBe(10);
    expect(skus.every((sku) => onSale.has(sku) && sku !== "sku-0")).toBe(true);
    expect(out.items.every((item) => item.reason.kind === "viewed" && item.reason.title === "SKU-0")).toBe(true);
  });

  it("keeps the top 10 exact (against a full sort) and runs the benchmark script end to end", () => {
    expect(benchRanking(2_000, 16, 5).topTenExact).toBe(true);
    const out = mkdtempSync(join(tmpdir(), "recs-bench-"));
    const run = spawnSync(process.execPath, ["bench/recs-rank.ts", "--items", "1000", "--dims", "8", "--runs", "5", "--out", out], {
      encoding: "utf8",
    });
    expect(run.status, run.stderr).toBe(0);
    expect(readFileSync(join(out, "recs-rank.md"), "utf8")).toMatch(/^\| items × dims .*\n\| --- .*\n\| 1,000 × 8 \| /);
    const json = JSON.parse(readFileSync(join(out, "recs-rank.json"), "utf8")) as { figures: Array<{ topTenExact: boolean }> };
    expect(json.figures.map((f) => f.topTenExact)).toEqual([true]);
  });
});
