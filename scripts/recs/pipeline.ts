/**
 * Train on the log before the hold-out, evaluate on the sessions after it (issue 18, part D):
 * the one path `npm run train:recs`, `npm run eval:recs` and the integration test share.
 */
import { type GeneratorOptions, generateLog } from "../../src/recs/generated-log.ts";
import { evaluateRankers, phonesAfterThreePhoneViews } from "../../src/recs/evaluation.ts";
import { evaluationCases, type Interaction, popularityRanking, trainingExamples } from "../../src/recs/interactions.ts";
import { decodeModel, type RecItem, type RecModel, type RecModelArtifact } from "../../src/recs/model.ts";
import { DAY_MS, FRESHNESS_TAU_DAYS } from "../../src/recs/ranking-math.ts";
import { type TrainOptions, trainTwoTower } from "./two-tower.ts";

export interface PipelineInput {
  items: RecItem[];
  log: Interaction[];
  segments: ReadonlyMap<string, string>;
  /** Events at or after this (epoch ms) are held out of training and evaluated on. */
  holdOutFrom: number;
  source: "generated" | "events";
  version: string;
  trainedAt: number;
  training?: Omit<TrainOptions, "items" | "examples" | "popularity" | "version" | "trainedAt">;
}

export interface PipelineResult {
  artifact: RecModelArtifact;
  model: RecModel;
}

/** A version id from a time: `20261127-1350-<4 random>`. */
export function versionAt(at: number, suffix: string): string {
  const iso = new Date(at).toISOString();
  return `${iso.slice(0, 10).replaceAll("-", "")}-${iso.slice(11, 16).replace(":", "")}-${suffix}`;
}

export async function trainAndEvaluate(input: PipelineInput): Promise<PipelineResult> {
  const tauDays = input.training?.tauDays ?? FRESHNESS_TAU_DAYS;
  const examples = trainingExamples(input.log, input.holdOutFrom, input.segments, tauDays);
  const popularity = popularityRanking(input.log, input.holdOutFrom);
  const shoppers = new Set(input.log.filter((e) => e.at < input.holdOutFrom).map((e) => e.shopperId)).size;
  const trained = await trainTwoTower({
    ...input.training,
    tauDays,
    shoppers,
    items: input.items,
    examples,
    popularity,
    version: input.version,
    trainedAt: input.trainedAt,
  });
  const decoded = decodeModel(trained);
  if (!decoded.ok) throw new Error(`the trained model does not decode: ${decoded.problems.join("; ")}`);
  const cases = evaluationCases(input.log, input.holdOutFrom, input.segments);
  const artifact: RecModelArtifact = {
    ...trained,
    metrics: {
      k: 10,
      source: input.source,
      holdOutFrom: input.holdOutFrom,
      heldOutShoppers: new Set(input.log.filter((e) => e.at >= input.holdOutFrom).map((e) => e.shopperId)).size,
      rows: evaluateRankers(decoded.value, cases, decoded.value.popularity),
      phonesInTop10AfterThreePhoneViews: phonesAfterThreePhoneViews(decoded.value, input.holdOutFrom),
    },
  };
  return { artifact, model: { ...decoded.value, metrics: artifact.metrics } };
}

/** The generated log `npm run eval:recs` measures on (the README's table). */
export const EVAL_GENERATOR = { seed: 18, shoppers: 1_000, itemsPerCategory: 40, days: 28, start: Date.UTC(2026, 9, 1) } as const;
/** The small generated log the integration test trains on (quick on one core). */
export const TEST_GENERATOR = { seed: 3, shoppers: 250, itemsPerCategory: 20, days: 28, start: Date.UTC(2026, 9, 1) } as const;
/** Days at the end of a log held out of training and evaluated on. */
export const HOLD_OUT_DAYS = 4;

/** The pipeline's input for a generated log: the last HOLD_OUT_DAYS held out, trained at its end. */
export function generatedInput(generator: GeneratorOptions, version: string, training?: PipelineInput["training"]): PipelineInput {
  const generated = generateLog(generator);
  const end = generator.start + generator.days * DAY_MS;
  return {
    items: generated.items,
    log: generated.log,
    segments: generated.segments,
    holdOutFrom: end - HOLD_OUT_DAYS * DAY_MS,
    source: "generated",
    version,
    trainedAt: end,
    ...(training ? { training } : {}),
  };
}

/** The measured table as Markdown (what the README shows). */
export function metricsTable(metrics: NonNullable<RecModelArtifact["metrics"]>): string {
  const popularity = metrics.rows.find((row) => row.ranker === "popularity")?.recallAtK ?? 0;
  const lines = [`| Ranker | Recall@${metrics.k} | NDCG@${metrics.k} | Recall vs popularity |`, "|---|---:|---:|---:|"];
  for (const row of metrics.rows)
    lines.push(
      `| ${row.ranker} | ${row.recallAtK.toFixed(3)} | ${row.ndcgAtK.toFixed(3)} | ${popularity > 0 ? `${(row.recallAtK / popularity).toFixed(2)}×` : "—"} |`,
    );
  return lines.join("\n");
}
