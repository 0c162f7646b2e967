/**
 * `npm run eval:lookalike` (issue 18): the lookalike method measured on a generated population
 * (src/audiences/population.ts: 10,000 shoppers, a planted 1,000-shopper segment, 200 seeds
 * drawn from it). For each audience size, its precision: the fraction of the audience in the
 * planted segment (the 800 planted shoppers who are not seeds are 8.2 % of the 9,800 others, so
 * a random audience scores about 0.082), and the estimate the job stores with each audience
 * (held-out recall: the share of a held-out fifth of the seeds found by an audience built from
 * the rest). Prints a Markdown table for the README.
 */
import { buildLookalike, holdoutRecall } from "../../src/audiences/lookalike.ts";
import { generatePopulation, precisionOf } from "../../src/audiences/population.ts";

const SIZES_TENTHS = [10, 20, 50, 100];

function main(): void {
  const seedArg = process.argv.find((a) => a.startsWith("--seed="));
  const seed = seedArg ? Number(seedArg.slice("--seed=".length)) : 18;
  const population = generatePopulation({ seed });
  const others = population.shoppers.length - population.seeds.size;
  const plantedOthers = population.planted.size - population.seeds.size;
  console.log(
    `population: ${population.shoppers.length} shoppers, ${population.planted.size} planted, ${population.seeds.size} seeds (RNG seed ${seed})`,
  );
  console.log(`random audience: precision ≈ ${(plantedOthers / others).toFixed(3)}\n`);
  console.log("| audience | shoppers | precision | held-out recall (the job's estimate) | build (ms) |");
  console.log("| --- | --- | --- | --- | --- |");
  for (const tenths of SIZES_TENTHS) {
    const started = performance.now();
    const audience = buildLookalike(population.shoppers, population.seeds, tenths);
    const ms = performance.now() - started;
    const recall = holdoutRecall(population.shoppers, population.seeds, tenths);
    console.log(
      `| ${tenths / 10} % | ${audience.members.length} | ${precisionOf(audience.members, population.planted).toFixed(3)} | ${recall?.toFixed(3) ?? "–"} | ${ms.toFixed(0)} |`,
    );
  }
}

main();
