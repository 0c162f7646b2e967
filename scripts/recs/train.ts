/**
 * `npm run train:recs`: trains the two-tower recommender (scripts/recs/two-tower.ts) on the
 * shop's events in Postgres (product views, adds to cart, paid orders of the last --days) or on
 * the generated log (--generated), evaluates it on the last --hold-out-days, and writes the
 * artifact to a file (--out) and/or publishes it through the admin API (--publish: POST
 * /admin/api/recommendations/models, part E's store; it is activated there, not here).
 *
 *   npm run train:recs -- --generated --out model.json
 *   DATABASE_URL=… npm run train:recs -- --out model.json
 *   ADMIN_TOKEN=… npm run train:recs -- --publish [--url https://shop.example.com]
 *
 * Postgres: DATABASE_URL (NEON_WS_PROXY for a Postgres that is not Neon), else the local stack of
 * `npm start`, as `npm run staff` finds it.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { randomBase36 } from "../../src/encoding.ts";
import { DAY_MS } from "../../src/recs/ranking-math.ts";
import { CliError, runCli } from "../cli/run.ts";
import { cliDatabaseSettings, unreachable } from "../staff/database.ts";
import { loadEventLogFrom } from "./load-events.ts";
import { EVAL_GENERATOR, generatedInput, metricsTable, type PipelineInput, trainAndEvaluate, versionAt } from "./pipeline.ts";

const USAGE = `usage: npm run train:recs -- [--generated] [--out model.json] [--publish [--url URL]]
                             [--days 90] [--hold-out-days 1] [--epochs 3] [--seed 1]
env:   DATABASE_URL (+ NEON_WS_PROXY) for the events; ADMIN_TOKEN for --publish`;

await runCli(async (args) => {
  const { values } = parseArgs({
    args,
    options: {
      generated: { type: "boolean", default: false },
      out: { type: "string" },
      publish: { type: "boolean", default: false },
      url: { type: "string", default: "http://127.0.0.1:8787" },
      days: { type: "string", default: "90" },
      "hold-out-days": { type: "string", default: "1" },
      epochs: { type: "string", default: "3" },
      seed: { type: "string", default: "1" },
    },
  });
  const problems: string[] = [];
  const whole = (name: string, text: string, min: number) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min) problems.push(`--${name} must be a whole number ≥ ${min}, got ${text}`);
    return value;
  };
  const days = whole("days", values.days, 1);
  const holdOutDays = whole("hold-out-days", values["hold-out-days"], 1);
  const epochs = whole("epochs", values.epochs, 1);
  const seed = whole("seed", values.seed, 0);
  if (!values.out && !values.publish) problems.push("say where the model goes: --out <file> and/or --publish");
  const token = process.env.ADMIN_TOKEN;
  if (values.publish && !token) problems.push("--publish needs ADMIN_TOKEN (the storefront's admin token; npm start prints it)");
  if (holdOutDays >= days) problems.push(`--hold-out-days (${holdOutDays}) must be less than --days (${days})`);
  if (problems.length > 0) throw new CliError("cannot train", 2, problems);

  const now = Date.now();
  const version = versionAt(now, randomBase36(4));
  const training: PipelineInput["training"] = { epochs, seed, onProgress: (line) => console.log(line) };
  let input: PipelineInput;
  if (values.generated) {
    input = generatedInput({ ...EVAL_GENERATOR, seed: seed || EVAL_GENERATOR.seed }, version, training);
  } else {
    const settings = cliDatabaseSettings(process.env);
    const loaded = await loadEventLogFrom(settings, now - days * DAY_MS).catch((error: unknown) => {
      throw unreachable(settings, error);
    });
    if (loaded.log.length === 0)
      throw new CliError(`no product views, adds to cart or paid orders in the last ${days} days to train on`, 1);
    input = { ...loaded, holdOutFrom: now - holdOutDays * DAY_MS, source: "events", version, trainedAt: now, training };
  }
  console.log(
    `${input.log.length} events, ${input.items.length} items; training on events before ${new Date(input.holdOutFrom).toISOString()}`,
  );
  const { artifact } = await trainAndEvaluate(input);
  if (artifact.metrics) console.log(`\n${metricsTable(artifact.metrics)}\n(held-out shoppers: ${artifact.metrics.heldOutShoppers})`);
  const json = JSON.stringify(artifact);
  if (values.out) {
    writeFileSync(values.out, json);
    console.log(`wrote model ${artifact.version} to ${values.out} (${(json.length / 1024).toFixed(0)} KiB)`);
  }
  if (values.publish) {
    const url = new URL("/admin/api/recommendations/models", values.url);
    const response = await fetch(url, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", "Idempotency-Key": `rec-model-${artifact.version}` },
      body: json,
    }).catch((error: Error) => {
      throw new CliError(`could not reach ${values.url}: ${error.message}`, 2);
    });
    if (!response.ok) {
      const body = (await response.json().catch(() => null)) as { error?: { message?: string; problems?: string[] } } | null;
      throw new CliError(
        `publishing refused (${response.status}): ${body?.error?.message ?? response.statusText}`,
        1,
        body?.error?.problems ?? [],
      );
    }
    console.log(`published model ${artifact.version} to ${url.origin} (activate it in the console's Recommendations view)`);
  }
}, USAGE);
