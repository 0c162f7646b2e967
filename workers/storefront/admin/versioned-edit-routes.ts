import { z } from "@hono/zod-openapi";
import type { Capability } from "../../../src/staff/roles.ts";
import { adminRoute } from "../contract/admin-route.ts";
import { handlerValidatedBody } from "../contract/handler-validated-body.ts";
import { noStore } from "../contract/no-store.ts";
import { adminActorHeader, JSON_INPUT_ERRORS } from "./request.ts";

/** What one kind of versioned configuration's list, create, read and update routes say (see versionedEditRoutes). */
export interface VersionedEditSpec<One extends z.ZodType, Listed extends z.ZodType> {
  /** The collection's path, e.g. "/livestreams"; one is at `${path}/{id}`. */
  path: string;
  /** "livestream", "livestreams": for the descriptions. */
  noun: string;
  plural: string;
  admits: { read: Capability; edit: Capability };
  /** The answer of a create, a read and an update: the stored value, or it with its figures. */
  one: One;
  /** The answer of the list. */
  listed: Listed;
  /** The registered names of the create and update bodies (their schemas are registered by the caller). */
  bodies: { draft: string; update: string };
  /** Why the reads are not cached. */
  noStoreReason: string;
  summaries: { list: string; create: string; get: string; update: string };
  /** What a save does and refuses, said on create and update. */
  saveNote: string;
  /** Said before the save note on an update (what a new version means for what is running). */
  updateNote?: string;
}

/**
 * The list, create, read and update routes of one kind of versioned configuration (coupon
 * templates, team campaigns, livestreams, follow-up sequences): the same contract each time,
 * a create's version 1 and an update from the version it was read at (409 `conflict` from
 * another), each problem listed. The handlers stay with their kind: what a save checks and
 * does beside KV and the audit log is each kind's own.
 */
export function versionedEditRoutes<One extends z.ZodType, Listed extends z.ZodType>(spec: VersionedEditSpec<One, Listed>) {
  const json = <T extends z.ZodType>(schema: T) => ({ "application/json": { schema } });
  const idParams = z.object({ id: z.string().openapi({ param: { description: `the ${spec.noun}'s id` } }) });
  const NO_STORE = noStore(spec.noStoreReason);
  const listRoute = adminRoute({
    method: "get",
    path: spec.path,
    admits: spec.admits.read,
    summary: spec.summaries.list,
    responses: { 200: { description: `the ${spec.plural}`, headers: NO_STORE, content: json(spec.listed) } },
  });
  const createRoute = adminRoute({
    method: "post",
    path: spec.path,
    admits: spec.admits.edit,
    summary: spec.summaries.create,
    description: spec.saveNote,
    request: { headers: adminActorHeader, body: handlerValidatedBody(spec.bodies.draft, `the ${spec.noun}`) },
    responses: { 201: { description: "created", content: json(spec.one) } },
    errors: [...JSON_INPUT_ERRORS, "conflict", "dependency_unavailable"],
  });
  const getRoute = adminRoute({
    method: "get",
    path: `${spec.path}/{id}`,
    admits: spec.admits.read,
    summary: spec.summaries.get,
    request: { params: idParams },
    responses: { 200: { description: `the ${spec.noun}`, headers: NO_STORE, content: json(spec.one) } },
    errors: ["not_found"],
  });
  const updateRoute = adminRoute({
    method: "put",
    path: `${spec.path}/{id}`,
    admits: spec.admits.edit,
    summary: spec.summaries.update,
    description: spec.updateNote ? `${spec.updateNote} ${spec.saveNote}` : spec.saveNote,
    request: {
      params: idParams,
      headers: adminActorHeader,
      body: handlerValidatedBody(spec.bodies.update, `the whole ${spec.noun} and expectedVersion`),
    },
    responses: { 200: { description: "saved", content: json(spec.one) } },
    errors: [...JSON_INPUT_ERRORS, "not_found", "conflict", "dependency_unavailable"],
  });
  return { listRoute, createRoute, getRoute, updateRoute, idParams };
}
