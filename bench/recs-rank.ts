/**
 * `npm run bench:recs-serving` (issue 18, part E): what ranking costs the Worker. A generated model of
 * `--items` items (default 10,000) × `--dims` dimensions (default 32 and 64), its shopper tower
 * one dense layer over the full input (a slot per SKU: the biggest tower the contract allows
 * for this catalogue), then, `--runs` times each (default 300), medians and p95:
 *
 * - `rankItems` alone: the dot product with every item and the top 10 (nothing excluded);
 * - a whole `recommend` for a shopper with five views in the window, all 10,000 items on sale:
 *   the shopper tower's forward pass, the ranking, each pick's reason (its nearest viewed item);
 * - decoding the artifact (JSON text → `decodeModel`): what an isolate pays once per model version.
 *
 * Measured in Node (V8, the engine workerd runs): inside workerd the clocks advance only on I/O
 * (a Spectre mitigation), so a pure computation cannot be timed from within a Worker. Writes
 * bench/results/recs-rank.json and .md.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { decodeModel, encodeFloat32, type RecModel, type RecModelArtifact, rankItems, shopperInputSize } from "../src/recs/model.ts";
import { recommend } from "../src/recs/serving.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CATEGORIES = ["phones", "laptops", "shoes", "bags", "beauty", "snacks", "toys", "home", "sports", "books"];

/** A seeded generator (mulberry32), so every run ranks the same model. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A generated artifact: unit item vectors clustered by category, a one-layer tower. */
export function generatedModel(items: number, dims: number, seed = 18): RecModelArtifact {
  const next = random(seed);
  const centres = CATEGORIES.map(() => Array.from({ length: dims }, () => next() * 2 - 1));
  const embeddings = new Float32Array(items * dims);
  const list = Array.from({ length: items }, (_, i) => {
    const c = i % CATEGORIES.length;
    let norm = 0;
    for (let d = 0; d < dims; d++) {
      const v = centres[c]![d]! + (next() - 0.5) * 0.6;
      embeddings[i * dims + d] = v;
      norm += v * v;
    }
    for (let d = 0; d < dims; d++) embeddings[i * dims + d]! /= Math.sqrt(norm);
    return { sku: `sku-${i}`, category: CATEGORIES[c]!, priceBand: ["low", "mid", "high"][i % 3]!, tags: [] };
  });
  const tower = { categories: CATEGORIES, priceBands: ["low", "mid", "high"], segments: ["champions", "loyal", "new"] };
  const inputs = shopperInputSize(items, tower);
  const weights = new Float32Array(inputs * dims);
  for (let i = 0; i < weights.length; i++) weights[i] = (next() - 0.5) * 0.1;
  return {
    version: `bench-${items}x${dims}`,
    trainedAt: 0,
    dims,
    items: list,
    itemEmbeddings: encodeFloat32(embeddings),
    popularity: list.slice(0, 100).map((item) => item.sku),
    shopperTower: {
      ...tower,
      layers: [
        { inputs, outputs: dims, weights: encodeFloat32(weights), bias: encodeFloat32(new Float32Array(dims)), activation: "linear" },
      ],
    },
    metrics: null,
    training: null,
  };
}

export interface RankingFigures {
  items: number;
  dims: number;
  runs: number;
  /** Characters of the artifact's JSON. */
  artifactChars: number;
  rankMs: { median: number; p95: number };
  recommendMs: { median: number; p95: number };
  decodeMs: { median: number; p95: number };
  /** rankItems's top 10 equals a full sort of every score (a check, not a timing). */
  topTenExact: boolean;
}

function quantiles(samples: number[]): { median: number; p95: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: Math.round(at(0.5) * 1000) / 1000, p95: Math.round(at(0.95) * 1000) / 1000 };
}

