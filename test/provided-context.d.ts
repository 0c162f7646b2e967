import "vitest";
import type { LocalStackVars } from "../scripts/local/stack-vars.ts";

// What test/global-setup.ts hands every test project.
declare module "vitest" {
  interface ProvidedContext {
    stackVars: LocalStackVars;
    redisBackendUrl: string;
    /** The local push service (scripts/local/push-service.ts), issue 15. */
    pushServiceUrl: string;
  }
}
