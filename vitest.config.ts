import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    cloudflareTest(async () => ({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          JWT_SECRET: "test-signing-secret-that-is-long-enough-0123456789",
          ENVIRONMENT: "test",
          TEST_MIGRATIONS: await readD1Migrations("./migrations"),
        },
      },
    })),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["./test/helpers/setup.ts"],
    // The Worker writes one JSON line per request; keep test output to failures and errors.
    onConsoleLog: (_log, type) => type === "stderr",
  },
});
