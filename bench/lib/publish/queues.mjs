// The API's queue producer and consumers for Miniflare, read from wrangler.toml so the bench
// runs with the batch size, retries, retry delay and dead-letter queue that ship.
export function queueOptions(rawConfig, { maxBatchTimeoutSeconds, maxBatchSize }) {
  const queues = rawConfig.queues ?? {};
  const queueProducers = Object.fromEntries(
    (queues.producers ?? []).map((p) => [p.binding, { queueName: p.queue }]),
  );
  const queueConsumers = Object.fromEntries(
    (queues.consumers ?? []).map((c) => [
      c.queue,
      {
        maxBatchSize: maxBatchSize ?? c.max_batch_size,
        maxBatchTimeout: Math.min(c.max_batch_timeout ?? 1, maxBatchTimeoutSeconds),
        maxRetries: c.max_retries,
        retryDelay: c.retry_delay,
        deadLetterQueue: c.dead_letter_queue,
      },
    ]),
  );
  if (!queueProducers.PUBLISH_QUEUE || !queueConsumers.publish) {
    throw new Error("wrangler.toml has no PUBLISH_QUEUE producer or publish consumer");
  }
  return { queueProducers, queueConsumers };
}
