import { bearerToken, json, type PlatformStandin, parseJson, type StandinRequest } from "./types";

// Ids above 2^53, so a client that turns them into numbers gets a different id back.
const FIRST_POST_ID = 1790000000000000001n;

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

export function createXStandin(): PlatformStandin & { posts: Map<string, string> } {
  const posts = new Map<string, string>();
  let next = FIRST_POST_ID;

  function create(request: StandinRequest): Response {
    if (!request.headers.get("content-type")?.startsWith("application/json")) {
      return invalid("Content-Type must be application/json");
    }
    const text = parseJson(request.body)?.text;
    if (typeof text !== "string" || text === "") return invalid("The `text` field is required.");
    if ([...posts.values()].includes(text)) {
      return json(403, {
        detail: "You are not allowed to create a Tweet with duplicate content.",
        type: "about:blank",
        title: "Forbidden",
        status: 403,
      });
    }
    const id = `${next++}`;
    posts.set(id, text);
    return json(201, { data: { id, text, edit_history_tweet_ids: [id] } });
  }

  function lookup(id: string): Response {
    const text = posts.get(id);
    if (text === undefined) {
      return json(200, {
        errors: [
          { value: id, detail: `Could not find tweet with id: [${id}].`, title: "Not Found Error" },
        ],
      });
    }
    const public_metrics = {
      retweet_count: 3,
      reply_count: 2,
      like_count: 7,
      quote_count: 1,
      bookmark_count: 4,
      impression_count: 120,
    };
    return json(200, { data: { id, text, public_metrics } });
  }

  return {
    posts,
    handle(request) {
      if (!bearerToken(request.headers)) return unauthorized();
      if (request.method === "POST" && request.path === "/2/tweets") return create(request);
      const found = /^\/2\/tweets\/(\d+)$/.exec(request.path);
      if (request.method === "GET" && found?.[1]) return lookup(found[1]);
      return json(404, { title: "Not Found", detail: `No X route for ${request.path}` });
    },
  };
}
