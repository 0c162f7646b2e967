/** A quick measure of `rankItems` over 10,000 items × 32 dims in Node (README, "Recommendations"). */
import { buildArtifact, decodeModel, rankItems } from "../../src/recs/model.ts";
import { seededRandom } from "../../src/recs/ranking-math.ts";

const n = 10_000;
const dims = 32;
const random = seededRandom(1);
const items = Array.from({ length: n }, (_, i) => ({ sku: `sku-${i}`, category: `c${i % 10}`, priceBand: "mid", tags: [] }));
const inputs = n + 10 + 1 + 1 + 4;
const decoded = decodeModel(
  buildArtifact({
    version: "bench",
    trainedAt: 0,
    dims,
    items,
    embeddings: Float32Array.from({ length: n * dims }, () => random() - 0.5),
    popularity: [],
    tower: {
      categories: items.slice(0, 10).map((item) => item.category),
      priceBands: ["mid"],
      segments: [],
      layers: [
        {
          inputs,
          outputs: dims,
          weights: new Float32Array(inputs * dims),
          bias: Float32Array.from({ length: dims }, () => random()),
          activation: "linear",
        },
      ],
    },
  }),
);
if (!decoded.ok) throw new Error(decoded.problems.join("; "));
const vector = Float32Array.from({ length: dims }, () => random() - 0.5);
for (let i = 0; i < 20; i++) rankItems(decoded.value, vector, { limit: 10 });
const times: number[] = [];
for (let i = 0; i < 200; i++) {
  const start = performance.now();
  rankItems(decoded.value, vector, { limit: 10, exclude: ["sku-1", "sku-2"] });
  times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
console.log(
  `rankItems, ${n} items × ${dims} dims, top 10: median ${times[100]!.toFixed(2)} ms, p95 ${times[190]!.toFixed(2)} ms (200 runs)`,
);
