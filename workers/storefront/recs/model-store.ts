import {
  type ActivePointer,
  activePointerSchema,
  MODEL_VERSION,
  type ModelDescription,
  modelDescriptionSchema,
} from "../../../src/recs/model-versions.ts";

/**
 * The recommender's published models in Workers KV (issue 18, part E): each uploaded artifact
 * kept whole under its version, and one pointer saying which version the shop serves.
 *
 * - `rec-model:<version>`: the model's description (version, when trained, sizes, metrics, who
 *   uploaded it, how many chunks): what the console lists, without reading any artifact;
 * - `rec-model-chunk:<version>:<n>`: the artifact's JSON text in pieces of at most CHUNK_CHARS.
 *   KV takes values up to 25 MiB; a 10,000-item model of 64 dimensions is about 3.5 MB of
 *   base64, a bigger one is split rather than refused. Chunks are written before the
 *   description, so a description always has its chunks;
 * - `rec-model:active`: `{ model, revision, previous, activatedAt, activatedBy }`. Every change
 *   is a new revision, audited in Postgres (`config_audit_log`, kind `rec-model`, key
 *   `active`), whose `(kind, key, version)` key refuses a second change from the same revision.
 *
 * Models are never edited: a new one is a new version. Reading validates what KV holds, as KV
 * is written by people and tools too.
 */

export { type ActivePointer, activePointerSchema, MODEL_VERSION, type ModelDescription, modelDescriptionSchema };

/** Characters of JSON per KV value: well under KV's 25 MiB (a character is at most 3 bytes of UTF-8; the artifact is ASCII). */
export const CHUNK_CHARS = 8 * 1024 * 1024;
const ACTIVE_KEY = "rec-model:active";
const DESCRIPTION_PREFIX = "rec-model:";
const chunkKey = (version: string, n: number) => `rec-model-chunk:${version}:${n}`;

/** The KV calls of the model store, and only those. */
export class RecModelStore {
  private readonly kv: KVNamespace;
  private readonly chunkChars: number;

  constructor(kv: KVNamespace, chunkChars: number = CHUNK_CHARS) {
    this.kv = kv;
    this.chunkChars = chunkChars;
  }

  /** Stores an artifact's text and its description (chunks first). */
  async put(description: Omit<ModelDescription, "chunks" | "size">, text: string): Promise<ModelDescription> {
    const chunks = Math.max(1, Math.ceil(text.length / this.chunkChars));
    for (let n = 0; n < chunks; n++)
      await this.kv.put(chunkKey(description.version, n), text.slice(n * this.chunkChars, (n + 1) * this.chunkChars));
    const stored: ModelDescription = { ...description, chunks, size: text.length };
    await this.kv.put(`${DESCRIPTION_PREFIX}${description.version}`, JSON.stringify(stored));
    return stored;
  }

  /** A version's description, or null. */
  async describe(version: string): Promise<ModelDescription | null> {
    if (!MODEL_VERSION.test(version)) return null;
    const parsed = modelDescriptionSchema.safeParse(await this.kv.get(`${DESCRIPTION_PREFIX}${version}`, "json"));
    return parsed.success ? parsed.data : null;
  }

  /** A version's artifact text, whole, or null when its description or a chunk is missing. */
  async text(version: string): Promise<string | null> {
    const description = await this.describe(version);
    if (!description) return null;
    const parts = await Promise.all(Array.from({ length: description.chunks }, (_, n) => this.kv.get(chunkKey(version, n))));
    if (parts.some((part) => part === null)) return null;
    const text = parts.join("");
    return text.length === description.size ? text : null;
  }

  /** Every stored version's description, the newest trained first. */
  async list(): Promise<ModelDescription[]> {
    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.kv.list({ prefix: DESCRIPTION_PREFIX, cursor });
      names.push(...page.keys.map((k) => k.name).filter((name) => name !== ACTIVE_KEY));
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);
    const described = await Promise.all(names.map((name) => this.describe(name.slice(DESCRIPTION_PREFIX.length))));
    return described
      .filter((d): d is ModelDescription => d !== null)
      .sort((a, b) => b.trainedAt - a.trainedAt || b.uploadedAt - a.uploadedAt || a.version.localeCompare(b.version));
  }

  /** The pointer to the version served, or null (none activated yet, or not valid). */
  async active(): Promise<ActivePointer | null> {
    const raw = await this.kv.get(ACTIVE_KEY, "json");
    const parsed = activePointerSchema.safeParse(raw);
    return parsed.success ? parsed.data : null;
  }

  async setActive(pointer: ActivePointer): Promise<void> {
    await this.kv.put(ACTIVE_KEY, JSON.stringify(pointer));
  }
}
