import { z } from "@hono/zod-openapi";
import { databaseSettings } from "../../../src/config.ts";
import { withDatabase } from "../../../src/db/client.ts";
import { describeDatabaseFailure } from "../../../src/db/errors.ts";
import { AppError } from "../../../src/errors.ts";
import { CONFIG_SAME_VERSION, configAuditTrail, recordConfigChange } from "../../../src/kv/config-audit.ts";
import { adminRoute } from "../contract/admin-route.ts";
import { noStore } from "../contract/no-store.ts";
import { contractApp } from "../contract/route.ts";
import { epochMs, int } from "../contract/units.ts";
import { saveVersion } from "./save-version.ts";

/**
 * What every configuration a marketer edits in versions shares beyond sales and experiments
 * (coupon templates and team campaigns, issue 14; livestreams, issue 15): stored in KV with
 * every version kept, audited in Postgres (`config_audit_log`, by kind). This module holds the
 * parts that are the same for each, so a new kind of configuration writes only what is its own:
 *
 * - `versionTrailRoutes`: `GET <path>/{id}/history` (KV's versions, newest first) and
 *   `GET <path>/{id}/audit` (who changed what when, before and after);
 * - `saveConfigVersion`: the audit row and the KV write in one transaction (./save-version.ts);
 * - `updatedDraft`: an edit's body read against the id in the URL and the version it was edited from.
 */

/** A stored configuration: its id and version, and the server's stamps. */
interface Versioned {
  id: string;
  version: number;
}

/** Where a configuration's versions live (src/kv/versioned-catalog.ts). */
export interface VersionedStore<T extends Versioned> {
  find(id: string): Promise<T | null>;
  history(id: string, limit: number): Promise<T[]>;
  put(value: T): Promise<void>;
}

export interface ConfigKind<T extends Versioned> {
  /** `config_audit_log.kind`, e.g. "livestream". */
  kind: string;
  /** What one is called in messages, e.g. "livestream", "team campaign". */
  noun: string;
  /** Its store in KV, for a request's bindings. */
  catalog: (env: Env) => VersionedStore<T>;
}

/** One audit entry as the console reads it. */
export interface AuditEntryOf<T> {
  id: number;
  at: number;
  actor: string;
  action: "create" | "update";
  version: number;
  before: T | null;
  after: T;
}

/** The stored configuration `id`, or 404 `not_found`. */
export async function existingVersion<T extends Versioned>(env: Env, config: ConfigKind<T>, id: string): Promise<T> {
  const found = await config.catalog(env).find(id);
  if (!found) throw new AppError("not_found", `no ${config.noun} "${id}"`);
  return found;
}

/**
 * Saves one version: the audit row and the KV write in one transaction, a second save of the
 * same version refused as 409 `conflict` (./save-version.ts).
 */
export async function saveConfigVersion<T extends Versioned & { updatedAt?: number | null }>(
  env: Env,
  config: ConfigKind<T>,
  change: { action: "create" | "update"; actor: string; before: T | null; after: T },
): Promise<void> {
  const catalog = config.catalog(env);
  const { action, actor, before, after } = change;
  const entry = { kind: config.kind, key: after.id, at: after.updatedAt ?? Date.now(), actor, action, before, after };
  await saveVersion(env, {
    what: `${config.noun} "${after.id}"`,
    audit: (tx) => recordConfigChange(tx, entry),
    store: () => catalog.put(after),
    sameVersionConstraint: CONFIG_SAME_VERSION,
    currentVersion: async () => (await catalog.find(after.id))?.version,
    version: after.version,
    entry,
  });
}

/**
 * An edit's draft from its body: the id may be left out (the URL's is taken), else it must be
 * the URL's (400); `expectedVersion` must be the stored version (409 `conflict` with the current
 * one: someone saved in between). `validate` is the kind's parse, listing every problem.
 */
export function updatedDraft<D extends { id: string; expectedVersion: number }>(
  config: Pick<ConfigKind<Versioned>, "noun">,
  input: unknown,
  current: Versioned,
  validate: (input: unknown) => D,
): Omit<D, "expectedVersion"> {
  const id = current.id;
  const isRecord = typeof input === "object" && input !== null && !Array.isArray(input);
  const { expectedVersion, ...draft } = validate(isRecord && !("id" in input) ? { ...input, id } : input);
  if (draft.id !== id) {
    const problem = `id: must be "${id}", the id in the URL`;
    throw new AppError("invalid_request", problem, { problems: [problem] });
  }
  if (expectedVersion !== current.version) {
    throw new AppError("conflict", `${config.noun} "${id}" is at version ${current.version}, not ${expectedVersion}; read it again`, {
      version: current.version,
    });
  }
  return draft;
}

/**
 * The history and audit routes of one kind of configuration under `path` (e.g. "/livestreams"),
 * its stored shape documented as `component`. Typed by what every kind shares (an id and a
 * version): the routes only pass each kind's stored values through.
 */
export function versionTrailRoutes(
  config: ConfigKind<Versioned>,
  route: { path: string; component: z.ZodType<Versioned>; historyKey: string },
) {
  const json = <S extends z.ZodType>(schema: S) => ({ "application/json": { schema } });
  const idParams = z.object({ id: z.string().openapi({ param: { description: `the ${config.noun}'s id` } }) });
  const NO_STORE = noStore(`a ${config.noun} may be edited at any time`);
  const auditEntry = z.object({
    id: int,
    at: epochMs,
    actor: z.string(),
    action: z.enum(["create", "update"]),
    version: int,
    before: route.component.nullable(),
    after: route.component,
  });

  const historyRoute = adminRoute({
    method: "get",
    path: `${route.path}/{id}/history`,
    admits: "readSales",
    summary: `Every saved version, newest first (KV \`${route.historyKey}\`)`,
    request: { params: idParams, query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }) },
    responses: {
      200: {
        description: "the versions",
        headers: NO_STORE,
        content: json(z.object({ id: z.string(), versions: z.array(route.component) })),
      },
    },
    errors: ["not_found"],
  });

  const auditRoute = adminRoute({
    method: "get",
    path: `${route.path}/{id}/audit`,
    admits: "readAudit",
    summary: `The ${config.noun}'s audit log from Postgres, newest first: who changed what when, before and after`,
    request: { params: idParams, query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }) },
    responses: { 200: { description: "the entries", headers: NO_STORE, content: json(z.object({ entries: z.array(auditEntry) })) } },
    errors: ["dependency_unavailable"],
  });

  return contractApp()
    .openapi(historyRoute, async (c) => {
      const { id } = c.req.valid("param");
      const versions = await config.catalog(c.env).history(id, c.req.valid("query").limit);
      if (versions.length === 0) versions.push(await existingVersion(c.env, config, id));
      c.header("Cache-Control", "no-store");
      return c.json({ id, versions }, 200);
    })
    .openapi(auditRoute, async (c) => {
      const { id } = c.req.valid("param");
      const records = await withDatabase(databaseSettings(c.env), (db) =>
        configAuditTrail<Versioned>(db, config.kind, id, c.req.valid("query").limit),
      ).catch((error: Error) => {
        console.error(`${config.noun}: the audit log could not be read (${describeDatabaseFailure(error).summary})`);
        throw new AppError("dependency_unavailable", "the audit log (Postgres) could not be read");
      });
      const entries = records.map(({ id, at, actor, action, version, before, after }) => ({
        id,
        at,
        actor,
        action: action as "create" | "update",
        version,
        before,
        after,
      }));
      c.header("Cache-Control", "no-store");
      return c.json({ entries }, 200);
    });
}
