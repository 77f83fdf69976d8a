import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, vi } from "vitest";

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

// No test talks to the internet: an outbound request nobody expected fails the test. The stub
// stays in place between tests too, because the local publish queue may deliver a message to
// the Worker's own consumer after the test that sent it has finished.
function refuseOutbound() {
  vi.stubGlobal("fetch", async (input: RequestInfo | URL) => {
    const url = input instanceof Request ? input.url : String(input);
    throw new Error(`Unexpected outbound request to ${url}`);
  });
}

refuseOutbound();
beforeEach(refuseOutbound);
