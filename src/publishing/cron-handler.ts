import { createLogger } from "../logger";
import { enqueueDuePosts } from "./claim-due-posts";

export async function handleCron(controller: ScheduledController, env: Cloudflare.Env) {
  const logger = createLogger({ job: "cron", cron: controller.cron });
  const started = Date.now();
  const report = await enqueueDuePosts(env.DB, env.PUBLISH_QUEUE, logger, started);
  logger.info("cron run", { ...report, duration_ms: Date.now() - started });
}
