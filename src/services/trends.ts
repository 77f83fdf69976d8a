import { engagementRate, round } from "./analytics-window";

// One content item's text and its activity in the current and the previous window.
export type ContentActivity = {
  text: string;
  current: { impressions: number; engagements: number };
  previous: { impressions: number; engagements: number };
};

export type TrendingTopic = { topic: string; growth_rate: number; volume: number };
export type TrendingHashtag = { hashtag: string; usage_count: number; engagement_score: number };

const TOP = 10;

// Words too common to name a topic, in the languages our customers post in most.
const STOPWORDS = new Set(
  (
    "the and for with that this from your our you are was were has have had not but all can " +
    "will just into about more new now get out how what when who why its it's than then them " +
    "they their there here also very over only some such any each most other one two three " +
    "der die das und mit für les des une pour avec dans los las por con para una del"
  ).split(" "),
);

const HASHTAG = /#[\p{L}\p{N}_]+/gu;
const WORD = /[\p{L}\p{N}][\p{L}\p{N}'-]*/gu;

export function hashtagsOf(text: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const [tag] of text.matchAll(HASHTAG)) {
    const key = tag.toLowerCase();
    if (!tags.has(key)) tags.set(key, tag);
  }
  return tags;
}

// Single words and pairs of neighbouring words, lower-cased, without hashtags, links,
// mentions, numbers and stopwords. A stopword breaks a pair, so "launch of the year"
// yields no pair across "of the".
export function topicsOf(text: string): Set<string> {
  const cleaned = text
    .replace(/https?:\/\/\S+/g, " ")
    .replace(/[#@][\p{L}\p{N}_]+/gu, " | ")
    .toLowerCase();
  const terms = new Set<string>();
  let previous: string | null = null;
  let lastEnd = -1;
  for (const match of cleaned.matchAll(WORD)) {
    const word = match[0].replace(/['-]+$/, "");
    const start = match.index ?? 0;
    const between = lastEnd >= 0 ? cleaned.slice(lastEnd, start) : "";
    lastEnd = start + match[0].length;
    const keep = word.length >= 3 && !STOPWORDS.has(word) && !/^\d+$/.test(word);
    if (!keep) {
      previous = null;
      continue;
    }
    terms.add(word);
    // Only words on one line pair up: a title's last word and the description's first do not.
    if (previous && /^[ \t]+$/.test(between)) terms.add(`${previous} ${word}`);
    previous = word;
  }
  return terms;
}

export function growthRate(current: number, previous: number): number {
  if (previous > 0) return round((100 * (current - previous)) / previous, 1);
  return current > 0 ? 100 : 0;
}

type Tally = { current: number; previous: number };

export function trendingTopics(items: readonly ContentActivity[]): TrendingTopic[] {
  const tallies = new Map<string, Tally>();
  for (const item of items) {
    for (const term of topicsOf(item.text)) {
      const t = tallies.get(term) ?? { current: 0, previous: 0 };
      t.current += item.current.impressions;
      t.previous += item.previous.impressions;
      tallies.set(term, t);
    }
  }

  // A single word that only ever appears inside one pair says nothing the pair does not.
  for (const term of [...tallies.keys()]) {
    if (!term.includes(" ")) continue;
    const pair = tallies.get(term) as Tally;
    for (const word of term.split(" ")) {
      const single = tallies.get(word);
      if (single && single.current === pair.current && single.previous === pair.previous) {
        tallies.delete(word);
      }
    }
  }

  return [...tallies]
    .filter(([, t]) => t.current > 0)
    .map(([topic, t]) => ({
      topic,
      growth_rate: growthRate(t.current, t.previous),
      volume: t.current,
    }))
    .sort(
      (a, b) =>
        b.growth_rate - a.growth_rate || b.volume - a.volume || a.topic.localeCompare(b.topic),
    )
    .slice(0, TOP);
}

export function trendingHashtags(items: readonly ContentActivity[]): TrendingHashtag[] {
  const tags = new Map<
    string,
    { label: string; uses: number; impressions: number; engagements: number }
  >();
  for (const item of items) {
    if (item.current.impressions === 0 && item.current.engagements === 0) continue;
    for (const [key, label] of hashtagsOf(item.text)) {
      const t = tags.get(key) ?? { label, uses: 0, impressions: 0, engagements: 0 };
      t.uses += 1;
      t.impressions += item.current.impressions;
      t.engagements += item.current.engagements;
      tags.set(key, t);
    }
  }

  const rates = [...tags.values()].map((t) => ({
    ...t,
    rate: engagementRate(t.engagements, t.impressions),
  }));
  const best = Math.max(0, ...rates.map((t) => t.rate));
  return rates
    .map((t) => ({
      hashtag: t.label,
      usage_count: t.uses,
      engagement_score: best > 0 ? Math.round((100 * t.rate) / best) : 0,
    }))
    .sort(
      (a, b) =>
        b.engagement_score - a.engagement_score ||
        b.usage_count - a.usage_count ||
        a.hashtag.localeCompare(b.hashtag),
    )
    .slice(0, TOP);
}
