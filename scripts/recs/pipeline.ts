/**
 * Train on the log before the hold-out, evaluate on the sessions after it (issue 18, part D):
 * the one path `npm run train:recs`, `npm run eval:recs` and the integration test share.
 */
import { evaluateRankers, phonesAfterThreePhoneViews } from "../../src/recs/evaluation.ts";
import { evaluationCases, type Interaction, popularityRanking, trainingExamples } from "../../src/recs/interactions.ts";
import { decodeModel, type RecItem, type RecModel, type RecModelArtifact } from "../../src/recs/model.ts";
import { FRESHNESS_TAU_DAYS } from "../../src/recs/ranking-math.ts";
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
