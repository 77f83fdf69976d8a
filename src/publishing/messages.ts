// The body of a message on the `publish` queue and its dead-letter queue. Only ids travel:
// the consumer reads the post's current state from D1, so a stale message cannot resurrect
// a post that was cancelled or already published.
export type PublishMessage = { post_id: string; workspace_id: string };

export function isPublishMessage(body: unknown): body is PublishMessage {
  if (typeof body !== "object" || body === null) return false;
  const { post_id, workspace_id } = body as Record<string, unknown>;
  return typeof post_id === "string" && typeof workspace_id === "string";
}
