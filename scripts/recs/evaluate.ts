/**
 * `npm run eval:recs`: the two-tower recommender against popularity and random on a generated
 * log with planted tastes (src/recs/generated-log.ts; 1,000 shoppers, 400 items, 28 days), the
 * last 4 days held out. Prints progress, the table the README shows and the phones check;
 * exits 1 when the model misses the targets (recall@10 ≥ 2× popularity's; ≥ 5 phones
 * in the top 10 after three phone views). `--out <file>` also writes the trained artifact.
 *
 *   npm run eval:recs [-- --out model.json] [--shoppers 1000] [--epochs 3] [--seed 18]
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { CliError, runCli } from "../cli/run.ts";
import { EVAL_GENERATOR, generatedInput, metricsTable, trainAndEvaluate, versionAt } from "./pipeline.ts";

const USAGE = "usage: npm run eval:recs [-- --out model.json] [--shoppers N] [--epochs N] [--seed N]";

await runCli(async (args) => {
  const { values } = parseArgs({
    args,
    options: { out: { type: "string" }, shoppers: { type: "string" }, epochs: { type: "string" }, seed: { type: "string" } },
  });
  const number = (text: string | undefined, fallback: number, name: string) => {
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) throw new CliError(`--${name} must be a whole number ≥ 1, got ${text}`);
    return value;
  };
  const generator = {
    ...EVAL_GENERATOR,
    shoppers: number(values.shoppers, EVAL_GENERATOR.shoppers, "shoppers"),
    seed: number(values.seed, EVAL_GENERATOR.seed, "seed"),
  };
  const input = generatedInput(generator, versionAt(Date.now(), "eval"), {
    epochs: number(values.epochs, 3, "epochs"),
    onProgress: (line) => console.log(line),
  });
  console.log(
    `generated ${input.log.length} events of ${generator.shoppers} shoppers over ${input.items.length} items; holding out from ${new Date(input.holdOutFrom).toISOString()}`,
  );
  const { artifact } = await trainAndEvaluate(input);
  const metrics = artifact.metrics!;
  console.log(`\n${metricsTable(metrics)}\n`);
  console.log(
    `held-out shoppers: ${metrics.heldOutShoppers}; phones in the top 10 after three phone views: ${metrics.phonesInTop10AfterThreePhoneViews}/10`,
  );
  console.log(`training: ${artifact.training?.events} examples, ${artifact.training?.seconds} s`);
  if (values.out) writeFileSync(values.out, JSON.stringify(artifact));
  const recall = (ranker: string) => metrics.rows.find((row) => row.ranker === ranker)?.recallAtK ?? 0;
  const problems = [];
  if (recall("two_tower") < 2 * recall("popularity"))
    problems.push(`recall@10 ${recall("two_tower").toFixed(3)} is below 2 × popularity's ${recall("popularity").toFixed(3)}`);
  if ((metrics.phonesInTop10AfterThreePhoneViews ?? 0) < 5)
    problems.push(`only ${metrics.phonesInTop10AfterThreePhoneViews} phones in the top 10 after three phone views`);
  if (problems.length > 0) throw new CliError("the model misses the issue's targets", 1, problems);
}, USAGE);
