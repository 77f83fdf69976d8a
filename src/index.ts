import { createApp } from "./app";
import { handleCron } from "./publishing/cron-handler";
import { handleDeadLetterBatch, handlePublishBatch, PUBLISH_DLQ } from "./publishing/queue-handler";

export { RateLimiter } from "./rate-limit/rate-limiter-object";

const app = createApp();

export default {
  fetch: app.fetch,
  scheduled: (controller, env) => handleCron(controller, env),
  queue: (batch, env) =>
    batch.queue === PUBLISH_DLQ
      ? handleDeadLetterBatch(batch, env)
      : handlePublishBatch(batch, env),
} satisfies ExportedHandler<Cloudflare.Env>;
