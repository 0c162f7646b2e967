import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { RATE_LIMITS_OFF } from "./src/rate-limit/limits.ts";
import { TEST_SECRETS } from "./test/support/test-secrets.ts";

/**
 * The projects share one local stack (test/global-setup.ts):
 * - `unit`: the domain in src/ on its own, in Node: examples and fast-check properties;
 * - `workers`: tests inside workerd with the real bindings of wrangler.toml;
 * - `integration`: Node-side tests of the local stack, and the built bundle on Miniflare;
 * - `browser`: the built bundle with its assets, driven in Debian's Chromium.
 */
export default defineConfig({
  test: {
    globalSetup: ["./test/global-setup.ts"],
    projects: [
      {
        test: { name: "unit", include: ["test/unit/**/*.test.ts"], environment: "node" },
      },
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml" },
            // Rate limits off: the tests send stampedes of up to 1,000 shoppers from one address.
            // test/worker/rate-limit.test.ts turns them on, low, per request.
            miniflare: { bindings: { ...inject("stackVars"), ...TEST_SECRETS, ...RATE_LIMITS_OFF } },
          })),
        ],
        // Generous timeouts: a 2-core CI machine runs all four projects and the stack at once.
        test: { name: "workers", include: ["test/worker/**/*.test.ts"], testTimeout: 30_000, hookTimeout: 60_000 },
      },
      {
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          environment: "node",
          // A browser on a loaded 2-core machine: wait for what the page shows, not for time.
          expect: { poll: { timeout: 10_000 } },
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          environment: "node",
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
