import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/**
 * Two projects share one local stack (test/global-setup.ts):
 * - `workers`: tests inside workerd with the real bindings of wrangler.toml;
 * - `integration`: Node-side tests of the local stack, and the built bundle on Miniflare.
 */
export default defineConfig({
  test: {
    globalSetup: ["./test/global-setup.ts"],
    projects: [
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: { bindings: { ...inject("stackVars") } },
          })),
        ],
        test: { name: "workers", include: ["test/worker/**/*.test.ts"] },
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
