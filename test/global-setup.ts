import type { TestProject } from "vitest/node";
import { startLocalStack } from "../scripts/local/stack.ts";
import { startPushService } from "../scripts/local/push-service.ts";
import { migrateDatabase } from "../scripts/migrate.ts";

/**
 * Runs once, in Node, before any test: the same local stack `npm start` runs, on free
 * ports. With DATABASE_URL or REDIS_URL set (CI sets both), tests use those real servers;
 * without them, the embedded PGlite and the gateway's in-process store.
 */
export default async function setup(project: TestProject) {
  const stack = await startLocalStack({
    databaseUrl: process.env.DATABASE_URL || undefined,
    redisUrl: process.env.REDIS_URL || undefined,
    gatewayToken: `test-${crypto.randomUUID()}`,
    ports: { postgres: 0, wsProxy: 0, gateway: 0 },
  });
  console.log(`test stack:\n  ${stack.summary.join("\n  ")}`);
  await migrateDatabase({ url: stack.vars.DATABASE_URL, localWsProxy: stack.vars.NEON_WS_PROXY });
  project.provide("stackVars", stack.vars);
  project.provide("redisBackendUrl", process.env.REDIS_URL ?? "");
  // A browser's push service, for the Worker's Web Push (issue 15): tests mint subscriptions on it.
  const pushService = await startPushService({ port: 0 });
  project.provide("pushServiceUrl", pushService.url);
  return async () => {
    await pushService.close();
    await stack.close();
  };
}
