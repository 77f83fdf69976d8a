import { bearerToken, json, type PlatformStandin, parseJson, type StandinRequest } from "./types";

// Ids above 2^53, so a client that turns them into numbers gets a different id back.
const FIRST_POST_ID = 1790000000000000001n;
// The account every token belongs to.
export const X_USER = { id: "2244994945", name: "Momentik Stand-in", username: "momentik_standin" };
// X documents start_time as YYYY-MM-DDTHH:mm:ssZ.
const X_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

type XPost = { id: string; text: string; createdAt: number };

export type XStandin = PlatformStandin & {
  // Newest first, as X lists a user's posts.
  posts: XPost[];
  // Stamps created_at; tests set it to the `now` their publish context uses.
  now: () => number;
};

const unauthorized = () =>
  json(401, { title: "Unauthorized", type: "about:blank", status: 401, detail: "Unauthorized" });

function invalid(message: string) {
  return json(400, {
    errors: [{ message }],
    title: "Invalid Request",
    detail: "One or more parameters to your request was invalid.",
    type: "https://api.twitter.com/2/problems/invalid-request",
  });
}

function notFound(kind: "tweet" | "user", id: string) {
  return json(200, {
    errors: [
      { value: id, detail: `Could not find ${kind} with id: [${id}].`, title: "Not Found Error" },
    ],
  });
}

// X's v2 text fields come back with &, < and > as HTML entities.
const escapeText = (text: string) =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

export function createXStandin(): XStandin {
  let next = FIRST_POST_ID;

  const standin: XStandin = {
    posts: [],
    now: () => Date.now(),
    handle(request) {
      if (!bearerToken(request.headers)) return unauthorized();
      if (request.method === "POST" && request.path === "/2/tweets") return create(request);
      if (request.method !== "GET") return routeNotFound(request.path);
      if (request.path === "/2/users/me") return json(200, { data: X_USER });
      const tweet = /^\/2\/tweets\/(\d+)$/.exec(request.path);
      if (tweet?.[1]) return lookup(tweet[1]);
      const userTweets = /^\/2\/users\/(\d+)\/tweets$/.exec(request.path);
      if (userTweets?.[1]) return timeline(userTweets[1], request.query);
      return routeNotFound(request.path);
    },
  };

  function create(request: StandinRequest): Response {
    if (!request.headers.get("content-type")?.startsWith("application/json")) {
      return invalid("Content-Type must be application/json");
    }
    const text = parseJson(request.body)?.text;
    if (typeof text !== "string" || text === "") return invalid("The `text` field is required.");
    if (standin.posts.some((post) => post.text === text)) {
      return json(403, {
        detail: "You are not allowed to create a Tweet with duplicate content.",
        type: "about:blank",
        title: "Forbidden",
        status: 403,
      });
    }
    const id = `${next++}`;
    standin.posts.unshift({ id, text, createdAt: standin.now() });
    return json(201, { data: { id, text, edit_history_tweet_ids: [id] } });
  }

  function lookup(id: string): Response {
    const post = standin.posts.find((p) => p.id === id);
    if (!post) return notFound("tweet", id);
    const public_metrics = {
      retweet_count: 3,
      reply_count: 2,
      like_count: 7,
      quote_count: 1,
      bookmark_count: 4,
      impression_count: 120,
    };
    return json(200, { data: { id, text: escapeText(post.text), public_metrics } });
  }

  // GET /2/users/:id/tweets: the user's posts newest first, from start_time on.
  function timeline(userId: string, query: URLSearchParams): Response {
    if (userId !== X_USER.id) return notFound("user", userId);
    const max = Number(query.get("max_results") ?? 10);
    if (!Number.isInteger(max) || max < 5 || max > 100) {
      return invalid(`The \`max_results\` query parameter value [${max}] is not between 5 and 100`);
    }
    const startTime = query.get("start_time");
    if (startTime !== null && !X_TIME.test(startTime)) {
      return invalid(`Invalid 'start_time':'${startTime}'.`);
    }
    const since = startTime === null ? Number.NEGATIVE_INFINITY : Date.parse(startTime);
    const fields = (query.get("tweet.fields") ?? "").split(",");
    const data = standin.posts
      .filter((post) => post.createdAt >= since)
      .slice(0, max)
      .map((post) => ({
        id: post.id,
        text: escapeText(post.text),
        edit_history_tweet_ids: [post.id],
        ...(fields.includes("created_at") && {
          created_at: new Date(post.createdAt).toISOString(),
        }),
      }));
    // X leaves `data` out altogether when nothing matches.
    if (data.length === 0) return json(200, { meta: { result_count: 0 } });
    const meta = { result_count: data.length, newest_id: data[0]?.id, oldest_id: data.at(-1)?.id };
    return json(200, { data, meta });
  }

  return standin;
}

const routeNotFound = (path: string) =>
  json(404, { title: "Not Found", detail: `No X route for ${path}` });
