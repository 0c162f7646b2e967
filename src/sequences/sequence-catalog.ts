import { VersionedCatalog } from "../kv/versioned-catalog.ts";
import { SEQUENCE_KEY_PREFIX, type Sequence, sequenceHistoryPrefix, sequenceSchema } from "./sequence.ts";

/**
 * Follow-up sequences in Workers KV (issue 17), beside the sales and coupon templates (binding
 * SALES): `sequence:<id>`, and every version at `sequence-history:<id>:<version, 10 digits>`
 * (src/kv/versioned-catalog.ts). An enrolment runs the version it was enrolled under, read
 * back from the history when its object has to be started again.
 */
export class SequenceCatalog {
  private readonly catalog: VersionedCatalog<Sequence>;
  private readonly kv: KVNamespace;

  constructor(kv: KVNamespace) {
    this.kv = kv;
    this.catalog = new VersionedCatalog(kv, { prefix: SEQUENCE_KEY_PREFIX, historyPrefix: sequenceHistoryPrefix, schema: sequenceSchema });
  }

  find(id: string): Promise<Sequence | null> {
    return this.catalog.find(id);
  }

  /** One saved version, or null when it is not kept (or not valid). */
  async version(id: string, version: number): Promise<Sequence | null> {
    const raw = await this.kv.get(this.catalog.historyKey(id, version), "json");
    const parsed = sequenceSchema.safeParse(raw);
    return parsed.success ? parsed.data : null;
  }

  /** Every sequence, by id. */
  async list(): Promise<Sequence[]> {
    return (await this.catalog.list()).sort((a, b) => a.id.localeCompare(b.id));
  }

  put(sequence: Sequence): Promise<void> {
    return this.catalog.put(sequence.id, sequence);
  }

  history(id: string, limit: number): Promise<Sequence[]> {
    return this.catalog.history(id, limit);
  }
}
