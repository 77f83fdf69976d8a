// What the API answers, as the tests read it, and content the platforms' rules accept.

export type ScheduledPost = {
  id: string;
  schedule_id: string;
  content_id: string;
  platform: string;
  scheduled_at: string;
  status: string;
};

export type Pagination = { page: number; per_page: number; total: number };

// Instagram needs exactly one image or video to schedule; the other platforms accept media.
export const IMAGE = { url: "https://cdn.example.test/a.jpg", type: "image" as const };
