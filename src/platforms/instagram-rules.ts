import type { MediaItem, RuleViolation } from "./adapter";

const MAX_CAPTION = 2200;
const MAX_HASHTAGS = 30;
const HASHTAG = /(?:^|[^\p{L}\p{N}_&/])#[\p{L}\p{M}\p{N}_]+/gu;
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

export function countHashtags(text: string): number {
  return [...text.matchAll(HASHTAG)].length;
}

export function validateInstagram(post: { text: string; media: MediaItem[] }): RuleViolation[] {
  const violations: RuleViolation[] = [];
  const length = [...post.text].length;
  if (length > MAX_CAPTION) {
    violations.push({
      field: "text",
      message: `Instagram allows ${MAX_CAPTION} characters in a caption; this text has ${length}`,
    });
  }
  const hashtags = countHashtags(post.text);
  if (hashtags > MAX_HASHTAGS) {
    violations.push({
      field: "text",
      message: `Instagram allows at most ${MAX_HASHTAGS} hashtags; this text has ${hashtags}`,
    });
  }
  if (post.media.length === 0) {
    violations.push({ field: "media", message: "Instagram needs an image or a video" });
  }
  // A carousel needs one child container per item and a parent container; not built yet.
  if (post.media.length > 1) {
    violations.push({
      field: "media",
      message: "Instagram carousels are not supported yet: attach exactly one image or video",
    });
  }
  post.media.forEach((item, index) => {
    const problem = mediaUrlProblem(item.url);
    if (problem) violations.push({ field: `media[${index}].url`, message: problem });
  });
  return violations;
}

// Instagram fetches the media itself, so it must be public https; plain http is only useful
// against a local stand-in.
function mediaUrlProblem(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "Instagram needs a valid media URL";
  }
  if (url.protocol === "https:") return null;
  if (url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname)) return null;
  return "Instagram needs an https media URL";
}
