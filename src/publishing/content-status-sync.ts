// Content follows its posts once none is waiting or in flight, in one statement so it can
// join the batch that settles a post:
// - every post was cancelled → back to `draft`
// - every post that was not cancelled is published → `published`
// - at least one failed → `failed` (a partial failure: the posts show which platforms have
//   it and which refused it)
// Content a person moved elsewhere meanwhile (draft, archived) is left alone.
export function syncContentStatus(
  d1: D1Database,
  workspaceId: string,
  contentId: string,
  now: number,
) {
  return d1
    .prepare(
      `UPDATE content SET
         status = CASE
           WHEN NOT EXISTS (SELECT 1 FROM scheduled_posts p WHERE p.content_id = content.id
                              AND p.status <> 'cancelled')
             THEN 'draft'
           WHEN NOT EXISTS (SELECT 1 FROM scheduled_posts p WHERE p.content_id = content.id
                              AND p.status IN ('pending', 'queued', 'publishing', 'failed'))
             THEN 'published'
           ELSE 'failed' END,
         published_at = CASE
           WHEN EXISTS (SELECT 1 FROM scheduled_posts p WHERE p.content_id = content.id
                          AND p.status = 'published')
            AND NOT EXISTS (SELECT 1 FROM scheduled_posts p WHERE p.content_id = content.id
                              AND p.status IN ('pending', 'queued', 'publishing', 'failed'))
             THEN coalesce(published_at, ?2)
           ELSE published_at END,
         updated_at = ?2
       WHERE id = ?1 AND workspace_id = ?3 AND status = 'scheduled'
         AND NOT EXISTS (SELECT 1 FROM scheduled_posts p WHERE p.content_id = content.id
                           AND p.status IN ('pending', 'queued', 'publishing'))`,
    )
    .bind(contentId, now, workspaceId);
}
