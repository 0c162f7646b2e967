import { decodeModel, type RecModel } from "../../../src/recs/model.ts";
import { redactSecrets } from "../../../src/redact.ts";
import { RecModelStore } from "./model-store.ts";

/**
 * The model the shop serves, per isolate (issue 18, part E): the active pointer is read from KV
 * at most once per POINTER_TTL_MS, and a version's artifact is fetched and decoded once, then
 * kept until another version is activated. So a request pays for the model only when it
 * changed; the ranking itself is a loop over a Float32Array.
 *
 * Never throws: no pointer, a pointer to a version whose chunks are gone, an artifact that no
 * longer decodes, or KV failing, each gives `model: null` with the reason, which the caller
 * logs and answers with popularity (a recommendation is never worth an error page). A failed
 * version is remembered for POINTER_TTL_MS so a corrupt model is not re-read on every request.
 */

export const POINTER_TTL_MS = 5_000;

export type ActiveModel = { model: RecModel; reason: null } | { model: null; reason: string };

let pointerCache: { at: number; version: string | null } | null = null;
let loaded: { version: string; result: ActiveModel; at: number } | null = null;

/** Forgets what this isolate read (an activation in it takes effect at once). */
export function modelsChanged(): void {
  pointerCache = null;
  loaded = null;
}

/** The active model, or why there is none. */
export async function activeModel(env: Env, now: number = Date.now()): Promise<ActiveModel> {
  const store = new RecModelStore(env.SALES);
  let version: string | null;
  try {
    if (pointerCache && now - pointerCache.at < POINTER_TTL_MS) version = pointerCache.version;
    else {
      version = (await store.active())?.model ?? null;
      pointerCache = { at: now, version };
    }
  } catch (error) {
    return { model: null, reason: `the active pointer could not be read from KV (${redactSecrets((error as Error).message)})` };
  }
  if (version === null) return { model: null, reason: "no model is active" };
  if (loaded?.version === version && (loaded.result.model || now - loaded.at < POINTER_TTL_MS)) return loaded.result;
  const result = await load(store, version);
  loaded = { version, result, at: now };
  return result;
}

async function load(store: RecModelStore, version: string): Promise<ActiveModel> {
  let text: string | null;
  try {
    text = await store.text(version);
  } catch (error) {
    return { model: null, reason: `model ${version} could not be read from KV (${redactSecrets((error as Error).message)})` };
  }
  if (text === null) return { model: null, reason: `model ${version} is active but not stored whole (description or a chunk missing)` };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { model: null, reason: `model ${version} is not valid JSON` };
  }
  const decoded = decodeModel(json);
  if (!decoded.ok) return { model: null, reason: `model ${version} does not decode: ${decoded.problems.slice(0, 3).join("; ")}` };
  return { model: decoded.value, reason: null };
}
