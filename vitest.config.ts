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
          CREDENTIAL_KEYS: `test2:${Buffer.alloc(32, 2).toString("base64")},test1:${Buffer.alloc(32, 1).toString("base64")}`,
          // Platform calls in tests are answered by an intercepted fetch, never the internet.
          TWITTER_API_BASE: "https://standin.test/x",
          LINKEDIN_API_BASE: "https://standin.test/linkedin",
          INSTAGRAM_API_BASE: "https://standin.test/instagram",
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