function time(runs: number, work: () => unknown): { median: number; p95: number } {
  for (let i = 0; i < Math.min(20, runs); i++) work(); // warm the JIT, as a busy isolate is
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    work();
    samples.push(performance.now() - start);
  }
  return quantiles(samples);
}

/** Measures one model size. */
export function benchRanking(items: number, dims: number, runs: number): RankingFigures {
  const artifact = generatedModel(items, dims);
  const text = JSON.stringify(artifact);
  const decoded = decodeModel(JSON.parse(text));
  if (!decoded.ok) throw new Error(decoded.problems.join("; "));
  const model: RecModel = decoded.value;
  const now = 1_764_000_000_000;
  const views = [0, 10, 20, 30, 40].map((i, n) => ({
    sku: `sku-${i}`,
    category: CATEGORIES[i % CATEGORIES.length]!,
    at: now - (n + 1) * 60_000,
  }));
  const features = { views, segment: "loyal", paidOrders: 3, spentFen: 129_900, now };
  const onSale = new Map(model.items.map((item) => [item.sku, { title: item.sku, category: item.category }]));
  const vector = new Float32Array(dims).map((_, d) => Math.sin(d + 1));

  const top = rankItems(model, vector, { limit: 10 });
  const full = model.items
    .map((item, i) => {
      let s = 0;
      for (let d = 0; d < dims; d++) s += model.embeddings[i * dims + d]! * vector[d]!;
      return { sku: item.sku, s };
    })
    .sort((a, b) => b.s - a.s)
    .slice(0, 10)
    .map((x) => x.sku);

  return {
    items,
    dims,
    runs,
    artifactChars: text.length,
    rankMs: time(runs, () => rankItems(model, vector, { limit: 10 })),
    recommendMs: time(runs, () =>
      recommend({ arm: "two_tower", model, features, onSale, exclude: new Set(["sku-1"]), shopPopularity: [] }),
    ),
    decodeMs: time(Math.max(5, Math.floor(runs / 20)), () => decodeModel(JSON.parse(text))),
    topTenExact: JSON.stringify(top.map((t) => t.sku)) === JSON.stringify(full),
  };
}

export function renderMarkdown(figures: RankingFigures[]): string {
  const lines = [
    "| items × dims | artifact | `rankItems` top 10: median · p95 | whole `recommend` (tower, ranking, reasons): median · p95 | decode once per version: median |",
    "| --- | --- | --- | --- | --- |",
    ...figures.map(
      (f) =>
        `| ${f.items.toLocaleString("en")} × ${f.dims} | ${(f.artifactChars / 1e6).toFixed(1)} MB | ${f.rankMs.median} · ${f.rankMs.p95} ms | ${f.recommendMs.median} · ${f.recommendMs.p95} ms | ${f.decodeMs.median} ms |`,
    ),
  ];
  return `${lines.join("\n")}\n`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { items: { type: "string" }, dims: { type: "string" }, runs: { type: "string" }, out: { type: "string" } },
  });
  const items = Number(values.items ?? 10_000);
  const dims = values.dims ? values.dims.split(",").map(Number) : [32, 64];
  const runs = Number(values.runs ?? 300);
  const out = values.out ?? join(ROOT, "bench", "results");
  const figures = dims.map((d) => {
    const f = benchRanking(items, d, runs);
    console.log(
      `${items} × ${d}: rank ${f.rankMs.median} ms (p95 ${f.rankMs.p95}), recommend ${f.recommendMs.median} ms (p95 ${f.recommendMs.p95}), decode ${f.decodeMs.median} ms, exact top 10: ${f.topTenExact}`,
    );
    return f;
  });
  mkdirSync(out, { recursive: true });
  writeFileSync(
    join(out, "recs-rank.json"),
    `${JSON.stringify({ at: new Date().toISOString(), node: process.version, figures }, null, 2)}\n`,
  );
  writeFileSync(join(out, "recs-rank.md"), renderMarkdown(figures));
  console.log(renderMarkdown(figures));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
