// Content follows its posts once they settle, in one statement so it can join the batch
// that settles the post:
// - every post that was not cancelled is published → `published`
// - none is still waiting or in flight and at least one failed → `failed` (a partial
//   failure: the posts show which platforms have it and which refused it)
// Content a person moved elsewhere meanwhile (draft, archived) is left alone.
export function syncContentStatus(d1: D1Database, contentId: string, now: number) {
  return d1
    .prepare(
      `UPDATE content SET
         status = CASE
           WHEN NOT EXISTS (SELECT 1 FROM scheduled_posts p WHERE p.content_id = content.id
                              AND p.status IN ('pending', 'queued', 'publishing', 'failed'))
             THEN 'published'
           ELSE 'failed' END,
         published_at = CASE
           WHEN NOT EXISTS (SELECT 1 FROM scheduled_posts p WHERE p.content_id = content.id
                              AND p.status IN ('pending', 'queued', 'publishing', 'failed'))
             THEN coalesce(published_at, ?2)
           ELSE published_at END,
         updated_at = ?2
       WHERE id = ?1 AND status = 'scheduled'
         AND NOT EXISTS (SELECT 1 FROM scheduled_posts p WHERE p.content_id = content.id
                           AND p.status IN ('pending', 'queued', 'publishing'))
         AND EXISTS (SELECT 1 FROM scheduled_posts p WHERE p.content_id = content.id
                       AND p.status IN ('published', 'failed'))`,
    )
    .bind(contentId, now);
}
